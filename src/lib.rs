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

/// Includes the client module that `paysdk-codegen` generated in a build script from one
/// spec (`specs/ledger.yaml` → `ledger`), as a module of that name: the facade
/// (`Client`, `ClientBuilder`, `types`, `errors`, `operations`, the calls) at its top, the
/// generated raw client in its `raw` submodule. Like `tonic::include_proto!`.
///
/// ```
/// // build.rs: fn main() -> Result<(), paysdk_codegen::SpecError> {
/// //     paysdk_codegen::compile_specs("specs")
/// // }
/// paysdk::include_api!(pub weavr_payment_run);
///
/// let client = weavr_payment_run::Client::builder()
///     .base_url("http://127.0.0.1:9")
///     .build();
/// assert!(client.is_ok());
/// ```
#[macro_export]
macro_rules! include_api {
    ($vis:vis $module:ident) => {
        $vis mod $module {
            //! The client generated from the spec of the same name.
            #![allow(missing_docs)]

            /// The generated raw client (progenitor's, with paysdk's error enums), which the
            /// facade above calls through.
            #[allow(
                missing_docs,
                dead_code,
                unused_imports,
                unreachable_pub,
                clippy::all,
                clippy::pedantic
            )]
            pub mod raw {
                include!(concat!(env!("OUT_DIR"), "/", stringify!($module), ".rs"));
            }
            #[doc(inline)]
            pub use self::raw::facade::*;
        }
    };
}

/// The crates generated code names, reached through paysdk so that a crate including
/// generated code needs no dependency of its own on them (`paysdk_codegen`'s `portable`
/// pass writes these paths). Not a public API.
#[doc(hidden)]
pub mod __private {
    pub use ::bytes;
    pub use ::chrono;
    pub use ::progenitor_client;
    pub use ::reqwest;
    pub use ::serde;
    pub use ::serde_json;
    pub use ::uuid;

    pub use crate::__open_enum_impls as open_enum_impls;
}

pub use providers::{enfuce, weavr};
pub use runtime::{
    BuildError, Call, ClientConfig, Error, IdempotencyKey, Response, RetryConfig, Secret,
};
