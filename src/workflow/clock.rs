//! The shared manual clock: stored in the database (the `clock` table) so every instance
//! on one database sees the same time, and moved by `AdvanceClock`, which also runs every
//! job that comes due on the way.

use std::collections::HashSet;
use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, NaiveDateTime, Utc};
use tokio::sync::broadcast;

use super::{Actor, App};
use crate::clock::Clock;
use crate::error::AppError;
use crate::store::{Store, StoreError, admin_events, clock as stored, db_instant, jobs, utc};

/// How long `AdvanceClock` waits for due jobs before it gives up (a job stuck behind a
/// dead instance's lease waits for the lease to run out).
const DRAIN_LIMIT: Duration = Duration::from_secs(600);

/// While jobs are due, `AdvanceClock` looks at the jobs table only at most this many at a
/// time, and looks again once this instance's workers have finished that many runs: a
/// look costs the same whether 10 or 100,000 are due, and 20,000 due jobs take about 40
/// looks instead of a poll every few milliseconds that fetched them all.
const LOOK_ROWS: i64 = 512;

/// The longest wait between two looks while jobs are due: runs by other instances (and
/// leases running out) are seen only by looking. No LISTEN/NOTIFY: diesel 2.3 reads
/// notifications only when asked, on a connection held for it (so it would poll too), and
/// a second PostgreSQL client library for a wake-up costs more than one small look per
/// 100 ms without a run here while a drain lasts.
const LOOK_EVERY_MAX: Duration = Duration::from_millis(100);

/// How many finished runs an `AdvanceClock` under way may fall behind on before it loses
/// their names (it still counts them).
pub(super) const RAN_BACKLOG: usize = 4096;

/// A job run this instance's worker finished (applied, refused, failed for a retry or for
/// good): what `AdvanceClock` waits on instead of polling.
#[derive(Clone, Debug)]
pub(crate) struct Ran {
    /// The job.
    pub job_id: String,
    /// Its attempts before this run.
    pub attempts: i32,
    /// When it was due.
    pub due_at: NaiveDateTime,
}

/// A manual clock kept in the database. [`Clock::now`] answers from this instance's last
/// reading (refreshed by every worker poll and every move), so a request never waits on
/// the database for the time; the workers read the row itself before leasing.
pub struct DbClock {
    store: Store,
    last: Mutex<DateTime<Utc>>,
}

impl DbClock {
    /// Opens the shared clock, setting it to `start` unless it already stands later (so a
    /// second instance or a restart never moves time back).
    pub async fn open(store: Store, start: DateTime<Utc>) -> Result<Self, StoreError> {
        let s = store.clone();
        let to = db_instant(start);
        let now = match s.run(move |conn| stored::advance(conn, to)).await {
            // Two instances creating the row at once: the loser reads the winner's.
            Err(StoreError::Conflict(_)) => {
                store.run(move |conn| stored::advance(conn, to)).await?
            }
            other => other?,
        };
        Ok(Self {
            store,
            last: Mutex::new(utc(now)),
        })
    }

    fn remember(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        let mut last = self.last.lock().unwrap_or_else(|p| p.into_inner());
        if now > *last {
            *last = now;
        }
        *last
    }

    /// Reads the shared time from the database.
    pub async fn refresh(&self) -> Result<DateTime<Utc>, StoreError> {
        let now = self.store.run(stored::read).await?;
        Ok(match now {
            Some(now) => self.remember(utc(now)),
            None => self.now(),
        })
    }

    /// Moves the shared time to `to` (never back) and returns where it stands.
    pub async fn set(&self, to: DateTime<Utc>) -> Result<DateTime<Utc>, StoreError> {
        let to = db_instant(to);
        let now = self
            .store
            .run(move |conn| stored::advance(conn, to))
            .await?;
        Ok(self.remember(utc(now)))
    }
}

impl Clock for DbClock {
    fn now(&self) -> DateTime<Utc> {
        *self.last.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn is_manual(&self) -> bool {
        true
    }
}

/// Where `AdvanceClock` moves time.
#[derive(Clone, Copy, Debug)]
pub enum ClockTarget {
    /// Forward by this much.
    By(chrono::Duration),
    /// To this instant.
    To(DateTime<Utc>),
}

/// The furthest `AdvanceClock` moves at once: a century.
const MAX_MOVE_DAYS: i64 = 36_525;

impl App {
    /// The service's time, read afresh from the shared clock when it is manual.
    pub async fn service_now(&self) -> Result<DateTime<Utc>, AppError> {
        match &self.engine.db_clock {
            Some(clock) => Ok(clock.refresh().await?),
            None => Ok(self.clock.now()),
        }
    }

    /// Moves the manual clock to the target, stopping at every instant a job comes due on
    /// the way (so each timer fires on its own day, and retries due in between run), and
    /// returns once every job due by the target has run — by this instance or any other —
    /// with the time and the number of job runs waited for: each (job, attempt) due when
    /// the clock reached a step, seen due at a look while waiting, or run by this
    /// instance's workers meanwhile (a job scheduled due-now by a transition and run by
    /// another instance between two looks is not counted).
    pub async fn advance_clock(
        &self,
        actor: Actor,
        target: ClockTarget,
    ) -> Result<(DateTime<Utc>, i64), AppError> {
        let Some(clock) = self.engine.db_clock.clone() else {
            return Err(AppError::FailedPrecondition(
                "the clock is the system clock; start with --clock manual to move it".into(),
            ));
        };
        let now = clock.refresh().await?;
        let started = now;
        // Time never goes back, and a move beyond a century is a typing error: the clock
        // could never come back from it.
        let furthest = now + chrono::Duration::days(MAX_MOVE_DAYS);
        let target = match target {
            ClockTarget::By(by) if by < chrono::Duration::zero() => {
                return Err(AppError::invalid("by", "time never goes back"));
            }
            ClockTarget::By(by) => now
                .checked_add_signed(by)
                .filter(|to| *to <= furthest)
                .ok_or_else(|| {
                    AppError::invalid("by", &format!("at most {MAX_MOVE_DAYS} days at once"))
                })?,
            ClockTarget::To(to) if to < now => {
                return Err(AppError::invalid(
                    "to",
                    &format!("time never goes back; it is {now}"),
                ));
            }
            ClockTarget::To(to) if to > furthest => {
                return Err(AppError::invalid(
                    "to",
                    &format!("at most {MAX_MOVE_DAYS} days ahead at once; it is {now}"),
                ));
            }
            ClockTarget::To(to) => to,
        };
        // Who moves the office's time, and to when: written before the first step, so a
        // move cut short (a deadline, a dropped caller) is on record all the same.
        let intent = serde_json::json!({
            "from": started.to_rfc3339(),
            "to": target.to_rfc3339(),
        });
        let by = actor.0.clone();
        self.store
            .run(move |conn| {
                admin_events::append(conn, started, &by, "clock_moving", "clock", &intent)
            })
            .await?;
        let mut wait = Drain {
            runs: HashSet::new(),
            heard: self.engine.ran.subscribe(),
            give_up: tokio::time::Instant::now() + DRAIN_LIMIT,
        };
        loop {
            let next = self.store.run(jobs::next_due).await?.map(utc);
            let step = match next {
                Some(due) if due <= target => due.max(clock.now()),
                _ => break,
            };
            self.move_and_drain(&clock, step, &mut wait).await?;
        }
        let now = self.move_and_drain(&clock, target, &mut wait).await?;
        let runs = wait.runs;
        let jobs_run = i64::try_from(runs.len()).unwrap_or(i64::MAX);
        // Who moved the office's time, from when to when, and what ran on the way.
        let payload = serde_json::json!({
            "from": started.to_rfc3339(),
            "to": now.to_rfc3339(),
            "jobs_run": jobs_run,
        });
        self.store
            .run(move |conn| {
                admin_events::append(conn, now, &actor.0, "clock_moved", "clock", &payload)
            })
            .await?;
        Ok((now, jobs_run))
    }

    /// Notes the jobs that the move to `to` makes due (before moving, so that none can run
    /// unseen), moves the clock and waits for them.
    async fn move_and_drain(
        &self,
        clock: &DbClock,
        to: DateTime<Utc>,
        wait: &mut Drain,
    ) -> Result<DateTime<Utc>, AppError> {
        let until = db_instant(to);
        let due = self
            .store
            .run(move |conn| jobs::due(conn, until, i64::MAX))
            .await?;
        wait.runs.extend(due);
        let now = clock.set(to).await?;
        self.engine.wake_workers.notify_waiters();
        self.drain(now, wait).await?;
        Ok(now)
    }

    /// Waits until no job is due by `until`, noting each (job, attempt) seen due or run
    /// here. Between two looks it waits until this instance's workers have finished as
    /// many runs as the last look saw due (then all may be done), or a pause that grows to
    /// [`LOOK_EVERY_MAX`] has passed without a run here (other instances' runs).
    async fn drain(&self, until: DateTime<Utc>, wait: &mut Drain) -> Result<(), AppError> {
        let until = db_instant(until);
        let mut pause = Duration::from_millis(1);
        loop {
            let due = self
                .store
                .run(move |conn| jobs::due(conn, until, LOOK_ROWS))
                .await?;
            wait.hear_all(until);
            if due.is_empty() {
                return Ok(());
            }
            let expect = due.len();
            wait.runs.extend(due);
            if tokio::time::Instant::now() > wait.give_up {
                return Err(AppError::Unavailable(
                    "jobs due by the new time did not finish in time".into(),
                ));
            }
            self.engine.wake_workers.notify_waiters();
            wait.hear(until, expect, pause).await;
            pause = (pause * 2).min(LOOK_EVERY_MAX);
        }
    }
}

/// What one `AdvanceClock` has seen so far.
struct Drain {
    /// Each (job, attempts) run waited for.
    runs: HashSet<(String, i32)>,
    /// The runs this instance's workers finish.
    heard: broadcast::Receiver<Ran>,
    /// When to stop waiting.
    give_up: tokio::time::Instant,
}

impl Drain {
    /// Notes a run of a job due by `until`.
    fn note(&mut self, ran: Ran, until: NaiveDateTime) {
        if ran.due_at <= until {
            self.runs.insert((ran.job_id, ran.attempts));
        }
    }

    /// Notes the runs finished since the last hearing, without waiting.
    fn hear_all(&mut self, until: NaiveDateTime) {
        loop {
            match self.heard.try_recv() {
                Ok(ran) => self.note(ran, until),
                Err(broadcast::error::TryRecvError::Lagged(_)) => {}
                Err(_) => return,
            }
        }
    }

    /// Notes runs as they finish until `expect` have, or `pause` passed with none (then
    /// the runs, if any, are another instance's: look).
    async fn hear(&mut self, until: NaiveDateTime, expect: usize, pause: Duration) {
        let mut finished = 0;
        let mut deadline = tokio::time::Instant::now() + pause;
        while finished < expect {
            tokio::select! {
                heard = self.heard.recv() => match heard {
                    Ok(ran) => {
                        self.note(ran, until);
                        finished += 1;
                        deadline = tokio::time::Instant::now() + pause;
                    }
                    Err(broadcast::error::RecvError::Lagged(missed)) => {
                        finished += usize::try_from(missed).unwrap_or(usize::MAX);
                    }
                    Err(broadcast::error::RecvError::Closed) => {
                        tokio::time::sleep_until(deadline).await;
                        return;
                    }
                },
                () = tokio::time::sleep_until(deadline) => return,
            }
        }
    }
}
