//! The job queue: timers and activities with a due time, attempts and a lease. Any instance
//! leases due jobs in batches; a lease that runs out (its instance died) is taken over.
//!
//! Lease instants are wall-clock time (the machine's clock), not the service's clock: a
//! lease says whether a process is alive, which a manual clock standing still cannot tell.

use std::collections::HashSet;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Text, Timestamp};

use super::import::JobInsert;
use super::prepared::Prepared;
use super::schema::jobs;
use super::{DbConnection, StoreError};

/// A `jobs` row.
#[derive(Queryable, QueryableByName, Selectable, Insertable, Debug, Clone, PartialEq, Eq)]
#[diesel(table_name = jobs)]
pub struct JobRow {
    pub id: String,
    pub case_id: Option<String>,
    pub kind: String,
    pub payload: String,
    pub due_at: NaiveDateTime,
    pub attempts: i32,
    pub max_attempts: i32,
    pub leased_by: Option<String>,
    pub lease_until: Option<NaiveDateTime>,
    pub last_error: Option<String>,
    pub trace_context: Option<String>,
    pub created_at: NaiveDateTime,
}

/// Where a lease takes jobs from.
#[derive(Clone, Copy, Debug)]
pub struct LeaseRequest<'a> {
    /// The leasing worker's id (instance and worker), written into `leased_by`.
    pub worker: &'a str,
    /// The service's time: jobs due by then are taken.
    pub due_by: NaiveDateTime,
    /// Wall-clock now: leases that ran out before it are taken over.
    pub wall_now: NaiveDateTime,
    /// The new lease holds until then (wall clock).
    pub lease_until: NaiveDateTime,
    /// At most this many jobs.
    pub limit: i64,
}

/// Leases up to `limit` due jobs, earliest first, with one `UPDATE … RETURNING`.
/// PostgreSQL skips rows another instance has locked (`FOR UPDATE SKIP LOCKED`), so
/// instances never wait on each other; SQLite has one writer, so the statement alone is
/// atomic.
pub fn lease(conn: &mut DbConnection, r: LeaseRequest<'_>) -> Result<Vec<JobRow>, StoreError> {
    const RETURNING: &str = " RETURNING id, case_id, kind, payload, due_at, attempts, \
        max_attempts, leased_by, lease_until, last_error, trace_context, created_at";
    let mut rows = match conn {
        DbConnection::Pg(pg) => Prepared(
            diesel::sql_query(format!(
                "UPDATE jobs SET leased_by = $1, lease_until = $2 WHERE id IN ( \
                   SELECT id FROM jobs WHERE due_at <= $3 \
                     AND (lease_until IS NULL OR lease_until < $4) \
                   ORDER BY due_at LIMIT $5 FOR UPDATE SKIP LOCKED){RETURNING}"
            ))
            .bind::<Text, _>(r.worker)
            .bind::<Timestamp, _>(r.lease_until)
            .bind::<Timestamp, _>(r.due_by)
            .bind::<Timestamp, _>(r.wall_now)
            .bind::<BigInt, _>(r.limit),
        )
        .load::<JobRow>(pg)?,
        DbConnection::Sqlite(lite) => diesel::sql_query(format!(
            "UPDATE jobs SET leased_by = ?, lease_until = ? WHERE id IN ( \
               SELECT id FROM jobs WHERE due_at <= ? \
                 AND (lease_until IS NULL OR lease_until < ?) \
               ORDER BY due_at LIMIT ?){RETURNING}"
        ))
        .bind::<Text, _>(r.worker)
        .bind::<Timestamp, _>(r.lease_until)
        .bind::<Timestamp, _>(r.due_by)
        .bind::<Timestamp, _>(r.wall_now)
        .bind::<BigInt, _>(r.limit)
        .load::<JobRow>(lite)?,
    };
    // RETURNING gives no order.
    rows.sort_by_key(|a| a.due_at);
    Ok(rows)
}

/// Inserts new jobs (inside the transaction of the decision that scheduled them): on
/// PostgreSQL several in one binary `COPY`.
pub fn insert(conn: &mut DbConnection, rows: &[JobRow]) -> Result<(), StoreError> {
    if let (DbConnection::Pg(pg), [_, _, ..]) = (&mut *conn, rows) {
        let rows: Vec<JobInsert> = rows.iter().cloned().map(Into::into).collect();
        diesel::copy_from(jobs::table)
            .from_insertable(&rows)
            .execute(pg)?;
        return Ok(());
    }
    for row in rows {
        diesel::insert_into(jobs::table).values(row).execute(conn)?;
    }
    Ok(())
}

/// Deletes a job this worker still holds: the job is done. `false` when the lease was lost
/// (taken over, or the job was cancelled): then the caller must not commit its effects.
/// `due_at` is the job's as leased: on PostgreSQL, where jobs are partitioned by it, it
/// leads the delete to the one partition instead of every month's key index.
pub fn consume(
    conn: &mut DbConnection,
    id: &str,
    due_at: NaiveDateTime,
    worker: &str,
) -> Result<bool, StoreError> {
    let held = jobs::table
        .filter(jobs::id.eq(id))
        .filter(jobs::leased_by.eq(worker));
    let deleted = match conn {
        DbConnection::Pg(pg) => diesel::delete(held.filter(jobs::due_at.eq(due_at))).execute(pg)?,
        DbConnection::Sqlite(lite) => diesel::delete(held).execute(lite)?,
    };
    Ok(deleted == 1)
}

/// [`consume`] for many jobs `worker` holds, as (id, due_at): the ids deleted, in one
/// statement on PostgreSQL. A job missing from the answer was lost to another instance.
pub fn consume_many(
    conn: &mut DbConnection,
    held: &[(&str, NaiveDateTime)],
    worker: &str,
) -> Result<HashSet<String>, StoreError> {
    #[derive(QueryableByName)]
    struct Deleted {
        #[diesel(sql_type = Text)]
        id: String,
    }
    match conn {
        DbConnection::Pg(pg) => {
            let (ids, due): (Vec<&str>, Vec<NaiveDateTime>) = held.iter().copied().unzip();
            // `due_at` too, so only the partitions of those months are looked at.
            let deleted = Prepared(
                diesel::sql_query(
                    "DELETE FROM jobs WHERE id = ANY($1) AND due_at = ANY($2) \
                     AND leased_by = $3 RETURNING id",
                )
                .bind::<Array<Text>, _>(ids)
                .bind::<Array<Timestamp>, _>(due)
                .bind::<Text, _>(worker),
            )
            .load::<Deleted>(pg)?;
            Ok(deleted.into_iter().map(|row| row.id).collect())
        }
        DbConnection::Sqlite(_) => {
            let mut deleted = HashSet::with_capacity(held.len());
            for (id, due_at) in held {
                if consume(conn, id, *due_at, worker)? {
                    deleted.insert((*id).to_owned());
                }
            }
            Ok(deleted)
        }
    }
}

/// Puts a failed job back for another attempt at `due_at`, if this worker still holds it.
pub fn retry_later(
    conn: &mut DbConnection,
    id: &str,
    worker: &str,
    attempts: i32,
    due_at: NaiveDateTime,
    error: &str,
) -> Result<bool, StoreError> {
    let updated = diesel::update(
        jobs::table
            .filter(jobs::id.eq(id))
            .filter(jobs::leased_by.eq(worker)),
    )
    .set((
        jobs::attempts.eq(attempts),
        jobs::due_at.eq(due_at),
        jobs::leased_by.eq(None::<String>),
        jobs::lease_until.eq(None::<NaiveDateTime>),
        jobs::last_error.eq(Some(error)),
    ))
    .execute(conn)?;
    Ok(updated == 1)
}

/// Drops a case's pending jobs of a kind (`None`: all).
pub fn cancel(
    conn: &mut DbConnection,
    case_id: &str,
    kind: Option<&str>,
) -> Result<usize, StoreError> {
    let mut query = diesel::delete(jobs::table)
        .filter(jobs::case_id.eq(case_id))
        .into_boxed();
    if let Some(kind) = kind {
        query = query.filter(jobs::kind.eq(kind));
    }
    Ok(query.execute(conn)?)
}

/// Gives back every lease a worker holds (graceful shutdown): another instance may take
/// the jobs at once instead of after the lease ran out.
pub fn release(conn: &mut DbConnection, worker: &str) -> Result<usize, StoreError> {
    Ok(
        diesel::update(jobs::table.filter(jobs::leased_by.eq(worker)))
            .set((
                jobs::leased_by.eq(None::<String>),
                jobs::lease_until.eq(None::<NaiveDateTime>),
            ))
            .execute(conn)?,
    )
}

/// Up to `limit` of the jobs due by `until`, as (id, attempts): one pair is one run to
/// wait for. A small limit makes a look that costs the same however many are due.
pub fn due(
    conn: &mut DbConnection,
    until: NaiveDateTime,
    limit: i64,
) -> Result<Vec<(String, i32)>, StoreError> {
    Ok(jobs::table
        .filter(jobs::due_at.le(until))
        .select((jobs::id, jobs::attempts))
        .limit(limit)
        .load(conn)?)
}

/// How many jobs are due by `until` and not leased by a live worker.
pub fn count_waiting(
    conn: &mut DbConnection,
    until: NaiveDateTime,
    wall_now: NaiveDateTime,
) -> Result<i64, StoreError> {
    Ok(jobs::table
        .filter(jobs::due_at.le(until))
        .filter(
            jobs::lease_until
                .is_null()
                .or(jobs::lease_until.lt(wall_now)),
        )
        .count()
        .get_result(conn)?)
}

/// The earliest due time of any job.
pub fn next_due(conn: &mut DbConnection) -> Result<Option<NaiveDateTime>, StoreError> {
    Ok(jobs::table
        .select(diesel::dsl::min(jobs::due_at))
        .first(conn)?)
}

/// Lets the current transaction commit without waiting for its WAL flush (PostgreSQL's
/// `synchronous_commit = off`, for this transaction only). Only for a transition a job
/// drives: nobody was told it happened, and should the database server crash before the
/// flush, the transition and the job's consumption are lost together, so the job comes
/// due again and runs again — exactly once still holds, and activities are idempotent.
/// Commands a caller is answered for keep the durable commit. SQLite has no per-transaction
/// setting: its commits follow `--sqlite-synchronous` (FULL by default, so jobs too are
/// synced; the cost is in BENCHMARKS.md).
pub fn relaxed_commit(conn: &mut DbConnection) -> Result<(), StoreError> {
    if let DbConnection::Pg(pg) = conn {
        diesel::sql_query("SET LOCAL synchronous_commit = off").execute(pg)?;
    }
    Ok(())
}
