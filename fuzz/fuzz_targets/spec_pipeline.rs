//! The spec pipeline (load → validate → normalize → generate) on arbitrary bytes, read as YAML
//! or JSON. Contract (`paysdk_codegen::arbitrary::check_outcome`, shared with `spec_structured`
//! and the property tests): never a panic or a hang; an error names the file and a place in it
//! (a generator failure is traced to the operation or schema that fails), and only a generator
//! failure no part of the spec alone reproduces may say no more than "in the file"; generated
//! code parses.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use paysdk_codegen::arbitrary::check_outcome;
use paysdk_codegen::generate;

fuzz_target!(|data: &[u8]| {
    // A stack overflow kills the process before libFuzzer saves the input: with
    // FUZZ_LAST_INPUT=file each input is written there first (as in `spec_structured`).
    if let Some(path) = std::env::var_os("FUZZ_LAST_INPUT") {
        let _ = std::fs::write(path, data);
    }
    // The first byte picks the syntax, as the file extension would.
    let Some((&kind, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let file = Path::new(if kind & 1 == 0 {
        "fuzz.yaml"
    } else {
        "fuzz.json"
    });
    if let Err(broken) = check_outcome(file, &generate(file, text)) {
        panic!("{broken}");
    }
});
