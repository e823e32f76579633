//! spec-diff's loader and comparison. The input is split at the first NUL into two documents.
//! Contract: never a panic or a hang; an error names a file; a document diffed against itself
//! reports nothing, and neither does a copy with its mapping keys in reverse order.
#![no_main]

use libfuzzer_sys::fuzz_target;
use paysdk::diff::{Settings, diff_texts};

fn settings() -> Settings {
    Settings {
        today: "2026-12-01".to_string(),
        ..Settings::default()
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (base, rev) = text.split_once('\0').unwrap_or((text, text));
    let settings = settings();
    match diff_texts("fuzz.yaml", "base.yaml", base, "rev.yaml", rev, &settings) {
        Ok(_) => {}
        Err(e) => assert!(e.file.is_some() && !e.message.is_empty(), "{e:?}"),
    }
    for doc in [base, rev] {
        if let Ok(findings) = diff_texts("fuzz.yaml", "a.yaml", doc, "b.yaml", doc, &settings) {
            let findings = changes(findings);
            assert!(
                findings.is_empty(),
                "a document differs from itself: {findings:?}"
            );
            // The same document as JSON with keys reversed: still nothing.
            if let Some(reordered) = reversed_json(doc) {
                let findings =
                    diff_texts("fuzz.yaml", "a.yaml", doc, "b.json", &reordered, &settings);
                if let Ok(findings) = findings.map(changes) {
                    assert!(findings.is_empty(), "reordered keys differ: {findings:?}");
                }
            }
        }
    }
});

/// The findings that report a change: a remote `$ref` that is not followed is a notice about
/// what was not compared (found by this target once spec-diff began to report it), not one.
fn changes(findings: Vec<paysdk::diff::Finding>) -> Vec<paysdk::diff::Finding> {
    findings
        .into_iter()
        .filter(|f| f.id != "api-remote-ref-not-followed")
        .collect()
}

/// `doc` (JSON text) with every object's keys in reverse order, if it is JSON.
fn reversed_json(doc: &str) -> Option<String> {
    fn write(v: &serde_json::Value, out: &mut String) {
        match v {
            serde_json::Value::Object(map) => {
                out.push('{');
                for (i, (k, v)) in map.iter().rev().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&serde_json::Value::from(k.as_str()).to_string());
                    out.push(':');
                    write(v, out);
                }
                out.push('}');
            }
            serde_json::Value::Array(items) => {
                out.push('[');
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write(v, out);
                }
                out.push(']');
            }
            other => out.push_str(&other.to_string()),
        }
    }
    let value: serde_json::Value = serde_json::from_str(doc).ok()?;
    let mut out = String::new();
    write(&value, &mut out);
    Some(out)
}
