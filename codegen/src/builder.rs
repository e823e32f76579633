//! The build-script API: [`compile_specs`] for the common case, [`Builder`] for options.

use std::path::{Path, PathBuf};

use super::{GeneratedModule, Location, SpecError, build};

/// Generates a client module for every spec in `specs_dir` into `OUT_DIR`, from a build
/// script: [`Builder::new`] with that directory, then [`Builder::compile`].
///
/// Prints the `cargo::rerun-if-changed` lines (the directory, and any file a `$ref` reaches
/// outside it) and one `cargo::warning` per problem that does not stop the build. A spec that
/// cannot become a client is the error, naming the file and where in it; returned from
/// `main`, it is the build failure's message.
///
/// ```no_run
/// // build.rs
/// fn main() -> Result<(), paysdk_codegen::SpecError> {
///     paysdk_codegen::compile_specs("specs")
/// }
/// ```
///
/// and in the crate, one module per spec (`specs/ledger.yaml` becomes `ledger`):
///
/// ```ignore
/// paysdk::include_api!(pub ledger);
/// ```
pub fn compile_specs(specs_dir: impl AsRef<Path>) -> Result<(), SpecError> {
    Builder::new()
        .specs_dir(specs_dir.as_ref())
        .compile()
        .map(drop)
}

/// Options for generating clients from specs; [`compile_specs`] is `Builder::new()` with a
/// directory.
///
/// ```no_run
/// // build.rs
/// fn main() -> Result<(), paysdk_codegen::SpecError> {
///     let out = std::path::PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default());
///     let modules = paysdk_codegen::Builder::new()
///         .specs_dir("api/specs")
///         .out_dir(out.join("api"))
///         .compile()?;
///     assert!(!modules.is_empty(), "no spec in api/specs");
///     Ok(())
/// }
/// ```
#[derive(Debug, Clone)]
pub struct Builder {
    specs_dir: PathBuf,
    out_dir: Option<PathBuf>,
    cargo_directives: bool,
}

impl Default for Builder {
    fn default() -> Self {
        Self::new()
    }
}

impl Builder {
    /// Specs from `specs/`, modules into `OUT_DIR`, with cargo directives.
    pub fn new() -> Self {
        Builder {
            specs_dir: PathBuf::from("specs"),
            out_dir: None,
            cargo_directives: true,
        }
    }

    /// The directory of specs, relative to the crate's root (a build script's working
    /// directory): every `x.yaml`, `x.yml`, `x.json` and every folder with an `openapi.*`
    /// root, with their sidecar (`x.paysdk.yaml`) and overlay (`x.overlay.yaml`) files.
    pub fn specs_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.specs_dir = dir.into();
        self
    }

    /// Where the modules are written (`<module>.rs` each, created if missing); by default
    /// `OUT_DIR`, where [`include_api!`](https://docs.rs/paysdk) reads them.
    pub fn out_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.out_dir = Some(dir.into());
        self
    }

    /// Whether to print `cargo::rerun-if-changed` and `cargo::warning` lines (on by default;
    /// off when not run from a build script).
    pub fn cargo_directives(mut self, on: bool) -> Self {
        self.cargo_directives = on;
        self
    }

    /// Generates every spec and writes its module; returns the modules, sorted by spec name.
    /// A module is written only when its text changed, so an unchanged spec recompiles
    /// nothing.
    pub fn compile(&self) -> Result<Vec<GeneratedModule>, SpecError> {
        if self.cargo_directives {
            // The directory, not each file: a per-file list misses specs added later. Cargo
            // scans it recursively, so files inside spec folders count too.
            println!("cargo::rerun-if-changed={}", self.specs_dir.display());
        }
        let out_dir = match &self.out_dir {
            Some(dir) => dir.clone(),
            None => std::env::var_os("OUT_DIR")
                .map(PathBuf::from)
                .ok_or_else(|| {
                    SpecError::new(
                        &self.specs_dir,
                        Location::File,
                        "OUT_DIR is not set: run the generator from a build script, or give \
                     Builder::out_dir",
                    )
                })?,
        };
        std::fs::create_dir_all(&out_dir).map_err(|e| {
            SpecError::new(
                &self.specs_dir,
                Location::File,
                format!("cannot create {}: {e}", out_dir.display()),
            )
        })?;
        let modules = build(&self.specs_dir, &out_dir)?;
        if self.cargo_directives {
            for warning in modules.iter().flat_map(|m| &m.warnings) {
                println!("cargo::warning={warning}");
            }
            // A `$ref` may reach a file outside the directory (`../../shared/common.yaml`).
            for file in modules.iter().flat_map(|m| &m.files) {
                if !file.starts_with(&self.specs_dir) {
                    println!("cargo::rerun-if-changed={}", file.display());
                }
            }
        }
        Ok(modules)
    }
}
