//! The shared manual clock: stored in the database (the `clock` table) so every instance
//! on one database sees the same time, and moved by `AdvanceClock`, which also runs every
//! job that comes due on the way.

use std::collections::HashSet;
use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, Utc};

use super::{Actor, App};
use crate::clock::Clock;
use crate::error::AppError;
use crate::store::{Store, StoreError, admin_events, clock as stored, db_instant, jobs, utc};

/// How long `AdvanceClock` waits for due jobs before it gives up (a job stuck behind a
/// dead instance's lease waits for the lease to run out).
const DRAIN_LIMIT: Duration = Duration::from_secs(600);

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
    /// the clock reached a step, or seen due while waiting (a job scheduled due-now by a
    /// transition and run between two looks is not counted).
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
        let target = match target {
            ClockTarget::By(by) if by < chrono::Duration::zero() => {
                return Err(AppError::invalid("by", "time never goes back"));
            }
            ClockTarget::By(by) => now + by,
            ClockTarget::To(to) if to < now => {
                return Err(AppError::invalid(
                    "to",
                    &format!("time never goes back; it is {now}"),
                ));
            }
            ClockTarget::To(to) => to,
        };
        let give_up = tokio::time::Instant::now() + DRAIN_LIMIT;
        let mut runs: HashSet<(String, i32)> = HashSet::new();
        loop {
            let next = self.store.run(jobs::next_due).await?.map(utc);
            let step = match next {
                Some(due) if due <= target => due.max(clock.now()),
                _ => break,
            };
            self.move_and_drain(&clock, step, &mut runs, give_up)
                .await?;
        }
        let now = self
            .move_and_drain(&clock, target, &mut runs, give_up)
            .await?;
        let jobs_run = i64::try_from(runs.len()).unwrap_or(i64::MAX);
        // Who moved the office's time, from when to when.
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
        runs: &mut HashSet<(String, i32)>,
        give_up: tokio::time::Instant,
    ) -> Result<DateTime<Utc>, AppError> {
        let until = db_instant(to);
        runs.extend(self.store.run(move |conn| jobs::due(conn, until)).await?);
        let now = clock.set(to).await?;
        self.engine.wake_workers.notify_waiters();
        self.drain(now, runs, give_up).await?;
        Ok(now)
    }

    /// Waits until no job is due by `until`, noting each (job, attempt) seen due.
    async fn drain(
        &self,
        until: DateTime<Utc>,
        runs: &mut HashSet<(String, i32)>,
        give_up: tokio::time::Instant,
    ) -> Result<(), AppError> {
        let until = db_instant(until);
        let mut pause = Duration::from_millis(1);
        loop {
            let due = self.store.run(move |conn| jobs::due(conn, until)).await?;
            if due.is_empty() {
                return Ok(());
            }
            runs.extend(due);
            if tokio::time::Instant::now() > give_up {
                return Err(AppError::Unavailable(
                    "jobs due by the new time did not finish in time".into(),
                ));
            }
            self.engine.wake_workers.notify_waiters();
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(Duration::from_millis(25));
        }
    }
}
