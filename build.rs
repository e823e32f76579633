//! Turns every OpenAPI file in `specs/` into a client module; the work is in `src/codegen`.

#[path = "src/codegen/mod.rs"]
#[allow(dead_code)] // The library exposes parts of this module that the build does not call.
mod codegen;

use std::path::{Path, PathBuf};

fn main() {
    // The directory, not each file: a per-file list misses specs added later.
    println!("cargo::rerun-if-changed=specs");
    println!("cargo::rerun-if-changed=src/codegen");
    println!("cargo::rerun-if-changed=tests/fixtures/codegen");
    let Some(out_dir) = std::env::var_os("OUT_DIR").map(PathBuf::from) else {
        eprintln!("paysdk: OUT_DIR is not set; run the build through cargo");
        std::process::exit(1);
    };
    if let Err(e) = codegen::build(Path::new("specs"), &out_dir) {
        eprintln!("{e}");
        std::process::exit(1);
    }
    // Specs written for the tests; only the library's unit tests compile them.
    if let Err(e) = codegen::fixtures::build(Path::new("tests/fixtures/codegen"), &out_dir) {
        eprintln!("{e}");
        std::process::exit(1);
    }
}
