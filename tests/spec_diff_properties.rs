//! spec-diff on structure-aware random documents (`paysdk_codegen::arbitrary`, the generator the
//! `spec_diff` fuzz target draws from): a document diffed against itself, or against a copy with
//! its keys reversed, reports nothing; two different documents compare without a panic, and
//! within a bounded amount of work (a hang found by the fuzzer is kept in
//! `fuzz/regressions/spec_diff/`). Fixed seed, bounded cases.

use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use arbitrary::{Arbitrary, Unstructured};
use paysdk_codegen::arbitrary::Document;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

#[path = "common/spec_diff_contract.rs"]
mod contract;

/// The fuzz target's contract for the documents drawn from `bytes`: `Err` with what broke.
fn check(bytes: &[u8]) -> Result<(), String> {
    let mut u = Unstructured::new(bytes);
    let Ok(doc) = Document::arbitrary(&mut u) else {
        return Ok(());
    };
    let other = Document::arbitrary(&mut u).ok();
    contract::check_documents(&doc, other.as_ref())
}

/// `check` on its own thread, failing instead of hanging when it takes longer than `limit`.
fn check_within(bytes: Vec<u8>, limit: Duration) -> Result<(), String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(check(&bytes));
    });
    match rx.recv_timeout(limit) {
        Ok(outcome) => outcome,
        Err(_) => Err(format!("no answer within {limit:?}")),
    }
}

#[test]
fn fuzz_regressions_finish_and_keep_the_contract() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions/spec_diff");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        // Generated mode: a first byte 0xFF, then the generator's bytes.
        let Some(rest) = bytes.strip_prefix(&[0xFF]) else {
            continue;
        };
        // Generous: the fixed comparison takes well under a second; the hang never ended.
        if let Err(broken) = check_within(rest.to_vec(), Duration::from_secs(120)) {
            panic!("{}: {broken}", path.display());
        }
        checked += 1;
    }
    assert!(
        checked > 0,
        "no generated-mode regression in {}",
        dir.display()
    );
}

#[test]
fn random_documents_diff_to_nothing_against_themselves() {
    let cases = std::env::var("SPEC_PROPERTIES_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(32);
    let config = Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    };
    let mut runner =
        TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &[23; 32]));
    runner
        .run(&prop::collection::vec(any::<u8>(), 0..4096), |bytes| {
            check_within(bytes, Duration::from_secs(120)).map_err(TestCaseError::fail)
        })
        .unwrap();
}
