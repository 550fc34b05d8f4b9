//! A token bucket per API token, so that one caller's runaway script cannot take the
//! service from everyone else: each token may make `burst` calls at once and then
//! `per_second` calls a second. A streaming call counts once, however many messages it
//! carries (an import's rows are paced by its own batches). Buckets live in this process
//! and run on monotonic time, not the service clock: moving a manual clock refills nothing.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

/// How fast one token may call.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RateLimit {
    /// Calls a second, sustained.
    pub per_second: f64,
    /// Calls at once after a pause.
    pub burst: f64,
}

impl Default for RateLimit {
    /// Generous: far above what a person's tools or a CSV import send, low enough that a
    /// loop gone wrong shares the service with the front office.
    fn default() -> Self {
        Self {
            per_second: 100.0,
            burst: 200.0,
        }
    }
}

/// Buckets are dropped once this many tokens have called; they start full again.
const MAX_BUCKETS: usize = 10_000;

/// The buckets of every token that has called.
#[derive(Debug)]
pub struct RateLimiter {
    limit: RateLimit,
    buckets: Mutex<HashMap<String, (f64, Instant)>>,
}

impl RateLimiter {
    /// Buckets of `limit`.
    pub fn new(limit: RateLimit) -> Self {
        Self {
            limit,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// The limit applied.
    pub fn limit(&self) -> RateLimit {
        self.limit
    }

    /// Takes one call from `token_id`'s bucket at `now`; false when it is empty.
    pub fn admit(&self, token_id: &str, now: Instant) -> bool {
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        if buckets.len() >= MAX_BUCKETS && !buckets.contains_key(token_id) {
            buckets.clear();
        }
        let (level, last) = buckets
            .entry(token_id.to_owned())
            .or_insert((self.limit.burst, now));
        let refill = now.saturating_duration_since(*last).as_secs_f64() * self.limit.per_second;
        *level = (*level + refill).min(self.limit.burst);
        *last = now;
        if *level >= 1.0 {
            *level -= 1.0;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn a_bucket_empties_refills_and_is_per_token() {
        let limiter = RateLimiter::new(RateLimit {
            per_second: 2.0,
            burst: 3.0,
        });
        let start = Instant::now();
        assert!((0..3).all(|_| limiter.admit("a", start)));
        assert!(!limiter.admit("a", start), "the fourth at once is refused");
        assert!(
            limiter.admit("b", start),
            "another token has its own bucket"
        );
        let later = start + Duration::from_millis(500);
        assert!(limiter.admit("a", later), "half a second refills one");
        assert!(!limiter.admit("a", later));
        let much_later = start + Duration::from_secs(60);
        assert_eq!(
            (0..10).filter(|_| limiter.admit("a", much_later)).count(),
            3,
            "never more than the burst"
        );
    }
}
