//! The track's commands (RecordPayment, ProposePaymentPlan, PutOnHold, Resume,
//! WithdrawCase, RegisterJudgment), QuoteCase, and the activities the track schedules (the
//! recoverability check). Every command is an [`Event`] through the pipeline
//! (`super::pipeline`): one transaction with the audit event, done once per `request_id`.

use std::sync::Arc;

use chrono::NaiveDate;
use serde_json::{Value, json};

use super::pipeline::{Command, IdempotencyKey};
use super::{Actor, App, Principal, SYSTEM};
use crate::case::track::{Owed, PaymentRecord, owed};
use crate::case::{Activity, CaseRecord, Event, NO_OFFICE};
use crate::clock::amsterdam_local;
use crate::documents::{Assembled, DocumentKind, Office, Payout, StoredFacts, assemble};
use crate::error::AppError;
use crate::registry::Registry;
use crate::store::{cases, clients, office};

impl App {
    /// A caller's command on a case `who` may see (NOT_FOUND otherwise, as for a missing
    /// case), applied once per `request_id` (empty: no key): a retry with the same id
    /// answers the case as it stands without deciding again; the same id for a different
    /// request is ALREADY_EXISTS.
    pub async fn command(
        &self,
        who: &Principal,
        case_id: String,
        request_id: String,
        event: Event,
    ) -> Result<CaseRecord, AppError> {
        let now = self.service_now().await?;
        let fingerprint = format!("{case_id}:{event:?}");
        let key = IdempotencyKey::per_case(&case_id, &request_id, fingerprint);
        let mut command = Command::new(case_id, event, who.actor()).by(who);
        command.idempotency_key = key;
        Ok(self.execute(command, now).await?.changed()?.case)
    }

    /// RecordPayment: the payment is recorded once under its request id (the payment's
    /// id) at the service's instant and allocated by the track, in one transaction;
    /// returns the case and the payment as recorded. A client records only what the
    /// debtor paid it directly.
    pub async fn record_payment(
        &self,
        who: &Principal,
        case_id: String,
        mut payment: PaymentRecord,
    ) -> Result<(CaseRecord, PaymentRecord), AppError> {
        payment.paid_to_client |= who.role == super::Role::Client;
        let now = self.service_now().await?;
        let id = payment.id.clone();
        // The request, not the instant it happens to be recorded at.
        let fingerprint = format!("{case_id}:payment_received:{payment:?}");
        let key = IdempotencyKey::per_case(&case_id, &id, fingerprint);
        let event = Event::PaymentReceived {
            payment,
            recorded_at: now,
        };
        let mut command = Command::new(case_id, event, who.actor()).by(who);
        command.idempotency_key = key;
        let changed = self.execute(command, now).await?.changed()?;
        let recorded = match &changed.decision {
            // The decision's own record: the payment it appended.
            Some(decision) => decision.track.payments.last(),
            // Recorded by the first call under this id: the case holds it, or, when the
            // bank has taken it back since, its reversal does.
            None => changed
                .case
                .track
                .payments
                .iter()
                .find(|p| p.id == id)
                .or_else(|| {
                    changed
                        .case
                        .track
                        .reversed_payments
                        .iter()
                        .map(|r| &r.payment)
                        .find(|p| p.id == id)
                }),
        }
        .cloned()
        .ok_or_else(|| AppError::Internal("the payment was not recorded".into()))?;
        Ok((changed.case, recorded))
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
        let (case, client, policy, office, paid_out) = self
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
                // The payouts made for the case: its final statement lists them.
                let paid_out = if kind == DocumentKind::FinalStatement {
                    crate::store::payouts::paid_out_for_case(conn, &id)?
                } else {
                    Vec::new()
                };
                Ok::<_, AppError>((case, client.client, policy.policy, office, paid_out))
            })
            .await
            .map_err(|e| e.to_string())?;
        // Never a document with a made-up letterhead: without an office the job opens the
        // office_missing task instead. Its rates, court fees and bailiff's tariffs are the
        // office's tables in force (read beside the policy).
        let office = Office {
            rates: policy.rates.clone(),
            court_fees: policy.court_fees.clone(),
            bailiff_tariffs: policy.bailiff_tariffs.clone(),
            ..Office::of(&office.ok_or(NO_OFFICE)?)
        };
        let facts = StoredFacts {
            attachment: payload["attachment"]
                .as_u64()
                .and_then(|n| usize::try_from(n).ok()),
            // Every payout's net for the case, a negative one too (costs charged, money
            // taken back): together they are what the client was settled.
            payouts: paid_out
                .into_iter()
                .filter(|(_, cents)| *cents != 0)
                .map(|(at, cents)| Payout {
                    paid_on: crate::clock::amsterdam_local(crate::store::utc(at)).date(),
                    amount: crate::law::money::Money::from_cents(cents),
                    description: if cents > 0 { "afdracht" } else { "verrekend" }.into(),
                })
                .collect(),
        };
        let data = match assemble(kind, &office, &client, &case, &policy, on, &facts)? {
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

    /// Runs an activity of a case (`case`: the case when the caller has read it already);
    /// `previous_attempts` is how often it failed before. Its output is the event's data.
    pub(crate) async fn run_activity(
        &self,
        activity: Activity,
        case_id: &str,
        case: Option<CaseRecord>,
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
                let case = match case {
                    Some(case) => case,
                    None => self
                        .load_case(case_id.to_owned())
                        .await
                        .map_err(|e| e.to_string())?,
                };
                let registry = match &self.registry {
                    Some(registry) => registry.clone(),
                    None => Arc::new(Registry::fixture(self.clock.clone())),
                };
                // Before an execution act (`before` names it) the insolvency register is
                // asked afresh: the act must not rest on a cached "nothing".
                let findings = if payload.get("before").is_some_and(Value::is_string) {
                    registry.check_before_execution(&case.claim.debtor).await
                } else {
                    registry.check(&case.claim.debtor).await
                }
                .map_err(|e| format!("register lookup: {e}"))?;
                let verdict = findings.verdict(&case.claim.debtor);
                // The attachment register, where the act asks for it (`lifecycle::dbr`).
                let attachments = self.consult_attachment_register(&case).await?;
                Ok(json!({
                    "verdict": verdict,
                    "findings": findings,
                    "attachment_register": attachments,
                }))
            }
            Activity::RenderDocument => self.render_letter(case_id, payload).await,
            Activity::AttachmentRegistration => self.register_attachment(case_id, payload).await,
        }
    }
}
