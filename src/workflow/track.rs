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
use crate::case::{Activity, CaseRecord, Event};
use crate::case::{Client, CloseReason, TrackPolicy};
use crate::clock::amsterdam_local;
use crate::documents::{
    Demand, DocumentData, DocumentKind, FinalStatement, FinalStatementInput, FourteenDayLetter,
    Insolvency, Office, PaymentPlanConfirmation, Receipt,
};
use crate::error::AppError;
use crate::law::money::Money;
use crate::law::quote::PaymentInput;
use crate::registry::Registry;
use crate::store::{cases, clients};

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
    /// returns the case and the payment as recorded.
    pub async fn record_payment(
        &self,
        who: &Principal,
        case_id: String,
        payment: PaymentRecord,
    ) -> Result<(CaseRecord, PaymentRecord), AppError> {
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
            // Recorded by the first call under this id: the case holds it.
            None => changed.case.track.payments.iter().find(|p| p.id == id),
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

    /// Builds the letter the payload names from the case as it stands (the figures are the
    /// law's quote on the letter's day) and stores it with `documents::render`. Idempotent:
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
        let (case, client, policy) = self
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
                Ok::<_, AppError>((case, client.client, policy.policy))
            })
            .await
            .map_err(|e| e.to_string())?;
        let office = Office::example();
        let payments: Vec<PaymentInput> = case
            .track
            .payments
            .iter()
            .filter(|p| p.paid_on <= on)
            .map(|p| PaymentInput {
                paid_on: p.paid_on,
                amount: Money::from_cents(p.amount_cents),
                invoice_number: p.invoice_number.clone(),
            })
            .collect();
        if kind == DocumentKind::FourteenDayLetter
            && let Some(reason) = FourteenDayLetter::not_applicable(&case, on)
        {
            // Not a failure to retry: the law allows no such letter (a person let an early
            // letter go at intake). The dossier says why there is none.
            return Ok(json!({ "kind": kind.as_str(), "skipped": reason }));
        }
        let data = match kind {
            DocumentKind::FourteenDayLetter => DocumentData::FourteenDayLetter(
                FourteenDayLetter::build(
                    &office,
                    &client,
                    &case,
                    on,
                    policy.letter_delivery_days,
                    &payments,
                )
                .map_err(|e| e.to_string())?,
            ),
            DocumentKind::Demand => DocumentData::Demand(
                Demand::build(
                    &office,
                    &client,
                    &case,
                    on,
                    policy.demand_term_days,
                    &payments,
                )
                .map_err(|e| e.to_string())?,
            ),
            DocumentKind::PaymentPlan => {
                let plan = case.track.plan.clone().ok_or("the case has no plan")?;
                let instalments: Vec<(NaiveDate, Money)> = plan
                    .instalments
                    .iter()
                    .filter_map(|i| i.due_on.map(|d| (d, Money::from_cents(i.amount_cents))))
                    .collect();
                DocumentData::PaymentPlan(
                    PaymentPlanConfirmation::build(
                        &office,
                        &client,
                        &case,
                        on,
                        case.track.letter_sent_on,
                        policy.letter_delivery_days,
                        &payments,
                        &instalments,
                        policy.plan_grace_days,
                    )
                    .map_err(|e| e.to_string())?,
                )
            }
            DocumentKind::FinalStatement => {
                DocumentData::FinalStatement(final_statement(&office, &client, &case, &policy, on)?)
            }
            DocumentKind::Summons => DocumentData::Summons(super::dossier::summons_draft(
                &office, &client, &case, &policy, on, payments,
            )?),
            DocumentKind::JudgmentService => DocumentData::JudgmentService(
                super::dossier::judgment_writ(&office, &client, &case, &policy)?,
            ),
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

/// The final statement document from the track's figures on the closing day: the claim's
/// principal and what interest and costs came to (paid and still open), every receipt;
/// nothing is paid out to the client yet when the case closes.
fn final_statement(
    office: &Office,
    client: &Client,
    case: &CaseRecord,
    policy: &TrackPolicy,
    on: NaiveDate,
) -> Result<FinalStatement, String> {
    let open = owed(case, policy, on)?;
    let paid = |f: fn(&PaymentRecord) -> i64| {
        Money::from_cents(case.track.payments.iter().map(f).sum::<i64>())
    };
    let close_reason = match case.close_reason {
        Some(CloseReason::Paid) => "volledig betaald",
        Some(CloseReason::Uncollectable) => "oninbaar",
        Some(CloseReason::Withdrawn) => "ingetrokken door de opdrachtgever",
        Some(CloseReason::Dismissed) => "vordering afgewezen door de rechter",
        None => "gesloten",
    };
    let insolvency = case
        .track
        .recoverability
        .as_ref()
        .filter(|_| case.close_reason == Some(CloseReason::Uncollectable))
        .and_then(|r| {
            let number = r.verdict.insolvency_number.clone()?;
            let kind = match number.chars().next() {
                Some('S') => "surseance van betaling",
                Some('R') => "schuldsaneringsregeling (WSNP)",
                _ => "faillissement",
            };
            Some(Insolvency {
                kind: kind.into(),
                administrator: r.verdict.administrator_name(),
                administrator_address: r.verdict.administrator_address(),
                case_number: number,
            })
        });
    let input = FinalStatementInput {
        drafted_on: on,
        close_reason: close_reason.into(),
        principal: case.principal(),
        interest: paid(|p| p.to_interest_cents) + open.quote.interest,
        collection_costs: paid(|p| p.to_costs_cents)
            + open.quote.collection_costs
            + open.quote.collection_costs_vat,
        legal_costs: paid(|p| p.to_legal_costs_cents) + open.legal_costs,
        receipts: case
            .track
            .payments
            .iter()
            .filter(|p| p.amount_cents > 0)
            .map(|p| Receipt {
                received_on: p.paid_on,
                amount: Money::from_cents(p.amount_cents),
                description: "betaling debiteur".into(),
            })
            .collect(),
        payouts: Vec::new(),
        insolvency,
    };
    FinalStatement::build(office, client, case, input).map_err(|e| e.to_string())
}
