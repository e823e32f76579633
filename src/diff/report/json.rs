use super::Report;
use crate::diff::Level;
use serde_json::json;

pub(super) fn render(r: &Report) -> String {
    let value = json!({
        "findings": r.findings,
        "summary": {
            "err": r.count(Level::Err),
            "warn": r.count(Level::Warn),
            "info": r.count(Level::Info),
            "ignored": r.ignored.len(),
        },
        "ignored": r.ignored,
        "unused_ignores": r.unused_ignores,
        "specs": r.specs,
        "semver": r.semver,
        "fail_on": r.fail_on_text(),
        "failed": r.failed(),
    });
    let mut s = serde_json::to_string_pretty(&value).unwrap_or_else(|_| "{}".into());
    s.push('\n');
    s
}
