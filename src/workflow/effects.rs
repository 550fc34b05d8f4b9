//! A decision as rows: the audit event, the payments ledger, and each [`Effect`] as a job or
//! task row (or a cancellation), with one id scheme. The pipeline writes them one case at a
//! time; the import writes the rows of a whole batch of new cases in a few multi-row
//! statements. Both build them here, so a case accepted by CreateCase, by an import row or
//! moved by any later event is written the same way.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

use crate::case::track::PaymentRecord;
use crate::case::{CaseRecord, Debtor, Decision, Due, Effect, JobKind, TrackPolicy};
use crate::clock::{amsterdam_instant, amsterdam_start_of};
use crate::store::cases;
use crate::store::client_charges::{self, ChargeRow};
use crate::store::ids::new_id;
use crate::store::jobs::{self, JobRow};
use crate::store::payments::PaymentRow;
use crate::store::search::{self, CaseKeys};
use crate::store::tasks::{self, TaskRow, state};
use crate::store::{DbConnection, StoreError, db_instant};

/// The job whose coming due produced an event: it is deleted in the event's transaction,
/// and only while `worker` still holds its lease, so a timer fires exactly once even when
/// a lease ran out and another instance took the job over.
#[derive(Clone, Debug)]
pub(crate) struct ConsumedJob {
    /// The job.
    pub id: String,
    /// The worker holding it.
    pub worker: String,
    /// When it was due, as leased.
    pub due_at: chrono::NaiveDateTime,
}

/// One effect as a write, in the decision's order.
#[derive(Clone, Debug)]
pub(crate) enum Write {
    /// Insert a job.
    Job(JobRow),
    /// Drop the case's pending jobs of a kind (`None`: all).
    CancelJobs(Option<JobKind>),
    /// Insert a task.
    Task(TaskRow),
    /// Cancel the case's open tasks of a kind (`None`: all).
    CloseTasks(Option<String>),
    /// Store the debtor's new details and the case's search keys that follow from them.
    Debtor(Box<CaseKeys>, Box<Debtor>),
    /// Record a cost for the client's account (a writ not served), once.
    Charge(ChargeRow),
}

/// The audit event of a decision, as appended to `case_events`.
#[derive(Clone, Debug)]
pub(crate) struct AuditRow {
    /// e.g. `track_started`.
    pub kind: &'static str,
    /// Why, in words.
    pub reason: String,
    /// The event's data with the amounts as computed then (and the job that drove it).
    pub payload: String,
}

/// Everything a decision writes besides the case's new standing.
#[derive(Clone, Debug)]
pub(crate) struct Rows {
    /// The audit event.
    pub audit: AuditRow,
    /// Payments the decision recorded, for the ledger.
    pub payments: Vec<PaymentRow>,
    /// The effects, in order.
    pub writes: Vec<Write>,
    /// Whether a job due by the decision's instant was scheduled (wake the workers).
    pub due_now: bool,
}

impl Rows {
    /// The rows of `decision` on `case` (as it stood before) at `now`; `job` is the job
    /// that drove the event, named in the audit payload.
    pub(crate) fn of(
        case: &CaseRecord,
        decision: &Decision,
        policy: &TrackPolicy,
        now: DateTime<Utc>,
        job: Option<&ConsumedJob>,
    ) -> Self {
        let max_attempts = max_attempts(policy);
        let mut due_now = false;
        let mut writes: Vec<Write> = decision
            .effects
            .iter()
            .map(|effect| {
                let write = write_of(case, effect, now, max_attempts);
                if let Write::Job(job) = &write {
                    due_now |= job.due_at <= db_instant(now);
                }
                write
            })
            .collect();
        // The client's costs the decision recorded (a failed service's), for its payouts.
        let known: Vec<String> = case
            .track
            .client_charges()
            .into_iter()
            .map(|c| c.id)
            .collect();
        writes.extend(
            decision
                .track
                .client_charges()
                .into_iter()
                .filter(|c| !known.contains(&c.id))
                .map(|c| {
                    Write::Charge(ChargeRow {
                        id: format!("{}/{}", case.id, c.id),
                        case_id: case.id.clone(),
                        incurred_on: c.incurred_on,
                        amount_cents: c.amount_cents,
                        description: c.description,
                        recorded_at: db_instant(now),
                    })
                }),
        );
        let payments = decision
            .track
            .payments
            .iter()
            .skip(case.track.payments.len())
            .map(|p| payment_row(&case.id, p, now))
            .collect();
        Self {
            audit: AuditRow {
                kind: decision.audit.kind,
                reason: decision.audit.reason.clone(),
                payload: audit_payload(decision, job),
            },
            payments,
            writes,
            due_now,
        }
    }

    /// Whether every write is an insert, so the rows may go into a batch's multi-row
    /// inserts in any order (a cancellation must run where the decision put it).
    pub(crate) fn inserts_only(&self) -> bool {
        self.writes
            .iter()
            .all(|w| matches!(w, Write::Job(_) | Write::Task(_) | Write::Charge(_)))
    }
}

/// Carries out `writes` of case `case_id`, in order, inside the caller's transaction.
pub(crate) fn write(
    conn: &mut DbConnection,
    case_id: &str,
    writes: &[Write],
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    for write in writes {
        match write {
            Write::Job(row) => jobs::insert(conn, std::slice::from_ref(row))?,
            Write::CancelJobs(kind) => {
                jobs::cancel(conn, case_id, kind.map(JobKind::as_str))?;
            }
            Write::Task(row) => tasks::insert(conn, row)?,
            Write::CloseTasks(kind) => {
                tasks::cancel(conn, case_id, kind.as_deref(), db_instant(now))?;
            }
            Write::Debtor(keys, debtor) => {
                cases::update_debtor(conn, case_id, debtor)?;
                search::replace(conn, keys)?;
            }
            Write::Charge(row) => client_charges::insert(conn, row)?,
        }
    }
    Ok(())
}

fn write_of(case: &CaseRecord, effect: &Effect, now: DateTime<Utc>, max_attempts: i32) -> Write {
    let case_id = case.id.as_str();
    match effect {
        Effect::ScheduleJob { kind, due, payload } => Write::Job(JobRow {
            id: new_id(now),
            case_id: Some(case_id.to_owned()),
            kind: kind.as_str().to_owned(),
            payload: payload.to_string(),
            due_at: db_instant(due_instant(due, now)),
            attempts: 0,
            max_attempts,
            leased_by: None,
            lease_until: None,
            last_error: None,
            // Its run links back to this (the scheduling) span.
            trace_context: crate::telemetry::propagation::current_traceparent(),
            created_at: db_instant(now),
        }),
        Effect::CancelJobs { kind } => Write::CancelJobs(*kind),
        Effect::OpenTask(task) => Write::Task(TaskRow {
            id: new_id(now),
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
            due_on: None,
        }),
        Effect::OpenDueTask {
            task,
            due_on,
            assignee,
        } => Write::Task(TaskRow {
            id: new_id(now),
            case_id: Some(case_id.to_owned()),
            kind: task.kind.clone(),
            queue: task.queue.clone(),
            state: if assignee.is_empty() {
                state::OPEN
            } else {
                state::CLAIMED
            }
            .to_owned(),
            title: task.title.clone(),
            details: task.details.to_string(),
            outcomes: json!(task.outcomes).to_string(),
            claimed_by: assignee.clone(),
            outcome: String::new(),
            note: String::new(),
            created_at: db_instant(now),
            updated_at: db_instant(now),
            due_on: Some(*due_on),
        }),
        Effect::ChangeDebtor(debtor) => {
            let mut changed = case.clone();
            changed.claim.debtor = (**debtor).clone();
            Write::Debtor(Box::new(CaseKeys::of_record(&changed)), debtor.clone())
        }
        Effect::CloseTasks { kind } => Write::CloseTasks(kind.clone()),
    }
}

/// When a job scheduled at `now` with `due` comes due.
fn due_instant(due: &Due, now: DateTime<Utc>) -> DateTime<Utc> {
    match due {
        Due::Now => now,
        Due::StartOf(day) => amsterdam_start_of(*day),
        Due::Local(at) => amsterdam_instant(*at),
    }
}

/// Attempts of a job before it becomes a task.
fn max_attempts(policy: &TrackPolicy) -> i32 {
    i32::try_from(policy.job_max_attempts.max(1)).unwrap_or(i32::MAX)
}

/// The audit payload: the decision's data with the amounts as computed then, and for an
/// event from a job, which job and which instance's worker applied it.
fn audit_payload(decision: &Decision, job: Option<&ConsumedJob>) -> String {
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

/// The ledger row of a payment as the track recorded and allocated it.
pub(super) fn payment_row(case_id: &str, p: &PaymentRecord, now: DateTime<Utc>) -> PaymentRow {
    PaymentRow {
        id: format!("{case_id}/{}", p.id),
        case_id: case_id.to_owned(),
        paid_on: p.paid_on,
        amount_cents: p.amount_cents,
        invoice_number: p.invoice_number.clone().unwrap_or_default(),
        reference: p.reference.clone(),
        allocation: json!({
            "legal_costs": p.to_legal_costs_cents,
            "costs": p.to_costs_cents,
            "interest": p.to_interest_cents,
            "principal": p.to_principal_cents,
            "overpaid": p.overpaid_cents,
        })
        .to_string(),
        recorded_at: db_instant(p.recorded_at.unwrap_or(now)),
        paid_to_client: p.paid_to_client,
        reversed_on: None,
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn ids_of_two_standing_clocks_keep_their_own_time_and_order() {
        let december = Utc.with_ymd_and_hms(2026, 12, 7, 10, 0, 0).unwrap();
        let may = Utc.with_ymd_and_hms(2026, 5, 4, 10, 0, 0).unwrap();
        let millis = |id: &str| u64::from_str_radix(&id.replace('-', "")[..12], 16).unwrap();
        let (mut decembers, mut mays) = (Vec::new(), Vec::new());
        for _ in 0..3 {
            decembers.push(new_id(december));
            mays.push(new_id(may));
        }
        for ids in [&decembers, &mays] {
            assert!(ids.windows(2).all(|w| w[0] < w[1]), "{ids:?}");
        }
        // May's instant, not December's borrowed: PostgreSQL files the dossier by it.
        assert!(
            mays.iter()
                .all(|id| millis(id) == u64::try_from(may.timestamp_millis()).unwrap()),
            "{mays:?}"
        );
    }
}
