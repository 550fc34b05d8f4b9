//! Running one leased job: a timer fires its event; an activity runs and its outcome
//! becomes an event. A failing activity is tried again later with exponential backoff and
//! jitter; after its last attempt it becomes a task for a person.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde_json::Value;
use tracing::Instrument;

use super::effects::ConsumedJob;
use super::pipeline::{Applied, Command};
use super::{Actor, App};
use crate::case::{Activity, ActivityOutput, CaseRecord, Event, JobKind};
use crate::error::AppError;
use crate::store::jobs::{self, JobRow};
use crate::store::{cases, db_instant};
use crate::telemetry;

/// The actor of everything the engine does by itself.
pub const SYSTEM: &str = "system";

/// The first retry waits about this long; each next one twice as long.
const BACKOFF_BASE_SECONDS: f64 = 2.0;
/// No retry waits longer than this.
const BACKOFF_MAX_SECONDS: f64 = 3600.0;

/// What became of a job.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JobOutcome {
    /// Its event was applied.
    Applied,
    /// The track refused its event (e.g. a stale timer); the job is gone.
    Rejected,
    /// It failed and waits for another attempt.
    Retried,
    /// It failed for the last time; a task was opened.
    GaveUp,
    /// Another instance took it over; nothing was written.
    LeaseLost,
}

/// The wait before attempt `failed + 1`: base · 2^(failed-1), capped, times a jitter factor
/// in [0.75, 1.25) so that jobs failing together do not retry together.
pub fn backoff(failed: u32, jitter: f64) -> chrono::Duration {
    let exponent = i32::try_from(failed.saturating_sub(1).min(30)).unwrap_or(30);
    let seconds = (BACKOFF_BASE_SECONDS * 2f64.powi(exponent)).min(BACKOFF_MAX_SECONDS);
    let factor = 0.75 + 0.5 * jitter.clamp(0.0, 1.0);
    chrono::Duration::milliseconds((seconds * factor * 1000.0) as i64)
}

/// A uniform number in [0, 1) from the v4 UUID generator's randomness.
fn jitter() -> f64 {
    let bits = uuid::Uuid::new_v4().as_u128() as u64 >> 11;
    bits as f64 / (1u64 << 53) as f64
}

impl App {
    /// Runs a job this worker leased, at the service time `now`.
    pub(crate) async fn run_job(
        &self,
        job: JobRow,
        worker: &str,
        now: DateTime<Utc>,
    ) -> Result<JobOutcome, AppError> {
        // A job runs in a trace of its own (it may run days after it was scheduled), linked
        // to the span that scheduled it.
        let span = tracing::info_span!(
            "job",
            otel.name = format!("job {}", job.kind),
            job.id = %job.id,
            job.kind = %job.kind,
            case.id = job.case_id.as_deref().unwrap_or(""),
            client.id = tracing::field::Empty,
        );
        if let Some(scheduled_by) = &job.trace_context {
            telemetry::propagation::link_to_traceparent(&span, scheduled_by);
        }
        let kind = job.kind.clone();
        let due_at = crate::store::utc(job.due_at);
        let run = super::clock::Ran {
            job_id: job.id.clone(),
            attempts: job.attempts,
            due_at: job.due_at,
        };
        let _running = telemetry::metrics::job_running(&kind);
        let outcome = self
            .run_job_inner(job, worker.to_owned(), now)
            .instrument(span)
            .await;
        match &outcome {
            Ok(JobOutcome::Applied) => {
                telemetry::metrics::job_applied(&kind, now.max(self.clock.now()) - due_at);
            }
            Ok(JobOutcome::Retried) => telemetry::metrics::job_failed(&kind, false),
            Ok(JobOutcome::GaveUp) => telemetry::metrics::job_failed(&kind, true),
            Ok(JobOutcome::Rejected | JobOutcome::LeaseLost) | Err(_) => {}
        }
        // A run another instance took over is theirs to report; an error leaves the job to
        // its lease.
        if matches!(&outcome, Ok(o) if *o != JobOutcome::LeaseLost) {
            // Nobody waiting (no AdvanceClock under way) is not an error.
            let _unheard = self.engine.ran.send(run);
        }
        outcome
    }

    /// Runs leased jobs of cases (timers, and activities: each activity runs first, as
    /// alone) and applies their events in one transaction through
    /// [`super::pipeline::run_batch`]: one commit for the lot, each event in a savepoint
    /// of its own, so one that fails rolls back alone and is left to its lease (as a
    /// single run's error would be); an activity that fails takes the retry path alone.
    /// Sorted by case, so two instances' batches lock cases in the same order. Activities
    /// stop being added after a quarter of the lease, so the lease still holds at the
    /// commit. One span for the batch, linked to each job's scheduler.
    pub(crate) async fn run_batch(&self, jobs: Vec<JobRow>, worker: &str, now: DateTime<Utc>) {
        let span = tracing::info_span!("jobs", otel.name = "job batch", jobs = jobs.len());
        for job in &jobs {
            if let Some(scheduled_by) = &job.trace_context {
                telemetry::propagation::link_to_traceparent(&span, scheduled_by);
            }
        }
        let budget = self.engine.config.lease / 4;
        let mut read = self.activities_cases(&jobs).instrument(span.clone()).await;
        let mut jobs = jobs.into_iter().peekable();
        while jobs.peek().is_some() {
            let started = std::time::Instant::now();
            let mut ready = Vec::new();
            let mut taken = 0;
            while (taken == 0 || started.elapsed() < budget)
                && let Some(job) = jobs.next_if(|job| {
                    // An activity runs on its case as committed: not after an event of
                    // its case still waiting in this batch.
                    !is_activity(job)
                        || !ready
                            .iter()
                            .any(|(r, _): &(JobRow, Event)| r.case_id == job.case_id)
                })
            {
                taken += 1;
                let case = job.case_id.as_ref().and_then(|id| read.remove(id));
                if let Some(event) = self
                    .event_of(&job, worker, now, case)
                    .instrument(span.clone())
                    .await
                {
                    ready.push((job, event));
                }
            }
            // Those cases change now: an activity of one of them later reads it again.
            for (job, _) in &ready {
                if let Some(id) = &job.case_id {
                    read.remove(id);
                }
            }
            self.commit_batch(ready, worker, now)
                .instrument(span.clone())
                .await;
        }
    }

    /// The cases of a batch's activities, read in one query before they run (instead of
    /// one read each); empty when there are none or the read failed (each reads its own).
    async fn activities_cases(&self, jobs: &[JobRow]) -> HashMap<String, CaseRecord> {
        let ids: Vec<String> = jobs
            .iter()
            .filter(|job| is_activity(job))
            .filter_map(|job| job.case_id.clone())
            .collect();
        if ids.len() < 2 {
            return HashMap::new();
        }
        let read = self
            .store
            .run(move |conn| {
                let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
                cases::get_many(conn, &ids)
            })
            .await;
        read.unwrap_or_else(|e| {
            tracing::debug!(error = %e, "reading the activities' cases failed; one at a time");
            HashMap::new()
        })
    }

    /// The event a job of a case brings: a timer's, or an activity's outcome (on `case`
    /// when it was read already). `None` when the activity failed (then its failure was
    /// handled alone).
    async fn event_of(
        &self,
        job: &JobRow,
        worker: &str,
        now: DateTime<Utc>,
        case: Option<CaseRecord>,
    ) -> Option<Event> {
        let case_id = job.case_id.as_deref().unwrap_or_default();
        match JobKind::parse(&job.kind) {
            Some(JobKind::Timer(timer)) => Some(Event::TimerFired(timer)),
            Some(JobKind::Activity(activity)) => {
                let _running = telemetry::metrics::job_running(&job.kind);
                let payload: Value = serde_json::from_str(&job.payload).unwrap_or(Value::Null);
                let output = self
                    .run_activity(activity, case_id, case, &payload, job.attempts)
                    .await
                    .and_then(|output| typed_output(activity, output));
                match output {
                    Ok(output) => {
                        let attempt = u32::try_from(job.attempts + 1).unwrap_or(u32::MAX);
                        Some(Event::ActivitySucceeded { attempt, output })
                    }
                    Err(error) => {
                        let outcome = self.fail(job.clone(), worker.to_owned(), now, error).await;
                        match &outcome {
                            Ok(JobOutcome::Retried) => {
                                telemetry::metrics::job_failed(&job.kind, false)
                            }
                            Ok(JobOutcome::GaveUp) => {
                                telemetry::metrics::job_failed(&job.kind, true)
                            }
                            Ok(_) => {}
                            Err(e) => {
                                tracing::warn!(job.id = %job.id, error = %e, "job run failed; its lease will run out and it will be retried")
                            }
                        }
                        if matches!(&outcome, Ok(o) if *o != JobOutcome::LeaseLost) {
                            self.ran(job);
                        }
                        None
                    }
                }
            }
            None => None,
        }
    }

    /// Applies the events of `ready` in one transaction.
    async fn commit_batch(
        &self,
        mut ready: Vec<(JobRow, Event)>,
        worker: &str,
        now: DateTime<Utc>,
    ) {
        if ready.is_empty() {
            return;
        }
        ready.sort_by(|(a, _), (b, _)| a.case_id.cmp(&b.case_id));
        let _running: Vec<_> = ready
            .iter()
            .map(|(job, _)| telemetry::metrics::job_running(&job.kind))
            .collect();
        let commands = ready
            .iter()
            .map(|(job, event)| {
                let case_id = job.case_id.clone().unwrap_or_default();
                let mut command = Command::new(case_id, event.clone(), Actor(SYSTEM.into()));
                command.job = Some(ConsumedJob {
                    id: job.id.clone(),
                    worker: worker.to_owned(),
                    due_at: job.due_at,
                });
                command
            })
            .collect();
        // Dated when it commits, not when the job was leased.
        let now = now.max(self.clock.now());
        let applied = match self.execute_batch(commands, now).await {
            Ok(applied) => applied,
            Err(e) => {
                tracing::warn!(error = %e, "job batch failed; its leases will run out and it will be retried");
                return;
            }
        };
        let committed = now.max(self.clock.now());
        for ((job, _), applied) in ready.into_iter().zip(applied) {
            let ran = match applied {
                Ok(Applied::Done { .. }) => {
                    let due_at = crate::store::utc(job.due_at);
                    telemetry::metrics::job_applied(&job.kind, committed - due_at);
                    true
                }
                Ok(Applied::Rejected(rejection)) => {
                    tracing::warn!(job.id = %job.id, %rejection, "job's event refused by the track; job dropped");
                    true
                }
                Ok(Applied::LeaseLost) => {
                    tracing::info!(job.id = %job.id, "lease lost to another instance; its result is theirs");
                    false
                }
                Ok(Applied::Replayed(_)) => false,
                Err(e) => {
                    tracing::warn!(job.id = %job.id, error = %e, "job failed; its lease will run out and it will be retried");
                    false
                }
            };
            if ran {
                self.ran(&job);
            }
        }
    }

    /// Tells an `AdvanceClock` under way that this job ran (nobody listening: nothing).
    fn ran(&self, job: &JobRow) {
        let _unheard = self.engine.ran.send(super::clock::Ran {
            job_id: job.id.clone(),
            attempts: job.attempts,
            due_at: job.due_at,
        });
    }

    async fn run_job_inner(
        &self,
        job: JobRow,
        worker: String,
        now: DateTime<Utc>,
    ) -> Result<JobOutcome, AppError> {
        let kind = JobKind::parse(&job.kind);
        let Some(case_id) = job.case_id.clone() else {
            return self
                .fail(job, worker, now, "a job without a case".into())
                .await;
        };
        match kind {
            Some(JobKind::Timer(timer)) => {
                self.consume_with(job, worker, case_id, Event::TimerFired(timer), now)
                    .await
            }
            Some(JobKind::Activity(activity)) => {
                let payload: Value = serde_json::from_str(&job.payload).unwrap_or(Value::Null);
                let output = self
                    .run_activity(activity, &case_id, None, &payload, job.attempts)
                    .await
                    .and_then(|output| typed_output(activity, output));
                match output {
                    Ok(output) => {
                        let attempt = u32::try_from(job.attempts + 1).unwrap_or(u32::MAX);
                        let event = Event::ActivitySucceeded { attempt, output };
                        self.consume_with(job, worker, case_id, event, now).await
                    }
                    Err(error) => self.fail(job, worker, now, error).await,
                }
            }
            None => {
                let error = format!("unknown job kind {:?}", job.kind);
                self.fail(job, worker, now, error).await
            }
        }
    }

    /// Applies the job's event and deletes the job in one transaction.
    async fn consume_with(
        &self,
        job: JobRow,
        worker: String,
        case_id: String,
        event: Event,
        now: DateTime<Utc>,
    ) -> Result<JobOutcome, AppError> {
        // Dated when it commits, not when the job was leased (a batch takes a while).
        let now = now.max(self.clock.now());
        let mut command = Command::new(case_id, event, Actor(SYSTEM.into()));
        command.job = Some(ConsumedJob {
            id: job.id,
            worker,
            due_at: job.due_at,
        });
        let applied = self.execute(command, now).await?;
        Ok(match applied {
            Applied::Done { case, .. } => {
                tracing::Span::current().record("client.id", case.claim.client_id.as_str());
                JobOutcome::Applied
            }
            Applied::Rejected(rejection) => {
                tracing::warn!(%rejection, "job's event refused by the track; job dropped");
                JobOutcome::Rejected
            }
            Applied::LeaseLost => {
                tracing::info!("lease lost to another instance; its result is theirs");
                JobOutcome::LeaseLost
            }
            Applied::Replayed(_) => {
                return Err(AppError::Internal("a job carries no request id".into()));
            }
        })
    }

    /// A failed attempt: back off and retry, or after the last attempt hand it to a person.
    async fn fail(
        &self,
        job: JobRow,
        worker: String,
        now: DateTime<Utc>,
        error: String,
    ) -> Result<JobOutcome, AppError> {
        let now = now.max(self.clock.now());
        let failed = job.attempts + 1;
        let last = match (JobKind::parse(&job.kind), job.case_id.clone()) {
            // No office configured: retrying changes nothing until someone stores one, so
            // a person is told at once (the task's retry, or PutOffice, renders it).
            (Some(JobKind::Activity(activity)), Some(case_id))
                if failed >= job.max_attempts || error == crate::case::NO_OFFICE =>
            {
                Some((activity, case_id))
            }
            // Not the last attempt; or nothing a person could act on (an unknown kind
            // from a newer version, a job without a case): keep trying, slowly.
            _ => None,
        };
        let Some((activity, case_id)) = last else {
            let wait = backoff(u32::try_from(failed).unwrap_or(1), jitter());
            tracing::warn!(attempt = failed, error = %error, retry_in_ms = wait.num_milliseconds(), "job failed; retrying later");
            let due = db_instant(now + wait);
            let kept = self
                .store
                .run(move |conn| jobs::retry_later(conn, &job.id, &worker, failed, due, &error))
                .await?;
            return Ok(if kept {
                JobOutcome::Retried
            } else {
                JobOutcome::LeaseLost
            });
        };
        tracing::error!(attempts = failed, error = %error, "job failed for the last time; opening a task");
        let event = Event::ActivityFailed {
            activity,
            attempts: u32::try_from(failed).unwrap_or(u32::MAX),
            error,
            payload: serde_json::from_str(&job.payload).unwrap_or(Value::Null),
        };
        Ok(
            match self.consume_with(job, worker, case_id, event, now).await? {
                JobOutcome::Applied => JobOutcome::GaveUp,
                other => other,
            },
        )
    }
}

fn is_activity(job: &JobRow) -> bool {
    matches!(JobKind::parse(&job.kind), Some(JobKind::Activity(_)))
}

/// An activity's output as the track reads it; one it cannot read fails the attempt.
fn typed_output(activity: Activity, output: Value) -> Result<ActivityOutput, String> {
    let unreadable = |e: serde_json::Error| format!("unreadable {activity:?} output: {e}");
    Ok(match activity {
        Activity::Probe => ActivityOutput::Probe,
        Activity::RecoverabilityCheck => {
            ActivityOutput::Recoverability(serde_json::from_value(output).map_err(unreadable)?)
        }
        Activity::RenderDocument => {
            ActivityOutput::Document(serde_json::from_value(output).map_err(unreadable)?)
        }
        Activity::AttachmentRegistration => ActivityOutput::AttachmentRegistered(
            serde_json::from_value(output).map_err(unreadable)?,
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_with_bounded_jitter() {
        assert_eq!(backoff(1, 0.5), chrono::Duration::seconds(2));
        assert_eq!(backoff(2, 0.5), chrono::Duration::seconds(4));
        assert_eq!(backoff(3, 0.0), chrono::Duration::seconds(6));
        assert_eq!(backoff(40, 0.5), chrono::Duration::seconds(3600));
        for _ in 0..100 {
            let j = jitter();
            assert!((0.0..1.0).contains(&j));
        }
    }
}
