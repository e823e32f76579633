//! paysdk: typed, retry-safe clients for card-issuing and payment providers.
//!
//! Clients are generated at compile time from the OpenAPI files in `specs/`; the provider
//! facades ([`enfuce`], [`weavr`]) add typed errors, idempotency keys, safe retries, auth and
//! environments on top.
#![warn(missing_docs)]

#[cfg(feature = "codegen")]
pub mod codegen;
/// `spec-diff`: breaking-change detection between versions of the OpenAPI
/// specs in `specs/` (feature `cli`; see `docs/spec-diff.md`).
#[cfg(feature = "cli")]
pub mod diff;
mod providers;
pub mod raw;
pub mod runtime;

pub use providers::{enfuce, weavr};
pub use runtime::{
    BuildError, Call, ClientConfig, Error, IdempotencyKey, Response, RetryConfig, Secret,
};
