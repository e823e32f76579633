//! The facade generated for a spec written for these tests (`tests/fixtures/facade/ledger.yaml`),
//! against wiremock: each documented status maps to its variant with its own body, a keyed
//! POST keeps one idempotency key across 503, 503, 200, required path parameters go
//! positionally in path order and optional ones through setters.
//!
//! The generated module is included from `OUT_DIR` as a user's crate would include it: it
//! names paysdk only as `::paysdk::…`.

mod fixture {
    #![allow(missing_docs, dead_code, clippy::all, clippy::pedantic)]
    include!(concat!(env!("OUT_DIR"), "/facade_fixtures.rs"));
}

use std::time::Duration;

use fixture::ledger::facade::{Client, errors, types};
use paysdk::{ClientConfig, RetryConfig, Secret};
use serde_json::json;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn fast_retries() -> ClientConfig {
    ClientConfig::default().retry(
        RetryConfig::default()
            .max_attempts(4)
            .backoff(Duration::from_millis(1), Duration::from_millis(5)),
    )
}

fn client(server: &MockServer, config: ClientConfig) -> Client {
    // Credentials for every operation (which goes where: tests/facade_auth.rs).
    Client::builder()
        .base_url(server.uri())
        .config(config)
        .api_key(Secret::new("k"))
        .query_key(Secret::new("q"))
        .bearer_auth(Secret::new("b"))
        .staff_oidc(Secret::new("o"))
        .build()
        .unwrap()
}

async fn answer(server: &MockServer, verb: &str, at: &str, response: ResponseTemplate) {
    Mock::given(method(verb))
        .and(path(at))
        .respond_with(response)
        .mount(server)
        .await;
}

fn new_account() -> types::NewAccount {
    types::NewAccount {
        currency: "EUR".into(),
        label: Some("payroll".into()),
    }
}

#[tokio::test]
async fn each_documented_status_is_its_own_variant_with_its_body() {
    let server = MockServer::start().await;
    let api = client(
        &server,
        ClientConfig::default().retry(RetryConfig::disabled()),
    );
    let cases = [
        (400, json!({"fields": ["currency"]})),
        (409, json!({"existingId": "acc_7"})),
        (503, json!({"reason": "maintenance"})),
    ];
    for (status, body) in cases {
        server.reset().await;
        answer(
            &server,
            "POST",
            "/accounts",
            ResponseTemplate::new(status).set_body_json(body),
        )
        .await;
        let error = api.create_account(&new_account()).await.unwrap_err();
        assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
        match (status, error.into_kind()) {
            (400, errors::CreateAccountError::BadRequest(b)) => assert_eq!(b.fields, ["currency"]),
            (409, errors::CreateAccountError::Conflict(b)) => assert_eq!(b.existing_id, "acc_7"),
            (503, errors::CreateAccountError::ServiceUnavailable(b)) => {
                assert_eq!(b.reason, "maintenance")
            }
            (status, other) => panic!("{status}: got {other:?}"),
        }
    }

    server.reset().await;
    answer(
        &server,
        "GET",
        "/accounts/acc_1",
        ResponseTemplate::new(404).set_body_json(json!({"resource": "account"})),
    )
    .await;
    let error = api.get_account("acc_1").await.unwrap_err();
    assert!(
        matches!(error.kind(), errors::GetAccountError::NotFound(b) if b.resource == "account"),
        "{error:?}"
    );
    assert_eq!(error.operation_id(), "getAccount");

    // A body that does not match its status's schema keeps status and bytes.
    server.reset().await;
    answer(
        &server,
        "GET",
        "/accounts/acc_1",
        ResponseTemplate::new(429).set_body_string("slow down"),
    )
    .await;
    let error = api.get_account("acc_1").await.unwrap_err();
    match error.kind() {
        errors::GetAccountError::Decode(f) => {
            assert_eq!(
                (f.status().as_u16(), f.body().text().as_str()),
                (429, "slow down")
            )
        }
        other => panic!("expected Decode, got {other:?}"),
    }

    // A status the spec does not declare.
    server.reset().await;
    answer(
        &server,
        "GET",
        "/accounts/acc_1",
        ResponseTemplate::new(418),
    )
    .await;
    let error = api.get_account("acc_1").await.unwrap_err();
    assert!(
        matches!(error.kind(), errors::GetAccountError::Undeclared(u) if u.status() == 418),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_keyed_post_keeps_one_key_across_503_503_200() {
    let server = busy_twice_then_created().await;
    let api = client(&server, fast_retries());
    let account = api.create_account(&new_account()).await.unwrap();
    assert_eq!(account.id, "acc_1");
    assert_eq!((account.status().as_u16(), account.attempts()), (201, 3));

    let received = server.received_requests().await.unwrap();
    let keys: Vec<&str> = received
        .iter()
        .map(|r| r.headers.get("idempotency-key").unwrap().to_str().unwrap())
        .collect();
    assert_eq!(keys.len(), 3);
    assert!(keys.iter().all(|k| *k == keys[0]), "{keys:?}");
    assert_eq!(account.idempotency_key(), Some(keys[0]));
    assert_eq!(keys[0].len(), 36, "a UUID v4: {}", keys[0]);
    for request in &received {
        assert_eq!(request.headers.get_all("idempotency-key").iter().count(), 1);
        assert_eq!(
            serde_json::from_slice::<serde_json::Value>(&request.body).unwrap(),
            json!({"currency": "EUR", "label": "payroll"})
        );
    }

    // A second logical call gets a new key; a caller's key is sent as given.
    server.reset().await;
    answer(
        &server,
        "POST",
        "/accounts",
        ResponseTemplate::new(201).set_body_json(json!({"id": "acc_2", "currency": "EUR"})),
    )
    .await;
    let second = api.create_account(&new_account()).await.unwrap();
    assert_ne!(second.idempotency_key(), Some(keys[0]));
    let third = api
        .create_account(&new_account())
        .idempotency_key("order-7")
        .await
        .unwrap();
    assert_eq!(third.idempotency_key(), Some("order-7"));
    // A caller's key that cannot be a header value fails before sending.
    let bad = api
        .create_account(&new_account())
        .idempotency_key("two words")
        .await
        .unwrap_err();
    assert!(matches!(
        bad.kind(),
        errors::CreateAccountError::InvalidRequest(_)
    ));
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn an_unkeyed_post_is_not_resent_but_a_get_is() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/accounts/acc_1"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    answer(
        &server,
        "GET",
        "/accounts/acc_1",
        ResponseTemplate::new(200).set_body_json(json!({"id": "acc_1", "currency": "EUR"})),
    )
    .await;
    let api = client(&server, fast_retries());
    let account = api.get_account("acc_1").await.unwrap();
    assert_eq!(account.attempts(), 2);
    assert!(account.idempotency_key().is_none());
    let request = &server.received_requests().await.unwrap()[0];
    assert!(request.headers.get("idempotency-key").is_none());
}

#[tokio::test]
async fn path_parameters_are_positional_in_path_order_and_optional_ones_are_setters() {
    let server = MockServer::start().await;
    answer(
        &server,
        "GET",
        "/accounts/acc_1/entries/e_9",
        ResponseTemplate::new(200).set_body_json(json!({"id": "e_9", "amount": 5})),
    )
    .await;
    Mock::given(method("GET"))
        .and(path("/accounts"))
        .and(query_param("offset", "20"))
        .and(query_param("limit", "10"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"items": [], "total": 20})))
        .mount(&server)
        .await;
    let api = client(&server, ClientConfig::default());
    // The spec lists `entryId` before `accountId`; the path has them the other way round.
    let entry = api.get_entry("acc_1", "e_9").await.unwrap();
    assert_eq!(entry.amount, 5);

    let page = api
        .list_accounts()
        .currency(vec!["EUR".into(), "GBP".into()])
        .offset(20)
        .limit(10)
        .await
        .unwrap();
    assert_eq!(page.total, 20);
    let received = server.received_requests().await.unwrap();
    let query = received[1].url.query().unwrap_or_default().to_string();
    assert!(
        query.contains("currency=EUR") && query.contains("GBP"),
        "{query}"
    );

    // Without setters, no optional parameter is sent.
    server.reset().await;
    Mock::given(method("GET"))
        .and(path("/accounts"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"items": [], "total": 0})))
        .mount(&server)
        .await;
    api.list_accounts().send().await.unwrap();
    let received = server.received_requests().await.unwrap();
    assert_eq!(received[0].url.query(), None);
}

#[tokio::test]
async fn the_default_base_url_is_the_specs_server_and_debug_shows_no_parameters() {
    let api = Client::builder().build().unwrap();
    assert_eq!(api.base_url(), "https://api.ledger.example/v1");
    let call = api.get_account("secret-account-id");
    assert!(!format!("{call:?}").contains("secret-account-id"));
}

/// The sidecar's rules (`tests/fixtures/facade/ledger.paysdk.yaml`): a 409 whose body says
/// `IN_PROGRESS` is transient, `x-retry-in` is a retry hint, `x-request-id` the reference.
#[tokio::test]
async fn the_sidecars_transient_rule_retry_hint_and_request_reference_apply() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/accounts"))
        .respond_with(
            ResponseTemplate::new(409)
                .insert_header("x-retry-in", "0")
                .set_body_json(json!({"error": {"code": "IN_PROGRESS"}})),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/accounts"))
        .respond_with(
            ResponseTemplate::new(409)
                .insert_header("x-request-id", "req-42")
                .insert_header("x-retry-in", "7")
                .set_body_json(json!({"existingId": "acc_9"})),
        )
        .mount(&server)
        .await;
    let api = client(&server, fast_retries());
    let error = api.create_account(&new_account()).await.unwrap_err();
    // Retried once (the IN_PROGRESS 409), then the other 409 is final.
    assert_eq!(error.attempts(), 2);
    assert!(
        matches!(error.kind(), errors::CreateAccountError::Conflict(c) if c.existing_id == "acc_9")
    );
    assert_eq!(error.request_ref(), Some("req-42"));
    assert_eq!(error.retry_after(), Some(Duration::from_secs(7)));
    let keys: Vec<_> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| r.headers.get("idempotency-key").cloned())
        .collect();
    assert_eq!(keys[0], keys[1]);
}

#[test]
fn fields_the_sidecar_marks_secret_never_show_in_debug() {
    // `secrets: [Account.label, Entry.amount]` in tests/fixtures/facade/ledger.paysdk.yaml.
    let account: types::Account =
        serde_json::from_value(json!({"id": "a1", "currency": "EUR", "label": "label-secret-8"}))
            .unwrap();
    let label: &Option<Secret> = &account.label;
    assert_eq!(label.as_ref().map(Secret::expose), Some("label-secret-8"));
    let entry: types::Entry =
        serde_json::from_value(json!({"id": "e1", "amount": 987654321})).unwrap();
    assert_eq!(entry.amount, 987654321, "an integer keeps its type");
    let shown = format!("{account:?} {account:#?} {entry:?} {entry:#?}");
    assert!(!shown.contains("label-secret-8"), "{shown}");
    assert!(!shown.contains("987654321"), "{shown}");
    // The other fields still show, and the wire form is unchanged.
    assert!(shown.contains("a1") && shown.contains("e1"), "{shown}");
    assert_eq!(
        serde_json::to_value(&entry).unwrap(),
        json!({"id": "e1", "amount": 987654321})
    );
    // Only the schema named: NewAccount's label is a plain string.
    let new = types::NewAccount {
        currency: "EUR".into(),
        label: Some(String::from("shown")),
    };
    assert!(format!("{new:?}").contains("shown"));
}

#[test]
fn weavr_login_bodies_are_redacted_by_its_sidecar() {
    // `secrets: [token, password]` in specs/weavr-payment-run.paysdk.yaml: the login body's
    // password object is redacted as a whole.
    use paysdk::apis::weavr_payment_run::types as weavr;
    let body = weavr::AcquireAuthTokenBody {
        email: "controller@example.com".into(),
        password: weavr::AcquireAuthTokenBodyPassword {
            value: Secret::new("tokenised-password-9"),
        },
    };
    let shown = format!("{body:?}");
    assert!(!shown.contains("tokenised-password-9"), "{shown}");
    assert!(shown.contains("password: \"[redacted]\""), "{shown}");
    assert!(shown.contains("controller@example.com"), "{shown}");
}

#[tokio::test]
async fn a_client_parameter_is_sent_from_the_client_and_overridden_per_call() {
    let server = MockServer::start().await;
    answer(
        &server,
        "GET",
        "/accounts/acc_1",
        ResponseTemplate::new(200).set_body_json(json!({"id": "acc_1", "currency": "EUR"})),
    )
    .await;
    let plain = client(&server, fast_retries());
    let tenant = Client::builder()
        .base_url(server.uri())
        .query_key(Secret::new("q"))
        .x_tenant("t-client")
        .build()
        .unwrap();
    plain.get_account("acc_1").await.unwrap();
    tenant.get_account("acc_1").await.unwrap();
    tenant
        .get_account("acc_1")
        .x_tenant("t-call")
        .await
        .unwrap();
    tenant
        .with_x_tenant("t-copy")
        .get_account("acc_1")
        .await
        .unwrap();
    let sent: Vec<Option<String>> = (server.received_requests().await.unwrap().iter())
        .map(|r| {
            let value = r.headers.get("x-tenant")?;
            Some(value.to_str().unwrap().to_string())
        })
        .collect();
    let expected = [None, Some("t-client"), Some("t-call"), Some("t-copy")];
    assert_eq!(sent, expected.map(|t| t.map(String::from)));
}

#[tokio::test]
async fn environments_are_the_specs_servers_named_by_the_sidecar() {
    use fixture::ledger::facade::Environment;
    assert_eq!(
        Environment::Production.base_url(),
        "https://api.ledger.example/v1"
    );
    assert_eq!(
        Environment::regional("eu", "v2").base_url(),
        "https://eu.ledger.example/v2"
    );
    let server = MockServer::start().await;
    let up = ResponseTemplate::new(200).set_body_json(json!({"ok": true}));
    answer(&server, "GET", "/health", up).await;
    let api = Client::builder()
        .environment(Environment::Custom(format!("{}/", server.uri())))
        .build()
        .unwrap();
    assert_eq!(api.base_url(), server.uri());
    api.health_check().await.unwrap();
}

#[tokio::test]
async fn a_keyed_shortcut_builds_its_body_and_keeps_one_key_across_retries() {
    let server = busy_twice_then_created().await;
    let api = client(&server, fast_retries());
    // Sidecar `shortcuts`: `label` is the argument, `currency` is fixed.
    let account: paysdk::Call<'_, types::Account, errors::CreateAccountError> =
        api.open_eur_account("payroll");
    let account = account.await.unwrap();
    assert_eq!(account.attempts(), 3);
    let received = server.received_requests().await.unwrap();
    let keys: Vec<&str> = (received.iter())
        .map(|r| r.headers.get("idempotency-key").unwrap().to_str().unwrap())
        .collect();
    assert_eq!(keys.len(), 3);
    assert!(keys.iter().all(|k| *k == keys[0]), "{keys:?}");
    for request in &received {
        assert_eq!(
            serde_json::from_slice::<serde_json::Value>(&request.body).unwrap(),
            json!({"currency": "EUR", "label": "payroll"})
        );
    }
    // The caller's key goes through the shortcut unchanged.
    let mine = api
        .open_eur_account("payroll")
        .idempotency_key("order-8")
        .await
        .unwrap();
    assert_eq!(mine.idempotency_key(), Some("order-8"));
    let last = server.received_requests().await.unwrap().pop().unwrap();
    assert_eq!(last.headers.get("idempotency-key").unwrap(), "order-8");
}

#[tokio::test]
async fn an_unkeyed_shortcut_fixes_a_path_parameter_and_body_fields() {
    let server = MockServer::start().await;
    answer(
        &server,
        "POST",
        "/accounts/acc_1/transfers/internal",
        ResponseTemplate::new(201).set_body_json(json!({"id": "tr_1"})),
    )
    .await;
    let api = client(&server, fast_retries());
    let transfer = api.transfer_internal("acc_1", 250, "rent").await.unwrap();
    assert_eq!(transfer.id, "tr_1");
    let request = &server.received_requests().await.unwrap()[0];
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&request.body).unwrap(),
        json!({"amount": 250, "currency": "EUR", "urgent": true, "memo": "rent"})
    );
    // The operation's own method is still generated: the shortcut has another name.
    let body = types::NewTransfer {
        amount: 1,
        currency: types::NewTransferCurrency::Usd,
        memo: None,
        urgent: None,
    };
    let external = types::CreateTransferKind::External;
    api.create_transfer("acc_1", external, &body)
        .await
        .unwrap_err();
}

#[tokio::test]
async fn a_query_struct_sets_the_optional_query_parameters() {
    let server = MockServer::start().await;
    answer(
        &server,
        "GET",
        "/reports",
        ResponseTemplate::new(200).set_body_json(json!({"reports": [{"name": "q3"}]})),
    )
    .await;
    let api = client(&server, fast_retries());
    let query = fixture::ledger::facade::ReportQuery {
        name: Some("q".into()),
        tags: Some(vec!["a".into(), "b".into()]),
        ..Default::default()
    };
    let found = api.search_reports().with_query(&query).await.unwrap();
    assert_eq!(found.reports[0].name, "q3");
    // The call's setters still apply; the struct's unset fields leave them as they are.
    let call = api.search_reports().year(2026).name("x");
    call.with_query(&query).await.unwrap();
    let received = server.received_requests().await.unwrap();
    let queries: Vec<Vec<(String, String)>> = (received.iter())
        .map(|r| {
            r.url
                .query_pairs()
                .map(|(k, v)| (k.into(), v.into()))
                .collect()
        })
        .collect();
    let pair = |k: &str, v: &str| (k.to_string(), v.to_string());
    assert_eq!(
        queries[0],
        [pair("name", "q"), pair("tags", "a"), pair("tags", "b")]
    );
    assert_eq!(
        queries[1],
        [
            pair("name", "q"),
            pair("tags", "a"),
            pair("tags", "b"),
            pair("year", "2026")
        ]
    );
}

/// A server answering `POST /accounts` 503 twice, then 201 with account `acc_1`.
async fn busy_twice_then_created() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/accounts"))
        .respond_with(ResponseTemplate::new(503).set_body_json(json!({"reason": "busy"})))
        .up_to_n_times(2)
        .mount(&server)
        .await;
    answer(
        &server,
        "POST",
        "/accounts",
        ResponseTemplate::new(201).set_body_json(json!({"id": "acc_1", "currency": "EUR"})),
    )
    .await;
    server
}
