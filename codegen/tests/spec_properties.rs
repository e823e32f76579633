//! Property tests of the generator on structure-aware random OpenAPI documents, drawn by
//! `paysdk_codegen::arbitrary` (the generator the `spec_structured` fuzz target uses) from
//! proptest's bytes: paths, operations, parameters of every style, request bodies and
//! responses with several media types and statuses, schemas with `$ref`s (cycles included),
//! allOf/oneOf/anyOf, enums, 3.0 and 3.1 keywords, colliding names. Fixed seed, bounded
//! cases. The contract (`arbitrary::check_document_outcome`): never a panic; an error names the file
//! and a place, and only a generator failure says no more than "in the file"; generated code
//! parses.

use std::cell::Cell;
use std::path::Path;

use arbitrary::{Arbitrary, Unstructured};
use paysdk_codegen::arbitrary::{Document, check_document_outcome};
use paysdk_codegen::generate;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

/// Bytes for the generator: long enough for a document of several paths and schemas.
fn documents() -> impl Strategy<Value = Document> {
    prop::collection::vec(any::<u8>(), 0..4096).prop_map(|bytes| {
        Document::arbitrary(&mut Unstructured::new(&bytes)).expect("the generator never fails")
    })
}

fn runner(cases: u32) -> TestRunner {
    let config = Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    };
    TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &[17; 32]))
}

#[test]
fn random_documents_generate_or_fail_with_a_place() {
    let outcomes = Cell::new((0u32, 0u32));
    let verbose = std::env::var_os("SPEC_PROPERTIES_VERBOSE").is_some();
    // `SPEC_PROPERTIES_CASES=N` for a longer run than `cargo test`'s.
    let cases = std::env::var("SPEC_PROPERTIES_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(48);
    runner(cases)
        .run(&documents(), |doc| {
            // A crash that aborts (a stack overflow) leaves no report: this file keeps the case.
            if let Some(path) = std::env::var_os("SPEC_PROPERTIES_LAST") {
                std::fs::write(path, doc.to_json()).unwrap();
            }
            for (file, text) in [("gen.json", doc.to_json()), ("gen.yaml", doc.to_yaml())] {
                let outcome = generate(Path::new(file), &text);
                if let Err(broken) = check_document_outcome(Path::new(file), &doc.value, &outcome) {
                    return Err(TestCaseError::fail(broken));
                }
                let (ok, err) = outcomes.get();
                match &outcome {
                    Ok(_) => outcomes.set((ok + 1, err)),
                    Err(e) => {
                        if verbose {
                            eprintln!("{e}");
                        }
                        outcomes.set((ok, err + 1));
                    }
                }
            }
            Ok(())
        })
        .unwrap();
    // Some documents are refused on purpose (allOf cycles, dangling `$ref`s, enum/type
    // clashes); a good share must still generate, or the property would exercise only checks.
    let (ok, err) = outcomes.get();
    eprintln!("generated {ok}, refused {err}");
    assert!(ok * 4 >= ok + err, "generated {ok} / failed {err}");
}

/// Minimized documents the generator found a crash or a broken contract with
/// (`tests/fixtures/arbitrary/`, one file each, its `info.title` says what broke): each now
/// generates or fails with a place.
#[test]
fn found_documents_generate_or_fail_with_a_place() {
    // `SPEC_PROPERTIES_FOUND=dir` runs the documents of another folder (while minimizing one).
    let dir = std::env::var_os("SPEC_PROPERTIES_FOUND")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/arbitrary")
        });
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(!files.is_empty());
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
        let file = Path::new("found.json");
        let outcome = generate(file, &text);
        if let Err(broken) = check_document_outcome(file, &doc, &outcome) {
            panic!("{}: {broken}", path.display());
        }
    }
}
