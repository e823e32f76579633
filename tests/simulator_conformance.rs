//! The simulator against its own specs: each non-conformance Schemathesis found
//! (`scripts/schemathesis`) as a regression test on raw HTTP, so the facade's own checks
//! cannot hide it.

use paysdk::simulator::{Simulator, SimulatorHandle};
use reqwest::{Client, Method, StatusCode};

/// A plain reqwest client; reqwest is built without a default TLS provider, so one is
/// installed as paysdk does.
fn http() -> Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    Client::new()
}

fn enfuce_basic(sim: &SimulatorHandle) -> (String, Option<String>) {
    let creds = sim.credentials();
    (
        creds.enfuce_username.clone(),
        Some(creds.enfuce_password.clone()),
    )
}

async fn enfuce(sim: &SimulatorHandle, method: Method, path_and_query: &str) -> reqwest::Response {
    let (user, password) = enfuce_basic(sim);
    http()
        .request(method, format!("{}{path_and_query}", sim.enfuce_url()))
        .basic_auth(user, password)
        .send()
        .await
        .expect("simulator answers")
}

/// A Weavr user token, from `login_with_password`.
async fn weavr_token(sim: &SimulatorHandle) -> String {
    let creds = sim.credentials();
    let user = &creds.weavr_users[0];
    let response = http()
        .post(format!("{}/v1/login_with_password", sim.weavr_url()))
        .header("api-key", &creds.weavr_api_key)
        .json(&serde_json::json!({ "email": user.email, "password": { "value": user.password } }))
        .send()
        .await
        .expect("simulator answers");
    assert_eq!(response.status(), StatusCode::OK);
    let body: serde_json::Value = response.json().await.expect("login body");
    body["token"].as_str().expect("token").to_string()
}

async fn weavr(
    sim: &SimulatorHandle,
    method: Method,
    path_and_query: &str,
    body: Option<serde_json::Value>,
) -> reqwest::Response {
    let token = weavr_token(sim).await;
    let mut request = http()
        .request(method, format!("{}{path_and_query}", sim.weavr_url()))
        .header("api-key", &sim.credentials().weavr_api_key)
        .bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    request.send().await.expect("simulator answers")
}

fn allow(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get("allow")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

// Schemathesis ST202 on every Enfuce operation: the spec's auditUser is any string, so an
// empty one is valid. Fixed in the simulator (the spec is the vendor's).
#[tokio::test]
async fn enfuce_accepts_an_empty_audit_user() {
    let sim = Simulator::start().await.unwrap();
    let response = enfuce(&sim, Method::GET, "/v3/151077912?auditUser=").await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    // Still required: no auditUser at all is a 400.
    let response = enfuce(&sim, Method::GET, "/v3/151077912").await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
}

// Schemathesis ST204: a 405 must say which methods the resource has (RFC 9110 15.5.6).
#[tokio::test]
async fn enfuce_405_lists_the_allowed_methods() {
    let sim = Simulator::start().await.unwrap();
    for (path, expected) in [
        ("/v3/1?auditUser=a", "GET"),
        ("/v3/1/link?auditUser=a", "GET, POST"),
        ("/v3/1/link/2?auditUser=a", "DELETE"),
        ("/v3/PRIVATE/1?auditUser=a", "PATCH"),
        ("/v3/regNo/1/id?auditUser=a", "GET"),
        (
            "/v3/PRIVATE/1/update/DELETE_TEMPORARY_ADDRESS?auditUser=a",
            "POST",
        ),
    ] {
        let response = enfuce(&sim, Method::TRACE, path).await;
        assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED, "{path}");
        assert_eq!(allow(&response).as_deref(), Some(expected), "{path}");
    }
}

// Schemathesis ST205: OpenAPI matches concrete paths before templated ones, so
// `/v3/PRIVATE` is the resource `POST /v3/PRIVATE` alone, whatever the method, and its `Allow`
// is `POST` (not `GET, POST` from `GET /v3/{id}`).
#[tokio::test]
async fn enfuce_concrete_paths_match_first() {
    let sim = Simulator::start().await.unwrap();
    for method in [Method::GET, Method::OPTIONS] {
        let response = enfuce(&sim, method, "/v3/PRIVATE?auditUser=a").await;
        assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(allow(&response).as_deref(), Some("POST"));
    }
}

async fn enfuce_json(
    sim: &SimulatorHandle,
    method: Method,
    path_and_query: &str,
    body: serde_json::Value,
) -> reqwest::Response {
    let (user, password) = enfuce_basic(sim);
    http()
        .request(method, format!("{}{path_and_query}", sim.enfuce_url()))
        .basic_auth(user, password)
        .json(&body)
        .send()
        .await
        .expect("simulator answers")
}

// Schemathesis ST202: the spec bounds customerNumber, regNo and names by maxLength only (64
// on create, 32 on update for the numbers) and sets no pattern; the simulator demanded
// `[A-Za-z0-9-]{1,64}` and non-empty names, from the vendor's prose rather than its spec.
// Fixed in the simulator.
#[tokio::test]
async fn enfuce_field_bounds_are_the_specs() {
    let sim = Simulator::start().await.unwrap();
    let private = serde_json::json!({
        "customerNumber": "", "locale": "af_ZA", "regNo": "", "address": {},
        "firstName": "", "lastName": "",
    });
    let response = enfuce_json(&sim, Method::POST, "/v3/PRIVATE?auditUser=", private).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let id: serde_json::Value = response.json().await.unwrap();
    let id = id["id"].as_str().unwrap().to_string();
    let corporate = serde_json::json!({
        "customerNumber": "a b/ä", "locale": "af_ZA", "regNo": "", "address": {}, "name": "",
    });
    let response = enfuce_json(&sim, Method::POST, "/v3/CORPORATE?auditUser=", corporate).await;
    assert_eq!(response.status(), StatusCode::CREATED);

    let long = |n: usize| "x".repeat(n);
    let too_long = serde_json::json!({
        "customerNumber": long(65), "locale": "af_ZA", "regNo": "r", "address": {},
        "firstName": "f", "lastName": "l",
    });
    let response = enfuce_json(&sim, Method::POST, "/v3/PRIVATE?auditUser=", too_long).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);

    let path = format!("/v3/PRIVATE/{id}?auditUser=");
    let update = serde_json::json!({ "customerNumber": long(32), "firstName": long(300) });
    let response = enfuce_json(&sim, Method::PATCH, &path, update).await;
    assert_eq!(response.status(), StatusCode::OK);
    let update = serde_json::json!({ "customerNumber": long(33) });
    let response = enfuce_json(&sim, Method::PATCH, &path, update).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let update = serde_json::json!({ "regNo": long(33) });
    let response = enfuce_json(&sim, Method::PATCH, &path, update).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);

    // customerId is any string: an empty one names no customer (404), it is not malformed.
    let link = serde_json::json!({ "type": "CUSTOMER_LINK", "customerId": "" });
    let response = enfuce_json(
        &sim,
        Method::POST,
        &format!("/v3/{id}/link?auditUser="),
        link,
    )
    .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn weavr_405_lists_the_allowed_methods() {
    let sim = Simulator::start().await.unwrap();
    for (path, expected) in [
        ("/v1/logout", "POST"),
        ("/v1/login_with_password", "POST"),
        ("/v1/linked_accounts", "GET"),
        ("/v1/linked_accounts/652d25b73541d8084a88a38d", "GET, PATCH"),
        (
            "/v1/linked_accounts/652d25b73541d8084a88a38d/unlink",
            "POST",
        ),
        ("/v1/institutions", "GET"),
        ("/simulate/v1/linked_accounts", "POST"),
    ] {
        let response = weavr(&sim, Method::TRACE, path, None).await;
        assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED, "{path}");
        assert_eq!(allow(&response).as_deref(), Some(expected), "{path}");
    }
}

// Schemathesis ST202: `buyerId` is any string, so an empty one is valid input; it names no
// buyer, which the spec answers with 409 BUYER_ID_INVALID. Fixed in the simulator.
#[tokio::test]
async fn weavr_empty_buyer_id_is_an_unknown_buyer_not_a_400() {
    let sim = Simulator::start().await.unwrap();
    let body = serde_json::json!({
        "buyerId": "",
        "accountIdentification": { "accountNumber": "00000000", "sortCode": "000000" },
    });
    let response = weavr(
        &sim,
        Method::POST,
        "/simulate/v1/linked_accounts",
        Some(body),
    )
    .await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["errorCode"], "BUYER_ID_INVALID");
}

// Schemathesis ST202: `password.value` has no minLength; an empty password is a wrong
// password (401), not a malformed request. Fixed in the simulator.
#[tokio::test]
async fn weavr_empty_password_is_a_failed_login_not_a_400() {
    let sim = Simulator::start().await.unwrap();
    let response = http()
        .post(format!("{}/v1/login_with_password", sim.weavr_url()))
        .header("api-key", &sim.credentials().weavr_api_key)
        .json(&serde_json::json!({ "email": "0@0.com", "password": { "value": "" } }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

// Schemathesis ST201: `offset` and `limit` are int32; 2^31 is out of range and must be a 400.
// Fixed in the simulator.
#[tokio::test]
async fn weavr_institution_paging_is_int32() {
    let sim = Simulator::start().await.unwrap();
    for (query, status) in [
        ("offset=2147483648", StatusCode::BAD_REQUEST),
        ("limit=2147483648", StatusCode::BAD_REQUEST),
        ("offset=-1", StatusCode::BAD_REQUEST),
        ("limit=0", StatusCode::BAD_REQUEST),
        ("offset=2147483647", StatusCode::OK),
        ("limit=2147483647", StatusCode::OK),
    ] {
        let path = format!("/v1/institutions?{query}");
        let response = weavr(&sim, Method::GET, &path, None).await;
        assert_eq!(response.status(), status, "{query}");
    }
}

async fn simulate_account(sim: &SimulatorHandle, ident: serde_json::Value) -> reqwest::Response {
    let body =
        serde_json::json!({ "buyerId": sim.weavr_buyer_id(), "accountIdentification": ident });
    weavr(
        sim,
        Method::POST,
        "/simulate/v1/linked_accounts",
        Some(body),
    )
    .await
}

// Schemathesis ST202 (stateful phase): `accountIdentification` is a oneOf without
// `additionalProperties: false`, so valid Faster Payments details with a stray, invalid
// `iban` match exactly one branch and are valid. The simulator judged by `iban` alone.
// Fixed in the simulator: valid when exactly one branch matches, and the account is made
// from the branch that matched.
#[tokio::test]
async fn weavr_account_identification_is_one_of() {
    let sim = Simulator::start().await.unwrap();
    let faster_with_stray_iban = serde_json::json!({
        "accountNumber": "12345678", "sortCode": "040004", "iban": "not an iban",
    });
    let response = simulate_account(&sim, faster_with_stray_iban).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["currency"], "GBP");

    // SEPA with stray, invalid Faster Payments fields: the SEPA branch alone matches.
    let sepa_with_stray_number = serde_json::json!({
        "iban": "DE89370400440532013000", "accountNumber": "x", "sortCode": "y",
    });
    let response = simulate_account(&sim, sepa_with_stray_number).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["currency"], "EUR");

    // Both branches match: not exactly one, so invalid.
    let both = serde_json::json!({
        "accountNumber": "12345678", "sortCode": "040004", "iban": "DE89370400440532013000",
    });
    assert_eq!(
        simulate_account(&sim, both).await.status(),
        StatusCode::BAD_REQUEST
    );
    // Neither matches.
    let neither = serde_json::json!({ "accountNumber": "1234", "sortCode": "040004" });
    assert_eq!(
        simulate_account(&sim, neither).await.status(),
        StatusCode::BAD_REQUEST
    );
    let bad_bic =
        serde_json::json!({ "iban": "DE89370400440532013000", "bankIdentifierCode": "12345678" });
    assert_eq!(
        simulate_account(&sim, bad_bic).await.status(),
        StatusCode::BAD_REQUEST
    );
}

// Schemathesis ST201: `market` items are the enum [EEA]; other values must be a 400, and the
// filter must apply. Fixed in the simulator, which ignored the parameter.
#[tokio::test]
async fn weavr_institution_market_is_an_enum_and_filters() {
    let sim = Simulator::start().await.unwrap();
    let response = weavr(&sim, Method::GET, "/v1/institutions?market=MOON", None).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let response = weavr(
        &sim,
        Method::GET,
        "/v1/institutions?market=EEA&market=",
        None,
    )
    .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let response = weavr(&sim, Method::GET, "/v1/institutions?market=EEA", None).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: serde_json::Value = response.json().await.unwrap();
    let institutions = body["institutions"].as_array().unwrap();
    assert!(!institutions.is_empty());
    assert!(
        institutions
            .iter()
            .all(|i| i["markets"] == serde_json::json!(["EEA"]))
    );
}

// Schemathesis ST201: the simulator read bodies through the generated types, which are
// lenient on purpose (numbers taken for strings, open enums), so `customerNumber: 123` and
// `riskScore: 5` were accepted. The spec declares strings; fixed in the simulator, which now
// rejects a body whose JSON types differ from the spec's (and nulls: nothing is nullable).
#[tokio::test]
async fn request_bodies_are_type_checked_strictly() {
    let sim = Simulator::start().await.unwrap();
    let private = |field: &str, value: serde_json::Value| {
        let mut body = serde_json::json!({
            "customerNumber": "n", "locale": "af_ZA", "regNo": "r", "address": {},
            "firstName": "f", "lastName": "l",
        });
        body[field] = value;
        body
    };
    for (field, value) in [
        ("customerNumber", serde_json::json!(123)),
        ("riskScore", serde_json::json!(5)),
        ("email", serde_json::Value::Null),
        ("address", serde_json::json!({ "city": 7 })),
        ("nationality", serde_json::json!(["FIN", 1])),
    ] {
        let body = private(field, value.clone());
        let response = enfuce_json(&sim, Method::POST, "/v3/PRIVATE?auditUser=", body).await;
        assert_eq!(
            response.status(),
            StatusCode::BAD_REQUEST,
            "{field}: {value}"
        );
    }
    // Unknown properties stay allowed (no additionalProperties: false).
    let body = private("somethingElse", serde_json::json!({ "x": [1, null] }));
    let response = enfuce_json(&sim, Method::POST, "/v3/PRIVATE?auditUser=", body).await;
    assert_eq!(response.status(), StatusCode::CREATED);

    let body = serde_json::json!({
        "buyerId": sim.weavr_buyer_id(), "institutionId": 5,
        "accountIdentification": { "accountNumber": "12345678", "sortCode": "040004" },
    });
    let response = weavr(
        &sim,
        Method::POST,
        "/simulate/v1/linked_accounts",
        Some(body),
    )
    .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
}
