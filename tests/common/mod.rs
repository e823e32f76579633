//! Shared by the integration tests: clients pointed at a loopback mock server, with fake
//! credentials and short retry waits.
#![allow(dead_code)] // Each test binary uses a different part.

use std::time::Duration;

use paysdk::{ClientConfig, RetryConfig, Secret, enfuce, weavr};
use wiremock::MockServer;

/// Obviously fake credentials; they must never appear in any output.
pub const ENFUCE_USER: &str = "test-user";
pub const ENFUCE_PASSWORD: &str = "fake-enfuce-password-0001";
pub const WEAVR_API_KEY: &str = "fake-weavr-api-key-0002";
pub const WEAVR_TOKEN: &str = "fake-weavr-token-0003";
pub const AUDIT_USER: &str = "auditor";

/// Retries with millisecond backoff so tests stay fast.
pub fn fast_config() -> ClientConfig {
    fast_config_with(3)
}

/// As [`fast_config`], with `attempts` attempts in all.
pub fn fast_config_with(attempts: u32) -> ClientConfig {
    ClientConfig::default()
        .attempt_timeout(Duration::from_secs(5))
        .retry(
            RetryConfig::default()
                .max_attempts(attempts)
                .backoff(Duration::from_millis(5), Duration::from_millis(20)),
        )
}

pub fn enfuce_client(server: &MockServer) -> enfuce::Client {
    enfuce_at(&server.uri())
}

pub fn enfuce_at(url: &str) -> enfuce::Client {
    enfuce::Client::builder()
        .base_url(url)
        .credentials(enfuce::Credentials::basic(
            ENFUCE_USER,
            Secret::new(ENFUCE_PASSWORD),
        ))
        .audit_user(AUDIT_USER)
        .config(fast_config())
        .build()
        .expect("valid test configuration")
}

pub fn weavr_client(server: &MockServer) -> weavr::Client {
    weavr_at(&server.uri())
}

pub fn weavr_at(url: &str) -> weavr::Client {
    weavr_with(url, fast_config())
}

/// A Weavr client with the test API key and token and the given timeouts and retries.
pub fn weavr_with(url: &str, config: ClientConfig) -> weavr::Client {
    weavr::Client::builder()
        .base_url(url)
        .api_key(Secret::new(WEAVR_API_KEY))
        .auth_token(Secret::new(WEAVR_TOKEN))
        .config(config)
        .build()
        .expect("valid test configuration")
}

/// `Basic base64(test-user:fake-enfuce-password-0001)`.
pub fn enfuce_basic_header() -> String {
    use base64::Engine as _;
    let raw = format!("{ENFUCE_USER}:{ENFUCE_PASSWORD}");
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(raw)
    )
}

pub const LINKED_ACCOUNT_ID: &str = "652d25b73541d8084a88a38d";

/// A Weavr linked account as the API returns it.
pub fn linked_account_json(id: &str, status: &str) -> serde_json::Value {
    serde_json::json!({
        "id": id,
        "accountIdentification": {"iban": "GB33BUKB20201555555555", "bankIdentifierCode": "BUKBGB22"},
        "currency": "GBP",
        "institution": {"displayName": "Demo Bank", "countries": ["GB", "NO"]},
        "consent": {"expiresAt": "2026-12-31T00:00:00Z", "expiresIn": 3600, "status": "ACTIVE"},
        "status": status,
        "friendlyName": "Payroll"
    })
}

/// Enfuce's error body.
pub fn enfuce_error_json(code: u16, error_type: &str) -> serde_json::Value {
    serde_json::json!({
        "code": code.to_string(),
        "message": "something went wrong",
        "id": "8d6a1e5c-4f7b-4c11-9f2e-0b1f7a6f2c3d",
        "errorCode": "E-1",
        "errorType": error_type,
        "errorReason": "because",
        "timestamp": "2025-11-22T08:00:00Z"
    })
}

/// The one request the server received, failing the test otherwise.
pub async fn only_request(server: &MockServer) -> wiremock::Request {
    let mut requests = server.received_requests().await.expect("recording is on");
    assert_eq!(
        requests.len(),
        1,
        "expected exactly one request, got {}",
        requests.len()
    );
    requests.remove(0)
}

/// The value of a header the request carries at most once (checked: the facade appends
/// credential and idempotency headers, so a duplicate would be a bug).
pub fn header<'a>(request: &'a wiremock::Request, name: &str) -> Option<&'a str> {
    let count = request.headers.get_all(name).iter().count();
    assert!(count <= 1, "{name} sent {count} times");
    request.headers.get(name).and_then(|v| v.to_str().ok())
}

pub fn body_json(request: &wiremock::Request) -> serde_json::Value {
    serde_json::from_slice(&request.body).expect("JSON request body")
}
