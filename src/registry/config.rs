//! Which registers `serve` talks to and how patiently: built from the command line and the
//! environment. A register without a URL is served by the embedded fixture register, so
//! `exploot serve` with nothing configured never calls out.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use super::cir::CirClient;
use super::fixture::FixtureRegister;
use super::kvk::KvkClient;
use super::transport::{Cache, Transport, http_client};
use super::{InsolvencyRegister, Registry, TradeRegister};
use crate::clock::Clock;
use crate::store::Store;

/// The KvK APIs: base URL up to and including `/api` (`https://api.kvk.nl/api`, or
/// `https://api.kvk.nl/test/api` for the test environment) and the API key.
#[derive(Clone, PartialEq, Eq)]
pub struct KvkConfig {
    /// Base URL; `/v2/zoeken` and `/v1/basisprofielen/…` are appended.
    pub base_url: String,
    /// Sent as the `apikey` header.
    pub api_key: String,
}

impl fmt::Debug for KvkConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KvkConfig")
            .field("base_url", &self.base_url)
            .field("api_key", &"<redacted>")
            .finish()
    }
}

/// The insolvency register's web service: the `.asmx` URL and the WS-Security
/// UsernameToken credentials from the (free) registration at rechtspraak.nl.
#[derive(Clone, PartialEq, Eq)]
pub struct CirConfig {
    /// `https://webservice.rechtspraak.nl/cir.asmx`.
    pub url: String,
    /// Username.
    pub username: String,
    /// Password (sent as PasswordText, so only over TLS).
    pub password: String,
}

impl fmt::Debug for CirConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CirConfig")
            .field("url", &self.url)
            .field("username", &self.username)
            .field("password", &"<redacted>")
            .finish()
    }
}

/// Retries of one lookup: on timeouts, dropped connections and 5xx only, waiting
/// `first_backoff`, then twice as long each time, at most `max_backoff`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all (1 = no retry).
    pub attempts: u32,
    /// Wait before the second attempt.
    pub first_backoff: Duration,
    /// Longest wait between attempts.
    pub max_backoff: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            attempts: 3,
            first_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(5),
        }
    }
}

/// When to stop calling a register that keeps failing: after `failures` failed lookups in
/// a row, for `cooldown`; then one trial lookup decides.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BreakerPolicy {
    /// Failed lookups in a row that open the circuit.
    pub failures: u32,
    /// How long it stays open.
    pub cooldown: Duration,
}

impl Default for BreakerPolicy {
    fn default() -> Self {
        Self {
            failures: 5,
            cooldown: Duration::from_secs(60),
        }
    }
}

/// Everything about the registers that `serve` is told.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Registers {
    /// The KvK APIs; `None` = the fixture register.
    pub kvk: Option<KvkConfig>,
    /// The insolvency register; `None` = the fixture register.
    pub insolvency: Option<CirConfig>,
    /// Extra trusted root certificates (PEM): api.kvk.nl chains to the Staat der
    /// Nederlanden Private Root CA – G1, which the public root list does not hold.
    pub ca_file: Option<PathBuf>,
    /// How long one attempt may take.
    pub timeout: Duration,
    /// Retries of a lookup.
    pub retry: RetryPolicy,
    /// The circuit breaker.
    pub breaker: BreakerPolicy,
    /// How long an answer is reused from the database cache (zero = no cache).
    pub cache_ttl: Duration,
}

impl Default for Registers {
    /// The fixture register, and the real clients' defaults: 10 s per attempt, 3 attempts,
    /// answers cached for 24 hours.
    fn default() -> Self {
        Self {
            kvk: None,
            insolvency: None,
            ca_file: None,
            timeout: Duration::from_secs(10),
            retry: RetryPolicy::default(),
            breaker: BreakerPolicy::default(),
            cache_ttl: Duration::from_secs(24 * 3600),
        }
    }
}

/// A register configuration that cannot work; said at start, not at the first lookup.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A URL that does not parse or is not http(s).
    #[error("{name}: {url:?} is not an http(s) URL")]
    BadUrl {
        /// Which option.
        name: &'static str,
        /// What was given.
        url: String,
    },
    /// A URL without the credentials it needs.
    #[error("{0}")]
    MissingCredentials(&'static str),
    /// The CA file could not be read or holds no certificate.
    #[error("register CA file {path}: {detail}")]
    CaFile {
        /// The file.
        path: String,
        /// What went wrong.
        detail: String,
    },
    /// The HTTP client could not be built.
    #[error("HTTP client: {0}")]
    Http(String),
}

impl Registers {
    /// Builds the registry: a real client for each register with a URL (cached in `store`
    /// when given and the TTL is not zero), the fixture register for the others.
    pub fn build(
        &self,
        store: Option<Store>,
        clock: Arc<dyn Clock>,
    ) -> Result<Registry, ConfigError> {
        let roots = match &self.ca_file {
            None => Vec::new(),
            Some(path) => {
                let pem = std::fs::read(path).map_err(|e| ConfigError::CaFile {
                    path: path.display().to_string(),
                    detail: e.to_string(),
                })?;
                let roots = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| {
                    ConfigError::CaFile {
                        path: path.display().to_string(),
                        detail: e.to_string(),
                    }
                })?;
                if roots.is_empty() {
                    return Err(ConfigError::CaFile {
                        path: path.display().to_string(),
                        detail: "no PEM certificate in it".into(),
                    });
                }
                roots
            }
        };
        let cache = match store {
            Some(store) if !self.cache_ttl.is_zero() => Some(Cache {
                store,
                ttl: chrono::Duration::from_std(self.cache_ttl).unwrap_or(chrono::Duration::MAX),
            }),
            _ => None,
        };
        let transport =
            |register: &'static str, cache: Option<Cache>| -> Result<Transport, ConfigError> {
                let http = http_client(self.timeout, &roots)
                    .map_err(|e| ConfigError::Http(e.to_string()))?;
                Ok(Transport::new(
                    register,
                    http,
                    self.retry,
                    self.breaker,
                    cache,
                    clock.clone(),
                ))
            };
        let fixture = Arc::new(FixtureRegister::embedded(clock.clone()));
        let trade: Arc<dyn TradeRegister> = match &self.kvk {
            None => fixture.clone(),
            Some(kvk) => {
                check_url("--kvk-url", &kvk.base_url)?;
                if kvk.api_key.trim().is_empty() {
                    return Err(ConfigError::MissingCredentials(
                        "--kvk-url needs --kvk-api-key (the test environment's public key is in the README)",
                    ));
                }
                Arc::new(KvkClient::new(kvk, transport("kvk", cache.clone())?))
            }
        };
        let (insolvency, uncached): (Arc<dyn InsolvencyRegister>, Arc<dyn InsolvencyRegister>) =
            match &self.insolvency {
                None => (fixture.clone(), fixture),
                Some(cir) => {
                    check_url("--insolvency-url", &cir.url)?;
                    if cir.url.starts_with("http://") {
                        tracing::warn!(
                            "the insolvency register is configured over plain HTTP: its password travels in clear text"
                        );
                    }
                    if cir.username.is_empty() || cir.password.is_empty() {
                        return Err(ConfigError::MissingCredentials(
                            "--insolvency-url needs --insolvency-username and --insolvency-password",
                        ));
                    }
                    (
                        Arc::new(CirClient::new(cir, transport("insolvency", cache.clone())?)),
                        Arc::new(CirClient::new(cir, transport("insolvency", None)?)),
                    )
                }
            };
        Ok(Registry::new(trade, insolvency).with_uncached_insolvency(uncached))
    }

    /// In words, for the start-up log: which registers are real and which are fixtures.
    pub fn describe(&self) -> String {
        let kvk = self
            .kvk
            .as_ref()
            .map_or_else(|| "fixture".to_owned(), |k| k.base_url.clone());
        let cir = self
            .insolvency
            .as_ref()
            .map_or_else(|| "fixture".to_owned(), |c| c.url.clone());
        format!("KvK: {kvk}; insolvency register: {cir}")
    }
}

fn check_url(name: &'static str, url: &str) -> Result<(), ConfigError> {
    match reqwest::Url::parse(url) {
        Ok(parsed) if matches!(parsed.scheme(), "http" | "https") => Ok(()),
        _ => Err(ConfigError::BadUrl {
            name,
            url: url.to_owned(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_stay_out_of_debug_output() {
        let config = Registers {
            kvk: Some(KvkConfig {
                base_url: "https://api.kvk.nl/test/api".into(),
                api_key: "l7xx-secret".into(),
            }),
            insolvency: Some(CirConfig {
                url: "https://webservice.rechtspraak.nl/cir.asmx".into(),
                username: "office".into(),
                password: "hunter2".into(),
            }),
            ..Registers::default()
        };
        let text = format!("{config:?}");
        assert!(!text.contains("l7xx-secret"), "{text}");
        assert!(!text.contains("hunter2"), "{text}");
        assert!(text.contains("api.kvk.nl"));
    }

    #[test]
    fn bad_configurations_fail_at_start() {
        let clock: Arc<dyn Clock> = Arc::new(crate::clock::SystemClock);
        let no_key = Registers {
            kvk: Some(KvkConfig {
                base_url: "https://api.kvk.nl/api".into(),
                api_key: " ".into(),
            }),
            ..Registers::default()
        };
        assert!(matches!(
            no_key.build(None, clock.clone()),
            Err(ConfigError::MissingCredentials(_))
        ));
        let bad_url = Registers {
            insolvency: Some(CirConfig {
                url: "ftp://x".into(),
                username: "u".into(),
                password: "p".into(),
            }),
            ..Registers::default()
        };
        assert!(matches!(
            bad_url.build(None, clock.clone()),
            Err(ConfigError::BadUrl { .. })
        ));
        assert!(Registers::default().build(None, clock).is_ok());
    }
}
