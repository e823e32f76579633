//! The module a spec becomes, as text to read: what `paysdk-codegen print <spec>` shows.

use std::path::Path;

use super::{SpecError, generate_from, portable};

/// The formatted module generated from the spec file or folder at `spec` (with its sidecar
/// and overlay beside it applied), exactly as a build script writes it to `OUT_DIR`: what
/// a user calls, and what a spec change does to the code.
///
/// ```no_run
/// let code = paysdk_codegen::print_module("specs/ledger.yaml".as_ref())?;
/// assert!(code.contains("pub mod facade"));
/// # Ok::<(), paysdk_codegen::SpecError>(())
/// ```
pub fn print_module(spec: &Path) -> Result<String, SpecError> {
    let module = generate_from(&crate::spec::WorkingTree, spec)?;
    Ok(portable::portable(&module.code))
}
