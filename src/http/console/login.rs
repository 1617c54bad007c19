//! Signing in and out, and choosing the language.

use axum::extract::{FromRequestParts, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{DOCTYPE, html};
use serde::Deserialize;

use super::session::{self, CSRF_FIELD, Ctx, LANG_COOKIE, Posted, SESSION_COOKIE, set_cookie};
use super::ui::{self, html_response};
use crate::app::AppState;
use crate::http::extract::Query;
use crate::http::signin;
use crate::i18n::{Lang, t};
use crate::service::AppError;
use crate::service::auth as svc;

/// Before there is a session the form is proven ours by a random value in both a cookie and a
/// hidden field (a page elsewhere can post a form but cannot read or set our cookie).
const PRELOGIN_COOKIE: &str = "mikronet_prelogin";

/// Only a path of the console is a place to go back to (never another site).
fn safe_next(next: Option<&str>) -> &str {
    match next {
        // Printable ASCII only: the path goes into a `Location` header as it is.
        Some(n)
            if n.starts_with("/console/")
                && !n.starts_with("//")
                && n.bytes().all(|b| b.is_ascii_graphic() && b != b'\\') =>
        {
            n
        }
        _ => "/console/",
    }
}

fn login_page(
    app: &AppState,
    lang: Lang,
    next: &str,
    username: &str,
    error: Option<String>,
    status: StatusCode,
    secure: bool,
) -> Response {
    let prelogin = crate::security::token::generate();
    let name = &app.settings().provider_name;
    let markup = html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            (ui::head(lang, &t(lang, "action-sign-in")))
            body.signin {
                main #main {
                    h1 { (name) }
                    form.card method="post" action="/console/login" {
                        h2 { (t(lang, "action-sign-in")) }
                        @if let Some(e) = &error { p.alert role="alert" #login-error { (e) } }
                        input type="hidden" name=(CSRF_FIELD) value=(prelogin);
                        input type="hidden" name="next" value=(next);
                        div.field {
                            label for="f-username" { (t(lang, "field-username")) }
                            input #f-username name="username" value=(username) required autocomplete="username" autofocus;
                        }
                        div.field {
                            label for="f-password" { (t(lang, "field-password")) }
                            input #f-password name="password" type="password" required autocomplete="current-password";
                        }
                        button.primary type="submit" { (t(lang, "action-sign-in")) }
                    }
                    nav.langs aria-label=(t(lang, "console-language")) {
                        @for l in Lang::ALL {
                            a href=(format!("/console/login?lang={}", l.code())) lang=(l.code()) aria-current=[(l == lang).then_some("true")] { (l.native_name()) }
                        }
                    }
                }
            }
        }
    };
    let mut res = html_response(status, markup);
    res.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(PRELOGIN_COOKIE, &prelogin, 3600, true, secure),
    );
    res
}

#[derive(Deserialize, Default)]
pub struct LoginQuery {
    next: Option<String>,
    lang: Option<String>,
}

/// `GET /console/login`.
pub async fn form(State(app): State<AppState>, req: Request) -> Response {
    let (mut parts, _) = req.into_parts();
    if Ctx::from_request_parts(&mut parts, &app).await.is_ok() {
        return Redirect::to("/console/").into_response();
    }
    let Query(q) = Query::<LoginQuery>::from_request_parts(&mut parts, &app)
        .await
        .unwrap_or(Query(LoginQuery::default()));
    let secure = session::secure(&parts, &app);
    let (lang, chosen) = signin::page_lang(q.lang.as_deref(), &parts.headers, &app.settings());
    let next = safe_next(q.next.as_deref()).to_owned();
    let mut res = login_page(&app, lang, &next, "", None, StatusCode::OK, secure);
    if chosen {
        signin::remember_lang(&mut res, lang, secure);
    }
    res
}

/// `POST /console/login`: the API's login (same throttle, same password checks), its token
/// kept in the session cookie.
pub async fn submit(State(app): State<AppState>, req: Request) -> Response {
    let p = match signin::read(&app, req, PRELOGIN_COOKIE).await {
        Ok(p) => p,
        Err(signin::Unread::Refused(r)) => return r,
        Err(signin::Unread::Unreadable {
            lang,
            secure,
            status,
        }) => {
            let msg = t(lang, "console-form-has-errors");
            return login_page(&app, lang, "/console/", "", Some(msg), status, secure);
        }
    };
    let (lang, secure) = (p.lang, p.secure);
    let next = safe_next(p.next.as_deref()).to_owned();
    match svc::login(&app, &p.username, &p.password, p.addr.as_deref()).await {
        Ok(login) => {
            let lang = match svc::language(&app, &login.user.actor).await {
                Ok(Some(l)) => l,
                _ => lang,
            };
            let ttl = (login.expires_at - chrono::Utc::now()).num_seconds().max(0);
            let mut res = Redirect::to(&next).into_response();
            let h = res.headers_mut();
            h.append(
                header::SET_COOKIE,
                set_cookie(SESSION_COOKIE, &login.token, ttl, true, secure),
            );
            h.append(
                header::SET_COOKIE,
                set_cookie(PRELOGIN_COOKIE, "", 0, true, secure),
            );
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            signin::remember_lang(&mut res, lang, secure);
            res
        }
        Err(e) => {
            let (status, msg) = signin::refusal(lang, &e, "console-login-failed");
            login_page(&app, lang, &next, &p.username, Some(msg), status, secure)
        }
    }
}

#[derive(Deserialize)]
pub struct NoFields {}

/// `POST /console/logout`: the session's token is revoked, the cookie removed.
pub async fn logout(State(app): State<AppState>, posted: Posted<NoFields>) -> Response {
    if let Err(e) = svc::logout(&app, &posted.ctx.token).await {
        tracing::warn!(error = %e, "console sign-out could not revoke the token");
    }
    let mut res = Redirect::to("/console/login").into_response();
    res.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(SESSION_COOKIE, "", 0, true, posted.ctx.secure),
    );
    res
}

#[derive(Deserialize)]
pub struct LanguageForm {
    lang: String,
    next: Option<String>,
}

/// `POST /console/language`: the user's language, saved for their next sign-in too.
pub async fn language(State(app): State<AppState>, posted: Posted<LanguageForm>) -> Response {
    let ctx = posted.ctx;
    let Ok(f) = posted.form else {
        return ui::error_page(&ctx, &AppError::bad_request("lang", "is required"));
    };
    let Some(lang) = Lang::parse(&f.lang) else {
        return ui::error_page(&ctx, &AppError::bad_request("lang", "is out of range"));
    };
    if let Err(e) = svc::set_language(&app, ctx.actor(), lang).await {
        return ui::error_page(&ctx, &e);
    }
    let mut res = Redirect::to(safe_next(f.next.as_deref())).into_response();
    res.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(LANG_COOKIE, lang.code(), 31_536_000, false, ctx.secure),
    );
    res
}

/// Fallback for any other `/console/…` path: a page, not the API's JSON.
pub async fn not_found(ctx: Ctx) -> Response {
    ui::error_page(&ctx, &AppError::NotFound("page".into()))
}
