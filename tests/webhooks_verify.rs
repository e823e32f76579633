//! Weavr webhook verification: every check has its own error, a known vector computed outside
//! this code verifies, and no input panics.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::{HeaderMap, HeaderName, HeaderValue};
use paysdk::Secret;
use paysdk::weavr::types;
use paysdk::weavr::webhooks::{self, Event, Verifier, WebhookError};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};

const KEY: &str = "test-weavr-api-key";
const PUBLISHED_MS: u64 = 1_700_000_000_000;

/// A `linkedAccountWatch` body as Weavr documents it (a linked account plus buyer and user).
const BODY: &str = r#"{"type":"linkedAccountWatch","payload":{"id":"652d25b73541d8084a88a38d","accountIdentification":{"accountNumber":"12345678","sortCode":"040004"},"currency":"GBP","institution":{"displayName":"Simulated Bank","countries":["GB"]},"consent":{"expiresAt":"2024-02-12T22:13:20Z","expiresIn":7776000,"status":"ACTIVE"},"status":"LINKED","buyerId":"110000000000000001","userId":"120000000000000001"}}"#;

fn published() -> SystemTime {
    UNIX_EPOCH + Duration::from_millis(PUBLISHED_MS)
}

/// A verifier whose clock reads `published() + offset`.
fn verifier_at(offset_secs: i64) -> Verifier {
    let now = if offset_secs >= 0 {
        published() + Duration::from_secs(offset_secs as u64)
    } else {
        published() - Duration::from_secs(offset_secs.unsigned_abs())
    };
    Verifier::new(Secret::new(KEY)).clock(move || now)
}

fn signed(body: &str) -> HeaderMap {
    webhooks::sign(
        &Secret::new(KEY),
        Some("call-0001"),
        body.as_bytes(),
        published(),
    )
}

fn set(headers: &mut HeaderMap, name: &'static str, value: &str) {
    headers.insert(
        HeaderName::from_static(name),
        HeaderValue::from_str(value).unwrap(),
    );
}

/// The error's text and debug form show neither the key nor the body.
fn assert_discreet(err: &WebhookError) {
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains(KEY), "{shown}");
    assert!(!shown.contains("652d25b73541d8084a88a38d"), "{shown}");
    assert!(!shown.contains("12345678"), "{shown}");
}

fn rejected(verifier: &Verifier, headers: &HeaderMap, body: &str) -> WebhookError {
    let err = verifier
        .verify(headers, body.as_bytes())
        .expect_err("the delivery must be rejected");
    assert_discreet(&err);
    err
}

#[test]
fn a_valid_event_verifies_and_decodes_to_its_variant() {
    let delivery = verifier_at(1)
        .verify_delivery(&signed(BODY), BODY.as_bytes())
        .unwrap();
    assert_eq!(delivery.meta.call_ref.as_deref(), Some("call-0001"));
    assert_eq!(delivery.meta.dedup_key(), "call-0001");
    assert_eq!(delivery.meta.published_at, published());
    let Event::LinkedAccountWatch(event) = delivery.event else {
        panic!(
            "expected linkedAccountWatch, got {:?}",
            delivery.event.kind()
        );
    };
    assert_eq!(event.type_.as_str(), "linkedAccountWatch");
    let types::LinkedAccountWatchPayload::Object {
        id,
        status,
        buyer_id,
        ..
    } = event.payload
    else {
        panic!("expected the linked-account payload");
    };
    assert_eq!(
        (id.as_str(), status.as_str(), buyer_id.as_str()),
        ("652d25b73541d8084a88a38d", "LINKED", "110000000000000001")
    );
}

#[test]
fn a_known_vector_computed_outside_this_code_verifies() {
    // Computed with openssl, independently of paysdk (and checked with Python's hmac):
    //   printf '%s' "call-0001${BODY}1700000000000" \
    //     | openssl dgst -sha256 -hmac test-weavr-api-key -binary | base64
    //   printf '%s' "1700000000000" | openssl dgst -sha256 -hmac test-weavr-api-key -binary | base64
    let mut headers = HeaderMap::new();
    set(&mut headers, "call-ref", "call-0001");
    set(&mut headers, "published-timestamp", "1700000000000");
    set(
        &mut headers,
        "signature",
        "rv56sbZj4yQ2rUJ6/J1RV/2vpE/KkCJ8FQFX9ChTPt4=",
    );
    set(
        &mut headers,
        "signature-v2",
        "ZgeSPO/RL1xUOZpHyUzFnqClKQfmeIKCkNo5lGCRAhg=",
    );
    let event = verifier_at(30).verify(&headers, BODY.as_bytes()).unwrap();
    assert_eq!(event.kind(), "linkedAccountWatch");
    // And paysdk's signer produces the same headers.
    assert_eq!(signed(BODY), headers);
}

#[test]
fn a_tampered_body_is_a_signature_mismatch() {
    let tampered = BODY.replace("LINKED", "UNLINKED");
    let err = rejected(&verifier_at(0), &signed(BODY), &tampered);
    assert!(
        matches!(err, WebhookError::SignatureMismatch("signature-v2")),
        "{err:?}"
    );
}

#[test]
fn a_wrong_key_is_a_signature_mismatch() {
    let headers = webhooks::sign(
        &Secret::new("another-key"),
        Some("call-0001"),
        BODY.as_bytes(),
        published(),
    );
    let err = rejected(&verifier_at(0), &headers, BODY);
    assert!(
        matches!(err, WebhookError::SignatureMismatch("signature-v2")),
        "{err:?}"
    );
}

#[test]
fn an_altered_timestamp_or_call_ref_is_a_signature_mismatch() {
    let mut headers = signed(BODY);
    set(&mut headers, "published-timestamp", "1700000000001");
    let err = rejected(&verifier_at(0), &headers, BODY);
    assert!(matches!(
        err,
        WebhookError::SignatureMismatch("signature-v2")
    ));

    let mut headers = signed(BODY);
    set(&mut headers, "call-ref", "call-0002");
    let err = rejected(&verifier_at(0), &headers, BODY);
    assert!(matches!(
        err,
        WebhookError::SignatureMismatch("signature-v2")
    ));

    // call-ref is optional, but it is signed: dropping it breaks signature-v2.
    let mut headers = signed(BODY);
    headers.remove("call-ref");
    let err = rejected(&verifier_at(0), &headers, BODY);
    assert!(matches!(
        err,
        WebhookError::SignatureMismatch("signature-v2")
    ));
}

#[test]
fn a_wrong_timestamp_signature_is_its_own_mismatch() {
    let mut headers = signed(BODY);
    let other = webhooks::sign(&Secret::new("another-key"), None, b"", published());
    headers.insert("signature", other["signature"].clone());
    let err = rejected(&verifier_at(0), &headers, BODY);
    assert!(
        matches!(err, WebhookError::SignatureMismatch("signature")),
        "{err:?}"
    );
}

#[test]
fn each_missing_required_header_is_named() {
    for name in ["published-timestamp", "signature", "signature-v2"] {
        let mut headers = signed(BODY);
        headers.remove(name);
        let err = rejected(&verifier_at(0), &headers, BODY);
        assert!(
            matches!(err, WebhookError::MissingHeader(n) if n == name),
            "{name}: {err:?}"
        );
        assert!(err.to_string().contains(name));
    }
}

#[test]
fn a_non_base64_signature_is_an_encoding_error() {
    for name in ["signature", "signature-v2"] {
        let mut headers = signed(BODY);
        set(&mut headers, name, "not*base64!");
        let err = rejected(&verifier_at(0), &headers, BODY);
        assert!(
            matches!(err, WebhookError::BadSignatureEncoding(n) if n == name),
            "{name}: {err:?}"
        );
    }
}

#[test]
fn a_malformed_timestamp_is_an_invalid_header() {
    for bad in ["soon", "-5", "1.7e12", ""] {
        let mut headers = signed(BODY);
        set(&mut headers, "published-timestamp", bad);
        let err = rejected(&verifier_at(0), &headers, BODY);
        assert!(
            matches!(
                err,
                WebhookError::InvalidHeader {
                    header: "published-timestamp",
                    ..
                }
            ),
            "{bad}: {err:?}"
        );
    }
    let mut headers = signed(BODY);
    headers.insert("signature", HeaderValue::from_bytes(b"caf\xe9").unwrap());
    let err = rejected(&verifier_at(0), &headers, BODY);
    assert!(matches!(
        err,
        WebhookError::InvalidHeader {
            header: "signature",
            ..
        }
    ));
}

#[test]
fn a_timestamp_outside_the_window_is_stale_or_future() {
    let headers = signed(BODY);
    // Default window: 5 minutes either way, edges included.
    assert!(verifier_at(300).verify(&headers, BODY.as_bytes()).is_ok());
    assert!(verifier_at(-300).verify(&headers, BODY.as_bytes()).is_ok());
    let err = rejected(&verifier_at(301), &headers, BODY);
    assert!(
        matches!(err, WebhookError::StaleTimestamp { age, tolerance }
            if age == Duration::from_secs(301) && tolerance == Duration::from_secs(300)),
        "{err:?}"
    );
    let err = rejected(&verifier_at(-301), &headers, BODY);
    assert!(
        matches!(err, WebhookError::FutureTimestamp { .. }),
        "{err:?}"
    );
    // A configured window.
    let wide = verifier_at(3600).tolerance(Duration::from_secs(2 * 3600));
    assert!(wide.verify(&headers, BODY.as_bytes()).is_ok());
}

#[test]
fn an_authentic_body_that_does_not_decode_is_kept() {
    let body = r#"{"type":"linkedAccountWatch","payload":"12345678"}"#;
    let err = rejected(&verifier_at(0), &signed(body), body);
    let WebhookError::Undecodable(failure) = &err else {
        panic!("expected Undecodable, got {err:?}");
    };
    assert_eq!(failure.body().as_bytes(), body.as_bytes());
    assert!(!err.is_unauthenticated());

    let body = "<html>not json</html>";
    let err = rejected(&verifier_at(0), &signed(body), body);
    assert!(matches!(err, WebhookError::Undecodable(_)));
    assert!(!err.to_string().contains("html"), "{err}");
}

#[test]
fn an_undeclared_event_type_is_unknown_with_its_body() {
    let body = r#"{"type":"linkedAccountFrozenWatch","payload":{"id":"x"}}"#;
    let event = verifier_at(0)
        .verify(&signed(body), body.as_bytes())
        .unwrap();
    let Event::Unknown { kind, raw } = &event else {
        panic!("expected Unknown, got {event:?}");
    };
    assert_eq!(kind, "linkedAccountFrozenWatch");
    assert_eq!(raw["payload"]["id"], "x");
    assert!(event.is_unknown());
}

#[test]
fn rejection_payloads_keep_statuses_beyond_the_linked_account_enum() {
    let body = r#"{"type":"linkedAccountWatch","payload":{"status":"CANNOT_LINK_MULTIPLE_ACCOUNTS","consent":{"status":"REJECTED"}}}"#;
    let Event::LinkedAccountWatch(event) = verifier_at(0)
        .verify(&signed(body), body.as_bytes())
        .unwrap()
    else {
        panic!("expected linkedAccountWatch");
    };
    let status = match &event.payload {
        types::LinkedAccountWatchPayload::StatusRejected { status, .. } => status.as_str(),
        types::LinkedAccountWatchPayload::StatusRejectedMultipleLinkedAccounts {
            status, ..
        } => status.as_str(),
        other => panic!("expected a rejection payload, got {other:?}"),
    };
    assert_eq!(status, "CANNOT_LINK_MULTIPLE_ACCOUNTS");
}

#[test]
fn the_expiring_soon_event_decodes_to_its_variant() {
    let body = BODY.replace(
        r#""type":"linkedAccountWatch""#,
        r#""type":"linkedAccountExpiringSoonWatch""#,
    );
    let event = verifier_at(0)
        .verify(&signed(&body), body.as_bytes())
        .unwrap();
    assert!(matches!(event, Event::LinkedAccountExpiringSoonWatch(_)));
    assert_eq!(Event::KINDS.len(), 2);
    assert_eq!(Event::DISCRIMINATOR, Some("type"));
}

/// Header values made of arbitrary bytes (those `http` accepts), sometimes the real ones.
fn header_value() -> impl Strategy<Value = Option<Vec<u8>>> {
    prop_oneof![
        1 => Just(None),
        2 => proptest::collection::vec(any::<u8>(), 0..64).prop_map(Some),
        2 => "[A-Za-z0-9+/=]{0,48}".prop_map(|s| Some(s.into_bytes())),
        1 => "[0-9]{0,20}".prop_map(|s| Some(s.into_bytes())),
    ]
}

proptest! {
    #![proptest_config(Config {
        cases: 2000,
        rng_seed: RngSeed::Fixed(0x5eed_0016),
        failure_persistence: None,
        ..Config::default()
    })]

    #[test]
    fn arbitrary_bytes_and_headers_never_panic(
        body in proptest::collection::vec(any::<u8>(), 0..512),
        values in proptest::collection::vec(header_value(), 4),
        keep_signed in any::<bool>(),
        skew in -1_000_000i64..1_000_000,
    ) {
        let mut headers = if keep_signed {
            webhooks::sign(&Secret::new(KEY), Some("c"), &body, published())
        } else {
            HeaderMap::new()
        };
        for (name, value) in ["call-ref", "published-timestamp", "signature", "signature-v2"]
            .into_iter()
            .zip(values)
        {
            if let Some(v) = value.and_then(|v| HeaderValue::from_bytes(&v).ok()) {
                headers.insert(name, v);
            }
        }
        let result = verifier_at(skew / 1000).verify(&headers, &body);
        if let Err(e) = &result {
            let _ = (e.to_string(), format!("{e:?}"));
        }
    }

    #[test]
    fn correctly_signed_arbitrary_bodies_authenticate(
        body in proptest::collection::vec(any::<u8>(), 0..512),
        call_ref in proptest::option::of("[ -~]{0,40}"),
    ) {
        let headers = webhooks::sign(&Secret::new(KEY), call_ref.as_deref(), &body, published());
        let verifier = verifier_at(0);
        prop_assert!(verifier.authenticate(&headers, &body).is_ok());
        // Verification only fails past authentication, on decoding.
        if let Err(e) = verifier.verify(&headers, &body) {
            prop_assert!(matches!(e, WebhookError::Undecodable(_)));
        }
    }
}
