//! Idempotency keys: a write that carries a request_id is done once; the key is stored in
//! the same transaction as the effect, with what to answer a retry.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::schema::idempotency_keys;
use super::{DbConnection, StoreError, db_instant};

/// A stored key.
#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = idempotency_keys)]
pub struct KeyRow {
    pub scope: String,
    pub key: String,
    pub request_hash: String,
    pub response: String,
    pub created_at: chrono::NaiveDateTime,
}

/// The key, if it was used.
pub fn find(conn: &mut DbConnection, scope: &str, key: &str) -> Result<Option<KeyRow>, StoreError> {
    Ok(idempotency_keys::table
        .find((scope, key))
        .select(KeyRow::as_select())
        .first(conn)
        .optional()?)
}

/// Records a key with the fingerprint of its request and the answer (an id).
pub fn insert(
    conn: &mut DbConnection,
    scope: &str,
    key: &str,
    request_hash: &str,
    response: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::insert_into(idempotency_keys::table)
        .values((
            idempotency_keys::scope.eq(scope),
            idempotency_keys::key.eq(key),
            idempotency_keys::request_hash.eq(request_hash),
            idempotency_keys::response.eq(response),
            idempotency_keys::created_at.eq(db_instant(now)),
        ))
        .execute(conn)?;
    Ok(())
}
