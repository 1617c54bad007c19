//! Who is signed in to the console, and the proof that a form came from one of our pages.
//!
//! A console session is an ordinary login token (the same users, roles, throttle, expiry and
//! revocation as the API's bearer tokens) carried in a cookie: `HttpOnly` (no script reads
//! it), `SameSite=Strict` (no other site's page sends it), `Secure` when the request came over
//! TLS or through a trusted proxy that says so (`X-Forwarded-Proto: https`).
//!
//! Every state-changing request (POST) carries a CSRF token: a keyed hash of the session
//! token, so it needs no storage, changes with each sign-in and cannot be computed without
//! the server's secret. Forms send it as the `_csrf` field, htmx requests as the
//! `X-CSRF-Token` header (set once on `<body>`). A POST without the right one is refused
//! (403) before anything is read from its body, whatever the cookie says.

use crate::security::constant_time_eq;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::de::DeserializeOwned;

use crate::app::AppState;
use crate::domain::settings::Settings;
use crate::domain::user::{Actor, Role};
use crate::http::extract::decode_pairs;
use crate::i18n::Lang;
use crate::i18n::format::Currency;
use crate::security::token_cache::AuthUser;
use crate::service::auth as auth_svc;

pub const SESSION_COOKIE: &str = "mikronet_session";
pub const LANG_COOKIE: &str = "mikronet_lang";
pub const CSRF_FIELD: &str = "_csrf";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// A signed-in console user and what every page needs to render for them.
#[derive(Clone)]
pub struct Ctx {
    pub user: AuthUser,
    pub lang: Lang,
    pub settings: Arc<Settings>,
    pub currency: Currency,
    /// This session's CSRF token, for forms and the htmx header.
    pub csrf: String,
    /// The path asked for (the menu marks where the user is).
    pub path: String,
    /// Whether the request came from htmx (answer a fragment, not a page).
    pub htmx: bool,
    /// Whether cookies set now must be `Secure`.
    pub secure: bool,
    /// The session's login token (sign-out revokes it).
    pub(super) token: String,
}

impl Ctx {
    pub fn actor(&self) -> &Actor {
        &self.user.actor
    }

    pub fn role(&self) -> Role {
        self.user.actor.role
    }
}

/// The value of one cookie of the request.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The language of a page: the user's choice (its cookie, written at sign-in from the saved
/// preference and whenever the user switches), else the provider's default.
pub fn lang_of(headers: &HeaderMap, settings: &Settings) -> Lang {
    cookie(headers, LANG_COOKIE)
        .and_then(Lang::parse)
        .or_else(|| Lang::parse(&settings.default_language))
        .unwrap_or(Lang::En)
}

/// Whether cookies must be `Secure`: the request came over TLS (a proxy we trust says so).
pub fn secure(parts: &Parts, app: &AppState) -> bool {
    let from_trusted = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .is_some_and(|c| app.trusted_proxies.iter().any(|p| p.contains(c.0.ip())));
    from_trusted
        && parts
            .headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("https"))
}

/// A `Set-Cookie` value; `max_age` 0 deletes the cookie.
pub fn set_cookie(
    name: &str,
    value: &str,
    max_age: i64,
    http_only: bool,
    secure: bool,
) -> HeaderValue {
    let mut c = format!("{name}={value}; Path=/; SameSite=Strict; Max-Age={max_age}");
    if http_only {
        c.push_str("; HttpOnly");
    }
    if secure {
        c.push_str("; Secure");
    }
    HeaderValue::from_str(&c).expect("cookie values are ASCII tokens")
}

pub fn csrf_token(app: &AppState, session_token: &str) -> String {
    app.secrets.digest(&format!("console-csrf:{session_token}"))
}

/// Where a request without a (valid) session goes: the sign-in page, then back. An htmx
/// request is told to load that page whole (a fragment of it would land inside the old page).
pub struct SignIn(String);

impl IntoResponse for SignIn {
    fn into_response(self) -> Response {
        let to = format!(
            "/console/login?next={}",
            percent_encoding::utf8_percent_encode(&self.0, percent_encoding::NON_ALPHANUMERIC)
        );
        let mut res = Redirect::to(&to).into_response();
        if let Ok(v) = HeaderValue::from_str(&to) {
            res.headers_mut().insert("hx-redirect", v);
        }
        res
    }
}

impl FromRequestParts<AppState> for Ctx {
    type Rejection = SignIn;

    async fn from_request_parts(parts: &mut Parts, app: &AppState) -> Result<Self, SignIn> {
        let path = parts
            .uri
            .path_and_query()
            .map(|p| p.as_str().to_owned())
            .unwrap_or_else(|| "/console/".into());
        let Some(token) = cookie(&parts.headers, SESSION_COOKIE) else {
            return Err(SignIn(path));
        };
        let Ok(user) = auth_svc::authenticate(app, token).await else {
            return Err(SignIn(path));
        };
        let settings = app.settings();
        let lang = lang_of(&parts.headers, &settings);
        let currency = Currency::parse(&settings.currency).unwrap_or(Currency::Idr);
        Ok(Ctx {
            secure: secure(parts, app),
            token: token.to_owned(),
            csrf: csrf_token(app, token),
            user,
            lang,
            settings,
            currency,
            path: parts.uri.path().to_owned(),
            htmx: parts.headers.contains_key("hx-request"),
        })
    }
}

/// A console POST: the signed-in user and the form's fields as `T` (empty fields absent, as
/// the API reads forms), after the CSRF token was checked. A form that does not parse gives
/// `Err` in `.1` with the field it concerns, for the page to show next to that field.
pub struct Posted<T> {
    pub ctx: Ctx,
    pub form: Result<T, (String, String)>,
}

/// Refusal of a POST whose CSRF token is missing or wrong, in the user's language.
pub fn csrf_refused(lang: Lang) -> Response {
    (
        StatusCode::FORBIDDEN,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        crate::i18n::t(lang, "console-csrf-refused"),
    )
        .into_response()
}

impl<T: DeserializeOwned> FromRequest<AppState> for Posted<T> {
    type Rejection = Response;

    async fn from_request(req: Request, app: &AppState) -> Result<Self, Response> {
        let (mut parts, body) = req.into_parts();
        let ctx = Ctx::from_request_parts(&mut parts, app)
            .await
            .map_err(IntoResponse::into_response)?;
        let bytes = Bytes::from_request(Request::from_parts(parts.clone(), body), app)
            .await
            .map_err(IntoResponse::into_response)?;
        let header = parts
            .headers
            .get(CSRF_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let (sent, rest) = crate::http::signin::split_csrf(&bytes, header);
        if !sent.is_some_and(|s| constant_time_eq(s.as_bytes(), ctx.csrf.as_bytes())) {
            tracing::warn!(
                path = parts.uri.path(),
                "console POST refused: CSRF token missing or wrong"
            );
            return Err(csrf_refused(ctx.lang));
        }
        Ok(Posted {
            ctx,
            form: decode_pairs(rest.as_bytes(), false, "body"),
        })
    }
}

/// Whether `sent` is this session's CSRF token (for bodies `Posted` does not read: a
/// multipart upload carries it as its `_csrf` part).
pub fn csrf_ok(ctx: &Ctx, sent: &str) -> bool {
    constant_time_eq(sent.as_bytes(), ctx.csrf.as_bytes())
}

/// The positive id of a page's path (`/console/invoices/{id}`). Anything else (`0`, `-1`,
/// `abc`) is a page that does not exist: the 404 page in the user's language, as for an id
/// that names nothing.
pub struct PathId(pub i64);

impl FromRequestParts<AppState> for PathId {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, app: &AppState) -> Result<Self, Response> {
        let raw = axum::extract::Path::<String>::from_request_parts(parts, app)
            .await
            .map(|p| p.0)
            .unwrap_or_default();
        if let Some(id) = super::ui::id_of::<i64>(&raw) {
            return Ok(PathId(id));
        }
        let ctx = Ctx::from_request_parts(parts, app)
            .await
            .map_err(IntoResponse::into_response)?;
        Err(super::ui::error_page(
            &ctx,
            &crate::service::AppError::NotFound(format!("page {raw}")),
        ))
    }
}
