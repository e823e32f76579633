//! Turns every OpenAPI spec in `specs/` (a file, or a folder with an `openapi.*` root) into a
//! client module; the work is in the generator crate (`codegen/`, `paysdk_codegen`).

use paysdk_codegen as codegen;

use std::path::{Path, PathBuf};

fn main() {
    // The directory, not each file: a per-file list misses specs added later. Cargo scans a
    // directory recursively, so files inside spec folders are covered too, and so are the
    // sidecar (`x.paysdk.yaml`) and overlay (`x.overlay.yaml`) files next to each spec.
    println!("cargo::rerun-if-changed=specs");
    println!("cargo::rerun-if-changed=tests/fixtures/codegen");
    println!("cargo::rerun-if-changed=tests/fixtures/facade");
    let Some(out_dir) = std::env::var_os("OUT_DIR").map(PathBuf::from) else {
        eprintln!("paysdk: OUT_DIR is not set; run the build through cargo");
        std::process::exit(1);
    };
    match codegen::build(Path::new("specs"), &out_dir) {
        Ok(modules) => {
            for warning in modules.iter().flat_map(|m| &m.warnings) {
                println!("cargo::warning={warning}");
            }
            // A `$ref` may reach a file outside specs/ (`../../shared/common.yaml`).
            for file in modules.iter().flat_map(|m| &m.files) {
                if !file.starts_with("specs") {
                    println!("cargo::rerun-if-changed={}", file.display());
                }
            }
        }
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    }
    // Specs written for the tests; only the library's unit tests compile them.
    if let Err(e) = codegen::fixtures::build(Path::new("tests/fixtures/codegen"), &out_dir) {
        eprintln!("{e}");
        std::process::exit(1);
    }
    // The spec of the facade tests (tests/facade_*.rs), which include it from OUT_DIR.
    let facade = Path::new("tests/fixtures/facade");
    if let Err(e) = codegen::fixtures::build_into(facade, &out_dir, "facade_fixtures") {
        eprintln!("{e}");
        std::process::exit(1);
    }
}
