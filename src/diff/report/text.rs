use super::Report;
use crate::diff::Level;
use std::fmt::Write as _;

fn paint(s: &str, code: &str, color: bool) -> String {
    if color {
        format!("\x1b[{code}m{s}\x1b[0m")
    } else {
        s.to_string()
    }
}

fn level(l: Level, color: bool) -> String {
    let code = match l {
        Level::Err => "1;31",
        Level::Warn => "33",
        Level::Info => "36",
    };
    paint(&format!("{:<4}", l.as_str()), code, color)
}

pub(super) fn render(r: &Report, color: bool) -> String {
    let mut out = String::new();
    let mut current: Option<&str> = None;
    for f in &r.findings {
        if current != Some(f.spec.as_str()) {
            let _ = writeln!(out, "{}", paint(&f.spec, "1", color));
            current = Some(&f.spec);
        }
        let _ = write!(out, "  {}  {}  {}", level(f.level, color), f.id, f.message);
        if let Some(s) = &f.source {
            let _ = write!(out, "  ({}:{}:{})", s.file, s.line, s.column);
        }
        out.push('\n');
        if let Some(line) = super::affects(f, super::FEW) {
            let _ = writeln!(out, "        {line}");
        }
    }
    for s in &r.specs {
        if matches!(s.status, super::SpecStatus::Compared)
            && !r.findings.iter().any(|f| f.spec == s.spec)
        {
            let _ = writeln!(out, "{}: no changes found", s.spec);
        }
    }
    for i in &r.ignored {
        let _ = writeln!(
            out,
            "ignored: {} {} ({})",
            i.finding.id, i.finding.message, i.reason
        );
    }
    for e in &r.unused_ignores {
        let _ = writeln!(
            out,
            "{} {}:{}:{}: ignore entry for {} on {} matched nothing",
            paint("unused", "33", color),
            e.source.file,
            e.source.line,
            e.source.column,
            e.id,
            e.operation
        );
    }
    if let Some(line) = r.semver_line() {
        let code = if r.semver_failed() { "1;31" } else { "32" };
        let _ = writeln!(out, "{}", paint(&line, code, color));
    }
    let verdict = if r.failed() { "failing" } else { "passing" };
    let _ = writeln!(
        out,
        "{} ({} ignored); fail-on {}: {}",
        r.summary(),
        r.ignored.len(),
        r.fail_on_text(),
        verdict
    );
    out
}
