//! The office's kanton court fee tables: adding a year (`AdminService.AddCourtFees`) and
//! the tables in force (`ListCourtFees`, and every summons draft through the policy).
//!
//! A year already begun, or one the table already has, is a correction: the cases whose
//! summons was drafted before keep the figure drafted (it is what the summons says), so the
//! admin must say it is meant (`override`).

use chrono::Datelike;
use serde_json::json;

use super::{Actor, App};
use crate::case::FieldViolation;
use crate::clock::amsterdam_local;
use crate::error::AppError;
use crate::law::court_fees::{FEE_CLASSES, FeeStatus, FeeYear};
use crate::store::court_fees::{self, OfficeCourtFees};
use crate::store::{admin_events, transaction};

/// A year's table to add, as the admin gave it (read by the API).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewCourtFees {
    /// The year of the first hearing dates it applies to.
    pub year: i32,
    /// `cents[class][payer]`, as `law::court_fees::FeeYear`.
    pub cents: [[i64; 3]; FEE_CLASSES],
    /// Where the figures come from.
    pub source: String,
    /// The admin knows the year has begun or already has a table.
    pub override_past: bool,
}

impl App {
    /// Every year in force, each with the id of the office row it is (empty for a
    /// built-in year).
    pub async fn list_court_fees(&self) -> Result<Vec<(FeeYear, String)>, AppError> {
        let (table, office) = self
            .store
            .run(|conn| {
                Ok::<_, AppError>((court_fees::table(conn)?, court_fees::office_rows(conn)?))
            })
            .await?;
        Ok(table
            .years()
            .iter()
            .map(|year| {
                let id = office
                    .iter()
                    .rev()
                    .find(|o| year.status == FeeStatus::Office && o.year == year.year)
                    .map(|o| o.id.clone())
                    .unwrap_or_default();
                (year.clone(), id)
            })
            .collect())
    }

    /// Adds `fees` to the office's tables, audited; returns the year as now in force with
    /// its id. A year already begun or already in the table without the override is
    /// refused, naming `year`.
    pub async fn add_court_fees(
        &self,
        actor: Actor,
        fees: NewCourtFees,
    ) -> Result<(FeeYear, String), AppError> {
        let now = self.service_now().await?;
        let this_year = amsterdam_local(now).date().year();
        let row = OfficeCourtFees {
            id: crate::store::ids::new_id(now),
            year: fees.year,
            cents: fees.cents,
            source: fees.source,
            override_past: fees.override_past,
            added_by: actor.0.clone(),
            added_at: now,
        };
        self.store
            .run(move |conn| {
                transaction(conn, |conn| {
                    court_fees::lock_for_add(conn)?;
                    let before = court_fees::table(conn)?;
                    if !row.override_past {
                        let problem = if row.year <= this_year {
                            Some(format!(
                                "{} has begun (it is {this_year}): summonses for hearings in it \
                                 may have been drafted",
                                row.year
                            ))
                        } else {
                            before.year(row.year).map(|y| {
                                format!(
                                    "{} already has a table ({}, {})",
                                    row.year,
                                    y.status.as_str(),
                                    y.source
                                )
                            })
                        };
                        if let Some(problem) = problem {
                            return Err(AppError::Invalid(vec![FieldViolation::new(
                                "year",
                                format!(
                                    "{problem}; a correction keeps the figure of every summons \
                                     already drafted: add it with override set if that is meant"
                                ),
                            )]));
                        }
                    }
                    court_fees::insert(conn, &row)?;
                    let payload = json!({
                        "id": row.id,
                        "year": row.year,
                        "cents": row.cents,
                        "source": row.source,
                        "override": row.override_past,
                        "replaced": before.year(row.year).map(|y| json!({
                            "cents": y.cents,
                            "source": y.source,
                            "status": y.status.as_str(),
                        })),
                    });
                    admin_events::append(
                        conn,
                        now,
                        &actor.0,
                        "court_fees_added",
                        "court_fees",
                        &payload,
                    )?;
                    Ok((row.to_law(), row.id.clone()))
                })
            })
            .await
    }
}
