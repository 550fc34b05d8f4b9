//! The payments ledger: one row per payment received, with where it went. The case's
//! record carries the same payments for its figures; this table is what a bookkeeper or
//! an auditor queries across cases (what came in on a day, per client).

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::payments;
use super::{DbConnection, StoreError};

/// A `payments` row; `allocation` is JSON (cents per item).
#[derive(Insertable, Queryable, Selectable, Debug, Clone, PartialEq, Eq)]
#[diesel(table_name = payments)]
pub struct PaymentRow {
    /// `{case id}/{payment id}`: payment ids are unique within a case.
    pub id: String,
    pub case_id: String,
    pub paid_on: NaiveDate,
    pub amount_cents: i64,
    pub invoice_number: String,
    pub reference: String,
    pub allocation: String,
    pub recorded_at: NaiveDateTime,
    /// The debtor paid the client directly: the office holds none of it.
    pub paid_to_client: bool,
    /// The bank took it back on this day: it no longer counts.
    pub reversed_on: Option<NaiveDate>,
}

/// Adds `row` once: a row already there is left as it is.
pub fn insert(conn: &mut DbConnection, row: &PaymentRow) -> Result<(), StoreError> {
    let there = payments::table
        .find(&row.id)
        .count()
        .get_result::<i64>(conn)?;
    if there == 0 {
        diesel::insert_into(payments::table)
            .values(row)
            .execute(conn)?;
    }
    Ok(())
}

/// The payments of a case, in the order received.
pub fn of_case(conn: &mut DbConnection, case_id: &str) -> Result<Vec<PaymentRow>, StoreError> {
    Ok(payments::table
        .filter(payments::case_id.eq(case_id))
        .order((payments::paid_on, payments::recorded_at, payments::id))
        .select(PaymentRow::as_select())
        .load(conn)?)
}
