//! Traces as an OTLP collector receives them: the server exports to an in-process OTLP
//! receiver, a caller's `traceparent` is continued, transactions are children of the RPC,
//! a job links back to the request that scheduled it, and no debtor's personal data is in
//! any span.
//!
//! The server runs on a runtime of its own whose every thread (workers and blocking pool)
//! has the test's subscriber as its default, so the spans of connection tasks, job workers
//! and `spawn_blocking` transactions all reach this test's exporter and no other test's.

use std::sync::{Arc, Mutex};

use exploot::proto as pb;
use opentelemetry_proto::tonic::collector::metrics::v1::metrics_service_server::{
    MetricsService, MetricsServiceServer,
};
use opentelemetry_proto::tonic::collector::metrics::v1::{
    ExportMetricsServiceRequest, ExportMetricsServiceResponse,
};
use opentelemetry_proto::tonic::collector::trace::v1::trace_service_server::{
    TraceService, TraceServiceServer,
};
use opentelemetry_proto::tonic::collector::trace::v1::{
    ExportTraceServiceRequest, ExportTraceServiceResponse,
};
use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue, any_value};
use opentelemetry_proto::tonic::trace::v1::Span;
use tracing_subscriber::layer::SubscriberExt as _;

use crate::harness::fixtures::{consumer_claim, put_client};
use crate::harness::{TestDb, TestServer, traced_runtime};

/// The caller's trace around the import, and around the clock step.
const IMPORT_TRACE: &str = "0af7651916cd43dd8448eb211c80319c";
const IMPORT_PARENT: &str = "b7ad6b7169203331";
const ADVANCE_TRACE: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const ADVANCE_PARENT: &str = "00f067aa0ba902b7";

/// The debtor's personal data in [`consumer_claim`]: none may appear in a span.
const PERSONAL: &[&str] = &[
    "de Vries",
    "Vries",
    "J. de",
    "Kerkstraat",
    "3511 LK",
    "Utrecht",
    "1980-02-29",
    "j.devries@example.nl",
    "+31 6 12345678",
    "NL44RABO0123456789",
];

/// An OTLP trace receiver keeping every export in memory.
#[derive(Clone, Default)]
struct Receiver {
    exports: Arc<Mutex<Vec<ExportTraceServiceRequest>>>,
}

#[tonic::async_trait]
impl TraceService for Receiver {
    async fn export(
        &self,
        request: tonic::Request<ExportTraceServiceRequest>,
    ) -> Result<tonic::Response<ExportTraceServiceResponse>, tonic::Status> {
        self.exports
            .lock()
            .expect("receiver lock")
            .push(request.into_inner());
        Ok(tonic::Response::new(ExportTraceServiceResponse::default()))
    }
}

impl Receiver {
    /// Serves on 127.0.0.1:0 on the current runtime; answers its `http://` endpoint.
    async fn start(&self) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let endpoint = format!("http://{}", listener.local_addr().expect("addr"));
        let service = TraceServiceServer::new(self.clone());
        tokio::spawn(
            tonic::transport::Server::builder()
                .add_service(service)
                .serve_with_incoming(tokio_stream::wrappers::TcpListenerStream::new(listener)),
        );
        endpoint
    }

    fn spans(&self) -> Vec<Span> {
        let exports = self.exports.lock().expect("receiver lock");
        for export in exports.iter() {
            for resource in &export.resource_spans {
                let attributes = &resource.resource.as_ref().expect("resource").attributes;
                assert_eq!(
                    value(attributes, "service.name").as_deref(),
                    Some("exploot")
                );
            }
        }
        exports
            .iter()
            .flat_map(|e| &e.resource_spans)
            .flat_map(|r| &r.scope_spans)
            .flat_map(|s| s.spans.iter().cloned())
            .collect()
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn text(value: &AnyValue) -> String {
    match &value.value {
        Some(any_value::Value::StringValue(s)) => s.clone(),
        Some(any_value::Value::IntValue(i)) => i.to_string(),
        other => format!("{other:?}"),
    }
}

fn value(attributes: &[KeyValue], key: &str) -> Option<String> {
    attributes
        .iter()
        .find(|kv| kv.key == key)
        .and_then(|kv| kv.value.as_ref())
        .map(text)
}

/// Every string a span shows a reader: its name, and its, its events' and its links'
/// attribute values.
fn shown(span: &Span) -> Vec<String> {
    let attributes = span
        .attributes
        .iter()
        .chain(span.events.iter().flat_map(|e| &e.attributes))
        .chain(span.links.iter().flat_map(|l| &l.attributes));
    std::iter::once(span.name.clone())
        .chain(span.events.iter().map(|e| e.name.clone()))
        .chain(attributes.filter_map(|kv| kv.value.as_ref()).map(text))
        .collect()
}

fn traced<T>(message: T, trace: &str, parent: &str) -> tonic::Request<T> {
    let mut request = tonic::Request::new(message);
    request.metadata_mut().insert(
        "traceparent",
        format!("00-{trace}-{parent}-01").parse().expect("ascii"),
    );
    request
}

/// Imports one consumer claim and moves the clock past the 16:00 cut-off (so the track's
/// first timer runs as a job), each under a caller's trace; answers the case id.
async fn scenario(db: &TestDb) -> String {
    let server = TestServer::start(db).await;
    put_client(&server, "acme").await;
    let claim = consumer_claim("acme", "OTEL-1");
    let row = pb::ImportClaimsRequest {
        client_id: claim.client_id,
        row: 2,
        client_reference: claim.client_reference,
        debtor: claim.debtor,
        invoices: claim.invoices,
        notes: claim.notes,
    };
    let mut answers = server
        .intake()
        .import_claims(traced(
            tokio_stream::iter(vec![row]),
            IMPORT_TRACE,
            IMPORT_PARENT,
        ))
        .await
        .expect("ImportClaims")
        .into_inner();
    let answer = answers
        .message()
        .await
        .expect("an outcome")
        .expect("one row");
    assert!(!answer.case_id.is_empty(), "{answer:?}");
    while answers.message().await.expect("the end").is_some() {}
    let advance = pb::AdvanceClockRequest {
        target: Some(pb::advance_clock_request::Target::By(
            prost_types::Duration {
                seconds: 7 * 3600,
                nanos: 0,
            },
        )),
    };
    let ran = server
        .admin()
        .advance_clock(traced(advance, ADVANCE_TRACE, ADVANCE_PARENT))
        .await
        .expect("AdvanceClock")
        .into_inner();
    assert!(ran.jobs_run >= 1, "the start-track timer ran: {ran:?}");
    server.stop().await;
    answer.case_id
}

#[test]
fn spans_continue_the_callers_trace_link_jobs_and_carry_no_personal_data() {
    let collector = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("collector runtime");
    let receiver = Receiver::default();
    let endpoint = collector.block_on(receiver.start());
    let provider = {
        // The exporter's channel runs on the collector's runtime, untraced.
        let _in_collector = collector.enter();
        exploot::telemetry::tracer_provider(Some(&endpoint)).expect("tracer provider")
    };
    let dispatch = tracing::Dispatch::new(
        tracing_subscriber::registry().with(exploot::telemetry::trace_layer(&provider)),
    );
    let server_runtime = traced_runtime(&dispatch);
    let db = TestDb::sqlite();
    let case_id =
        tracing::dispatcher::with_default(&dispatch, || server_runtime.block_on(scenario(&db)));
    drop(server_runtime);
    provider.force_flush().expect("spans exported");
    let spans = receiver.spans();

    let rpc = |name: &str| {
        spans
            .iter()
            .find(|s| s.name == name)
            .unwrap_or_else(|| panic!("no span {name} among {:?}", names(&spans)))
    };
    let import = rpc("exploot.v1.IntakeService/ImportClaims");
    assert_eq!(hex(&import.trace_id), IMPORT_TRACE, "the caller's trace");
    assert_eq!(
        hex(&import.parent_span_id),
        IMPORT_PARENT,
        "the caller's span"
    );
    assert_eq!(
        value(&import.attributes, "rpc.method").as_deref(),
        Some("ImportClaims")
    );
    assert_eq!(
        value(&import.attributes, "rpc.service").as_deref(),
        Some("exploot.v1.IntakeService")
    );
    assert_eq!(
        value(&import.attributes, "rpc.grpc.status_code").as_deref(),
        Some("0")
    );
    let transactions: Vec<&Span> = spans
        .iter()
        .filter(|s| s.name == "store.run" && s.parent_span_id == import.span_id)
        .collect();
    assert!(
        !transactions.is_empty(),
        "the import's transactions are children of its RPC span"
    );
    assert!(transactions.iter().all(|t| t.trace_id == import.trace_id));

    let advance = rpc("exploot.v1.AdminService/AdvanceClock");
    assert_eq!(hex(&advance.trace_id), ADVANCE_TRACE);
    assert_eq!(hex(&advance.parent_span_id), ADVANCE_PARENT);

    let jobs: Vec<&Span> = spans
        .iter()
        .filter(|s| value(&s.attributes, "job.kind").is_some())
        .collect();
    let first = jobs
        .iter()
        .find(|job| job.links.iter().any(|l| hex(&l.trace_id) == IMPORT_TRACE))
        .unwrap_or_else(|| panic!("a job linked to the import's trace among {jobs:?}"));
    assert_ne!(
        first.trace_id, import.trace_id,
        "a job runs in a trace of its own"
    );
    assert!(first.name.starts_with("job "), "{}", first.name);
    assert_eq!(value(&first.attributes, "case.id"), Some(case_id.clone()));
    assert_eq!(
        value(&first.attributes, "client.id").as_deref(),
        Some("acme")
    );
    assert!(
        spans
            .iter()
            .any(|s| s.name == "store.run" && s.parent_span_id == first.span_id),
        "the job's transaction is its child"
    );

    for span in &spans {
        for shown in shown(span) {
            for personal in PERSONAL {
                assert!(
                    !shown.contains(personal),
                    "{personal:?} in span {:?}: {shown:?}",
                    span.name
                );
            }
        }
    }
    provider.shutdown().expect("exporter shut down");
}

fn names(spans: &[Span]) -> Vec<&str> {
    spans.iter().map(|s| s.name.as_str()).collect()
}

/// A metric's name and its resource's `service.name`.
type SeenMetric = (String, Option<String>);

/// An OTLP metrics receiver keeping the names of the metrics exported, with the resource's
/// `service.name`.
#[derive(Clone, Default)]
struct MetricsReceiver {
    seen: Arc<Mutex<Vec<SeenMetric>>>,
}

#[tonic::async_trait]
impl MetricsService for MetricsReceiver {
    async fn export(
        &self,
        request: tonic::Request<ExportMetricsServiceRequest>,
    ) -> Result<tonic::Response<ExportMetricsServiceResponse>, tonic::Status> {
        let mut seen = self.seen.lock().expect("receiver lock");
        for resource in request.into_inner().resource_metrics {
            let service = resource
                .resource
                .as_ref()
                .and_then(|r| value(&r.attributes, "service.name"));
            for scope in resource.scope_metrics {
                for metric in scope.metrics {
                    seen.push((metric.name, service.clone()));
                }
            }
        }
        Ok(tonic::Response::new(ExportMetricsServiceResponse::default()))
    }
}

/// The real binary with `OTEL_EXPORTER_OTLP_ENDPOINT` set exports its metrics over OTLP:
/// the RPC latency of the health checks it answered arrives at the collector, as
/// `service.name=exploot`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_exports_metrics_over_otlp() {
    let receiver = MetricsReceiver::default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let endpoint = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(
        tonic::transport::Server::builder()
            .add_service(MetricsServiceServer::new(receiver.clone()))
            .add_service(TraceServiceServer::new(Receiver::default()))
            .serve_with_incoming(tokio_stream::wrappers::TcpListenerStream::new(listener)),
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_exploot"))
        .arg("serve")
        .current_dir(dir.path())
        .env("EXPLOOT_LISTEN", format!("127.0.0.1:{port}"))
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "warn")
        .env("OTEL_EXPORTER_OTLP_ENDPOINT", &endpoint)
        .env("OTEL_METRIC_EXPORT_INTERVAL", "200")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start exploot serve");
    let channel = tonic::transport::Endpoint::from_shared(format!("http://127.0.0.1:{port}"))
        .expect("endpoint")
        .connect_lazy();
    crate::harness::server::wait_serving(&channel).await;
    let seen = crate::harness::eventually(
        "the RPC latency at the collector",
        std::time::Duration::from_secs(30),
        || {
            let seen = receiver.seen.lock().expect("receiver lock").clone();
            async move {
                seen.iter()
                    .any(|(name, _)| name == "rpc.server.call.duration")
                    .then_some(seen)
            }
        },
    )
    .await;
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        seen.iter()
            .filter(|(name, _)| name == "rpc.server.call.duration")
            .all(|(_, service)| service.as_deref() == Some("exploot")),
        "{seen:?}"
    );
}
