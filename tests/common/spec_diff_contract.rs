//! spec-diff's contract on generated documents, shared by `tests/spec_diff_properties.rs` and
//! the `spec_diff` fuzz target (included there by path): a document diffed against itself, its
//! YAML, and its key-reversed JSON and YAML reports nothing; against a second document it never
//! panics; every error names a file.

use paysdk::diff::{Finding, Settings, diff_texts};
use paysdk_codegen::arbitrary::{Document, reversed};

/// Settings with a fixed date, so `x-sunset` rules do not depend on the day.
pub fn settings() -> Settings {
    Settings {
        today: "2026-12-01".to_string(),
        ..Settings::default()
    }
}

/// The findings that report a change: a remote `$ref` that is not followed is a notice about
/// what was not compared, not one.
pub fn changes(findings: Vec<Finding>) -> Vec<Finding> {
    findings
        .into_iter()
        .filter(|f| f.id != "api-remote-ref-not-followed")
        .collect()
}

/// Checks `doc` against its copies and, if given, against `other`: `Err` says what broke.
pub fn check_documents(doc: &Document, other: Option<&Document>) -> Result<(), String> {
    let settings = settings();
    let reordered = Document {
        version: doc.version,
        value: reversed(&doc.value),
    };
    let base = doc.to_json();
    let copies = [
        ("b.json", doc.to_json()),
        ("b.yaml", doc.to_yaml()),
        ("b.json", reordered.to_json()),
        ("b.yaml", reordered.to_yaml()),
    ];
    for (name, text) in &copies {
        match diff_texts("gen.json", "a.json", &base, name, text, &settings) {
            Ok(findings) => {
                let findings = changes(findings);
                if !findings.is_empty() {
                    return Err(format!(
                        "differs from itself ({name}): {findings:?}\n{doc:?}"
                    ));
                }
            }
            Err(e) if e.file.is_none() || e.message.is_empty() => {
                return Err(format!("an error without a file: {e:?}"));
            }
            Err(_) => {}
        }
    }
    if let Some(other) = other {
        let other = other.to_yaml();
        for (a, b) in [(&base, &other), (&other, &base)] {
            if let Err(e) = diff_texts("gen.yaml", "a.yaml", a, "b.yaml", b, &settings)
                && (e.file.is_none() || e.message.is_empty())
            {
                return Err(format!("an error without a file: {e:?}"));
            }
        }
    }
    Ok(())
}
