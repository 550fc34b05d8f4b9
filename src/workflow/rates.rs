//! The office's statutory interest rates: adding a row (`AdminService.AddRate`), the table
//! in force (`ListRates`, and every quote through [`App::rate_table`] or the policy).
//!
//! A row from today or earlier is a correction: interest runs up to and including the day
//! asked about, so it changes figures already owed today. It needs an explicit override,
//! and the answer names the open cases whose figures (as of today) it changes — found by
//! computing each candidate's figures on the table without and with the row, so "changes"
//! means a changed figure, not a guess from dates.

use chrono::NaiveDate;
use serde_json::json;

use super::{Actor, App};
use crate::case::FieldViolation;
use crate::case::track::owed;
use crate::clock::amsterdam_local;
use crate::error::AppError;
use crate::law::rates::{Rate, RateRow, RateSeries, RateStatus, RateTable};
use crate::store::rates::{self, OfficeRate};
use crate::store::{DbConnection, admin_events, clients, transaction};

/// A rate row to add, as the admin gave it (read by the API).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewRate {
    /// The series.
    pub series: RateSeries,
    /// First day in force.
    pub valid_from: NaiveDate,
    /// The yearly rate.
    pub rate: Rate,
    /// Where the figure comes from.
    pub source: String,
    /// The admin knows the row corrects figures already owed.
    pub override_past: bool,
}

/// A row added: as the table holds it, its id, and the open cases whose figures it
/// changes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AddedRate {
    /// The row, status `office`.
    pub row: RateRow,
    /// Its id.
    pub id: String,
    /// The open cases whose figures as of today it changes.
    pub changed_case_ids: Vec<String>,
}

impl App {
    /// The rate table in force: the built-in rows with the office's.
    pub async fn rate_table(&self) -> Result<RateTable, AppError> {
        self.store
            .run(|conn| Ok::<_, AppError>(rates::table(conn)?))
            .await
    }

    /// The rows in force (of `only` one series, if given), by series then date, each with
    /// the id of the office row it is (empty for a built-in row): of several office rows
    /// for one day, the last added.
    pub async fn list_rates(
        &self,
        only: Option<RateSeries>,
    ) -> Result<Vec<(RateRow, String)>, AppError> {
        let (table, office) = self
            .store
            .run(|conn| Ok::<_, AppError>((rates::table(conn)?, rates::office_rows(conn)?)))
            .await?;
        Ok([RateSeries::Statutory, RateSeries::Commercial]
            .into_iter()
            .filter(|s| only.is_none_or(|o| o == *s))
            .flat_map(|s| table.rows(s).to_vec())
            .map(|row| {
                let id = office
                    .iter()
                    .rev()
                    .find(|o| {
                        row.status == RateStatus::Office
                            && o.series == row.series
                            && o.valid_from == row.valid_from
                    })
                    .map(|o| o.id.clone())
                    .unwrap_or_default();
                (row, id)
            })
            .collect())
    }

    /// Adds `rate` to the office's table, audited; returns the stored row with its id and
    /// the open cases whose figures as of today it changes. A row from today or earlier
    /// without the override is refused, naming `valid_from`.
    pub async fn add_rate(&self, actor: Actor, rate: NewRate) -> Result<AddedRate, AppError> {
        let now = self.service_now().await?;
        let today = amsterdam_local(now).date();
        if rate.valid_from <= today && !rate.override_past {
            return Err(AppError::Invalid(vec![FieldViolation::new(
                "valid_from",
                format!(
                    "{} is not after today ({today}): a row from today or earlier corrects \
                     figures already owed; add it with override set if that is meant",
                    rate.valid_from
                ),
            )]));
        }
        let row = OfficeRate {
            id: crate::store::ids::new_id(now),
            series: rate.series,
            valid_from: rate.valid_from,
            rate: rate.rate,
            source: rate.source,
            override_past: rate.override_past,
            added_by: actor.0.clone(),
            added_at: now,
        };
        self.store
            .run(move |conn| {
                transaction(conn, |conn| {
                    let before = rates::table(conn)?;
                    let after = before.with_office_rows(&[row.to_law()]);
                    rates::insert(conn, &row)?;
                    let changed = changed_cases(conn, &before, &after, today)?;
                    let payload = json!({
                        "id": row.id,
                        "series": row.series.as_str(),
                        "valid_from": row.valid_from.to_string(),
                        "rate": row.rate.to_string(),
                        "source": row.source,
                        "override": row.override_past,
                        "changed_case_ids": changed,
                    });
                    admin_events::append(conn, now, &actor.0, "rate_added", "rates", &payload)?;
                    Ok(AddedRate {
                        row: row.to_law(),
                        id: row.id,
                        changed_case_ids: changed,
                    })
                })
            })
            .await
    }
}

/// The open cases whose figures on `today` differ between `before` and `after`: the
/// candidates (open, with an invoice due before the first changed day's end and before
/// today, so with interest on a changed day) are computed both ways and compared.
fn changed_cases(
    conn: &mut DbConnection,
    before: &RateTable,
    after: &RateTable,
    today: NaiveDate,
) -> Result<Vec<String>, AppError> {
    let ranges: Vec<(NaiveDate, Option<NaiveDate>)> =
        [RateSeries::Statutory, RateSeries::Commercial]
            .into_iter()
            .flat_map(|series| after.differences(before, series))
            .collect();
    // Nothing differs, or only after today: no figure owed today changes.
    if ranges.iter().all(|(from, _)| *from > today) {
        return Ok(Vec::new());
    }
    let latest_until = ranges
        .iter()
        .map(|(_, until)| until.unwrap_or(NaiveDate::MAX))
        .max()
        .unwrap_or(NaiveDate::MAX);
    let due_before = latest_until.min(today);
    let candidates = rates::open_cases_due_before(conn, due_before)?;
    let mut changed = Vec::new();
    for id in candidates {
        let Some(case) = crate::store::cases::get(conn, &id)? else {
            continue;
        };
        let Some(stored) = clients::get_policy(
            conn,
            case.claim.client_id.as_str(),
            Some(case.policy_version),
        )?
        else {
            continue;
        };
        let mut policy = stored.policy;
        policy.rates = before.clone();
        let was = owed(&case, &policy, today);
        policy.rates = after.clone();
        if owed(&case, &policy, today) != was {
            changed.push(id);
        }
    }
    Ok(changed)
}
