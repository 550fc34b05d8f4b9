//! The office's own acts that belong to no case (`admin_events`): a client stored, a
//! policy version, the manual clock moved — who did it, when, and what it became. Written
//! in the same transaction as the change; never updated.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use super::{DbConnection, StoreError, db_instant};

diesel::table! {
    /// Declared here rather than in `schema.rs`: only this module reads it.
    admin_events (id) {
        id -> Text,
        at -> Timestamp,
        actor -> Text,
        kind -> Text,
        subject -> Text,
        payload -> Text,
    }
}

/// A stored admin event.
#[derive(Clone, Debug, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = admin_events)]
pub struct AdminEventRow {
    /// A UUIDv7: in the order written within a process, for events at one instant (a
    /// manual clock standing still).
    pub id: String,
    /// When (UTC, the service clock).
    pub at: NaiveDateTime,
    /// Who: `token:<id>/<role>`, a portal user `user:<id>/<role>`, or `cli:<OS user>`.
    pub actor: String,
    /// `client_stored`, `policy_stored`, `clock_moving` (before a move), `clock_moved`,
    /// `payout_run`, ….
    pub kind: String,
    /// What it concerns: the client id, `clock`, a payout run's id, ….
    pub subject: String,
    /// The new state as JSON.
    pub payload: String,
}

/// Appends an event.
pub fn append(
    conn: &mut DbConnection,
    at: DateTime<Utc>,
    actor: &str,
    kind: &str,
    subject: &str,
    payload: &serde_json::Value,
) -> Result<(), StoreError> {
    diesel::insert_into(admin_events::table)
        .values(AdminEventRow {
            id: super::ids::new_id(at),
            at: db_instant(at),
            actor: actor.to_owned(),
            kind: kind.to_owned(),
            subject: subject.to_owned(),
            payload: payload.to_string(),
        })
        .execute(conn)?;
    Ok(())
}

/// The events about `subject`, oldest first.
pub fn about(conn: &mut DbConnection, subject: &str) -> Result<Vec<AdminEventRow>, StoreError> {
    Ok(admin_events::table
        .filter(admin_events::subject.eq(subject))
        .order((admin_events::at, admin_events::id))
        .select(AdminEventRow::as_select())
        .load(conn)?)
}
