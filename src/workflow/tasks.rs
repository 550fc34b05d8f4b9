//! Work for people: list, claim, complete. Completing a task is an event for its case,
//! applied through the pipeline in the same transaction as the task's own change.

use serde_json::Value;

use chrono::{DateTime, Utc};

use super::pipeline::{self, Command, IdempotencyKey, TaskCompletion};
use super::task_view::Task;
use super::{App, Principal};
use crate::case::lifecycle::{enforceability, execution, garnishee, hearing, out_of_time, service};
use crate::case::{Event, task_kind};
use crate::error::AppError;
use crate::store::tasks::{self, state};
use crate::store::{db_instant, transaction};

/// What a person chose.
#[derive(Clone, Debug)]
pub struct Completion {
    /// The task.
    pub task_id: String,
    /// The caller's key: a retry with the same key is answered as the first call was.
    pub request_id: String,
    /// One of the task's outcomes.
    pub outcome: String,
    /// Free text.
    pub note: String,
    /// What the outcome needs besides (e.g. `case_id` for an unmatched payment's `book`).
    pub values: std::collections::BTreeMap<String, String>,
}

/// The idempotency scope of CompleteTask.
const COMPLETE_SCOPE: &str = "complete_task";

impl App {
    /// Takes a task for `assignee`; FAILED_PRECONDITION when someone else has it or it is
    /// done. Claiming one's own task again is fine.
    pub async fn claim_task(&self, task_id: String, assignee: String) -> Result<Task, AppError> {
        let now = db_instant(self.clock.now());
        self.store
            .run(move |conn| {
                transaction(conn, |conn| {
                    let task = tasks::get(conn, &task_id)?
                        .ok_or_else(|| AppError::NotFound(format!("no task {task_id:?}")))?;
                    if !tasks::claim(conn, &task_id, &assignee, now)? {
                        return Err(AppError::FailedPrecondition(match task.state.as_str() {
                            state::CLAIMED => {
                                format!("task {task_id} is claimed by {}", task.claimed_by)
                            }
                            other => format!("task {task_id} is {other}"),
                        }));
                    }
                    tasks::get(conn, &task_id)?
                        .ok_or_else(|| AppError::Internal("task vanished".into()))
                })
            })
            .await
            .and_then(Task::try_from)
    }

    /// Completes a task with one of its outcomes; the outcome is an event for the task's
    /// case, applied through the pipeline in the transaction that completes the task,
    /// recorded as done by `who`. Idempotent on `request_id`.
    pub async fn complete_task(&self, who: &Principal, c: Completion) -> Result<Task, AppError> {
        let now = self.service_now().await?;
        let task_id = c.task_id.clone();
        // A task's case, kind and details never change once it is opened; its state is
        // checked again in the pipeline's transaction.
        let task = self
            .store
            .run(move |conn| {
                tasks::get(conn, &task_id)?
                    .ok_or_else(|| AppError::NotFound(format!("no task {task_id:?}")))
            })
            .await?;
        let fingerprint = crate::digest::sha256_hex(
            format!(
                "{}\u{1f}{}\u{1f}{}\u{1f}{:?}",
                c.task_id, c.outcome, c.note, c.values
            )
            .as_bytes(),
        );
        let Some(case_id) = task.case_id.clone() else {
            return self.complete_office_task(who, c, fingerprint, now).await;
        };
        let details = serde_json::from_str(&task.details).unwrap_or(Value::Null);
        // A task whose outcomes take values has them checked here, every bad one named —
        // a day recorded as gone by that lies after today, a planned one before it, too —
        // before anything is stored; the others take none.
        let kind = task.kind.as_str();
        let read = if [task_kind::SERVICE, task_kind::SERVICE_FAILED].contains(&kind) {
            service::read(kind, &c.outcome, &details, &c.values).map(|_| ())
        } else if [
            task_kind::ENROL,
            task_kind::ENROLMENT_LAPSED,
            task_kind::HEARING,
        ]
        .contains(&kind)
        {
            hearing::read(kind, &c.outcome, &details, &c.values).map(|_| ())
        } else if kind == task_kind::ATTACHMENT && details.get("from").is_some() {
            execution::read_attachment(&c.outcome, &details, &c.values).map(|_| ())
        } else if kind == task_kind::NO_APPEAL_STATEMENT {
            enforceability::read(&c.outcome, &details, &c.values).map(|_| ())
        } else if kind == task_kind::GARNISHEE_STATEMENT && details.get("laid_on").is_some() {
            garnishee::read_statement(&c.outcome, &details, &c.values).map(|_| ())
        } else {
            Ok(())
        };
        let mut bad = read.err().unwrap_or_default();
        let today = crate::clock::amsterdam_local(now).date();
        for untimely in out_of_time(kind, &c.values, today) {
            // Once per value: a reader may have named it already (e.g. after a deadline).
            if !bad.iter().any(|b| b.field == untimely.field) {
                bad.push(untimely);
            }
        }
        if !bad.is_empty() {
            return Err(AppError::Invalid(bad));
        }
        let event = Event::TaskCompleted {
            task_kind: task.kind.clone(),
            outcome: c.outcome.clone(),
            details,
            note: c.note.clone(),
            values: c.values.clone(),
            actor: who.actor().0,
        };
        let mut command = Command::new(case_id, event, who.actor()).by(who);
        command.idempotency_key = Some(IdempotencyKey {
            scope: COMPLETE_SCOPE,
            key: c.request_id.clone(),
            request_id: c.request_id,
            fingerprint,
            response: task.id.clone(),
        });
        command.task = Some(TaskCompletion {
            task_id: task.id.clone(),
            outcome: c.outcome,
            note: c.note,
        });
        self.execute(command, now).await?.changed()?;
        self.store
            .run(move |conn| {
                tasks::get(conn, &task.id)?
                    .ok_or_else(|| AppError::Internal("task vanished".into()))
            })
            .await
            .and_then(Task::try_from)
    }

    /// CompleteTask on a task of no case (an `unmatched_payment` of a bank statement): the
    /// task, what its outcome does (a booking goes through the pipeline onto the case the
    /// person named) and the request id, in one transaction.
    async fn complete_office_task(
        &self,
        who: &Principal,
        c: Completion,
        fingerprint: String,
        now: DateTime<Utc>,
    ) -> Result<Task, AppError> {
        let actor = who.actor();
        let (task, due_now) = self
            .store
            .run(move |conn| {
                pipeline::retrying(&c.task_id, || {
                    transaction(conn, |conn| {
                        let key = IdempotencyKey {
                            scope: COMPLETE_SCOPE,
                            key: c.request_id.clone(),
                            request_id: c.request_id.clone(),
                            fingerprint: fingerprint.clone(),
                            response: c.task_id.clone(),
                        };
                        if let Some(task_id) = key.answered(conn)? {
                            let task = tasks::get(conn, &task_id)?.ok_or_else(|| {
                                AppError::Internal("completed task vanished".into())
                            })?;
                            return Ok((task, false));
                        }
                        let completion = TaskCompletion {
                            task_id: c.task_id.clone(),
                            outcome: c.outcome.clone(),
                            note: c.note.clone(),
                        };
                        let task = pipeline::check_task(conn, None, &completion)?;
                        // Two people completing one task at once: on PostgreSQL both may
                        // have read it open; the row lock lets one update it, and the other
                        // must not book the bank entry a second time.
                        if !tasks::complete(conn, &task.id, &c.outcome, &c.note, db_instant(now))? {
                            return Err(AppError::FailedPrecondition(format!(
                                "task {} is no longer open",
                                task.id
                            )));
                        }
                        let due_now = task.kind == super::UNMATCHED_PAYMENT_TASK
                            && super::bank::resolve_unmatched(
                                conn, &task, &c.outcome, &c.values, &actor, now,
                            )?;
                        key.store(conn, now)?;
                        let task = tasks::get(conn, &task.id)?
                            .ok_or_else(|| AppError::Internal("task vanished".into()))?;
                        Ok((task, due_now))
                    })
                })
            })
            .await?;
        self.after_commit(due_now);
        Task::try_from(task)
    }
}
