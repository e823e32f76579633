//! No credential appears in any `Debug` or `Display` output, in errors, or in `tracing` logs.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use common::*;
use paysdk::{Secret, enfuce, weavr};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const LOGIN_PASSWORD: &str = "fake-login-password-0005";
const ISSUED_TOKEN: &str = "fake-issued-token-0006";
const TEMPORARY_TOKEN: &str = "fake-temporary-token-0007";

fn secrets() -> Vec<String> {
    vec![
        ENFUCE_PASSWORD.into(),
        WEAVR_API_KEY.into(),
        WEAVR_TOKEN.into(),
        LOGIN_PASSWORD.into(),
        ISSUED_TOKEN.into(),
        TEMPORARY_TOKEN.into(),
        // The encoded basic credentials would leak the password too.
        enfuce_basic_header()
            .trim_start_matches("Basic ")
            .to_string(),
    ]
}

fn assert_clean(what: &str, text: &str) {
    for secret in secrets() {
        assert!(!text.contains(&secret), "{what} shows a secret: {text}");
    }
}

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn no_secret_in_debug_display_errors_or_logs() {
    let capture = Capture::default();
    let writer = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/login_with_password"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"token": ISSUED_TOKEN, "tokenType": "AUTH"})),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/login_with_password"))
        .respond_with(ResponseTemplate::new(409).set_body_json(json!({"token": TEMPORARY_TOKEN})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/linked_accounts"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .respond_with(
            ResponseTemplate::new(401).set_body_json(enfuce_error_json(401, "SECURITY_ERROR")),
        )
        .mount(&server)
        .await;

    let mut shown = Vec::new();
    let weavr = weavr::Client::builder()
        .base_url(server.uri())
        .api_key(Secret::new(WEAVR_API_KEY))
        .auth_token(Secret::new(WEAVR_TOKEN))
        .login("controller@example.com", Secret::new(LOGIN_PASSWORD));
    shown.push(format!("{weavr:?}"));
    let weavr = weavr.build().unwrap();
    shown.push(format!("{weavr:?}"));

    let login = weavr
        .login_with_password("controller@example.com", Secret::new(LOGIN_PASSWORD))
        .await
        .unwrap();
    assert_eq!(
        login.token.expose(),
        ISSUED_TOKEN,
        "the token is reachable on purpose"
    );
    shown.push(format!("{login:?} {:?}", login.body()));

    // 401, then a re-login that answers 409 with a temporary token, then the 401 is returned.
    let err = weavr.list_linked_accounts().await.unwrap_err();
    shown.push(format!("{err} {err:?} {:?} {:#?}", err.kind(), err.meta()));
    let err = weavr
        .login_with_password("x@example.com", Secret::new(LOGIN_PASSWORD))
        .await
        .unwrap_err();
    let weavr::LoginError::Conflict(body) = err.kind() else {
        panic!("{err:?}")
    };
    assert_eq!(
        body.token.as_ref().map(Secret::expose),
        Some(TEMPORARY_TOKEN)
    );
    shown.push(format!("{err} {err:?}"));

    let enfuce = enfuce::Client::builder()
        .base_url(server.uri())
        .credentials(enfuce::Credentials::basic(
            ENFUCE_USER,
            Secret::new(ENFUCE_PASSWORD),
        ))
        .audit_user(AUDIT_USER);
    shown.push(format!("{enfuce:?}"));
    let enfuce = enfuce.build().unwrap();
    shown.push(format!(
        "{enfuce:?} {:?}",
        enfuce::Credentials::bearer(Secret::new(WEAVR_TOKEN))
    ));
    let err = enfuce.delete_customer_link("c1", "l1").await.unwrap_err();
    shown.push(format!("{err} {err:?}"));

    // A transport error (connection refused) carries reqwest's error; check it too.
    let err = enfuce::Client::builder()
        .base_url("http://127.0.0.1:9")
        .credentials(enfuce::Credentials::basic(
            ENFUCE_USER,
            Secret::new(ENFUCE_PASSWORD),
        ))
        .audit_user(AUDIT_USER)
        .config(paysdk::ClientConfig::default().retry(paysdk::RetryConfig::disabled()))
        .build()
        .unwrap()
        .delete_customer_link("c1", "l1")
        .await
        .unwrap_err();
    shown.push(format!(
        "{err} {err:?} {:?}",
        std::error::Error::source(&err)
    ));

    for (i, text) in shown.iter().enumerate() {
        assert_clean(&format!("output #{i}"), text);
    }
    let logs = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("paysdk.call"), "spans were recorded: {logs}");
    assert!(
        logs.contains("idempotency_key") && logs.contains("operation"),
        "{logs}"
    );
    assert_clean("tracing output", &logs);

    // The credentials did reach the server, where they belong.
    let requests = server.received_requests().await.unwrap();
    assert!(
        requests
            .iter()
            .any(|r| header(r, "api-key") == Some(WEAVR_API_KEY))
    );
    assert!(
        requests
            .iter()
            .any(|r| header(r, "authorization") == Some(enfuce_basic_header().as_str()))
    );
}
