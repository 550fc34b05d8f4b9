//! API tokens: issuing, listing and revoking them (the `exploot token` commands), and
//! telling who holds a presented one (every call under `exploot.v1`).
//!
//! A token is 244 random bits from the operating system's generator (two UUIDv4s) with an
//! `exploot_` prefix, shown once when issued. Only its SHA-256 is stored. A slow password
//! hash (argon2, bcrypt) exists to make guessing a low-entropy password expensive; nobody
//! can guess 244 random bits, so a fast hash is as safe here and lets every call find its
//! token by an indexed lookup of the hash, with nothing to compare in variable time.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use super::principal::{Principal, Role};
use crate::digest::sha256_hex;
use crate::error::AppError;
use crate::store::tokens::{self, NewToken, TokenRow};
use crate::store::{Store, admin_events, clients, transaction, utc};

/// Looked-up tokens kept at most this many; beyond it the cache starts afresh.
const CACHE_ENTRIES: usize = 10_000;

/// A token just issued: the secret (shown once, never stored) and its stored row.
#[derive(Clone, Debug)]
pub struct IssuedToken {
    /// What the holder sends as `authorization: Bearer <secret>`.
    pub secret: String,
    /// What is stored.
    pub row: TokenRow,
}

/// Why a presented token is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// No token has this secret.
    #[error(
        "the token is not known here: check that it was copied whole, or ask an admin for a new one (`exploot token create`)"
    )]
    Unknown,
    /// Past its expiry, by the service clock.
    #[error("the token expired at {0}: ask an admin for a new one (`exploot token create`)")]
    Expired(DateTime<Utc>),
    /// Revoked by an admin.
    #[error("the token was revoked at {0}: ask an admin for a new one (`exploot token create`)")]
    Revoked(DateTime<Utc>),
    /// The database could not be asked.
    #[error("cannot check the token now; retry shortly")]
    Unavailable,
    /// This address presented too many unknown tokens lately: not looked up.
    #[error(
        "too many unknown tokens from this address: wait a minute, and check the token you send"
    )]
    TooManyUnknown,
}

/// Unknown tokens an address may present in a minute: each costs a database lookup, so a
/// script trying secrets cannot keep the pool from the office's own calls.
const UNKNOWN_PER_MINUTE: u32 = 600;

/// How many unknown tokens each address presented in its current minute.
#[derive(Default)]
struct Misses {
    by_address: Mutex<HashMap<IpAddr, (Instant, u32)>>,
}

impl Misses {
    const WINDOW: Duration = Duration::from_secs(60);
    /// Addresses tracked before the stale ones are forgotten.
    const MAX_TRACKED: usize = 10_000;

    fn spent(&self, address: IpAddr) -> bool {
        let map = self.by_address.lock().unwrap_or_else(|e| e.into_inner());
        map.get(&address)
            .is_some_and(|(since, n)| since.elapsed() < Self::WINDOW && *n >= UNKNOWN_PER_MINUTE)
    }

    fn record(&self, address: IpAddr) {
        let mut map = self.by_address.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() >= Self::MAX_TRACKED {
            map.retain(|_, (since, _)| since.elapsed() < Self::WINDOW);
        }
        let entry = map.entry(address).or_insert((Instant::now(), 0));
        if entry.0.elapsed() >= Self::WINDOW {
            *entry = (Instant::now(), 0);
        }
        entry.1 += 1;
    }
}

/// Whether `secret` has the shape of an issued token: `exploot_` and 64 lowercase hex
/// digits (two UUIDv4s, see [`issue`]).
fn well_formed(secret: &str) -> bool {
    secret.strip_prefix("exploot_").is_some_and(|hex| {
        hex.len() == 64
            && hex
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

/// Issues a token of `role` (a `client` token for `client_id`, which must exist) that
/// expires at `expires_at`, created at `now` by `actor` (on the office's audit trail,
/// never the secret).
pub async fn issue(
    store: &Store,
    actor: &str,
    role: Role,
    client_id: Option<String>,
    expires_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<IssuedToken, AppError> {
    match (role, &client_id) {
        (Role::Client, None) => {
            return Err(AppError::invalid(
                "client",
                "a client token needs the client it is for (--client ID)",
            ));
        }
        (Role::Client, Some(_)) | (_, None) => {}
        (_, Some(_)) => {
            return Err(AppError::invalid(
                "client",
                "only a client token is bound to a client; leave --client out",
            ));
        }
    }
    if expires_at.is_some_and(|at| at <= now) {
        return Err(AppError::invalid("expires", "must lie in the future"));
    }
    let id = uuid::Uuid::new_v4().to_string();
    let secret = format!(
        "exploot_{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    );
    let hash = sha256_hex(secret.as_bytes());
    let actor = actor.to_owned();
    let row = store
        .run(move |conn| {
            transaction(conn, |conn| {
                if let Some(client) = &client_id
                    && !clients::exists(conn, client)?
                {
                    return Err(AppError::invalid(
                        "client",
                        &format!("no client {client:?} (create it with AdminService.PutClient)"),
                    ));
                }
                tokens::insert(
                    conn,
                    &NewToken {
                        id: &id,
                        secret_sha256: &hash,
                        role: role.as_str(),
                        client_id: client_id.as_deref(),
                        created_at: now,
                        expires_at,
                    },
                )?;
                let row = tokens::find_by_secret(conn, &hash)?
                    .ok_or_else(|| AppError::Internal("the new token vanished".into()))?;
                admin_events::append(conn, now, &actor, "token_issued", &row.id, &audited(&row))?;
                Ok(row)
            })
        })
        .await?;
    Ok(IssuedToken { secret, row })
}

/// Every token, oldest first (never a secret: none is stored).
pub async fn list(store: &Store) -> Result<Vec<TokenRow>, AppError> {
    store.run(|conn| Ok(tokens::list(conn)?)).await
}

/// Revokes token `id` at `now` for `actor` (a token revoked before keeps its first
/// revocation time).
pub async fn revoke(
    store: &Store,
    actor: &str,
    id: String,
    now: DateTime<Utc>,
) -> Result<TokenRow, AppError> {
    let actor = actor.to_owned();
    store
        .run(move |conn| {
            transaction(conn, |conn| {
                let row = tokens::revoke(conn, &id, now)?
                    .ok_or_else(|| AppError::NotFound(format!("no token {id:?}")))?;
                admin_events::append(conn, now, &actor, "token_revoked", &row.id, &audited(&row))?;
                Ok(row)
            })
        })
        .await
}

/// What the audit trail keeps of a token: who may use it for what, until when.
fn audited(row: &TokenRow) -> serde_json::Value {
    serde_json::json!({
        "role": row.role,
        "client_id": row.client_id,
        "expires_at": row.expires_at.map(|at| at.to_string()),
        "revoked_at": row.revoked_at.map(|at| at.to_string()),
    })
}

/// How many tokens exist: none means nobody can call the service yet.
pub async fn count(store: &Store) -> Result<i64, AppError> {
    store.run(|conn| Ok(tokens::count(conn)?)).await
}

/// Tells who holds a presented token. Found tokens are kept for `ttl` so a busy caller
/// costs no query per call; expiry is still judged on every call, so a cached token is
/// refused the moment it expires, while a revocation (made by the CLI, another process)
/// takes effect within `ttl`. Unknown tokens are never cached: garbage cannot fill it.
pub struct Tokens {
    store: Store,
    ttl: Duration,
    cache: Mutex<HashMap<String, (TokenRow, Instant)>>,
    misses: Misses,
}

impl Tokens {
    /// Looks tokens up in `store`, keeping found ones for `ttl` (zero: ask every time).
    pub fn new(store: Store, ttl: Duration) -> Self {
        Self {
            store,
            ttl,
            cache: Mutex::new(HashMap::new()),
            misses: Misses::default(),
        }
    }

    /// The principal holding `secret` at `now` (the service clock), or why it is refused.
    /// `from` is the caller's address, when known: one that presented too many unknown
    /// tokens in the last minute gets no further lookups (a known token it holds in the
    /// cache still passes).
    pub async fn authenticate(
        &self,
        secret: &str,
        now: DateTime<Utc>,
        from: Option<IpAddr>,
    ) -> Result<Principal, Refusal> {
        // Only what could be one of ours costs a database lookup.
        if !well_formed(secret) {
            return Err(Refusal::Unknown);
        }
        let hash = sha256_hex(secret.as_bytes());
        let row = match self.cached(&hash) {
            Some(row) => row,
            None => {
                if from.is_some_and(|address| self.misses.spent(address)) {
                    return Err(Refusal::TooManyUnknown);
                }
                let key = hash.clone();
                let found = self
                    .store
                    .run(move |conn| tokens::find_by_secret(conn, &key))
                    .await
                    .map_err(|e| {
                        // The caller is not known yet: the cause goes to the log, not to it.
                        tracing::warn!(error = %e, "token lookup failed");
                        Refusal::Unavailable
                    })?
                    .ok_or_else(|| {
                        if let Some(address) = from {
                            self.misses.record(address);
                        }
                        Refusal::Unknown
                    })?;
                self.remember(hash, found.clone());
                found
            }
        };
        if let Some(at) = row.revoked_at {
            return Err(Refusal::Revoked(utc(at)));
        }
        if let Some(at) = row.expires_at.map(utc)
            && at <= now
        {
            return Err(Refusal::Expired(at));
        }
        let role = Role::parse(&row.role).ok_or(Refusal::Unknown)?;
        Ok(Principal {
            token_id: row.id,
            role,
            client_id: row.client_id,
        })
    }

    fn cached(&self, hash: &str) -> Option<TokenRow> {
        if self.ttl.is_zero() {
            return None;
        }
        let cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        cache
            .get(hash)
            .filter(|(_, fetched)| fetched.elapsed() < self.ttl)
            .map(|(row, _)| row.clone())
    }

    fn remember(&self, hash: String, row: TokenRow) {
        if self.ttl.is_zero() {
            return;
        }
        let mut cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        if cache.len() >= CACHE_ENTRIES {
            cache.clear();
        }
        cache.insert(hash, (row, Instant::now()));
    }
}

#[cfg(test)]
mod tests {
    use super::well_formed;

    #[test]
    fn only_the_shape_of_an_issued_token_is_looked_up() {
        let issued = format!(
            "exploot_{}{}",
            uuid::Uuid::new_v4().simple(),
            uuid::Uuid::new_v4().simple()
        );
        assert!(well_formed(&issued), "{issued}");
        for bad in [
            "",
            "exploot_",
            "garbage",
            &issued[..issued.len() - 1],
            &format!("{issued}0"),
            &issued.to_uppercase(),
            &issued.replace("exploot_", "explot_x"),
        ] {
            assert!(!well_formed(bad), "{bad}");
        }
    }
}
