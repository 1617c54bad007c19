//! Console pages: the provider's settings (admin), saved through `service::settings` (checked
//! there, effective at once on every server), and the logo.

use axum::Router;
use axum::extract::multipart::Multipart;
use axum::extract::{DefaultBodyLimit, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use maud::html;

use super::session::{CSRF_FIELD, Ctx, Posted, csrf_ok, csrf_refused};
use super::ui::{self, FormErrors, Input, allowed, csrf_field, error_page, page, t};
use crate::app::AppState;
use crate::domain::settings::{CURRENCIES, Settings, SettingsDraft};
use crate::domain::user::Role;
use crate::i18n::Lang;
use crate::service::AppError;
use crate::service::settings as svc;

/// The logo's request: the image (at most 256 KiB, the service checks) and the form's parts.
const LOGO_BODY_LIMIT: usize = 300 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/settings", get(show).post(save))
        .route(
            "/console/settings/logo",
            post(upload).layer(DefaultBodyLimit::max(LOGO_BODY_LIMIT)),
        )
        .route("/console/settings/logo/remove", post(remove_logo))
}

/// What the form shows: what was typed, else what is in effect.
fn value(typed: &Option<String>, current: &str) -> String {
    typed.clone().unwrap_or_else(|| current.to_owned())
}

fn number(typed: Option<u32>, current: u32) -> String {
    typed.unwrap_or(current).to_string()
}

fn form_page(
    ctx: &Ctx,
    draft: &SettingsDraft,
    errors: &FormErrors,
    logo_errors: &FormErrors,
    notice: Option<String>,
    status: StatusCode,
) -> Response {
    let s: &Settings = &ctx.settings;
    let currencies: Vec<(String, String)> = CURRENCIES
        .iter()
        .map(|c| ((*c).to_owned(), (*c).to_owned()))
        .collect();
    let languages: Vec<(String, String)> = Lang::ALL
        .iter()
        .map(|l| (l.code().to_owned(), l.native_name().to_owned()))
        .collect();
    let mut res = page(
        ctx,
        &t(ctx, "nav-settings"),
        html! {
            @if let Some(n) = notice { p.notice role="status" #settings-notice { (n) } }
            (errors.banner(ctx))
            form #settings-form method="post" action="/console/settings" {
                (csrf_field(ctx))
                fieldset {
                    legend { (t(ctx, "settings-provider")) }
                    (ui::field(ctx, "provider_name", Input::Text, &value(&draft.provider_name, &s.provider_name), errors, true))
                    (ui::field(ctx, "provider_address", Input::TextArea, &value(&draft.provider_address, &s.provider_address), errors, false))
                    (ui::field(ctx, "provider_phone", Input::Tel, &value(&draft.provider_phone, &s.provider_phone), errors, false))
                    (ui::field(ctx, "provider_email", Input::Email, &value(&draft.provider_email, &s.provider_email), errors, false))
                    (ui::field(ctx, "tax_number", Input::Text, &value(&draft.tax_number, s.tax_number.as_deref().unwrap_or("")), errors, false))
                }
                fieldset {
                    legend { (t(ctx, "settings-region")) }
                    (ui::select(ctx, "currency", &currencies, &value(&draft.currency, &s.currency), errors))
                    (ui::select(ctx, "default_language", &languages, &value(&draft.default_language, &s.default_language), errors))
                    (ui::field(ctx, "time_zone", Input::Text, &value(&draft.time_zone, &s.time_zone), errors, true))
                }
                fieldset {
                    legend { (t(ctx, "settings-billing")) }
                    (ui::field(ctx, "invoice_days_before", Input::Number, &number(draft.invoice_days_before, s.invoice_days_before), errors, true))
                    (ui::field(ctx, "invoice_due_days", Input::Number, &number(draft.invoice_due_days, s.invoice_due_days), errors, true))
                    (ui::field(ctx, "grace_days", Input::Number, &number(draft.grace_days, s.grace_days), errors, true))
                    (ui::field(ctx, "payment_methods", Input::Text, &draft.payment_methods.as_ref().unwrap_or(&s.payment_methods).join(", "), errors, true))
                    p.hint #f-payment-methods-hint { (t(ctx, "settings-payment-methods-hint")) }
                }
                div.buttons { button type="submit" { (t(ctx, "action-save")) } }
            }
            section.logo aria-labelledby="logo-h" {
                h2 #logo-h { (t(ctx, "field-logo")) }
                p { img #current-logo src="/console/logo" alt=(t(ctx, "settings-logo-alt")); }
                (logo_errors.banner(ctx))
                form #logo-form method="post" action="/console/settings/logo" enctype="multipart/form-data" {
                    input type="hidden" name=(CSRF_FIELD) value=(ctx.csrf);
                    div.field {
                        label for="f-logo" { (t(ctx, "field-logo")) }
                        input #f-logo type="file" name="logo" accept="image/png,image/jpeg,image/webp" required
                            aria-describedby=(if logo_errors.get("logo").is_some() { "f-logo-error f-logo-hint" } else { "f-logo-hint" })
                            aria-invalid=[logo_errors.get("logo").map(|_| "true")];
                        p.hint #f-logo-hint { (t(ctx, "settings-logo-hint")) }
                        @if let Some(e) = logo_errors.get("logo") {
                            p.field-error #f-logo-error { (t(ctx, "field-logo")) " " (e) }
                        }
                    }
                    div.buttons { button type="submit" { (t(ctx, "settings-logo-upload")) } }
                }
                form #logo-remove method="post" action="/console/settings/logo/remove" {
                    (csrf_field(ctx))
                    button.danger type="submit" { (t(ctx, "settings-logo-remove")) }
                }
            }
        },
    );
    *res.status_mut() = status;
    res
}

/// `GET /console/settings`.
async fn show(ctx: Ctx, RawQuery(q): RawQuery) -> Response {
    if let Err(r) = allowed(&ctx, Role::manages_users) {
        return r;
    }
    let notice = match q.as_deref() {
        Some("done=saved") => Some(t(&ctx, "settings-saved")),
        Some("done=logo") => Some(t(&ctx, "settings-logo-saved")),
        Some("done=logo-removed") => Some(t(&ctx, "settings-logo-removed")),
        _ => None,
    };
    let none = FormErrors::default();
    form_page(
        &ctx,
        &SettingsDraft::default(),
        &none,
        &none,
        notice,
        StatusCode::OK,
    )
}

/// `POST /console/settings`: as `PUT /settings`.
async fn save(State(app): State<AppState>, posted: Posted<SettingsDraft>) -> Response {
    let ctx = posted.ctx;
    if let Err(r) = allowed(&ctx, Role::manages_users) {
        return r;
    }
    let none = FormErrors::default();
    let draft = match posted.form {
        Ok(d) => d,
        Err(e) => {
            let errors = FormErrors::from_parse(&ctx, &e);
            return form_page(
                &ctx,
                &SettingsDraft::default(),
                &errors,
                &none,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            );
        }
    };
    match svc::update(&app, ctx.actor(), &draft).await {
        Ok(_) => Redirect::to("/console/settings?done=saved").into_response(),
        Err(e @ AppError::Forbidden(_)) => error_page(&ctx, &e),
        Err(e) => form_page(
            &ctx,
            &draft,
            &FormErrors::from_app(&ctx, &e),
            &none,
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    }
}

/// The refused logo, shown next to its field.
fn logo_refused(ctx: &Ctx, e: &AppError) -> Response {
    if matches!(e, AppError::Forbidden(_)) {
        return error_page(ctx, e);
    }
    let none = FormErrors::default();
    form_page(
        ctx,
        &SettingsDraft::default(),
        &none,
        &FormErrors::from_app(ctx, e),
        None,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
}

/// `POST /console/settings/logo` (multipart): the `_csrf` part is checked before the image is
/// handed to the service, which checks its kind and size.
async fn upload(State(app): State<AppState>, ctx: Ctx, mut form: Multipart) -> Response {
    let mut csrf: Option<String> = None;
    let mut logo: Option<Vec<u8>> = None;
    loop {
        match form.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().map(str::to_owned);
                match name.as_deref() {
                    Some(CSRF_FIELD) => csrf = field.text().await.ok(),
                    Some("logo") => match field.bytes().await {
                        Ok(b) => logo = Some(b.to_vec()),
                        Err(e) => return too_big_or_bad(&ctx, e.status()),
                    },
                    _ => {}
                }
            }
            Ok(None) => break,
            Err(e) => return too_big_or_bad(&ctx, e.status()),
        }
    }
    if !csrf.is_some_and(|c| csrf_ok(&ctx, &c)) {
        tracing::warn!("console logo upload refused: CSRF token missing or wrong");
        return csrf_refused(ctx.lang);
    }
    if let Err(r) = allowed(&ctx, Role::manages_users) {
        return r;
    }
    let bytes = match logo {
        Some(b) if !b.is_empty() => b,
        _ => {
            return logo_refused(
                &ctx,
                &crate::domain::validation::FieldErrors::single("logo", "is required").into(),
            );
        }
    };
    match svc::set_logo(&app, ctx.actor(), Some(bytes)).await {
        Ok(()) => Redirect::to("/console/settings?done=logo").into_response(),
        Err(e) => logo_refused(&ctx, &e),
    }
}

/// A body over the limit or not multipart: the size refusal next to the field (the token
/// could not be read, so nothing is stored either way).
fn too_big_or_bad(ctx: &Ctx, status: StatusCode) -> Response {
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        let mut r = logo_refused(
            ctx,
            &crate::domain::validation::FieldErrors::single("logo", "must be at most 256 KiB")
                .into(),
        );
        *r.status_mut() = StatusCode::PAYLOAD_TOO_LARGE;
        r
    } else {
        error_page(ctx, &AppError::bad_request("logo", "is not a valid upload"))
    }
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Nothing {}

/// `POST /console/settings/logo/remove`.
async fn remove_logo(State(app): State<AppState>, posted: Posted<Nothing>) -> Response {
    let ctx = posted.ctx;
    if let Err(r) = allowed(&ctx, Role::manages_users) {
        return r;
    }
    match svc::set_logo(&app, ctx.actor(), None).await {
        Ok(()) => Redirect::to("/console/settings?done=logo-removed").into_response(),
        Err(e) => error_page(&ctx, &e),
    }
}
