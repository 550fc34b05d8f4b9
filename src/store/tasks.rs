//! Tasks for people: open, claim, complete, list with keyset paging.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::tasks;
use super::{DbConnection, StoreError, db_instant, utc};
use crate::page::Cursor;

/// A task's states as stored.
pub mod state {
    /// Waiting for someone.
    pub const OPEN: &str = "open";
    /// Someone took it.
    pub const CLAIMED: &str = "claimed";
    /// Done, with an outcome.
    pub const COMPLETED: &str = "completed";
    /// No longer needed (the case moved on).
    pub const CANCELLED: &str = "cancelled";
}

/// A `tasks` row; `details` is JSON, `outcomes` a JSON array of strings. `None` is
/// written as NULL (the columns' default too), so rows can be `COPY`ed.
#[derive(Queryable, Selectable, Insertable, Debug, Clone, PartialEq, Eq)]
#[diesel(table_name = tasks, treat_none_as_default_value = false)]
pub struct TaskRow {
    pub id: String,
    pub case_id: Option<String>,
    pub kind: String,
    pub queue: String,
    pub state: String,
    pub title: String,
    pub details: String,
    pub outcomes: String,
    pub claimed_by: String,
    pub outcome: String,
    pub note: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// The day it is due (tasks opened by hand or by a note); `None`: no date.
    pub due_on: Option<NaiveDate>,
}

impl TaskRow {
    /// The outcomes CompleteTask accepts.
    pub fn outcome_list(&self) -> Result<Vec<String>, StoreError> {
        serde_json::from_str(&self.outcomes)
            .map_err(|e| StoreError::Corrupt(format!("task {} outcomes: {e}", self.id)))
    }
}

/// Inserts a task.
pub fn insert(conn: &mut DbConnection, row: &TaskRow) -> Result<(), StoreError> {
    diesel::insert_into(tasks::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// Inserts tasks: on PostgreSQL several in one binary `COPY`.
pub fn insert_many(conn: &mut DbConnection, rows: &[TaskRow]) -> Result<(), StoreError> {
    if let (DbConnection::Pg(pg), [_, _, ..]) = (&mut *conn, rows) {
        diesel::copy_from(tasks::table)
            .from_insertable(rows)
            .execute(pg)?;
        return Ok(());
    }
    for row in rows {
        insert(conn, row)?;
    }
    Ok(())
}

/// The ids of the open or claimed tasks of `kind`, oldest first.
pub fn open_of_kind(conn: &mut DbConnection, kind: &str) -> Result<Vec<String>, StoreError> {
    Ok(tasks::table
        .filter(tasks::kind.eq(kind))
        .filter(tasks::state.eq_any([state::OPEN, state::CLAIMED]))
        .order((tasks::created_at.asc(), tasks::id.asc()))
        .select(tasks::id)
        .load(conn)?)
}

/// A task by id.
pub fn get(conn: &mut DbConnection, id: &str) -> Result<Option<TaskRow>, StoreError> {
    Ok(tasks::table
        .find(id)
        .select(TaskRow::as_select())
        .first(conn)
        .optional()?)
}

/// Cancels a case's open or claimed tasks of a kind (`None`: all).
pub fn cancel(
    conn: &mut DbConnection,
    case_id: &str,
    kind: Option<&str>,
    now: NaiveDateTime,
) -> Result<usize, StoreError> {
    let mut query = diesel::update(tasks::table)
        .filter(tasks::case_id.eq(case_id))
        .filter(tasks::state.eq_any([state::OPEN, state::CLAIMED]))
        .into_boxed();
    if let Some(kind) = kind {
        query = query.filter(tasks::kind.eq(kind));
    }
    Ok(query
        .set((tasks::state.eq(state::CANCELLED), tasks::updated_at.eq(now)))
        .execute(conn)?)
}

/// Cancels one task if it is still open or claimed; `false` when it was not.
pub fn cancel_one(
    conn: &mut DbConnection,
    id: &str,
    now: NaiveDateTime,
) -> Result<bool, StoreError> {
    let updated = diesel::update(
        tasks::table
            .filter(tasks::id.eq(id))
            .filter(tasks::state.eq_any([state::OPEN, state::CLAIMED])),
    )
    .set((tasks::state.eq(state::CANCELLED), tasks::updated_at.eq(now)))
    .execute(conn)?;
    Ok(updated == 1)
}

/// Claims an open task for `assignee` (or confirms the assignee's own claim). `false` when
/// the task is not open nor already theirs.
pub fn claim(
    conn: &mut DbConnection,
    id: &str,
    assignee: &str,
    now: NaiveDateTime,
) -> Result<bool, StoreError> {
    let updated = diesel::update(
        tasks::table.filter(tasks::id.eq(id)).filter(
            tasks::state.eq(state::OPEN).or(tasks::state
                .eq(state::CLAIMED)
                .and(tasks::claimed_by.eq(assignee))),
        ),
    )
    .set((
        tasks::state.eq(state::CLAIMED),
        tasks::claimed_by.eq(assignee),
        tasks::updated_at.eq(now),
    ))
    .execute(conn)?;
    Ok(updated == 1)
}

/// Gives a claimed task back to its queue. `false` when it was not claimed.
pub fn unclaim(conn: &mut DbConnection, id: &str, now: NaiveDateTime) -> Result<bool, StoreError> {
    let updated = diesel::update(
        tasks::table
            .filter(tasks::id.eq(id))
            .filter(tasks::state.eq(state::CLAIMED)),
    )
    .set((
        tasks::state.eq(state::OPEN),
        tasks::claimed_by.eq(""),
        tasks::updated_at.eq(now),
    ))
    .execute(conn)?;
    Ok(updated == 1)
}

/// Gives an open or claimed task to `assignee`. `false` when it was neither.
pub fn reassign(
    conn: &mut DbConnection,
    id: &str,
    assignee: &str,
    now: NaiveDateTime,
) -> Result<bool, StoreError> {
    let updated = diesel::update(
        tasks::table
            .filter(tasks::id.eq(id))
            .filter(tasks::state.eq_any([state::OPEN, state::CLAIMED])),
    )
    .set((
        tasks::state.eq(state::CLAIMED),
        tasks::claimed_by.eq(assignee),
        tasks::updated_at.eq(now),
    ))
    .execute(conn)?;
    Ok(updated == 1)
}

/// Marks an open or claimed task completed. `false` when it was neither.
pub fn complete(
    conn: &mut DbConnection,
    id: &str,
    outcome: &str,
    note: &str,
    now: NaiveDateTime,
) -> Result<bool, StoreError> {
    let updated = diesel::update(
        tasks::table
            .filter(tasks::id.eq(id))
            .filter(tasks::state.eq_any([state::OPEN, state::CLAIMED])),
    )
    .set((
        tasks::state.eq(state::COMPLETED),
        tasks::outcome.eq(outcome),
        tasks::note.eq(note),
        tasks::updated_at.eq(now),
    ))
    .execute(conn)?;
    Ok(updated == 1)
}

/// Which tasks to list.
#[derive(Clone, Debug, Default)]
pub struct TaskFilter {
    /// Only this queue.
    pub queue: Option<String>,
    /// Only this case's.
    pub case_id: Option<String>,
    /// Only in this state.
    pub state: Option<&'static str>,
    /// Only taken by this person (`claimed_by`).
    pub assignee: Option<String>,
    /// Only due on or before this day.
    pub due_by: Option<NaiveDate>,
    /// Only overdue on this day: due before it and still open or claimed.
    pub overdue_on: Option<NaiveDate>,
}

/// The open or claimed tasks of `kinds` on the cases of `client_id` (of `case_id` only,
/// when given), oldest first, at most `limit`: a client's decisions, read in one query.
pub fn open_of_client(
    conn: &mut DbConnection,
    client_id: &str,
    kinds: &[&str],
    case_id: Option<&str>,
    limit: i64,
) -> Result<Vec<TaskRow>, StoreError> {
    let own_cases = super::schema::cases::table
        .filter(super::schema::cases::client_id.eq(client_id.to_owned()))
        .select(super::schema::cases::id.nullable());
    let open = tasks::table
        .filter(tasks::state.eq_any([state::OPEN, state::CLAIMED]))
        .filter(tasks::kind.eq_any(kinds.to_vec()))
        .filter(tasks::case_id.eq_any(own_cases))
        .order((tasks::created_at, tasks::id))
        .limit(limit)
        .select(TaskRow::as_select());
    Ok(match case_id {
        Some(case_id) => open
            .filter(tasks::case_id.eq(case_id.to_owned()))
            .load(conn)?,
        None => open.load(conn)?,
    })
}

/// One page of tasks in creation order (oldest first) after the cursor (created_at, id),
/// and the cursor of the next page.
pub fn list(
    conn: &mut DbConnection,
    filter: &TaskFilter,
    after: Option<&Cursor>,
    page_size: i64,
) -> Result<(Vec<TaskRow>, Option<Cursor>), StoreError> {
    let mut query = tasks::table.select(TaskRow::as_select()).into_boxed();
    if let Some(queue) = &filter.queue {
        query = query.filter(tasks::queue.eq(queue.clone()));
    }
    if let Some(case_id) = &filter.case_id {
        query = query.filter(tasks::case_id.eq(case_id.clone()));
    }
    if let Some(state) = filter.state {
        query = query.filter(tasks::state.eq(state));
    }
    if let Some(assignee) = &filter.assignee {
        query = query.filter(tasks::claimed_by.eq(assignee.clone()));
    }
    if let Some(day) = filter.due_by {
        query = query.filter(tasks::due_on.le(day));
    }
    if let Some(day) = filter.overdue_on {
        query = query
            .filter(tasks::due_on.lt(day))
            .filter(tasks::state.eq_any([state::OPEN, state::CLAIMED]));
    }
    if let Some(cursor) = after {
        let at = db_instant(cursor.created_at);
        query = query.filter(
            tasks::created_at.gt(at).or(tasks::created_at
                .eq(at)
                .and(tasks::id.gt(cursor.id.clone()))),
        );
    }
    let mut rows: Vec<TaskRow> = query
        .order((tasks::created_at.asc(), tasks::id.asc()))
        .limit(page_size + 1)
        .load(conn)?;
    let next = if rows.len() as i64 > page_size {
        rows.truncate(usize::try_from(page_size).unwrap_or(0));
        rows.last().map(|r| Cursor {
            created_at: utc(r.created_at),
            id: r.id.clone(),
        })
    } else {
        None
    };
    Ok((rows, next))
}
