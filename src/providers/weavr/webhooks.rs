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
//! either way), and only then decodes the body into an [`Event`]. See `docs/webhooks.md`.
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

use std::time::{Duration, SystemTime};

use http::HeaderMap;

use crate::runtime::Secret;
use crate::runtime::webhook::{
    Clock, HeaderScheme, HmacSha256Key, Part, ReplayWindow, UndecodableBody,
};
pub use crate::runtime::webhook::{DEFAULT_TOLERANCE, WebhookError};

pub use crate::raw::weavr_payment_run::webhooks::*;

#[cfg(feature = "axum")]
mod axum;
#[cfg(feature = "axum")]
pub use self::axum::{MAX_BODY, VerifiedEvent, WebhookRejection};

/// `call-ref`: the event's reference, the same on every redelivery.
pub const CALL_REF: &str = "call-ref";
/// `published-timestamp`: Unix milliseconds.
pub const PUBLISHED_TIMESTAMP: &str = "published-timestamp";
/// `signature`: base64 HMAC-SHA256 of the timestamp.
pub const SIGNATURE: &str = "signature";
/// `signature-v2`: base64 HMAC-SHA256 of call-ref, body and timestamp.
pub const SIGNATURE_V2: &str = "signature-v2";

/// Weavr's scheme; `signature-v2`, which covers the body, is checked first.
const SCHEME: HeaderScheme = HeaderScheme {
    reference: Some(CALL_REF),
    timestamp: PUBLISHED_TIMESTAMP,
    signatures: &[
        (
            SIGNATURE_V2,
            &[Part::Reference, Part::Body, Part::Timestamp],
        ),
        (SIGNATURE, &[Part::Timestamp]),
    ],
};

/// Checks Weavr deliveries with the application's API key.
#[derive(Debug, Clone)]
pub struct Verifier {
    key: HmacSha256Key,
    window: ReplayWindow,
}

/// What verification established about a delivery, besides its body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authenticated {
    /// The `call-ref` header, if sent.
    pub call_ref: Option<String>,
    /// The `signature-v2` header, unique to call-ref, body and timestamp.
    pub signature: String,
    /// The `published-timestamp`.
    pub published_at: SystemTime,
}

impl Authenticated {
    /// The key to deduplicate redeliveries by: `call-ref`, or if Weavr sent none, the
    /// `signature-v2` (a redelivery with a new timestamp then counts as new).
    pub fn dedup_key(&self) -> &str {
        self.call_ref.as_deref().unwrap_or(&self.signature)
    }
}

/// A verified delivery: what the headers say and the decoded event.
#[derive(Debug, Clone)]
pub struct Delivery {
    /// The checked headers.
    pub meta: Authenticated,
    /// The event.
    pub event: Event,
}

impl Verifier {
    /// A verifier for deliveries signed with `api_key`, with the default 5-minute window
    /// on the system clock.
    pub fn new(api_key: Secret) -> Self {
        Verifier {
            key: HmacSha256Key::new(api_key),
            window: ReplayWindow::default(),
        }
    }

    /// How far `published-timestamp` may be from now, either way (default 5 minutes).
    pub fn tolerance(mut self, tolerance: Duration) -> Self {
        self.window = self.window.tolerance(tolerance);
        self
    }

    /// The clock timestamps are checked against (tests inject a fixed time).
    pub fn clock(mut self, clock: impl Clock) -> Self {
        self.window = self.window.clock(clock);
        self
    }

    /// Checks headers, both signatures and the replay window, without reading the body
    /// beyond hashing it.
    pub fn authenticate(
        &self,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<Authenticated, WebhookError> {
        let checked = SCHEME.check(&self.key, &self.window, headers, body)?;
        Ok(Authenticated {
            call_ref: checked.reference,
            signature: checked.signature,
            published_at: checked.published_at,
        })
    }

    /// Verifies a delivery, then decodes its body into an [`Event`].
    pub fn verify(&self, headers: &HeaderMap, body: &[u8]) -> Result<Event, WebhookError> {
        self.verify_delivery(headers, body).map(|d| d.event)
    }

    /// [`verify`](Self::verify), keeping what the headers said (`call-ref` for
    /// idempotent handling).
    pub fn verify_delivery(
        &self,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<Delivery, WebhookError> {
        let meta = self.authenticate(headers, body)?;
        let event = Event::from_json(body)
            .map_err(|e| WebhookError::Undecodable(UndecodableBody::new(body, &e)))?;
        Ok(Delivery { meta, event })
    }
}

/// The headers Weavr would send with `body`: `call-ref` (if given), `published-timestamp`,
/// `signature` and `signature-v2`, signed with `api_key`. For tests and simulators.
pub fn sign(
    api_key: &Secret,
    call_ref: Option<&str>,
    body: &[u8],
    published_at: SystemTime,
) -> HeaderMap {
    SCHEME.sign(
        &HmacSha256Key::new(api_key.clone()),
        call_ref,
        body,
        published_at,
    )
}
