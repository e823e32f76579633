//! paysdk: typed, retry-safe clients for card-issuing and payment providers.
#![warn(missing_docs)]

#[cfg(feature = "codegen")]
pub mod codegen;
pub mod raw;
pub mod runtime;

pub use runtime::{ClientConfig, Error, IdempotencyKey, Response, RetryConfig, Secret};
