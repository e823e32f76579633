//! Auth of the generated facade, from the test spec's `securitySchemes` and per-operation
//! `security` (`tests/fixtures/facade/ledger.yaml`), against wiremock: each operation sends
//! exactly the credentials its requirement asks for, a `security: []` operation none, an
//! unmet requirement fails before sending naming the scheme, and OAuth2 client credentials
//! fetch one token for many calls and fetch again once on a 401.

mod fixture {
    #![allow(missing_docs, dead_code, clippy::all, clippy::pedantic)]
    include!(concat!(env!("OUT_DIR"), "/facade_fixtures.rs"));
}

use base64::Engine as _;
use fixture::ledger::facade::{Client, ClientBuilder, errors, types};
use paysdk::{ClientConfig, RetryConfig, Secret};
use serde_json::json;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const API_KEY: &str = "key-header-1";
const QUERY_KEY: &str = "key-query-2";
const COOKIE: &str = "cookie-3";
const BEARER: &str = "bearer-4";
const OIDC: &str = "oidc-5";
const PASSWORD: &str = "password-6";
const CLIENT_SECRET: &str = "client-secret-7";
const ALL_SECRETS: [&str; 7] = [
    API_KEY,
    QUERY_KEY,
    COOKIE,
    BEARER,
    OIDC,
    PASSWORD,
    CLIENT_SECRET,
];

fn builder(server: &MockServer) -> ClientBuilder {
    Client::builder()
        .base_url(server.uri())
        .config(ClientConfig::default().retry(RetryConfig::disabled()))
}

fn full(server: &MockServer) -> ClientBuilder {
    builder(server)
        .api_key(Secret::new(API_KEY))
        .query_key(Secret::new(QUERY_KEY))
        .session_cookie(Secret::new(COOKIE))
        .bearer_auth(Secret::new(BEARER))
        .basic_auth("ledger-user", Secret::new(PASSWORD))
        .staff_oidc(Secret::new(OIDC))
        .partner_oauth("partner-app", Secret::new(CLIENT_SECRET))
}

async fn answer_everything(server: &MockServer) {
    for (verb, at, body) in [
        ("POST", "/accounts", json!({"id": "a", "currency": "EUR"})),
        ("GET", "/accounts", json!({"items": [], "total": 0})),
        ("GET", "/accounts/a", json!({"id": "a", "currency": "EUR"})),
        ("GET", "/accounts/a/entries", json!({"entries": []})),
        (
            "GET",
            "/accounts/a/entries/e",
            json!({"id": "e", "amount": 1}),
        ),
        ("GET", "/health", json!({"ok": true})),
    ] {
        let status = if verb == "POST" { 201 } else { 200 };
        Mock::given(method(verb))
            .and(path(at))
            .respond_with(ResponseTemplate::new(status).set_body_json(body))
            .mount(server)
            .await;
    }
}

/// The credentials a request carried: header, query and cookie values, in a fixed order.
fn credentials(request: &Request) -> Vec<String> {
    let mut sent = Vec::new();
    for name in ["x-api-key", "authorization", "cookie"] {
        for value in request.headers.get_all(name) {
            sent.push(format!("{name}: {}", value.to_str().unwrap()));
        }
    }
    for (k, v) in request.url.query_pairs() {
        sent.push(format!("?{k}={v}"));
    }
    sent
}

fn basic(user: &str, password: &str) -> String {
    let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    format!("authorization: Basic {encoded}")
}

#[tokio::test]
async fn each_operation_sends_what_its_security_asks_for_and_nothing_else() {
    let server = MockServer::start().await;
    answer_everything(&server).await;
    let api = full(&server).build().unwrap();
    let body = types::NewAccount {
        currency: "EUR".into(),
        label: None,
    };
    api.create_account(&body).await.unwrap();
    api.list_accounts().await.unwrap();
    api.get_account("a").await.unwrap();
    api.list_entries("a").await.unwrap();
    api.get_entry("a", "e").await.unwrap();
    api.health_check().await.unwrap();

    let received = server.received_requests().await.unwrap();
    let sent: Vec<Vec<String>> = received.iter().map(credentials).collect();
    assert_eq!(
        sent,
        vec![
            // The spec's default: the API key header.
            vec![format!("x-api-key: {API_KEY}")],
            vec![format!("authorization: Bearer {BEARER}")],
            // The first of two alternatives the client can meet: the query key.
            vec![format!("?key={QUERY_KEY}")],
            // Both schemes of one alternative.
            vec![
                format!("x-api-key: {API_KEY}"),
                basic("ledger-user", PASSWORD)
            ],
            vec![format!("authorization: Bearer {OIDC}")],
            // `security: []`: none at all.
            vec![],
        ]
    );
}

#[tokio::test]
async fn the_first_alternative_the_client_can_meet_is_sent() {
    let server = MockServer::start().await;
    answer_everything(&server).await;
    let api = builder(&server)
        .session_cookie(Secret::new(COOKIE))
        .build()
        .unwrap();
    api.get_account("a").await.unwrap();
    let received = server.received_requests().await.unwrap();
    assert_eq!(
        credentials(&received[0]),
        [format!("cookie: session={COOKIE}")]
    );
}

#[tokio::test]
async fn an_unmet_requirement_fails_before_sending_and_names_the_scheme() {
    let server = MockServer::start().await;
    answer_everything(&server).await;
    // An API key only: enough for the default and for `security: []`, not for the others.
    let api = builder(&server)
        .api_key(Secret::new(API_KEY))
        .build()
        .unwrap();
    let error = api.list_accounts().await.unwrap_err();
    match error.kind() {
        errors::ListAccountsError::InvalidRequest(e) => {
            assert_eq!(e.missing_schemes(), ["bearerAuth"]);
            assert!(e.to_string().contains("'bearerAuth'"), "{e}");
        }
        other => panic!("expected InvalidRequest, got {other:?}"),
    }
    assert_eq!(error.attempts(), 0);
    let error = api.list_entries("a").await.unwrap_err();
    assert!(
        matches!(error.kind(), errors::ListEntriesError::InvalidRequest(e) if e.missing_schemes() == ["basicAuth"]),
        "{error:?}"
    );
    // Nothing was sent for either; the operations that need only the key work.
    assert!(server.received_requests().await.unwrap().is_empty());
    api.health_check().await.unwrap();
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 1);
    assert!(credentials(&received[0]).is_empty());
}

async fn token_endpoint(server: &MockServer, token: &str, times: u64) {
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"access_token": token, "token_type": "Bearer", "expires_in": 3600}),
        ))
        .up_to_n_times(times)
        .mount(server)
        .await;
}

async fn report_for(server: &MockServer, token: &str, status: u16) {
    Mock::given(method("GET"))
        .and(path("/reports/daily"))
        .and(header("authorization", format!("Bearer {token}").as_str()))
        .respond_with(ResponseTemplate::new(status).set_body_json(json!({"name": "daily"})))
        .mount(server)
        .await;
}

fn token_requests(received: &[Request]) -> Vec<&Request> {
    received
        .iter()
        .filter(|r| r.url.path() == "/oauth/token")
        .collect()
}

#[tokio::test]
async fn client_credentials_fetch_one_token_for_many_calls_and_again_once_on_a_401() {
    let server = MockServer::start().await;
    token_endpoint(&server, "token-a", 1).await;
    token_endpoint(&server, "token-b", 1).await;
    report_for(&server, "token-a", 200).await;
    let api = full(&server).build().unwrap();
    for _ in 0..5 {
        assert_eq!(api.get_report("daily").await.unwrap().name, "daily");
    }
    let received = server.received_requests().await.unwrap();
    let tokens = token_requests(&received);
    assert_eq!((received.len(), tokens.len()), (6, 1));
    let token_request = tokens[0];
    assert_eq!(
        token_request
            .headers
            .get("authorization")
            .unwrap()
            .to_str()
            .unwrap(),
        basic("partner-app", CLIENT_SECRET).trim_start_matches("authorization: ")
    );
    let form: Vec<(String, String)> = form_urlencoded::parse(&token_request.body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    assert_eq!(
        form,
        [
            ("grant_type".to_string(), "client_credentials".to_string()),
            ("scope".to_string(), "reports:read".to_string()),
        ]
    );

    // The provider revokes token-a: one 401, one new token, the call resent and answered.
    server.reset().await;
    token_endpoint(&server, "token-b", 1).await;
    report_for(&server, "token-a", 401).await;
    report_for(&server, "token-b", 200).await;
    let report = api.get_report("daily").await.unwrap();
    assert_eq!((report.name.as_str(), report.attempts()), ("daily", 2));
    api.get_report("daily").await.unwrap();
    let received = server.received_requests().await.unwrap();
    assert_eq!(token_requests(&received).len(), 1);
    assert_eq!(received.len(), 4, "401, token, resend, next call");

    // A 401 with the new token too ends the call with the 401: one refresh per call.
    server.reset().await;
    token_endpoint(&server, "token-c", 5).await;
    report_for(&server, "token-b", 401).await;
    report_for(&server, "token-c", 401).await;
    let error = api.get_report("daily").await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
    let received = server.received_requests().await.unwrap();
    assert_eq!(token_requests(&received).len(), 1);
}

#[tokio::test]
async fn concurrent_calls_share_one_token_fetch() {
    let server = MockServer::start().await;
    token_endpoint(&server, "token-a", 10).await;
    report_for(&server, "token-a", 200).await;
    let api = full(&server).build().unwrap();
    let calls: Vec<_> = (0..8)
        .map(|_| {
            let api = api.clone();
            tokio::spawn(async move { api.get_report("daily").await.map(|r| r.into_inner()) })
        })
        .collect();
    for call in calls {
        call.await.unwrap().unwrap();
    }
    let received = server.received_requests().await.unwrap();
    assert_eq!(token_requests(&received).len(), 1);
}

#[tokio::test]
async fn the_token_url_can_be_overridden_and_secrets_never_print() {
    let token_server = MockServer::start().await;
    token_endpoint(&token_server, "token-z", 1).await;
    let server = MockServer::start().await;
    report_for(&server, "token-z", 200).await;
    let builder =
        full(&server).partner_oauth_token_url(format!("{}/oauth/token", token_server.uri()));
    let printed = format!("{builder:?}");
    let api = builder.build().unwrap();
    api.get_report("daily").await.unwrap();
    assert_eq!(token_server.received_requests().await.unwrap().len(), 1);
    let printed = format!("{printed} {api:?} {:?}", api.get_report("daily"));
    for secret in ALL_SECRETS {
        assert!(!printed.contains(secret), "{secret} in {printed}");
    }
}

/// A call whose OAuth2 token cannot be had fails before it is sent, naming the scheme.
fn assert_token_failure(error: &paysdk::Error<errors::GetReportError>, why: &str) {
    match error.kind() {
        errors::GetReportError::InvalidRequest(e) => {
            assert_eq!(e.failed_scheme(), Some("partnerOauth"), "{e}");
            assert!(e.missing_schemes().is_empty(), "{e}");
            assert!(e.to_string().contains("'partnerOauth'"), "{e}");
            assert!(e.to_string().contains(why), "{e}");
        }
        other => panic!("expected InvalidRequest, got {other:?}"),
    }
    assert_eq!(error.attempts(), 0);
    let shown = format!("{error} {error:?}");
    for secret in ALL_SECRETS {
        assert!(!shown.contains(secret), "{secret} in {shown}");
    }
}

#[tokio::test]
async fn a_token_endpoint_error_fails_the_call_before_it_is_sent() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&server)
        .await;
    report_for(&server, "token-a", 200).await;
    let api = full(&server).build().unwrap();
    let error = api.get_report("daily").await.unwrap_err();
    assert_token_failure(&error, "500");
    let received = server.received_requests().await.unwrap();
    assert_eq!(token_requests(&received).len(), 1);
    assert_eq!(
        received.len(),
        1,
        "the operation endpoint got no request: {received:?}"
    );
    // The next call tries again: a failed fetch is not kept.
    api.get_report("daily").await.unwrap_err();
    let received = server.received_requests().await.unwrap();
    assert_eq!((received.len(), token_requests(&received).len()), (2, 2));
}

#[tokio::test]
async fn an_unreachable_token_endpoint_fails_the_call_before_it_is_sent() {
    // A port that was listening a moment ago and is closed now.
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap()
    };
    let server = MockServer::start().await;
    report_for(&server, "token-a", 200).await;
    let api = full(&server)
        .partner_oauth_token_url(format!("http://{closed}/oauth/token"))
        .build()
        .unwrap();
    let error = api.get_report("daily").await.unwrap_err();
    assert_token_failure(&error, "token request failed");
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn credentials_of_each_scheme_go_through_the_generated_enum() {
    use fixture::ledger::facade::Credentials;
    let server = MockServer::start().await;
    answer_everything(&server).await;
    // Every spec gets `Credentials`, a variant per scheme named after its setter.
    let api = builder(&server)
        .credentials(Credentials::api_key(Secret::new(API_KEY)))
        .credentials(Credentials::BasicAuth {
            username: "ledger-user".into(),
            password: Secret::new(PASSWORD),
        })
        .build()
        .unwrap();
    api.list_entries("a").await.unwrap();
    let request = &server.received_requests().await.unwrap()[0];
    assert_eq!(
        credentials(request),
        [
            format!("x-api-key: {API_KEY}"),
            basic("ledger-user", PASSWORD)
        ]
    );
}

#[tokio::test]
async fn a_sidecar_that_requires_credentials_refuses_a_client_without_them() {
    use fixture::vault::facade::{Client as Vault, Credentials};
    let err = Vault::builder().build().unwrap_err();
    assert_eq!(
        err.to_string(),
        "vault: missing credentials (Credentials::key or Credentials::user)"
    );
    assert!(matches!(
        err,
        paysdk::BuildError::Missing {
            provider: "vault",
            what: "credentials",
            ..
        }
    ));
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/secrets/db"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": "s"})))
        .mount(&server)
        .await;
    let by_key = Vault::builder()
        .base_url(server.uri())
        .credentials(Credentials::key(Secret::new(API_KEY)))
        .build()
        .unwrap();
    by_key.get_secret("db").await.unwrap();
    let by_user = Vault::builder()
        .base_url(server.uri())
        .credentials(Credentials::user("vault-user", Secret::new(PASSWORD)))
        .build()
        .unwrap();
    by_user.get_secret("db").await.unwrap();
    let received = server.received_requests().await.unwrap();
    assert_eq!(received[0].headers.get("x-vault-key").unwrap(), API_KEY);
    assert!(received[0].headers.get("authorization").is_none());
    assert!(received[1].headers.get("x-vault-key").is_none());
    assert_eq!(credentials(&received[1]), [basic("vault-user", PASSWORD)]);
    // A scheme paysdk cannot send (HTTP digest) has no variant: `Credentials` has two.
    let any = |c: &Credentials| match c {
        Credentials::Key(_) | Credentials::User { .. } => true,
    };
    assert!(any(&Credentials::key(Secret::new("k"))));
}
