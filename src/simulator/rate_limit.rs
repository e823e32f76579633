//! Fixed-window rate limits, per API and caller, like the providers' (Enfuce documents
//! 50 requests/s or 3000/min per customer; Weavr publishes no figures).

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio::time::Instant;

use super::Api;

/// At most `requests` per `window`, per caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    requests: u32,
    window: Duration,
}

impl RateLimit {
    /// `requests` per `window` (at least 1 request, at least 1 ms).
    pub fn new(requests: u32, window: Duration) -> Self {
        RateLimit {
            requests: requests.max(1),
            window: window.max(Duration::from_millis(1)),
        }
    }

    /// `requests` per second.
    pub fn per_second(requests: u32) -> Self {
        Self::new(requests, Duration::from_secs(1))
    }

    /// Requests allowed per window.
    pub fn requests(&self) -> u32 {
        self.requests
    }

    /// The window.
    pub fn window(&self) -> Duration {
        self.window
    }
}

/// Why a request was refused: the limit and when the window resets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Exceeded {
    pub(crate) limit: RateLimit,
    /// Whole seconds until the window resets, rounded up (Weavr's `x-ratelimit-reset`).
    pub(crate) reset_secs: u64,
}

impl Exceeded {
    /// Weavr's `x-ratelimit-limit`: the limit exceeded, then `limit;w=seconds`.
    pub(crate) fn limit_header(&self) -> String {
        let window = self.limit.window.as_secs().max(1);
        format!(
            "{}, {};w={window}",
            self.limit.requests, self.limit.requests
        )
    }
}

#[derive(Debug, Default)]
pub(crate) struct RateLimiter {
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    limits: HashMap<Api, RateLimit>,
    windows: HashMap<(Api, String), (Instant, u32)>,
}

impl RateLimiter {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn set(&self, api: Api, limit: Option<RateLimit>) {
        let mut inner = self.lock();
        match limit {
            Some(l) => inner.limits.insert(api, l),
            None => inner.limits.remove(&api),
        };
        inner.windows.retain(|(a, _), _| *a != api);
    }

    pub(crate) fn get(&self, api: Api) -> Option<RateLimit> {
        self.lock().limits.get(&api).copied()
    }

    /// Counts a request from `caller`; refused requests are not counted.
    pub(crate) fn check(&self, api: Api, caller: &str) -> Result<(), Exceeded> {
        let mut inner = self.lock();
        let Some(limit) = inner.limits.get(&api).copied() else {
            return Ok(());
        };
        let now = Instant::now();
        let window = inner
            .windows
            .entry((api, caller.to_string()))
            .or_insert((now, 0));
        if now.duration_since(window.0) >= limit.window {
            *window = (now, 0);
        }
        if window.1 < limit.requests {
            window.1 += 1;
            return Ok(());
        }
        let left = limit.window.saturating_sub(now.duration_since(window.0));
        let reset_secs = left.as_millis().div_ceil(1000) as u64;
        Err(Exceeded { limit, reset_secs })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn window_refuses_then_resets() {
        let limiter = RateLimiter::default();
        limiter.set(
            Api::Weavr,
            Some(RateLimit::new(2, Duration::from_millis(500))),
        );
        assert!(limiter.check(Api::Weavr, "a").is_ok());
        assert!(limiter.check(Api::Weavr, "a").is_ok());
        let refused = limiter.check(Api::Weavr, "a").unwrap_err();
        assert_eq!(refused.reset_secs, 1);
        assert_eq!(refused.limit_header(), "2, 2;w=1");
        // Callers and APIs are counted apart.
        assert!(limiter.check(Api::Weavr, "b").is_ok());
        assert!(limiter.check(Api::Enfuce, "a").is_ok());
        tokio::time::sleep(Duration::from_millis(550)).await;
        assert!(limiter.check(Api::Weavr, "a").is_ok());
    }
}
