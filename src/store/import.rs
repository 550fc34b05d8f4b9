//! Batch imports: many new cases in a few statements. A client's import of a hundred
//! thousand claims must not cost a hundred thousand round trips per table, so references
//! are looked up for a whole batch in one query and the rows of every table are written
//! with multi-row inserts. What is written per case is the same as [`super::cases::insert`]
//! (both build their rows with `cases::rows`).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, Text};

use super::jobs::JobRow;
use super::rows::{CaseRow, InvoiceRow, PartyRow};
use super::schema::{case_events, cases, invoices, jobs, parties};
use super::{DbConnection, StoreError, db_instant};
use crate::case::{CloseReason, NewCase, Stage, Suspension};

/// Rows per prepared multi-row insert on SQLite (at most 20 columns: 1,280 parameters,
/// far under SQLite's limit of 32,766).
const ROWS_PER_STATEMENT: usize = 64;

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

/// A row of [`existing`]'s PostgreSQL query.
#[derive(QueryableByName)]
struct Existing {
    #[diesel(sql_type = Text)]
    client_reference: String,
    #[diesel(sql_type = Text)]
    id: String,
    #[diesel(sql_type = Text)]
    content_hash: String,
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
        let rows: Vec<(String, String, String)> = match &mut *conn {
            // Never a prepared statement on PostgreSQL (diesel prepares its DSL's
            // queries, `sql_query` it does not): PostgreSQL would settle on a generic plan
            // after five runs, made while an import's `cases` was still nearly empty (a
            // scan of the table), and keep it as the table grows until autovacuum's first
            // ANALYZE — 0.5–0.8 s a batch, a 100,000-claim import stalled from 7 s to
            // 45 s. Planned each time, it takes the (client_id, client_reference) key.
            DbConnection::Pg(c) => diesel::sql_query(
                "SELECT client_reference, id, content_hash FROM cases \
                 WHERE client_id = $1 AND client_reference = ANY($2)",
            )
            .bind::<Text, _>(client_id)
            .bind::<Array<Text>, _>(chunk)
            .load::<Existing>(c)?
            .into_iter()
            .map(|e| (e.client_reference, e.id, e.content_hash))
            .collect(),
            DbConnection::Sqlite(c) => cases::table
                .filter(cases::client_id.eq(client_id))
                .filter(cases::client_reference.eq_any(chunk))
                .select((cases::client_reference, cases::id, cases::content_hash))
                .load(c)?,
        };
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

/// The rows below are the row types of `cases::rows` and `jobs` that write `None` as NULL
/// rather than as "the column's default" (with defaults diesel falls back to one statement
/// per row on SQLite, and cannot COPY on PostgreSQL), and own their data (a statement of
/// borrowed rows has no fixed type, so diesel would not keep it prepared).
#[derive(Insertable)]
#[diesel(table_name = cases, treat_none_as_default_value = false)]
struct CaseInsert {
    id: String,
    client_id: String,
    client_reference: String,
    content_hash: String,
    stage: String,
    suspension: String,
    close_reason: Option<String>,
    close_note: String,
    debtor_kind: String,
    debtor_kvk_number: Option<String>,
    principal_cents: i64,
    received_at: chrono::NaiveDateTime,
    accepted_on: chrono::NaiveDate,
    policy_version: i64,
    version: i64,
    notes: String,
    state: String,
    created_at: chrono::NaiveDateTime,
    updated_at: chrono::NaiveDateTime,
    payment_reference: Option<String>,
}

impl From<CaseRow> for CaseInsert {
    fn from(r: CaseRow) -> Self {
        Self {
            id: r.id,
            client_id: r.client_id,
            client_reference: r.client_reference,
            content_hash: r.content_hash,
            stage: r.stage,
            suspension: r.suspension,
            close_reason: r.close_reason,
            close_note: r.close_note,
            debtor_kind: r.debtor_kind,
            debtor_kvk_number: r.debtor_kvk_number,
            principal_cents: r.principal_cents,
            received_at: r.received_at,
            accepted_on: r.accepted_on,
            policy_version: r.policy_version,
            version: r.version,
            notes: r.notes,
            state: r.state,
            created_at: r.created_at,
            updated_at: r.updated_at,
            payment_reference: r.payment_reference,
        }
    }
}

#[derive(Insertable)]
#[diesel(table_name = parties, treat_none_as_default_value = false)]
struct PartyInsert {
    case_id: String,
    role: String,
    kind: String,
    name: String,
    family_name: String,
    family_name_prefix: String,
    street: String,
    postcode: String,
    city: String,
    country: String,
    email: String,
    phone: String,
    kvk_number: String,
    date_of_birth: Option<chrono::NaiveDate>,
    iban: String,
}

impl From<PartyRow> for PartyInsert {
    fn from(r: PartyRow) -> Self {
        Self {
            case_id: r.case_id,
            role: r.role,
            kind: r.kind,
            name: r.name,
            family_name: r.family_name,
            family_name_prefix: r.family_name_prefix,
            street: r.street,
            postcode: r.postcode,
            city: r.city,
            country: r.country,
            email: r.email,
            phone: r.phone,
            kvk_number: r.kvk_number,
            date_of_birth: r.date_of_birth,
            iban: r.iban,
        }
    }
}

#[derive(Insertable)]
#[diesel(table_name = invoices, treat_none_as_default_value = false)]
struct InvoiceInsert {
    case_id: String,
    position: i32,
    number: String,
    invoice_date: Option<chrono::NaiveDate>,
    due_date: chrono::NaiveDate,
    amount_cents: i64,
}

impl From<InvoiceRow> for InvoiceInsert {
    fn from(r: InvoiceRow) -> Self {
        Self {
            case_id: r.case_id,
            position: r.position,
            number: r.number,
            invoice_date: r.invoice_date,
            due_date: r.due_date,
            amount_cents: r.amount_cents,
        }
    }
}

#[derive(Insertable)]
#[diesel(table_name = jobs, treat_none_as_default_value = false)]
pub(super) struct JobInsert {
    id: String,
    case_id: Option<String>,
    kind: String,
    payload: String,
    due_at: chrono::NaiveDateTime,
    attempts: i32,
    max_attempts: i32,
    leased_by: Option<String>,
    lease_until: Option<chrono::NaiveDateTime>,
    last_error: Option<String>,
    trace_context: Option<String>,
    created_at: chrono::NaiveDateTime,
}

impl From<JobRow> for JobInsert {
    fn from(r: JobRow) -> Self {
        Self {
            id: r.id,
            case_id: r.case_id,
            kind: r.kind,
            payload: r.payload,
            due_at: r.due_at,
            attempts: r.attempts,
            max_attempts: r.max_attempts,
            leased_by: r.leased_by,
            lease_until: r.lease_until,
            last_error: r.last_error,
            trace_context: r.trace_context,
            created_at: r.created_at,
        }
    }
}

/// A `case_events` row as written in bulk: a new case's, or a job batch's (`events`).
#[derive(Insertable)]
#[diesel(table_name = case_events, treat_none_as_default_value = false)]
pub(super) struct EventRow {
    pub(super) case_id: String,
    pub(super) sequence: i64,
    pub(super) kind: String,
    pub(super) at: chrono::NaiveDateTime,
    pub(super) actor: String,
    pub(super) stage: String,
    pub(super) suspension: String,
    pub(super) reason: String,
    pub(super) payload: String,
    pub(super) policy_version: i64,
}

/// New cases with their debtors, invoices, audit events, first jobs and search keys, as
/// the rows to write. Built before the write transaction ([`NewRows::build`], no database)
/// so that on SQLite, where one writer at a time holds the lock, the next batch is
/// decided and turned into rows while this one is written.
pub struct NewRows {
    cases: Vec<CaseInsert>,
    parties: Vec<PartyInsert>,
    invoices: Vec<InvoiceInsert>,
    events: Vec<EventRow>,
    jobs: Vec<JobInsert>,
    search: Vec<super::search::SearchRow>,
}

impl NewRows {
    /// The rows of `new` and their first `jobs`, written by `actor` at `now`.
    pub fn build(
        new: &[ImportedCase],
        jobs: &[JobRow],
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<Self, StoreError> {
        let mut rows = Self {
            cases: Vec::with_capacity(new.len()),
            parties: Vec::with_capacity(new.len()),
            invoices: Vec::with_capacity(new.len() * 2),
            events: Vec::with_capacity(new.len() * 2),
            jobs: jobs.iter().cloned().map(Into::into).collect(),
            search: Vec::with_capacity(new.len()),
        };
        for imported in new {
            let (mut case, party, invoices) =
                super::cases::rows(&imported.case, imported.content_hash.clone(), now)?;
            case.stage = imported.stage.as_str().to_owned();
            case.suspension = imported.suspension.as_str().to_owned();
            case.close_reason = imported.close_reason.map(|r| r.as_str().to_owned());
            case.close_note = imported.close_note.clone();
            case.version = imported.version;
            rows.cases.push(case.into());
            rows.parties.push(party.into());
            rows.invoices
                .extend(invoices.into_iter().map(InvoiceInsert::from));
            for (sequence, event) in (1..).zip(&imported.events) {
                rows.events.push(EventRow {
                    case_id: imported.case.id.clone(),
                    sequence,
                    kind: event.kind.clone(),
                    at: db_instant(now),
                    actor: actor.to_owned(),
                    stage: event.stage.as_str().to_owned(),
                    suspension: event.suspension.as_str().to_owned(),
                    reason: event.reason.clone(),
                    payload: event.payload.clone(),
                    policy_version: imported.case.policy_version,
                });
            }
            rows.search
                .push(super::search::SearchRow::of(&super::cases::search_keys(
                    &imported.case,
                )));
        }
        Ok(rows)
    }

    /// Writes the rows in a handful of multi-row statements. The caller holds the
    /// transaction; a reference already taken breaks the unique key and fails the whole
    /// call, so the caller can roll back and look again.
    pub fn insert(self, conn: &mut DbConnection) -> Result<(), StoreError> {
        match &mut *conn {
            // PostgreSQL: binary COPY, one per table: no statement to parse or plan, no
            // bind parameters, the rows streamed in PostgreSQL's own format.
            DbConnection::Pg(c) => {
                macro_rules! copy {
                    ($table:expr, $rows:expr) => {
                        diesel::copy_from($table)
                            .from_insertable(&$rows)
                            .execute(c)?
                    };
                }
                copy!(cases::table, self.cases);
                copy!(parties::table, self.parties);
                copy!(invoices::table, self.invoices);
                copy!(case_events::table, self.events);
                copy!(jobs::table, self.jobs);
            }
            // SQLite: multi-row inserts of a fixed number of rows, so that each table's
            // statement is prepared once per connection and reused (diesel caches a
            // statement only when its shape is fixed: an array, not a slice); the rest of
            // a batch one cached single-row statement each.
            DbConnection::Sqlite(c) => {
                macro_rules! insert_prepared {
                    ($table:expr, $rows:expr) => {{
                        let mut chunks = $rows.chunks_exact(ROWS_PER_STATEMENT);
                        for chunk in &mut chunks {
                            let chunk: &[_; ROWS_PER_STATEMENT] = chunk
                                .try_into()
                                .map_err(|_| StoreError::Corrupt("chunk".into()))?;
                            diesel::insert_into($table).values(chunk).execute(c)?;
                        }
                        for row in chunks.remainder() {
                            diesel::insert_into($table).values(row).execute(c)?;
                        }
                    }};
                }
                insert_prepared!(cases::table, self.cases);
                insert_prepared!(parties::table, self.parties);
                insert_prepared!(invoices::table, self.invoices);
                insert_prepared!(case_events::table, self.events);
                insert_prepared!(jobs::table, self.jobs);
            }
        }
        super::search::insert_rows(conn, self.search)
    }
}
