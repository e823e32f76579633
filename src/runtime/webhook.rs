//! What every provider's webhook verification shares: an HMAC-SHA256 key that signs and
//! checks in constant time, the replay window with an injectable clock, and [`WebhookError`].
//!
//! A scheme of signature headers (a reference, a timestamp, signatures over parts of them and
//! the body) is data, a [`HeaderScheme`], checked and signed here: Weavr's verifier
//! (`paysdk::weavr::webhooks::Verifier`) is its scheme plus a key. Another scheme plugs in
//! with these pieces. Stripe's `Stripe-Signature: t=1700000000,v1=<hex>` signs
//! `"{t}.{body}"` with the endpoint secret, hex-encoded:
//!
//! ```
//! use std::time::{Duration, UNIX_EPOCH};
//! use paysdk::Secret;
//! use paysdk::runtime::webhook::{HmacSha256Key, ReplayWindow, WebhookError};
//!
//! /// Checks a Stripe-style `t=…,v1=…` header: any `v1` may match (Stripe sends several
//! /// while a secret is rolled), then the timestamp must be inside the window.
//! fn verify_stripe(
//!     key: &HmacSha256Key,
//!     window: &ReplayWindow,
//!     header: Option<&str>,
//!     body: &[u8],
//! ) -> Result<(), WebhookError> {
//!     const NAME: &str = "stripe-signature";
//!     let header = header.ok_or(WebhookError::MissingHeader(NAME))?;
//!     let mut t = None;
//!     let mut signatures = Vec::new();
//!     for part in header.split(',') {
//!         match part.trim().split_once('=') {
//!             Some(("t", v)) => t = Some(v),
//!             Some(("v1", v)) => signatures.push(decode_hex(v).ok_or(
//!                 WebhookError::BadSignatureEncoding(NAME),
//!             )?),
//!             _ => {}
//!         }
//!     }
//!     let t = t.ok_or(WebhookError::InvalidHeader { header: NAME, expected: "a t= timestamp" })?;
//!     let secs: u64 = t.parse().map_err(|_| WebhookError::InvalidHeader {
//!         header: NAME,
//!         expected: "t= in Unix seconds",
//!     })?;
//!     let signed: [&[u8]; 3] = [t.as_bytes(), b".", body];
//!     if !signatures.iter().any(|s| key.verify(&signed, s)) {
//!         return Err(WebhookError::SignatureMismatch(NAME));
//!     }
//!     window.check(UNIX_EPOCH + Duration::from_secs(secs))
//! }
//!
//! fn decode_hex(s: &str) -> Option<Vec<u8>> {
//!     (s.len() % 2 == 0).then_some(())?;
//!     (0..s.len()).step_by(2).map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok()).collect()
//! }
//!
//! let key = HmacSha256Key::new(Secret::new("whsec_test"));
//! let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
//! let window = ReplayWindow::default().clock(move || now);
//! let body = br#"{"id":"evt_1"}"#;
//! let hex: String = key
//!     .sign(&[b"1700000000", b".", body])
//!     .iter()
//!     .map(|b| format!("{b:02x}"))
//!     .collect();
//! let header = format!("t=1700000000,v1={hex}");
//! assert!(verify_stripe(&key, &window, Some(&header), body).is_ok());
//! assert!(matches!(
//!     verify_stripe(&key, &window, Some(&header), br#"{"id":"evt_2"}"#),
//!     Err(WebhookError::SignatureMismatch(_))
//! ));
//! ```

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{KeyInit, Mac};

use super::{RawBody, Secret};

#[cfg(feature = "axum")]
pub mod axum;
mod headers;
pub use headers::{Checked, HeaderScheme, HeaderVerifier, Part};

type HmacSha256 = hmac::Hmac<sha2::Sha256>;

/// The replay window when none is set: 5 minutes either side of the receiver's clock.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(5 * 60);

/// A shared HMAC-SHA256 key. `Debug` never shows it.
#[derive(Clone)]
pub struct HmacSha256Key(Secret);

impl HmacSha256Key {
    /// A key from the secret the provider signs with (Weavr: the API key).
    pub fn new(key: Secret) -> Self {
        HmacSha256Key(key)
    }

    fn mac(&self, parts: &[&[u8]]) -> HmacSha256 {
        // HMAC takes keys of any length; `new_from_slice` cannot fail for it.
        let mut mac = match HmacSha256::new_from_slice(self.0.expose().as_bytes()) {
            Ok(mac) => mac,
            Err(_) => unreachable!("HMAC accepts keys of every length"),
        };
        for part in parts {
            mac.update(part);
        }
        mac
    }

    /// The HMAC-SHA256 of `parts` concatenated.
    pub fn sign(&self, parts: &[&[u8]]) -> [u8; 32] {
        self.mac(parts).finalize().into_bytes().into()
    }

    /// [`sign`](Self::sign), base64-encoded (standard alphabet, padded).
    pub fn sign_base64(&self, parts: &[&[u8]]) -> String {
        STANDARD.encode(self.sign(parts))
    }

    /// Whether `signature` is the HMAC-SHA256 of `parts` concatenated, compared in
    /// constant time.
    pub fn verify(&self, parts: &[&[u8]], signature: &[u8]) -> bool {
        self.mac(parts).verify_slice(signature).is_ok()
    }
}

impl fmt::Debug for HmacSha256Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("HmacSha256Key([redacted])")
    }
}

/// Decodes a base64 signature header (standard alphabet; padding optional).
pub fn decode_base64_signature(header: &'static str, value: &str) -> Result<Vec<u8>, WebhookError> {
    let value = value.trim();
    let trimmed = value.trim_end_matches('=');
    base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(trimmed)
        .map_err(|_| WebhookError::BadSignatureEncoding(header))
}

/// The time a receiver checks timestamps against. Tests inject a fixed one; any
/// `Fn() -> SystemTime` is a clock.
pub trait Clock: Send + Sync + 'static {
    /// The current time.
    fn now(&self) -> SystemTime;
}

impl<F: Fn() -> SystemTime + Send + Sync + 'static> Clock for F {
    fn now(&self) -> SystemTime {
        self()
    }
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }
}

/// How far a signed timestamp may be from now, either way, before a delivery is refused as a
/// replay (or as coming from a badly wrong clock).
#[derive(Clone)]
pub struct ReplayWindow {
    tolerance: Duration,
    clock: Arc<dyn Clock>,
}

impl Default for ReplayWindow {
    fn default() -> Self {
        ReplayWindow {
            tolerance: DEFAULT_TOLERANCE,
            clock: Arc::new(SystemClock),
        }
    }
}

impl fmt::Debug for ReplayWindow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReplayWindow")
            .field("tolerance", &self.tolerance)
            .finish_non_exhaustive()
    }
}

impl ReplayWindow {
    /// A window of `tolerance` either side of the system clock.
    pub fn new(tolerance: Duration) -> Self {
        ReplayWindow::default().tolerance(tolerance)
    }

    /// Sets the tolerance.
    pub fn tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// Sets the clock (tests use a fixed time).
    pub fn clock(mut self, clock: impl Clock) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// The tolerance.
    pub fn tolerance_value(&self) -> Duration {
        self.tolerance
    }

    /// The clock's time.
    pub fn now(&self) -> SystemTime {
        self.clock.now()
    }

    /// `Ok` if `published` is within the tolerance of the clock's now.
    pub fn check(&self, published: SystemTime) -> Result<(), WebhookError> {
        let now = self.clock.now();
        match now.duration_since(published) {
            Ok(age) if age > self.tolerance => Err(WebhookError::StaleTimestamp {
                age,
                tolerance: self.tolerance,
            }),
            Ok(_) => Ok(()),
            Err(e) if e.duration() > self.tolerance => Err(WebhookError::FutureTimestamp {
                ahead: e.duration(),
                tolerance: self.tolerance,
            }),
            Err(_) => Ok(()),
        }
    }
}

/// A Unix timestamp in milliseconds, as text, as a time; `None` if it is not one.
pub fn parse_epoch_millis(text: &str) -> Option<SystemTime> {
    let text = text.trim();
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let millis: u64 = text.parse().ok()?;
    UNIX_EPOCH.checked_add(Duration::from_millis(millis))
}

/// Why a webhook delivery was refused. Each check has its own variant; none prints the key
/// or the body.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookError {
    /// A required header is absent.
    #[error("webhook rejected: the `{0}` header is missing")]
    MissingHeader(&'static str),
    /// A header is present but not in its documented form.
    #[error("webhook rejected: the `{header}` header is not {expected}")]
    InvalidHeader {
        /// The header.
        header: &'static str,
        /// What it should be.
        expected: &'static str,
    },
    /// A signature header is not valid base64 (or the scheme's encoding).
    #[error("webhook rejected: the `{0}` signature is not validly encoded")]
    BadSignatureEncoding(&'static str),
    /// A signature does not match: a wrong key, or a body or header altered on the way.
    #[error(
        "webhook rejected: the `{0}` signature does not match (wrong key, or the request was altered)"
    )]
    SignatureMismatch(&'static str),
    /// Signed longer ago than the window allows: a replay, or a very late redelivery.
    #[error("webhook rejected: published {age:?} ago, outside the {tolerance:?} replay window")]
    StaleTimestamp {
        /// How long ago it was published, by the receiver's clock.
        age: Duration,
        /// The window.
        tolerance: Duration,
    },
    /// Signed further in the future than the window allows (a clock far off).
    #[error(
        "webhook rejected: published {ahead:?} in the future, outside the {tolerance:?} replay window"
    )]
    FutureTimestamp {
        /// How far ahead of the receiver's clock.
        ahead: Duration,
        /// The window.
        tolerance: Duration,
    },
    /// The delivery is authentic but its body is not a known event shape. The body is kept.
    #[error("verified webhook body does not decode: {0}")]
    Undecodable(UndecodableBody),
}

impl WebhookError {
    /// Whether the delivery failed authentication (every variant but
    /// [`WebhookError::Undecodable`]): answer it with a 4xx so it is not retried forever.
    pub fn is_unauthenticated(&self) -> bool {
        !matches!(self, WebhookError::Undecodable(_))
    }
}

/// An authentic body that did not decode. `Display` and `Debug` give where and why (the
/// JSON line, column and error class), never the body's content.
#[derive(Clone)]
pub struct UndecodableBody {
    body: RawBody,
    line: usize,
    column: usize,
    class: &'static str,
    reason: String,
}

impl UndecodableBody {
    /// Keeps `body` (capped, see [`RawBody`]) and why it did not decode.
    pub fn new(body: &[u8], error: &serde_json::Error) -> Self {
        use serde_json::error::Category;
        UndecodableBody {
            body: RawBody::capped(bytes::Bytes::copy_from_slice(body)),
            line: error.line(),
            column: error.column(),
            class: match error.classify() {
                Category::Io => "I/O error",
                Category::Syntax => "not valid JSON",
                Category::Data => "JSON of another shape than the event",
                Category::Eof => "JSON cut short",
            },
            reason: error.to_string(),
        }
    }

    /// The body received.
    pub fn body(&self) -> &RawBody {
        &self.body
    }

    /// serde's full message. It can quote values from the body; keep it out of logs.
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

impl fmt::Display for UndecodableBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} at line {} column {} ({} bytes kept)",
            self.class,
            self.line,
            self.column,
            self.body.len()
        )
    }
}

impl fmt::Debug for UndecodableBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UndecodableBody")
            .field("body", &self.body)
            .field("line", &self.line)
            .field("column", &self.column)
            .field("class", &self.class)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_vector() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        // Expected value from the RFC, base64 via
        // `printf 'what do ya want for nothing?' | openssl dgst -sha256 -hmac Jefe -binary | base64`.
        let key = HmacSha256Key::new(Secret::new("Jefe"));
        assert_eq!(
            key.sign_base64(&[b"what do ya ", b"want for nothing?"]),
            "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM="
        );
    }

    #[test]
    fn verify_is_exact() {
        let key = HmacSha256Key::new(Secret::new("hunter2"));
        let sig = key.sign(&[b"abc"]);
        assert!(key.verify(&[b"a", b"bc"], &sig));
        assert!(!key.verify(&[b"abd"], &sig));
        assert!(!key.verify(&[b"abc"], &sig[..31]));
        assert!(!HmacSha256Key::new(Secret::new("hunter3")).verify(&[b"abc"], &sig));
        assert!(!format!("{key:?}").contains("hunter2"));
    }

    #[test]
    fn window_both_ways() {
        let now = UNIX_EPOCH + Duration::from_secs(1_000_000);
        let w = ReplayWindow::new(Duration::from_secs(300)).clock(move || now);
        assert!(w.check(now - Duration::from_secs(300)).is_ok());
        assert!(w.check(now + Duration::from_secs(300)).is_ok());
        assert!(matches!(
            w.check(now - Duration::from_secs(301)),
            Err(WebhookError::StaleTimestamp { .. })
        ));
        assert!(matches!(
            w.check(now + Duration::from_secs(301)),
            Err(WebhookError::FutureTimestamp { .. })
        ));
    }

    #[test]
    fn epoch_millis() {
        assert_eq!(
            parse_epoch_millis("1500"),
            Some(UNIX_EPOCH + Duration::from_millis(1500))
        );
        for bad in ["", "-1", "1.5", "12a", "+3", "99999999999999999999999"] {
            assert_eq!(parse_epoch_millis(bad), None, "{bad}");
        }
    }

    #[test]
    fn base64_signatures() {
        assert_eq!(decode_base64_signature("s", "AAE=").unwrap(), vec![0, 1]);
        assert_eq!(decode_base64_signature("s", "AAE").unwrap(), vec![0, 1]);
        assert!(matches!(
            decode_base64_signature("s", "not base64!"),
            Err(WebhookError::BadSignatureEncoding("s"))
        ));
    }
}
