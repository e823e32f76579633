//! The spec pipeline (load → validate → normalize → generate) on arbitrary bytes, read as YAML
//! or JSON. Contract: never a panic or a hang; an error names the file and a place in it
//! (a generator failure is traced to the operation or schema that fails), and only a
//! generator failure no part of the spec alone reproduces may say no more than "in the file".
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use paysdk_codegen::{Location, generate};

fuzz_target!(|data: &[u8]| {
    // The first byte picks the syntax, as the file extension would.
    let Some((&kind, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let file = if kind & 1 == 0 {
        "fuzz.yaml"
    } else {
        "fuzz.json"
    };
    if let Err(e) = generate(Path::new(file), text) {
        assert_eq!(e.file, Path::new(file));
        assert!(!e.problem.is_empty());
        if let Some((line, column)) = e.line_column {
            assert!(line >= 1 && column >= 1, "{e}");
            assert!(matches!(e.location, Location::Pointer(_)), "{e}");
        }
        match &e.location {
            Location::LineColumn { line, column } => assert!(*line >= 1 && *column >= 1, "{e}"),
            Location::Pointer(p) => assert!(p.is_empty() || p.starts_with('/'), "{e}"),
            Location::File => assert!(e.problem.starts_with("the generator"), "{e}"),
        }
    }
});
