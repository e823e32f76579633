//! One facade per provider API; each wraps the generated client of its spec.

// The facades hand the loop closures returning the generated builders' `Result`, whose error
// type is progenitor's; its size is not ours to choose, and it is built only on failure.
#![allow(clippy::result_large_err)]

pub mod enfuce;
pub mod weavr;
