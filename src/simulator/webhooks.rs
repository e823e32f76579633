//! Weavr webhook delivery: when a linked account is linked, unlinked, rejected, or its consent
//! expires (or is about to), the simulator POSTs a signed `linkedAccountWatch` (or
//! `linkedAccountExpiringSoonWatch`) event to the URL a test registered.
//!
//! Delivery is at least once, as Weavr's: a non-2xx answer or a timeout is retried with
//! exponential backoff, with the same `call-ref`, body and `published-timestamp` every time.
//! Faults exercise receivers: a duplicate delivery, an event held back until the next one has
//! gone (out of order), a first attempt with a bad signature or a stale timestamp (later
//! attempts are signed correctly, so a receiver that refuses the bad one still gets the event).

use std::collections::VecDeque;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime};

use serde_json::Value;
use tokio::sync::{mpsc, watch};

use crate::Secret;
use crate::weavr::webhooks::{PUBLISHED_TIMESTAMP, SIGNATURE, SIGNATURE_V2, sign};

/// How the simulator delivers webhooks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookDelivery {
    /// How long one attempt may take before it counts as failed (default 2 s).
    pub timeout: Duration,
    /// Attempts per delivery, the first included (default 6).
    pub max_attempts: u32,
    /// The wait before the first retry, doubled for each further one (default 50 ms).
    pub initial_backoff: Duration,
    /// The longest wait between attempts (default 2 s).
    pub max_backoff: Duration,
}

impl Default for WebhookDelivery {
    fn default() -> Self {
        WebhookDelivery {
            timeout: Duration::from_secs(2),
            max_attempts: 6,
            initial_backoff: Duration::from_millis(50),
            max_backoff: Duration::from_secs(2),
        }
    }
}

impl WebhookDelivery {
    fn backoff(&self, retry: u32) -> Duration {
        let factor = 1u32.checked_shl(retry.min(16)).unwrap_or(u32::MAX);
        self.initial_backoff
            .saturating_mul(factor)
            .min(self.max_backoff)
    }
}

/// A fault for one published event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WebhookFault {
    /// Deliver the event twice, concurrently, with the same `call-ref`.
    Duplicate,
    /// Hold the event back and deliver it after the next event (or after 50 ms without one).
    OutOfOrder,
    /// Sign the first attempt with another key; retries are signed correctly.
    BadSignature,
    /// Send the first attempt with a `published-timestamp` 10 minutes old (correctly signed);
    /// retries carry the real one.
    StaleTimestamp,
}

impl fmt::Display for WebhookFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            WebhookFault::Duplicate => "duplicate",
            WebhookFault::OutOfOrder => "out of order",
            WebhookFault::BadSignature => "bad signature",
            WebhookFault::StaleTimestamp => "stale timestamp",
        })
    }
}

/// One event the simulator published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishedWebhook {
    /// Its `call-ref`.
    pub call_ref: String,
    /// `linkedAccountWatch` or `linkedAccountExpiringSoonWatch`.
    pub kind: String,
    /// The linked account it is about.
    pub account_id: String,
    /// The faults applied to it.
    pub faults: Vec<WebhookFault>,
}

/// Delivery counters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WebhookStats {
    /// Events published (with a URL registered).
    pub published: u64,
    /// HTTP attempts made, retries and duplicates included.
    pub attempts: u64,
    /// Attempts answered 2xx.
    pub delivered: u64,
    /// Attempts answered otherwise, or timed out, or not connected.
    pub failed_attempts: u64,
    /// Deliveries abandoned after the last attempt.
    pub gave_up: u64,
}

#[derive(Debug)]
struct Outgoing {
    call_ref: String,
    body: Vec<u8>,
    published_at: SystemTime,
    faults: Vec<WebhookFault>,
}

#[derive(Default)]
struct State {
    url: Option<String>,
    queue: VecDeque<WebhookFault>,
    random: Option<(fastrand::Rng, f64, Vec<WebhookFault>)>,
    published: Vec<PublishedWebhook>,
    stats: WebhookStats,
}

/// The delivery engine of one simulator.
pub(crate) struct Webhooks {
    key: Secret,
    settings: WebhookDelivery,
    state: Mutex<State>,
    tx: mpsc::UnboundedSender<Outgoing>,
    /// Deliveries (duplicates counted apart) not finished yet.
    pending: watch::Sender<usize>,
}

impl Webhooks {
    /// The engine, and its dispatcher to spawn on the runtime.
    pub(crate) fn new(
        key: Secret,
        settings: WebhookDelivery,
    ) -> (Arc<Self>, impl Future<Output = ()> + Send + 'static) {
        let (tx, rx) = mpsc::unbounded_channel();
        let (pending, _) = watch::channel(0);
        let engine = Arc::new(Webhooks {
            key,
            settings,
            state: Mutex::default(),
            tx,
            pending,
        });
        let dispatcher = dispatch(Arc::downgrade(&engine), rx);
        (engine, dispatcher)
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn register(&self, url: Option<String>) {
        self.lock().url = url;
    }

    pub(crate) fn inject(&self, fault: WebhookFault) {
        self.lock().queue.push_back(fault);
    }

    pub(crate) fn set_random(&self, plan: Option<(u64, f64, Vec<WebhookFault>)>) {
        self.lock().random = plan.map(|(seed, rate, faults)| {
            (fastrand::Rng::with_seed(seed), rate.clamp(0.0, 1.0), faults)
        });
    }

    pub(crate) fn stats(&self) -> WebhookStats {
        self.lock().stats.clone()
    }

    pub(crate) fn published(&self) -> Vec<PublishedWebhook> {
        self.lock().published.clone()
    }

    /// Waits until every delivery has finished (delivered or given up), at most `timeout`.
    pub(crate) async fn idle(&self, timeout: Duration) -> bool {
        let mut rx = self.pending.subscribe();
        tokio::time::timeout(timeout, rx.wait_for(|n| *n == 0))
            .await
            .is_ok_and(|r| r.is_ok())
    }

    /// Publishes an event about a linked account (`account` as the API returns it, plus
    /// `buyerId` and `userId`). Nothing is sent if no URL is registered.
    pub(crate) fn publish(
        &self,
        kind: &str,
        account: &impl serde::Serialize,
        buyer_id: &str,
        user_id: &str,
    ) {
        let mut payload = serde_json::to_value(account).unwrap_or(Value::Null);
        let account_id = payload
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        if let Value::Object(map) = &mut payload {
            map.insert("buyerId".into(), Value::String(buyer_id.to_string()));
            map.insert("userId".into(), Value::String(user_id.to_string()));
        }
        let body = serde_json::json!({ "type": kind, "payload": payload });
        let Ok(body) = serde_json::to_vec(&body) else {
            return;
        };
        let call_ref = uuid::Uuid::new_v4().to_string();
        let mut state = self.lock();
        if state.url.is_none() {
            return;
        }
        let mut faults: Vec<WebhookFault> = state.queue.pop_front().into_iter().collect();
        if faults.is_empty()
            && let Some((rng, rate, choices)) = state.random.as_mut()
        {
            for fault in choices.iter() {
                if rng.f64() < *rate {
                    faults.push(*fault);
                }
            }
        }
        state.stats.published += 1;
        state.published.push(PublishedWebhook {
            call_ref: call_ref.clone(),
            kind: kind.to_string(),
            account_id,
            faults: faults.clone(),
        });
        let copies = if faults.contains(&WebhookFault::Duplicate) {
            2
        } else {
            1
        };
        self.pending.send_modify(|n| *n += copies);
        drop(state);
        let outgoing = Outgoing {
            call_ref,
            body,
            published_at: SystemTime::now(),
            faults,
        };
        if self.tx.send(outgoing).is_err() {
            self.pending.send_modify(|n| *n = n.saturating_sub(copies));
        }
    }

    /// One delivery: attempts until a 2xx or the last attempt.
    async fn deliver(self: Arc<Self>, http: reqwest::Client, event: Arc<Outgoing>) {
        let settings = self.settings.clone();
        let mut delivered = false;
        for attempt in 0..settings.max_attempts.max(1) {
            if attempt > 0 {
                tokio::time::sleep(settings.backoff(attempt - 1)).await;
            }
            let Some(url) = self.lock().url.clone() else {
                break;
            };
            let first = attempt == 0;
            let mut published_at = event.published_at;
            if first && event.faults.contains(&WebhookFault::StaleTimestamp) {
                published_at -= Duration::from_secs(600);
            }
            let mut headers = sign(&self.key, Some(&event.call_ref), &event.body, published_at);
            if first && event.faults.contains(&WebhookFault::BadSignature) {
                let forged = sign(
                    &Secret::new("not-the-api-key"),
                    Some(&event.call_ref),
                    &event.body,
                    published_at,
                );
                for name in [SIGNATURE, SIGNATURE_V2] {
                    if let Some(v) = forged.get(name) {
                        headers.insert(name, v.clone());
                    }
                }
            }
            debug_assert!(headers.contains_key(PUBLISHED_TIMESTAMP));
            let sent = http
                .post(&url)
                .headers(headers)
                .header(http::header::CONTENT_TYPE, "application/json")
                .body(event.body.clone())
                .timeout(settings.timeout)
                .send()
                .await;
            let ok = matches!(&sent, Ok(r) if r.status().is_success());
            let mut state = self.lock();
            state.stats.attempts += 1;
            if ok {
                state.stats.delivered += 1;
                delivered = true;
                break;
            }
            state.stats.failed_attempts += 1;
        }
        if !delivered {
            self.lock().stats.gave_up += 1;
        }
        self.pending.send_modify(|n| *n = n.saturating_sub(1));
    }
}

/// Takes published events off the channel in order and starts their deliveries; an
/// out-of-order event waits for the next one (or 50 ms).
async fn dispatch(engine: std::sync::Weak<Webhooks>, mut rx: mpsc::UnboundedReceiver<Outgoing>) {
    // The crate's client settings, which also install the TLS provider reqwest needs.
    let http = match crate::runtime::ClientConfig::default().http_client() {
        Ok(http) => http,
        Err(e) => {
            tracing::error!("simulator: cannot build the webhook HTTP client: {e}");
            return;
        }
    };
    let mut held: Vec<Arc<Outgoing>> = Vec::new();
    loop {
        let next = if held.is_empty() {
            rx.recv().await
        } else {
            match tokio::time::timeout(Duration::from_millis(50), rx.recv()).await {
                Ok(next) => next,
                Err(_) => {
                    // Nothing came after the held events: let them go.
                    let Some(engine) = engine.upgrade() else {
                        return;
                    };
                    for event in held.drain(..) {
                        start(&engine, &http, event);
                    }
                    continue;
                }
            }
        };
        let Some(event) = next else { return };
        let Some(engine) = engine.upgrade() else {
            return;
        };
        let event = Arc::new(event);
        if event.faults.contains(&WebhookFault::OutOfOrder) {
            held.push(event);
            continue;
        }
        start(&engine, &http, event);
        for event in held.drain(..) {
            start(&engine, &http, event);
        }
    }
}

fn start(engine: &Arc<Webhooks>, http: &reqwest::Client, event: Arc<Outgoing>) {
    let copies = if event.faults.contains(&WebhookFault::Duplicate) {
        2
    } else {
        1
    };
    for _ in 0..copies {
        tokio::spawn(engine.clone().deliver(http.clone(), event.clone()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let d = WebhookDelivery::default();
        let waits: Vec<_> = (0..8).map(|r| d.backoff(r).as_millis()).collect();
        assert_eq!(waits, [50, 100, 200, 400, 800, 1600, 2000, 2000]);
        assert_eq!(d.backoff(u32::MAX), d.max_backoff);
    }
}
