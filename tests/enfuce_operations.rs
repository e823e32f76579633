//! Every Enfuce operation, through the facade, against a loopback server: the exact method,
//! path, query, headers and body sent, and the decoded success body.

mod common;

use common::*;
use paysdk::enfuce::{self, types};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const RESOURCE: &str = r#"{"description": "done", "id": 151077912}"#;

/// Headers every Enfuce request carries; `keyed` for POST and PATCH.
fn assert_common_headers(request: &wiremock::Request, keyed: bool) {
    assert_eq!(
        header(request, "authorization"),
        Some(enfuce_basic_header().as_str())
    );
    assert_eq!(header(request, "accept"), Some("application/json"));
    assert!(
        header(request, "api-version").is_none(),
        "progenitor's api-version header is removed"
    );
    let key = header(request, "x-idempotency-key");
    if keyed {
        let key = key.expect("POST and PATCH carry x-idempotency-key");
        assert!(uuid::Uuid::parse_str(key).is_ok() && key.len() <= 64);
    } else {
        assert!(key.is_none());
    }
}

fn query(request: &wiremock::Request) -> Vec<(String, String)> {
    request
        .url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

async fn serve(server: &MockServer, verb: &str, at: &str, status: u16, body: &str) {
    Mock::given(method(verb))
        .and(path(at))
        .respond_with(
            ResponseTemplate::new(status).set_body_raw(body.to_string(), "application/json"),
        )
        .expect(1)
        .mount(server)
        .await;
}

#[tokio::test]
async fn get_customer_decodes_numeric_ids_and_percent_encodes_the_path() {
    let server = MockServer::start().await;
    let body = json!({
        "id": 151077912, "customerNumber": "C-1", "locale": "af_ZA", "role": "CORPORATE",
        "name": "Acme Oy", "address": {"address1": "Street 1", "city": "Helsinki", "country": "FIN", "zipCode": 22100},
        "screening": {"status": true}, "registration": {"authority": "PRH", "registrationDate": "2020-01-02"}
    });
    Mock::given(method("GET"))
        .and(path("/v3/a%2Fb%20c%25d"))
        .respond_with(ResponseTemplate::new(200).set_body_json(&body))
        .expect(1)
        .mount(&server)
        .await;
    let customer = enfuce_client(&server)
        .get_customer("a/b c%d")
        .await
        .unwrap();
    assert_eq!(customer.id.as_deref(), Some("151077912"));
    assert_eq!(customer.customer_number, "C-1");
    assert_eq!(customer.locale, types::Locale::AfZa);
    assert_eq!(customer.role, Some(types::Role::Corporate));
    let address = customer.address.as_ref().unwrap();
    assert_eq!(address.zip_code.as_deref(), Some("22100"));
    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "GET");
    assert_eq!(request.url.path(), "/v3/a%2Fb%20c%25d");
    assert_eq!(
        query(&request),
        vec![("auditUser".into(), AUDIT_USER.into())]
    );
    assert_common_headers(&request, false);
    assert!(request.body.is_empty());
}

#[tokio::test]
async fn unknown_enum_values_decode_and_keep_the_raw_value() {
    let server = MockServer::start().await;
    let body =
        json!({"customerNumber": "C-2", "locale": "xx_NEW", "role": "PRIVATE", "firstName": "Ada"});
    serve(
        &server,
        "GET",
        "/v3/customerNumber/C-2",
        200,
        &body.to_string(),
    )
    .await;
    let customer = enfuce_client(&server)
        .get_customer_by_number("C-2")
        .await
        .unwrap();
    assert_eq!(customer.locale, types::Locale::Unknown("xx_NEW".into()));
    assert!(customer.locale.is_unknown());
    assert_eq!(customer.locale.to_string(), "xx_NEW");
    assert_eq!(customer.first_name.as_deref(), Some("Ada"));
    let request = only_request(&server).await;
    assert_eq!(
        (request.method.as_str(), request.url.path()),
        ("GET", "/v3/customerNumber/C-2")
    );
    assert_eq!(
        query(&request),
        vec![("auditUser".into(), AUDIT_USER.into())]
    );
    assert_common_headers(&request, false);
}

#[tokio::test]
async fn get_customer_id_by_reg_no() {
    let server = MockServer::start().await;
    serve(
        &server,
        "GET",
        "/v3/regNo/010101-123N/id",
        200,
        r#"{"id": "151077912"}"#,
    )
    .await;
    let id = enfuce_client(&server)
        .get_customer_id_by_reg_no("010101-123N")
        .await
        .unwrap();
    assert_eq!(id.id.as_deref(), Some("151077912"));
    let request = only_request(&server).await;
    assert_eq!(
        query(&request),
        vec![("auditUser".into(), AUDIT_USER.into())]
    );
    assert_common_headers(&request, false);
}

fn address() -> types::Address {
    types::Address {
        address1: Some("Street 1".into()),
        city: Some("Helsinki".into()),
        country: Some("FIN".into()),
        zip_code: Some("00100".into()),
        ..Default::default()
    }
}

#[tokio::test]
async fn create_private_customer_sends_the_body_and_a_key() {
    let server = MockServer::start().await;
    serve(&server, "POST", "/v3/PRIVATE", 201, RESOURCE).await;
    let customer = types::CreatePrivateCustomer {
        customer_number: "C-3".into(),
        locale: types::Locale::FiFi,
        reg_no: "010101-123N".into(),
        address: address(),
        first_name: "Aino".into(),
        last_name: "Virtanen".into(),
        date_of_birth: Some("1990-01-02".parse().unwrap()),
        nationality: vec!["FIN".into()],
        risk_score: Some(types::RiskScore::Low),
        additional_values: vec![],
        birth_country: None,
        email: None,
        middle_name: None,
        mobile_number: None,
        phone_number: None,
        salutation: None,
        screening: None,
        temporary_address: None,
    };
    let client = enfuce_client(&server);
    let created = client.create_private_customer(&customer).await.unwrap();
    assert_eq!(
        (created.status().as_u16(), created.id.as_deref()),
        (201, Some("151077912"))
    );
    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "POST");
    assert_eq!(
        query(&request),
        vec![("auditUser".into(), AUDIT_USER.into())]
    );
    assert_common_headers(&request, true);
    assert_eq!(
        header(&request, "x-idempotency-key"),
        created.idempotency_key()
    );
    assert_eq!(header(&request, "content-type"), Some("application/json"));
    assert_eq!(
        body_json(&request),
        json!({
            "customerNumber": "C-3", "locale": "fi_FI", "regNo": "010101-123N",
            "address": {"address1": "Street 1", "city": "Helsinki", "country": "FIN", "zipCode": "00100"},
            "firstName": "Aino", "lastName": "Virtanen", "dateOfBirth": "1990-01-02",
            "nationality": ["FIN"], "riskScore": "Low"
        })
    );
}

#[tokio::test]
async fn create_corporate_customer_accepts_200_and_a_caller_key() {
    let server = MockServer::start().await;
    serve(&server, "POST", "/v3/CORPORATE", 200, RESOURCE).await;
    let customer = types::CreateCorporateCustomer {
        customer_number: "C-4".into(),
        locale: types::Locale::EnGb,
        reg_no: "1234567-8".into(),
        address: address(),
        name: "Acme Oy".into(),
        registration: Some(types::Registration {
            authority: Some("PRH".into()),
            registration_date: Some("2020-01-02".parse().unwrap()),
        }),
        additional_values: vec![],
        customer_representative: None,
        email: None,
        mobile_number: None,
        phone_number: None,
        risk_score: None,
        screening: None,
        temporary_address: None,
    };
    let created = enfuce_client(&server)
        .with_audit_user("other-auditor")
        .create_corporate_customer(&customer)
        .idempotency_key("order-42")
        .await
        .unwrap();
    assert_eq!(created.idempotency_key(), Some("order-42"));
    let request = only_request(&server).await;
    assert_eq!(
        query(&request),
        vec![("auditUser".into(), "other-auditor".into())]
    );
    assert_eq!(header(&request, "x-idempotency-key"), Some("order-42"));
    assert_eq!(
        body_json(&request),
        json!({
            "customerNumber": "C-4", "locale": "en_GB", "regNo": "1234567-8", "name": "Acme Oy",
            "address": {"address1": "Street 1", "city": "Helsinki", "country": "FIN", "zipCode": "00100"},
            "registration": {"authority": "PRH", "registrationDate": "2020-01-02"}
        })
    );
}

#[tokio::test]
async fn a_key_longer_than_enfuce_allows_is_refused_before_sending() {
    let server = MockServer::start().await;
    let changes = types::UpdatePrivateCustomer::default();
    let err = enfuce_client(&server)
        .update_private_customer("1", &changes)
        .idempotency_key("k".repeat(65))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err.kind(),
            enfuce::UpdatePrivateCustomerError::InvalidRequest(_)
        ),
        "{err:?}"
    );
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn update_private_customer() {
    let server = MockServer::start().await;
    serve(&server, "PATCH", "/v3/PRIVATE/151077912", 200, RESOURCE).await;
    let changes = types::UpdatePrivateCustomer {
        email: Some("aino@example.com".into()),
        deceased_date: Some("2024-05-06".parse().unwrap()),
        ..Default::default()
    };
    let updated = enfuce_client(&server)
        .update_private_customer("151077912", &changes)
        .await
        .unwrap();
    assert_eq!(updated.description.as_deref(), Some("done"));
    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "PATCH");
    assert_common_headers(&request, true);
    assert_eq!(
        body_json(&request),
        json!({"email": "aino@example.com", "deceasedDate": "2024-05-06"})
    );
}

#[tokio::test]
async fn update_corporate_customer() {
    let server = MockServer::start().await;
    serve(&server, "PATCH", "/v3/CORPORATE/151077912", 200, RESOURCE).await;
    let changes = types::UpdateCorporateCustomer {
        name: Some("Acme Group Oy".into()),
        locale: Some(types::Locale::SvFi),
        ..Default::default()
    };
    enfuce_client(&server)
        .update_corporate_customer("151077912", &changes)
        .await
        .unwrap();
    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "PATCH");
    assert_common_headers(&request, true);
    assert_eq!(
        body_json(&request),
        json!({"name": "Acme Group Oy", "locale": "sv_FI"})
    );
}

#[tokio::test]
async fn delete_temporary_address() {
    let server = MockServer::start().await;
    serve(
        &server,
        "POST",
        "/v3/PRIVATE/151077912/update/DELETE_TEMPORARY_ADDRESS",
        200,
        RESOURCE,
    )
    .await;
    enfuce_client(&server)
        .delete_temporary_address(types::Role::Private, "151077912")
        .await
        .unwrap();
    let request = only_request(&server).await;
    assert_eq!(
        query(&request),
        vec![("auditUser".into(), AUDIT_USER.into())]
    );
    assert_common_headers(&request, true);
    assert_eq!(body_json(&request), json!({}));
}

#[tokio::test]
async fn get_customer_links_decodes_numbers_as_strings() {
    let server = MockServer::start().await;
    serve(
        &server,
        "GET",
        "/v3/151077912/link",
        200,
        r#"[{"customerId":5123465,"type":"CUSTOMER_LINK","id":11601}]"#,
    )
    .await;
    let links = enfuce_client(&server)
        .get_customer_links("151077912")
        .await
        .unwrap();
    assert_eq!(links.len(), 1);
    assert_eq!(links[0].customer_id.as_deref(), Some("5123465"));
    assert_eq!(links[0].id.as_deref(), Some("11601"));
    assert_eq!(
        links[0].type_,
        Some(types::LinkedCustomerType::CustomerLink)
    );
    let request = only_request(&server).await;
    assert_common_headers(&request, false);
}

#[tokio::test]
async fn create_customer_link() {
    let server = MockServer::start().await;
    serve(
        &server,
        "POST",
        "/v3/151077912/link",
        201,
        r#"{"description":"linked","id":"11601"}"#,
    )
    .await;
    let link = enfuce_client(&server)
        .create_customer_link("151077912", "5123465")
        .await
        .unwrap();
    assert_eq!(link.id.as_deref(), Some("11601"));
    let request = only_request(&server).await;
    assert_common_headers(&request, true);
    assert_eq!(
        body_json(&request),
        json!({"customerId": "5123465", "type": "CUSTOMER_LINK"})
    );
}

#[tokio::test]
async fn delete_customer_link_answers_201() {
    let server = MockServer::start().await;
    serve(
        &server,
        "DELETE",
        "/v3/151077912/link/11601",
        201,
        r#"{"description":"deleted","id":"11601"}"#,
    )
    .await;
    let deleted = enfuce_client(&server)
        .delete_customer_link("151077912", "11601")
        .await
        .unwrap();
    assert_eq!(
        (deleted.status().as_u16(), deleted.description.as_deref()),
        (201, Some("deleted"))
    );
    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "DELETE");
    assert_eq!(
        query(&request),
        vec![("auditUser".into(), AUDIT_USER.into())]
    );
    assert_common_headers(&request, false);
}

#[test]
fn environments_come_from_the_spec_servers() {
    assert_eq!(
        enfuce::Environment::cat2("demo", "test").base_url(),
        "https://integration-api-cat2.demo.ext.test.cia.enfuce.com/customer"
    );
    assert_eq!(
        enfuce::Environment::Live.base_url(),
        "https://integration-api-cat2.live.ext.prod.cia.enfuce.com/customer"
    );
    assert_eq!(
        enfuce::Environment::Custom("http://127.0.0.1:9/".into()).base_url(),
        "http://127.0.0.1:9"
    );
}
