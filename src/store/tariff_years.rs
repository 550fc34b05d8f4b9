//! The yearly tariffs the office added (`office_tariff_years`): kanton court fees and
//! bailiff's fees, and the tables in force, the built-in years (`law::court_fees`,
//! `law::bailiff_tariffs`) with the office's merged over them.
//!
//! Read whole on every policy read, as the office's interest rates are (`store::rates`):
//! a row a year, so reading them is as cheap as reading a version counter, and what is read
//! is in force on every instance from the next act on.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use serde_json::Value;

use super::schema::office_tariff_years;
use super::{DbConnection, StoreError, db_instant, utc};
use crate::law::bailiff_tariffs::{ACTS, BailiffTariffs, BtagFigures, BtagYear};
use crate::law::court_fees::{CourtFeeFigures, CourtFeeTable, FeeYear};
use crate::law::tariff_years::{FeeStatus, TariffYear};

/// Which yearly tariff a row is of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tariff {
    /// The kanton court fees (*griffierecht*).
    CourtFees,
    /// The bailiff's fees (Btag art. 2).
    BailiffFees,
}

impl Tariff {
    /// The column's value.
    pub fn as_str(self) -> &'static str {
        match self {
            Tariff::CourtFees => "court_fees",
            Tariff::BailiffFees => "bailiff_fees",
        }
    }

    fn parse(s: &str) -> Option<Tariff> {
        [Tariff::CourtFees, Tariff::BailiffFees]
            .into_iter()
            .find(|t| t.as_str() == s)
    }
}

/// A year's figures the office added.
#[derive(Clone, Debug, PartialEq)]
pub struct OfficeTariffYear {
    /// A UUIDv7.
    pub id: String,
    /// Court fees or bailiff's fees.
    pub tariff: Tariff,
    /// The year the figures apply to.
    pub year: i32,
    /// The figures in cents as stored (see the migration): court fees `[class][payer]`,
    /// bailiff's fees one per act.
    pub figures: Value,
    /// Where the figures come from (e.g. the Staatscourant publication).
    pub source: String,
    /// Added with the explicit override a year already begun or already in the table needs.
    pub override_past: bool,
    /// Who added it: `token:<id>/<role>`.
    pub added_by: String,
    /// When (the service clock).
    pub added_at: DateTime<Utc>,
}

impl OfficeTariffYear {
    /// The year as the law's tables take it, its figures read as `F`.
    fn to_law<F>(&self, figures: F) -> TariffYear<F> {
        TariffYear {
            year: self.year,
            figures,
            source: self.source.clone(),
            status: FeeStatus::Office,
            note: format!(
                "added by {} at {}",
                self.added_by,
                self.added_at.to_rfc3339()
            ),
        }
    }

    fn corrupt(&self, e: impl std::fmt::Display) -> StoreError {
        StoreError::Corrupt(format!("{} {}: {e}", self.tariff.as_str(), self.id))
    }

    /// A court fee year.
    pub fn court_fees(&self) -> Result<FeeYear, StoreError> {
        let figures: CourtFeeFigures =
            serde_json::from_value(self.figures.clone()).map_err(|e| self.corrupt(e))?;
        Ok(self.to_law(figures))
    }

    /// A Btag year, in force from 1 January.
    pub fn bailiff_fees(&self) -> Result<BtagYear, StoreError> {
        let cents: [i64; ACTS] =
            serde_json::from_value(self.figures.clone()).map_err(|e| self.corrupt(e))?;
        let from =
            NaiveDate::from_ymd_opt(self.year, 1, 1).ok_or_else(|| self.corrupt("no such year"))?;
        Ok(self.to_law(BtagFigures {
            from,
            cents: cents.map(Some),
        }))
    }
}

/// Holds every other add until this transaction ends, so that "the year has no figures
/// yet" stays true up to the insert (PostgreSQL; on SQLite the transaction holds the
/// writer lock already).
pub fn lock_for_add(conn: &mut DbConnection) -> Result<(), StoreError> {
    if let DbConnection::Pg(c) = conn {
        diesel::sql_query("LOCK TABLE office_tariff_years IN SHARE ROW EXCLUSIVE MODE")
            .execute(c)?;
    }
    Ok(())
}

/// Stores a new row.
pub fn insert(conn: &mut DbConnection, row: &OfficeTariffYear) -> Result<(), StoreError> {
    use office_tariff_years::dsl as t;
    diesel::insert_into(t::office_tariff_years)
        .values((
            t::id.eq(&row.id),
            t::tariff.eq(row.tariff.as_str()),
            t::year.eq(row.year),
            t::figures.eq(row.figures.to_string()),
            t::source.eq(&row.source),
            t::override_past.eq(row.override_past),
            t::added_by.eq(&row.added_by),
            t::added_at.eq(db_instant(row.added_at)),
        ))
        .execute(conn)?;
    Ok(())
}

type Stored = (
    String,
    String,
    i32,
    String,
    String,
    bool,
    String,
    chrono::NaiveDateTime,
);

/// Every year the office added, of both tariffs, in the order added.
pub fn office_rows(conn: &mut DbConnection) -> Result<Vec<OfficeTariffYear>, StoreError> {
    use office_tariff_years::dsl as t;
    let stored: Vec<Stored> = t::office_tariff_years
        .order((t::added_at, t::id))
        .select((
            t::id,
            t::tariff,
            t::year,
            t::figures,
            t::source,
            t::override_past,
            t::added_by,
            t::added_at,
        ))
        .load(conn)?;
    stored
        .into_iter()
        .map(
            |(id, tariff, year, figures, source, override_past, added_by, added_at)| {
                let corrupt = |e: String| StoreError::Corrupt(format!("tariff year {id}: {e}"));
                Ok(OfficeTariffYear {
                    tariff: Tariff::parse(&tariff)
                        .ok_or_else(|| corrupt(format!("unknown tariff {tariff:?}")))?,
                    figures: serde_json::from_str(&figures).map_err(|e| corrupt(e.to_string()))?,
                    id,
                    year,
                    source,
                    override_past,
                    added_by,
                    added_at: utc(added_at),
                })
            },
        )
        .collect()
}

/// The yearly tables in force.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tables {
    /// The kanton court fees.
    pub court_fees: CourtFeeTable,
    /// The bailiff's fees.
    pub bailiff_tariffs: BailiffTariffs,
}

impl Tables {
    /// The built-in years with `office` merged over them, in the order added.
    pub fn merged(office: &[OfficeTariffYear]) -> Result<Tables, StoreError> {
        let mut court = Vec::new();
        let mut bailiff = Vec::new();
        for row in office {
            match row.tariff {
                Tariff::CourtFees => court.push(row.court_fees()?),
                Tariff::BailiffFees => bailiff.push(row.bailiff_fees()?),
            }
        }
        Ok(Tables {
            court_fees: CourtFeeTable::built_in().with_office_years(&court),
            bailiff_tariffs: BailiffTariffs::built_in().with_office_years(&bailiff),
        })
    }

    /// The year of `tariff` in force, as stored JSON with its source and status, for an
    /// audit of what an add replaces.
    pub fn in_force(&self, tariff: Tariff, year: i32) -> Option<Value> {
        fn described<F: serde::Serialize>(y: &TariffYear<F>) -> Value {
            serde_json::json!({
                "cents": y.figures,
                "source": y.source,
                "status": y.status.as_str(),
            })
        }
        match tariff {
            Tariff::CourtFees => self.court_fees.year(year).map(described),
            Tariff::BailiffFees => self.bailiff_tariffs.year(year).map(|y| {
                described(&TariffYear {
                    year: y.year,
                    figures: y.figures.cents,
                    source: y.source.clone(),
                    status: y.status,
                    note: String::new(),
                })
            }),
        }
    }
}

/// The tables in force: the built-in years with the office's merged over them.
pub fn tables(conn: &mut DbConnection) -> Result<Tables, StoreError> {
    Tables::merged(&office_rows(conn)?)
}
