//! Idempotency keys: one per logical call, sent unchanged on every attempt.

use std::fmt;

use super::error::InvalidRequest;

/// An idempotency key. Made once per logical call (a UUID v4 unless the caller gives one)
/// and reused for every retry of that call, so the provider applies the call at most once.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    /// A new random key (UUID v4, 36 characters).
    pub fn generate() -> Self {
        IdempotencyKey(uuid::Uuid::new_v4().to_string())
    }

    /// A caller's key, checked to be a non-empty header-safe value of at most `max_len` bytes.
    pub fn parse(value: impl Into<String>, max_len: usize) -> Result<Self, InvalidRequest> {
        let value = value.into();
        if value.is_empty() {
            return Err(InvalidRequest::new("the idempotency key is empty"));
        }
        if value.len() > max_len {
            return Err(InvalidRequest::new(format!(
                "the idempotency key is {} characters; the provider allows at most {max_len}",
                value.len()
            )));
        }
        if !value.bytes().all(|b| (0x21..=0x7e).contains(&b)) {
            return Err(InvalidRequest::new(
                "the idempotency key must be visible ASCII without spaces",
            ));
        }
        Ok(IdempotencyKey(value))
    }

    /// The key.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for IdempotencyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IdempotencyKey({})", self.0)
    }
}

impl fmt::Display for IdempotencyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_keys_are_unique_uuids() {
        let (a, b) = (IdempotencyKey::generate(), IdempotencyKey::generate());
        assert_ne!(a, b);
        assert_eq!(a.as_str().len(), 36);
        assert!(IdempotencyKey::parse(a.as_str(), 64).is_ok());
    }

    #[test]
    fn caller_keys_are_checked() {
        assert!(IdempotencyKey::parse("", 64).is_err());
        assert!(IdempotencyKey::parse("x".repeat(65), 64).is_err());
        assert!(IdempotencyKey::parse("x".repeat(64), 64).is_ok());
        assert!(IdempotencyKey::parse("a b", 64).is_err());
        assert!(IdempotencyKey::parse("a\nb", 64).is_err());
    }
}
