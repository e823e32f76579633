//! Webhook schemes that sign in headers with HMAC-SHA256 (Weavr's): an optional reference
//! header, a timestamp header in Unix milliseconds, and signature headers, each the base64
//! HMAC of a concatenation of parts. A provider states its scheme as data (sidecar
//! `webhook_signature`, generated as a [`HeaderScheme`]); checking and signing are here, and
//! [`HeaderVerifier`] is what a generated `webhooks::Verifier` holds.

use std::time::{SystemTime, UNIX_EPOCH};

use http::{HeaderMap, HeaderName, HeaderValue};

use super::{
    Clock, HmacSha256Key, ReplayWindow, UndecodableBody, WebhookError, decode_base64_signature,
    parse_epoch_millis,
};
use crate::runtime::Secret;

/// What a signature covers, concatenated in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// The reference header's value (empty when not sent).
    Reference,
    /// The body, as received.
    Body,
    /// The timestamp header's value, as sent.
    Timestamp,
}

/// Where a scheme's reference, timestamp and signatures travel.
#[derive(Debug, Clone, Copy)]
pub struct HeaderScheme {
    /// The delivery's reference, the same on every redelivery; optional in deliveries.
    pub reference: Option<&'static str>,
    /// When the delivery was published, Unix milliseconds; required.
    pub timestamp: &'static str,
    /// Each signature header and what it signs; all are required and must match, checked
    /// in this order.
    pub signatures: &'static [(&'static str, &'static [Part])],
}

/// What checking a delivery's headers established.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    /// The reference header, if sent.
    pub reference: Option<String>,
    /// The first signature header's value.
    pub signature: String,
    /// The timestamp.
    pub published_at: SystemTime,
}

impl HeaderScheme {
    /// Checks that the headers are there and well formed, every signature (in constant
    /// time), and only then the replay window, so a stale error means "authentic but old".
    pub fn check(
        &self,
        key: &HmacSha256Key,
        window: &ReplayWindow,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<Checked, WebhookError> {
        let text = |name: &'static str| -> Result<Option<&str>, WebhookError> {
            match headers.get(name) {
                None => Ok(None),
                Some(v) => v
                    .to_str()
                    .map(Some)
                    .map_err(|_| WebhookError::InvalidHeader {
                        header: name,
                        expected: "visible ASCII text",
                    }),
            }
        };
        let required = |name: &'static str| text(name)?.ok_or(WebhookError::MissingHeader(name));
        let reference = self.reference.map(text).transpose()?.flatten();
        let timestamp = required(self.timestamp)?;
        let mut signatures = Vec::with_capacity(self.signatures.len());
        for (name, _) in self.signatures {
            signatures.push(required(name)?);
        }
        let published_at = parse_epoch_millis(timestamp).ok_or(WebhookError::InvalidHeader {
            header: self.timestamp,
            expected: "a Unix timestamp in milliseconds",
        })?;
        let mut decoded = Vec::with_capacity(signatures.len());
        for ((name, _), value) in self.signatures.iter().zip(&signatures) {
            decoded.push(decode_base64_signature(name, value)?);
        }
        for ((name, parts), signature) in self.signatures.iter().zip(&decoded) {
            let signed = signed(parts, reference, body, timestamp);
            if !key.verify(&signed, signature) {
                return Err(WebhookError::SignatureMismatch(name));
            }
        }
        window.check(published_at)?;
        Ok(Checked {
            reference: reference.map(str::to_string),
            signature: signatures
                .first()
                .map(|s| s.to_string())
                .unwrap_or_default(),
            published_at,
        })
    }

    /// The headers a provider would send with `body`, signed with `key`. For tests and
    /// simulators.
    pub fn sign(
        &self,
        key: &HmacSha256Key,
        reference: Option<&str>,
        body: &[u8],
        published_at: SystemTime,
    ) -> HeaderMap {
        let millis = published_at
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis());
        let timestamp = millis.to_string();
        let mut headers = HeaderMap::new();
        let mut put = |name: &'static str, value: &str| {
            if let Ok(value) = HeaderValue::from_str(value) {
                headers.insert(HeaderName::from_static(name), value);
            }
        };
        if let (Some(name), Some(value)) = (self.reference, reference) {
            put(name, value);
        }
        put(self.timestamp, &timestamp);
        for (name, parts) in self.signatures {
            put(
                name,
                &key.sign_base64(&signed(parts, reference, body, &timestamp)),
            );
        }
        headers
    }
}

/// A scheme with its key and replay window: everything a generated `Verifier` does but
/// decoding its own `Event`.
#[derive(Debug, Clone)]
pub struct HeaderVerifier {
    scheme: HeaderScheme,
    key: HmacSha256Key,
    window: ReplayWindow,
}

impl HeaderVerifier {
    /// Checks `scheme` with `key`, in the default 5-minute window on the system clock.
    pub fn new(scheme: HeaderScheme, key: Secret) -> Self {
        HeaderVerifier {
            scheme,
            key: HmacSha256Key::new(key),
            window: ReplayWindow::default(),
        }
    }

    /// How far the timestamp may be from now, either way.
    pub fn tolerance(mut self, tolerance: std::time::Duration) -> Self {
        self.window = self.window.tolerance(tolerance);
        self
    }

    /// The clock timestamps are checked against.
    pub fn clock(mut self, clock: impl Clock) -> Self {
        self.window = self.window.clock(clock);
        self
    }

    /// [`HeaderScheme::check`] with this key and window.
    pub fn check(&self, headers: &HeaderMap, body: &[u8]) -> Result<Checked, WebhookError> {
        self.scheme.check(&self.key, &self.window, headers, body)
    }

    /// Checks a delivery, then decodes its body with `decode`; a body that does not decode is
    /// [`WebhookError::Undecodable`], keeping the body.
    pub fn verify<E>(
        &self,
        headers: &HeaderMap,
        body: &[u8],
        decode: impl FnOnce(&[u8]) -> Result<E, serde_json::Error>,
    ) -> Result<(Checked, E), WebhookError> {
        let checked = self.check(headers, body)?;
        let event =
            decode(body).map_err(|e| WebhookError::Undecodable(UndecodableBody::new(body, &e)))?;
        Ok((checked, event))
    }
}

fn signed<'a>(
    parts: &[Part],
    reference: Option<&'a str>,
    body: &'a [u8],
    timestamp: &'a str,
) -> Vec<&'a [u8]> {
    parts
        .iter()
        .map(|part| match part {
            Part::Reference => reference.unwrap_or("").as_bytes(),
            Part::Body => body,
            Part::Timestamp => timestamp.as_bytes(),
        })
        .collect()
}
