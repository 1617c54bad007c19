//! The console's page frame and the pieces every page is built from: the menu that follows
//! the role, words from the translation files, money and dates in the user's language, form
//! fields with their labels and errors, and errors as pages.
//!
//! Pages hold no inline script or style (the Content-Security-Policy allows neither): styles
//! are in `assets/console/console.css`, behaviour in htmx attributes and
//! `assets/console/console.js`.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use maud::{DOCTYPE, Markup, PreEscaped, html};

use super::assets;
use super::session::{CSRF_FIELD, Ctx};
use crate::domain::money::Money;
use crate::domain::user::Role;
use crate::domain::validation::FieldErrors;
use crate::i18n::format::{DateStyle, format_date, format_money};
use crate::i18n::{Arg, Catalog, Lang};
use crate::service::AppError;

/// Pages: scripts and styles from this origin only, never inline; forms post here only.
pub const CONSOLE_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
    img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; \
    frame-ancestors 'none'; object-src 'none'";

/// A word or sentence of the console in the user's language.
pub fn t(ctx: &Ctx, key: &str) -> String {
    crate::i18n::t(ctx.lang, key)
}

pub fn t_args(ctx: &Ctx, key: &str, args: &[(&str, Arg<'_>)]) -> String {
    crate::i18n::t_args(ctx.lang, key, args)
}

/// Money in the provider's currency, written the user's way (`Rp 150.000`, `$1,500.00`).
pub fn money(ctx: &Ctx, m: Money) -> String {
    format_money(m, ctx.currency, ctx.lang)
}

pub fn date(ctx: &Ctx, d: NaiveDate) -> String {
    format_date(d, ctx.lang, DateStyle::Medium)
}

/// An instant as the provider's clock shows it, in the user's language: `1 Dec 2026 07:05`.
pub fn datetime(ctx: &Ctx, at: chrono::DateTime<chrono::Utc>) -> String {
    let local = at.with_timezone(&ctx.settings.tz());
    format!(
        "{} {}",
        date(ctx, local.date_naive()),
        local.format("%H:%M")
    )
}

/// One entry of the menu: where it goes, its word, and who sees it.
struct Entry {
    href: &'static str,
    key: &'static str,
    shown: fn(Role) -> bool,
}

const MENU: &[Entry] = &[
    Entry {
        href: "/console/",
        key: "nav-dashboard",
        shown: |_| true,
    },
    Entry {
        href: "/console/clients",
        key: "nav-clients",
        shown: |_| true,
    },
    Entry {
        href: "/console/chasing",
        key: "nav-chasing",
        shown: |_| true,
    },
    Entry {
        href: "/console/cashier",
        key: "nav-cashier",
        shown: Role::records_payments,
    },
    Entry {
        href: "/console/invoices",
        key: "nav-invoices",
        shown: |_| true,
    },
    Entry {
        href: "/console/subscriptions",
        key: "nav-subscriptions",
        shown: |_| true,
    },
    Entry {
        href: "/console/plans",
        key: "nav-plans",
        shown: |_| true,
    },
    Entry {
        href: "/console/routers",
        key: "nav-routers",
        shown: Role::manages_users,
    },
    Entry {
        href: "/console/users",
        key: "nav-users",
        shown: Role::manages_users,
    },
    Entry {
        href: "/console/settings",
        key: "nav-settings",
        shown: Role::manages_users,
    },
];

fn current(ctx: &Ctx, href: &str) -> bool {
    if href == "/console/" {
        ctx.path == "/console/" || ctx.path == "/console"
    } else {
        ctx.path == href || ctx.path.starts_with(&format!("{href}/"))
    }
}

/// A whole page: the frame (provider name, menu for the user's role, language switch, sign
/// out) around `body`, with the page's `title`.
pub fn page(ctx: &Ctx, title: &str, body: Markup) -> Response {
    frame(ctx, title, None, None, body)
}

/// As [`page`], the page's `h1` with the id `h1_id` (a browser test finds it).
pub fn page_with_h1(ctx: &Ctx, title: &str, h1_id: Option<&str>, body: Markup) -> Response {
    frame(ctx, title, h1_id, None, body)
}

/// As [`page`], with a class on `<main>` (a printable page's paper: `paper-80`).
pub fn page_classed(ctx: &Ctx, title: &str, class: Option<&str>, body: Markup) -> Response {
    frame(ctx, title, None, class, body)
}

fn frame(
    ctx: &Ctx,
    title: &str,
    h1_id: Option<&str>,
    class: Option<&str>,
    body: Markup,
) -> Response {
    let markup = html! {
        (DOCTYPE)
        html lang=(ctx.lang.code()) {
            (head(ctx.lang, title))
            body hx-headers=(format!(r#"{{"X-CSRF-Token":"{}"}}"#, ctx.csrf)) {
                a.skip href="#main" { (t(ctx, "console-skip-to-content")) }
                header.top {
                    a.brand href="/console/" { (ctx.settings.provider_name) }
                    nav aria-label=(t(ctx, "console-menu")) {
                        ul {
                            @for e in MENU.iter().filter(|e| (e.shown)(ctx.role())) {
                                li {
                                    a href=(e.href) aria-current=[current(ctx, e.href).then_some("page")] {
                                        (t(ctx, e.key))
                                    }
                                }
                            }
                        }
                    }
                    div.me {
                        span.who { (ctx.actor().username) " · " (t(ctx, &format!("role-{}", ctx.role().as_str()))) }
                        form method="post" action="/console/language" {
                            (csrf_field(ctx))
                            input type="hidden" name="next" value=(ctx.path);
                            @for l in Lang::ALL {
                                @if l != ctx.lang {
                                    button.link type="submit" name="lang" value=(l.code()) lang=(l.code()) { (l.native_name()) }
                                }
                            }
                        }
                        form method="post" action="/console/logout" {
                            (csrf_field(ctx))
                            button.link type="submit" { (t(ctx, "action-sign-out")) }
                        }
                    }
                }
                main #main class=[class] {
                    h1 id=[h1_id] { (title) }
                    (body)
                }
            }
        }
    };
    html_response(StatusCode::OK, markup)
}

/// The `<head>` of every page, signed in or not.
pub fn head(lang: Lang, title: &str) -> Markup {
    html! {
        head {
            meta charset="utf-8";
            meta name="viewport" content="width=device-width, initial-scale=1";
            // htmx would otherwise add an inline <style>, which the policy refuses.
            meta name="htmx-config" content=r#"{"includeIndicatorStyles":false,"allowEval":false}"#;
            title { (title) " · " (crate::i18n::t(lang, "app-name")) }
            link rel="stylesheet" href=(assets::CSS);
            script src=(assets::HTMX) defer {}
            script src=(assets::JS) defer {}
        }
    }
}

/// HTML with the console's headers: its policy, never cached (pages show the books now and
/// who is signed in).
pub fn html_response(status: StatusCode, markup: Markup) -> Response {
    let mut res = (status, markup).into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONSOLE_CSP),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert("referrer-policy", HeaderValue::from_static("same-origin"));
    res
}

/// A fragment for htmx to swap in (search results, a form answered in place).
pub fn fragment(markup: Markup) -> Response {
    html_response(StatusCode::OK, markup)
}

/// The hidden field that proves a form came from our page.
pub fn csrf_field(ctx: &Ctx) -> Markup {
    html! { input type="hidden" name=(CSRF_FIELD) value=(ctx.csrf); }
}

/// Field errors of a form, in the user's language, keyed by the field's name; and a message
/// about the form as a whole.
#[derive(Debug, Default, Clone)]
pub struct FormErrors {
    pub fields: Vec<(String, String)>,
    pub general: Option<String>,
}

impl FormErrors {
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty() && self.general.is_none()
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }

    /// The errors of the domain's validation, translated.
    pub fn from_fields(ctx: &Ctx, e: &FieldErrors) -> FormErrors {
        let cat = Catalog::global();
        FormErrors {
            fields: e
                .0
                .iter()
                .map(|(f, m)| (f.clone(), cat.field_error(ctx.lang, m)))
                .collect(),
            general: None,
        }
    }

    /// A service's refusal as errors of the form: validation next to its fields, anything
    /// else above the form.
    pub fn from_app(ctx: &Ctx, e: &AppError) -> FormErrors {
        match e {
            AppError::Validation(fe) => FormErrors::from_fields(ctx, fe),
            AppError::BadRequest { errors, .. } => FormErrors::from_fields(ctx, errors),
            AppError::Conflict { field, message } => FormErrors {
                fields: vec![(
                    (*field).to_owned(),
                    Catalog::global().field_error(ctx.lang, message),
                )],
                general: None,
            },
            other => FormErrors {
                fields: vec![],
                general: Some(general_message(ctx, other)),
            },
        }
    }

    /// A form value that did not parse (`Posted::form`'s error).
    pub fn from_parse(ctx: &Ctx, (field, _msg): &(String, String)) -> FormErrors {
        FormErrors {
            fields: vec![(field.clone(), t(ctx, "error-invalid-value"))],
            general: None,
        }
    }

    /// The message above the form, when there is one.
    pub fn banner(&self, ctx: &Ctx) -> Markup {
        html! {
            @if let Some(g) = &self.general {
                p.alert role="alert" { (g) }
            } @else if !self.fields.is_empty() {
                p.alert role="alert" { (t(ctx, "console-form-has-errors")) }
            }
        }
    }
}

/// What to tell a user about a refusal that concerns no one field.
pub fn general_message(ctx: &Ctx, e: &AppError) -> String {
    match e {
        AppError::Forbidden(_) => t(ctx, "console-forbidden"),
        AppError::NotFound(_) => t(ctx, "console-not-found"),
        AppError::Unavailable(m) => format!("{}: {m}", t(ctx, "console-unavailable")),
        AppError::TooManyRequests { retry_after } => {
            crate::http::signin::retry_text(ctx.lang, *retry_after)
        }
        AppError::Conflict { message, .. } => Catalog::global().field_error(ctx.lang, message),
        AppError::BadRequest { message, .. } => Catalog::global().field_error(ctx.lang, message),
        _ => t(ctx, "console-internal-error"),
    }
}

/// A refusal as a whole page (a typed URL the role may not open, a client that is gone),
/// with the status the API would give.
pub fn error_page(ctx: &Ctx, e: &AppError) -> Response {
    let status = match e {
        AppError::Forbidden(_) => StatusCode::FORBIDDEN,
        AppError::NotFound(_) => StatusCode::NOT_FOUND,
        AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        AppError::Validation(_) | AppError::BadRequest { .. } => StatusCode::UNPROCESSABLE_ENTITY,
        AppError::Conflict { .. } => StatusCode::CONFLICT,
        AppError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    if matches!(e, AppError::Store(_) | AppError::Internal(_)) {
        tracing::error!(error = %e, path = ctx.path, "console page failed");
    }
    let mut res = page(
        ctx,
        &t(ctx, "console-error-title"),
        html! {
            p.alert role="alert" { (general_message(ctx, e)) }
            p { a href="/console/" { (t(ctx, "nav-dashboard")) } }
        },
    );
    *res.status_mut() = status;
    res
}

/// Refuses a page the user's role may not open, exactly as the service would refuse its
/// action: the check itself is the domain's (`Role::manages_users` and the like).
// The refusal is the page itself, returned at once by a handler's `?`: not worth a box.
#[allow(clippy::result_large_err)]
pub fn allowed(ctx: &Ctx, rule: fn(Role) -> bool) -> Result<(), Response> {
    if rule(ctx.role()) {
        Ok(())
    } else {
        tracing::warn!(
            user = ctx.actor().username,
            path = ctx.path,
            "console page refused to this role"
        );
        Err(error_page(ctx, &AppError::Forbidden("not for this role")))
    }
}

/// Which kind of input a [`field`] is.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Input {
    Text,
    Password,
    Number,
    Date,
    Tel,
    Email,
    Search,
    TextArea,
}

impl Input {
    fn html_type(self) -> &'static str {
        match self {
            Input::Text | Input::TextArea => "text",
            Input::Password => "password",
            Input::Number => "number",
            Input::Date => "date",
            Input::Tel => "tel",
            Input::Email => "email",
            Input::Search => "search",
        }
    }
}

/// A labelled input named `name` (the domain field's name, so that the domain's errors land
/// next to it), with its value and, when the last submission was refused, its error.
pub fn field(
    ctx: &Ctx,
    name: &str,
    kind: Input,
    value: &str,
    errors: &FormErrors,
    required: bool,
) -> Markup {
    let label = Catalog::global().field_label(ctx.lang, name);
    field_labelled(&label, name, kind, value, errors, required)
}

/// As [`field`], labelled `label` rather than by the domain field's name.
pub fn field_labelled(
    label: &str,
    name: &str,
    kind: Input,
    value: &str,
    errors: &FormErrors,
    required: bool,
) -> Markup {
    let id = format!("f-{name}");
    let err_id = format!("{id}-error");
    let error = errors.get(name);
    html! {
        div.field {
            label for=(id) { (label) @if required { span.req aria-hidden="true" { " *" } } }
            @if kind == Input::TextArea {
                textarea id=(id) name=(name) required[required]
                    aria-invalid=[error.map(|_| "true")] aria-describedby=[error.map(|_| &err_id)] { (value) }
            } @else {
                input id=(id) name=(name) type=(kind.html_type()) value=(value) required[required]
                    aria-invalid=[error.map(|_| "true")] aria-describedby=[error.map(|_| &err_id)]
                    inputmode=[(kind == Input::Number).then_some("decimal")]
                    autocomplete=[(kind == Input::Password).then_some("new-password")];
            }
            @if let Some(e) = error {
                p.field-error id=(err_id) { (label) " " (e) }
            }
        }
    }
}

/// A labelled `<select>`; `options` are (value, shown text).
pub fn select(
    ctx: &Ctx,
    name: &str,
    options: &[(String, String)],
    selected: &str,
    errors: &FormErrors,
) -> Markup {
    let label = Catalog::global().field_label(ctx.lang, name);
    select_labelled(&label, name, options, selected, errors)
}

/// As [`select`], labelled `label` rather than by the domain field's name.
pub fn select_labelled(
    label: &str,
    name: &str,
    options: &[(String, String)],
    selected: &str,
    errors: &FormErrors,
) -> Markup {
    let id = format!("f-{name}");
    let err_id = format!("{id}-error");
    let error = errors.get(name);
    html! {
        div.field {
            label for=(id) { (label) }
            select id=(id) name=(name) aria-invalid=[error.map(|_| "true")] aria-describedby=[error.map(|_| &err_id)] {
                @for (v, shown) in options {
                    option value=(v) selected[v == selected] { (shown) }
                }
            }
            @if let Some(e) = error {
                p.field-error id=(err_id) { (label) " " (e) }
            }
        }
    }
}

/// A status word as a coloured badge: `group` is `subscription-status`, `invoice-status` or
/// `payment-status`, `code` the domain's word.
pub fn badge(ctx: &Ctx, group: &str, code: &str) -> Markup {
    let word = Catalog::global().label(ctx.lang, group, code);
    html! { span class=(format!("badge badge-{code}")) { (word) } }
}

/// Text in the page's markup as it is (trusted, built here: an SVG chart).
pub fn raw(s: String) -> PreEscaped<String> {
    PreEscaped(s)
}

/// A positive id typed in a path or a filter (`0`, `-1`, `x`: none).
pub fn id_of<T: From<i64>>(raw: &str) -> Option<T> {
    raw.parse::<i64>().ok().filter(|n| *n > 0).map(T::from)
}

/// A client's number as WhatsApp takes it (`628123456789`), when it reads as one in the
/// provider's country (from its currency: IDR is Indonesia, +62); else `None`.
pub fn whatsapp_number(ctx: &Ctx, phone: &str) -> Option<String> {
    crate::domain::phone::home_country_code(&ctx.settings.currency)
        .and_then(|cc| crate::domain::phone::normalize_msisdn(phone, cc).ok())
}
