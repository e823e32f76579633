//! Weavr webhook verification (`Verifier::verify_delivery`) on arbitrary headers and bodies.
//! Contract: never a panic; a delivery whose signatures were not made with the key is
//! rejected before its body is parsed (never `Ok`, never `Undecodable`); a correctly signed
//! delivery inside the window is authenticated, and if its body is not an event the error
//! keeps that body; one flipped body bit after signing is a `signature-v2` mismatch.
#![no_main]

use std::time::{Duration, UNIX_EPOCH};

use http::{HeaderMap, HeaderName, HeaderValue};
use libfuzzer_sys::fuzz_target;
use paysdk::Secret;
use paysdk::weavr::webhooks::{
    CALL_REF, PUBLISHED_TIMESTAMP, SIGNATURE, SIGNATURE_V2, Verifier, WebhookError, sign,
};

const KEY: &str = "fuzz-api-key";
const NOW_MILLIS: u64 = 1_700_000_000_000;

fn verifier() -> Verifier {
    let now = UNIX_EPOCH + Duration::from_millis(NOW_MILLIS);
    Verifier::new(Secret::new(KEY)).clock(move || now)
}

/// Splits off the next NUL-terminated field.
fn field<'a>(rest: &mut &'a [u8]) -> &'a [u8] {
    match rest.iter().position(|&b| b == 0) {
        Some(i) => {
            let (head, tail) = rest.split_at(i);
            *rest = &tail[1..];
            head
        }
        None => std::mem::take(rest),
    }
}

fn put(headers: &mut HeaderMap, name: &'static str, value: &[u8]) {
    if let Ok(value) = HeaderValue::from_bytes(value) {
        headers.append(HeaderName::from_static(name), value);
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, mut rest)) = data.split_first() else {
        return;
    };
    let verifier = verifier();
    if mode & 1 == 0 {
        // Headers as the input gives them (`present` bits choose which are sent): the
        // signatures were not made with the key, so nothing may get past them.
        let present = rest.first().copied().unwrap_or(0);
        rest = rest.get(1..).unwrap_or_default();
        let mut headers = HeaderMap::new();
        for (bit, name) in [CALL_REF, PUBLISHED_TIMESTAMP, SIGNATURE, SIGNATURE_V2]
            .into_iter()
            .enumerate()
        {
            let value = field(&mut rest);
            if present & (1 << bit) != 0 {
                put(&mut headers, name, value);
            }
        }
        let body = rest;
        match verifier.verify_delivery(&headers, body) {
            Ok(_) => panic!("a delivery not signed with the key was accepted"),
            Err(WebhookError::Undecodable(_)) => {
                panic!("the body was parsed before the signatures were checked")
            }
            Err(e) => {
                assert!(e.is_unauthenticated());
                let _ = format!("{e} {e:?}");
            }
        }
        return;
    }
    // Signed with the key, at a time inside (or outside) the window.
    let call_ref = field(&mut rest);
    // Weavr's call-refs are visible ASCII, which is all the verifier accepts in headers.
    let call_ref = std::str::from_utf8(call_ref)
        .ok()
        .filter(|s| !s.is_empty() && HeaderValue::from_str(s).is_ok_and(|v| v.to_str().is_ok()));
    let offset_secs = i64::from(rest.first().copied().unwrap_or(0) as i8) * 10;
    let body = rest.get(1..).unwrap_or_default();
    let published =
        UNIX_EPOCH + Duration::from_millis(NOW_MILLIS.saturating_add_signed(offset_secs * 1000));
    let headers = sign(&Secret::new(KEY), call_ref, body, published);
    let inside = offset_secs.abs() <= 300;
    match verifier.verify_delivery(&headers, body) {
        Ok(delivery) => {
            assert!(inside, "accepted outside the replay window");
            assert_eq!(delivery.meta.call_ref.as_deref(), call_ref);
        }
        Err(WebhookError::Undecodable(undecodable)) => {
            assert!(inside, "decoded outside the replay window");
            let kept = undecodable.body();
            assert_eq!(kept.as_bytes(), &body[..kept.len()]);
            assert_eq!(kept.is_truncated(), kept.len() < body.len());
            let _ = format!("{undecodable} {undecodable:?}");
        }
        Err(WebhookError::StaleTimestamp { .. } | WebhookError::FutureTimestamp { .. }) => {
            assert!(!inside, "refused inside the replay window")
        }
        Err(e) => panic!("a correctly signed delivery was refused: {e}"),
    }
    if let Some(last) = body.len().checked_sub(1) {
        let mut altered = body.to_vec();
        altered[last] ^= 1;
        assert!(matches!(
            verifier.verify_delivery(&headers, &altered),
            Err(WebhookError::SignatureMismatch(SIGNATURE_V2))
        ));
    }
});
