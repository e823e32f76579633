//! The spec pipeline on structure-aware documents: bytes → `arbitrary::Unstructured` → an
//! OpenAPI document of `paysdk_codegen::arbitrary` (the generator the property tests use)
//! → JSON or YAML text → load, validate, normalize, generate. Contract (`check_document_outcome`):
//! never a panic or a hang; an error names the file and a place in it (a JSON pointer the
//! document has, with its line and column), and only a generator failure no part of the spec
//! reproduces alone says no more than "in the file"; generated code parses as Rust.
#![no_main]

use std::path::Path;

use libfuzzer_sys::arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use paysdk_codegen::arbitrary::{Document, check_document_outcome};
use paysdk_codegen::generate;

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let (Ok(yaml), Ok(doc)) = (u.arbitrary::<bool>(), Document::arbitrary(&mut u)) else {
        return;
    };
    let (file, text) = if yaml {
        ("fuzz.yaml", doc.to_yaml())
    } else {
        ("fuzz.json", doc.to_json())
    };
    let outcome = generate(Path::new(file), &text);
    if let Err(broken) = check_document_outcome(Path::new(file), &doc.value, &outcome) {
        panic!("{broken}\ndocument: {doc:?}");
    }
});
