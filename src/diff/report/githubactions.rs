use super::Report;
use crate::diff::Level;
use std::fmt::Write as _;

fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn prop(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

pub(super) fn render(r: &Report) -> String {
    let mut out = String::new();
    for f in &r.findings {
        let cmd = match f.level {
            Level::Err => "error",
            Level::Warn => "warning",
            Level::Info => "notice",
        };
        let mut props = Vec::new();
        // `rev:path` sources are not files in the checkout: no file property.
        if let Some(s) = f.source.as_ref().filter(|s| !s.file.contains(':')) {
            props.push(format!("file={}", prop(&s.file)));
            props.push(format!("line={}", s.line));
            props.push(format!("col={}", s.column));
        }
        props.push(format!(
            "title={}",
            prop(&format!("{} ({})", f.id, f.level))
        ));
        // One annotation per cause, on the changed line, naming its users.
        let text = match super::affects(f, super::FEW) {
            Some(a) => format!("{} ({a})", f.message),
            None => f.message.clone(),
        };
        let _ = writeln!(out, "::{cmd} {}::{}", props.join(","), data(&text));
    }
    for e in &r.unused_ignores {
        let _ = writeln!(
            out,
            "::warning file={},line={},col={},title=unused ignore entry::{}",
            prop(&e.source.file),
            e.source.line,
            e.source.column,
            data(&format!(
                "entry for {} on {} matched nothing",
                e.id, e.operation
            ))
        );
    }
    if let Some(line) = r.semver_line() {
        let cmd = if r.semver_failed() { "error" } else { "notice" };
        let _ = writeln!(out, "::{cmd} title=semver::{}", data(&line));
    }
    let _ = writeln!(out, "spec-diff: {}", r.summary());
    out
}
