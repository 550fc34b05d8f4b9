//! Batch imports: many new cases in a few statements. A client's import of a hundred
//! thousand claims must not cost a hundred thousand round trips per table, so references
//! are looked up for a whole batch in one query and the rows of every table are written
//! with multi-row inserts. What is written per case is the same as [`super::cases::insert`]
//! (both build their rows with `cases::rows`).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::jobs::JobRow;
use super::schema::{case_events, cases, invoices, jobs, parties};
use super::{DbConnection, StoreError, db_instant};
use crate::case::{CloseReason, NewCase, Stage, Suspension};

/// Bind parameters per statement, under SQLite's limit (32,766) and PostgreSQL's (65,535).
const MAX_PARAMS: usize = 30_000;

/// References looked up per query.
const REFERENCES_PER_QUERY: usize = 1_000;

/// A case already stored under a client reference.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExistingCase {
    /// Its id.
    pub id: String,
    /// The fingerprint of the claim it was created from.
    pub content_hash: String,
}

/// The cases `client_id` already has under any of `references`, by reference: one query
/// per thousand references instead of one per row.
pub fn existing(
    conn: &mut DbConnection,
    client_id: &str,
    references: &[&str],
) -> Result<HashMap<String, ExistingCase>, StoreError> {
    let mut found = HashMap::with_capacity(references.len());
    for chunk in references.chunks(REFERENCES_PER_QUERY) {
        let rows: Vec<(String, String, String)> = cases::table
            .filter(cases::client_id.eq(client_id))
            .filter(cases::client_reference.eq_any(chunk))
            .select((cases::client_reference, cases::id, cases::content_hash))
            .load(conn)?;
        found.extend(
            rows.into_iter().map(|(reference, id, content_hash)| {
                (reference, ExistingCase { id, content_hash })
            }),
        );
    }
    Ok(found)
}

/// A new case of an import batch as it is to be stored: the case, its standing after the
/// track's first decision (claim accepted), and its audit events in order.
#[derive(Clone, Debug)]
pub struct ImportedCase {
    /// The case.
    pub case: NewCase,
    /// The claim's fingerprint (`Claim::fingerprint`), computed once by the caller.
    pub content_hash: String,
    /// Where the case stands once accepted.
    pub stage: Stage,
    /// Paused or not.
    pub suspension: Suspension,
    /// Why it closed, if the decision closed it.
    pub close_reason: Option<CloseReason>,
    /// With the close reason.
    pub close_note: String,
    /// The version after the events (one per transition after creation).
    pub version: i64,
    /// The audit events, sequence 1, 2, … (`case_created` first).
    pub events: Vec<ImportedEvent>,
}

/// One audit event of a new case.
#[derive(Clone, Debug)]
pub struct ImportedEvent {
    /// E.g. `case_created`.
    pub kind: String,
    /// The stage after it.
    pub stage: Stage,
    /// The suspension after it.
    pub suspension: Suspension,
    /// Why, in words.
    pub reason: String,
    /// The event's data as JSON.
    pub payload: String,
}

/// A `case_events` row as written for a new case.
#[derive(Insertable)]
#[diesel(table_name = case_events)]
struct EventRow<'a> {
    case_id: &'a str,
    sequence: i64,
    kind: &'a str,
    at: chrono::NaiveDateTime,
    actor: &'a str,
    stage: &'static str,
    suspension: &'static str,
    reason: &'a str,
    payload: &'a str,
    policy_version: i64,
}

/// Inserts new cases with their debtors, invoices, audit events and first jobs in a
/// handful of multi-row statements. The caller holds the transaction; a reference already
/// taken breaks the unique key and fails the whole call, so the caller can roll back and
/// look again.
pub fn insert_all(
    conn: &mut DbConnection,
    new: &[ImportedCase],
    jobs: &[JobRow],
    actor: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let mut case_rows = Vec::with_capacity(new.len());
    let mut party_rows = Vec::with_capacity(new.len());
    let mut invoice_rows = Vec::with_capacity(new.len() * 2);
    let mut event_rows = Vec::with_capacity(new.len() * 2);
    for imported in new {
        let (mut case, party, invoices) =
            super::cases::rows(&imported.case, imported.content_hash.clone(), now)?;
        case.stage = imported.stage.as_str().to_owned();
        case.suspension = imported.suspension.as_str().to_owned();
        case.close_reason = imported.close_reason.map(|r| r.as_str().to_owned());
        case.close_note = imported.close_note.clone();
        case.version = imported.version;
        case_rows.push(case);
        party_rows.push(party);
        invoice_rows.extend(invoices);
        for (sequence, event) in (1..).zip(&imported.events) {
            event_rows.push(EventRow {
                case_id: &imported.case.id,
                sequence,
                kind: &event.kind,
                at: db_instant(now),
                actor,
                stage: event.stage.as_str(),
                suspension: event.suspension.as_str(),
                reason: &event.reason,
                payload: &event.payload,
                policy_version: imported.case.policy_version,
            });
        }
    }
    // Multi-row inserts are backend-specific in diesel: each statement is built on the
    // concrete connection, in chunks that stay under the bind-parameter limits.
    macro_rules! insert_chunks {
        ($table:expr, $rows:expr, $columns:expr) => {
            for chunk in $rows.chunks(MAX_PARAMS / $columns) {
                let insert = diesel::insert_into($table).values(chunk);
                match &mut *conn {
                    DbConnection::Sqlite(c) => insert.execute(c)?,
                    DbConnection::Pg(c) => insert.execute(c)?,
                };
            }
        };
    }
    insert_chunks!(cases::table, case_rows, 19);
    insert_chunks!(parties::table, party_rows, 15);
    insert_chunks!(invoices::table, invoice_rows, 6);
    insert_chunks!(case_events::table, event_rows, 10);
    insert_chunks!(jobs::table, jobs, 12);
    Ok(())
}
