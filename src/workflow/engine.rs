//! Apply: an event for a case → load the case → [`decide`] → one transaction with the new
//! standing (against the version read), the audit event, and the decision's effects (jobs
//! scheduled or cancelled, tasks opened or closed). A lost race on the version re-reads and
//! decides again.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

use super::{Actor, App, MAX_CONFLICTS};
use crate::case::track::PaymentRecord;
use crate::case::{CaseRecord, Decision, Due, Effect, Event, Rejection, decide};
use crate::clock::{amsterdam_instant, amsterdam_local, amsterdam_start_of};
use crate::error::AppError;
use crate::store::cases::{self, Standing};
use crate::store::events::{self, NewEvent};
use crate::store::jobs::{self, JobRow};
use crate::store::payments::{self, PaymentRow};
use crate::store::tasks::{self, TaskRow, state};
use crate::store::{DbConnection, StoreError, clients, db_instant, transaction};

/// The job whose coming due produced the event: it is deleted in the same transaction, and
/// only while `worker` still holds its lease, so a timer fires exactly once even when a
/// lease ran out and another instance took the job over.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ConsumedJob<'a> {
    /// The job.
    pub id: &'a str,
    /// The worker holding it.
    pub worker: &'a str,
}

/// What became of an event.
#[derive(Debug)]
pub(crate) enum Applied {
    /// The decision committed.
    Done {
        /// The case after it.
        case: Box<CaseRecord>,
        /// Whether a job due at once was scheduled (wake the workers).
        due_now: bool,
    },
    /// The track refused the event; a consumed job was deleted all the same.
    Rejected(Rejection),
    /// The job's lease was lost: nothing was written.
    LeaseLost,
}

/// Applies `event` inside the caller's transaction. `Err(AppError::Conflict)` when another
/// transition won the version race: roll back and call again.
pub(crate) fn apply_in(
    conn: &mut DbConnection,
    case_id: &str,
    event: &Event,
    actor: &Actor,
    now: DateTime<Utc>,
    job: Option<ConsumedJob<'_>>,
) -> Result<Applied, AppError> {
    if let Some(job) = job {
        jobs::relaxed_commit(conn)?;
        if !jobs::consume(conn, job.id, job.worker)? {
            return Ok(Applied::LeaseLost);
        }
    }
    let case = cases::get(conn, case_id)?
        .ok_or_else(|| AppError::NotFound(format!("no case {case_id:?}")))?;
    let policy = clients::get_policy(
        conn,
        case.claim.client_id.as_str(),
        Some(case.policy_version),
    )?
    .ok_or_else(|| {
        AppError::Internal(format!(
            "case {case_id}: policy version {} is missing",
            case.policy_version
        ))
    })?;
    let today = amsterdam_local(now).date();
    let decision = match decide(&case, event, &policy.policy, today) {
        Ok(mut decision) => {
            // The decision sees days; the instant a payment was recorded is the service's.
            for payment in decision
                .track
                .payments
                .iter_mut()
                .skip(case.track.payments.len())
            {
                payment.recorded_at = Some(now);
            }
            // The dossier's copy of a payment too.
            if let Some(record) = decision
                .audit
                .data
                .get_mut("payment")
                .and_then(Value::as_object_mut)
            {
                record.insert("recorded_at".into(), json!(now));
            }
            decision
        }
        Err(rejection) => return Ok(Applied::Rejected(rejection)),
    };
    let standing = Standing {
        stage: decision.stage,
        suspension: decision.suspension,
        close_reason: decision.close_reason,
        close_note: &decision.close_note,
        warnings: &case.warnings,
        track: &decision.track,
    };
    if !cases::update_standing(conn, case_id, case.version, standing, now)? {
        return Err(AppError::Conflict);
    }
    for payment in decision
        .track
        .payments
        .iter()
        .skip(case.track.payments.len())
    {
        payments::insert(conn, &payment_row(case_id, payment, now))?;
    }
    if let Event::PaymentReversed {
        payment_id,
        reversed_on,
        ..
    } = event
    {
        super::bank::sync_ledger(
            conn,
            case_id,
            &decision.track.payments,
            payment_id,
            *reversed_on,
            now,
        )?;
    }
    events::append(
        conn,
        &NewEvent {
            case_id,
            kind: decision.audit.kind,
            actor: &actor.0,
            stage: decision.stage,
            suspension: decision.suspension,
            reason: &decision.audit.reason,
            payload: audit_payload_for(&decision, job),
            policy_version: case.policy_version,
            at: now,
        },
    )?;
    let max_attempts = i32::try_from(policy.policy.job_max_attempts.max(1)).unwrap_or(i32::MAX);
    let due_now = carry_out(conn, case_id, &decision.effects, now, max_attempts)?;
    let case = cases::get(conn, case_id)?
        .ok_or_else(|| AppError::Internal(format!("case {case_id} vanished")))?;
    Ok(Applied::Done {
        case: Box::new(case),
        due_now,
    })
}

/// Runs [`apply_in`] in its own transaction, deciding again after a lost version race.
pub(crate) fn apply_with_retry(
    conn: &mut DbConnection,
    case_id: &str,
    event: &Event,
    actor: &Actor,
    now: DateTime<Utc>,
    job: Option<ConsumedJob<'_>>,
) -> Result<Applied, AppError> {
    for _ in 0..MAX_CONFLICTS {
        match transaction(conn, |conn| apply_in(conn, case_id, event, actor, now, job)) {
            Err(AppError::Conflict) => {
                tracing::debug!(case.id = case_id, "version race lost; deciding again");
            }
            other => return other,
        }
    }
    Err(AppError::Unavailable(format!(
        "case {case_id}: {MAX_CONFLICTS} concurrent transitions in a row; retry"
    )))
}

/// The decision's effects, in order. Returns whether a job due by `now` was scheduled.
pub(super) fn carry_out(
    conn: &mut DbConnection,
    case_id: &str,
    effects: &[Effect],
    now: DateTime<Utc>,
    max_attempts: i32,
) -> Result<bool, StoreError> {
    let mut due_now = false;
    for effect in effects {
        match effect {
            Effect::ScheduleJob { kind, due, payload } => {
                let due_at = due_instant(due, now);
                due_now |= due_at <= now;
                jobs::insert(
                    conn,
                    &[JobRow {
                        id: uuid::Uuid::new_v4().to_string(),
                        case_id: Some(case_id.to_owned()),
                        kind: kind.as_str().to_owned(),
                        payload: payload.to_string(),
                        due_at: db_instant(due_at),
                        attempts: 0,
                        max_attempts,
                        leased_by: None,
                        lease_until: None,
                        last_error: None,
                        // Its run links back to this (the scheduling) span.
                        trace_context: crate::telemetry::propagation::current_traceparent(),
                        created_at: db_instant(now),
                    }],
                )?;
            }
            Effect::CancelJobs { kind } => {
                jobs::cancel(conn, case_id, kind.map(|k| k.as_str()))?;
            }
            Effect::OpenTask(task) => tasks::insert(
                conn,
                &TaskRow {
                    id: uuid::Uuid::new_v4().to_string(),
                    case_id: Some(case_id.to_owned()),
                    kind: task.kind.clone(),
                    queue: task.queue.clone(),
                    state: state::OPEN.to_owned(),
                    title: task.title.clone(),
                    details: task.details.to_string(),
                    outcomes: json!(task.outcomes).to_string(),
                    claimed_by: String::new(),
                    outcome: String::new(),
                    note: String::new(),
                    created_at: db_instant(now),
                    updated_at: db_instant(now),
                },
            )?,
            Effect::CloseTasks { kind } => {
                tasks::cancel(conn, case_id, kind.as_deref(), db_instant(now))?;
            }
        }
    }
    Ok(due_now)
}

/// When a job scheduled at `now` with `due` comes due.
pub(super) fn due_instant(due: &Due, now: DateTime<Utc>) -> DateTime<Utc> {
    match due {
        Due::Now => now,
        Due::StartOf(day) => amsterdam_start_of(*day),
        Due::Local(at) => amsterdam_instant(*at),
    }
}

/// The audit payload: the decision's data with the amounts as computed then.
pub(super) fn audit_payload(decision: &Decision) -> String {
    audit_payload_for(decision, None)
}

/// [`audit_payload`], and for an event from a job, which job and which instance's worker
/// applied it.
fn audit_payload_for(decision: &Decision, job: Option<ConsumedJob<'_>>) -> String {
    let mut payload = match &decision.audit.data {
        Value::Object(map) => map.clone(),
        Value::Null => Map::new(),
        other => {
            let mut map = Map::new();
            map.insert("data".into(), other.clone());
            map
        }
    };
    let amounts: Map<String, Value> = decision
        .audit
        .amounts
        .iter()
        .map(|(name, amount)| ((*name).to_owned(), Value::String(amount.to_string())))
        .collect();
    payload.insert("amounts".into(), Value::Object(amounts));
    if let Some(job) = job {
        payload.insert("job".into(), json!({ "id": job.id, "worker": job.worker }));
    }
    Value::Object(payload).to_string()
}

/// The claim-accepted hook for a case just inserted (with its `case_created` event) in
/// the caller's transaction: applies [`Event::ClaimAccepted`], which schedules the track's
/// first timer, and returns the case as it now stands. Every path that creates cases
/// (CreateCase, the import) calls it in the creating transaction.
pub(crate) fn accept_new_case(
    conn: &mut DbConnection,
    case_id: &str,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<CaseRecord, AppError> {
    match apply_in(conn, case_id, &Event::ClaimAccepted, actor, now, None)? {
        Applied::Done { case, .. } => Ok(*case),
        Applied::Rejected(rejection) => Err(AppError::Internal(format!(
            "a new case refused its acceptance: {rejection}"
        ))),
        Applied::LeaseLost => Err(AppError::Internal("a new case holds no lease".into())),
    }
}

impl App {
    /// Applies a caller's event to a case (a command): FAILED_PRECONDITION when the track
    /// refuses it.
    pub async fn apply(
        &self,
        case_id: String,
        event: Event,
        actor: Actor,
    ) -> Result<CaseRecord, AppError> {
        let now = self.service_now().await?;
        let applied = self
            .store
            .run(move |conn| apply_with_retry(conn, &case_id, &event, &actor, now, None))
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

    /// Tells the local workers and watchers that something was committed.
    pub(crate) fn after_commit(&self, due_now: bool) {
        if due_now {
            self.engine.wake_workers.notify_waiters();
        }
        self.engine.appended.notify_waiters();
    }
}

/// The ledger row of a payment as the track recorded and allocated it.
pub(super) fn payment_row(case_id: &str, p: &PaymentRecord, now: DateTime<Utc>) -> PaymentRow {
    PaymentRow {
        id: format!("{case_id}/{}", p.id),
        case_id: case_id.to_owned(),
        paid_on: p.paid_on,
        amount_cents: p.amount_cents,
        invoice_number: p.invoice_number.clone().unwrap_or_default(),
        reference: p.reference.clone(),
        allocation: serde_json::json!({
            "legal_costs": p.to_legal_costs_cents,
            "costs": p.to_costs_cents,
            "interest": p.to_interest_cents,
            "principal": p.to_principal_cents,
            "overpaid": p.overpaid_cents,
        })
        .to_string(),
        recorded_at: db_instant(now),
        paid_to_client: p.paid_to_client,
        reversed_on: None,
    }
}
