//! The Weavr rules of the simulator, seen through the facade.

mod common;

use std::time::Duration;

use paysdk::simulator::{Api, Fault, RateLimit, Simulator, SimulatorHandle, Target};
use paysdk::weavr::{self, types};
use paysdk::{ClientConfig, RetryConfig, Secret};

fn client(sim: &SimulatorHandle, attempts: u32) -> weavr::Client {
    sim.weavr_client_builder()
        .config(common::fast_config_with(attempts))
        .build()
        .expect("client")
}

fn faster_payments(number: &str) -> types::AccountIdentification {
    types::AccountIdentification::FasterPaymentsBankDetails {
        account_number: number.to_string(),
        sort_code: "040004".to_string(),
        secondary_reference: None,
    }
}

/// A linked account of the simulator's buyer, made with the sandbox call.
async fn linked_account(sim: &SimulatorHandle, weavr: &weavr::Client, number: &str) -> String {
    weavr
        .simulate_linked_account(sim.weavr_buyer_id(), faster_payments(number))
        .await
        .expect("sandbox create")
        .into_inner()
        .id
}

fn conflict_code(e: &paysdk::Error<weavr::UnlinkLinkedAccountError>) -> Option<String> {
    match e.kind() {
        weavr::UnlinkLinkedAccountError::Conflict(body) => {
            body.error_code.as_ref().map(|c| c.as_str().to_string())
        }
        _ => None,
    }
}

#[tokio::test]
async fn login_list_unlink_and_unlink_again_is_a_typed_409() {
    let sim = Simulator::start().await.unwrap();
    let weavr = client(&sim, 3);

    let created = weavr
        .simulate_linked_account(sim.weavr_buyer_id(), faster_payments("12345678"))
        .await
        .unwrap();
    assert_eq!(created.status().as_u16(), 201);
    assert!(created.created_at.is_some());
    linked_account(&sim, &weavr, "87654321").await;

    let list = weavr.list_linked_accounts().await.unwrap();
    assert!(weavr.is_logged_in());
    assert_eq!(list.linked_accounts.len(), 2);
    assert_eq!(list.count, Some(2));

    let id = created.id.clone();
    let unlinked = weavr.unlink_linked_account(&id).await.unwrap();
    assert_eq!(unlinked.status, weavr::LinkedAccountStatus::Unlinked);
    assert!(unlinked.idempotency_key().is_some());

    let again = weavr.unlink_linked_account(&id).await.unwrap_err();
    assert_eq!(again.status().map(|s| s.as_u16()), Some(409));
    assert_eq!(
        conflict_code(&again).as_deref(),
        Some("LINKED_ACCOUNT_INVALID_STATE")
    );
    assert!(!again.is_retryable());
    assert_eq!(again.attempts(), 1);

    // Unlinked accounts are still listed.
    let fetched = weavr.get_linked_account(&id).await.unwrap();
    assert_eq!(fetched.status, weavr::LinkedAccountStatus::Unlinked);
    assert_eq!(sim.stats().snapshot().duplicate_effects, 0);
}

#[tokio::test]
async fn an_id_that_is_not_24_hex_characters_is_a_400_with_syntax_errors() {
    let sim = Simulator::start().await.unwrap();
    let weavr = client(&sim, 1);
    for id in [
        "42",
        "652d25b73541d8084a88a38z",
        "652d25b73541d8084a88a38d0",
    ] {
        let err = weavr.get_linked_account(id).await.unwrap_err();
        let weavr::GetLinkedAccountError::BadRequest(body) = err.kind() else {
            panic!("{id}: expected 400, got {err:?}");
        };
        let field = &body.syntax_errors.as_ref().unwrap().invalid_fields[0];
        assert_eq!(field.field_name.as_deref(), Some("linked_account_id"));
        assert_eq!(field.error.as_ref().map(|e| e.as_str()), Some("REGEX"));
        assert!(err.request_ref().is_some(), "400s carry request-ref");
    }
    let err = weavr.unlink_linked_account("not-an-id").await.unwrap_err();
    assert!(err.kind().is_bad_request());
}

#[tokio::test]
async fn unknown_ids_are_404() {
    let sim = Simulator::start().await.unwrap();
    let weavr = client(&sim, 1);
    let err = weavr
        .get_linked_account("652d25b73541d8084a88a38d")
        .await
        .unwrap_err();
    assert!(err.kind().is_not_found(), "{err:?}");
    let err = weavr
        .unlink_linked_account("652d25b73541d8084a88a38d")
        .await
        .unwrap_err();
    assert!(err.kind().is_not_found(), "{err:?}");
}

#[tokio::test]
async fn wrong_or_missing_credentials_are_401() {
    let sim = Simulator::start().await.unwrap();

    let wrong_key = weavr::Client::builder()
        .base_url(sim.weavr_url())
        .api_key(Secret::new("not-the-key"))
        .config(common::fast_config_with(1))
        .build()
        .unwrap();
    let err = wrong_key
        .simulate_linked_account(sim.weavr_buyer_id(), faster_payments("12345678"))
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));

    let wrong_password = weavr::Client::builder()
        .base_url(sim.weavr_url())
        .api_key(Secret::new(sim.credentials().weavr_api_key.clone()))
        .config(common::fast_config_with(1))
        .build()
        .unwrap();
    let err = wrong_password
        .login_with_password("controller@buyer.example", Secret::new("wrong"))
        .await
        .unwrap_err();
    assert!(err.kind().is_unauthorized());

    // No token at all.
    let err = wrong_password.list_linked_accounts().await.unwrap_err();
    assert!(err.kind().is_unauthorized());
    assert!(err.request_ref().is_some());

    // A made-up token.
    let made_up = weavr::Client::builder()
        .base_url(sim.weavr_url())
        .api_key(Secret::new(sim.credentials().weavr_api_key.clone()))
        .auth_token(Secret::new("sim-token-made-up"))
        .config(common::fast_config_with(1))
        .build()
        .unwrap();
    assert!(
        made_up
            .list_linked_accounts()
            .await
            .unwrap_err()
            .kind()
            .is_unauthorized()
    );
}

#[tokio::test]
async fn an_idle_token_expires_and_the_client_logs_in_again() {
    let sim = Simulator::builder()
        .token_idle_timeout(Duration::from_millis(300))
        .start()
        .await
        .unwrap();
    let weavr = client(&sim, 1);
    weavr.list_linked_accounts().await.unwrap();
    let before = sim
        .stats()
        .snapshot()
        .statuses
        .get(&401)
        .copied()
        .unwrap_or(0);
    tokio::time::sleep(Duration::from_millis(400)).await;
    // The first attempt is a 401; the facade logs in once more and resends.
    weavr.list_linked_accounts().await.unwrap();
    let after = sim
        .stats()
        .snapshot()
        .statuses
        .get(&401)
        .copied()
        .unwrap_or(0);
    assert!(after > before, "the expired token was refused");

    weavr.logout().await.unwrap();
    assert!(!weavr.is_logged_in());
}

#[tokio::test]
async fn same_key_same_payload_replays_without_a_second_effect() {
    let sim = Simulator::start().await.unwrap();
    let weavr = client(&sim, 1);
    let id = linked_account(&sim, &weavr, "12345678").await;

    let first = weavr
        .unlink_linked_account(&id)
        .idempotency_key("unlink-once")
        .await
        .unwrap();
    // Not a 409: the same logical call, so the first answer comes back.
    let replay = weavr
        .unlink_linked_account(&id)
        .idempotency_key("unlink-once")
        .await
        .unwrap();
    assert_eq!(replay.status().as_u16(), 200);
    assert_eq!(replay.id, first.id);
    assert_eq!(replay.status, weavr::LinkedAccountStatus::Unlinked);
    assert_eq!(sim.stats().effects_for_key("unlink-once"), 1);
    assert_eq!(sim.stats().snapshot().replays, 1);
}

#[tokio::test]
async fn same_key_different_payload_is_422() {
    let sim = Simulator::start().await.unwrap();
    let weavr = client(&sim, 1);
    let id = linked_account(&sim, &weavr, "12345678").await;

    weavr
        .update_linked_account(&id, "Payroll")
        .idempotency_key("rename-1")
        .await
        .unwrap();
    let err = weavr
        .update_linked_account(&id, "Suppliers")
        .idempotency_key("rename-1")
        .await
        .unwrap_err();
    assert!(
        matches!(
            err.kind(),
            weavr::UpdateLinkedAccountError::UnprocessableEntity
        ),
        "{err:?}"
    );
    assert_eq!(sim.stats().effects_for_key("rename-1"), 1);
    let account = weavr.get_linked_account(&id).await.unwrap();
    assert_eq!(account.friendly_name.as_deref(), Some("Payroll"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn same_key_while_the_first_runs_is_409_in_progress() {
    let sim = Simulator::start().await.unwrap();
    let patient = client(&sim, 1);
    let id = linked_account(&sim, &patient, "12345678").await;
    patient.list_linked_accounts().await.unwrap();
    sim.faults().inject_on(
        Target::operation("unlinkLinkedAccountsId"),
        Fault::Delay(Duration::from_millis(400)),
    );

    let first = {
        let (patient, id) = (patient.clone(), id.clone());
        tokio::spawn(async move {
            patient
                .unlink_linked_account(&id)
                .idempotency_key("slow-unlink")
                .await
        })
    };
    tokio::time::sleep(Duration::from_millis(100)).await;
    let second = patient
        .unlink_linked_account(&id)
        .idempotency_key("slow-unlink")
        .await
        .unwrap_err();
    assert_eq!(
        conflict_code(&second).as_deref(),
        Some("IDEMPOTENT_REQUEST_IN_PROGRESS")
    );

    let first = first.await.unwrap().unwrap();
    assert_eq!(first.status, weavr::LinkedAccountStatus::Unlinked);
    assert_eq!(sim.stats().effects_for_key("slow-unlink"), 1);
    assert_eq!(sim.stats().snapshot().in_progress_conflicts, 1);
}

#[tokio::test]
async fn in_progress_409_is_retried_until_the_first_answer_can_be_replayed() {
    let sim = Simulator::start().await.unwrap();
    let weavr = sim
        .weavr_client_builder()
        .config(
            ClientConfig::default()
                .attempt_timeout(Duration::from_millis(150))
                .retry(
                    RetryConfig::default()
                        .max_attempts(10)
                        .backoff(Duration::from_millis(50), Duration::from_millis(100)),
                ),
        )
        .build()
        .unwrap();
    let id = linked_account(&sim, &weavr, "12345678").await;
    weavr.list_linked_accounts().await.unwrap();
    sim.faults().inject_on(
        Target::operation("unlinkLinkedAccountsId"),
        Fault::Delay(Duration::from_millis(400)),
    );
    // Attempt 1 times out; the next ones meet the running request (409 in progress) until it
    // finishes; then its answer is replayed.
    let unlinked = weavr.unlink_linked_account(&id).await.unwrap();
    assert!(
        unlinked.attempts() >= 3,
        "attempts: {}",
        unlinked.attempts()
    );
    assert_eq!(unlinked.status, weavr::LinkedAccountStatus::Unlinked);
    let key = unlinked.idempotency_key().unwrap();
    assert_eq!(sim.stats().effects_for_key(key), 1);
    let snap = sim.stats().snapshot();
    assert!(snap.in_progress_conflicts >= 1);
    assert_eq!(snap.replays, 1);
}

#[tokio::test]
async fn rate_limit_answers_429_with_weavrs_headers() {
    let sim = Simulator::start().await.unwrap();
    let weavr = client(&sim, 1);
    weavr.list_linked_accounts().await.unwrap();
    sim.set_rate_limit(Api::Weavr, Some(RateLimit::new(2, Duration::from_secs(30))));
    weavr.list_linked_accounts().await.unwrap();
    weavr.list_linked_accounts().await.unwrap();
    let err = weavr.list_linked_accounts().await.unwrap_err();
    assert!(
        matches!(err.kind(), weavr::ListLinkedAccountsError::TooManyRequests),
        "{err:?}"
    );
    let headers = err.meta().headers().unwrap();
    assert_eq!(headers["x-ratelimit-limit"], "2, 2;w=30");
    let reset: u64 = headers["x-ratelimit-reset"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=30).contains(&reset));
    assert_eq!(err.retry_after(), Some(Duration::from_secs(reset)));
    assert!(err.is_retryable());
    assert_eq!(sim.stats().snapshot().rate_limited, 1);

    // Past the client's cap on waits, the facade gives the 429 back instead of sleeping.
    let patient = sim
        .weavr_client_builder()
        .config(
            common::fast_config_with(3).retry(
                RetryConfig::default()
                    .max_attempts(3)
                    .max_retry_after(Duration::from_secs(1)),
            ),
        )
        .build()
        .unwrap();
    let err = patient.list_linked_accounts().await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(429));
    assert_eq!(err.attempts(), 1);
    sim.set_rate_limit(Api::Weavr, None);
    assert!(weavr.list_linked_accounts().await.is_ok());
}

#[tokio::test]
async fn the_sandbox_call_checks_the_buyer_and_the_bank_details() {
    let sim = Simulator::start().await.unwrap();
    let weavr = client(&sim, 1);

    let err = weavr
        .simulate_linked_account("999", faster_payments("12345678"))
        .await
        .unwrap_err();
    let weavr::SimulateLinkedAccountError::Conflict(body) = err.kind() else {
        panic!("expected 409, got {err:?}");
    };
    assert_eq!(
        body.error_code.as_ref().map(|c| c.as_str()),
        Some("BUYER_ID_INVALID")
    );

    let err = weavr
        .simulate_linked_account(sim.weavr_buyer_id(), faster_payments("1234"))
        .await
        .unwrap_err();
    assert!(err.kind().is_bad_request(), "{err:?}");

    let sepa = types::AccountIdentification::SepaBankDetails {
        iban: "FR7630006000011234567890189".to_string(),
        bank_identifier_code: Some("AGRIFRPP".to_string()),
    };
    let account = weavr
        .simulate_linked_account(sim.weavr_buyer_id(), sepa)
        .await
        .unwrap();
    assert_eq!(account.currency.as_str(), "EUR");

    let institutions = weavr
        .list_institutions(&weavr::InstitutionsQuery {
            country: Some("GB".to_string()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(institutions.count, 1);
}

#[tokio::test]
async fn malformed_requests_get_weavrs_400_not_a_crash() {
    let sim = Simulator::start().await.unwrap();
    let http = reqwest::Client::new();
    let key = sim.credentials().weavr_api_key.clone();
    let login = format!("{}/v1/login_with_password", sim.weavr_url());
    for body in [
        "{not json",
        "[]",
        "{}",
        r#"{"email":"a@b.c"}"#,
        r#"{"email":1,"password":{"value":"x"}}"#,
    ] {
        let response = http
            .post(&login)
            .header("api-key", &key)
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 400, "{body}");
        assert!(response.headers().contains_key("request-ref"));
        let decoded: types::BadRequestError = response.json().await.unwrap();
        assert!(decoded.message.is_some() || decoded.syntax_errors.is_some());
    }
    // Missing field names the field.
    let response = http
        .post(&login)
        .header("api-key", &key)
        .body(r#"{"email":"a@b.c"}"#)
        .send()
        .await
        .unwrap();
    let decoded: types::BadRequestError = response.json().await.unwrap();
    let field = &decoded.syntax_errors.unwrap().invalid_fields[0];
    assert_eq!(field.field_name.as_deref(), Some("password.value"));
    assert_eq!(field.error.as_ref().map(|e| e.as_str()), Some("REQUIRED"));

    let response = http
        .get(format!("{}/v1/nothing-here", sim.weavr_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 404);
    // The simulator still serves.
    client(&sim, 1).list_linked_accounts().await.unwrap();
}
