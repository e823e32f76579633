//! What the simulator saw and did: requests, statuses, injected faults, idempotent replays and,
//! above all, every applied effect, so a test can prove that nothing was applied twice.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, MutexGuard, PoisonError};

use super::Api;
use super::faults::FaultKind;

/// Counters shared by every request. Read them with [`Stats::snapshot`].
#[derive(Debug, Default)]
pub struct Stats {
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    requests: u64,
    statuses: BTreeMap<u16, u64>,
    faults: BTreeMap<FaultKind, u64>,
    replays: u64,
    in_progress_conflicts: u64,
    payload_mismatches: u64,
    rate_limited: u64,
    effects_by_operation: BTreeMap<&'static str, u64>,
    /// Applied effects per logical operation: the idempotency key when the request had one,
    /// otherwise the operation and the resource it changed.
    effects: HashMap<(Api, String), u32>,
}

/// A copy of the counters at one moment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StatsSnapshot {
    /// Requests received (both APIs).
    pub requests: u64,
    /// Responses sent, by status (dropped connections are not responses).
    pub statuses: BTreeMap<u16, u64>,
    /// Faults injected, by kind.
    pub faults: BTreeMap<FaultKind, u64>,
    /// Responses replayed from the idempotency store instead of applying the request again.
    pub replays: u64,
    /// Weavr 409 `IDEMPOTENT_REQUEST_IN_PROGRESS` answers.
    pub in_progress_conflicts: u64,
    /// Weavr 422 answers: the same idempotency key with a different payload.
    pub payload_mismatches: u64,
    /// 429 answers from the configured rate limit (injected 429s count as faults).
    pub rate_limited: u64,
    /// Effects applied (state changes), all operations.
    pub effects: u64,
    /// Effects applied, by operationId.
    pub effects_by_operation: BTreeMap<&'static str, u64>,
    /// Logical operations (idempotency keys, or operation and resource) whose effect was
    /// applied more than once. Zero is the point of the whole exercise.
    pub duplicate_effects: u64,
}

impl StatsSnapshot {
    /// Faults injected, all kinds.
    pub fn faults_total(&self) -> u64 {
        self.faults.values().sum()
    }
}

impl Stats {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        // Counters stay meaningful even if a thread panicked while holding the lock.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A copy of every counter.
    pub fn snapshot(&self) -> StatsSnapshot {
        let inner = self.lock();
        StatsSnapshot {
            requests: inner.requests,
            statuses: inner.statuses.clone(),
            faults: inner.faults.clone(),
            replays: inner.replays,
            in_progress_conflicts: inner.in_progress_conflicts,
            payload_mismatches: inner.payload_mismatches,
            rate_limited: inner.rate_limited,
            effects: inner.effects.values().map(|&n| u64::from(n)).sum(),
            effects_by_operation: inner.effects_by_operation.clone(),
            duplicate_effects: inner.effects.values().filter(|&&n| n > 1).count() as u64,
        }
    }

    /// How many times the effect of the request(s) carrying idempotency key `key` was
    /// applied, on either API: 0 or 1, unless something is wrong.
    pub fn effects_for_key(&self, key: &str) -> u32 {
        let inner = self.lock();
        [Api::Enfuce, Api::Weavr]
            .into_iter()
            .filter_map(|api| inner.effects.get(&(api, key.to_string())))
            .sum()
    }

    /// Every logical operation applied more than once, with its count.
    pub fn duplicates(&self) -> Vec<(Api, String, u32)> {
        let inner = self.lock();
        let mut out: Vec<_> = inner
            .effects
            .iter()
            .filter(|(_, n)| **n > 1)
            .map(|((api, key), n)| (*api, key.clone(), *n))
            .collect();
        out.sort();
        out
    }

    /// Zeroes every counter (state and stored idempotency keys are kept).
    pub fn reset(&self) {
        *self.lock() = Inner::default();
    }

    pub(crate) fn request(&self) {
        self.lock().requests += 1;
    }

    pub(crate) fn response(&self, status: u16) {
        *self.lock().statuses.entry(status).or_default() += 1;
    }

    pub(crate) fn fault(&self, kind: FaultKind) {
        *self.lock().faults.entry(kind).or_default() += 1;
    }

    pub(crate) fn replay(&self) {
        self.lock().replays += 1;
    }

    pub(crate) fn in_progress_conflict(&self) {
        self.lock().in_progress_conflicts += 1;
    }

    pub(crate) fn payload_mismatch(&self) {
        self.lock().payload_mismatches += 1;
    }

    pub(crate) fn rate_limited(&self) {
        self.lock().rate_limited += 1;
    }

    /// Records an applied effect of `operation` for logical operation `identity`.
    pub(crate) fn effect(&self, api: Api, operation: &'static str, identity: String) {
        let mut inner = self.lock();
        *inner.effects_by_operation.entry(operation).or_default() += 1;
        let count = inner.effects.entry((api, identity)).or_default();
        *count += 1;
        if *count > 1 {
            tracing::error!(operation, "simulator: an effect was applied more than once");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicates_are_counted_per_logical_operation() {
        let stats = Stats::default();
        stats.effect(Api::Weavr, "unlinkLinkedAccountsId", "k1".into());
        stats.effect(Api::Enfuce, "createPrivateCustomerUsingPOST", "k2".into());
        assert_eq!(stats.snapshot().duplicate_effects, 0);
        stats.effect(Api::Weavr, "unlinkLinkedAccountsId", "k1".into());
        let snap = stats.snapshot();
        assert_eq!(snap.effects, 3);
        assert_eq!(snap.duplicate_effects, 1);
        assert_eq!(stats.effects_for_key("k1"), 2);
        assert_eq!(stats.duplicates(), vec![(Api::Weavr, "k1".to_string(), 2)]);
    }
}
