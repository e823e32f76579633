//! Every Weavr operation, through the facade, against a loopback server: the exact method,
//! path, query, headers and body sent, and the decoded success body.

mod common;

use common::*;
use paysdk::Secret;
use paysdk::weavr::{self, InstitutionsQuery, types};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn assert_auth(request: &wiremock::Request, with_token: bool) {
    assert_eq!(header(request, "api-key"), Some(WEAVR_API_KEY));
    let bearer = format!("Bearer {WEAVR_TOKEN}");
    if with_token {
        assert_eq!(header(request, "authorization"), Some(bearer.as_str()));
    } else {
        assert!(header(request, "authorization").is_none());
    }
    assert!(header(request, "api-version").is_none());
    // JSON for operations with a body to decode; logout's 204 has none.
    let expected_accept = if request.url.path() == "/v1/logout" {
        "*/*"
    } else {
        "application/json"
    };
    assert_eq!(header(request, "accept"), Some(expected_accept));
}

async fn serve(server: &MockServer, verb: &str, at: &str, status: u16, body: serde_json::Value) {
    Mock::given(method(verb))
        .and(path(at))
        .respond_with(ResponseTemplate::new(status).set_body_json(body))
        .expect(1)
        .mount(server)
        .await;
}

#[tokio::test]
async fn list_linked_accounts() {
    let server = MockServer::start().await;
    let body = json!({"linkedAccounts": [linked_account_json(LINKED_ACCOUNT_ID, "LINKED")], "count": 1, "responseCount": 1});
    serve(&server, "GET", "/v1/linked_accounts", 200, body).await;
    let accounts = weavr_client(&server).list_linked_accounts().await.unwrap();
    assert_eq!(accounts.count, Some(1));
    let account = &accounts.linked_accounts[0];
    assert_eq!(account.id, LINKED_ACCOUNT_ID);
    assert_eq!(account.status, weavr::LinkedAccountStatus::Linked);
    assert_eq!(account.friendly_name.as_deref(), Some("Payroll"));
    assert!(matches!(
        account.account_identification,
        weavr::AccountIdentification::SepaBankDetails { .. }
    ));
    let request = only_request(&server).await;
    assert_eq!(
        (request.method.as_str(), request.url.query()),
        ("GET", None)
    );
    assert_auth(&request, true);
}

#[tokio::test]
async fn get_linked_account_keeps_unknown_status() {
    let server = MockServer::start().await;
    let mut body = linked_account_json(LINKED_ACCOUNT_ID, "FROZEN");
    body["accountIdentification"] = json!({"accountNumber": "12345678", "sortCode": "123456"});
    serve(
        &server,
        "GET",
        &format!("/v1/linked_accounts/{LINKED_ACCOUNT_ID}"),
        200,
        body,
    )
    .await;
    let account = weavr_client(&server)
        .get_linked_account(LINKED_ACCOUNT_ID)
        .await
        .unwrap();
    assert_eq!(
        account.status,
        weavr::LinkedAccountStatus::Unknown("FROZEN".into())
    );
    assert!(matches!(
        account.account_identification,
        weavr::AccountIdentification::FasterPaymentsBankDetails { .. }
    ));
    assert_eq!(account.consent.expires_in, 3600);
    let request = only_request(&server).await;
    assert_auth(&request, true);
    assert!(request.body.is_empty());
}

#[tokio::test]
async fn a_success_keeps_weavrs_request_ref() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/v1/linked_accounts/{LINKED_ACCOUNT_ID}")))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("request-ref", "ref-200")
                .set_body_json(linked_account_json(LINKED_ACCOUNT_ID, "LINKED")),
        )
        .mount(&server)
        .await;
    let client = weavr_client(&server);
    let account = client.get_linked_account(LINKED_ACCOUNT_ID).await.unwrap();
    assert_eq!(account.request_ref(), Some("ref-200"));
    assert!(format!("{account:?}").contains("ref-200"));

    server.reset().await;
    serve(
        &server,
        "GET",
        "/v1/linked_accounts",
        200,
        json!({"linkedAccounts": []}),
    )
    .await;
    let accounts = client.list_linked_accounts().await.unwrap();
    assert_eq!(accounts.request_ref(), None, "no header, no reference");
}

#[tokio::test]
async fn update_linked_account_sends_friendly_name_and_idempotency_ref() {
    let server = MockServer::start().await;
    serve(
        &server,
        "PATCH",
        &format!("/v1/linked_accounts/{LINKED_ACCOUNT_ID}"),
        200,
        linked_account_json(LINKED_ACCOUNT_ID, "LINKED"),
    )
    .await;
    let updated = weavr_client(&server)
        .update_linked_account(LINKED_ACCOUNT_ID, "Payroll")
        .await
        .unwrap();
    let request = only_request(&server).await;
    assert_auth(&request, true);
    let key = header(&request, "idempotency-ref").expect("PATCH declares idempotency-ref");
    assert_eq!(Some(key), updated.idempotency_key());
    assert_eq!(body_json(&request), json!({"friendlyName": "Payroll"}));
}

#[tokio::test]
async fn unlink_linked_account_with_a_caller_key() {
    let server = MockServer::start().await;
    let path = format!("/v1/linked_accounts/{LINKED_ACCOUNT_ID}/unlink");
    serve(
        &server,
        "POST",
        &path,
        200,
        linked_account_json(LINKED_ACCOUNT_ID, "UNLINKED"),
    )
    .await;
    let unlinked = weavr_client(&server)
        .unlink_linked_account(LINKED_ACCOUNT_ID)
        .idempotency_key("unlink-1")
        .await
        .unwrap();
    assert_eq!(unlinked.status, weavr::LinkedAccountStatus::Unlinked);
    assert_eq!(unlinked.idempotency_key(), Some("unlink-1"));
    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "POST");
    assert_auth(&request, true);
    assert_eq!(header(&request, "idempotency-ref"), Some("unlink-1"));
    assert!(request.body.is_empty());
}

#[tokio::test]
async fn login_with_password_stores_the_token() {
    let server = MockServer::start().await;
    let body = json!({"token": "fresh-token-0004", "tokenType": "AUTH", "identity": {"type": "BUYER", "id": "b1"},
                      "credentials": {"type": "USER", "id": "u1"}});
    serve(&server, "POST", "/v1/login_with_password", 200, body).await;
    Mock::given(method("GET"))
        .and(path("/v1/linked_accounts"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"linkedAccounts": []})))
        .mount(&server)
        .await;
    let weavr = weavr::Client::builder()
        .base_url(server.uri())
        .api_key(Secret::new(WEAVR_API_KEY))
        .build()
        .unwrap();
    assert!(!weavr.is_logged_in());
    let token = weavr
        .login_with_password("controller@example.com", Secret::new("tokenised-password"))
        .await
        .unwrap();
    assert_eq!(
        token.token_type,
        Some(types::AcquireAuthTokenResponseTokenType::Auth)
    );
    assert!(weavr.is_logged_in());
    weavr.list_linked_accounts().await.unwrap();

    let requests = server.received_requests().await.unwrap();
    let login = &requests[0];
    assert_eq!(header(login, "api-key"), Some(WEAVR_API_KEY));
    assert!(
        header(login, "authorization").is_none(),
        "login needs the api key only"
    );
    assert!(header(login, "idempotency-ref").is_none());
    assert_eq!(
        body_json(login),
        json!({"email": "controller@example.com", "password": {"value": "tokenised-password"}})
    );
    assert_eq!(
        header(&requests[1], "authorization"),
        Some("Bearer fresh-token-0004")
    );
}

#[tokio::test]
async fn logout_forgets_the_token() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/logout"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let weavr = weavr_client(&server);
    let out = weavr.logout().await.unwrap();
    assert_eq!(out.status().as_u16(), 204);
    assert!(!weavr.is_logged_in());
    let request = only_request(&server).await;
    assert_auth(&request, true);
}

#[tokio::test]
async fn list_institutions_sends_every_filter() {
    let server = MockServer::start().await;
    let body = json!({"institutions": [{"id": "i1", "displayName": "Demo Bank", "countries": ["GB"], "markets": ["EEA"],
                      "currencies": ["GBP"], "images": {"logo": "https://example.com/l.png"}}], "count": 1, "responseCount": 1});
    serve(&server, "GET", "/v1/institutions", 200, body).await;
    let query = InstitutionsQuery {
        country: Some("GB".into()),
        institution_ids: Some(vec!["i1".into(), "i2".into()]),
        institution_name: Some("Demo Bank".into()),
        market: Some(vec![types::GetInstitutionsMarketItem::Eea]),
        offset: Some(0),
        limit: std::num::NonZeroU32::new(10),
    };
    let institutions = weavr_client(&server)
        .list_institutions(&query)
        .await
        .unwrap();
    assert_eq!(institutions.institutions[0].id, "i1");
    let request = only_request(&server).await;
    assert_auth(&request, false);
    let mut pairs: Vec<(String, String)> = request
        .url
        .query_pairs()
        .map(|(k, v)| (k.into(), v.into()))
        .collect();
    pairs.sort();
    assert_eq!(
        pairs,
        vec![
            ("country".into(), "GB".into()),
            ("institutionIds".into(), "i1".into()),
            ("institutionIds".into(), "i2".into()),
            ("institutionName".into(), "Demo Bank".into()),
            ("limit".into(), "10".into()),
            ("market".into(), "EEA".into()),
            ("offset".into(), "0".into()),
        ]
    );
}

#[tokio::test]
async fn simulate_linked_account() {
    let server = MockServer::start().await;
    let mut body = linked_account_json(LINKED_ACCOUNT_ID, "LINKED");
    body["createdAt"] = json!("2026-11-01T10:00:00Z");
    serve(&server, "POST", "/simulate/v1/linked_accounts", 201, body).await;
    let account = weavr::AccountIdentification::FasterPaymentsBankDetails {
        account_number: "12345678".into(),
        sort_code: "123456".into(),
        secondary_reference: None,
    };
    let created = weavr_client(&server)
        .simulate_linked_account("buyer-1", account)
        .await
        .unwrap();
    assert_eq!(created.status().as_u16(), 201);
    assert_eq!(created.id, LINKED_ACCOUNT_ID);
    let request = only_request(&server).await;
    assert_auth(&request, false);
    assert_eq!(
        body_json(&request),
        json!({"buyerId": "buyer-1", "accountIdentification": {"accountNumber": "12345678", "sortCode": "123456"}, "currency": "GBP"})
    );
}

/// The full-body method stays beside the shortcut: every field the spec allows can be sent.
#[tokio::test]
async fn simulate_linked_account_with_body() {
    let server = MockServer::start().await;
    let body = linked_account_json(LINKED_ACCOUNT_ID, "LINKED");
    serve(&server, "POST", "/simulate/v1/linked_accounts", 201, body).await;
    let request_body = types::PostLinkedAccountsBody {
        buyer_id: "buyer-1".into(),
        account_identification: weavr::AccountIdentification::FasterPaymentsBankDetails {
            account_number: "12345678".into(),
            sort_code: "123456".into(),
            secondary_reference: None,
        },
        created_by: Some("user-7".into()),
        currency: types::PostLinkedAccountsBodyCurrency::Eur,
        institution_id: Some("inst-1".into()),
    };
    let created = weavr_client(&server)
        .simulate_linked_account_with_body(&request_body)
        .await
        .unwrap();
    assert_eq!(created.id, LINKED_ACCOUNT_ID);
    assert_eq!(
        body_json(&only_request(&server).await),
        json!({"buyerId": "buyer-1", "accountIdentification": {"accountNumber": "12345678", "sortCode": "123456"},
               "createdBy": "user-7", "currency": "EUR", "institutionId": "inst-1"})
    );
}

#[test]
fn sandbox_comes_from_the_spec() {
    assert_eq!(
        weavr::Environment::Sandbox.base_url(),
        "https://sandbox.weavr.io/payment-run"
    );
}
