//! Work for people: list, claim, complete. Completing a task is an event for its case,
//! applied in the same transaction as the task's own change.

use serde_json::Value;

use super::engine::{Applied, apply_in};
use super::task_view::Task;
use super::{App, MAX_CONFLICTS, Principal};
use crate::case::Event;
use crate::error::AppError;
use crate::store::idempotency;
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

    /// Completes a task with one of its outcomes; the outcome is applied to the case in the
    /// same transaction, recorded as done by `who`. Idempotent on `request_id`.
    pub async fn complete_task(&self, who: &Principal, c: Completion) -> Result<Task, AppError> {
        let actor = who.actor();
        let now = self.service_now().await?;
        let fingerprint = crate::digest::sha256_hex(
            format!(
                "{}\u{1f}{}\u{1f}{}\u{1f}{:?}",
                c.task_id, c.outcome, c.note, c.values
            )
            .as_bytes(),
        );
        let (task, due_now) = self
            .store
            .run(move |conn| {
                for _ in 0..MAX_CONFLICTS {
                    let outcome = transaction(conn, |conn| {
                        if let Some(previous) =
                            idempotency::find(conn, COMPLETE_SCOPE, &c.request_id)?
                        {
                            if previous.request_hash != fingerprint {
                                return Err(AppError::AlreadyExists(format!(
                                    "request_id {:?} was used for a different completion",
                                    c.request_id
                                )));
                            }
                            let task = tasks::get(conn, &previous.response)?.ok_or_else(|| {
                                AppError::Internal("completed task vanished".into())
                            })?;
                            return Ok((task, false));
                        }
                        let task = tasks::get(conn, &c.task_id)?.ok_or_else(|| {
                            AppError::NotFound(format!("no task {:?}", c.task_id))
                        })?;
                        if task.state != state::OPEN && task.state != state::CLAIMED {
                            return Err(AppError::FailedPrecondition(format!(
                                "task {} is {}",
                                task.id, task.state
                            )));
                        }
                        let outcomes = task.outcome_list()?;
                        if !outcomes.contains(&c.outcome) {
                            return Err(AppError::invalid(
                                "outcome",
                                &format!("one of {}", outcomes.join(", ")),
                            ));
                        }
                        tasks::complete(conn, &task.id, &c.outcome, &c.note, db_instant(now))?;
                        let mut due_now = false;
                        if task.case_id.is_none() && task.kind == super::UNMATCHED_PAYMENT_TASK {
                            due_now = super::bank::resolve_unmatched(
                                conn, &task, &c.outcome, &c.values, &actor, now,
                            )?;
                        }
                        if let Some(case_id) = &task.case_id {
                            let event = Event::TaskCompleted {
                                task_kind: task.kind.clone(),
                                outcome: c.outcome.clone(),
                                details: serde_json::from_str(&task.details).unwrap_or(Value::Null),
                                note: c.note.clone(),
                            };
                            match apply_in(conn, case_id, &event, &actor, now, None)? {
                                Applied::Done { due_now: d, .. } => due_now = d,
                                Applied::Rejected(r) => {
                                    return Err(AppError::FailedPrecondition(r.to_string()));
                                }
                                Applied::LeaseLost => {
                                    return Err(AppError::Internal(
                                        "a command holds no lease".into(),
                                    ));
                                }
                            }
                        }
                        idempotency::insert(
                            conn,
                            COMPLETE_SCOPE,
                            &c.request_id,
                            &fingerprint,
                            &task.id,
                            now,
                        )?;
                        let task = tasks::get(conn, &task.id)?
                            .ok_or_else(|| AppError::Internal("task vanished".into()))?;
                        Ok((task, due_now))
                    });
                    match outcome {
                        Err(AppError::Conflict) => continue,
                        other => return other,
                    }
                }
                Err(AppError::Unavailable(
                    "too many concurrent transitions; retry".into(),
                ))
            })
            .await?;
        self.after_commit(due_now);
        Task::try_from(task)
    }
}
