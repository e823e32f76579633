//! Retries: only when safe, with one idempotency key per logical call, honouring the
//! provider's wait hints.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::*;
use paysdk::weavr::{self, UnlinkLinkedAccountError};
use paysdk::{ClientConfig, RetryConfig, Secret};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn unlink_path() -> String {
    format!("/v1/linked_accounts/{LINKED_ACCOUNT_ID}/unlink")
}

async fn mount_sequence(
    server: &MockServer,
    verb: &str,
    at: &str,
    first: Vec<ResponseTemplate>,
    then: ResponseTemplate,
) {
    for response in first {
        Mock::given(method(verb))
            .and(path(at))
            .respond_with(response)
            .up_to_n_times(1)
            .mount(server)
            .await;
    }
    Mock::given(method(verb))
        .and(path(at))
        .respond_with(then)
        .mount(server)
        .await;
}

async fn keys_sent(server: &MockServer) -> Vec<String> {
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| header(r, "idempotency-ref").unwrap_or("<none>").to_string())
        .collect()
}

#[tokio::test]
async fn two_503s_then_200_succeeds_with_one_key_across_three_attempts() {
    let server = MockServer::start().await;
    let ok = ResponseTemplate::new(200)
        .set_body_json(linked_account_json(LINKED_ACCOUNT_ID, "UNLINKED"));
    mount_sequence(
        &server,
        "POST",
        &unlink_path(),
        vec![ResponseTemplate::new(503), ResponseTemplate::new(503)],
        ok,
    )
    .await;
    let unlinked = weavr_client(&server)
        .unlink_linked_account(LINKED_ACCOUNT_ID)
        .await
        .unwrap();
    assert_eq!(unlinked.attempts(), 3);
    let keys = keys_sent(&server).await;
    assert_eq!(keys.len(), 3);
    assert!(
        keys.iter()
            .all(|k| Some(k.as_str()) == unlinked.idempotency_key()),
        "{keys:?}"
    );
    assert!(uuid::Uuid::parse_str(&keys[0]).is_ok());
}

#[tokio::test]
async fn conflict_in_progress_then_200_succeeds() {
    let server = MockServer::start().await;
    let in_progress = ResponseTemplate::new(409)
        .set_body_json(json!({"errorCode": "IDEMPOTENT_REQUEST_IN_PROGRESS"}));
    let ok = ResponseTemplate::new(200)
        .set_body_json(linked_account_json(LINKED_ACCOUNT_ID, "UNLINKED"));
    mount_sequence(&server, "POST", &unlink_path(), vec![in_progress], ok).await;
    let unlinked = weavr_client(&server)
        .unlink_linked_account(LINKED_ACCOUNT_ID)
        .idempotency_key("k-1")
        .await
        .unwrap();
    assert_eq!(unlinked.attempts(), 2);
    assert_eq!(keys_sent(&server).await, vec!["k-1", "k-1"]);
}

#[tokio::test]
async fn permanent_errors_are_not_retried() {
    for (status, body) in [
        (409, json!({"errorCode": "LINKED_ACCOUNT_INVALID_STATE"})),
        (400, json!({"message": "bad"})),
        (401, json!({})),
        (403, json!({"errorCode": "INSUFFICIENT_PERMISSIONS"})),
        (404, json!({"code": "404", "message": "nf"})),
        (422, json!({})),
    ] {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path(unlink_path()))
            .respond_with(ResponseTemplate::new(status).set_body_json(body))
            .mount(&server)
            .await;
        let err = weavr_client(&server)
            .unlink_linked_account(LINKED_ACCOUNT_ID)
            .await
            .unwrap_err();
        assert_eq!(err.attempts(), 1, "{status}");
        assert!(!err.is_retryable(), "{status}");
        assert_eq!(
            server.received_requests().await.unwrap().len(),
            1,
            "{status} must not be resent"
        );
    }
}

#[tokio::test]
async fn retry_after_one_second_is_honoured() {
    let server = MockServer::start().await;
    let limited = ResponseTemplate::new(429).insert_header("retry-after", "1");
    let ok = ResponseTemplate::new(200).set_body_json(json!({"linkedAccounts": []}));
    mount_sequence(&server, "GET", "/v1/linked_accounts", vec![limited], ok).await;
    let started = Instant::now();
    let listed = weavr_client(&server).list_linked_accounts().await.unwrap();
    let waited = started.elapsed();
    assert_eq!(listed.attempts(), 2);
    assert!(
        waited >= Duration::from_millis(950),
        "waited only {waited:?}"
    );
    assert!(waited < Duration::from_secs(10), "waited {waited:?}");
}

#[tokio::test]
async fn weavr_rate_limit_reset_is_a_wait_hint() {
    let server = MockServer::start().await;
    let limited = ResponseTemplate::new(429)
        .insert_header("x-ratelimit-limit", "20, 10;w=60")
        .insert_header("x-ratelimit-reset", "1");
    let ok = ResponseTemplate::new(200).set_body_json(json!({"linkedAccounts": []}));
    mount_sequence(&server, "GET", "/v1/linked_accounts", vec![limited], ok).await;
    let started = Instant::now();
    weavr_client(&server).list_linked_accounts().await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(950));
}

#[tokio::test]
async fn a_wait_beyond_the_cap_ends_the_call_with_the_hint() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/linked_accounts"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "120"))
        .mount(&server)
        .await;
    let err = weavr_client(&server)
        .list_linked_accounts()
        .await
        .unwrap_err();
    assert_eq!(err.attempts(), 1);
    assert_eq!(err.retry_after(), Some(Duration::from_secs(120)));
    assert!(err.is_retryable(), "the caller may retry later");
}

#[tokio::test]
async fn post_without_key_is_not_resent_after_a_5xx() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/logout"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let err = weavr_client(&server).logout().await.unwrap_err();
    assert!(matches!(err.kind(), weavr::LogoutError::ServiceUnavailable));
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
    assert!(!err.is_retryable());
}

/// A server that reads one request per connection and closes without answering: the
/// request reached it, the response never comes back.
async fn dropping_server() -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let requests = Arc::new(AtomicUsize::new(0));
    let seen = requests.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let seen = seen.clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 8192];
                let mut read = 0;
                while let Ok(n) = socket.read(&mut buf[read..]).await {
                    if n == 0 {
                        return;
                    }
                    read += n;
                    if buf[..read].windows(4).any(|w| w == b"\r\n\r\n") {
                        seen.fetch_add(1, Ordering::SeqCst);
                        let _ = socket.shutdown().await;
                        return;
                    }
                }
            });
        }
    });
    (url, requests)
}

#[tokio::test]
async fn post_without_key_is_not_resent_after_a_dropped_connection() {
    let (url, requests) = dropping_server().await;
    let err = weavr_at(&url).logout().await.unwrap_err();
    let weavr::LogoutError::Transport(t) = err.kind() else {
        panic!("{err:?}")
    };
    assert!(t.may_have_reached_server());
    assert!(!err.is_retryable());
    assert_eq!(requests.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn keyed_post_is_resent_after_a_dropped_connection_with_the_same_key() {
    let (url, requests) = dropping_server().await;
    let err = weavr_at(&url)
        .unlink_linked_account(LINKED_ACCOUNT_ID)
        .idempotency_key("drop-1")
        .await
        .unwrap_err();
    assert!(
        matches!(err.kind(), UnlinkLinkedAccountError::Transport(_)),
        "{err:?}"
    );
    assert_eq!(requests.load(Ordering::SeqCst), 3, "three attempts");
    assert_eq!((err.attempts(), err.idempotency_key()), (3, Some("drop-1")));
}

#[tokio::test]
async fn refused_connections_are_retried_even_for_unkeyed_posts() {
    // Bind then drop a listener: the port is closed, so connecting is refused.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let err = weavr_at(&format!("http://127.0.0.1:{port}"))
        .logout()
        .await
        .unwrap_err();
    let weavr::LogoutError::Transport(t) = err.kind() else {
        panic!("{err:?}")
    };
    assert!(!t.may_have_reached_server());
    assert_eq!(err.attempts(), 3);
}

#[tokio::test]
async fn slow_responses_time_out_and_safe_calls_are_retried() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/linked_accounts"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(3)))
        .mount(&server)
        .await;
    let client = weavr::Client::builder()
        .base_url(server.uri())
        .api_key(Secret::new(WEAVR_API_KEY))
        .auth_token(Secret::new(WEAVR_TOKEN))
        .config(
            ClientConfig::default()
                .attempt_timeout(Duration::from_millis(100))
                .retry(
                    RetryConfig::default()
                        .max_attempts(2)
                        .backoff(Duration::from_millis(1), Duration::from_millis(1)),
                ),
        )
        .build()
        .unwrap();
    let err = client.list_linked_accounts().await.unwrap_err();
    let weavr::ListLinkedAccountsError::Timeout(t) = err.kind() else {
        panic!("{err:?}")
    };
    assert_eq!(t.kind(), paysdk::runtime::TimeoutKind::Attempt);
    assert_eq!(err.attempts(), 2);
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn one_relogin_on_401_when_credentials_allow() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/login_with_password"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"token": "token-2"})))
        .mount(&server)
        .await;
    mount_sequence(
        &server,
        "POST",
        &unlink_path(),
        vec![ResponseTemplate::new(401)],
        ResponseTemplate::new(200)
            .set_body_json(linked_account_json(LINKED_ACCOUNT_ID, "UNLINKED")),
    )
    .await;
    let client = weavr::Client::builder()
        .base_url(server.uri())
        .api_key(Secret::new(WEAVR_API_KEY))
        .auth_token(Secret::new("expired-token"))
        .login("controller@example.com", Secret::new("tokenised-password"))
        .build()
        .unwrap();
    let unlinked = client
        .unlink_linked_account(LINKED_ACCOUNT_ID)
        .await
        .unwrap();
    let requests = server.received_requests().await.unwrap();
    let seen: Vec<(String, Option<&str>)> = requests
        .iter()
        .map(|r| (r.url.path().to_string(), header(r, "authorization")))
        .collect();
    assert_eq!(
        seen,
        vec![
            (unlink_path(), Some("Bearer expired-token")),
            ("/v1/login_with_password".to_string(), None),
            (unlink_path(), Some("Bearer token-2")),
        ]
    );
    assert_eq!(
        header(&requests[0], "idempotency-ref"),
        header(&requests[2], "idempotency-ref")
    );
    assert_eq!(
        header(&requests[2], "idempotency-ref"),
        unlinked.idempotency_key()
    );
}

#[tokio::test]
async fn a_second_401_is_returned_not_retried_forever() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/login_with_password"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"token": "token-2"})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/linked_accounts"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    let client = weavr::Client::builder()
        .base_url(server.uri())
        .api_key(Secret::new(WEAVR_API_KEY))
        .login("controller@example.com", Secret::new("tokenised-password"))
        .build()
        .unwrap();
    let err = client.list_linked_accounts().await.unwrap_err();
    assert!(matches!(
        err.kind(),
        weavr::ListLinkedAccountsError::Unauthorized
    ));
    let paths: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| r.url.path().to_string())
        .collect();
    assert_eq!(
        paths,
        vec![
            "/v1/login_with_password",
            "/v1/linked_accounts",
            "/v1/login_with_password",
            "/v1/linked_accounts"
        ]
    );
}
