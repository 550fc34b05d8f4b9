//! The desk's writes on a case: notes, the debtor's new details and tasks opened by hand
//! go through the pipeline as events (audited, once per request id); tasks are unclaimed
//! and reassigned in place.

use chrono::{DateTime, NaiveDate, Utc};

use super::pipeline::{Command, IdempotencyKey};
use super::task_view::Task;
use super::{App, Principal};
use crate::case::{DebtorChange, Event, NoteRecord, OpenedTask};
use crate::error::AppError;
use crate::store::events;
use crate::store::tasks::{self, state};
use crate::store::{db_instant, transaction, utc};

/// A note as asked for.
#[derive(Clone, Debug)]
pub struct NewNote {
    /// One of [`crate::case::NOTE_KINDS`].
    pub kind: String,
    /// When it happened; `None`: now.
    pub at: Option<DateTime<Utc>>,
    /// The text.
    pub text: String,
    /// Follow up on.
    pub follow_up_on: Option<NaiveDate>,
    /// The day a debtor promised to pay.
    pub promised_on: Option<NaiveDate>,
}

/// A note as listed: its audit event's sequence, the record, when it was written down.
#[derive(Clone, Debug)]
pub struct ListedNote {
    /// The audit event.
    pub sequence: i64,
    /// The note.
    pub note: NoteRecord,
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
}

impl App {
    /// AddNote: a note by `who` on a case they may see, through the pipeline, once per
    /// `request_id`.
    pub async fn add_note(
        &self,
        who: &Principal,
        case_id: String,
        request_id: String,
        note: NewNote,
    ) -> Result<ListedNote, AppError> {
        let now = self.service_now().await?;
        let fingerprint = format!("{case_id}:note:{note:?}");
        let record = NoteRecord {
            kind: note.kind,
            at: note.at.unwrap_or(now),
            text: note.text,
            follow_up_on: note.follow_up_on,
            promised_on: note.promised_on,
            author: who.actor().0,
            queue: who.role.as_str().to_owned(),
        };
        let key = IdempotencyKey::per_case(&case_id, &request_id, fingerprint);
        let mut command = Command::new(
            case_id.clone(),
            Event::NoteAdded(record.clone()),
            who.actor(),
        )
        .by(who);
        command.idempotency_key = key;
        self.execute(command, now).await?.changed()?;
        // The note as stored: this request's, found by what it says and who wrote it (not
        // the case's latest: another desk may have written one since, and a retry answers
        // the first one's, whose `at` may be the first call's clock).
        let notes = self.list_notes(who, case_id).await?;
        notes
            .into_iter()
            .rev()
            .find(|n| {
                let mine = &n.note;
                (
                    &mine.kind,
                    &mine.text,
                    &mine.author,
                    mine.follow_up_on,
                    mine.promised_on,
                ) == (
                    &record.kind,
                    &record.text,
                    &record.author,
                    record.follow_up_on,
                    record.promised_on,
                )
            })
            .ok_or_else(|| AppError::Internal("the note was not recorded".into()))
    }

    /// The notes of a case `who` may see, oldest first.
    pub async fn list_notes(
        &self,
        who: &Principal,
        case_id: String,
    ) -> Result<Vec<ListedNote>, AppError> {
        self.check_case_visible(who, &case_id).await?;
        // A defence recorded at the hearing (`hearing_contested`) is a note of the file too.
        let rows = self
            .store
            .run(move |conn| {
                let mut rows = events::list_kind(conn, &case_id, "note_added")?;
                rows.extend(events::list_kind(conn, &case_id, "hearing_contested")?);
                rows.sort_by_key(|row| row.sequence);
                Ok::<_, AppError>(rows)
            })
            .await?;
        rows.into_iter()
            .map(|row| {
                let payload: serde_json::Value = serde_json::from_str(&row.payload)
                    .map_err(|e| AppError::Internal(format!("note payload: {e}")))?;
                let note: NoteRecord = serde_json::from_value(payload["note"].clone())
                    .map_err(|e| AppError::Internal(format!("note payload: {e}")))?;
                Ok(ListedNote {
                    sequence: row.sequence,
                    note,
                    recorded_at: utc(row.at),
                })
            })
            .collect()
    }

    /// UpdateDebtor: the debtor's new details through the pipeline, once per request id.
    pub async fn update_debtor(
        &self,
        who: &Principal,
        case_id: String,
        request_id: String,
        change: DebtorChange,
    ) -> Result<crate::case::CaseRecord, AppError> {
        self.command(who, case_id, request_id, Event::DebtorUpdated(change))
            .await
    }

    /// OpenTask: a task opened by hand on a case, through the pipeline; answers the task.
    pub async fn open_task(
        &self,
        who: &Principal,
        case_id: String,
        request_id: String,
        task: OpenedTask,
    ) -> Result<Task, AppError> {
        let (kind, title) = (task.kind.clone(), task.title.clone());
        self.command(who, case_id.clone(), request_id, Event::TaskOpened(task))
            .await?;
        // This request's task: of its kind and title, the latest (not another desk's
        // task of the same kind opened since).
        self.store
            .run(move |conn| {
                let filter = tasks::TaskFilter {
                    case_id: Some(case_id),
                    ..tasks::TaskFilter::default()
                };
                let (rows, _) = tasks::list(conn, &filter, None, 10_000)?;
                rows.into_iter()
                    .filter(|t| t.kind == kind && t.title == title)
                    .max_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)))
                    .ok_or_else(|| AppError::Internal("the task was not opened".into()))
            })
            .await
            .and_then(Task::try_from)
    }

    /// UnclaimTask: a claimed task back to its queue; FAILED_PRECONDITION otherwise.
    pub async fn unclaim_task(&self, task_id: String) -> Result<Task, AppError> {
        self.change_task(task_id, None).await
    }

    /// ReassignTask: an open or claimed task to `assignee`; FAILED_PRECONDITION when done.
    pub async fn reassign_task(&self, task_id: String, assignee: String) -> Result<Task, AppError> {
        self.change_task(task_id, Some(assignee)).await
    }

    async fn change_task(
        &self,
        task_id: String,
        assignee: Option<String>,
    ) -> Result<Task, AppError> {
        let now = db_instant(self.clock.now());
        self.store
            .run(move |conn| {
                transaction(conn, |conn| {
                    let task = tasks::get(conn, &task_id)?
                        .ok_or_else(|| AppError::NotFound(format!("no task {task_id:?}")))?;
                    let changed = match &assignee {
                        Some(to) => tasks::reassign(conn, &task_id, to, now)?,
                        None => tasks::unclaim(conn, &task_id, now)?,
                    };
                    if !changed {
                        return Err(AppError::FailedPrecondition(match task.state.as_str() {
                            state::OPEN => format!("task {task_id} is not claimed"),
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
}
