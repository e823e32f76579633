//! The Enfuce rules of the simulator, seen through the facade.

mod common;

use std::time::Duration;

use paysdk::Secret;
use paysdk::enfuce::{self, types};
use paysdk::simulator::{Api, RateLimit, Simulator, SimulatorHandle};

fn client(sim: &SimulatorHandle, attempts: u32) -> enfuce::Client {
    sim.enfuce_client_builder()
        .config(common::fast_config_with(attempts))
        .build()
        .expect("client")
}

fn address() -> types::Address {
    types::Address {
        address1: Some("Mannerheimintie 1".to_string()),
        city: Some("Helsinki".to_string()),
        country: Some("FIN".to_string()),
        zip_code: Some("00100".to_string()),
        ..Default::default()
    }
}

fn private(number: &str) -> enfuce::NewPrivateCustomer {
    enfuce::NewPrivateCustomer {
        additional_values: Vec::new(),
        address: address(),
        birth_country: None,
        customer_number: number.to_string(),
        date_of_birth: None,
        email: None,
        first_name: "Aino".to_string(),
        last_name: "Virtanen".to_string(),
        locale: types::Locale::FiFi,
        middle_name: None,
        mobile_number: None,
        nationality: vec!["FIN".to_string()],
        phone_number: None,
        reg_no: format!("reg-{number}"),
        risk_score: Some(types::RiskScore::Low),
        salutation: None,
        screening: None,
        temporary_address: Some(address()),
    }
}

fn corporate(number: &str) -> enfuce::NewCorporateCustomer {
    enfuce::NewCorporateCustomer {
        additional_values: Vec::new(),
        address: address(),
        customer_number: number.to_string(),
        customer_representative: Some("Mrs Smith".to_string()),
        email: None,
        locale: types::Locale::EnGb,
        mobile_number: None,
        name: "Example Oy".to_string(),
        phone_number: None,
        reg_no: format!("reg-{number}"),
        registration: None,
        risk_score: None,
        screening: None,
        temporary_address: None,
    }
}

async fn create(enfuce: &enfuce::Client, number: &str) -> String {
    enfuce
        .create_private_customer(&private(number))
        .await
        .expect("create")
        .into_inner()
        .id
        .expect("id")
}

#[tokio::test]
async fn customers_and_links_round_trip() {
    let sim = Simulator::start().await.unwrap();
    let enfuce = client(&sim, 3);

    let created = enfuce
        .create_private_customer(&private("C-1"))
        .await
        .unwrap();
    assert_eq!(created.status().as_u16(), 201);
    let alice = created.id.clone().unwrap();
    let corp = enfuce
        .create_corporate_customer(&corporate("C-2"))
        .await
        .unwrap()
        .into_inner()
        .id
        .unwrap();

    let fetched = enfuce.get_customer(&alice).await.unwrap();
    assert_eq!(fetched.role, Some(types::Role::Private));
    assert_eq!(fetched.first_name.as_deref(), Some("Aino"));
    let by_number = enfuce.get_customer_by_number("C-2").await.unwrap();
    assert_eq!(by_number.name.as_deref(), Some("Example Oy"));
    let by_reg = enfuce.get_customer_id_by_reg_no("reg-C-1").await.unwrap();
    assert_eq!(by_reg.id.as_deref(), Some(alice.as_str()));

    let update = enfuce::PrivateCustomerUpdate {
        email: Some("aino@example.com".to_string()),
        ..Default::default()
    };
    enfuce
        .update_private_customer(&alice, &update)
        .await
        .unwrap();
    enfuce
        .delete_temporary_address(types::Role::Private, &alice)
        .await
        .unwrap();
    let fetched = enfuce.get_customer(&alice).await.unwrap();
    assert_eq!(fetched.email.as_deref(), Some("aino@example.com"));
    assert!(fetched.temporary_address.is_none());

    let link = enfuce.create_customer_link(&alice, &corp).await.unwrap();
    assert_eq!(link.status().as_u16(), 201);
    let link_id = link.id.clone().unwrap();
    let links = enfuce.get_customer_links(&alice).await.unwrap();
    assert_eq!(links.len(), 1);
    assert_eq!(links[0].customer_id.as_deref(), Some(corp.as_str()));

    let deleted = enfuce.delete_customer_link(&alice, &link_id).await.unwrap();
    assert_eq!(
        deleted.status().as_u16(),
        201,
        "Enfuce answers a DELETE with 201"
    );
    assert!(enfuce.get_customer_links(&alice).await.unwrap().is_empty());
    let again = enfuce
        .delete_customer_link(&alice, &link_id)
        .await
        .unwrap_err();
    assert!(again.kind().is_not_found());

    // A role that does not match the customer, a taken number: Enfuce's dynamic validation.
    let err = enfuce
        .update_corporate_customer(&alice, &Default::default())
        .await
        .unwrap_err();
    let enfuce::UpdateCorporateCustomerError::BadRequest(body) = err.kind() else {
        panic!("expected 400, got {err:?}");
    };
    assert_eq!(
        body.error_type,
        Some(types::ErrorResponseErrorType::DynamicValidationError)
    );
    let err = enfuce
        .create_private_customer(&private("C-1"))
        .await
        .unwrap_err();
    assert!(err.kind().is_bad_request());
    assert_eq!(sim.stats().snapshot().duplicate_effects, 0);
}

#[tokio::test]
async fn invalid_body_is_a_400_static_validation_error() {
    let sim = Simulator::start().await.unwrap();
    // The spec allows any auditUser, the empty one too; customerNumber has a maxLength of 64.
    let enfuce = client(&sim, 3).with_audit_user("");
    let err = enfuce
        .create_private_customer(&private(&"C".repeat(65)))
        .await
        .unwrap_err();
    let enfuce::CreatePrivateCustomerError::BadRequest(body) = err.kind() else {
        panic!("expected 400, got {err:?}");
    };
    assert_eq!(
        body.error_type,
        Some(types::ErrorResponseErrorType::StaticValidationError)
    );
    assert!(
        body.message
            .as_deref()
            .unwrap_or("")
            .contains("customerNumber")
    );
    // Enfuce's request reference is the error id.
    assert_eq!(
        err.request_ref(),
        body.id.map(|id| id.to_string()).as_deref()
    );
    assert_eq!(err.attempts(), 1, "a 400 is not retried");
    assert!(sim.enfuce_customers().is_empty());

    // An empty auditUser is a valid one: the lookup reaches the (absent) customer.
    let err = enfuce.get_customer("151077912").await.unwrap_err();
    assert!(err.kind().is_not_found());
}

#[tokio::test]
async fn wrong_or_missing_credentials_are_401_and_bearer_works() {
    let sim = Simulator::start().await.unwrap();
    let wrong = enfuce::Client::builder()
        .base_url(sim.enfuce_url())
        .credentials(enfuce::Credentials::basic(
            "sim-enfuce-user",
            Secret::new("wrong"),
        ))
        .audit_user("tests")
        .config(common::fast_config_with(3))
        .build()
        .unwrap();
    let err = wrong.get_customer("151077912").await.unwrap_err();
    let enfuce::GetCustomerError::Unauthorized(body) = err.kind() else {
        panic!("expected 401, got {err:?}");
    };
    assert_eq!(
        body.error_type,
        Some(types::ErrorResponseErrorType::SecurityError)
    );

    let bearer = enfuce::Client::builder()
        .base_url(sim.enfuce_url())
        .credentials(enfuce::Credentials::bearer(Secret::new(
            sim.credentials().enfuce_bearer_token.clone(),
        )))
        .audit_user("tests")
        .build()
        .unwrap();
    assert!(
        bearer
            .get_customer("151077912")
            .await
            .unwrap_err()
            .kind()
            .is_not_found()
    );

    let response = reqwest::Client::new()
        .get(format!("{}/v3/151077912?auditUser=tests", sim.enfuce_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 401);
}

#[tokio::test]
async fn unknown_ids_are_404() {
    let sim = Simulator::start().await.unwrap();
    let enfuce = client(&sim, 1);
    assert!(
        enfuce
            .get_customer("1")
            .await
            .unwrap_err()
            .kind()
            .is_not_found()
    );
    assert!(
        enfuce
            .get_customer_by_number("nobody")
            .await
            .unwrap_err()
            .kind()
            .is_not_found()
    );
    assert!(
        enfuce
            .get_customer_links("1")
            .await
            .unwrap_err()
            .kind()
            .is_not_found()
    );
    let alice = create(&enfuce, "C-1").await;
    let err = enfuce.create_customer_link(&alice, "1").await.unwrap_err();
    assert!(err.kind().is_not_found());
    let err = enfuce
        .delete_customer_link(&alice, "11601")
        .await
        .unwrap_err();
    assert!(err.kind().is_not_found());
}

#[tokio::test]
async fn a_success_is_replayed_for_the_same_key_and_an_error_is_not_kept() {
    let sim = Simulator::start().await.unwrap();
    let enfuce = client(&sim, 1);

    let first = enfuce
        .create_private_customer(&private("C-1"))
        .idempotency_key("create-c1")
        .await
        .unwrap();
    let replay = enfuce
        .create_private_customer(&private("C-1"))
        .idempotency_key("create-c1")
        .await
        .unwrap();
    assert_eq!(replay.id, first.id);
    assert_eq!(sim.stats().effects_for_key("create-c1"), 1);
    assert_eq!(sim.enfuce_customers().len(), 1);

    // An error is not kept: after the 404, the same key is a fresh attempt.
    let alice = first.id.clone().unwrap();
    let bob_id = "151077913";
    let err = enfuce
        .create_customer_link(&alice, bob_id)
        .idempotency_key("link-ab")
        .await
        .unwrap_err();
    assert!(err.kind().is_not_found());
    let bob = create(&enfuce, "C-2").await;
    assert_eq!(bob, bob_id);
    enfuce
        .create_customer_link(&alice, &bob)
        .idempotency_key("link-ab")
        .await
        .unwrap();
    assert_eq!(sim.stats().effects_for_key("link-ab"), 1);

    // Longer than Enfuce's 64 characters: refused before sending.
    let err = enfuce
        .create_private_customer(&private("C-3"))
        .idempotency_key("k".repeat(65))
        .await
        .unwrap_err();
    assert!(matches!(
        err.kind(),
        enfuce::CreatePrivateCustomerError::InvalidRequest(_)
    ));
}

#[tokio::test]
async fn keys_expire_after_the_retention_window() {
    let sim = Simulator::builder()
        .idempotency_ttl(Duration::from_millis(100))
        .start()
        .await
        .unwrap();
    let enfuce = client(&sim, 1);
    let a = create(&enfuce, "C-1").await;
    let b = create(&enfuce, "C-2").await;
    let link = enfuce
        .create_customer_link(&a, &b)
        .idempotency_key("link-key")
        .await
        .unwrap();
    enfuce
        .delete_customer_link(&a, link.id.as_deref().unwrap())
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(150)).await;
    // Past the window the key is new: the link is made again.
    let again = enfuce
        .create_customer_link(&a, &b)
        .idempotency_key("link-key")
        .await
        .unwrap();
    assert_ne!(again.id, link.id);
    assert_eq!(sim.stats().effects_for_key("link-key"), 2);
}

#[tokio::test]
async fn rate_limit_answers_429() {
    let sim = Simulator::builder()
        .rate_limit(Api::Enfuce, RateLimit::new(2, Duration::from_secs(30)))
        .start()
        .await
        .unwrap();
    let enfuce = client(&sim, 2);
    create(&enfuce, "C-1").await;
    create(&enfuce, "C-2").await;
    let err = enfuce.get_customer_by_number("C-1").await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(429));
    // Enfuce sends no wait hint; the facade retried once with its own backoff.
    assert_eq!(err.retry_after(), None);
    assert_eq!(err.attempts(), 2);
    assert!(err.is_retryable());
}

#[tokio::test]
async fn malformed_requests_get_enfuces_400_not_a_crash() {
    let sim = Simulator::start().await.unwrap();
    let http = reqwest::Client::new();
    let url = format!("{}/v3/PRIVATE?auditUser=tests", sim.enfuce_url());
    let creds = sim.credentials().clone();
    let mut missing_last_name = serde_json::to_value(private("C-1")).unwrap();
    missing_last_name
        .as_object_mut()
        .unwrap()
        .remove("lastName");
    let mut bad_locale = serde_json::to_value(private("C-1")).unwrap();
    bad_locale["locale"] = "xx_XX".into();
    let mut bad_number = serde_json::to_value(private("C 1")).unwrap();
    bad_number["customerNumber"] = "9".repeat(65).into();
    for body in [
        "{not json".to_string(),
        "[]".to_string(),
        missing_last_name.to_string(),
        bad_locale.to_string(),
        bad_number.to_string(),
    ] {
        let response = http
            .post(&url)
            .basic_auth(&creds.enfuce_username, Some(&creds.enfuce_password))
            .header("content-type", "application/json")
            .body(body.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 400, "{body}");
        let error: types::ErrorResponse = response.json().await.unwrap();
        assert_eq!(
            error.error_type,
            Some(types::ErrorResponseErrorType::StaticValidationError),
            "{body}"
        );
    }
    let response = http
        .put(format!("{}/v3/PRIVATE?auditUser=tests", sim.enfuce_url()))
        .basic_auth(&creds.enfuce_username, Some(&creds.enfuce_password))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 405);
    assert!(sim.enfuce_customers().is_empty());
    client(&sim, 1).get_customer("1").await.unwrap_err();
}
