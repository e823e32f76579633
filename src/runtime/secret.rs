//! A wrapper for credentials that never prints them.

use std::fmt;

/// A password, token or API key. `Debug` and `Display` print `[redacted]`; the value is
/// reachable only through [`Secret::expose`], which the crate calls when building a header.
///
/// Generated types use it for fields whose names mark them as credentials (`token`,
/// `password`, `secret`, `apiKey`): it (de)serializes as the plain string.
#[derive(Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret value. Keep its uses few and out of logs.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret(value.to_string())
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// A header value marked sensitive, so `http` and `reqwest` redact it in their own `Debug`.
pub(crate) fn sensitive_header(value: &str) -> Option<reqwest::header::HeaderValue> {
    let mut v = reqwest::header::HeaderValue::from_str(value).ok()?;
    v.set_sensitive(true);
    Some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializes_as_the_plain_string() {
        let s: Secret = serde_json::from_str(r#""tok""#).unwrap();
        assert_eq!(
            (s.expose(), serde_json::to_string(&s).unwrap().as_str()),
            ("tok", r#""tok""#)
        );
    }

    #[test]
    fn never_printed() {
        let s = Secret::new("hunter2");
        assert!(!format!("{s:?} {s} {s:#?}").contains("hunter2"));
        assert_eq!(s.expose(), "hunter2");
        let h = sensitive_header("Bearer hunter2").unwrap();
        assert!(!format!("{h:?}").contains("hunter2"));
    }
}
