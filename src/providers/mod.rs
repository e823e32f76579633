//! One facade per provider API; each wraps the generated client of its spec.

pub mod enfuce;
pub mod weavr;
