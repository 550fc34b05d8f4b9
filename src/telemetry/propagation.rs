//! W3C trace context across process and time: a caller's `traceparent` continues its
//! trace, and a job remembers the `traceparent` of the span that scheduled it so its own
//! run (a new trace, perhaps days later) links back to it.

use std::collections::HashMap;

use opentelemetry::Context;
use opentelemetry::propagation::{Extractor, TextMapPropagator as _};
use opentelemetry::trace::TraceContextExt as _;
use opentelemetry_sdk::propagation::TraceContextPropagator;
use tracing_opentelemetry::OpenTelemetrySpanExt as _;

const TRACEPARENT: &str = "traceparent";

/// Reads `traceparent`/`tracestate` out of HTTP/2 headers (gRPC metadata).
struct HeaderExtractor<'a>(&'a http::HeaderMap);

impl Extractor for HeaderExtractor<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).and_then(|value| value.to_str().ok())
    }

    fn keys(&self) -> Vec<&str> {
        self.0.keys().map(http::HeaderName::as_str).collect()
    }
}

/// The caller's trace context from its request headers; empty when it sent none (or a
/// malformed one), so the call starts a trace of its own.
pub fn context_from_headers(headers: &http::HeaderMap) -> Context {
    TraceContextPropagator::new().extract(&HeaderExtractor(headers))
}

/// The current span's context as a `traceparent` value, if it is being traced.
pub fn current_traceparent() -> Option<String> {
    let context = tracing::Span::current().context();
    if !context.span().span_context().is_valid() {
        return None;
    }
    let mut carrier = HashMap::new();
    TraceContextPropagator::new().inject_context(&context, &mut carrier);
    carrier.remove(TRACEPARENT)
}

/// Links `span` to the span a stored `traceparent` names (a job's scheduler); a value
/// that does not parse is ignored: a lost link must not fail a job.
pub fn link_to_traceparent(span: &tracing::Span, traceparent: &str) {
    let carrier = HashMap::from([(TRACEPARENT.to_owned(), traceparent.to_owned())]);
    let context = TraceContextPropagator::new().extract(&carrier);
    let linked = context.span().span_context().clone();
    if linked.is_valid() {
        span.add_link(linked);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_traceparent_header_becomes_the_parent_context() {
        let mut headers = http::HeaderMap::new();
        headers.insert(
            TRACEPARENT,
            http::HeaderValue::from_static(
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            ),
        );
        let context = context_from_headers(&headers);
        let span = context.span();
        let parent = span.span_context();
        assert!(parent.is_remote());
        assert_eq!(
            parent.trace_id().to_string(),
            "4bf92f3577b34da6a3ce929d0e0e4736"
        );
        assert_eq!(parent.span_id().to_string(), "00f067aa0ba902b7");
    }

    #[test]
    fn no_or_a_malformed_traceparent_starts_a_new_trace() {
        let mut headers = http::HeaderMap::new();
        assert!(!context_from_headers(&headers).has_active_span());
        headers.insert(TRACEPARENT, http::HeaderValue::from_static("00-zz-01"));
        assert!(
            !context_from_headers(&headers)
                .span()
                .span_context()
                .is_valid()
        );
    }

    #[test]
    fn outside_a_traced_span_there_is_no_traceparent_to_store() {
        assert_eq!(current_traceparent(), None);
    }
}
