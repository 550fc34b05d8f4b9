//! The track's commands (RecordPayment, ProposePaymentPlan, PutOnHold, Resume,
//! WithdrawCase, RegisterJudgment), QuoteCase, and the activities the track schedules (the
//! recoverability check). Every command is an [`Event`] through [`crate::case::decide`]
//! and the engine: one transaction with the audit event, done once per `request_id`.

use std::sync::Arc;

use chrono::NaiveDate;
use serde_json::{Value, json};

use super::engine::{Applied, apply_in};
use super::{Actor, App, MAX_CONFLICTS, Principal, SYSTEM};
use crate::case::track::{Owed, PaymentRecord, owed};
use crate::case::{Activity, CaseRecord, Event, NO_OFFICE};
use crate::clock::amsterdam_local;
use crate::documents::{Assembled, DocumentKind, Office, assemble};
use crate::error::AppError;
use crate::registry::Registry;
use crate::store::{cases, clients, idempotency, office, transaction};

/// The idempotency scope of the track's commands: one request id, one change.
const TRACK_SCOPE: &str = "track_command";

impl App {
    /// A caller's command on a case `who` may see (NOT_FOUND otherwise, as for a missing
    /// case), applied once per `request_id`: see [`App::apply_command`].
    pub async fn command(
        &self,
        who: &Principal,
        case_id: String,
        request_id: String,
        event: Event,
    ) -> Result<CaseRecord, AppError> {
        self.check_case_visible(who, &case_id).await?;
        self.apply_command(case_id, request_id, event, who.actor())
            .await
    }

    /// Applies an event once per `request_id` (empty: no key): a retry with the same id
    /// answers the case as it stands without deciding again; the same id for a different
    /// request is ALREADY_EXISTS.
    pub(super) async fn apply_command(
        &self,
        case_id: String,
        request_id: String,
        event: Event,
        actor: Actor,
    ) -> Result<CaseRecord, AppError> {
        let now = self.service_now().await?;
        let fingerprint = format!("{case_id}:{event:?}");
        // A request id is the caller's within one case: keyed per case, one client's ids
        // can neither collide with nor reveal another's.
        let key = format!("{case_id}\u{1f}{request_id}");
        let applied = self
            .store
            .run(move |conn| {
                for _ in 0..MAX_CONFLICTS {
                    let attempt = transaction(conn, |conn| {
                        if !request_id.is_empty()
                            && let Some(stored) = idempotency::find(conn, TRACK_SCOPE, &key)?
                        {
                            if stored.request_hash != fingerprint {
                                return Err(AppError::AlreadyExists(format!(
                                    "request_id {request_id:?} was used for a different request"
                                )));
                            }
                            let case = cases::get(conn, &stored.response)?.ok_or_else(|| {
                                AppError::Internal(format!("case {} vanished", stored.response))
                            })?;
                            return Ok(Applied::Done {
                                case: Box::new(case),
                                due_now: false,
                            });
                        }
                        let applied = apply_in(conn, &case_id, &event, &actor, now, None)?;
                        if !request_id.is_empty() && matches!(applied, Applied::Done { .. }) {
                            idempotency::insert(
                                conn,
                                TRACK_SCOPE,
                                &key,
                                &fingerprint,
                                &case_id,
                                now,
                            )?;
                        }
                        Ok(applied)
                    });
                    match attempt {
                        Err(AppError::Conflict) => continue,
                        other => return other,
                    }
                }
                Err(AppError::Unavailable(format!(
                    "case {case_id}: {MAX_CONFLICTS} concurrent transitions in a row; retry"
                )))
            })
            .await?;
        match applied {
            Applied::Done { case, due_now } => {
                self.after_commit(due_now);
                Ok(*case)
            }
            Applied::Rejected(rejection) => {
                Err(AppError::FailedPrecondition(rejection.to_string()))
            }
            Applied::LeaseLost => Err(AppError::Internal("a command holds no lease".into())),
        }
    }

    /// RecordPayment: the payment is recorded once under its request id and allocated by
    /// the track; returns the case and the payment as recorded. A client records only what
    /// the debtor paid it directly.
    pub async fn record_payment(
        &self,
        who: &Principal,
        case_id: String,
        mut payment: PaymentRecord,
    ) -> Result<(CaseRecord, PaymentRecord), AppError> {
        payment.paid_to_client |= who.role == super::Role::Client;
        let id = payment.id.clone();
        let case = self
            .command(who, case_id, id.clone(), Event::PaymentReceived(payment))
            .await?;
        let recorded = case
            .track
            .payments
            .iter()
            .find(|p| p.id == id)
            .cloned()
            .ok_or_else(|| AppError::Internal("the payment was not recorded".into()))?;
        Ok((case, recorded))
    }

    /// QuoteCase: what a case `who` may see owes on `as_of` (default: today in
    /// Amsterdam), itemised.
    pub async fn quote_case(
        &self,
        who: &Principal,
        case_id: String,
        as_of: Option<NaiveDate>,
    ) -> Result<(Owed, NaiveDate), AppError> {
        self.check_case_visible(who, &case_id).await?;
        let today = amsterdam_local(self.service_now().await?).date();
        let as_of = as_of.unwrap_or(today);
        self.store
            .run(move |conn| {
                let case = cases::get(conn, &case_id)?
                    .ok_or_else(|| AppError::NotFound(format!("no case {case_id:?}")))?;
                let policy = clients::get_policy(
                    conn,
                    case.claim.client_id.as_str(),
                    Some(case.policy_version),
                )?
                .ok_or_else(|| AppError::Internal("the case's policy is missing".into()))?;
                let owed = owed(&case, &policy.policy, as_of)
                    .map_err(|e| AppError::invalid("as_of", &e))?;
                Ok((owed, as_of))
            })
            .await
    }

    /// Asks `documents::assemble` for the document the payload names, from the case as it
    /// stands (the figures are the law's quote on the document's day), and stores it. Idempotent:
    /// the same data names the same stored document.
    async fn render_letter(&self, case_id: &str, payload: &Value) -> Result<Value, String> {
        let kind_name = payload["kind"].as_str().unwrap_or_default().to_owned();
        let kind = DocumentKind::parse(&kind_name)
            .ok_or_else(|| format!("no document kind {kind_name:?}"))?;
        let on = payload["on"]
            .as_str()
            .and_then(|d| d.parse::<NaiveDate>().ok())
            .ok_or("the render job names no date")?;
        let id = case_id.to_owned();
        let (case, client, policy, office) = self
            .store
            .run(move |conn| {
                let case = cases::get(conn, &id)?
                    .ok_or_else(|| AppError::NotFound(format!("no case {id:?}")))?;
                let client = clients::get(conn, case.claim.client_id.as_str())?
                    .ok_or_else(|| AppError::Internal("the case's client is missing".into()))?;
                let policy = clients::get_policy(
                    conn,
                    case.claim.client_id.as_str(),
                    Some(case.policy_version),
                )?
                .ok_or_else(|| AppError::Internal("the case's policy is missing".into()))?;
                // The office version in force now, as the document's letterhead.
                let office = office::get(conn, None)?;
                Ok::<_, AppError>((case, client.client, policy.policy, office))
            })
            .await
            .map_err(|e| e.to_string())?;
        // Never a document with a made-up letterhead: without an office the job opens the
        // office_missing task instead. Its rates are the office's table in force (read
        // beside the policy).
        let office = Office {
            rates: policy.rates.clone(),
            ..Office::of(&office.ok_or(NO_OFFICE)?)
        };
        let data = match assemble(kind, &office, &client, &case, &policy, on)? {
            Assembled::Data(data) => *data,
            // Not a failure to retry: the law allows no such letter (a person let an early
            // letter go at intake). The dossier says why there is none.
            Assembled::Skipped(reason) => {
                return Ok(json!({ "kind": kind.as_str(), "skipped": reason }));
            }
        };
        let stored = self
            .store_document(case_id.to_owned(), kind, data, Actor(SYSTEM.into()))
            .await
            .map_err(|e| e.to_string())?;
        Ok(json!({ "kind": kind.as_str(), "document_id": stored.id, "sha256": stored.sha256 }))
    }

    /// Runs an activity of a case; `previous_attempts` is how often it failed before. Its
    /// output is the event's data.
    pub(crate) async fn run_activity(
        &self,
        activity: Activity,
        case_id: &str,
        payload: &Value,
        previous_attempts: i32,
    ) -> Result<Value, String> {
        match activity {
            Activity::Probe => {
                let fail_first = payload["fail_first"].as_i64().unwrap_or(0);
                if i64::from(previous_attempts) < fail_first {
                    Err(format!(
                        "probe: planned failure {} of {fail_first}",
                        previous_attempts + 1
                    ))
                } else {
                    Ok(json!({}))
                }
            }
            Activity::RecoverabilityCheck => {
                let case = self
                    .load_case(case_id.to_owned())
                    .await
                    .map_err(|e| e.to_string())?;
                let registry = match &self.registry {
                    Some(registry) => registry.clone(),
                    None => Arc::new(Registry::fixture(self.clock.clone())),
                };
                let findings = registry
                    .check(&case.claim.debtor)
                    .await
                    .map_err(|e| format!("register lookup: {e}"))?;
                let verdict = findings.verdict(&case.claim.debtor);
                Ok(json!({ "verdict": verdict, "findings": findings }))
            }
            Activity::RenderDocument => self.render_letter(case_id, payload).await,
        }
    }
}
