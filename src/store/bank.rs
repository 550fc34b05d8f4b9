//! Bank statement entries as imported, and the lookups that match one to its case. An
//! entry is stored once per (account, bank reference): the unique key that makes a
//! statement imported twice book nothing twice.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::{bank_entries, cases, parties, payments};
use super::{DbConnection, StoreError};

/// What became of an entry, as stored in `bank_entries.outcome`.
pub mod outcome {
    /// Booked as a payment of its case.
    pub const BOOKED: &str = "booked";
    /// Booked, then taken back by a later entry.
    pub const REVERSED: &str = "reversed";
    /// A storno or return that reversed a booked payment.
    pub const REVERSAL: &str = "reversal";
    /// No case found: an unmatched_payment task is open.
    pub const UNMATCHED: &str = "unmatched";
    /// More than one case fits: an unmatched_payment task is open.
    pub const AMBIGUOUS: &str = "ambiguous";
    /// A person resolved the task to "refund": the money goes back to the payer.
    pub const REFUND: &str = "refund";
    /// Not a debtor's payment (a transfer out, pending or information only).
    pub const SKIPPED: &str = "skipped";
}

/// A `bank_entries` row.
#[derive(Insertable, Queryable, Selectable, Debug, Clone, PartialEq, Eq)]
#[diesel(table_name = bank_entries)]
pub struct BankEntryRow {
    pub id: String,
    pub account: String,
    pub reference: String,
    pub message_id: String,
    pub booking_date: NaiveDate,
    pub amount_cents: i64,
    /// `credit` or `debit`.
    pub direction: String,
    pub reversal: bool,
    pub return_reason: String,
    pub debtor_name: String,
    pub debtor_iban: String,
    pub creditor_reference: String,
    pub remittance: String,
    pub end_to_end_id: String,
    pub outcome: String,
    pub case_id: Option<String>,
    pub payment_id: String,
    pub task_id: Option<String>,
    pub imported_at: NaiveDateTime,
}

/// Whether the entry with this bank reference of `account` was imported before.
pub fn exists(conn: &mut DbConnection, account: &str, reference: &str) -> Result<bool, StoreError> {
    Ok(bank_entries::table
        .filter(bank_entries::account.eq(account))
        .filter(bank_entries::reference.eq(reference))
        .count()
        .get_result::<i64>(conn)?
        > 0)
}

/// The booking date, amount and direction of the entry stored under `reference`, if any.
pub fn stored_as(
    conn: &mut DbConnection,
    account: &str,
    reference: &str,
) -> Result<Option<(NaiveDate, i64, String)>, StoreError> {
    Ok(bank_entries::table
        .filter(bank_entries::account.eq(account))
        .filter(bank_entries::reference.eq(reference))
        .select((
            bank_entries::booking_date,
            bank_entries::amount_cents,
            bank_entries::direction,
        ))
        .first(conn)
        .optional()?)
}

/// Stores an entry.
pub fn insert(conn: &mut DbConnection, row: &BankEntryRow) -> Result<(), StoreError> {
    diesel::insert_into(bank_entries::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// The entry whose task is `task_id`.
pub fn by_task(conn: &mut DbConnection, task_id: &str) -> Result<Option<BankEntryRow>, StoreError> {
    Ok(bank_entries::table
        .filter(bank_entries::task_id.eq(task_id))
        .select(BankEntryRow::as_select())
        .first(conn)
        .optional()?)
}

/// Records what became of an entry.
pub fn set_outcome(
    conn: &mut DbConnection,
    id: &str,
    outcome: &str,
    case_id: Option<&str>,
    payment_id: &str,
) -> Result<(), StoreError> {
    diesel::update(bank_entries::table.find(id))
        .set((
            bank_entries::outcome.eq(outcome),
            bank_entries::case_id.eq(case_id),
            bank_entries::payment_id.eq(payment_id),
        ))
        .execute(conn)?;
    Ok(())
}

/// The credits of `account` with one of `outcomes` that a storno of `amount_cents` may
/// take back, latest first: the caller picks by end-to-end id, reference or payer.
pub fn credits_to_take_back(
    conn: &mut DbConnection,
    account: &str,
    amount_cents: i64,
    outcomes: &[&str],
) -> Result<Vec<BankEntryRow>, StoreError> {
    Ok(bank_entries::table
        .filter(bank_entries::account.eq(account))
        .filter(bank_entries::outcome.eq_any(outcomes))
        .filter(bank_entries::direction.eq("credit"))
        .filter(bank_entries::amount_cents.eq(amount_cents))
        .order((
            bank_entries::booking_date.desc(),
            bank_entries::imported_at.desc(),
        ))
        .select(BankEntryRow::as_select())
        .load(conn)?)
}

/// The ids of the cases not closed whose debtor pays from `iban`.
pub fn open_cases_of_debtor_iban(
    conn: &mut DbConnection,
    iban: &str,
) -> Result<Vec<String>, StoreError> {
    let of_iban: Vec<String> = parties::table
        .filter(parties::role.eq(super::cases::DEBTOR))
        .filter(parties::iban.eq(iban))
        .select(parties::case_id)
        .load(conn)?;
    Ok(cases::table
        .filter(cases::id.eq_any(of_iban))
        .filter(cases::stage.ne("closed"))
        .select(cases::id)
        .order(cases::id)
        .load(conn)?)
}

/// The case whose payment reference (betalingskenmerk, 16 digits) is `reference`.
pub fn case_by_payment_reference(
    conn: &mut DbConnection,
    reference: &str,
) -> Result<Option<String>, StoreError> {
    Ok(cases::table
        .filter(cases::payment_reference.eq(reference))
        .select(cases::id)
        .first(conn)
        .optional()?)
}

/// Marks a payment of the ledger as taken back on `on`.
pub fn mark_reversed(
    conn: &mut DbConnection,
    payment_row_id: &str,
    on: NaiveDate,
) -> Result<(), StoreError> {
    diesel::update(payments::table.find(payment_row_id))
        .set(payments::reversed_on.eq(Some(on)))
        .execute(conn)?;
    Ok(())
}

/// Writes a payment's allocation again (after an earlier payment was reversed).
pub fn set_allocation(
    conn: &mut DbConnection,
    payment_row_id: &str,
    allocation: &str,
) -> Result<(), StoreError> {
    diesel::update(payments::table.find(payment_row_id))
        .set(payments::allocation.eq(allocation))
        .execute(conn)?;
    Ok(())
}
