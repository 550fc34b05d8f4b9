//! The auth layer in front of every service (after qdrant's `src/tonic/auth.rs`): a tower
//! layer rather than a tonic interceptor, because finding a token takes a database lookup
//! and an interceptor cannot wait.
//!
//! For a call under `exploot.v1` it (1) authenticates the `authorization: Bearer <token>`
//! metadata (UNAUTHENTICATED when missing, unknown, expired or revoked), (2) takes the call
//! from the token's rate-limit bucket (RESOURCE_EXHAUSTED when empty), (3) checks the role
//! against [`super::access::ACCESS`] (PERMISSION_DENIED), and (4) hands the [`Principal`]
//! to the handler in the request's extensions. Health and reflection pass untouched.
//! Which cases a client token sees is the application's business, not this layer's.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use tonic::Status;
use tonic::codegen::Service;
use tonic::codegen::http::{HeaderValue, Request, Response, header::AUTHORIZATION};

use super::access::{PROTECTED_PREFIX, allowed_roles};
use super::rate_limit::RateLimiter;
use crate::workflow::tokens::{Refusal, Tokens};
use crate::workflow::{App, Principal, Role};

/// Everything a call is checked against.
pub struct Gate {
    app: App,
    tokens: Tokens,
    limiter: RateLimiter,
}

impl Gate {
    /// Checks tokens in `tokens` (expiry by `app`'s clock) and paces them with `limiter`.
    pub fn new(app: App, tokens: Tokens, limiter: RateLimiter) -> Self {
        Self {
            app,
            tokens,
            limiter,
        }
    }

    /// The caller of `path` presenting `authorization`, `None` for an open path (health,
    /// reflection), or the status that refuses the call.
    pub async fn admit(
        &self,
        path: &str,
        authorization: Option<&HeaderValue>,
        from: Option<std::net::IpAddr>,
    ) -> Result<Option<Principal>, Status> {
        if !path.starts_with(PROTECTED_PREFIX) {
            return Ok(None);
        }
        let secret = bearer(authorization)?;
        let principal = self
            .tokens
            .authenticate(secret, self.app.clock().now(), from)
            .await
            .map_err(|refusal| match refusal {
                Refusal::Unavailable => Status::unavailable(refusal.to_string()),
                Refusal::TooManyUnknown => Status::resource_exhausted(refusal.to_string()),
                Refusal::Unknown | Refusal::Expired(_) | Refusal::Revoked(_) => {
                    Status::unauthenticated(refusal.to_string())
                }
            })?;
        if !self.limiter.admit(&principal.token_id) {
            let limit = self.limiter.limit();
            return Err(Status::resource_exhausted(format!(
                "too many calls with this token: at most {} a second (bursts of {}); slow down and retry",
                limit.per_second, limit.burst
            )));
        }
        // A method this server does not have: on to the router, which answers UNIMPLEMENTED
        // (a client built from a newer contract must learn that, not that it lacks a role).
        let Some(roles) = allowed_roles(path) else {
            return Ok(Some(principal));
        };
        if !roles.contains(&principal.role) {
            return Err(Status::permission_denied(refusal_text(
                path,
                principal.role,
                roles,
            )));
        }
        Ok(Some(principal))
    }
}

/// The token of an `authorization: Bearer <token>` header (the scheme in any case, as
/// RFC 6750 allows).
fn bearer(header: Option<&HeaderValue>) -> Result<&str, Status> {
    let Some(header) = header else {
        return Err(Status::unauthenticated(
            "no token: send the metadata `authorization: Bearer <token>`; an admin issues \
             tokens with `exploot token create`",
        ));
    };
    let malformed =
        || Status::unauthenticated("the authorization metadata must read `Bearer <token>`");
    let text = header.to_str().map_err(|_| malformed())?;
    let (scheme, token) = text.split_once(' ').ok_or_else(malformed)?;
    let token = token.trim();
    if !scheme.eq_ignore_ascii_case("bearer") || token.is_empty() {
        return Err(malformed());
    }
    Ok(token)
}

fn refusal_text(path: &str, role: Role, allowed: &[Role]) -> String {
    let method = path.trim_start_matches('/');
    if allowed.is_empty() {
        return format!("{method} is open to no role");
    }
    let names: Vec<&str> = allowed.iter().map(|r| r.as_str()).collect();
    format!(
        "a {role} token may not call {method}; it needs one of: {} (ask an admin for such a token)",
        names.join(", ")
    )
}

/// The tower layer that puts a [`Gate`] in front of the services.
#[derive(Clone)]
pub struct AuthLayer {
    gate: Arc<Gate>,
}

impl AuthLayer {
    /// A layer checking every call at `gate`.
    pub fn new(gate: Gate) -> Self {
        Self {
            gate: Arc::new(gate),
        }
    }
}

impl<S> tower_layer::Layer<S> for AuthLayer {
    type Service = AuthService<S>;

    fn layer(&self, inner: S) -> AuthService<S> {
        AuthService {
            inner,
            gate: self.gate.clone(),
        }
    }
}

/// The services behind the [`Gate`].
#[derive(Clone)]
pub struct AuthService<S> {
    inner: S,
    gate: Arc<Gate>,
}

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

/// The caller's address, as the connection tells it (plain TCP or TLS).
fn peer_address<B>(request: &Request<B>) -> Option<std::net::IpAddr> {
    use tonic::transport::server::{TcpConnectInfo, TlsConnectInfo};
    let extensions = request.extensions();
    extensions
        .get::<TcpConnectInfo>()
        .or_else(|| {
            extensions
                .get::<TlsConnectInfo<TcpConnectInfo>>()
                .map(TlsConnectInfo::get_ref)
        })
        .and_then(TcpConnectInfo::remote_addr)
        .map(|a| a.ip())
}

impl<S, ReqBody, ResBody> Service<Request<ReqBody>> for AuthService<S>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>> + Clone + Send + 'static,
    S::Future: Send,
    ReqBody: Send + 'static,
    ResBody: Default + Send,
{
    type Response = Response<ResBody>;
    type Error = S::Error;
    type Future = BoxFuture<Result<Self::Response, Self::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request<ReqBody>) -> Self::Future {
        // The clone that was made ready goes with this call (tower's usual swap).
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let gate = self.gate.clone();
        Box::pin(async move {
            let path = request.uri().path().to_owned();
            let from = peer_address(&request);
            match gate
                .admit(&path, request.headers().get(AUTHORIZATION), from)
                .await
            {
                Ok(Some(principal)) => {
                    // A client's calls carry its id on the RPC span (the office's do not:
                    // they may touch any client's cases).
                    if let Some(client) = &principal.client_id {
                        tracing::Span::current().record("client.id", client.as_str());
                    }
                    request.extensions_mut().insert(principal);
                    inner.call(request).await
                }
                Ok(None) => inner.call(request).await,
                Err(status) => {
                    tracing::info!(rpc = %path, code = ?status.code(), "call refused");
                    Ok(status.into_http())
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_reads_the_token_and_refuses_anything_else() {
        let header = |s: &'static str| HeaderValue::from_static(s);
        assert_eq!(bearer(Some(&header("Bearer abc"))).ok(), Some("abc"));
        assert_eq!(bearer(Some(&header("bearer  abc "))).ok(), Some("abc"));
        for bad in ["Basic abc", "Bearer", "Bearer  ", "abc"] {
            let status = bearer(Some(&header(bad))).expect_err(bad);
            assert_eq!(status.code(), tonic::Code::Unauthenticated, "{bad}");
        }
        assert!(
            bearer(None)
                .expect_err("none")
                .message()
                .contains("exploot token create")
        );
    }

    #[test]
    fn a_refusal_names_the_roles_that_may() {
        let text = refusal_text(
            "/exploot.v1.AdminService/PutClient",
            Role::FrontOffice,
            &[Role::Admin],
        );
        assert_eq!(
            text,
            "a front_office token may not call exploot.v1.AdminService/PutClient; it needs one of: admin (ask an admin for such a token)"
        );
    }
}
