//! The one way a case changes. A [`Command`] (a caller's request, a person's task
//! completion, a job coming due) is applied in one transaction:
//!
//! 1. the job that drove it is consumed, while its lease holds (else nothing is written);
//! 2. the case is read, and is NOT_FOUND to a caller confined to another client (in the
//!    words of a missing case);
//! 3. a request id already used answers as the first call did (another request under it
//!    is ALREADY_EXISTS);
//! 4. [`decide`] on the case as read, under its policy version, today in Amsterdam;
//! 5. the new standing against the version read, the payments ledger, the audit event and
//!    the decision's effects as rows ([`super::effects`]), a completed task, and the
//!    request id, all in that transaction.
//!
//! A lost version race rolls back and decides again ([`retrying`], the only such loop);
//! [`Applied::changed`] is the only mapping of the outcome to a caller's answer. New cases
//! ([`create_in`]) get their first decision here too, written for a whole batch at once.
//! [`run_batch`] applies many commands in one transaction, each in a savepoint, so one
//! case's failure leaves the others' changes to commit.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::cases::case_not_found;
use super::effects::{self, ConsumedJob, Rows, Write};
use super::{Actor, App, MAX_CONFLICTS, Principal};
use crate::case::{
    CaseRecord, Decision, Event, NewCase, Rejection, Stage, Suspension, TrackPolicy, decide,
};
use crate::clock::amsterdam_local;
use crate::error::AppError;
use crate::store::cases::{self, Standing};
use crate::store::events::{self, NewEvent};
use crate::store::import::{self, ImportedCase, ImportedEvent};
use crate::store::tasks::{self, TaskRow, state};
use crate::store::{
    DbConnection, clients, db_instant, idempotency, jobs, payments, savepoint, transaction, utc,
};

/// One change to a case.
#[derive(Clone, Debug)]
pub(crate) struct Command {
    /// The case.
    pub case_id: String,
    /// What happens to it.
    pub event: Event,
    /// Who does it (recorded on the audit event).
    pub actor: Actor,
    /// The client a client token is bound to: another client's case is NOT_FOUND.
    pub tenant: Option<String>,
    /// Done once under this key.
    pub idempotency_key: Option<IdempotencyKey>,
    /// The job whose coming due is the event.
    pub job: Option<ConsumedJob>,
    /// The task a person completes with this event.
    pub task: Option<TaskCompletion>,
}

/// A caller's request id, as stored in `idempotency_keys`.
#[derive(Clone, Debug)]
pub(crate) struct IdempotencyKey {
    /// What kind of request (`track_command`, `complete_task`).
    pub scope: &'static str,
    /// The stored key.
    pub key: String,
    /// The caller's id, for the error that names it.
    pub request_id: String,
    /// What the request was: the same key for another request is refused.
    pub fingerprint: String,
    /// The id stored as its answer.
    pub response: String,
}

/// The task a person completes: its outcome is the event.
#[derive(Clone, Debug)]
pub(crate) struct TaskCompletion {
    /// The task.
    pub task_id: String,
    /// One of its outcomes.
    pub outcome: String,
    /// The person's note.
    pub note: String,
}

impl Command {
    /// `event` for case `case_id` by `actor`, with no key, job or task.
    pub(crate) fn new(case_id: String, event: Event, actor: Actor) -> Self {
        Self {
            case_id,
            event,
            actor,
            tenant: None,
            idempotency_key: None,
            job: None,
            task: None,
        }
    }

    /// The same command by `who`: recorded as theirs, on a case they may see.
    pub(crate) fn by(mut self, who: &Principal) -> Self {
        self.actor = who.actor();
        self.tenant = who.confined_to().map(str::to_owned);
        self
    }
}

impl IdempotencyKey {
    /// A track command's key: a request id is the caller's within one case, so one
    /// client's ids can neither collide with nor reveal another's. `None` for no id.
    pub(crate) fn per_case(case_id: &str, request_id: &str, fingerprint: String) -> Option<Self> {
        (!request_id.is_empty()).then(|| Self {
            scope: "track_command",
            key: format!("{case_id}\u{1f}{request_id}"),
            request_id: request_id.to_owned(),
            fingerprint,
            response: case_id.to_owned(),
        })
    }
}

impl IdempotencyKey {
    /// The stored answer when this key was used before for the same request;
    /// ALREADY_EXISTS when it was used for another one.
    pub(super) fn answered(&self, conn: &mut DbConnection) -> Result<Option<String>, AppError> {
        let Some(stored) = idempotency::find(conn, self.scope, &self.key)? else {
            return Ok(None);
        };
        if stored.request_hash != self.fingerprint {
            return Err(AppError::AlreadyExists(format!(
                "request_id {:?} was used for a different request",
                self.request_id
            )));
        }
        Ok(Some(stored.response))
    }

    /// Records the key with its answer, in the transaction that did the work.
    pub(super) fn store(
        &self,
        conn: &mut DbConnection,
        now: DateTime<Utc>,
    ) -> Result<(), AppError> {
        idempotency::insert(
            conn,
            self.scope,
            &self.key,
            &self.fingerprint,
            &self.response,
            now,
        )?;
        Ok(())
    }
}

/// What became of a command.
#[derive(Debug)]
pub(crate) enum Applied {
    /// The decision committed.
    Done {
        /// The case after it.
        case: Box<CaseRecord>,
        /// What was decided.
        decision: Box<Decision>,
        /// Whether a job due at once was scheduled (wake the workers).
        due_now: bool,
    },
    /// The request id was used for this very request before: the case as it stands.
    Replayed(Box<CaseRecord>),
    /// The track refused the event; a consumed job was deleted all the same.
    Rejected(Rejection),
    /// The job's lease was lost: nothing was written.
    LeaseLost,
}

/// A command's answer to its caller.
#[derive(Debug)]
pub(crate) struct Changed {
    /// The case after the command.
    pub case: CaseRecord,
    /// What was decided; `None` when the request was answered before.
    pub decision: Option<Decision>,
}

impl Applied {
    /// The caller's answer: the case after the command, or FAILED_PRECONDITION with the
    /// track's reason.
    pub(crate) fn changed(self) -> Result<Changed, AppError> {
        match self {
            Applied::Done { case, decision, .. } => Ok(Changed {
                case: *case,
                decision: Some(*decision),
            }),
            Applied::Replayed(case) => Ok(Changed {
                case: *case,
                decision: None,
            }),
            Applied::Rejected(rejection) => {
                Err(AppError::FailedPrecondition(rejection.to_string()))
            }
            Applied::LeaseLost => Err(AppError::Internal("a command holds no lease".into())),
        }
    }
}

/// Applies `command` in a transaction of its own, deciding again after a lost race.
pub(crate) fn run(
    conn: &mut DbConnection,
    command: &Command,
    now: DateTime<Utc>,
) -> Result<Applied, AppError> {
    retrying(&command.case_id, || {
        transaction(conn, |conn| apply_in(conn, command, now))
    })
}

/// Applies `commands` in one transaction. The jobs' events of cases that come once in the
/// batch are written together ([`together`]: a few statements for the lot); the rest, and
/// all of them should writing together fail, each in a savepoint: a command that fails (or
/// loses its race too often) is rolled back alone and answered with its error, the others'
/// changes commit together. `Err` only when the transaction itself fails.
pub(crate) fn run_batch(
    conn: &mut DbConnection,
    commands: &[Command],
    now: DateTime<Utc>,
) -> Result<Vec<Result<Applied, AppError>>, AppError> {
    transaction(conn, |conn| {
        // The batch's cases in one read, and each policy version once.
        let ids: Vec<&str> = commands.iter().map(|c| c.case_id.as_str()).collect();
        let mut read = Read {
            cases: cases::get_many(conn, &ids)?,
            policies: HashMap::new(),
        };
        let answers = match savepoint(conn, |conn| together(conn, commands, now, &mut read)) {
            Ok(answers) => answers,
            Err(e) => {
                // A lost race or a failing row: nothing of it stays; one at a time finds
                // which (the cases are read afresh).
                tracing::debug!(error = %e, "batch not written together; one command at a time");
                commands.iter().map(|_| None).collect()
            }
        };
        Ok(commands
            .iter()
            .zip(answers)
            .map(|(command, answer)| {
                answer.unwrap_or_else(|| {
                    retrying(&command.case_id, || {
                        savepoint(conn, |conn| apply_read(conn, command, now, &mut read))
                    })
                })
            })
            .collect())
    })
}

/// Writes the events jobs bring to cases read in `read`, each case's only command in the
/// batch, together: the jobs consumed in one statement, the decisions taken in memory, the
/// cases' new standings in one update against the versions read, the audit events and the
/// new jobs in one `COPY` each on PostgreSQL. What each command's [`apply_read`] would
/// write, in the same order per case. The answers of the commands it took (`None` for the
/// rest); `Err` (a lost race, a failing row) rolls the lot back for the caller's savepoint.
fn together(
    conn: &mut DbConnection,
    commands: &[Command],
    now: DateTime<Utc>,
    read: &mut Read,
) -> Result<Vec<Option<Result<Applied, AppError>>>, AppError> {
    let mut per_case: HashMap<&str, usize> = HashMap::new();
    for command in commands {
        *per_case.entry(command.case_id.as_str()).or_default() += 1;
    }
    let taken: Vec<(usize, &Command, &ConsumedJob)> = commands
        .iter()
        .enumerate()
        .filter_map(|(i, command)| {
            let simple = command.idempotency_key.is_none()
                && command.task.is_none()
                && command.tenant.is_none()
                && !matches!(command.event, Event::PaymentReversed { .. })
                && per_case[command.case_id.as_str()] == 1
                && read.cases.contains_key(&command.case_id);
            command
                .job
                .as_ref()
                .filter(|_| simple)
                .map(|job| (i, command, job))
        })
        .collect();
    let mut answers: Vec<Option<Result<Applied, AppError>>> =
        commands.iter().map(|_| None).collect();
    let Some((_, _, first)) = taken.first() else {
        return Ok(answers);
    };
    jobs::relaxed_commit(conn)?;
    let held: Vec<(&str, chrono::NaiveDateTime)> = taken
        .iter()
        .filter(|(_, _, job)| job.worker == first.worker)
        .map(|(_, _, job)| (job.id.as_str(), job.due_at))
        .collect();
    if held.len() != taken.len() {
        return Err(AppError::Internal(
            "a batch of several workers' jobs".into(),
        ));
    }
    let consumed = jobs::consume_many(conn, &held, &first.worker)?;
    let today = amsterdam_local(now).date();
    let mut decided = Vec::with_capacity(taken.len());
    for (i, command, job) in taken {
        if !consumed.contains(&job.id) {
            answers[i] = Some(Ok(Applied::LeaseLost));
            continue;
        }
        let case = read
            .cases
            .remove(&command.case_id)
            .ok_or_else(|| AppError::Internal(format!("case {} was not read", command.case_id)))?;
        let policy = read.policy(conn, &case)?;
        match decide(&case, &command.event, policy, today) {
            Ok(decision) => {
                let rows = Rows::of(&case, &decision, policy, now, Some(job));
                decided.push((i, command, case, decision, rows));
            }
            Err(rejection) => answers[i] = Some(Ok(Applied::Rejected(rejection))),
        }
    }
    let updates: Vec<cases::StandingUpdate<'_>> = decided
        .iter()
        .map(|(_, _, case, decision, _)| cases::StandingUpdate {
            id: &case.id,
            read_version: case.version,
            standing: standing(case, decision),
        })
        .collect();
    if cases::update_standings(conn, &updates, now)?.len() != updates.len() {
        return Err(AppError::Conflict);
    }
    let audit: Vec<NewEvent<'_>> = decided
        .iter()
        .map(|(_, command, case, decision, rows)| NewEvent {
            case_id: &case.id,
            kind: rows.audit.kind,
            actor: &command.actor.0,
            stage: decision.stage,
            suspension: decision.suspension,
            reason: &rows.audit.reason,
            payload: rows.audit.payload.clone(),
            policy_version: case.policy_version,
            at: now,
        })
        .collect();
    events::append_many(conn, &audit)?;
    let (mut new_jobs, mut new_tasks) = (Vec::new(), Vec::new());
    for (_, _, case, _, rows) in &decided {
        for payment in &rows.payments {
            payments::insert(conn, payment)?;
        }
        if rows.inserts_only() {
            // Inserts only: they go into the batch's one insert per table.
            for write in &rows.writes {
                match write {
                    Write::Job(job) => new_jobs.push(job.clone()),
                    Write::Task(task) => new_tasks.push(task.clone()),
                    other => effects::write(conn, &case.id, std::slice::from_ref(other), now)?,
                }
            }
        } else {
            effects::write(conn, &case.id, &rows.writes, now)?;
        }
    }
    jobs::insert(conn, &new_jobs)?;
    tasks::insert_many(conn, &new_tasks)?;
    for (i, _, case, decision, rows) in decided {
        answers[i] = Some(Ok(Applied::Done {
            case: Box::new(as_written(case, &decision, now)),
            decision: Box::new(decision),
            due_now: rows.due_now,
        }));
    }
    Ok(answers)
}

/// What a batch read before its commands: the cases as they stood at the start (each
/// used once, by the first command for it; a retry or a second command reads afresh, and
/// the update against the version read catches a change since), and the policy versions
/// it has used (immutable; their rates are the ones in force for the whole transaction).
#[derive(Default)]
pub(super) struct Read {
    cases: HashMap<String, CaseRecord>,
    policies: HashMap<(String, i64), TrackPolicy>,
}

impl Read {
    /// The policy version `case` runs under, read once per batch.
    fn policy(
        &mut self,
        conn: &mut DbConnection,
        case: &CaseRecord,
    ) -> Result<&TrackPolicy, AppError> {
        let key = (
            case.claim.client_id.as_str().to_owned(),
            case.policy_version,
        );
        if !self.policies.contains_key(&key) {
            let stored = clients::get_policy(conn, &key.0, Some(key.1))?.ok_or_else(|| {
                AppError::Internal(format!(
                    "case {}: policy version {} is missing",
                    case.id, case.policy_version
                ))
            })?;
            self.policies.insert(key.clone(), stored.policy);
        }
        Ok(&self.policies[&key])
    }
}

/// The standing `decision` gives `case`.
fn standing<'a>(case: &'a CaseRecord, decision: &'a Decision) -> Standing<'a> {
    Standing {
        stage: decision.stage,
        suspension: decision.suspension,
        close_reason: decision.close_reason,
        close_note: &decision.close_note,
        warnings: &case.warnings,
        track: &decision.track,
        court_case_before: case
            .track
            .judgment
            .as_ref()
            .map(|judgment| judgment.court_case_number.as_str()),
    }
}

/// The case as `decision` left it, without reading it back: what `update_standing` wrote
/// on the case as read (a job's run answers nobody, so one read per transition).
fn as_written(case: CaseRecord, decision: &Decision, now: DateTime<Utc>) -> CaseRecord {
    CaseRecord {
        stage: decision.stage,
        suspension: decision.suspension,
        close_reason: decision.close_reason,
        close_note: decision.close_note.clone(),
        track: decision.track.clone(),
        version: case.version + 1,
        updated_at: utc(db_instant(now)),
        ..case
    }
}

/// Runs `attempt` (one transaction or savepoint) again while it loses the version race.
pub(super) fn retrying<T>(
    subject: &str,
    mut attempt: impl FnMut() -> Result<T, AppError>,
) -> Result<T, AppError> {
    for _ in 0..MAX_CONFLICTS {
        match attempt() {
            Err(AppError::Conflict) => {
                tracing::debug!(subject, "version race lost; deciding again");
            }
            other => return other,
        }
    }
    Err(AppError::Unavailable(format!(
        "{subject}: {MAX_CONFLICTS} concurrent transitions in a row; retry"
    )))
}

/// The steps of the module doc, inside the caller's transaction (a bank statement's
/// bookings run inside the statement's). `Err(AppError::Conflict)` when another
/// transition won the version race.
pub(super) fn apply_in(
    conn: &mut DbConnection,
    command: &Command,
    now: DateTime<Utc>,
) -> Result<Applied, AppError> {
    apply_read(conn, command, now, &mut Read::default())
}

/// [`apply_in`] with what the caller has read already.
fn apply_read(
    conn: &mut DbConnection,
    command: &Command,
    now: DateTime<Utc>,
    read: &mut Read,
) -> Result<Applied, AppError> {
    if let Some(job) = &command.job {
        jobs::relaxed_commit(conn)?;
        if !jobs::consume(conn, &job.id, job.due_at, &job.worker)? {
            return Ok(Applied::LeaseLost);
        }
    }
    let case_id = command.case_id.as_str();
    let case = match read.cases.remove(case_id) {
        Some(case) => Some(case),
        None => cases::get(conn, case_id)?,
    };
    let case = case
        .filter(|case| {
            let tenant = command.tenant.as_deref();
            tenant.is_none_or(|own| own == case.claim.client_id.as_str())
        })
        .ok_or_else(|| case_not_found(case_id))?;
    if let Some(key) = &command.idempotency_key
        && key.answered(conn)?.is_some()
    {
        return Ok(Applied::Replayed(Box::new(case)));
    }
    if let Some(task) = &command.task {
        check_task(conn, Some(case_id), task)?;
    }
    let policy = read.policy(conn, &case)?;
    let today = amsterdam_local(now).date();
    let decision = match decide(&case, &command.event, policy, today) {
        Ok(decision) => decision,
        Err(rejection) => return Ok(Applied::Rejected(rejection)),
    };
    // Completed before the effects are written: a decision that closes the case cancels
    // its open tasks, and this one is done, not cancelled.
    if let Some(task) = &command.task
        && !tasks::complete(
            conn,
            &task.task_id,
            &task.outcome,
            &task.note,
            db_instant(now),
        )?
    {
        return Err(AppError::FailedPrecondition(format!(
            "task {} is no longer open",
            task.task_id
        )));
    }
    let rows = Rows::of(&case, &decision, policy, now, command.job.as_ref());
    if !cases::update_standing(conn, case_id, case.version, standing(&case, &decision), now)? {
        return Err(AppError::Conflict);
    }
    for payment in &rows.payments {
        payments::insert(conn, payment)?;
    }
    if let Event::PaymentReversed {
        payment_id,
        reversed_on,
        ..
    } = &command.event
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
            kind: rows.audit.kind,
            actor: &command.actor.0,
            stage: decision.stage,
            suspension: decision.suspension,
            reason: &rows.audit.reason,
            payload: rows.audit.payload,
            policy_version: case.policy_version,
            at: now,
        },
    )?;
    effects::write(conn, case_id, &rows.writes, now)?;
    if let Some(key) = &command.idempotency_key {
        key.store(conn, now)?;
    }
    // A job's run answers nobody, so its case is not read back: it is the case as read
    // with what `update_standing` wrote (one read per transition). A caller gets the case
    // as stored.
    let case = if command.job.is_some() {
        as_written(case, &decision, now)
    } else {
        cases::get(conn, case_id)?
            .ok_or_else(|| AppError::Internal(format!("case {case_id} vanished")))?
    };
    Ok(Applied::Done {
        case: Box::new(case),
        decision: Box::new(decision),
        due_now: rows.due_now,
    })
}

/// The task may be completed with that outcome: it is the case's (`None`: the office's,
/// of no case), open or claimed, and offers the outcome.
pub(super) fn check_task(
    conn: &mut DbConnection,
    case_id: Option<&str>,
    completion: &TaskCompletion,
) -> Result<TaskRow, AppError> {
    let task = tasks::get(conn, &completion.task_id)?
        .filter(|task| task.case_id.as_deref() == case_id)
        .ok_or_else(|| AppError::NotFound(format!("no task {:?}", completion.task_id)))?;
    if task.state != state::OPEN && task.state != state::CLAIMED {
        return Err(AppError::FailedPrecondition(format!(
            "task {} is {}",
            task.id, task.state
        )));
    }
    let outcomes = task.outcome_list()?;
    if !outcomes.contains(&completion.outcome) {
        return Err(AppError::invalid(
            "outcome",
            &format!("one of {}", outcomes.join(", ")),
        ));
    }
    Ok(task)
}

/// A new case to create: the claim's case, its fingerprint and its client's policy.
pub(crate) struct Creation<'a> {
    /// The case.
    pub case: NewCase,
    /// `Claim::fingerprint` of its claim.
    pub content_hash: String,
    /// The policy version the case runs under.
    pub policy: &'a TrackPolicy,
}

/// New cases decided and turned into rows, not written yet ([`prepare`]).
pub(crate) struct Prepared {
    /// The batch's rows for its multi-row statements.
    rows: import::NewRows,
    /// Per case, what the multi-row statements do not write (a decision's other writes
    /// and payments).
    later: Vec<(String, Vec<Write>, Vec<payments::PaymentRow>)>,
    /// Whether a job due at once was scheduled.
    due_now: bool,
}

/// Decides new cases without the database: each gets its `case_created` event and the
/// track's [`Event::ClaimAccepted`] decision, on the case as it is about to be stored,
/// turned into the same rows as any decision ([`Rows`]); written by [`write`].
pub(crate) fn prepare(
    creations: Vec<Creation<'_>>,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Prepared, AppError> {
    let today = amsterdam_local(now).date();
    let mut new = Vec::with_capacity(creations.len());
    let mut jobs = Vec::with_capacity(creations.len());
    let mut later = Vec::new();
    let mut due_now = false;
    for creation in creations {
        let case = creation.case.record();
        let decision =
            decide(&case, &Event::ClaimAccepted, creation.policy, today).map_err(|rejection| {
                AppError::Internal(format!("a new case refused its acceptance: {rejection}"))
            })?;
        let rows = Rows::of(&case, &decision, creation.policy, now, None);
        due_now |= rows.due_now;
        let inserts_only = rows.inserts_only();
        let created = ImportedEvent {
            kind: "case_created".into(),
            stage: Stage::Intake,
            suspension: Suspension::None,
            reason: "claim received".into(),
            payload: created_payload(&creation.case),
        };
        let accepted = ImportedEvent {
            kind: rows.audit.kind.to_owned(),
            stage: decision.stage,
            suspension: decision.suspension,
            reason: rows.audit.reason,
            payload: rows.audit.payload,
        };
        new.push(ImportedCase {
            case: creation.case,
            content_hash: creation.content_hash,
            stage: decision.stage,
            suspension: decision.suspension,
            close_reason: decision.close_reason,
            close_note: decision.close_note,
            // One transition after creation, as `cases::update_standing` counts them.
            version: case.version + 1,
            events: vec![created, accepted],
        });
        let mut writes = rows.writes;
        if inserts_only {
            // Inserts only: the jobs go into the batch's multi-row insert.
            writes.retain(|write| match write {
                Write::Job(job) => {
                    jobs.push(job.clone());
                    false
                }
                _ => true,
            });
        }
        if !writes.is_empty() || !rows.payments.is_empty() {
            later.push((case.id, writes, rows.payments));
        }
    }
    Ok(Prepared {
        rows: import::NewRows::build(&new, &jobs, &actor.0, now)?,
        later,
        due_now,
    })
}

/// Writes prepared new cases inside the caller's transaction, the whole batch with a few
/// multi-row statements. Returns whether a job due at once was scheduled. A reference
/// already taken breaks the unique key (`Conflict`): roll back and look again.
pub(crate) fn write(
    conn: &mut DbConnection,
    prepared: Prepared,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    prepared.rows.insert(conn)?;
    for (case_id, writes, rows) in prepared.later {
        for payment in &rows {
            payments::insert(conn, payment)?;
        }
        effects::write(conn, &case_id, &writes, now)?;
    }
    Ok(prepared.due_now)
}

/// Creates new cases inside the caller's transaction: [`prepare`], then [`write`].
pub(crate) fn create_in(
    conn: &mut DbConnection,
    creations: Vec<Creation<'_>>,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    write(conn, prepare(creations, actor, now)?, now)
}

/// The payload of a `case_created` audit event: the figures as computed at intake.
fn created_payload(case: &NewCase) -> String {
    serde_json::json!({
        "principal": case.claim.principal().to_string(),
        "invoices": case.claim.invoices.len(),
        "accepted_on": case.accepted_on.to_string(),
        "warnings": case.warnings,
    })
    .to_string()
}

impl App {
    /// Applies `command` at `now` (the service's time) in a transaction of its own and
    /// tells the local workers and watchers of what committed.
    pub(crate) async fn execute(
        &self,
        command: Command,
        now: DateTime<Utc>,
    ) -> Result<Applied, AppError> {
        let applied = self.store.run(move |conn| run(conn, &command, now)).await?;
        if let Applied::Done { due_now, .. } = &applied {
            self.after_commit(*due_now);
        }
        Ok(applied)
    }

    /// Applies `commands` at `now` in one transaction ([`run_batch`]): one answer per
    /// command, in order.
    pub(crate) async fn execute_batch(
        &self,
        commands: Vec<Command>,
        now: DateTime<Utc>,
    ) -> Result<Vec<Result<Applied, AppError>>, AppError> {
        let applied = self
            .store
            .run(move |conn| run_batch(conn, &commands, now))
            .await?;
        let due_now = applied
            .iter()
            .any(|a| matches!(a, Ok(Applied::Done { due_now: true, .. })));
        if applied
            .iter()
            .any(|a| matches!(a, Ok(Applied::Done { .. })))
        {
            self.after_commit(due_now);
        }
        Ok(applied)
    }

    /// Applies a caller's event to a case (a command, no request id): FAILED_PRECONDITION
    /// when the track refuses it.
    pub async fn apply(
        &self,
        case_id: String,
        event: Event,
        actor: Actor,
    ) -> Result<CaseRecord, AppError> {
        let now = self.service_now().await?;
        let command = Command::new(case_id, event, actor);
        Ok(self.execute(command, now).await?.changed()?.case)
    }

    /// Applies events to cases in one transaction (see [`run_batch`]): each answered as
    /// [`App::apply`] would answer it alone.
    pub async fn apply_batch(
        &self,
        events: Vec<(String, Event)>,
        actor: Actor,
    ) -> Result<Vec<Result<CaseRecord, AppError>>, AppError> {
        let now = self.service_now().await?;
        let commands = events
            .into_iter()
            .map(|(case_id, event)| Command::new(case_id, event, actor.clone()))
            .collect();
        Ok(self
            .execute_batch(commands, now)
            .await?
            .into_iter()
            .map(|applied| Ok(applied?.changed()?.case))
            .collect())
    }

    /// Tells the local workers and watchers that something was committed.
    pub(crate) fn after_commit(&self, due_now: bool) {
        if due_now {
            self.engine.wake_workers.notify_waiters();
        }
        self.engine.appended.notify_waiters();
    }
}
