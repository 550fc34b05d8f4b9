//! The office's statutory interest rate rows (`office_rates`) and the rate table in force:
//! the built-in rows (`law::rates`) with the office's merged over them.
//!
//! Why no version counter: the office's rows are a handful (two a year at most), so
//! reading them all is as cheap as reading a counter, and what is read is what is in
//! force — on every instance sharing the database, from the next quote on, without a
//! restart. The merge is kept in a small process-wide cache keyed by the rows read, so it
//! is only redone when they change (and stays right with several databases in one
//! process: other rows, another merge).

use std::sync::{LazyLock, Mutex};

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;

use super::schema::{cases, invoices, office_rates};
use super::{DbConnection, StoreError, db_instant, utc};
use crate::case::Stage;
use crate::law::rates::{Rate, RateRow, RateSeries, RateStatus, RateTable};

/// A rate row the office added.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OfficeRate {
    /// A UUIDv7.
    pub id: String,
    /// The series.
    pub series: RateSeries,
    /// First day in force.
    pub valid_from: NaiveDate,
    /// The yearly rate.
    pub rate: Rate,
    /// Where the figure comes from (e.g. the Staatscourant publication).
    pub source: String,
    /// Added with the explicit override a row from today or earlier needs.
    pub override_past: bool,
    /// Who added it: `token:<id>/<role>`.
    pub added_by: String,
    /// When (the service clock).
    pub added_at: DateTime<Utc>,
}

impl OfficeRate {
    /// The row as the law's rate table takes it.
    pub fn to_law(&self) -> RateRow {
        RateRow {
            series: self.series,
            valid_from: self.valid_from,
            rate: self.rate,
            status: RateStatus::Office,
            note: format!(
                "added by {} at {}",
                self.added_by,
                self.added_at.to_rfc3339()
            ),
            source: self.source.clone(),
        }
    }
}

type Stored = (
    String,
    String,
    NaiveDate,
    i64,
    String,
    bool,
    String,
    chrono::NaiveDateTime,
);

/// Stores a new row.
pub fn insert(conn: &mut DbConnection, row: &OfficeRate) -> Result<(), StoreError> {
    use office_rates::dsl as r;
    diesel::insert_into(r::office_rates)
        .values((
            r::id.eq(&row.id),
            r::series.eq(row.series.as_str()),
            r::valid_from.eq(row.valid_from),
            r::rate_bp.eq(i64::from(row.rate.basis_points())),
            r::source.eq(&row.source),
            r::override_past.eq(row.override_past),
            r::added_by.eq(&row.added_by),
            r::added_at.eq(db_instant(row.added_at)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Every row the office added, in the order added.
pub fn office_rows(conn: &mut DbConnection) -> Result<Vec<OfficeRate>, StoreError> {
    use office_rates::dsl as r;
    let stored: Vec<Stored> = r::office_rates
        .order((r::added_at, r::id))
        .select((
            r::id,
            r::series,
            r::valid_from,
            r::rate_bp,
            r::source,
            r::override_past,
            r::added_by,
            r::added_at,
        ))
        .load(conn)?;
    stored
        .into_iter()
        .map(
            |(id, series, valid_from, bp, source, override_past, added_by, added_at)| {
                let corrupt = |what: &str| StoreError::Corrupt(format!("office rate {id}: {what}"));
                Ok(OfficeRate {
                    series: RateSeries::parse(&series).ok_or_else(|| corrupt("series"))?,
                    rate: u32::try_from(bp)
                        .map(Rate::from_basis_points)
                        .map_err(|_| corrupt("rate"))?,
                    id,
                    valid_from,
                    source,
                    override_past,
                    added_by,
                    added_at: utc(added_at),
                })
            },
        )
        .collect()
}

/// A merge: the office rows it was made of and the table.
type Merged = (Vec<OfficeRate>, RateTable);

/// The last merge.
static CACHE: LazyLock<Mutex<Option<Merged>>> = LazyLock::new(|| Mutex::new(None));

/// The rate table in force: the built-in rows with the office's merged over them.
pub fn table(conn: &mut DbConnection) -> Result<RateTable, StoreError> {
    let rows = office_rows(conn)?;
    if rows.is_empty() {
        return Ok(RateTable::built_in().clone());
    }
    let mut cache = CACHE
        .lock()
        .map_err(|_| StoreError::Corrupt("rate cache poisoned".into()))?;
    if let Some((cached, table)) = cache.as_ref()
        && *cached == rows
    {
        return Ok(table.clone());
    }
    let law_rows: Vec<RateRow> = rows.iter().map(OfficeRate::to_law).collect();
    let table = RateTable::built_in().with_office_rows(&law_rows);
    *cache = Some((rows, table.clone()));
    Ok(table)
}

/// The open cases with an invoice due before `day`, by id: those that earn interest on a
/// day before it (what a rate row for an earlier day may change).
pub fn open_cases_due_before(
    conn: &mut DbConnection,
    day: NaiveDate,
) -> Result<Vec<String>, StoreError> {
    let with_interest: Vec<String> = invoices::table
        .filter(invoices::due_date.lt(day))
        .select(invoices::case_id)
        .distinct()
        .load(conn)?;
    // In chunks: a query has a bounded number of parameters (SQLite 32,766).
    let mut open: Vec<String> = Vec::new();
    for chunk in with_interest.chunks(10_000) {
        let ids: Vec<String> = cases::table
            .filter(cases::stage.ne(Stage::Closed.as_str()))
            .filter(cases::id.eq_any(chunk))
            .select(cases::id)
            .load(conn)?;
        open.extend(ids);
    }
    open.sort();
    Ok(open)
}
