//! spec-diff's loader and comparison. Two kinds of input: text split at the first NUL into
//! two documents; or, after a first byte 0xFF (never valid UTF-8, so text inputs never
//! start so), bytes for `paysdk_codegen::arbitrary`'s structure-aware generator, which draws a
//! document and then a second one. Contract: never a panic or a hang; an error names a file;
//! a document diffed against itself reports nothing, and neither does a copy with its mapping
//! keys in reverse order (as JSON or, for a generated document, YAML).
#![no_main]

use libfuzzer_sys::arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use paysdk::diff::diff_texts;
use paysdk_codegen::arbitrary::{Document, reversed};

// The generated-document contract, shared with tests/spec_diff_properties.rs.
#[path = "../../tests/common/spec_diff_contract.rs"]
mod contract;
use contract::{changes, settings};

fuzz_target!(|data: &[u8]| {
    // A stack overflow kills the process before libFuzzer saves the input: with
    // FUZZ_LAST_INPUT=file each input is written there first (as in `spec_structured`).
    if let Some(path) = std::env::var_os("FUZZ_LAST_INPUT") {
        let _ = std::fs::write(path, data);
    }
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

/// A generated document against its copies, then against a second generated one.
fn generated(data: &[u8]) {
    let mut u = Unstructured::new(data);
    let Ok(doc) = Document::arbitrary(&mut u) else {
        return;
    };
    let other = Document::arbitrary(&mut u).ok();
    if let Err(broken) = contract::check_documents(&doc, other.as_ref()) {
        panic!("{broken}");
    }
}

/// `doc` (JSON text) with every object's keys in reverse order, if it is JSON.
fn reversed_json(doc: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(doc).ok()?;
    Some(reversed(&value).to_string())
}
