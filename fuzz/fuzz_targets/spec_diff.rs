//! spec-diff's loader and comparison. Two kinds of input: text split at the first NUL into
//! two documents; or, after a first byte 0xFF (never valid UTF-8, so text inputs never
//! start so), bytes for `paysdk_codegen::arbitrary`'s structure-aware generator, which draws a
//! document and then a second one. Contract: never a panic or a hang; an error names a file;
//! a document diffed against itself reports nothing, and neither does a copy with its mapping
//! keys in reverse order (as JSON or, for a generated document, YAML).
#![no_main]

use libfuzzer_sys::arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use paysdk::diff::{Settings, diff_texts};
use paysdk_codegen::arbitrary::{Document, reversed};

fn settings() -> Settings {
    Settings {
        today: "2026-12-01".to_string(),
        ..Settings::default()
    }
}

fuzz_target!(|data: &[u8]| {
    if let Some(rest) = data.strip_prefix(&[0xFF]) {
        generated(rest);
        return;
    }
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

/// A generated document against itself and a key-reversed copy (JSON and YAML): nothing; then
/// against a second generated document: no panic, an error names a file.
fn generated(data: &[u8]) {
    let mut u = Unstructured::new(data);
    let Ok(doc) = Document::arbitrary(&mut u) else {
        return;
    };
    let settings = settings();
    let reordered = Document {
        version: doc.version,
        value: reversed(&doc.value),
    };
    let texts = [
        ("b.json", doc.to_json()),
        ("b.yaml", doc.to_yaml()),
        ("b.json", reordered.to_json()),
        ("b.yaml", reordered.to_yaml()),
    ];
    let base = doc.to_json();
    for (name, text) in &texts {
        match diff_texts("fuzz.json", "a.json", &base, name, text, &settings) {
            Ok(findings) => {
                let findings = changes(findings);
                assert!(
                    findings.is_empty(),
                    "a generated document differs from itself ({name}): {findings:?}\n{doc:?}"
                );
            }
            Err(e) => assert!(e.file.is_some() && !e.message.is_empty(), "{e:?}"),
        }
    }
    if let Ok(other) = Document::arbitrary(&mut u) {
        let other = other.to_yaml();
        for (a, b) in [(&base, &other), (&other, &base)] {
            if let Err(e) = diff_texts("fuzz.yaml", "a.yaml", a, "b.yaml", b, &settings) {
                assert!(e.file.is_some() && !e.message.is_empty(), "{e:?}");
            }
        }
    }
}

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
    let value: serde_json::Value = serde_json::from_str(doc).ok()?;
    Some(reversed(&value).to_string())
}
