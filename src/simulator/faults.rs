//! Fault injection: scripted faults for the next matching requests, and seeded random faults
//! for chaos runs.
//!
//! A fault is chosen when a request arrives and acts at its own point of the request:
//! [`Fault::Status`] and [`Fault::RateLimited`] answer before anything is applied;
//! [`Fault::Delay`] holds the request (and its idempotency key) before the effect;
//! [`Fault::DropAfterEffect`], [`Fault::TruncatedBody`] and [`Fault::NonJsonBody`] act after
//! the effect, on the way out.

use std::collections::VecDeque;
use std::fmt;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use super::Api;

/// One injected fault.
#[derive(Debug, Clone, PartialEq)]
pub enum Fault {
    /// Answer with this status (500, 502, 503, 504...) and the provider's error body, without
    /// applying the request.
    Status(u16),
    /// Answer 429 without applying the request. Weavr's `x-ratelimit-reset` announces
    /// `reset_secs`; Enfuce documents no rate-limit headers and gets none.
    RateLimited {
        /// Seconds until the (pretend) window resets.
        reset_secs: u32,
    },
    /// Hold the request this long before applying it, keeping its idempotency key busy. Past
    /// the client's timeout the client gives up, but the request is still applied, as a
    /// provider would.
    Delay(Duration),
    /// Apply the request, then close the connection without sending any response.
    DropAfterEffect,
    /// Apply the request, then send the success status with only part of the body.
    TruncatedBody,
    /// Apply the request, then send its status with an HTML page instead of JSON.
    NonJsonBody,
}

impl Fault {
    /// The kind, for counting.
    pub fn kind(&self) -> FaultKind {
        match self {
            Fault::Status(_) => FaultKind::ServerError,
            Fault::RateLimited { .. } => FaultKind::RateLimited,
            Fault::Delay(_) => FaultKind::Delay,
            Fault::DropAfterEffect => FaultKind::DropAfterEffect,
            Fault::TruncatedBody => FaultKind::TruncatedBody,
            Fault::NonJsonBody => FaultKind::NonJsonBody,
        }
    }
}

/// Kinds of [`Fault`], as counted in [`StatsSnapshot::faults`](super::StatsSnapshot::faults).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FaultKind {
    /// [`Fault::Status`].
    ServerError,
    /// [`Fault::RateLimited`].
    RateLimited,
    /// [`Fault::Delay`].
    Delay,
    /// [`Fault::DropAfterEffect`].
    DropAfterEffect,
    /// [`Fault::TruncatedBody`].
    TruncatedBody,
    /// [`Fault::NonJsonBody`].
    NonJsonBody,
}

impl fmt::Display for FaultKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FaultKind::ServerError => "5xx",
            FaultKind::RateLimited => "429",
            FaultKind::Delay => "delay",
            FaultKind::DropAfterEffect => "drop after effect",
            FaultKind::TruncatedBody => "truncated body",
            FaultKind::NonJsonBody => "non-JSON body",
        })
    }
}

/// Which requests a fault applies to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Target {
    /// Any request to either API.
    #[default]
    Any,
    /// Any request to this API.
    Api(Api),
    /// Requests to this operation, by the operationId of its spec (for example
    /// `unlinkLinkedAccountsId` or `createPrivateCustomerUsingPOST`).
    Operation(String),
}

impl Target {
    /// Requests to the operation `operation_id`.
    pub fn operation(operation_id: impl Into<String>) -> Self {
        Target::Operation(operation_id.into())
    }

    fn matches(&self, api: Api, operation_id: &str) -> bool {
        match self {
            Target::Any => true,
            Target::Api(a) => *a == api,
            Target::Operation(op) => op == operation_id,
        }
    }
}

/// Random faults from a seeded generator: the same seed gives the same sequence of choices.
#[derive(Debug, Clone, PartialEq)]
pub struct RandomFaults {
    seed: u64,
    rate: f64,
    target: Target,
    choices: Vec<Choice>,
}

#[derive(Debug, Clone, PartialEq)]
struct Choice {
    fault: Fault,
    weight: u32,
    burst: u32,
}

impl RandomFaults {
    /// No faults yet; add them with [`RandomFaults::with`].
    pub fn new(seed: u64) -> Self {
        RandomFaults {
            seed,
            rate: 0.1,
            target: Target::Any,
            choices: Vec::new(),
        }
    }

    /// The share of requests that get a fault, from 0 to 1 (default 0.1).
    pub fn rate(mut self, rate: f64) -> Self {
        self.rate = if rate.is_finite() {
            rate.clamp(0.0, 1.0)
        } else {
            0.0
        };
        self
    }

    /// Only requests matching `target` get faults.
    pub fn target(mut self, target: Target) -> Self {
        self.target = target;
        self
    }

    /// Adds `fault` with a relative `weight`.
    pub fn with(self, fault: Fault, weight: u32) -> Self {
        self.with_burst(fault, weight, 1)
    }

    /// Adds `fault` with a relative `weight`; when drawn, it also hits the next `burst - 1`
    /// matching requests (a burst of 503s, say).
    pub fn with_burst(mut self, fault: Fault, weight: u32, burst: u32) -> Self {
        if weight > 0 {
            self.choices.push(Choice {
                fault,
                weight,
                burst: burst.max(1),
            });
        }
        self
    }

    /// The mix used by the chaos test: 5xx (some in bursts), 429, delays past the timeout,
    /// connections dropped after the effect, truncated and non-JSON bodies.
    pub fn chaos(seed: u64, rate: f64, delay: Duration) -> Self {
        RandomFaults::new(seed)
            .rate(rate)
            .with(Fault::Status(500), 3)
            .with_burst(Fault::Status(503), 2, 3)
            .with(Fault::Status(502), 1)
            .with(Fault::RateLimited { reset_secs: 0 }, 3)
            .with(Fault::Delay(delay), 3)
            .with(Fault::DropAfterEffect, 5)
            .with(Fault::TruncatedBody, 1)
            .with(Fault::NonJsonBody, 1)
    }
}

/// The fault controls of a running simulator, from
/// [`SimulatorHandle::faults`](super::SimulatorHandle::faults).
#[derive(Debug, Default)]
pub struct Faults {
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    queue: VecDeque<(Target, Fault)>,
    random: Option<(RandomFaults, fastrand::Rng)>,
}

impl Faults {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The next request (either API, any operation) gets `fault`.
    pub fn inject(&self, fault: Fault) {
        self.inject_on(Target::Any, fault);
    }

    /// The next request matching `target` gets `fault`. Queued faults are used in order, each
    /// once, before any random fault.
    pub fn inject_on(&self, target: Target, fault: Fault) {
        self.lock().queue.push_back((target, fault));
    }

    /// The next `count` requests matching `target` get `fault`.
    pub fn burst(&self, target: Target, fault: Fault, count: usize) {
        let mut inner = self.lock();
        for _ in 0..count {
            inner.queue.push_back((target.clone(), fault.clone()));
        }
    }

    /// Turns random faults on (`Some`) or off (`None`).
    pub fn set_random(&self, plan: Option<RandomFaults>) {
        self.lock().random = plan.map(|p| {
            let rng = fastrand::Rng::with_seed(p.seed);
            (p, rng)
        });
    }

    /// Removes queued faults and turns random faults off.
    pub fn clear(&self) {
        let mut inner = self.lock();
        inner.queue.clear();
        inner.random = None;
    }

    /// Queued faults not used yet.
    pub fn pending(&self) -> usize {
        self.lock().queue.len()
    }

    /// The fault for a request to `operation_id` of `api`, if any.
    pub(crate) fn next(&self, api: Api, operation_id: &str) -> Option<Fault> {
        let mut inner = self.lock();
        if let Some(i) = inner
            .queue
            .iter()
            .position(|(t, _)| t.matches(api, operation_id))
        {
            return inner.queue.remove(i).map(|(_, f)| f);
        }
        let (plan, rng) = inner.random.as_mut()?;
        if !plan.target.matches(api, operation_id) || plan.choices.is_empty() {
            return None;
        }
        if rng.f64() >= plan.rate {
            return None;
        }
        let total: u32 = plan.choices.iter().map(|c| c.weight).sum();
        let mut pick = rng.u32(0..total);
        let choice = plan.choices.iter().find(|c| {
            if pick < c.weight {
                true
            } else {
                pick -= c.weight;
                false
            }
        })?;
        let (fault, burst, target) = (choice.fault.clone(), choice.burst, plan.target.clone());
        for _ in 1..burst {
            inner.queue.push_back((target.clone(), fault.clone()));
        }
        Some(fault)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queued_faults_match_targets_in_order() {
        let faults = Faults::default();
        faults.inject_on(
            Target::operation("unlinkLinkedAccountsId"),
            Fault::DropAfterEffect,
        );
        faults.inject_on(Target::Api(Api::Enfuce), Fault::Status(503));
        assert_eq!(faults.next(Api::Weavr, "getLinkedAccounts"), None);
        assert_eq!(
            faults.next(Api::Enfuce, "getCustomerUsingGET"),
            Some(Fault::Status(503))
        );
        assert_eq!(
            faults.next(Api::Weavr, "unlinkLinkedAccountsId"),
            Some(Fault::DropAfterEffect)
        );
        assert_eq!(faults.pending(), 0);
    }

    #[test]
    fn random_faults_are_reproducible_and_bursts_queue() {
        let draw = |seed| {
            let faults = Faults::default();
            faults.set_random(Some(
                RandomFaults::new(seed)
                    .rate(0.5)
                    .with(Fault::Status(500), 1)
                    .with_burst(Fault::Status(503), 1, 3),
            ));
            (0..200)
                .map(|_| faults.next(Api::Weavr, "x"))
                .collect::<Vec<_>>()
        };
        let a = draw(7);
        assert_eq!(a, draw(7));
        let hits = a.iter().filter(|f| f.is_some()).count();
        assert!((60..=160).contains(&hits), "{hits} faults in 200");
        // A drawn 503 is followed by two more.
        let first = a.iter().position(|f| *f == Some(Fault::Status(503)));
        if let Some(i) = first.filter(|i| i + 2 < a.len()) {
            assert_eq!(a[i + 1], Some(Fault::Status(503)));
            assert_eq!(a[i + 2], Some(Fault::Status(503)));
        }
    }

    #[test]
    fn rate_is_clamped() {
        let faults = Faults::default();
        faults.set_random(Some(
            RandomFaults::new(1)
                .rate(f64::NAN)
                .with(Fault::NonJsonBody, 1),
        ));
        assert!((0..50).all(|_| faults.next(Api::Enfuce, "x").is_none()));
    }
}
