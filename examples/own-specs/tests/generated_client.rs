//! The client generated from this crate's own spec, against wiremock on 127.0.0.1: the facade
//! sends the right credentials per operation, a documented error status is its typed variant,
//! and a create carries one idempotency key across retries.

use std::time::Duration;

use own_specs::parcels::{Client, errors, types};
use paysdk::{ClientConfig, RetryConfig, Secret};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn json(status: u16, body: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body.to_owned(), "application/json")
}

fn client(server: &MockServer) -> Client {
    let retries = RetryConfig::default()
        .max_attempts(3)
        .backoff(Duration::from_millis(1), Duration::from_millis(5));
    Client::builder()
        .base_url(server.uri())
        .config(ClientConfig::default().retry(retries))
        .bearer_auth(Secret::new("tok_123"))
        .partner_key(Secret::new("pk_9"))
        .build()
        .unwrap()
}

fn header<'r>(request: &'r wiremock::Request, name: &str) -> Option<&'r str> {
    request.headers.get(name).and_then(|v| v.to_str().ok())
}

#[tokio::test]
async fn a_create_is_typed_authenticated_and_keyed() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/shipments"))
        .respond_with(json(503, r#"{"retry_in": 1}"#))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/shipments"))
        .respond_with(json(201, r#"{"id": "sh_1", "status": "created"}"#))
        .mount(&server)
        .await;
    let new = types::NewShipment {
        recipient: "A. Lovelace".into(),
        weight_grams: 1200,
    };
    let shipment = client(&server).create_shipment(&new).await.unwrap();
    assert_eq!(shipment.id, "sh_1");
    assert_eq!(shipment.status, types::ShipmentStatus::Created);
    assert_eq!(shipment.attempts(), 2);

    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 2);
    let keys: Vec<_> = received
        .iter()
        .map(|r| header(r, "idempotency-key"))
        .collect();
    assert!(keys[0].is_some() && keys[0] == keys[1], "{keys:?}");
    for request in &received {
        assert_eq!(header(request, "authorization"), Some("Bearer tok_123"));
        assert_eq!(header(request, "x-partner-key"), None);
    }
}

#[tokio::test]
async fn a_documented_error_status_is_its_variant_with_its_body() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/shipments"))
        .respond_with(json(
            422,
            r#"{"code": "too_heavy", "message": "over 30 kg"}"#,
        ))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/shipments/sh%202"))
        .respond_with(json(
            404,
            r#"{"code": "unknown", "message": "no such shipment"}"#,
        ))
        .mount(&server)
        .await;
    let api = client(&server);
    let new = types::NewShipment {
        recipient: "B".into(),
        weight_grams: 31_000,
    };
    let error = api.create_shipment(&new).await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(422));
    match error.into_kind() {
        errors::CreateShipmentError::UnprocessableEntity(problem) => {
            assert_eq!(problem.code, "too_heavy")
        }
        other => panic!("expected UnprocessableEntity, got {other:?}"),
    }
    // A path parameter is percent-encoded; the 404 has its own variant.
    let error = api.get_shipment("sh 2").await.unwrap_err();
    assert!(
        matches!(error.kind(), errors::GetShipmentError::NotFound(p) if p.code == "unknown"),
        "{error:?}"
    );
}

#[tokio::test]
async fn each_operation_sends_what_its_security_asks_for() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/rates"))
        .respond_with(json(200, r#"[{"service": "express", "cents": 1290}]"#))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/status"))
        .respond_with(json(200, r#"{"ok": true}"#))
        .mount(&server)
        .await;
    let api = client(&server);
    let rates = api.list_rates().country("NL").await.unwrap();
    assert_eq!(rates[0].cents, 1290);
    assert!(api.get_status().await.unwrap().ok);

    let received = server.received_requests().await.unwrap();
    let rates_request = &received[0];
    assert_eq!(header(rates_request, "x-partner-key"), Some("pk_9"));
    assert_eq!(header(rates_request, "authorization"), None);
    assert_eq!(rates_request.url.query(), Some("country=NL"));
    let status_request = &received[1];
    assert_eq!(header(status_request, "x-partner-key"), None);
    assert_eq!(header(status_request, "authorization"), None);
}

#[tokio::test]
async fn a_call_without_its_credentials_fails_before_sending() {
    let server = MockServer::start().await;
    let api = Client::builder().base_url(server.uri()).build().unwrap();
    let error = api.list_rates().await.unwrap_err();
    assert!(error.to_string().contains("partnerKey"), "{error}");
    assert!(server.received_requests().await.unwrap().is_empty());
}
