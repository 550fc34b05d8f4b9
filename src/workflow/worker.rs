//! The job loop inside `serve`: a few workers per instance lease due jobs in batches and
//! run them. On shutdown they stop leasing, finish the job in hand and give the rest of
//! their batch back, so another instance can take it at once.

use std::time::Duration;

use tokio::sync::watch;

use super::App;
use crate::case::JobKind;
use crate::clock::{Clock, SystemClock};
use crate::store::db_instant;
use crate::store::jobs::{self, JobRow, LeaseRequest};

/// How the engine runs in one instance.
#[derive(Clone, Debug)]
pub struct EngineConfig {
    /// Concurrent workers (each leases its own batches).
    pub workers: usize,
    /// Jobs per lease.
    pub batch: i64,
    /// How long a lease holds (wall clock); a dead instance's jobs wait this long.
    pub lease: Duration,
    /// How often an idle worker looks for due jobs (also for jobs another instance made
    /// due, or a clock another instance moved).
    pub poll: Duration,
}

impl Default for EngineConfig {
    fn default() -> Self {
        Self {
            workers: 2,
            batch: 64,
            lease: Duration::from_secs(60),
            poll: Duration::from_millis(100),
        }
    }
}

/// Runs the workers until `shutdown` turns true; returns when all have stopped.
pub async fn run_workers(app: App, instance: String, shutdown: watch::Receiver<bool>) {
    let workers = app.engine.config.workers.max(1);
    let handles: Vec<_> = (0..workers)
        .map(|n| {
            let app = app.clone();
            let worker = format!("{instance}/{n}");
            let shutdown = shutdown.clone();
            tokio::spawn(async move { work(app, worker, shutdown).await })
        })
        .collect();
    for handle in handles {
        if let Err(e) = handle.await {
            tracing::error!(error = %e, "worker panicked");
        }
    }
}

async fn work(app: App, worker: String, mut shutdown: watch::Receiver<bool>) {
    let config = app.engine.config.clone();
    let lease_for =
        chrono::Duration::from_std(config.lease).unwrap_or(chrono::Duration::seconds(60));
    while !*shutdown.borrow() {
        // Register for a wake-up before looking, so a wake between the look and the wait
        // is not lost.
        let wake = app.engine.wake_workers.notified();
        let leased = async {
            let now = app.service_now().await?;
            let wall = SystemClock.now();
            let request_worker = worker.clone();
            let batch = config.batch;
            let rows = app
                .store
                .run(move |conn| {
                    jobs::lease(
                        conn,
                        LeaseRequest {
                            worker: &request_worker,
                            due_by: db_instant(now),
                            wall_now: db_instant(wall),
                            lease_until: db_instant(wall + lease_for),
                            limit: batch,
                        },
                    )
                })
                .await?;
            Ok::<_, crate::error::AppError>((now, rows))
        }
        .await;
        let (now, rows) = match leased {
            Ok(found) => found,
            Err(e) => {
                tracing::warn!(error = %e, "leasing jobs failed; trying again");
                (chrono::DateTime::<chrono::Utc>::MIN_UTC, Vec::new())
            }
        };
        if rows.is_empty() {
            tokio::select! {
                changed = shutdown.changed() => {
                    // The sender is gone: the server is gone.
                    if changed.is_err() {
                        break;
                    }
                }
                _ = wake => {}
                _ = tokio::time::sleep(config.poll) => {}
            }
            continue;
        }
        // In due order; each run of two or more jobs of cases in one transaction (see
        // `App::run_batch`), anything else on its own.
        let mut group = Vec::new();
        let mut rows = rows.into_iter().peekable();
        while let Some(job) = rows.next() {
            if *shutdown.borrow() {
                break;
            }
            if batchable(&job) {
                group.push(job);
            } else {
                run_one(&app, job, &worker, now).await;
            }
            if !rows.peek().is_some_and(batchable) {
                match group.len() {
                    0 => {}
                    1 => run_one(&app, group.remove(0), &worker, now).await,
                    _ => {
                        app.run_batch(std::mem::take(&mut group), &worker, now)
                            .await
                    }
                }
            }
        }
    }
    let release_worker = worker.clone();
    match app
        .store
        .run(move |conn| jobs::release(conn, &release_worker))
        .await
    {
        Ok(released) => tracing::info!(%worker, released, "worker stopped"),
        Err(e) => {
            tracing::warn!(%worker, error = %e, "could not give leases back; they will run out")
        }
    }
}

/// A job of a case whose kind this version knows: its event can join a batch.
fn batchable(job: &JobRow) -> bool {
    job.case_id.is_some() && JobKind::parse(&job.kind).is_some()
}

/// Runs one job; an error leaves it to its lease.
async fn run_one(app: &App, job: JobRow, worker: &str, now: chrono::DateTime<chrono::Utc>) {
    if let Err(e) = app.run_job(job, worker, now).await {
        tracing::warn!(error = %e, "job run failed; its lease will run out and it will be retried");
    }
}

impl App {
    /// Reports `exploot.jobs.due` (due by the service clock, not leased) whenever metrics
    /// are collected; nothing when metrics are not exported.
    pub fn observe_jobs_due(&self) {
        let app = self.clone();
        crate::telemetry::metrics::observe_jobs_due(move || {
            let now = match &app.engine.db_clock {
                Some(shared) => shared.now(),
                None => app.clock.now(),
            };
            let wall = SystemClock.now();
            let waiting = app
                .store
                .run_blocking(|conn| jobs::count_waiting(conn, db_instant(now), db_instant(wall)));
            match waiting {
                Ok(count) => u64::try_from(count).ok(),
                Err(e) => {
                    tracing::warn!(error = %e, "counting due jobs for the metrics failed");
                    None
                }
            }
        });
    }
}
