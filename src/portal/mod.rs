//! The client portal (issue 18): a client's credit controller follows its cases in a
//! browser. Served by `exploot serve` on its own port (`--portal-listen`), on axum over the
//! hyper and tower that tonic already brings; pages are rendered on the server (maud),
//! with one small script for the upload's progress bar and no inline script or style, so
//! the Content-Security-Policy can forbid both.
//!
//! No business rule lives here: every read and every action is an [`App`] method called
//! with the signed-in user's client principal (`workflow::portal`), the same methods the
//! gRPC services call, so the access rules and the audit trail are the same.

mod pages;
mod session;
mod upload;
pub mod view;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::serve::ListenerExt as _;
use tokio::net::TcpListener;

use crate::api::rate_limit::{RateLimit, RateLimiter};
use crate::error::AppError;
use crate::workflow::App;
use view::Lang;

/// The Content-Security-Policy of every answer: only this origin's script, style and
/// images, no inline anything, no framing, forms only to this origin.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
     style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; \
     frame-ancestors 'none'; base-uri 'none'";

/// The largest CSV file the portal takes (the CLI streams larger ones).
pub const MAX_UPLOAD_BYTES: usize = 20 * 1024 * 1024;

/// How the portal runs.
pub struct PortalConfig {
    /// Where it listens (bound by the caller, so a port in use fails at start).
    pub listener: TcpListener,
    /// Whether its cookies are `Secure`: the portal speaks plain HTTP, so on anything but
    /// loopback it stands behind a TLS proxy and the browser sees https.
    pub secure_cookies: bool,
    /// The TLS proxies in front of it (`--portal-trusted-proxy`): a request from one of
    /// them is limited by the address its `X-Forwarded-For` names last (the proxy's own
    /// entry), so one user's attempts do not use up everyone's.
    pub trusted_proxies: Vec<std::net::IpAddr>,
}

/// What every handler shares.
#[derive(Clone)]
pub(crate) struct Portal {
    app: App,
    secure_cookies: bool,
    trusted_proxies: Arc<[std::net::IpAddr]>,
    /// Sign-in attempts per remote address and e-mail address: a burst of 20, then one
    /// every 3 s. Per account, not per address alone: behind a TLS proxy every user comes
    /// from the proxy's address, and one script must not keep them all out.
    sign_in_limit: Arc<RateLimiter>,
    /// Sign-in attempts per remote address, on any account: ten times the above, so one
    /// address cannot try a password on account after account.
    address_limit: Arc<RateLimiter>,
    imports: Arc<upload::Imports>,
}

impl Portal {
    /// The address a request comes from: the peer's, or behind a trusted proxy the last
    /// address of its `X-Forwarded-For` (appended by that proxy; the ones before it are the
    /// browser's word and may be forged).
    pub(crate) fn client_address(
        &self,
        peer: std::net::IpAddr,
        headers: &axum::http::HeaderMap,
    ) -> std::net::IpAddr {
        if !self.trusted_proxies.contains(&peer) {
            return peer;
        }
        headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .last()
            .and_then(|last| last.trim().parse().ok())
            .unwrap_or(peer)
    }
}

/// Serves the portal on `config.listener` until `shutdown` resolves.
pub async fn serve(
    app: App,
    config: PortalConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let state = Portal {
        app,
        secure_cookies: config.secure_cookies,
        trusted_proxies: config.trusted_proxies.into(),
        sign_in_limit: Arc::new(RateLimiter::new(RateLimit {
            per_second: 1.0 / 3.0,
            burst: 20.0,
        })),
        address_limit: Arc::new(RateLimiter::new(RateLimit {
            per_second: 10.0 / 3.0,
            burst: 200.0,
        })),
        imports: Arc::default(),
    };
    tracing::info!(address = %config.listener.local_addr().map(|a| a.to_string()).unwrap_or_default(), "portal serving");
    // Nagle off, as for the gRPC server: a page's last segment must not wait for an ACK.
    let listener = config.listener.tap_io(|stream| {
        if let Err(e) = stream.set_nodelay(true) {
            tracing::warn!(error = %e, "TCP_NODELAY not set on a portal connection");
        }
    });
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

fn router(state: Portal) -> Router {
    Router::new()
        .route("/", get(pages::home))
        .route(
            "/inloggen",
            get(session::sign_in_form).post(session::sign_in),
        )
        .route("/uitloggen", post(session::sign_out))
        .route("/uitloggen-overal", post(session::sign_out_everywhere))
        .route("/taal/{lang}", get(session::language))
        .route("/dossiers", get(pages::cases))
        .route("/dossiers/{id}", get(pages::case))
        .route("/documenten/{id}", get(pages::document))
        .route("/taken", get(pages::tasks))
        .route("/taken/{id}", post(pages::complete_task))
        .route("/overzicht", get(pages::overview))
        .route(
            "/import",
            get(upload::form)
                .post(upload::upload)
                .layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES)),
        )
        .route("/import/{id}", get(upload::summary))
        .route("/import/{id}/afgewezen.csv", get(upload::rejects))
        .route("/static/portal.css", get(css))
        .route("/static/portal.js", get(js))
        .fallback(pages::not_found)
        .layer(middleware::from_fn(security_headers))
        .layer(middleware::from_fn(request_span))
        .with_state(state)
}

/// One span per request, named by the route's pattern (never the path or the query:
/// they can hold a debtor's name typed into the search).
async fn request_span(request: Request, next: Next) -> Response {
    use tracing::Instrument as _;
    let route = request
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map_or("unmatched", |p| p.as_str())
        .to_owned();
    let span = tracing::info_span!(
        "portal.request",
        http.request.method = %request.method(),
        http.route = %route,
        http.response.status_code = tracing::field::Empty,
    );
    let response = next.run(request).instrument(span.clone()).await;
    span.record("http.response.status_code", response.status().as_u16());
    response
}

/// The headers every answer carries.
async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let fixed = [
        (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "no-referrer"),
    ];
    for (name, value) in fixed {
        headers.insert(name, HeaderValue::from_static(value));
    }
    headers
        .entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    response
}

async fn css() -> Response {
    asset("text/css; charset=utf-8", include_str!("assets/portal.css"))
}

async fn js() -> Response {
    asset(
        "text/javascript; charset=utf-8",
        include_str!("assets/portal.js"),
    )
}

fn asset(media_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, media_type),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
        .into_response()
}

/// An error page for an application error: a missing (or another client's) thing is the
/// plain "not found" page, a refusal 403, bad input 400, the rest 500 with a generic text
/// (the cause goes to the log without case data).
pub(crate) fn error_page(lang: Lang, error: AppError) -> Response {
    match error {
        // The service's own words are English and may name internal ids: they go to the
        // log, the page says what happened in the user's language.
        AppError::NotFound(_) => pages::not_found_page(lang),
        AppError::PermissionDenied(text) => {
            tracing::info!(error = %text, "portal action refused");
            message(
                lang,
                StatusCode::FORBIDDEN,
                lang.t("Geweigerd", "Refused"),
                lang.t(
                    "Dit mag u niet doen voor dit dossier.",
                    "You may not do this for this case.",
                ),
            )
        }
        AppError::Invalid(violations) => {
            tracing::info!(?violations, "portal input refused");
            message(
                lang,
                StatusCode::BAD_REQUEST,
                lang.t("Ongeldige invoer", "Invalid input"),
                lang.t(
                    "Dit verzoek kon niet worden verwerkt. Laad de pagina opnieuw en probeer het nog eens.",
                    "This request could not be handled. Reload the page and try again.",
                ),
            )
        }
        AppError::FailedPrecondition(text) => {
            tracing::info!(error = %text, "portal action no longer possible");
            message(
                lang,
                StatusCode::CONFLICT,
                lang.t("Niet meer mogelijk", "No longer possible"),
                lang.t(
                    "Dit is intussen al besloten of het dossier is veranderd. Laad de pagina opnieuw.",
                    "This was decided meanwhile or the case changed. Reload the page.",
                ),
            )
        }
        other => {
            tracing::error!(error = %other, "portal request failed");
            message(
                lang,
                StatusCode::INTERNAL_SERVER_ERROR,
                lang.t("Er ging iets mis", "Something went wrong"),
                lang.t("Probeer het later opnieuw.", "Please try again later."),
            )
        }
    }
}

/// 403: a form without the session's CSRF token, or an action the user may not take.
pub(crate) fn forbidden(lang: Lang) -> Response {
    message(
        lang,
        StatusCode::FORBIDDEN,
        lang.t("Geweigerd", "Refused"),
        lang.t(
            "Dit formulier is verlopen of niet van deze sessie. Laad de pagina opnieuw en probeer het nog eens.",
            "This form expired or is not from this session. Reload the page and try again.",
        ),
    )
}

fn message(lang: Lang, status: StatusCode, title: &str, text: &str) -> Response {
    let frame = view::Frame {
        lang,
        user: None,
        path: "/",
    };
    let body = maud::html! {
        p { (text) }
        p { a href="/dossiers" { (lang.t("Naar de dossiers", "To the cases")) } }
    };
    (status, pages::html(view::page(&frame, title, body))).into_response()
}
