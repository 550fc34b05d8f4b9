//! A token bucket per API token, so that one caller's runaway script cannot take the
//! service from everyone else: each token may make `burst` calls at once and then
//! `per_second` calls a second. A streaming call counts once, however many messages it
//! carries (an import's rows are paced by its own batches). Buckets live in this process
//! and run on monotonic time, not the service clock: moving a manual clock refills nothing.
//!
//! The buckets are `governor`'s keyed limiter (GCRA, which admits exactly what a token
//! bucket of `burst` refilled at `per_second` admits), with its default features off: no
//! `dashmap` and no `quanta` clock, whose speed a limiter checked once per call after a
//! database-backed token lookup does not need and whose crates would lengthen a clean build.
//! Its `FakeRelativeClock` makes the tests below exact. What is written here: the
//! `RateLimit` the command line and the portal configure, and the bound on memory.

use std::num::NonZeroU32;
use std::sync::RwLock;
use std::time::Duration;

use governor::clock::{Clock, MonotonicClock};
use governor::middleware::NoOpMiddleware;
use governor::state::keyed::HashMapStateStore;
use governor::{Quota, RateLimiter as Gcra};

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

impl RateLimit {
    /// The limit as governor's quota: one call every `1 / per_second`, `burst` at once
    /// (at least one, at most `u32::MAX`). The time a whole bucket takes to refill is kept
    /// under 30 years, as governor counts it in `u64` nanoseconds.
    fn quota(self) -> Quota {
        const LONGEST_REFILL_NANOS: f64 = 1e18;
        let burst = self.burst.clamp(1.0, f64::from(u32::MAX)) as u32;
        let period = (1e9 / self.per_second).clamp(1.0, LONGEST_REFILL_NANOS / f64::from(burst));
        let period = Duration::from_nanos((period as u64).max(1));
        Quota::with_period(period)
            .expect("a period of at least a nanosecond")
            .allow_burst(NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN))
    }
}

/// Buckets are pruned once this many tokens are tracked: those full again are forgotten
/// (they would start full anyway); if more than half are still in use, all start afresh,
/// so a flood of new keys (the portal limits by address) costs bounded memory and the
/// pruning happens at most once every `MAX_BUCKETS / 2` new keys.
const MAX_BUCKETS: usize = 10_000;

type Buckets<C> = Gcra<String, HashMapStateStore<String>, C, NoOpMiddleware<<C as Clock>::Instant>>;

/// The buckets of every token that has called recently.
#[derive(Debug)]
pub struct RateLimiter<C: Clock = MonotonicClock> {
    limit: RateLimit,
    clock: C,
    buckets: RwLock<Buckets<C>>,
}

impl RateLimiter {
    /// Buckets of `limit` on monotonic time.
    pub fn new(limit: RateLimit) -> Self {
        Self::with_clock(limit, MonotonicClock)
    }
}

impl<C: Clock + Clone> RateLimiter<C> {
    /// Buckets of `limit` on `clock` (a fake one in tests).
    pub fn with_clock(limit: RateLimit, clock: C) -> Self {
        Self {
            limit,
            buckets: RwLock::new(Gcra::hashmap_with_clock(limit.quota(), clock.clone())),
            clock,
        }
    }

    /// The limit applied.
    pub fn limit(&self) -> RateLimit {
        self.limit
    }

    /// Takes one call from `token_id`'s bucket now; false when it is empty.
    pub fn admit(&self, token_id: &str) -> bool {
        let full = self.read().len() >= MAX_BUCKETS;
        if full {
            self.prune();
        }
        self.read().check_key(&token_id.to_owned()).is_ok()
    }

    fn prune(&self) {
        let mut buckets = self.buckets.write().unwrap_or_else(|p| p.into_inner());
        if buckets.len() < MAX_BUCKETS {
            return; // another caller pruned meanwhile
        }
        buckets.retain_recent();
        if buckets.len() > MAX_BUCKETS / 2 {
            *buckets = Gcra::hashmap_with_clock(self.limit.quota(), self.clock.clone());
        } else {
            buckets.shrink_to_fit();
        }
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Buckets<C>> {
        self.buckets.read().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use governor::clock::FakeRelativeClock;

    use super::*;

    fn limiter(per_second: f64, burst: f64) -> (RateLimiter<FakeRelativeClock>, FakeRelativeClock) {
        let clock = FakeRelativeClock::default();
        let limiter = RateLimiter::with_clock(RateLimit { per_second, burst }, clock.clone());
        (limiter, clock)
    }

    #[test]
    fn a_bucket_empties_refills_and_is_per_token() {
        let (limiter, clock) = limiter(2.0, 3.0);
        assert!((0..3).all(|_| limiter.admit("a")));
        assert!(!limiter.admit("a"), "the fourth at once is refused");
        assert!(limiter.admit("b"), "another token has its own bucket");
        clock.advance(Duration::from_millis(499));
        assert!(!limiter.admit("a"), "not yet a whole call refilled");
        clock.advance(Duration::from_millis(1));
        assert!(limiter.admit("a"), "half a second refills one");
        assert!(!limiter.admit("a"));
        clock.advance(Duration::from_secs(60));
        assert_eq!(
            (0..10).filter(|_| limiter.admit("a")).count(),
            3,
            "never more than the burst"
        );
    }

    #[test]
    fn the_portals_slow_limit_refills_one_attempt_in_three_seconds() {
        let (limiter, clock) = limiter(1.0 / 3.0, 20.0);
        assert_eq!((0..25).filter(|_| limiter.admit("10.0.0.1")).count(), 20);
        clock.advance(Duration::from_millis(2_990));
        assert!(!limiter.admit("10.0.0.1"));
        clock.advance(Duration::from_millis(20));
        assert!(limiter.admit("10.0.0.1"));
    }

    #[test]
    fn extreme_limits_neither_panic_nor_refuse_what_they_allow() {
        // The tests' "no limit" and "no refill", and the command line's lowest rate with a
        // huge burst: governor would overflow on a refill of centuries.
        for (per_second, burst, at_once) in [
            (1e9, 1e9, 1_000),
            (0.0001, 3.0, 3),
            (0.001, 1e12, 1_000),
            (0.0, 0.0, 1),
            (f64::NAN, f64::NAN, 1),
        ] {
            let (limiter, _) = limiter(per_second, burst);
            assert_eq!(
                (0..at_once).filter(|_| limiter.admit("t")).count(),
                at_once,
                "{per_second}/s, burst {burst}"
            );
        }
        let (limiter, _) = limiter(0.0001, 3.0);
        assert_eq!((0..4).filter(|_| limiter.admit("t")).count(), 3);
    }

    #[test]
    fn memory_stays_bounded_and_pruning_forgets_only_full_buckets() {
        let (limiter, clock) = limiter(2.0, 3.0);
        assert!((0..3).all(|_| limiter.admit("busy")));
        for n in 1..MAX_BUCKETS {
            assert!(limiter.admit(&format!("once-{n}")));
        }
        assert_eq!(limiter.read().len(), MAX_BUCKETS);
        // A second later the callers of one call are full again; "busy" is not.
        clock.advance(Duration::from_secs(1));
        assert!(limiter.admit("new"));
        assert_eq!(limiter.read().len(), 2, "only busy and new are remembered");
        assert_eq!(
            (0..5).filter(|_| limiter.admit("busy")).count(),
            2,
            "busy's bucket was kept: two refilled in the second, not a full three"
        );

        // Ten thousand keys all in use: everyone starts afresh rather than memory growing.
        for n in 0..MAX_BUCKETS {
            limiter.admit(&format!("flood-{n}"));
        }
        assert!(
            limiter.read().len() <= MAX_BUCKETS,
            "{}",
            limiter.read().len()
        );
        assert!(limiter.admit("busy"), "started afresh, with a full bucket");
    }
}
