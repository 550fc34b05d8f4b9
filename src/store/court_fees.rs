//! The kanton court fee tables the office added (`office_court_fees`) and the table in
//! force: the built-in years (`law::court_fees`) with the office's merged over them.
//!
//! Read whole on every policy read, as the office's interest rates are (`store::rates`):
//! a row a year, so reading them is as cheap as reading a version counter, and what is read
//! is in force on every instance from the next draft on.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::schema::office_court_fees;
use super::{DbConnection, StoreError, db_instant, utc};
use crate::law::court_fees::{CourtFeeTable, FEE_CLASSES, FeeStatus, FeeYear};

/// A year's table the office added.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OfficeCourtFees {
    /// A UUIDv7.
    pub id: String,
    /// The year of the first hearing dates it applies to.
    pub year: i32,
    /// `cents[class][payer]`, as `law::court_fees::FeeYear`.
    pub cents: [[i64; 3]; FEE_CLASSES],
    /// Where the figures come from (e.g. the Staatscourant publication).
    pub source: String,
    /// Added with the explicit override a year already begun or already in the table needs.
    pub override_past: bool,
    /// Who added it: `token:<id>/<role>`.
    pub added_by: String,
    /// When (the service clock).
    pub added_at: DateTime<Utc>,
}

impl OfficeCourtFees {
    /// The year as the law's table takes it.
    pub fn to_law(&self) -> FeeYear {
        FeeYear {
            year: self.year,
            cents: self.cents,
            source: self.source.clone(),
            status: FeeStatus::Office,
            note: format!(
                "added by {} at {}",
                self.added_by,
                self.added_at.to_rfc3339()
            ),
        }
    }
}

/// Holds every other add until this transaction ends, so that "the year has no table yet"
/// stays true up to the insert (PostgreSQL; on SQLite the transaction holds the writer
/// lock already).
pub fn lock_for_add(conn: &mut DbConnection) -> Result<(), StoreError> {
    if let DbConnection::Pg(c) = conn {
        diesel::sql_query("LOCK TABLE office_court_fees IN SHARE ROW EXCLUSIVE MODE").execute(c)?;
    }
    Ok(())
}

/// Stores a new row.
pub fn insert(conn: &mut DbConnection, row: &OfficeCourtFees) -> Result<(), StoreError> {
    use office_court_fees::dsl as f;
    let fees = serde_json::to_string(&row.cents)
        .map_err(|e| StoreError::Corrupt(format!("court fees {}: {e}", row.id)))?;
    diesel::insert_into(f::office_court_fees)
        .values((
            f::id.eq(&row.id),
            f::year.eq(row.year),
            f::fees.eq(fees),
            f::source.eq(&row.source),
            f::override_past.eq(row.override_past),
            f::added_by.eq(&row.added_by),
            f::added_at.eq(db_instant(row.added_at)),
        ))
        .execute(conn)?;
    Ok(())
}

type Stored = (
    String,
    i32,
    String,
    String,
    bool,
    String,
    chrono::NaiveDateTime,
);

/// Every year the office added, in the order added.
pub fn office_rows(conn: &mut DbConnection) -> Result<Vec<OfficeCourtFees>, StoreError> {
    use office_court_fees::dsl as f;
    let stored: Vec<Stored> = f::office_court_fees
        .order((f::added_at, f::id))
        .select((
            f::id,
            f::year,
            f::fees,
            f::source,
            f::override_past,
            f::added_by,
            f::added_at,
        ))
        .load(conn)?;
    stored
        .into_iter()
        .map(
            |(id, year, fees, source, override_past, added_by, added_at)| {
                let cents = serde_json::from_str(&fees)
                    .map_err(|e| StoreError::Corrupt(format!("court fees {id}: {e}")))?;
                Ok(OfficeCourtFees {
                    id,
                    year,
                    cents,
                    source,
                    override_past,
                    added_by,
                    added_at: utc(added_at),
                })
            },
        )
        .collect()
}

/// The table in force: the built-in years with the office's merged over them.
pub fn table(conn: &mut DbConnection) -> Result<CourtFeeTable, StoreError> {
    let rows = office_rows(conn)?;
    if rows.is_empty() {
        return Ok(CourtFeeTable::built_in().clone());
    }
    let years: Vec<FeeYear> = rows.iter().map(OfficeCourtFees::to_law).collect();
    Ok(CourtFeeTable::built_in().with_office_years(&years))
}
