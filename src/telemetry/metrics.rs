//! The few metrics worth a dashboard: RPC latency by method and status, and the job
//! queue (due, running, failed, and the lag from a job's due time to its applied event).
//!
//! Instruments come from the global meter provider, which `exploot serve` sets when OTLP
//! is configured; otherwise they are no-ops and cost next to nothing.

use std::sync::OnceLock;

use opentelemetry::KeyValue;
use opentelemetry::metrics::{Counter, Histogram, UpDownCounter};

/// The meter every exploot instrument belongs to.
fn meter() -> opentelemetry::metrics::Meter {
    opentelemetry::global::meter(super::SERVICE_NAME)
}

/// The instruments, made once.
struct Instruments {
    rpc_duration: Histogram<f64>,
    jobs_running: UpDownCounter<i64>,
    jobs_failed: Counter<u64>,
    job_lag: Histogram<f64>,
}

fn instruments() -> &'static Instruments {
    static INSTRUMENTS: OnceLock<Instruments> = OnceLock::new();
    INSTRUMENTS.get_or_init(|| {
        let meter = meter();
        Instruments {
            rpc_duration: meter
                .f64_histogram("rpc.server.call.duration")
                .with_unit("s")
                .with_description("Time from a call's arrival to its last response byte")
                .build(),
            jobs_running: meter
                .i64_up_down_counter("exploot.jobs.running")
                .with_description("Jobs this instance is running now")
                .build(),
            jobs_failed: meter
                .u64_counter("exploot.jobs.failed")
                .with_description(
                    "Failed job attempts: retried later, or given up (a task was opened)",
                )
                .build(),
            job_lag: meter
                .f64_histogram("exploot.jobs.lag")
                .with_unit("s")
                .with_description("From a job's due time (service clock) to its applied event")
                .build(),
        }
    })
}

/// One finished RPC.
pub fn rpc_finished(service: &str, method: &str, code: tonic::Code, seconds: f64) {
    instruments().rpc_duration.record(
        seconds,
        &[
            KeyValue::new("rpc.system", "grpc"),
            KeyValue::new("rpc.service", service.to_owned()),
            KeyValue::new("rpc.method", method.to_owned()),
            KeyValue::new("rpc.grpc.status_code", code as i64),
        ],
    );
}

/// Counts a job as running until the returned guard drops.
pub fn job_running(kind: &str) -> RunningJob {
    let attributes = [KeyValue::new("job.kind", kind.to_owned())];
    instruments().jobs_running.add(1, &attributes);
    RunningJob { attributes }
}

/// A job counted in `exploot.jobs.running`.
#[must_use = "the job counts as running until this drops"]
pub struct RunningJob {
    attributes: [KeyValue; 1],
}

impl Drop for RunningJob {
    fn drop(&mut self) {
        instruments().jobs_running.add(-1, &self.attributes);
    }
}

/// A failed job attempt; `gave_up` when it was the last one.
pub fn job_failed(kind: &str, gave_up: bool) {
    instruments().jobs_failed.add(
        1,
        &[
            KeyValue::new("job.kind", kind.to_owned()),
            KeyValue::new("job.outcome", if gave_up { "gave_up" } else { "retried" }),
        ],
    );
}

/// A job's event applied `lag` after the job came due.
pub fn job_applied(kind: &str, lag: chrono::Duration) {
    let seconds = lag.num_milliseconds().max(0) as f64 / 1000.0;
    instruments()
        .job_lag
        .record(seconds, &[KeyValue::new("job.kind", kind.to_owned())]);
}

/// Reports the number of jobs due and not leased each time metrics are collected, by
/// calling `count` (a blocking database read: the SDK collects on its own thread).
pub fn observe_jobs_due(count: impl Fn() -> Option<u64> + Send + Sync + 'static) {
    // The callback lives as long as the meter provider; the handle need not be kept.
    let _registered = meter()
        .u64_observable_gauge("exploot.jobs.due")
        .with_description("Jobs due by the service clock and waiting for a worker")
        .with_callback(move |observer| {
            if let Some(due) = count() {
                observer.observe(due, &[]);
            }
        })
        .build();
}
