//! Weavr webhooks: deliveries verified before anything reads their body.
//!
//! Weavr signs each delivery with the application's API key and sends four headers:
//!
//! | header | content |
//! | --- | --- |
//! | `call-ref` | a reference unique to the event, the same on every redelivery (optional) |
//! | `published-timestamp` | when the event was published, Unix milliseconds |
//! | `signature` | base64 HMAC-SHA256 of `published-timestamp` |
//! | `signature-v2` | base64 HMAC-SHA256 of `call-ref`, the body and `published-timestamp`, concatenated |
//!
//! [`Verifier::verify`] checks that the headers are there and well formed, both signatures
//! (in constant time), and that the timestamp is inside the replay window (default 5 minutes
//! either way), and only then decodes the body into an [`Event`]. All of it is generated
//! from the spec's webhooks and the sidecar's `webhook_signature`. See `docs/webhooks.md`.
//!
//! ```
//! use paysdk::Secret;
//! use paysdk::weavr::webhooks::{self, Event, Verifier};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let api_key = Secret::new("sandbox-api-key");
//! let verifier = Verifier::new(api_key.clone());
//! # let body = br#"{"type":"linkedAccountWatch","payload":{"status":"REJECTED","consent":{"status":"REJECTED"}}}"#;
//! # let headers = webhooks::sign(&api_key, Some("call-1"), body, std::time::SystemTime::now());
//! // `headers` and `body` as received, untouched:
//! match verifier.verify(&headers, body)? {
//!     Event::LinkedAccountWatch(event) => println!("linked account update: {:?}", event.payload),
//!     Event::Unknown { kind, .. } => println!("an event this paysdk does not know: {kind}"),
//!     other => println!("{}", other.kind()),
//! }
//! # Ok(()) }
//! ```

pub use crate::raw::weavr_payment_run::webhooks::*;

#[cfg(feature = "axum")]
mod axum;
#[cfg(feature = "axum")]
pub use self::axum::{MAX_BODY, VerifiedEvent, WebhookRejection};
