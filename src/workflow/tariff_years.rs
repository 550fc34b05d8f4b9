//! The office's yearly tariffs: adding a year of kanton court fees
//! (`AdminService.AddCourtFees`) or of bailiff's fees (`AddBailiffTariffs`), and the tables
//! in force (`ListCourtFees`, `ListBailiffTariffs`, and every draft and act through the
//! policy).
//!
//! A year already begun, or one the table already has, is a correction: what was drafted
//! or charged before keeps its figure (it is what the writ says), so the admin must say it
//! is meant (`override`).

use serde_json::{Value, json};

use super::{Actor, App};
use crate::case::FieldViolation;
use crate::clock::amsterdam_local;
use crate::error::AppError;
use crate::law::bailiff_tariffs::{ACTS, BtagYear};
use crate::law::court_fees::{CourtFeeFigures, FeeYear};
use crate::law::tariff_years::{FeeStatus, TariffYear, YearTable};
use crate::store::tariff_years::{self, OfficeTariffYear, Tariff};
use crate::store::{admin_events, transaction};

/// A year's figures to add, as the admin gave them (read by the API).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewTariffYear<F> {
    /// The year the figures apply to.
    pub year: i32,
    /// The figures in cents.
    pub figures: F,
    /// Where the figures come from.
    pub source: String,
    /// The admin knows the year has begun or already has figures.
    pub override_past: bool,
}

/// A year of court fees to add: `figures[class][payer]`, as `law::court_fees::FeeYear`.
pub type NewCourtFees = NewTariffYear<CourtFeeFigures>;

/// A year of Btag tariffs to add: one per act, in `BailiffAct::ALL` order.
pub type NewBailiffTariffs = NewTariffYear<[i64; ACTS]>;

/// Every year of `table` with the id of the office row it is (empty for a built-in year).
fn with_ids<F: Clone>(
    table: &YearTable<F>,
    office: &[OfficeTariffYear],
    tariff: Tariff,
) -> Vec<(TariffYear<F>, String)> {
    table
        .years()
        .iter()
        .map(|year| {
            let id = office
                .iter()
                .rev()
                .find(|o| {
                    year.status == FeeStatus::Office && o.tariff == tariff && o.year == year.year
                })
                .map(|o| o.id.clone())
                .unwrap_or_default();
            (year.clone(), id)
        })
        .collect()
}

impl App {
    /// Every court fee year in force, each with the id of its office row (empty when built
    /// in).
    pub async fn list_court_fees(&self) -> Result<Vec<(FeeYear, String)>, AppError> {
        let office = self.office_tariff_years().await?;
        let tables = tariff_years::Tables::merged(&office)?;
        Ok(with_ids(&tables.court_fees, &office, Tariff::CourtFees))
    }

    /// Every Btag year in force, each with the id of its office row (empty when built in).
    pub async fn list_bailiff_tariffs(&self) -> Result<Vec<(BtagYear, String)>, AppError> {
        let office = self.office_tariff_years().await?;
        let tables = tariff_years::Tables::merged(&office)?;
        Ok(with_ids(
            &tables.bailiff_tariffs,
            &office,
            Tariff::BailiffFees,
        ))
    }

    async fn office_tariff_years(&self) -> Result<Vec<OfficeTariffYear>, AppError> {
        Ok(self.store.run(tariff_years::office_rows).await?)
    }

    /// Adds a year of court fees, audited (`court_fees_added`); returns it as now in force
    /// with its id.
    pub async fn add_court_fees(
        &self,
        actor: Actor,
        fees: NewCourtFees,
    ) -> Result<(FeeYear, String), AppError> {
        let row = self.add_tariff_year(actor, Tariff::CourtFees, fees).await?;
        Ok((row.court_fees()?, row.id))
    }

    /// Adds a year of Btag tariffs, audited (`bailiff_fees_added`); returns it as now in
    /// force with its id.
    pub async fn add_bailiff_tariffs(
        &self,
        actor: Actor,
        tariffs: NewBailiffTariffs,
    ) -> Result<(BtagYear, String), AppError> {
        let row = self
            .add_tariff_year(actor, Tariff::BailiffFees, tariffs)
            .await?;
        Ok((row.bailiff_fees()?, row.id))
    }

    /// Adds `new` to the office's years of `tariff`. A year already begun or already in
    /// the table without the override is refused, naming `year`.
    async fn add_tariff_year<F: serde::Serialize>(
        &self,
        actor: Actor,
        tariff: Tariff,
        new: NewTariffYear<F>,
    ) -> Result<OfficeTariffYear, AppError> {
        let now = self.service_now().await?;
        let this_year = chrono::Datelike::year(&amsterdam_local(now).date());
        let row = OfficeTariffYear {
            id: crate::store::ids::new_id(now),
            tariff,
            year: new.year,
            figures: serde_json::to_value(&new.figures)
                .map_err(|e| AppError::Internal(e.to_string()))?,
            source: new.source,
            override_past: new.override_past,
            added_by: actor.0.clone(),
            added_at: now,
        };
        self.store
            .run(move |conn| {
                transaction(conn, |conn| {
                    tariff_years::lock_for_add(conn)?;
                    let replaced = tariff_years::tables(conn)?.in_force(tariff, row.year);
                    if !row.override_past {
                        refuse_without_override(row.year, this_year, replaced.as_ref())?;
                    }
                    tariff_years::insert(conn, &row)?;
                    let payload = json!({
                        "id": row.id,
                        "year": row.year,
                        "cents": row.figures,
                        "source": row.source,
                        "override": row.override_past,
                        "replaced": replaced,
                    });
                    admin_events::append(
                        conn,
                        now,
                        &actor.0,
                        &format!("{}_added", tariff.as_str()),
                        tariff.as_str(),
                        &payload,
                    )?;
                    Ok(row)
                })
            })
            .await
    }
}

/// A year already begun, or one with figures in force (`replaced`), is a correction.
fn refuse_without_override(
    year: i32,
    this_year: i32,
    replaced: Option<&Value>,
) -> Result<(), AppError> {
    let problem = if year <= this_year {
        format!("{year} has begun (it is {this_year}): writs in it may have been drafted")
    } else if let Some(y) = replaced {
        format!(
            "{year} already has a table ({}, {})",
            y["status"].as_str().unwrap_or_default(),
            y["source"].as_str().unwrap_or_default()
        )
    } else {
        return Ok(());
    };
    Err(AppError::Invalid(vec![FieldViolation::new(
        "year",
        format!(
            "{problem}; a correction keeps the figure of every writ already drafted: add it \
             with override set if that is meant"
        ),
    )]))
}
