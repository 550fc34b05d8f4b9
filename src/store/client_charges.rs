//! Costs of a case for the client's own account (`case::track::ClientCharge`): one row per
//! charge, written once with the decision that recorded it; the payout run reads them.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::client_charges;
use super::{DbConnection, StoreError};

/// A `client_charges` row.
#[derive(Insertable, Queryable, Selectable, Debug, Clone, PartialEq, Eq)]
#[diesel(table_name = client_charges)]
pub struct ChargeRow {
    /// `{case id}/{charge id}`: charge ids are unique within a case.
    pub id: String,
    pub case_id: String,
    pub incurred_on: NaiveDate,
    pub amount_cents: i64,
    pub description: String,
    pub recorded_at: NaiveDateTime,
}

/// Adds `row` once: a row already there is left as it is.
pub fn insert(conn: &mut DbConnection, row: &ChargeRow) -> Result<(), StoreError> {
    let there = client_charges::table
        .find(&row.id)
        .count()
        .get_result::<i64>(conn)?;
    if there == 0 {
        diesel::insert_into(client_charges::table)
            .values(row)
            .execute(conn)?;
    }
    Ok(())
}

/// Every charge incurred on or before `up_to`, oldest first.
pub fn up_to(conn: &mut DbConnection, up_to: NaiveDate) -> Result<Vec<ChargeRow>, StoreError> {
    Ok(client_charges::table
        .filter(client_charges::incurred_on.le(up_to))
        .order((client_charges::incurred_on, client_charges::id))
        .select(ChargeRow::as_select())
        .load(conn)?)
}
