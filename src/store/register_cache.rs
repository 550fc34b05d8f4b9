//! The register answers cache (`register_answers`): the raw answers of the KvK and the
//! insolvency register, so that ten thousand cases of one debtor cost one call and a
//! cached answer is still the register's own words as evidence. Freshness (the TTL) is the
//! caller's business: this only reads and writes rows.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::{DbConnection, StoreError, db_instant, transaction, utc};

diesel::table! {
    /// Declared here rather than in `schema.rs`: only this module reads it.
    register_answers (register, operation, request_key) {
        register -> Text,
        operation -> Text,
        request_key -> Text,
        request -> Text,
        status -> Integer,
        body -> Text,
        fetched_at -> Timestamp,
    }
}

/// One cached answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CachedAnswer {
    /// What was asked (for the evidence; no credentials).
    pub request: String,
    /// HTTP status.
    pub status: u16,
    /// The body as received.
    pub body: String,
    /// When the register answered.
    pub fetched_at: DateTime<Utc>,
}

/// The cached answer to a request, however old.
pub fn get(
    conn: &mut DbConnection,
    register: &str,
    operation: &str,
    request_key: &str,
) -> QueryResult<Option<CachedAnswer>> {
    use register_answers::dsl as t;
    let row: Option<(String, i32, String, chrono::NaiveDateTime)> = t::register_answers
        .filter(t::register.eq(register))
        .filter(t::operation.eq(operation))
        .filter(t::request_key.eq(request_key))
        .select((t::request, t::status, t::body, t::fetched_at))
        .first(conn)
        .optional()?;
    Ok(row.map(|(request, status, body, fetched_at)| CachedAnswer {
        request,
        status: u16::try_from(status).unwrap_or(0),
        body,
        fetched_at: utc(fetched_at),
    }))
}

/// Stores an answer, replacing an older one to the same request.
pub fn put(
    conn: &mut DbConnection,
    register: &str,
    operation: &str,
    request_key: &str,
    answer: &CachedAnswer,
) -> Result<(), StoreError> {
    use register_answers::dsl as t;
    transaction(conn, |conn| {
        diesel::delete(
            t::register_answers
                .filter(t::register.eq(register))
                .filter(t::operation.eq(operation))
                .filter(t::request_key.eq(request_key)),
        )
        .execute(conn)?;
        diesel::insert_into(t::register_answers)
            .values((
                t::register.eq(register),
                t::operation.eq(operation),
                t::request_key.eq(request_key),
                t::request.eq(&answer.request),
                t::status.eq(i32::from(answer.status)),
                t::body.eq(&answer.body),
                t::fetched_at.eq(db_instant(answer.fetched_at)),
            ))
            .execute(conn)?;
        Ok(())
    })
}
