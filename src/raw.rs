//! The generated layer: one module per spec in `specs/`, produced at build time by
//! progenitor and paysdk's code generator. Most users want the provider facades instead.
//!
//! Each module has `types` (request and response bodies), `Client` (one async method per
//! operation), `errors` (one error enum per operation) and `operations` (servers and
//! operation metadata).

#![allow(missing_docs, clippy::all, clippy::pedantic)]

include!(concat!(env!("OUT_DIR"), "/apis.rs"));
