//! The simulator delivers signed Weavr webhooks, at least once, with faults; the example
//! receiver (examples/webhooks.rs) handles each event exactly once.

use std::time::Duration;

use paysdk::simulator::{Simulator, WebhookDelivery, WebhookFault};
use paysdk::weavr::types::AccountIdentification;
use paysdk::weavr::webhooks::Event;

#[path = "../examples/webhooks.rs"]
#[allow(dead_code)]
mod example;

fn faster_payments(n: usize) -> AccountIdentification {
    AccountIdentification::FasterPaymentsBankDetails {
        account_number: format!("{:08}", 20_000_000 + n),
        sort_code: "040004".to_string(),
        secondary_reference: None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_duplicates_and_reordering_each_of_200_events_is_handled_once() {
    let sim = Simulator::start().await.unwrap();
    let report = example::run(
        &sim,
        100,
        vec![WebhookFault::Duplicate, WebhookFault::OutOfOrder],
        0.3,
    )
    .await
    .unwrap();
    println!("{report:#?}");
    assert_eq!(report.published, 200, "{report:?}");
    assert_eq!(report.handled, 200, "{report:?}");
    assert_eq!(report.distinct, 200, "{report:?}");
    assert_eq!(report.matched, 200, "{report:?}");
    // The faults really happened: redeliveries were acknowledged, order was broken.
    let faults: Vec<_> = sim
        .published_webhooks()
        .into_iter()
        .flat_map(|p| p.faults)
        .collect();
    let duplicated = faults
        .iter()
        .filter(|f| **f == WebhookFault::Duplicate)
        .count();
    assert!(duplicated >= 20, "{duplicated} duplicated");
    assert_eq!(report.redeliveries, duplicated as u64, "{report:?}");
    assert!(report.out_of_order >= 10, "{report:?}");
    assert_eq!(sim.webhook_stats().gave_up, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forged_and_stale_first_attempts_are_refused_and_the_retry_is_handled() {
    let sim = Simulator::start().await.unwrap();
    let mut receiver = example::serve(paysdk::Secret::new(sim.credentials().weavr_api_key.clone()))
        .await
        .unwrap();
    sim.register_webhook_url(Some(receiver.url.clone()));
    let weavr = sim.weavr_client_builder().build().unwrap();

    sim.inject_webhook_fault(WebhookFault::BadSignature);
    let forged = weavr
        .simulate_linked_account(sim.weavr_buyer_id(), faster_payments(1))
        .await
        .unwrap();
    sim.inject_webhook_fault(WebhookFault::StaleTimestamp);
    weavr.unlink_linked_account(&forged.id).await.unwrap();
    assert!(sim.webhooks_idle(Duration::from_secs(10)).await);

    let stats = sim.webhook_stats();
    assert_eq!(
        (
            stats.published,
            stats.attempts,
            stats.delivered,
            stats.failed_attempts
        ),
        (2, 4, 2, 2),
        "{stats:?}"
    );
    let published = sim.published_webhooks();
    let mut handled = Vec::new();
    while let Ok(e) = receiver.events.try_recv() {
        handled.push(e);
    }
    // Both first attempts failed, so the retries may arrive in either order.
    let mut keys: Vec<_> = handled.iter().map(|(k, _)| k.clone()).collect();
    let mut expected: Vec<_> = published.iter().map(|p| p.call_ref.clone()).collect();
    keys.sort();
    expected.sort();
    assert_eq!(keys, expected, "same call-ref on the retry");
    let mut statuses: Vec<_> = handled
        .iter()
        .map(|(_, e)| match e {
            Event::LinkedAccountWatch(w) => match &w.payload {
                paysdk::weavr::types::LinkedAccountWatchPayload::Object { status, id, .. } => {
                    assert_eq!(id, &forged.id);
                    status.as_str().to_string()
                }
                other => panic!("unexpected payload {other:?}"),
            },
            other => panic!("unexpected event {}", other.kind()),
        })
        .collect();
    statuses.sort();
    assert_eq!(statuses, ["LINKED", "UNLINKED"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rejection_and_consent_events_are_delivered() {
    let sim = Simulator::start().await.unwrap();
    let mut receiver = example::serve(paysdk::Secret::new(sim.credentials().weavr_api_key.clone()))
        .await
        .unwrap();
    let weavr = sim.weavr_client_builder().build().unwrap();
    let a = weavr
        .simulate_linked_account(sim.weavr_buyer_id(), faster_payments(2))
        .await
        .unwrap();
    let b = weavr
        .simulate_linked_account(sim.weavr_buyer_id(), faster_payments(3))
        .await
        .unwrap();
    // Nothing is sent before a URL is registered.
    assert_eq!(sim.webhook_stats().published, 0);
    sim.register_webhook_url(Some(receiver.url.clone()));
    assert!(sim.consent_expiring_soon(&a.id));
    assert!(sim.expire_consent(&a.id));
    assert!(sim.reject_linked_account(&b.id));
    assert!(!sim.reject_linked_account("652d25b7ffffffffffffffff"));
    assert!(sim.webhooks_idle(Duration::from_secs(10)).await);

    let mut seen = Vec::new();
    while let Ok((_, e)) = receiver.events.try_recv() {
        seen.push(e);
    }
    seen.sort_by_key(|e| e.kind().to_string());
    let summary: Vec<String> = seen
        .iter()
        .map(|e| match e {
            Event::LinkedAccountExpiringSoonWatch(_) => "expiring soon".to_string(),
            Event::LinkedAccountWatch(w) => match &w.payload {
                paysdk::weavr::types::LinkedAccountWatchPayload::Object {
                    status,
                    consent,
                    buyer_id,
                    user_id,
                    ..
                } => {
                    assert_eq!(buyer_id, sim.weavr_buyer_id());
                    assert!(!user_id.is_empty());
                    format!("{status} consent {}", consent.status)
                }
                other => panic!("unexpected payload {other:?}"),
            },
            other => panic!("unexpected event {}", other.kind()),
        })
        .collect();
    let mut summary = summary;
    summary.sort();
    assert_eq!(
        summary,
        [
            "LINKED consent EXPIRED",
            "REJECTED consent ACTIVE",
            "expiring soon"
        ]
    );
    // The API agrees.
    let account = weavr.get_linked_account(&b.id).await.unwrap();
    assert_eq!(account.status.as_str(), "REJECTED");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_receiver_that_fails_gets_retries_with_backoff_then_is_given_up() {
    use axum::{Router, http::StatusCode, routing::post};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    let sim = Simulator::builder()
        .webhook_delivery(WebhookDelivery {
            timeout: Duration::from_millis(200),
            max_attempts: 4,
            initial_backoff: Duration::from_millis(10),
            max_backoff: Duration::from_millis(40),
        })
        .start()
        .await
        .unwrap();
    let calls = Arc::new(AtomicUsize::new(0));
    let refs = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let (c, r) = (calls.clone(), refs.clone());
    let app = Router::new().route(
        "/hook",
        post(move |headers: axum::http::HeaderMap| {
            let (c, r) = (c.clone(), r.clone());
            async move {
                let n = c.fetch_add(1, Ordering::SeqCst);
                if let Some(v) = headers.get("call-ref").and_then(|v| v.to_str().ok()) {
                    r.lock().unwrap().push(v.to_string());
                }
                match n {
                    0 => StatusCode::SERVICE_UNAVAILABLE,
                    // The second attempt times out.
                    1 => {
                        tokio::time::sleep(Duration::from_secs(2)).await;
                        StatusCode::OK
                    }
                    _ => StatusCode::INTERNAL_SERVER_ERROR,
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    sim.register_webhook_url(Some(url));
    let weavr = sim.weavr_client_builder().build().unwrap();
    weavr
        .simulate_linked_account(sim.weavr_buyer_id(), faster_payments(4))
        .await
        .unwrap();
    assert!(sim.webhooks_idle(Duration::from_secs(10)).await);
    let stats = sim.webhook_stats();
    assert_eq!(
        (stats.attempts, stats.delivered, stats.gave_up),
        (4, 0, 1),
        "{stats:?}"
    );
    let refs = refs.lock().unwrap().clone();
    assert_eq!(refs.len(), 4);
    assert!(
        refs.iter().all(|r| *r == refs[0]),
        "same call-ref: {refs:?}"
    );
}
