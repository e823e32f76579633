use super::Report;
use std::fmt::Write as _;

fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&apos;"),
            // Control characters are not allowed in XML 1.0.
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\r' | '\t') => o.push(' '),
            c => o.push(c),
        }
    }
    o
}

/// The operations a grouped finding affects, one per line (capped like JSON).
fn uses_text(f: &crate::diff::Finding) -> String {
    if !f.is_grouped() {
        return String::new();
    }
    let mut s = format!("\naffects {} operations:", f.operations.len());
    for u in f.operations.iter().take(crate::diff::MAX_LISTED_OPERATIONS) {
        let _ = write!(
            s,
            "\n  {} {} {} at {}",
            u.level, u.id, u.operation, u.location
        );
    }
    if f.operations.len() > crate::diff::MAX_LISTED_OPERATIONS {
        let _ = write!(
            s,
            "\n  and {} more",
            f.operations.len() - crate::diff::MAX_LISTED_OPERATIONS
        );
    }
    s
}

pub(super) fn render(r: &Report) -> String {
    let mut specs: Vec<&str> = r.specs.iter().map(|s| s.spec.as_str()).collect();
    for f in &r.findings {
        if !specs.contains(&f.spec.as_str()) {
            specs.push(&f.spec);
        }
    }
    let gate_fails = usize::from(r.semver_failed());
    let failures = r.findings.iter().filter(|f| r.fails_threshold(f)).count() + gate_fails;
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let total: usize = specs
        .iter()
        .map(|s| r.findings.iter().filter(|f| f.spec == *s).count().max(1))
        .sum::<usize>()
        + usize::from(r.semver.is_some());
    let _ = writeln!(
        out,
        "<testsuites name=\"spec-diff\" tests=\"{total}\" failures=\"{failures}\">"
    );
    for spec in specs {
        let mine: Vec<_> = r.findings.iter().filter(|f| f.spec == spec).collect();
        let fails = mine.iter().filter(|f| r.fails_threshold(f)).count();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{fails}\">",
            esc(spec),
            mine.len().max(1)
        );
        if mine.is_empty() {
            let _ = writeln!(
                out,
                "    <testcase classname=\"{}\" name=\"no findings\"/>",
                esc(spec)
            );
        }
        for f in mine {
            let name = match (&f.operation, f.is_grouped()) {
                (Some(op), _) => format!("{} {op} {}", f.id, f.location),
                (None, true) => format!(
                    "{} {} (affects {} operations)",
                    f.id,
                    f.location,
                    f.operations.len()
                ),
                (None, false) => format!("{} - {}", f.id, f.location),
            };
            let uses = uses_text(f);
            let file = f
                .source
                .as_ref()
                .map(|s| format!(" file=\"{}\" line=\"{}\"", esc(&s.file), s.line))
                .unwrap_or_default();
            let _ = write!(
                out,
                "    <testcase classname=\"{}\" name=\"{}\"{file}>",
                esc(spec),
                esc(&name)
            );
            if r.fails_threshold(f) {
                let _ = write!(
                    out,
                    "<failure type=\"{}\" message=\"{}\">fingerprint {}{}</failure>",
                    f.level,
                    esc(&f.message),
                    f.fingerprint,
                    esc(&uses)
                );
            } else {
                let _ = write!(
                    out,
                    "<system-out>{}: {}{}</system-out>",
                    f.level,
                    esc(&f.message),
                    esc(&uses)
                );
            }
            out.push_str("</testcase>\n");
        }
        out.push_str("  </testsuite>\n");
    }
    if let Some(line) = r.semver_line() {
        let _ = write!(
            out,
            "  <testsuite name=\"semver\" tests=\"1\" failures=\"{gate_fails}\">\n    <testcase classname=\"semver\" name=\"crate major version\">"
        );
        if gate_fails > 0 {
            let _ = write!(out, "<failure type=\"semver\" message=\"{}\"/>", esc(&line));
        }
        out.push_str("</testcase>\n  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}
