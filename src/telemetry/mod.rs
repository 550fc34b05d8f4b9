//! Logs, traces and metrics, set up in one place.
//!
//! Logs go to stderr (human or JSON lines) filtered by `RUST_LOG`. When an OTLP endpoint
//! is configured (`OTEL_EXPORTER_OTLP_ENDPOINT`, or the per-signal
//! `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` / `…_METRICS_ENDPOINT`), spans and metrics are also
//! exported over OTLP/gRPC; the SDK reads the other standard `OTEL_*` variables itself
//! (headers, timeout, compression, `OTEL_SERVICE_NAME`, `OTEL_RESOURCE_ATTRIBUTES`,
//! `OTEL_TRACES_SAMPLER`, `OTEL_BSP_*`, `OTEL_METRIC_EXPORT_INTERVAL`).
//!
//! Span fields are queryable ids only (`case.id`, `client.id`, `job.kind`, `rpc.method`):
//! never a debtor's name, address or date of birth.

pub mod metrics;
pub mod propagation;
pub mod rpc;

use opentelemetry::trace::TracerProvider as _;
use opentelemetry_otlp::WithExportConfig as _;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::metrics::SdkMeterProvider;
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing::Subscriber;
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::util::SubscriberInitExt as _;
use tracing_subscriber::{EnvFilter, Layer};

/// The service name spans and metrics carry unless `OTEL_SERVICE_NAME` (or
/// `service.name` in `OTEL_RESOURCE_ATTRIBUTES`) says otherwise.
pub const SERVICE_NAME: &str = "exploot";

/// How log lines on stderr look.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// For a person at a terminal.
    #[default]
    Text,
    /// One JSON object per line, for a log collector.
    Json,
}

/// Why the exporters could not be built.
#[derive(Debug, thiserror::Error)]
pub enum TelemetryError {
    /// The OTLP exporter refused its configuration (e.g. an endpoint that is no URI).
    #[error("OTLP exporter: {0}")]
    Exporter(#[from] opentelemetry_otlp::ExporterBuildError),
}

/// Whether the environment asks for OTLP export at all: without an endpoint nothing is
/// exported (the SDK's default of localhost:4317 would only fill the log with failures).
pub fn otlp_configured() -> bool {
    [
        "OTEL_EXPORTER_OTLP_ENDPOINT",
        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
        "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT",
    ]
    .iter()
    .any(|name| std::env::var_os(name).is_some_and(|v| !v.is_empty()))
}

/// `service.name=exploot` plus what `OTEL_SERVICE_NAME` and `OTEL_RESOURCE_ATTRIBUTES` say,
/// which win.
fn resource() -> Resource {
    let detected = Resource::builder().build();
    let named = detected
        .get(&opentelemetry::Key::new("service.name"))
        .is_some_and(|name| name.as_str() != "unknown_service");
    if named {
        detected
    } else {
        Resource::builder().with_service_name(SERVICE_NAME).build()
    }
}

/// A tracer provider exporting over OTLP/gRPC to `endpoint`, or where the `OTEL_*`
/// variables say when `None`. Must be called inside a tokio runtime (the exporter's
/// channel lives there); spans are batched on the SDK's own thread.
pub fn tracer_provider(endpoint: Option<&str>) -> Result<SdkTracerProvider, TelemetryError> {
    let mut exporter = opentelemetry_otlp::SpanExporter::builder().with_tonic();
    if let Some(endpoint) = endpoint {
        exporter = exporter.with_endpoint(endpoint);
    }
    Ok(SdkTracerProvider::builder()
        .with_batch_exporter(exporter.build()?)
        .with_resource(resource())
        .build())
}

/// A meter provider exporting over OTLP/gRPC every `OTEL_METRIC_EXPORT_INTERVAL` (60 s by
/// default), to `endpoint` or where the `OTEL_*` variables say. Inside a tokio runtime.
pub fn meter_provider(endpoint: Option<&str>) -> Result<SdkMeterProvider, TelemetryError> {
    let mut exporter = opentelemetry_otlp::MetricExporter::builder().with_tonic();
    if let Some(endpoint) = endpoint {
        exporter = exporter.with_endpoint(endpoint);
    }
    Ok(SdkMeterProvider::builder()
        .with_periodic_exporter(exporter.build()?)
        .with_resource(resource())
        .build())
}

/// The layer that turns `tracing` spans into OpenTelemetry spans of `provider`. It takes
/// spans at INFO and above whatever `RUST_LOG` says, so quiet logs do not mean lost traces.
pub fn trace_layer<S>(provider: &SdkTracerProvider) -> impl Layer<S> + Send + Sync + 'static
where
    S: Subscriber + for<'a> LookupSpan<'a> + Send + Sync,
{
    tracing_opentelemetry::layer()
        .with_tracer(provider.tracer(SERVICE_NAME))
        .with_threads(false)
        .with_filter(tracing_subscriber::filter::LevelFilter::INFO)
}

/// The stderr log layer, filtered by `RUST_LOG` (default `info`).
fn log_layer<S>(format: LogFormat) -> Box<dyn Layer<S> + Send + Sync + 'static>
where
    S: Subscriber + for<'a> LookupSpan<'a> + Send + Sync,
{
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let fmt = tracing_subscriber::fmt::layer().with_writer(std::io::stderr);
    match format {
        LogFormat::Text => fmt.with_filter(filter).boxed(),
        LogFormat::Json => fmt.json().with_filter(filter).boxed(),
    }
}

/// The process's telemetry: flushed and shut down by [`Telemetry::shutdown`].
#[must_use = "call shutdown() at exit, or the last spans and metrics are lost"]
pub struct Telemetry {
    tracer: Option<SdkTracerProvider>,
    meter: Option<SdkMeterProvider>,
}

impl Telemetry {
    /// Installs the global subscriber: logs in `format`, and when [`otlp_configured`],
    /// OTLP traces and metrics (the meter provider becomes the global one the
    /// instruments in [`metrics`] use). Inside a tokio runtime.
    pub fn install(format: LogFormat) -> Result<Self, TelemetryError> {
        let (tracer, meter) = if otlp_configured() {
            (Some(tracer_provider(None)?), Some(meter_provider(None)?))
        } else {
            (None, None)
        };
        if let Some(meter) = &meter {
            opentelemetry::global::set_meter_provider(meter.clone());
        }
        tracing_subscriber::registry()
            .with(log_layer(format))
            .with(tracer.as_ref().map(trace_layer))
            .init();
        Ok(Self { tracer, meter })
    }

    /// Logs only (the commands other than `serve`).
    pub fn logs_only(format: LogFormat) {
        tracing_subscriber::registry()
            .with(log_layer(format))
            .init();
    }

    /// Exports what is still buffered and stops the exporters. Blocks: call it off the
    /// async threads, with the runtime still alive (the exporter's channel runs on it).
    pub fn shutdown(self) {
        if let Some(tracer) = self.tracer
            && let Err(e) = tracer.shutdown()
        {
            eprintln!("exploot: exporting the last spans failed: {e}");
        }
        if let Some(meter) = self.meter
            && let Err(e) = meter.shutdown()
        {
            eprintln!("exploot: exporting the last metrics failed: {e}");
        }
    }
}
