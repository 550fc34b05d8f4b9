//! The office (`PutOffice`, `GetOffice`): stored as a new version each time, audited in
//! `admin_events`, and the renders that waited for an office resumed.

use serde_json::json;

use super::tasks::Completion;
use super::{App, Principal};
use crate::case::{OFFICE_MISSING_TASK, Office, VersionedOffice};
use crate::error::AppError;
use crate::store::{DbConnection, admin_events, office, tasks, transaction};

impl App {
    /// Stores `office` as the next version, in force from now, with an `office_stored`
    /// admin event carrying the whole office. Then every open `office_missing` task is
    /// completed with `retry` as done by `who`, so the documents that could not be
    /// rendered without an office are rendered now with this one (a task that cannot be
    /// completed, e.g. claimed and completed meanwhile, is left as it is).
    pub async fn put_office(
        &self,
        who: &Principal,
        office: Office,
    ) -> Result<VersionedOffice, AppError> {
        let now = self.clock.now();
        let actor = who.actor();
        let attempt = move |conn: &mut crate::store::DbConnection| {
            transaction(conn, |conn| {
                let stored = office::put(conn, &office, now)?;
                let payload = json!({ "version": stored.version, "office": office });
                admin_events::append(conn, now, &actor.0, "office_stored", "office", &payload)?;
                Ok(stored)
            })
        };
        // Two puts racing on the next version number: the loser stores the one after.
        let first = attempt.clone();
        let stored = match self.store.run(first).await {
            Err(AppError::Conflict) => self.store.run(attempt).await,
            other => other,
        }?;
        let waiting = self
            .store
            .run(|conn| Ok::<_, AppError>(tasks::open_of_kind(conn, OFFICE_MISSING_TASK)?))
            .await?;
        for task_id in waiting {
            let completion = Completion {
                request_id: format!("office-v{}:{task_id}", stored.version),
                task_id,
                outcome: "retry".into(),
                note: format!("office version {} stored", stored.version),
                values: Default::default(),
            };
            if let Err(e) = self.complete_task(who, completion).await {
                tracing::warn!(error = %e, "an office_missing task was not resumed");
            }
        }
        Ok(stored)
    }

    /// An office version (`None`: the one in force); NOT_FOUND when there is none.
    pub async fn get_office(&self, version: Option<i64>) -> Result<VersionedOffice, AppError> {
        self.store
            .run(move |conn| {
                office::get(conn, version)?.ok_or_else(|| {
                    AppError::NotFound(match version {
                        Some(v) => format!("no office version {v}"),
                        None => "no office is configured (AdminService.PutOffice)".into(),
                    })
                })
            })
            .await
    }

    /// The office in force, if one is configured: `serve` warns at start without one, and
    /// a case's `creditor_iban` is its third-party account.
    pub async fn current_office(&self) -> Result<Option<VersionedOffice>, AppError> {
        self.store
            .run(|conn| Ok::<_, AppError>(office::get(conn, None)?))
            .await
    }
}

/// The office version in force, read inside the caller's transaction: FAILED_PRECONDITION
/// naming what `needs` it when no office is configured.
pub(super) fn office_in_force(
    conn: &mut DbConnection,
    needs: &str,
) -> Result<VersionedOffice, AppError> {
    office::get(conn, None)?.ok_or_else(|| {
        AppError::FailedPrecondition(format!(
            "no office is configured: AdminService.PutOffice names {needs}"
        ))
    })
}
