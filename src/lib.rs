//! paysdk: typed clients for card-issuing and payment providers.

/// `spec-diff`: breaking-change detection between versions of the OpenAPI
/// specs in `specs/` (feature `cli`; see `docs/spec-diff.md`).
#[cfg(feature = "cli")]
pub mod diff;
