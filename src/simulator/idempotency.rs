//! Idempotency keys as each provider describes them.
//!
//! - Weavr `idempotency-ref`: the same key with the same payload replays the first response
//!   without a second effect; the same key while the first request runs is a 409
//!   `IDEMPOTENT_REQUEST_IN_PROGRESS`; the same key with another payload is a 422.
//! - Enfuce `x-idempotency-key`: a success is kept and replayed for 24 hours; errors are not
//!   kept, so a retry after an error is a fresh attempt. Enfuce documents nothing about
//!   concurrent requests with one key, so the second waits for the first to finish.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use http::StatusCode;
use tokio::sync::{Mutex as AsyncMutex, OwnedMutexGuard};
use tokio::time::Instant;

use super::Api;
use super::server::Reply;

/// How a provider treats a key already seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Policy {
    /// A second request while the first runs: refused (Weavr) or queued behind it (Enfuce).
    pub(crate) conflict_while_running: bool,
    /// Whether a different payload under a stored key is refused (Weavr's 422).
    pub(crate) check_payload: bool,
    /// Whether 4xx outcomes are kept and replayed too (Weavr), or only successes (Enfuce).
    pub(crate) keep_client_errors: bool,
}

impl Policy {
    pub(crate) const WEAVR: Policy = Policy {
        conflict_while_running: true,
        check_payload: true,
        keep_client_errors: true,
    };
    pub(crate) const ENFUCE: Policy = Policy {
        conflict_while_running: false,
        check_payload: false,
        keep_client_errors: false,
    };

    fn keeps(&self, status: StatusCode) -> bool {
        status.is_success() || (self.keep_client_errors && status.is_client_error())
    }
}

/// A response kept under a key.
#[derive(Debug, Clone)]
struct Stored {
    fingerprint: String,
    reply: Reply,
    at: Instant,
}

/// What is known about one key; its lock is held while a request with the key runs.
#[derive(Debug, Default)]
pub(crate) struct Slot {
    stored: Option<Stored>,
}

/// Held while the request runs; [`IdempotencyStore::finish`] records its outcome.
pub(crate) struct Running {
    guard: OwnedMutexGuard<Slot>,
    fingerprint: String,
    policy: Policy,
}

/// What to do with a request that carries a key.
pub(crate) enum Admission {
    /// First time (or the earlier outcome was not kept): run it.
    Run(Running),
    /// Seen before: send this again, apply nothing.
    Replay(Reply),
    /// Weavr: the first request with this key is still running.
    InProgress,
    /// Weavr: the key was used with another payload.
    PayloadMismatch,
}

type SlotKey = (Api, String, String);

#[derive(Debug)]
pub(crate) struct IdempotencyStore {
    ttl: Duration,
    slots: Mutex<HashMap<SlotKey, Arc<AsyncMutex<Slot>>>>,
    created: AtomicU64,
}

/// Slots are swept of expired entries every this many new keys.
const SWEEP_EVERY: u64 = 1024;

impl IdempotencyStore {
    pub(crate) fn new(ttl: Duration) -> Self {
        IdempotencyStore {
            ttl,
            slots: Mutex::default(),
            created: AtomicU64::new(0),
        }
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<SlotKey, Arc<AsyncMutex<Slot>>>> {
        self.slots.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn slot(&self, key: SlotKey) -> Arc<AsyncMutex<Slot>> {
        let mut slots = self.lock();
        if let Some(slot) = slots.get(&key) {
            return slot.clone();
        }
        if self.created.fetch_add(1, Ordering::Relaxed) % SWEEP_EVERY == SWEEP_EVERY - 1 {
            let ttl = self.ttl;
            slots.retain(|_, slot| {
                // Keep slots in use, and slots with a live response.
                Arc::strong_count(slot) > 1
                    || slot.try_lock().map_or(true, |s| {
                        s.stored.as_ref().is_some_and(|st| st.at.elapsed() < ttl)
                    })
            });
        }
        slots.entry(key).or_default().clone()
    }

    /// Decides what to do with a request carrying `key`, from caller `scope`.
    pub(crate) async fn admit(
        &self,
        policy: Policy,
        api: Api,
        scope: &str,
        key: &str,
        fingerprint: String,
    ) -> Admission {
        let slot = self.slot((api, scope.to_string(), key.to_string()));
        let mut guard = if policy.conflict_while_running {
            match slot.try_lock_owned() {
                Ok(guard) => guard,
                Err(_) => return Admission::InProgress,
            }
        } else {
            slot.lock_owned().await
        };
        if guard
            .stored
            .as_ref()
            .is_some_and(|s| s.at.elapsed() >= self.ttl)
        {
            // Expired: the key is new again.
            guard.stored = None;
        }
        match &guard.stored {
            Some(stored) if policy.check_payload && stored.fingerprint != fingerprint => {
                Admission::PayloadMismatch
            }
            Some(stored) => Admission::Replay(stored.reply.clone()),
            None => Admission::Run(Running {
                guard,
                fingerprint,
                policy,
            }),
        }
    }

    /// Keeps `reply` under the key if the provider would, and releases the key.
    pub(crate) fn finish(running: Running, reply: &Reply) {
        let Running {
            mut guard,
            fingerprint,
            policy,
        } = running;
        if policy.keeps(reply.status) {
            guard.stored = Some(Stored {
                fingerprint,
                reply: reply.clone(),
                at: Instant::now(),
            });
        }
    }
}

/// What "the same payload" means: the operation, the path and the JSON body with object keys
/// sorted (so formatting does not matter); a body that is not JSON counts byte for byte.
pub(crate) fn fingerprint(method: &str, path: &str, body: &[u8]) -> String {
    let body = match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(value) => canonical(&value),
        Err(_) => String::from_utf8_lossy(body).into_owned(),
    };
    format!("{method} {path}\n{body}")
}

fn canonical(value: &serde_json::Value) -> String {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            let mut entries: Vec<_> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            let inner: Vec<String> = entries
                .into_iter()
                .map(|(k, v)| format!("{}:{}", Value::String(k.clone()), canonical(v)))
                .collect();
            format!("{{{}}}", inner.join(","))
        }
        Value::Array(items) => {
            let inner: Vec<String> = items.iter().map(canonical).collect();
            format!("[{}]", inner.join(","))
        }
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(status: u16) -> Reply {
        Reply::empty(StatusCode::from_u16(status).unwrap())
    }

    #[test]
    fn fingerprints_ignore_formatting_not_content() {
        let a = fingerprint("POST", "/x", br#"{"a":1,"b":[1,2]}"#);
        let b = fingerprint("POST", "/x", b"{ \"b\": [1, 2], \"a\": 1 }");
        assert_eq!(a, b);
        assert_ne!(a, fingerprint("POST", "/x", br#"{"a":2,"b":[1,2]}"#));
        assert_ne!(a, fingerprint("POST", "/y", br#"{"a":1,"b":[1,2]}"#));
    }

    #[tokio::test]
    async fn weavr_replays_refuses_in_flight_and_other_payloads() {
        let store = IdempotencyStore::new(Duration::from_secs(60));
        let p = Policy::WEAVR;
        let Admission::Run(running) = store.admit(p, Api::Weavr, "s", "k", "f1".into()).await
        else {
            panic!("first request must run");
        };
        assert!(matches!(
            store.admit(p, Api::Weavr, "s", "k", "f1".into()).await,
            Admission::InProgress
        ));
        IdempotencyStore::finish(running, &reply(200));
        assert!(matches!(
            store.admit(p, Api::Weavr, "s", "k", "f1".into()).await,
            Admission::Replay(r) if r.status == StatusCode::OK
        ));
        assert!(matches!(
            store.admit(p, Api::Weavr, "s", "k", "f2".into()).await,
            Admission::PayloadMismatch
        ));
        // Another caller's key of the same name is another key.
        assert!(matches!(
            store.admit(p, Api::Weavr, "t", "k", "f2".into()).await,
            Admission::Run(_)
        ));
    }

    #[tokio::test]
    async fn enfuce_keeps_successes_only_and_expires_them() {
        let store = IdempotencyStore::new(Duration::from_millis(300));
        let p = Policy::ENFUCE;
        let Admission::Run(running) = store.admit(p, Api::Enfuce, "s", "k", "f".into()).await
        else {
            panic!("first request must run");
        };
        IdempotencyStore::finish(running, &reply(400));
        let Admission::Run(running) = store.admit(p, Api::Enfuce, "s", "k", "f".into()).await
        else {
            panic!("an error is not kept");
        };
        IdempotencyStore::finish(running, &reply(201));
        assert!(matches!(
            store.admit(p, Api::Enfuce, "s", "k", "other".into()).await,
            Admission::Replay(r) if r.status == StatusCode::CREATED
        ));
        tokio::time::sleep(Duration::from_millis(350)).await;
        assert!(matches!(
            store.admit(p, Api::Enfuce, "s", "k", "f".into()).await,
            Admission::Run(_)
        ));
    }

    #[tokio::test]
    async fn enfuce_queues_a_concurrent_request_behind_the_first() {
        let store = Arc::new(IdempotencyStore::new(Duration::from_secs(60)));
        let p = Policy::ENFUCE;
        let Admission::Run(running) = store.admit(p, Api::Enfuce, "s", "k", "f".into()).await
        else {
            panic!("first request must run");
        };
        let second = {
            let store = store.clone();
            tokio::spawn(async move { store.admit(p, Api::Enfuce, "s", "k", "f".into()).await })
        };
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(!second.is_finished());
        IdempotencyStore::finish(running, &reply(201));
        assert!(matches!(second.await.unwrap(), Admission::Replay(_)));
    }
}
