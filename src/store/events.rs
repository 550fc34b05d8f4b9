//! The append-only audit log of each case (`case_events`): the dossier.

use std::collections::HashMap;

use diesel::prelude::*;

use super::import::EventRow as EventInsert;
use super::schema::case_events;
use super::{DbConnection, StoreError, db_instant};
use crate::case::{Stage, Suspension};

/// An event to append.
#[derive(Clone, Debug)]
pub struct NewEvent<'a> {
    /// The case.
    pub case_id: &'a str,
    /// What happened, e.g. `case_created`.
    pub kind: &'a str,
    /// Who did it.
    pub actor: &'a str,
    /// The stage after the event.
    pub stage: Stage,
    /// The suspension after the event.
    pub suspension: Suspension,
    /// Why, in words.
    pub reason: &'a str,
    /// The event's data and the amounts as computed then, as JSON.
    pub payload: String,
    /// The policy version the decision was taken under.
    pub policy_version: i64,
    /// When.
    pub at: chrono::DateTime<chrono::Utc>,
}

/// Appends an event with the next sequence number of its case and returns that number.
/// Call it inside the transaction that changes the case, so the two commit together.
pub fn append(conn: &mut DbConnection, event: &NewEvent<'_>) -> Result<i64, StoreError> {
    let last: Option<i64> = case_events::table
        .filter(case_events::case_id.eq(event.case_id))
        .select(diesel::dsl::max(case_events::sequence))
        .first(conn)?;
    let sequence = last.unwrap_or(0) + 1;
    diesel::insert_into(case_events::table)
        .values((
            case_events::case_id.eq(event.case_id),
            case_events::sequence.eq(sequence),
            case_events::kind.eq(event.kind),
            case_events::at.eq(db_instant(event.at)),
            case_events::actor.eq(event.actor),
            case_events::stage.eq(event.stage.as_str()),
            case_events::suspension.eq(event.suspension.as_str()),
            case_events::reason.eq(event.reason),
            case_events::payload.eq(&event.payload),
            case_events::policy_version.eq(event.policy_version),
        ))
        .execute(conn)?;
    Ok(sequence)
}

/// [`append`] for many events (of several cases, in order per case): the last sequence of
/// every case read in one query, the rows written in one binary `COPY` on PostgreSQL.
pub fn append_many(conn: &mut DbConnection, events: &[NewEvent<'_>]) -> Result<(), StoreError> {
    let mut ids: Vec<&str> = events.iter().map(|e| e.case_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let mut last: HashMap<String, i64> = case_events::table
        .filter(case_events::case_id.eq_any(&ids))
        .group_by(case_events::case_id)
        .select((
            case_events::case_id,
            diesel::dsl::max(case_events::sequence),
        ))
        .load::<(String, Option<i64>)>(conn)?
        .into_iter()
        .map(|(id, last)| (id, last.unwrap_or(0)))
        .collect();
    let rows: Vec<EventInsert> = events
        .iter()
        .map(|event| {
            let sequence = last.entry(event.case_id.to_owned()).or_insert(0);
            *sequence += 1;
            EventInsert {
                case_id: event.case_id.to_owned(),
                sequence: *sequence,
                kind: event.kind.to_owned(),
                at: db_instant(event.at),
                actor: event.actor.to_owned(),
                stage: event.stage.as_str().to_owned(),
                suspension: event.suspension.as_str().to_owned(),
                reason: event.reason.to_owned(),
                payload: event.payload.clone(),
                policy_version: event.policy_version,
            }
        })
        .collect();
    match conn {
        DbConnection::Pg(pg) => {
            diesel::copy_from(case_events::table)
                .from_insertable(&rows)
                .execute(pg)?;
        }
        DbConnection::Sqlite(lite) => {
            for row in &rows {
                diesel::insert_into(case_events::table)
                    .values(row)
                    .execute(lite)?;
            }
        }
    }
    Ok(())
}

/// A stored audit event.
#[derive(Queryable, Selectable, Debug, Clone, PartialEq, Eq)]
#[diesel(table_name = case_events)]
pub struct EventRow {
    pub case_id: String,
    pub sequence: i64,
    pub kind: String,
    pub at: chrono::NaiveDateTime,
    pub actor: String,
    pub stage: String,
    pub suspension: String,
    pub reason: String,
    pub payload: String,
    pub policy_version: i64,
}

/// Up to `limit` events of a case from sequence `from` on, in order.
pub fn list_from(
    conn: &mut DbConnection,
    case_id: &str,
    from: i64,
    limit: i64,
) -> Result<Vec<EventRow>, StoreError> {
    Ok(case_events::table
        .filter(case_events::case_id.eq(case_id))
        .filter(case_events::sequence.ge(from))
        .order(case_events::sequence.asc())
        .limit(limit)
        .select(EventRow::as_select())
        .load(conn)?)
}

/// A case's audit events of one kind, oldest first.
pub fn list_kind(
    conn: &mut DbConnection,
    case_id: &str,
    kind: &str,
) -> Result<Vec<EventRow>, StoreError> {
    Ok(case_events::table
        .filter(case_events::case_id.eq(case_id))
        .filter(case_events::kind.eq(kind))
        .order(case_events::sequence.asc())
        .select(EventRow::as_select())
        .load(conn)?)
}
