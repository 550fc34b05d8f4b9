//! A span and a latency measurement for every gRPC call: the tower layer the server puts
//! in front of all its services.
//!
//! The span is named after the method (`exploot.v1.IntakeService/ImportClaims`), continues
//! the caller's trace when it sent a `traceparent`, and carries `rpc.service`,
//! `rpc.method` and `rpc.grpc.status_code`. The status is read where gRPC puts it: in the
//! response headers when the call failed before answering, else in the trailers at the end
//! of the body, so a streaming call is measured until its last message.

use std::collections::HashSet;
use std::future::Future;
use std::pin::Pin;
use std::sync::LazyLock;
use std::task::{Context, Poll};
use std::time::Instant;

use http_body::{Body, Frame, SizeHint};
use tracing::Instrument as _;
use tracing_opentelemetry::OpenTelemetrySpanExt as _;

use super::{metrics, propagation};

/// Wraps every service of the server in [`RpcService`].
#[derive(Clone, Copy, Debug, Default)]
pub struct RpcLayer;

impl<S> tower_layer::Layer<S> for RpcLayer {
    type Service = RpcService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        RpcService { inner }
    }
}

/// See the module documentation.
#[derive(Clone, Debug)]
pub struct RpcService<S> {
    inner: S,
}

/// `/pkg.Service/Method` → (`pkg.Service`, `Method`).
/// Every method this server answers: the contract's and the standard health and
/// reflection services'. Spans and metric labels name only these, so that a caller sending
/// made-up paths cannot mint new label sets.
static KNOWN_METHODS: LazyLock<HashSet<String>> = LazyLock::new(|| {
    use prost::Message as _;
    let mut known: HashSet<String> = [
        "/grpc.health.v1.Health/Check",
        "/grpc.health.v1.Health/Watch",
        "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo",
        "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    if let Ok(set) = prost_types::FileDescriptorSet::decode(crate::proto::FILE_DESCRIPTOR_SET) {
        for file in &set.file {
            for service in &file.service {
                for method in &service.method {
                    known.insert(format!(
                        "/{}.{}/{}",
                        file.package(),
                        service.name(),
                        method.name()
                    ));
                }
            }
        }
    }
    known
});

/// The service and method a path names, or `unknown` twice for a path no service answers.
fn split_path(path: &str) -> (String, String) {
    if !KNOWN_METHODS.contains(path) {
        return ("unknown".into(), "unknown".into());
    }
    let trimmed = path.trim_start_matches('/');
    match trimmed.split_once('/') {
        Some((service, method)) => (service.to_owned(), method.to_owned()),
        None => (String::new(), trimmed.to_owned()),
    }
}

impl<S, ReqBody, ResBody> tower_service::Service<http::Request<ReqBody>> for RpcService<S>
where
    S: tower_service::Service<http::Request<ReqBody>, Response = http::Response<ResBody>>,
    S::Future: Send + 'static,
{
    type Response = http::Response<RpcBody<ResBody>>;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<ReqBody>) -> Self::Future {
        let (service, method) = split_path(request.uri().path());
        let span = tracing::info_span!(
            "rpc",
            otel.name = format!("{service}/{method}"),
            otel.kind = "server",
            otel.status_code = tracing::field::Empty,
            rpc.system = "grpc",
            rpc.service = %service,
            rpc.method = %method,
            rpc.grpc.status_code = tracing::field::Empty,
            client.id = tracing::field::Empty,
        );
        // Without the OpenTelemetry layer there is no context to continue: nothing to do.
        let _not_traced = span.set_parent(propagation::context_from_headers(request.headers()));
        let call = Call {
            span: span.clone(),
            started: Instant::now(),
            service,
            method,
            code: None,
        };
        let response = span.in_scope(|| self.inner.call(request)).instrument(span);
        Box::pin(async move {
            let response = response.await?;
            let mut call = Some(call);
            // A call that failed before answering has its status in the headers.
            if let Some(status) = tonic::Status::from_header_map(response.headers())
                && let Some(mut failed) = call.take()
            {
                failed.code = Some(status.code());
            }
            Ok(response.map(|inner| RpcBody { inner, call }))
        })
    }
}

/// A call being answered: recorded (span fields, latency) when dropped, which is when its
/// response body ends or is dropped (a client that went away: `CANCELLED`).
struct Call {
    span: tracing::Span,
    started: Instant,
    service: String,
    method: String,
    code: Option<tonic::Code>,
}

impl Drop for Call {
    fn drop(&mut self) {
        let code = self.code.unwrap_or(tonic::Code::Cancelled);
        self.span.record("rpc.grpc.status_code", code as i64);
        // The server's fault, per the OpenTelemetry conventions for gRPC servers; a
        // client's bad input is not an error of this span.
        if matches!(
            code,
            tonic::Code::Unknown
                | tonic::Code::DeadlineExceeded
                | tonic::Code::Unimplemented
                | tonic::Code::Internal
                | tonic::Code::Unavailable
                | tonic::Code::DataLoss
        ) {
            self.span.record("otel.status_code", "ERROR");
        }
        metrics::rpc_finished(
            &self.service,
            &self.method,
            code,
            self.started.elapsed().as_secs_f64(),
        );
    }
}

pin_project_lite::pin_project! {
    /// A response body that finishes its call's record at the trailers (or when dropped).
    pub struct RpcBody<B> {
        #[pin]
        inner: B,
        call: Option<Call>,
    }
}

impl<B: Body> Body for RpcBody<B> {
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        let this = self.project();
        let polled = this.inner.poll_frame(cx);
        match &polled {
            Poll::Ready(Some(Ok(frame))) => {
                if let Some(status) = frame
                    .trailers_ref()
                    .and_then(tonic::Status::from_header_map)
                    && let Some(mut call) = this.call.take()
                {
                    call.code = Some(status.code());
                }
            }
            Poll::Ready(Some(Err(_))) => {
                if let Some(mut call) = this.call.take() {
                    call.code = Some(tonic::Code::Internal);
                }
            }
            Poll::Ready(None) | Poll::Pending => {}
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::split_path;

    #[test]
    fn the_path_names_service_and_method() {
        assert_eq!(
            split_path("/exploot.v1.IntakeService/ImportClaims"),
            ("exploot.v1.IntakeService".into(), "ImportClaims".into())
        );
        assert_eq!(
            split_path("/grpc.health.v1.Health/Check"),
            ("grpc.health.v1.Health".into(), "Check".into())
        );
        for made_up in ["/odd", "/exploot.v1.IntakeService/Nope", "/exploot.v1.x/y"] {
            assert_eq!(
                split_path(made_up),
                ("unknown".into(), "unknown".into()),
                "{made_up}"
            );
        }
    }
}
