//! Tasks as the callers see them: typed state, the outcomes as a list, instants in UTC;
//! and the page request of `ListTasks`. The `tasks` rows stay in the store.

use chrono::{DateTime, NaiveDate, Utc};

use super::App;
use crate::error::AppError;
use crate::page::Cursor;
use crate::store::tasks::{self, TaskFilter, TaskRow, state};
use crate::store::utc;

/// Where a task stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TaskState {
    /// Waiting for someone.
    Open,
    /// Someone took it.
    Claimed,
    /// Done, with an outcome.
    Completed,
    /// No longer needed (the case moved on).
    Cancelled,
}

impl TaskState {
    /// The state as stored.
    fn as_str(self) -> &'static str {
        match self {
            Self::Open => state::OPEN,
            Self::Claimed => state::CLAIMED,
            Self::Completed => state::COMPLETED,
            Self::Cancelled => state::CANCELLED,
        }
    }

    fn parse(stored: &str) -> Option<Self> {
        [Self::Open, Self::Claimed, Self::Completed, Self::Cancelled]
            .into_iter()
            .find(|s| s.as_str() == stored)
    }
}

/// A task for people.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Task {
    /// Id.
    pub id: String,
    /// The case it is about, if any.
    pub case_id: Option<String>,
    /// What it is (`summons_approval`, `job_failed`, …).
    pub kind: String,
    /// The queue it waits in.
    pub queue: String,
    /// Where it stands.
    pub state: TaskState,
    /// One line for a person.
    pub title: String,
    /// What the person needs to decide, as JSON.
    pub details_json: String,
    /// The outcomes CompleteTask accepts.
    pub outcomes: Vec<String>,
    /// Who took it.
    pub claimed_by: String,
    /// The outcome chosen.
    pub outcome: String,
    /// The note left with it.
    pub note: String,
    /// Opened.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
    /// Due on (tasks opened by hand or by a note).
    pub due_on: Option<NaiveDate>,
}

impl Task {
    /// Whether it is overdue on `today`: due before it and not done.
    pub fn overdue(&self, today: NaiveDate) -> bool {
        matches!(self.state, TaskState::Open | TaskState::Claimed)
            && self.due_on.is_some_and(|due| due < today)
    }
}

impl TryFrom<TaskRow> for Task {
    type Error = AppError;

    fn try_from(row: TaskRow) -> Result<Self, AppError> {
        let outcomes = row.outcome_list()?;
        let state = TaskState::parse(&row.state)
            .ok_or_else(|| AppError::Internal(format!("task {}: state {:?}", row.id, row.state)))?;
        Ok(Self {
            id: row.id,
            case_id: row.case_id,
            kind: row.kind,
            queue: row.queue,
            state,
            title: row.title,
            details_json: row.details,
            outcomes,
            claimed_by: row.claimed_by,
            outcome: row.outcome,
            note: row.note,
            created_at: utc(row.created_at),
            updated_at: utc(row.updated_at),
            due_on: row.due_on,
        })
    }
}

/// A page request for [`App::list_tasks`].
#[derive(Clone, Debug, Default)]
pub struct TaskQuery {
    /// Only this queue.
    pub queue: Option<String>,
    /// Only this case's.
    pub case_id: Option<String>,
    /// Only in this state.
    pub state: Option<TaskState>,
    /// Only taken by this person.
    pub assignee: Option<String>,
    /// Only due on or before this day.
    pub due_by: Option<NaiveDate>,
    /// Only the overdue ones (due before today, not done).
    pub overdue: bool,
    /// Continue after this task.
    pub after: Option<Cursor>,
    /// At most this many.
    pub page_size: i64,
}

impl App {
    /// A page of tasks and the cursor of the next one.
    pub async fn list_tasks(
        &self,
        query: TaskQuery,
    ) -> Result<(Vec<Task>, Option<Cursor>), AppError> {
        let today = crate::clock::amsterdam_local(self.service_now().await?).date();
        let filter = TaskFilter {
            queue: query.queue,
            case_id: query.case_id,
            state: query.state.map(TaskState::as_str),
            assignee: query.assignee,
            due_by: query.due_by,
            overdue_on: query.overdue.then_some(today),
        };
        let (rows, next) = self
            .store
            .run(move |conn| {
                tasks::list(conn, &filter, query.after.as_ref(), query.page_size)
                    .map_err(AppError::from)
            })
            .await?;
        let tasks = rows
            .into_iter()
            .map(Task::try_from)
            .collect::<Result<_, _>>()?;
        Ok((tasks, next))
    }
}
