//! What both real clients share: one HTTP exchange with a register, retried with exponential
//! backoff on timeouts, dropped connections and 5xx only; a circuit breaker that stops
//! calling a register that keeps failing; the database cache that makes a batch of cases of
//! one debtor cost one call; and one tracing span per lookup without personal data.
//!
//! The retries are `backon`'s (its exponential backoff and retry loop, on tokio's timer, so
//! a test with paused time skips the waits). No jitter: an instance has at most its job
//! workers' lookups in flight and identical requests already wait for the first, so there
//! is no herd of clients to spread, and the waits stay the ones `RetryPolicy` documents.
//!
//! The circuit breaker is written here: the crates that offer one are either single
//! releases without users (`nobreak`, `rssafecircuit`, `circuitbreaker-rs`) or, like
//! `failsafe` (last release July 2024), let every call through a half-open circuit rather
//! than one trial, measure time with `std::time::Instant` (not pausable in tests) and bring
//! `rand` 0.8 and `pin-project` into the build, for what is sixty lines here.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use backon::{ExponentialBuilder, Retryable};
use chrono::{DateTime, Utc};
use tokio::time::Instant;
use tracing::Instrument;

use super::config::{BreakerPolicy, RetryPolicy};
use super::{Answer, Evidence, LookupError};
use crate::clock::Clock;
use crate::store::register_cache::{self, CachedAnswer};
use crate::store::{Store, StoreError};

/// One request to a register, described so it can be sent again on a retry, keyed for the
/// cache, and recorded as evidence.
pub(crate) struct Request<B> {
    /// The operation, for spans, errors and the cache.
    pub operation: &'static str,
    /// Everything that makes two requests the same answer (normalised query), hashed
    /// before it is stored.
    pub key: String,
    /// What was asked, for the evidence (no credentials).
    pub description: String,
    /// Builds the HTTP request; called once per attempt.
    pub build: B,
    /// Whether a 5xx reply is the register's final word, to be read rather than retried
    /// (a SOAP Fault for bad credentials comes as HTTP 500).
    pub final_5xx: fn(&str) -> bool,
}

/// What a client makes of a reply: the value, and whether it is a definitive answer worth
/// caching (found, or a documented "not found"), as opposed to a passing condition.
pub(crate) type Reading<T> = Result<(T, bool), LookupError>;

/// The answers cache: the database and for how long an answer stays good.
#[derive(Clone)]
pub(crate) struct Cache {
    pub store: Store,
    pub ttl: chrono::Duration,
}

/// The shared machinery of one register's client.
pub(crate) struct Transport {
    register: &'static str,
    http: reqwest::Client,
    retry: RetryPolicy,
    breaker: Breaker,
    cache: Option<Cache>,
    clock: Arc<dyn Clock>,
    in_flight: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

struct Reply {
    status: u16,
    body: String,
    fetched_at: DateTime<Utc>,
    attempts: u32,
}

impl Transport {
    pub(crate) fn new(
        register: &'static str,
        http: reqwest::Client,
        retry: RetryPolicy,
        breaker: BreakerPolicy,
        cache: Option<Cache>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            register,
            http,
            retry,
            breaker: Breaker::new(breaker),
            cache,
            clock,
            in_flight: Mutex::new(HashMap::new()),
        }
    }

    /// Answers `request` from the cache when a fresh answer is there, else from the
    /// register; `read` interprets the reply. Concurrent identical requests in this process
    /// wait for the first instead of calling too.
    pub(crate) async fn call<T, B>(
        &self,
        request: Request<B>,
        read: impl Fn(u16, &str) -> Reading<T>,
    ) -> Result<Answer<T>, LookupError>
    where
        B: Fn(&reqwest::Client) -> reqwest::RequestBuilder,
    {
        let span = tracing::info_span!(
            "registry.lookup",
            register = self.register,
            operation = request.operation,
            cache_hit = tracing::field::Empty,
            attempts = tracing::field::Empty,
            status = tracing::field::Empty,
            outcome = tracing::field::Empty,
        );
        let result = self
            .call_inner(request, read)
            .instrument(span.clone())
            .await;
        match &result {
            Ok(_) => span.record("outcome", "ok"),
            Err(e) => span.record("outcome", error_kind(e)),
        };
        result
    }

    async fn call_inner<T, B>(
        &self,
        request: Request<B>,
        read: impl Fn(u16, &str) -> Reading<T>,
    ) -> Result<Answer<T>, LookupError>
    where
        B: Fn(&reqwest::Client) -> reqwest::RequestBuilder,
    {
        let key = crate::digest::sha256_hex(request.key.as_bytes());
        let flight = self.flight(&key);
        let one_at_a_time = flight.clone().lock_owned().await;
        let result = self.cached_or_called(&key, request, read).await;
        drop(one_at_a_time);
        self.land(&key, flight);
        result
    }

    async fn cached_or_called<T, B>(
        &self,
        key: &str,
        request: Request<B>,
        read: impl Fn(u16, &str) -> Reading<T>,
    ) -> Result<Answer<T>, LookupError>
    where
        B: Fn(&reqwest::Client) -> reqwest::RequestBuilder,
    {
        let span = tracing::Span::current();
        if let Some(hit) = self.cached(request.operation, key).await
            && let Ok((value, _)) = read(hit.status, &hit.body)
        {
            span.record("cache_hit", true);
            let evidence = Evidence {
                register: self.register.to_owned(),
                operation: request.operation.to_owned(),
                request: hit.request,
                status: hit.status,
                body: hit.body,
                fetched_at: hit.fetched_at,
                from_cache: true,
            };
            return Ok(Answer {
                value,
                evidence: vec![evidence],
            });
        }
        span.record("cache_hit", false);

        let reply = self.exchange(&request).await?;
        span.record("attempts", reply.attempts);
        span.record("status", reply.status);
        let (value, definitive) = read(reply.status, &reply.body)?;
        let evidence = Evidence {
            register: self.register.to_owned(),
            operation: request.operation.to_owned(),
            request: request.description,
            status: reply.status,
            body: reply.body,
            fetched_at: reply.fetched_at,
            from_cache: false,
        };
        if definitive {
            self.remember(key, &evidence).await;
        }
        Ok(Answer {
            value,
            evidence: vec![evidence],
        })
    }

    fn flight(&self, key: &str) -> Arc<tokio::sync::Mutex<()>> {
        let mut flights = self.in_flight.lock().unwrap_or_else(|p| p.into_inner());
        flights.entry(key.to_owned()).or_default().clone()
    }

    fn land(&self, key: &str, flight: Arc<tokio::sync::Mutex<()>>) {
        let mut flights = self.in_flight.lock().unwrap_or_else(|p| p.into_inner());
        // Only ours and the map's: nobody else waits, the entry can go.
        if Arc::strong_count(&flight) <= 2 {
            flights.remove(key);
        }
    }

    async fn cached(&self, operation: &'static str, key: &str) -> Option<CachedAnswer> {
        let cache = self.cache.as_ref()?;
        let register = self.register;
        let key = key.to_owned();
        let found = cache
            .store
            .run(move |conn| {
                register_cache::get(conn, register, operation, &key).map_err(StoreError::from)
            })
            .await;
        match found {
            Ok(Some(hit)) if hit.fetched_at + cache.ttl > self.clock.now() => Some(hit),
            Ok(_) => None,
            Err(e) => {
                // A cache that cannot be read costs a call, not the lookup.
                tracing::warn!(error = %e, "register cache unreadable");
                None
            }
        }
    }

    async fn remember(&self, key: &str, evidence: &Evidence) {
        let Some(cache) = &self.cache else { return };
        let register = self.register;
        let key = key.to_owned();
        let answer = CachedAnswer {
            request: evidence.request.clone(),
            status: evidence.status,
            body: evidence.body.clone(),
            fetched_at: evidence.fetched_at,
        };
        let operation = evidence.operation.clone();
        let stored = cache
            .store
            .run(move |conn| register_cache::put(conn, register, &operation, &key, &answer))
            .await;
        if let Err(e) = stored {
            tracing::warn!(error = %e, "register answer not cached");
        }
    }

    /// Sends the request until it gets an answer that is not a transport failure or a
    /// passing 5xx, or the attempts run out; the breaker counts lookups that failed that way.
    async fn exchange<B>(&self, request: &Request<B>) -> Result<Reply, LookupError>
    where
        B: Fn(&reqwest::Client) -> reqwest::RequestBuilder,
    {
        let trial = self
            .breaker
            .admit()
            .map_err(|()| LookupError::CircuitOpen {
                register: self.register,
            })?;
        // A caller that goes away mid-call (a cancelled RPC) drops this future: the trial
        // is released all the same, or the circuit would stay open until a restart.
        let _release = TrialRelease {
            breaker: &self.breaker,
            trial,
        };
        let sent = AtomicU32::new(0);
        // Every failure `attempt` reports is a retryable one: a transport error or a 5xx
        // that is not the register's final word.
        let attempt = || async {
            sent.fetch_add(1, Ordering::Relaxed);
            match self.send_once(request).await {
                Ok((status, body)) if status < 500 || (request.final_5xx)(&body) => {
                    Ok((status, body))
                }
                Ok((status, _)) => Err(format!("HTTP {status}")),
                Err(e) => Err(e),
            }
        };
        let answered = attempt
            .retry(backoff(&self.retry))
            .notify(|error, wait| tracing::debug!(error = %error, ?wait, "retrying"))
            .await;
        let attempts = sent.load(Ordering::Relaxed);
        match answered {
            Ok((status, body)) => {
                self.breaker.succeeded();
                Ok(Reply {
                    status,
                    body,
                    fetched_at: self.clock.now(),
                    attempts,
                })
            }
            Err(last) => {
                self.breaker.failed(trial);
                Err(LookupError::Unavailable {
                    register: self.register,
                    attempts,
                    last,
                })
            }
        }
    }

    async fn send_once<B>(&self, request: &Request<B>) -> Result<(u16, String), String>
    where
        B: Fn(&reqwest::Client) -> reqwest::RequestBuilder,
    {
        let response = (request.build)(&self.http).send().await.map_err(describe)?;
        let status = response.status().as_u16();
        let body = response.text().await.map_err(describe)?;
        Ok((status, body))
    }
}

/// A transport error in words, without the URL (it may carry a query with a name).
fn describe(error: reqwest::Error) -> String {
    let kind = if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "connection failed"
    } else if error.is_body() || error.is_decode() {
        "answer cut off"
    } else if error.is_request() {
        "connection dropped"
    } else {
        "transport error"
    };
    let mut detail = String::new();
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        detail = cause.to_string();
        source = cause.source();
    }
    if detail.is_empty() {
        kind.to_owned()
    } else {
        format!("{kind}: {detail}")
    }
}

/// The waits between the attempts of `policy`: `first_backoff`, then twice as long each
/// time up to `max_backoff`; `attempts - 1` of them.
fn backoff(policy: &RetryPolicy) -> ExponentialBuilder {
    ExponentialBuilder::new()
        .with_min_delay(policy.first_backoff)
        .with_max_delay(policy.max_backoff)
        .with_factor(2.0)
        .with_max_times(policy.attempts.max(1) as usize - 1)
}

fn error_kind(error: &LookupError) -> &'static str {
    match error {
        LookupError::Unavailable { .. } => "unavailable",
        LookupError::CircuitOpen { .. } => "circuit_open",
        LookupError::Malformed { .. } => "malformed",
        LookupError::Rejected { .. } => "rejected",
    }
}

/// A circuit breaker: after `failures` failed lookups in a row the register is left alone
/// for `cooldown`; then one trial lookup goes through, and its outcome closes or reopens the
/// circuit. Monotonic time (`tokio::time::Instant`), not the case clock: it measures how
/// long a remote service has been failing, not legal time.
struct Breaker {
    policy: BreakerPolicy,
    state: Mutex<BreakerState>,
}

#[derive(Default)]
struct BreakerState {
    failures: u32,
    open_until: Option<Instant>,
    trial_in_flight: bool,
}

impl Breaker {
    fn new(policy: BreakerPolicy) -> Self {
        Self {
            policy,
            state: Mutex::new(BreakerState::default()),
        }
    }

    /// Whether a call may go out; `Ok(true)` for the one trial call of a half-open circuit.
    fn admit(&self) -> Result<bool, ()> {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        match state.open_until {
            None => Ok(false),
            Some(until) if Instant::now() < until => Err(()),
            Some(_) if state.trial_in_flight => Err(()),
            Some(_) => {
                state.trial_in_flight = true;
                Ok(true)
            }
        }
    }

    fn succeeded(&self) {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        *state = BreakerState::default();
    }

    fn failed(&self, was_trial: bool) {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        state.failures += 1;
        if was_trial {
            state.trial_in_flight = false;
        }
        if state.failures >= self.policy.failures.max(1) {
            state.open_until = Some(Instant::now() + self.policy.cooldown);
        }
    }
}

/// Ends a half-open circuit's trial call when the call ends, however it ends.
struct TrialRelease<'a> {
    breaker: &'a Breaker,
    trial: bool,
}

impl Drop for TrialRelease<'_> {
    fn drop(&mut self) {
        if self.trial {
            let mut state = self.breaker.state.lock().unwrap_or_else(|p| p.into_inner());
            state.trial_in_flight = false;
        }
    }
}

/// How long to wait for one attempt, as reqwest wants it.
pub(crate) fn http_client(
    timeout: Duration,
    extra_roots: &[reqwest::Certificate],
) -> Result<reqwest::Client, reqwest::Error> {
    let mut builder = reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(timeout)
        .user_agent(concat!("exploot/", env!("CARGO_PKG_VERSION")));
    for root in extra_roots {
        builder = builder.add_root_certificate(root.clone());
    }
    builder.build()
}

#[cfg(test)]
mod tests {
    use backon::BackoffBuilder;

    use super::*;

    #[test]
    fn breaker_opens_after_repeated_failures_and_lets_one_trial_through() {
        let breaker = Breaker::new(BreakerPolicy {
            failures: 2,
            cooldown: Duration::ZERO,
        });
        assert_eq!(breaker.admit(), Ok(false));
        breaker.failed(false);
        assert_eq!(breaker.admit(), Ok(false));
        breaker.failed(false);
        // Cooldown zero: half-open at once, one trial only.
        assert_eq!(breaker.admit(), Ok(true));
        assert_eq!(breaker.admit(), Err(()));
        breaker.failed(true);
        assert_eq!(breaker.admit(), Ok(true));
        breaker.succeeded();
        assert_eq!(breaker.admit(), Ok(false));
        assert_eq!(breaker.admit(), Ok(false));
        // A trial whose caller went away (its future dropped) lets the next one try.
        breaker.failed(false);
        breaker.failed(false);
        let trial = breaker.admit();
        assert_eq!(trial, Ok(true));
        drop(TrialRelease {
            breaker: &breaker,
            trial: true,
        });
        assert_eq!(breaker.admit(), Ok(true));
    }

    #[test]
    fn the_waits_double_up_to_the_cap_and_stop_with_the_attempts() {
        let waits = |attempts, first, max| -> Vec<Duration> {
            backoff(&RetryPolicy {
                attempts,
                first_backoff: Duration::from_millis(first),
                max_backoff: Duration::from_millis(max),
            })
            .build()
            .collect()
        };
        let ms = Duration::from_millis;
        assert_eq!(
            waits(6, 500, 5_000),
            [ms(500), ms(1_000), ms(2_000), ms(4_000), ms(5_000)]
        );
        assert_eq!(waits(3, 5, 20), [ms(5), ms(10)]);
        assert_eq!(waits(1, 500, 5_000), [], "one attempt: no retry");
        assert_eq!(waits(0, 500, 5_000), [], "zero counts as one");
    }

    #[test]
    fn an_open_breaker_refuses_until_the_cooldown_is_over() {
        let breaker = Breaker::new(BreakerPolicy {
            failures: 1,
            cooldown: Duration::from_secs(3600),
        });
        breaker.failed(false);
        assert_eq!(breaker.admit(), Err(()));
    }
}
