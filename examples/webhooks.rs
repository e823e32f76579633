//! A Weavr webhook receiver with axum: every delivery is verified before its body is read,
//! handed on before it is acknowledged, and handled once however often it arrives.
//!
//! ```text
//! cargo run --example webhooks
//! ```
//!
//! It starts the embedded simulator, registers the receiver's URL with it, links and unlinks
//! accounts through the API (each change makes Weavr send `linkedAccountWatch`), with the
//! simulator duplicating, reordering, forging and back-dating some deliveries, and prints what
//! the receiver handled.
//!
//! Answers: 200 once the event is handed on (or is a redelivery of one already handled);
//! 401 when verification fails, so Weavr does not retry a forgery forever; 500 when an
//! authentic event cannot be decoded, so Weavr retries it later.

use std::collections::HashSet;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::Router;
use axum::extract::{FromRef, State};
use axum::http::StatusCode;
use axum::routing::post;
use paysdk::Secret;
use paysdk::simulator::{Simulator, SimulatorHandle, WebhookFault};
use paysdk::weavr::types::AccountIdentification;
use paysdk::weavr::webhooks::{Event, VerifiedEvent, Verifier};
use tokio::sync::mpsc;

/// What the handler hands events on to: in production a queue or a database table whose
/// unique key is the `call-ref`, written in the same transaction as the dedup record.
#[derive(Clone)]
pub struct Receiver {
    verifier: Verifier,
    seen: Arc<Mutex<HashSet<String>>>,
    handed_on: mpsc::UnboundedSender<(String, Event)>,
    redeliveries: Arc<Mutex<u64>>,
}

impl FromRef<Receiver> for Verifier {
    fn from_ref(receiver: &Receiver) -> Verifier {
        receiver.verifier.clone()
    }
}

/// The handler: the extractor has verified the delivery (or answered 401/500 itself).
async fn receive(State(rx): State<Receiver>, VerifiedEvent(delivery): VerifiedEvent) -> StatusCode {
    let key = delivery.meta.dedup_key().to_string();
    // Check and record under one lock, so two concurrent copies cannot both pass.
    let first = rx
        .seen
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .insert(key.clone());
    if !first {
        *rx.redeliveries
            .lock()
            .unwrap_or_else(PoisonError::into_inner) += 1;
        return StatusCode::OK;
    }
    match rx.handed_on.send((key.clone(), delivery.event)) {
        Ok(()) => StatusCode::OK,
        Err(_) => {
            // Not handed on: forget it, so Weavr's retry is handled.
            rx.seen
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .remove(&key);
            StatusCode::SERVICE_UNAVAILABLE
        }
    }
}

/// A running receiver: its URL, the events it handed on, and how many redeliveries it
/// acknowledged without handling.
pub struct Running {
    /// Where Weavr (the simulator) should POST.
    pub url: String,
    /// Handed-on events, with their dedup keys, in the order handled.
    pub events: mpsc::UnboundedReceiver<(String, Event)>,
    redeliveries: Arc<Mutex<u64>>,
}

impl Running {
    /// Redeliveries acknowledged and not handled again.
    pub fn redeliveries(&self) -> u64 {
        *self
            .redeliveries
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

/// Serves the receiver on a free port of 127.0.0.1.
pub async fn serve(api_key: Secret) -> std::io::Result<Running> {
    let (handed_on, events) = mpsc::unbounded_channel();
    let redeliveries = Arc::new(Mutex::new(0));
    let receiver = Receiver {
        verifier: Verifier::new(api_key),
        seen: Arc::default(),
        handed_on,
        redeliveries: redeliveries.clone(),
    };
    let app = Router::new()
        .route("/webhooks/weavr", post(receive))
        .with_state(receiver);
    let listener =
        tokio::net::TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0))).await?;
    let url = format!("http://{}/webhooks/weavr", listener.local_addr()?);
    tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            eprintln!("webhook receiver stopped: {e}");
        }
    });
    Ok(Running {
        url,
        events,
        redeliveries,
    })
}

/// What a run showed.
#[derive(Debug)]
pub struct Report {
    /// Events the simulator published.
    pub published: usize,
    /// Events the receiver handled (handed on).
    pub handled: usize,
    /// Distinct events among those handled.
    pub distinct: usize,
    /// Handled events the simulator published (by `call-ref`).
    pub matched: usize,
    /// Redeliveries acknowledged without handling.
    pub redeliveries: u64,
    /// Events handled in another order than published.
    pub out_of_order: usize,
    /// HTTP attempts the simulator made.
    pub attempts: u64,
    /// Attempts the receiver refused (bad signature, stale timestamp).
    pub refused: u64,
}

/// Links `accounts` accounts and unlinks each (two events per account), with `faults` at
/// `rate` from a seeded generator, and reports what the receiver handled.
pub async fn run(
    sim: &SimulatorHandle,
    accounts: usize,
    faults: Vec<WebhookFault>,
    rate: f64,
) -> Result<Report, Box<dyn std::error::Error>> {
    let mut receiver = serve(Secret::new(sim.credentials().weavr_api_key.clone())).await?;
    sim.register_webhook_url(Some(receiver.url.clone()));
    sim.random_webhook_faults(Some((0x00c0_ffee, rate, faults)));

    let weavr = sim.weavr_client_builder().build()?;
    for n in 0..accounts {
        let account = weavr
            .simulate_linked_account(
                sim.weavr_buyer_id(),
                AccountIdentification::FasterPaymentsBankDetails {
                    account_number: format!("{:08}", 10_000_000 + n),
                    sort_code: "040004".to_string(),
                    secondary_reference: None,
                },
            )
            .await?;
        weavr.unlink_linked_account(&account.id).await?;
    }
    if !sim.webhooks_idle(Duration::from_secs(30)).await {
        return Err("webhook deliveries did not finish in 30 s".into());
    }
    sim.register_webhook_url(None);

    let published = sim.published_webhooks();
    let mut handled = Vec::new();
    while let Ok(event) = receiver.events.try_recv() {
        handled.push(event);
    }
    let order: Vec<&str> = published.iter().map(|p| p.call_ref.as_str()).collect();
    let position = |key: &str| order.iter().position(|c| *c == key);
    let positions: Vec<Option<usize>> = handled.iter().map(|(k, _)| position(k)).collect();
    let out_of_order = positions
        .windows(2)
        .filter(|w| matches!(w, [Some(a), Some(b)] if b < a))
        .count();
    let distinct: HashSet<&str> = handled.iter().map(|(k, _)| k.as_str()).collect();
    let stats = sim.webhook_stats();
    Ok(Report {
        published: published.len(),
        handled: handled.len(),
        distinct: distinct.len(),
        matched: positions.iter().filter(|p| p.is_some()).count(),
        redeliveries: receiver.redeliveries(),
        out_of_order,
        attempts: stats.attempts,
        refused: stats.failed_attempts,
    })
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sim = Simulator::start().await?;
    let faults = vec![
        WebhookFault::Duplicate,
        WebhookFault::OutOfOrder,
        WebhookFault::BadSignature,
        WebhookFault::StaleTimestamp,
    ];
    let report = run(&sim, 25, faults, 0.2).await?;
    println!(
        "Weavr published {} linkedAccountWatch events; the simulator made {} delivery attempts \
         (duplicates, reordering, forged signatures and stale timestamps injected).",
        report.published, report.attempts
    );
    println!(
        "The receiver refused {} attempts (401), acknowledged {} redeliveries without handling \
         them, and handled {} events, {} distinct, {} out of publication order.",
        report.refused, report.redeliveries, report.handled, report.distinct, report.out_of_order
    );
    if report.handled != report.published
        || report.distinct != report.published
        || report.matched != report.published
    {
        return Err("some event was not handled exactly once".into());
    }
    println!("Each event was handled exactly once.");
    sim.shutdown().await;
    Ok(())
}
