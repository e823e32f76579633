use super::Report;
use std::fmt::Write as _;

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

pub(super) fn render(r: &Report) -> String {
    let mut out = String::new();
    let icon = if r.failed() { "❌" } else { "✅" };
    let _ = writeln!(out, "### {icon} spec-diff: {}\n", r.summary());
    if r.findings.is_empty() {
        out.push_str("No findings.\n");
    } else {
        out.push_str(
            "| level | rule | spec | operation | location | message |\n|---|---|---|---|---|---|\n",
        );
        for f in &r.findings {
            let operation = match super::affects(f, super::FEW) {
                Some(a) => a,
                None => f.operation.clone().unwrap_or_default(),
            };
            let _ = writeln!(
                out,
                "| {} | `{}` | {} | {} | `{}` | {} |",
                f.level,
                f.id,
                cell(&f.spec),
                cell(&operation),
                cell(&f.location),
                cell(&f.message)
            );
        }
    }
    if !r.ignored.is_empty() {
        let _ = writeln!(
            out,
            "\n<details><summary>{} ignored</summary>\n",
            r.ignored.len()
        );
        for i in &r.ignored {
            let _ = writeln!(
                out,
                "- `{}` {}: {}",
                i.finding.id,
                cell(&i.finding.message),
                cell(&i.reason)
            );
        }
        out.push_str("\n</details>\n");
    }
    for e in &r.unused_ignores {
        let _ = writeln!(
            out,
            "\n⚠️ unused ignore entry `{}` for {} ({}:{})",
            e.id, e.operation, e.source.file, e.source.line
        );
    }
    if let Some(line) = r.semver_line() {
        let _ = writeln!(out, "\n**semver:** {line}");
    }
    let _ = writeln!(
        out,
        "\n_fail-on {}: {}_",
        r.fail_on_text(),
        if r.failed() { "failing" } else { "passing" }
    );
    out
}
