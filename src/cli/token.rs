//! `exploot token create|list|revoke`: the operator's hand on the API tokens, straight on
//! the database (so the first admin token can be made before anyone can call the server).
//! `create` prints the token once on stdout and never again; `list` shows everything but
//! the token, which is not stored.

use chrono::{DateTime, NaiveDate, Utc};

use crate::clock::{Clock, SystemClock, amsterdam_start_of};
use crate::error::AppError;
use crate::store::tokens::TokenRow;
use crate::store::{Store, utc};
use crate::workflow::Role;
use crate::workflow::tokens::{self, IssuedToken};

/// Opens and migrates the database at `url` (a fresh one gets its tables).
pub fn open(url: &str) -> Result<Store, String> {
    let store = Store::open(url, 1).map_err(|e| e.to_string())?;
    store.migrate().map_err(|e| e.to_string())?;
    Ok(store)
}

/// `--expires`: an RFC 3339 instant, or a date meaning through the end of that day in
/// Amsterdam.
pub fn parse_expiry(text: &str) -> Result<DateTime<Utc>, String> {
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Ok(at.with_timezone(&Utc));
    }
    let day: NaiveDate = text.parse().map_err(|_| {
        format!("--expires {text}: expected an RFC 3339 instant or a date (YYYY-MM-DD)")
    })?;
    let next = day
        .succ_opt()
        .ok_or_else(|| format!("--expires {text}: out of range"))?;
    Ok(amsterdam_start_of(next))
}

/// Issues a token; on stdout goes the token alone (`TOKEN=$(exploot token create …)`), the
/// rest is for the operator's eyes on stderr.
pub async fn create(
    store: &Store,
    role: &str,
    client: Option<String>,
    expires: Option<&str>,
) -> Result<IssuedToken, String> {
    let role = Role::parse(role).ok_or_else(|| {
        format!("--role {role}: expected case_handler, front_office, client or admin")
    })?;
    let expires_at = expires.map(parse_expiry).transpose()?;
    let actor = super::user::cli_actor();
    tokens::issue(store, &actor, role, client, expires_at, SystemClock.now())
        .await
        .map_err(describe)
}

/// The tokens as a table: id, role, client, created, expires, revoked.
pub async fn list(store: &Store) -> Result<String, String> {
    let rows = tokens::list(store).await.map_err(describe)?;
    let mut out = format!(
        "{:<36}  {:<12}  {:<16}  {:<20}  {:<20}  {}\n",
        "id", "role", "client", "created", "expires", "revoked"
    );
    for row in rows {
        out.push_str(&line(&row));
    }
    Ok(out)
}

/// Revokes token `id`: refused from now on (by a running server within its token cache
/// time, five seconds by default).
pub async fn revoke(store: &Store, id: String) -> Result<String, String> {
    let row = tokens::revoke(store, &super::user::cli_actor(), id, SystemClock.now())
        .await
        .map_err(describe)?;
    Ok(format!(
        "token {} ({}) revoked at {}\n",
        row.id,
        row.role,
        when(row.revoked_at)
    ))
}

/// One line of `token list`.
pub fn line(row: &TokenRow) -> String {
    format!(
        "{:<36}  {:<12}  {:<16}  {:<20}  {:<20}  {}\n",
        row.id,
        row.role,
        row.client_id.as_deref().unwrap_or("-"),
        when(Some(row.created_at)),
        when(row.expires_at),
        when(row.revoked_at)
    )
}

fn when(at: Option<chrono::NaiveDateTime>) -> String {
    at.map_or_else(
        || "-".to_owned(),
        |at| utc(at).format("%Y-%m-%dT%H:%M:%SZ").to_string(),
    )
}

/// An error as one line for the operator, naming each bad option.
fn describe(error: AppError) -> String {
    match error {
        AppError::Invalid(violations) => violations
            .iter()
            .map(|v| format!("--{}: {}", v.field, v.description))
            .collect::<Vec<_>>()
            .join("; "),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_expiry_date_lasts_through_that_day_in_amsterdam() {
        assert_eq!(
            parse_expiry("2026-07-01").ok(),
            DateTime::parse_from_rfc3339("2026-07-01T22:00:00Z")
                .ok()
                .map(|t| t.with_timezone(&Utc))
        );
        assert_eq!(
            parse_expiry("2026-01-01T12:00:00+01:00").ok(),
            DateTime::parse_from_rfc3339("2026-01-01T11:00:00Z")
                .ok()
                .map(|t| t.with_timezone(&Utc))
        );
        assert!(parse_expiry("next week").is_err());
    }
}
