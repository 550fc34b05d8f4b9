//! Signing in and out, the session cookie, the CSRF token and the language cookie.
//!
//! The session cookie is `HttpOnly`, `SameSite=Strict`, `Path=/`, and `Secure` when the
//! portal stands behind TLS; it holds 244 random bits of which the database keeps only the
//! SHA-256. Every form carries the session's CSRF token (the sign-in form a random one
//! that must equal its own cookie's, before there is a session); a form without it is 403.

use std::net::SocketAddr;

use axum::Form;
use axum::extract::{ConnectInfo, FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use serde::Deserialize;

use super::view::{self, Frame, Lang};
use super::{Portal, error_page, forbidden, pages::html as html_response};
use crate::workflow::portal::{PortalUser, SignIn};

/// The session cookie's name.
const SESSION_COOKIE: &str = "exploot_session";
/// The sign-in form's CSRF cookie (before there is a session).
const SIGN_IN_COOKIE: &str = "exploot_sign_in";
/// The language cookie.
const LANG_COOKIE: &str = "lang";

/// The value of cookie `name` in a request's headers.
pub(crate) fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v)
}

/// The language a request asks for.
pub(crate) fn lang_of(headers: &HeaderMap) -> Lang {
    Lang::from_cookie(cookie(headers, LANG_COOKIE))
}

fn set_cookie(name: &str, value: &str, max_age: Option<i64>, secure: bool) -> HeaderValue {
    let mut text = format!("{name}={value}; Path=/; HttpOnly; SameSite=Strict");
    if let Some(seconds) = max_age {
        text.push_str(&format!("; Max-Age={seconds}"));
    }
    if secure {
        text.push_str("; Secure");
    }
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// A signed-in request: the user, the session's CSRF token, the language and the path.
pub(crate) struct Signed {
    /// The user.
    pub user: PortalUser,
    /// The session's CSRF token.
    pub csrf: String,
    /// The cookie's value, to end this session.
    secret: String,
    /// The page's language.
    pub lang: Lang,
    /// The request's path (for the language switch).
    pub path: String,
}

impl Signed {
    /// The frame of a page for this user.
    pub fn frame(&self) -> Frame<'_> {
        Frame {
            lang: self.lang,
            user: Some((&self.user.email, &self.csrf)),
            path: &self.path,
        }
    }

    /// A page for this user, as the answer.
    pub fn page(&self, title: &str, body: maud::Markup) -> Response {
        html_response(view::page(&self.frame(), title, body)).into_response()
    }

    /// Whether a submitted form carries this session's CSRF token.
    pub fn csrf_ok(&self, submitted: &str) -> bool {
        constant_time_eq(submitted.as_bytes(), self.csrf.as_bytes())
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

impl FromRequestParts<Portal> for Signed {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &Portal) -> Result<Self, Response> {
        let lang = lang_of(&parts.headers);
        let Some(secret) = cookie(&parts.headers, SESSION_COOKIE).map(str::to_owned) else {
            return Err(Redirect::to("/inloggen").into_response());
        };
        match state.app.portal_session(&secret).await {
            Ok(Some(session)) => Ok(Signed {
                user: session.user,
                csrf: session.csrf,
                secret,
                lang,
                path: parts.uri.path().to_owned(),
            }),
            Ok(None) => Err(Redirect::to("/inloggen").into_response()),
            Err(e) => Err(error_page(lang, e)),
        }
    }
}

/// The sign-in form's fields.
#[derive(Deserialize)]
pub(crate) struct SignInForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    csrf: String,
}

/// A form with only the CSRF token.
#[derive(Deserialize)]
pub(crate) struct CsrfForm {
    #[serde(default)]
    pub csrf: String,
}

fn sign_in_page(lang: Lang, csrf: &str, email: &str, problem: Option<&str>) -> maud::Markup {
    let frame = Frame {
        lang,
        user: None,
        path: "/inloggen",
    };
    let body = html! {
        @if let Some(problem) = problem {
            p.error role="alert" { (problem) }
        }
        form.stack method="post" action="/inloggen" {
            input type="hidden" name="csrf" value=(csrf);
            label for="email" { (lang.t("E-mailadres", "E-mail address")) }
            input id="email" name="email" type="email" autocomplete="username" required value=(email);
            label for="password" { (lang.t("Wachtwoord", "Password")) }
            input id="password" name="password" type="password" autocomplete="current-password" required;
            button type="submit" { (lang.t("Inloggen", "Sign in")) }
        }
    };
    view::page(&frame, lang.t("Inloggen", "Sign in"), body)
}

/// GET /inloggen: the form, with a fresh CSRF cookie when there is none.
pub(crate) async fn sign_in_form(State(state): State<Portal>, headers: HeaderMap) -> Response {
    let lang = lang_of(&headers);
    let token = cookie(&headers, SIGN_IN_COOKIE)
        .filter(|t| t.len() == 64)
        .map_or_else(
            || {
                uuid::Uuid::new_v4().simple().to_string()
                    + &uuid::Uuid::new_v4().simple().to_string()
            },
            str::to_owned,
        );
    let mut response = html_response(sign_in_page(lang, &token, "", None)).into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(SIGN_IN_COOKIE, &token, None, state.secure_cookies),
    );
    response
}

/// POST /inloggen.
pub(crate) async fn sign_in(
    State(state): State<Portal>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(form): Form<SignInForm>,
) -> Response {
    let lang = lang_of(&headers);
    let expected = cookie(&headers, SIGN_IN_COOKIE).unwrap_or_default();
    if expected.is_empty() || !constant_time_eq(expected.as_bytes(), form.csrf.as_bytes()) {
        return forbidden(lang);
    }
    let from = state.client_address(peer.ip(), &headers);
    let account = format!("{from}|{}", form.email.trim().to_lowercase());
    if !state.sign_in_limit.admit(&account) || !state.address_limit.admit(&from.to_string()) {
        let page = sign_in_page(
            lang,
            &form.csrf,
            &form.email,
            Some(lang.t(
                "Te veel pogingen vanaf dit adres. Wacht een minuut en probeer het opnieuw.",
                "Too many attempts from this address. Wait a minute and try again.",
            )),
        );
        return (StatusCode::TOO_MANY_REQUESTS, html_response(page)).into_response();
    }
    match state.app.sign_in(form.email.clone(), form.password).await {
        Ok(SignIn::Session { secret, .. }) => {
            let mut response = Redirect::to("/dossiers").into_response();
            let lifetime = crate::workflow::portal::SESSION_LIFETIME.num_seconds();
            response.headers_mut().append(
                header::SET_COOKIE,
                set_cookie(
                    SESSION_COOKIE,
                    &secret,
                    Some(lifetime),
                    state.secure_cookies,
                ),
            );
            response
        }
        Ok(SignIn::Refused) => {
            let page = sign_in_page(
                lang,
                &form.csrf,
                &form.email,
                Some(lang.t(
                    "Dit e-mailadres en wachtwoord horen niet bij elkaar.",
                    "This e-mail address and password do not match.",
                )),
            );
            (StatusCode::UNAUTHORIZED, html_response(page)).into_response()
        }
        Ok(SignIn::Locked(until)) => {
            let until = crate::clock::amsterdam_local(until).format("%H:%M");
            let text = match lang {
                Lang::Nl => format!(
                    "Dit account is geblokkeerd na te veel onjuiste wachtwoorden, tot {until}. Neem contact op met het kantoor als u uw wachtwoord kwijt bent."
                ),
                Lang::En => format!(
                    "This account is locked after too many wrong passwords, until {until}. Contact the office if you lost your password."
                ),
            };
            let page = sign_in_page(lang, &form.csrf, &form.email, Some(&text));
            (StatusCode::FORBIDDEN, html_response(page)).into_response()
        }
        Err(e) => error_page(lang, e),
    }
}

fn signed_out(state: &Portal) -> Response {
    let mut response = Redirect::to("/inloggen").into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(SESSION_COOKIE, "", Some(0), state.secure_cookies),
    );
    response
}

/// POST /uitloggen: ends this session.
pub(crate) async fn sign_out(
    state: State<Portal>,
    signed: Signed,
    form: Form<CsrfForm>,
) -> Response {
    end_sessions(state, signed, form, false).await
}

/// POST /uitloggen-overal: ends every session of the user.
pub(crate) async fn sign_out_everywhere(
    state: State<Portal>,
    signed: Signed,
    form: Form<CsrfForm>,
) -> Response {
    end_sessions(state, signed, form, true).await
}

async fn end_sessions(
    State(state): State<Portal>,
    signed: Signed,
    Form(form): Form<CsrfForm>,
    everywhere: bool,
) -> Response {
    if !signed.csrf_ok(&form.csrf) {
        return forbidden(signed.lang);
    }
    let ended = if everywhere {
        state.app.sign_out_everywhere(&signed.user).await.map(drop)
    } else {
        state.app.sign_out(&signed.secret).await
    };
    match ended {
        Ok(()) => signed_out(&state),
        Err(e) => error_page(signed.lang, e),
    }
}

/// Where the language switch goes back to.
#[derive(Deserialize)]
pub(crate) struct Back {
    #[serde(default)]
    terug: String,
}

/// GET /taal/{nl|en}: sets the language and goes back (only to a path of this site).
pub(crate) async fn language(
    State(state): State<Portal>,
    Path(lang): Path<String>,
    Query(back): Query<Back>,
) -> Response {
    let value = if lang == "en" { "en" } else { "nl" };
    // A path of this site only: `//host` and `/\host` lead browsers elsewhere, and so
    // does `/<tab>/host` (browsers drop tabs and line breaks from a URL): printable
    // ASCII and spaces only (a header value takes nothing else either).
    let target = if back.terug.starts_with('/')
        && !back.terug.starts_with("//")
        && !back.terug.contains('\\')
        && back.terug.bytes().all(|b| (0x20..=0x7e).contains(&b))
    {
        back.terug
    } else {
        "/".to_owned()
    };
    let mut response = Redirect::to(&target).into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(
            LANG_COOKIE,
            value,
            Some(365 * 24 * 3600),
            state.secure_cookies,
        ),
    );
    response
}
