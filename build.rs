//! Turns every OpenAPI spec in `specs/` (a file, or a folder with an `openapi.*` root) into a
//! client module in `OUT_DIR`, through the generator crate (`codegen/`, `paysdk_codegen`):
//! the same call a user's build script makes.

use std::path::{Path, PathBuf};

use paysdk_codegen::{Location, SpecError, fixtures};

fn main() -> Result<(), SpecError> {
    // Also the sidecar (`x.paysdk.yaml`) and overlay (`x.overlay.yaml`) files.
    paysdk_codegen::compile_specs("specs")?;

    // Specs written for the tests; only the library's unit tests and tests/facade_*.rs
    // include them.
    println!("cargo::rerun-if-changed=tests/fixtures/codegen");
    println!("cargo::rerun-if-changed=tests/fixtures/facade");
    let out_dir = std::env::var_os("OUT_DIR")
        .map(PathBuf::from)
        .ok_or_else(|| SpecError {
            file: PathBuf::from("tests/fixtures"),
            location: Location::File,
            problem: "OUT_DIR is not set; run the build through cargo".into(),
            line_column: None,
        })?;
    fixtures::build(Path::new("tests/fixtures/codegen"), &out_dir)?;
    fixtures::build_into(
        Path::new("tests/fixtures/facade"),
        &out_dir,
        "facade_fixtures",
    )
}
