//! paysdk: typed, retry-safe clients for card-issuing and payment providers.
//!
//! Clients are generated at compile time from the OpenAPI files in `specs/`; the provider
//! facades ([`enfuce`], [`weavr`]) add typed errors, idempotency keys, safe retries, auth and
//! environments on top.
#![warn(missing_docs)]

// Generated code names the runtime `::paysdk::…`, so the same code compiles inside this crate
// and in a crate that depends on it.
extern crate self as paysdk;

pub mod apis;
/// `spec-diff`: breaking-change detection between versions of the OpenAPI
/// specs in `specs/` (feature `cli`; see `docs/spec-diff.md`).
#[cfg(feature = "cli")]
pub mod diff;
#[cfg(test)]
mod fixture_clients;
mod providers;
pub mod raw;
pub mod runtime;
/// An in-process simulator of both provider APIs on 127.0.0.1, for the quickstart and for
/// fault tests (feature `simulator`).
#[cfg(feature = "simulator")]
pub mod simulator;
// spec-diff reads spec files through the generator's resolver, the one module that does.
#[cfg(feature = "cli")]
use paysdk_codegen::spec;

pub use providers::{enfuce, weavr};
pub use runtime::{
    BuildError, Call, ClientConfig, Error, IdempotencyKey, Response, RetryConfig, Secret,
};
