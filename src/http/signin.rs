//! What the console's and the portal's sign-in pages share: the visitor's language, the
//! sign-in form as posted (proven ours by a random value in a cookie and a hidden field, since
//! there is no session yet), the CSRF field of a signed-in form, and what a refused sign-in
//! says.

use axum::extract::{FromRequestParts, Request};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use serde::Deserialize;

use crate::app::AppState;
use crate::domain::settings::Settings;
use crate::http::console::session::{CSRF_FIELD, LANG_COOKIE, cookie, lang_of, secure};
use crate::http::extract::{ClientAddr, decode_pairs};
use crate::i18n::{Arg, Lang, t, t_args};
use crate::service::AppError;

/// The language of a page for someone not signed in, or signed in without a choice of theirs:
/// the one they chose (the language cookie), else `preferred`, else their browser's, else the
/// provider's default.
pub fn visitor_lang(headers: &HeaderMap, settings: &Settings, preferred: Option<&str>) -> Lang {
    cookie(headers, LANG_COOKIE)
        .and_then(Lang::parse)
        .or_else(|| preferred.and_then(Lang::parse))
        .or_else(|| {
            headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Lang::from_accept_language)
        })
        .unwrap_or_else(|| lang_of(headers, settings))
}

/// A sign-in form's fields as posted.
#[derive(Deserialize)]
struct Fields {
    username: Option<String>,
    password: Option<String>,
    next: Option<String>,
    #[serde(rename = "_csrf")]
    csrf: Option<String>,
}

/// A sign-in POST, read and proven to come from our form.
pub struct SignIn {
    /// The caller's address as the login throttle counts it.
    pub addr: Option<String>,
    pub secure: bool,
    pub lang: Lang,
    pub username: String,
    pub password: String,
    /// Where to go afterwards, as sent (the caller keeps it to its own pages).
    pub next: Option<String>,
}

/// Why a sign-in POST was not read.
pub enum Unread {
    /// The body is too large or not the form (the status to answer with).
    Unreadable {
        lang: Lang,
        secure: bool,
        status: StatusCode,
    },
    /// The prelogin value is missing or wrong: the 403 to answer.
    Refused(Response),
}

/// Reads a sign-in POST whose form page set `prelogin_cookie`.
pub async fn read(app: &AppState, req: Request, prelogin_cookie: &str) -> Result<SignIn, Unread> {
    let (mut parts, body) = req.into_parts();
    let ClientAddr(addr) = match ClientAddr::from_request_parts(&mut parts, app).await {
        Ok(a) => a,
        Err(e) => match e {},
    };
    let secure = secure(&parts, app);
    let lang = visitor_lang(&parts.headers, &app.settings(), None);
    let unreadable = |status| Unread::Unreadable {
        lang,
        secure,
        status,
    };
    let Ok(bytes) = axum::body::to_bytes(body, app.config.max_body_bytes).await else {
        return Err(unreadable(StatusCode::PAYLOAD_TOO_LARGE));
    };
    let Ok(f) = decode_pairs::<Fields>(&bytes, false, "body") else {
        return Err(unreadable(StatusCode::UNPROCESSABLE_ENTITY));
    };
    let expected = cookie(&parts.headers, prelogin_cookie);
    if expected.is_none() || f.csrf.as_deref() != expected {
        return Err(Unread::Refused(
            crate::http::console::session::csrf_refused(lang),
        ));
    }
    Ok(SignIn {
        addr,
        secure,
        lang,
        username: f.username.unwrap_or_default(),
        password: f.password.unwrap_or_default(),
        next: f.next,
    })
}

/// "Try again in N s": what a throttled or busy answer tells a person, on every page.
pub fn retry_text(lang: Lang, retry_after: u64) -> String {
    t_args(
        lang,
        "console-too-many",
        &[(
            "seconds",
            Arg::Number(i64::try_from(retry_after).unwrap_or(i64::MAX)),
        )],
    )
}

/// What a refused sign-in tells the visitor, with its status; `failed` is the key of the
/// wrong-name-or-password text.
pub fn refusal(lang: Lang, e: &AppError, failed: &str) -> (StatusCode, String) {
    match e {
        AppError::TooManyRequests { retry_after } => (
            StatusCode::TOO_MANY_REQUESTS,
            retry_text(lang, *retry_after),
        ),
        AppError::Overloaded { retry_after, .. } => (
            StatusCode::SERVICE_UNAVAILABLE,
            retry_text(lang, *retry_after),
        ),
        AppError::Unauthorized(_) => (StatusCode::UNAUTHORIZED, t(lang, failed)),
        e => {
            tracing::error!(error = %e, "sign-in failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                t(lang, "console-internal-error"),
            )
        }
    }
}

/// Splits a signed-in form's body into the CSRF token it carries (the header's, else the
/// `_csrf` field's) and the other fields, re-encoded.
pub fn split_csrf(body: &[u8], from_header: Option<String>) -> (Option<String>, String) {
    let mut sent = from_header;
    let mut rest = form_urlencoded::Serializer::new(String::new());
    for (k, v) in form_urlencoded::parse(body) {
        if k == CSRF_FIELD {
            sent.get_or_insert_with(|| v.into_owned());
        } else {
            rest.append_pair(&k, &v);
        }
    }
    (sent, rest.finish())
}

/// A sign-in page asked for in a language (`?lang=`): that language, remembered in its cookie;
/// else the visitor's.
pub fn page_lang(asked: Option<&str>, headers: &HeaderMap, settings: &Settings) -> (Lang, bool) {
    match asked.and_then(Lang::parse) {
        Some(l) => (l, true),
        None => (visitor_lang(headers, settings, None), false),
    }
}

/// Remembers `lang` as the visitor's choice.
pub fn remember_lang(res: &mut Response, lang: Lang, secure: bool) {
    res.headers_mut().append(
        header::SET_COOKIE,
        crate::http::console::session::set_cookie(
            LANG_COOKIE,
            lang.code(),
            31_536_000,
            false,
            secure,
        ),
    );
}
