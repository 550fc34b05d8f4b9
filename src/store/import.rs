//! Batch imports: many new cases in a few statements. A client's import of a hundred
//! thousand claims must not cost a hundred thousand round trips per table, so references
//! are looked up for a whole batch in one query and the rows of every table are written
//! with multi-row inserts. What is written per case is the same as [`super::cases::insert`]
//! (both build their rows with `cases::rows`).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::jobs::JobRow;
use super::rows::{CaseRow, InvoiceRow, PartyRow};
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

/// The rows below borrow from the row types of `cases::rows` and `jobs`, and write `None`
/// as NULL rather than as "the column's default": diesel can then write a whole chunk in
/// one multi-row INSERT on SQLite too (with defaults it falls back to one statement per
/// row, building each statement's SQL again).
#[derive(Insertable)]
#[diesel(table_name = cases, treat_none_as_default_value = false)]
struct CaseInsert<'a> {
    id: &'a str,
    client_id: &'a str,
    client_reference: &'a str,
    content_hash: &'a str,
    stage: &'a str,
    suspension: &'a str,
    close_reason: Option<&'a str>,
    close_note: &'a str,
    debtor_kind: &'a str,
    debtor_kvk_number: Option<&'a str>,
    principal_cents: i64,
    received_at: chrono::NaiveDateTime,
    accepted_on: chrono::NaiveDate,
    policy_version: i64,
    version: i64,
    notes: &'a str,
    state: &'a str,
    created_at: chrono::NaiveDateTime,
    updated_at: chrono::NaiveDateTime,
    payment_reference: Option<&'a str>,
}

impl<'a> From<&'a CaseRow> for CaseInsert<'a> {
    fn from(r: &'a CaseRow) -> Self {
        Self {
            id: &r.id,
            client_id: &r.client_id,
            client_reference: &r.client_reference,
            content_hash: &r.content_hash,
            stage: &r.stage,
            suspension: &r.suspension,
            close_reason: r.close_reason.as_deref(),
            close_note: &r.close_note,
            debtor_kind: &r.debtor_kind,
            debtor_kvk_number: r.debtor_kvk_number.as_deref(),
            principal_cents: r.principal_cents,
            received_at: r.received_at,
            accepted_on: r.accepted_on,
            policy_version: r.policy_version,
            version: r.version,
            notes: &r.notes,
            state: &r.state,
            created_at: r.created_at,
            updated_at: r.updated_at,
            payment_reference: r.payment_reference.as_deref(),
        }
    }
}

#[derive(Insertable)]
#[diesel(table_name = parties, treat_none_as_default_value = false)]
struct PartyInsert<'a> {
    case_id: &'a str,
    role: &'a str,
    kind: &'a str,
    name: &'a str,
    family_name: &'a str,
    family_name_prefix: &'a str,
    street: &'a str,
    postcode: &'a str,
    city: &'a str,
    country: &'a str,
    email: &'a str,
    phone: &'a str,
    kvk_number: &'a str,
    date_of_birth: Option<chrono::NaiveDate>,
    iban: &'a str,
}

impl<'a> From<&'a PartyRow> for PartyInsert<'a> {
    fn from(r: &'a PartyRow) -> Self {
        Self {
            case_id: &r.case_id,
            role: &r.role,
            kind: &r.kind,
            name: &r.name,
            family_name: &r.family_name,
            family_name_prefix: &r.family_name_prefix,
            street: &r.street,
            postcode: &r.postcode,
            city: &r.city,
            country: &r.country,
            email: &r.email,
            phone: &r.phone,
            kvk_number: &r.kvk_number,
            date_of_birth: r.date_of_birth,
            iban: &r.iban,
        }
    }
}

#[derive(Insertable)]
#[diesel(table_name = invoices, treat_none_as_default_value = false)]
struct InvoiceInsert<'a> {
    case_id: &'a str,
    position: i32,
    number: &'a str,
    invoice_date: Option<chrono::NaiveDate>,
    due_date: chrono::NaiveDate,
    amount_cents: i64,
}

impl<'a> From<&'a InvoiceRow> for InvoiceInsert<'a> {
    fn from(r: &'a InvoiceRow) -> Self {
        Self {
            case_id: &r.case_id,
            position: r.position,
            number: &r.number,
            invoice_date: r.invoice_date,
            due_date: r.due_date,
            amount_cents: r.amount_cents,
        }
    }
}

#[derive(Insertable)]
#[diesel(table_name = jobs, treat_none_as_default_value = false)]
struct JobInsert<'a> {
    id: &'a str,
    case_id: Option<&'a str>,
    kind: &'a str,
    payload: &'a str,
    due_at: chrono::NaiveDateTime,
    attempts: i32,
    max_attempts: i32,
    leased_by: Option<&'a str>,
    lease_until: Option<chrono::NaiveDateTime>,
    last_error: Option<&'a str>,
    trace_context: Option<&'a str>,
    created_at: chrono::NaiveDateTime,
}

impl<'a> From<&'a JobRow> for JobInsert<'a> {
    fn from(r: &'a JobRow) -> Self {
        Self {
            id: &r.id,
            case_id: r.case_id.as_deref(),
            kind: &r.kind,
            payload: &r.payload,
            due_at: r.due_at,
            attempts: r.attempts,
            max_attempts: r.max_attempts,
            leased_by: r.leased_by.as_deref(),
            lease_until: r.lease_until,
            last_error: r.last_error.as_deref(),
            trace_context: r.trace_context.as_deref(),
            created_at: r.created_at,
        }
    }
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
    let cases_in: Vec<CaseInsert<'_>> = case_rows.iter().map(Into::into).collect();
    let parties_in: Vec<PartyInsert<'_>> = party_rows.iter().map(Into::into).collect();
    let invoices_in: Vec<InvoiceInsert<'_>> = invoice_rows.iter().map(Into::into).collect();
    let jobs_in: Vec<JobInsert<'_>> = jobs.iter().map(Into::into).collect();
    insert_chunks!(cases::table, cases_in, 20);
    insert_chunks!(parties::table, parties_in, 15);
    insert_chunks!(invoices::table, invoices_in, 6);
    insert_chunks!(case_events::table, event_rows, 10);
    insert_chunks!(jobs::table, jobs_in, 12);
    let keys: Vec<_> = new
        .iter()
        .map(|imported| super::cases::search_keys(&imported.case))
        .collect();
    super::search::insert(conn, &keys)
}
