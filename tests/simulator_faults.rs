//! Fault injection, through the facade: each fault is seen by the client as it would be from a
//! real provider, and retries never apply an operation twice.

use std::time::{Duration, Instant};

use paysdk::enfuce;
use paysdk::simulator::{Api, Fault, FaultKind, Simulator, SimulatorHandle, Target};
use paysdk::weavr::{self, types};
use paysdk::{ClientConfig, RetryConfig};

fn config(attempts: u32, attempt_timeout: Duration) -> ClientConfig {
    ClientConfig::default()
        .attempt_timeout(attempt_timeout)
        .retry(
            RetryConfig::default()
                .max_attempts(attempts)
                .backoff(Duration::from_millis(5), Duration::from_millis(20)),
        )
}

fn weavr_client(sim: &SimulatorHandle, attempts: u32) -> weavr::Client {
    sim.weavr_client_builder()
        .config(config(attempts, Duration::from_secs(5)))
        .build()
        .unwrap()
}

async fn account(sim: &SimulatorHandle, weavr: &weavr::Client) -> String {
    let id = weavr
        .simulate_linked_account(
            sim.weavr_buyer_id(),
            types::AccountIdentification::FasterPaymentsBankDetails {
                account_number: "12345678".to_string(),
                sort_code: "040004".to_string(),
                secondary_reference: None,
            },
        )
        .await
        .unwrap()
        .into_inner()
        .id;
    // Log in now, so that faults meant for the operation are not spent on the login.
    weavr.list_linked_accounts().await.unwrap();
    id
}

const UNLINK: &str = "unlinkLinkedAccountsId";

#[tokio::test]
async fn a_dropped_connection_after_the_effect_is_a_transport_error_and_resuming_replays() {
    let sim = Simulator::start().await.unwrap();
    let weavr = weavr_client(&sim, 1);
    let id = account(&sim, &weavr).await;
    sim.faults()
        .inject_on(Target::operation(UNLINK), Fault::DropAfterEffect);

    let err = weavr
        .unlink_linked_account(&id)
        .idempotency_key("unlink-1")
        .await
        .unwrap_err();
    let weavr::UnlinkLinkedAccountError::Transport(transport) = err.kind() else {
        panic!("expected a transport error, got {err:?}");
    };
    assert!(transport.may_have_reached_server());
    assert_eq!(err.status(), None, "no response reached the client");
    assert!(
        err.is_retryable(),
        "the call carried a key, so resending is safe"
    );
    // The effect happened although the client never heard.
    let accounts = sim.weavr_linked_accounts(sim.weavr_buyer_id());
    assert_eq!(accounts[0].status, weavr::LinkedAccountStatus::Unlinked);
    assert_eq!(sim.stats().effects_for_key("unlink-1"), 1);

    // Resuming with the same key replays the first answer instead of a 409.
    let resumed = weavr
        .unlink_linked_account(&id)
        .idempotency_key("unlink-1")
        .await
        .unwrap();
    assert_eq!(resumed.status, weavr::LinkedAccountStatus::Unlinked);
    let snap = sim.stats().snapshot();
    assert_eq!(snap.replays, 1);
    assert_eq!(snap.duplicate_effects, 0);
    assert_eq!(snap.faults.get(&FaultKind::DropAfterEffect), Some(&1));
}

#[tokio::test]
async fn the_facade_retries_a_dropped_keyed_call_into_a_replay() {
    let sim = Simulator::start().await.unwrap();
    let weavr = weavr_client(&sim, 3);
    let id = account(&sim, &weavr).await;
    sim.faults()
        .inject_on(Target::operation(UNLINK), Fault::DropAfterEffect);
    let unlinked = weavr.unlink_linked_account(&id).await.unwrap();
    assert_eq!(unlinked.attempts(), 2);
    assert_eq!(
        sim.stats()
            .effects_for_key(unlinked.idempotency_key().unwrap()),
        1
    );
    assert_eq!(sim.stats().snapshot().replays, 1);
}

#[tokio::test]
async fn a_dropped_post_without_a_key_is_not_resent() {
    let sim = Simulator::start().await.unwrap();
    let weavr = weavr_client(&sim, 3);
    sim.faults().inject_on(
        Target::operation("postLinkedAccounts"),
        Fault::DropAfterEffect,
    );
    let err = weavr
        .simulate_linked_account(
            sim.weavr_buyer_id(),
            types::AccountIdentification::FasterPaymentsBankDetails {
                account_number: "12345678".to_string(),
                sort_code: "040004".to_string(),
                secondary_reference: None,
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(
        err.kind(),
        weavr::SimulateLinkedAccountError::Transport(_)
    ));
    assert_eq!(err.attempts(), 1, "no key, so not safe to resend");
    assert!(!err.is_retryable());
    assert_eq!(sim.weavr_linked_accounts(sim.weavr_buyer_id()).len(), 1);
}

#[tokio::test]
async fn a_burst_of_5xx_is_retried_through() {
    let sim = Simulator::start().await.unwrap();
    let weavr = weavr_client(&sim, 4);
    let id = account(&sim, &weavr).await;
    sim.faults()
        .burst(Target::Api(Api::Weavr), Fault::Status(503), 2);
    sim.faults()
        .inject_on(Target::Api(Api::Weavr), Fault::Status(500));
    let fetched = weavr.get_linked_account(&id).await.unwrap();
    assert_eq!(fetched.attempts(), 4);

    // More failures than attempts: the last one comes back typed.
    sim.faults()
        .burst(Target::Api(Api::Weavr), Fault::Status(503), 4);
    let err = weavr.get_linked_account(&id).await.unwrap_err();
    assert!(
        matches!(err.kind(), weavr::GetLinkedAccountError::ServiceUnavailable),
        "{err:?}"
    );
    assert_eq!(err.attempts(), 4);
    assert!(err.request_ref().is_some());
}

#[tokio::test]
async fn an_injected_429_is_waited_out_using_x_ratelimit_reset() {
    let sim = Simulator::start().await.unwrap();
    let weavr = weavr_client(&sim, 2);
    let id = account(&sim, &weavr).await;
    sim.faults().inject_on(
        Target::operation("getLinkedAccountsId"),
        Fault::RateLimited { reset_secs: 1 },
    );
    let started = Instant::now();
    let fetched = weavr.get_linked_account(&id).await.unwrap();
    assert_eq!(fetched.attempts(), 2);
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_delay_past_the_timeout_still_applies_once() {
    let sim = Simulator::start().await.unwrap();
    let enfuce = sim
        .enfuce_client_builder()
        .config(config(6, Duration::from_millis(150)))
        .build()
        .unwrap();
    sim.faults().inject_on(
        Target::operation("createPrivateCustomerUsingPOST"),
        Fault::Delay(Duration::from_millis(400)),
    );
    let body: enfuce::NewPrivateCustomer = serde_json::from_value(serde_json::json!({
        "customerNumber": "C-1", "locale": "fi_FI", "regNo": "r1",
        "address": {"address1": "Street 1", "city": "Helsinki", "country": "FIN", "zipCode": 100},
        "firstName": "Aino", "lastName": "Virtanen"
    }))
    .unwrap();
    let created = enfuce.create_private_customer(&body).await.unwrap();
    // Attempt 1 timed out; a later one waited for it (Enfuce queues the same key) and got
    // the stored success.
    assert!(created.attempts() >= 2, "attempts: {}", created.attempts());
    assert_eq!(sim.enfuce_customers().len(), 1);
    assert_eq!(
        sim.stats()
            .effects_for_key(created.idempotency_key().unwrap()),
        1
    );

    // Without retries the timeout is the typed answer, and the request still lands.
    let impatient = sim
        .enfuce_client_builder()
        .config(config(1, Duration::from_millis(100)))
        .build()
        .unwrap();
    sim.faults().inject_on(
        Target::operation("createPrivateCustomerUsingPOST"),
        Fault::Delay(Duration::from_millis(300)),
    );
    let mut second = body.clone();
    second.customer_number = "C-2".to_string();
    let err = impatient
        .create_private_customer(&second)
        .await
        .unwrap_err();
    assert!(
        matches!(err.kind(), enfuce::CreatePrivateCustomerError::Timeout(_)),
        "{err:?}"
    );
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(sim.enfuce_customers().len(), 2);
}

#[tokio::test]
async fn truncated_and_non_json_bodies_are_typed_decode_errors() {
    let sim = Simulator::start().await.unwrap();
    let weavr = weavr_client(&sim, 3);
    let id = account(&sim, &weavr).await;

    sim.faults()
        .inject_on(Target::operation(UNLINK), Fault::TruncatedBody);
    let err = weavr.unlink_linked_account(&id).await.unwrap_err();
    let weavr::UnlinkLinkedAccountError::Decode(decode) = err.kind() else {
        panic!("expected a decode error, got {err:?}");
    };
    assert_eq!(decode.status().as_u16(), 200);
    assert_eq!(
        err.attempts(),
        1,
        "a 200 that does not decode is not resent"
    );
    assert_eq!(
        sim.stats().effects_for_key(err.idempotency_key().unwrap()),
        1
    );

    sim.faults()
        .inject_on(Target::operation("getLinkedAccountsId"), Fault::NonJsonBody);
    let err = weavr.get_linked_account(&id).await.unwrap_err();
    let weavr::GetLinkedAccountError::Decode(decode) = err.kind() else {
        panic!("expected a decode error, got {err:?}");
    };
    assert!(decode.body().text().starts_with("<html>"));
    assert_eq!(sim.stats().snapshot().duplicate_effects, 0);
}

#[tokio::test]
async fn faults_can_target_one_api() {
    let sim = Simulator::start().await.unwrap();
    let enfuce = sim
        .enfuce_client_builder()
        .config(config(1, Duration::from_secs(5)))
        .build()
        .unwrap();
    let weavr = weavr_client(&sim, 1);
    sim.faults()
        .inject_on(Target::Api(Api::Enfuce), Fault::Status(500));
    weavr.list_linked_accounts().await.unwrap();
    assert_eq!(sim.faults().pending(), 1);
    let err = enfuce.get_customer("1").await.unwrap_err();
    let enfuce::GetCustomerError::InternalServerError(body) = err.kind() else {
        panic!("expected 500, got {err:?}");
    };
    assert!(body.id.is_some());
    assert_eq!(sim.faults().pending(), 0);
    sim.faults().clear();
}
