//! API tokens (`tokens`): who may call the service, by the SHA-256 of the token they hold.
//! The token itself is never written here; see `workflow::tokens` for why a plain SHA-256
//! is enough.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use super::{DbConnection, StoreError, db_instant};

diesel::table! {
    /// Declared here rather than in `schema.rs`: only this module reads it.
    tokens (id) {
        id -> Text,
        secret_sha256 -> Text,
        role -> Text,
        client_id -> Nullable<Text>,
        created_at -> Timestamp,
        expires_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

/// A stored token: everything but the secret.
#[derive(Clone, Debug, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = tokens)]
pub struct TokenRow {
    /// Public id, named in audit events and by `exploot token revoke`.
    pub id: String,
    /// `case_handler`, `front_office`, `client` or `admin`.
    pub role: String,
    /// The one client a `client` token may see; `None` for the office's roles.
    pub client_id: Option<String>,
    /// When it was issued (UTC).
    pub created_at: NaiveDateTime,
    /// Refused from this instant on (UTC), if set.
    pub expires_at: Option<NaiveDateTime>,
    /// Refused since this instant (UTC), if set.
    pub revoked_at: Option<NaiveDateTime>,
}

/// A token to store.
#[derive(Clone, Debug)]
pub struct NewToken<'a> {
    /// Public id.
    pub id: &'a str,
    /// SHA-256 of the token, lowercase hex.
    pub secret_sha256: &'a str,
    /// The role.
    pub role: &'a str,
    /// The client of a `client` token.
    pub client_id: Option<&'a str>,
    /// Issued at.
    pub created_at: DateTime<Utc>,
    /// Expires at.
    pub expires_at: Option<DateTime<Utc>>,
}

/// Stores a new token.
pub fn insert(conn: &mut DbConnection, token: &NewToken<'_>) -> Result<(), StoreError> {
    use tokens::dsl as t;
    diesel::insert_into(t::tokens)
        .values((
            t::id.eq(token.id),
            t::secret_sha256.eq(token.secret_sha256),
            t::role.eq(token.role),
            t::client_id.eq(token.client_id),
            t::created_at.eq(db_instant(token.created_at)),
            t::expires_at.eq(token.expires_at.map(db_instant)),
        ))
        .execute(conn)?;
    Ok(())
}

/// The token whose secret hashes to `secret_sha256`.
pub fn find_by_secret(
    conn: &mut DbConnection,
    secret_sha256: &str,
) -> Result<Option<TokenRow>, StoreError> {
    use tokens::dsl as t;
    Ok(t::tokens
        .filter(t::secret_sha256.eq(secret_sha256))
        .select(TokenRow::as_select())
        .first(conn)
        .optional()?)
}

/// Whether token `id` still holds at `now`: there, not revoked, not expired.
pub fn in_force(conn: &mut DbConnection, id: &str, now: DateTime<Utc>) -> Result<bool, StoreError> {
    use tokens::dsl as t;
    let row: Option<TokenRow> = t::tokens
        .find(id)
        .select(TokenRow::as_select())
        .first(conn)
        .optional()?;
    Ok(row.is_some_and(|r| {
        r.revoked_at.is_none() && r.expires_at.is_none_or(|at| at > db_instant(now))
    }))
}

/// Every token, oldest first.
pub fn list(conn: &mut DbConnection) -> Result<Vec<TokenRow>, StoreError> {
    use tokens::dsl as t;
    Ok(t::tokens
        .order((t::created_at, t::id))
        .select(TokenRow::as_select())
        .load(conn)?)
}

/// Marks a token revoked at `at` unless it already is; the token as it now stands, or
/// `None` when there is no such token.
pub fn revoke(
    conn: &mut DbConnection,
    id: &str,
    at: DateTime<Utc>,
) -> Result<Option<TokenRow>, StoreError> {
    use tokens::dsl as t;
    diesel::update(t::tokens.find(id).filter(t::revoked_at.is_null()))
        .set(t::revoked_at.eq(Some(db_instant(at))))
        .execute(conn)?;
    Ok(t::tokens
        .find(id)
        .select(TokenRow::as_select())
        .first(conn)
        .optional()?)
}

/// How many tokens there are (revoked and expired ones included).
pub fn count(conn: &mut DbConnection) -> Result<i64, StoreError> {
    Ok(tokens::table.count().get_result(conn)?)
}
