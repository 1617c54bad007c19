//! Who is signed in to the portal, and the proof that a form came from one of its pages.
//!
//! A portal session is its own token (`portal_sessions`, never a staff token: neither opens
//! the other's pages) in the cookie `mikronet_portal`, scoped to `/portal`, `HttpOnly`,
//! `Secure` over TLS. It is `SameSite=Lax` rather than the console's `Strict`, so a client
//! coming back from the gateway's payment page, or opening a link from a message, is still
//! signed in; every POST carries a CSRF token (a keyed hash of the session token) all the
//! same, and is refused without it before its body is read.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::HeaderValue;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use serde::de::DeserializeOwned;
use std::sync::Arc;

use crate::app::AppState;
use crate::domain::settings::Settings;
use crate::http::console::session::{cookie, csrf_refused, secure};
use crate::http::extract::decode_pairs;
use crate::http::signin;
use crate::i18n::Lang;
use crate::i18n::format::Currency;
use crate::security::constant_time_eq;
use crate::service::portal::{self as svc, PortalClient};

pub const PORTAL_COOKIE: &str = "mikronet_portal";

/// A `Set-Cookie` of the portal's (`max_age` 0 deletes it).
pub fn portal_cookie(name: &str, value: &str, max_age: i64, secure: bool) -> HeaderValue {
    let mut c = format!("{name}={value}; Path=/portal; SameSite=Lax; HttpOnly; Max-Age={max_age}");
    if secure {
        c.push_str("; Secure");
    }
    HeaderValue::from_str(&c).expect("cookie values are ASCII tokens")
}

pub fn csrf_token(app: &AppState, session_token: &str) -> String {
    app.secrets.digest(&format!("portal-csrf:{session_token}"))
}

/// A signed-in client and what every portal page needs to render for them.
#[derive(Clone)]
pub struct PortalCtx {
    pub client: PortalClient,
    pub lang: Lang,
    pub settings: Arc<Settings>,
    pub currency: Currency,
    pub csrf: String,
    pub path: String,
    pub secure: bool,
    pub(super) token: String,
}

/// Where a request without a session goes: the sign-in page, then back.
pub struct SignIn(String);

impl IntoResponse for SignIn {
    fn into_response(self) -> Response {
        let to = format!(
            "/portal/login?next={}",
            percent_encoding::utf8_percent_encode(&self.0, percent_encoding::NON_ALPHANUMERIC)
        );
        Redirect::to(&to).into_response()
    }
}

impl FromRequestParts<AppState> for PortalCtx {
    type Rejection = SignIn;

    async fn from_request_parts(parts: &mut Parts, app: &AppState) -> Result<Self, SignIn> {
        let path = parts.uri.path().to_owned();
        let Some(token) = cookie(&parts.headers, PORTAL_COOKIE) else {
            return Err(SignIn(path));
        };
        let Ok(client) = svc::authenticate(app, token).await else {
            return Err(SignIn(path));
        };
        let settings = app.settings();
        Ok(PortalCtx {
            lang: signin::visitor_lang(&parts.headers, &settings, client.language.as_deref()),
            currency: Currency::parse(&settings.currency).unwrap_or(Currency::Idr),
            csrf: csrf_token(app, token),
            secure: secure(parts, app),
            token: token.to_owned(),
            client,
            settings,
            path,
        })
    }
}

/// A portal POST: the client and the form's fields as `T`, after the CSRF token was checked;
/// a form that does not parse gives `Err` with the field it concerns.
pub struct Posted<T> {
    pub ctx: PortalCtx,
    pub form: Result<T, (String, String)>,
}

impl<T: DeserializeOwned> FromRequest<AppState> for Posted<T> {
    type Rejection = Response;

    async fn from_request(req: Request, app: &AppState) -> Result<Self, Response> {
        let (mut parts, body) = req.into_parts();
        let ctx = PortalCtx::from_request_parts(&mut parts, app)
            .await
            .map_err(IntoResponse::into_response)?;
        let bytes = Bytes::from_request(Request::from_parts(parts.clone(), body), app)
            .await
            .map_err(IntoResponse::into_response)?;
        let (sent, rest) = signin::split_csrf(&bytes, None);
        if !sent.is_some_and(|s: String| constant_time_eq(s.as_bytes(), ctx.csrf.as_bytes())) {
            tracing::warn!(
                path = parts.uri.path(),
                "portal POST refused: CSRF token missing or wrong"
            );
            return Err(csrf_refused(ctx.lang));
        }
        Ok(Posted {
            ctx,
            form: decode_pairs(rest.as_bytes(), false, "body"),
        })
    }
}
