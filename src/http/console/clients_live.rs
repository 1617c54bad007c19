//! The client page's router part: the live state of the client's PPP secret and session,
//! asked on demand (htmx loads it after the page, with a timeout in the service), and the
//! connect/disconnect form with its reason.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use maud::{Markup, html};
use serde::Deserialize;

use super::session::{Ctx, Posted};
use super::ui::{self, csrf_field, t, t_args};
use crate::app::AppState;
use crate::domain::ids::ClientId;
use crate::i18n::Arg;
use crate::service::AppError;
use crate::service::clients::{self as svc, LiveState, Switched};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/clients/{id}/router", get(router_state))
        .route("/console/clients/{id}/connection", post(connection))
}

use super::clients::id_of;

/// The router section of the client page: its state loads after the page.
pub fn section(ctx: &Ctx, id: ClientId) -> Markup {
    let url = format!("/console/clients/{id}/router");
    let action = format!("/console/clients/{id}/connection");
    html! {
        section.card #router-section aria-labelledby="router-h" {
            h2 #router-h { (t(ctx, "clients-router-state")) }
            div #router-state hx-get=(url) hx-trigger="load" aria-live="polite" {
                p.muted { (t(ctx, "clients-router-loading")) }
                noscript { p { a href=(url) { (t(ctx, "clients-router-open")) } } }
            }
            div.actions {
                button #refresh-router type="button" hx-get=(url) hx-target="#router-state" {
                    (t(ctx, "clients-router-refresh"))
                }
            }
            @if ctx.role().manages_clients() {
                form #connection-form method="post" action=(action) hx-post=(action) hx-target="#router-state" {
                    (csrf_field(ctx))
                    div.field {
                        label for="f-switch-reason" { (t(ctx, "clients-reason")) }
                        input #f-switch-reason name="reason" type="text" maxlength="255";
                    }
                    div.actions {
                        button #disconnect .danger type="submit" name="action" value="disable" { (t(ctx, "clients-disconnect")) }
                        button #connect type="submit" name="action" value="enable" { (t(ctx, "clients-connect")) }
                    }
                }
            }
        }
    }
}

/// The live state as the router told it, or why it could not be told.
fn state_markup(ctx: &Ctx, state: &Result<LiveState, AppError>) -> Markup {
    let secret_state = |code: &str| {
        html! {
            p #secret-state data-state=(code) {
                (t(ctx, "clients-secret")) ": "
                span class=(format!("badge badge-secret-{code}")) { (t(ctx, &format!("clients-secret-{code}"))) }
            }
        }
    };
    html! {
        @match state {
            Err(e) => {
                (secret_state("unknown"))
                p.alert role="alert" { (ui::general_message(ctx, e)) }
            }
            Ok(LiveState::NoRouter) => {
                (secret_state("unknown"))
                p.muted { (t(ctx, "clients-no-router")) }
            }
            Ok(LiveState::Unreachable { router, timed_out, reason }) => {
                (secret_state("unknown"))
                p.alert role="alert" #router-unreachable {
                    @if *timed_out {
                        (t_args(ctx, "clients-router-timeout", &[("router", Arg::from(router.as_str())), ("seconds", Arg::from(i64::try_from(svc::LIVE_STATE_WAIT.as_secs()).unwrap_or(3)))]))
                    } @else {
                        (t_args(ctx, "clients-router-unreachable", &[("router", Arg::from(router.as_str()))]))
                        " " span.muted { "(" (reason) ")" }
                    }
                }
            }
            Ok(LiveState::Seen { router, secret, session }) => {
                @match secret {
                    Some(s) => {
                        (secret_state(if s.disabled { "disabled" } else { "enabled" }))
                        p #secret-profile { (t(ctx, "field-ppp-profile-name")) ": " code { (s.profile) } }
                    }
                    None => (secret_state("missing")),
                }
                @match session {
                    Some(s) => {
                        p #session-state data-state="active" {
                            span.badge.badge-active { (t(ctx, "clients-session-active")) }
                            @if let Some(a) = &s.address { " · " (t(ctx, "clients-session-address")) " " code { (a) } }
                            @if let Some(u) = &s.uptime { " · " (t(ctx, "clients-session-uptime")) " " (u) }
                        }
                    }
                    None => {
                        p #session-state data-state="none" { (t(ctx, "clients-session-none")) }
                    }
                }
                p.muted { (t_args(ctx, "clients-router-asked", &[("router", Arg::from(router.as_str()))])) }
            }
        }
    }
}

/// `GET /console/clients/{id}/router`: the live state, asked now (at most a few seconds).
async fn router_state(State(app): State<AppState>, ctx: Ctx, Path(raw): Path<String>) -> Response {
    let state = match id_of(&raw) {
        Ok(id) => svc::live_state(&app, id).await,
        Err(e) => Err(e),
    };
    if ctx.htmx {
        ui::fragment(state_markup(&ctx, &state))
    } else {
        ui::page(
            &ctx,
            &t(&ctx, "clients-router-state"),
            state_markup(&ctx, &state),
        )
    }
}

#[derive(Deserialize)]
struct ConnectionForm {
    action: Option<String>,
    reason: Option<String>,
}

/// What a switch did, carried to the client page after a form posted without script.
#[derive(Deserialize, Default)]
pub struct SwitchedQuery {
    switched: Option<String>,
    applied: Option<String>,
}

impl SwitchedQuery {
    /// The outcome's notice, when the page follows a switch.
    pub fn notice(&self, ctx: &Ctx) -> Markup {
        let enable = match self.switched.as_deref() {
            Some("enable") => true,
            Some("disable") => false,
            _ => return html! {},
        };
        outcome(ctx, enable, self.applied.as_deref() == Some("true"), true)
    }
}

/// The notice of a switch; `with_id`: the one notice of a client page (a list may show many).
fn outcome(ctx: &Ctx, enable: bool, applied: bool, with_id: bool) -> Markup {
    let key = match (enable, applied) {
        (true, true) => "clients-connected",
        (false, true) => "clients-disconnected",
        (true, false) => "clients-connect-queued",
        (false, false) => "clients-disconnect-queued",
    };
    html! {
        p.notice.connection-outcome id=[with_id.then_some("connection-outcome")] role="status" {
            (t(ctx, key))
        }
    }
}

/// `POST /console/clients/{id}/connection` (`action` = `disable` | `enable`, `reason`): the
/// service's manual switch (the API's `/client/{id}/connection/…`); then the outcome and the
/// router state asked again (on the client page, whose router state is the htmx target), or
/// the outcome alone (a row of the chasing list).
async fn connection(
    State(app): State<AppState>,
    Path(raw): Path<String>,
    headers: HeaderMap,
    posted: Posted<ConnectionForm>,
) -> Response {
    let ctx = posted.ctx;
    let id = match id_of(&raw) {
        Ok(id) => id,
        Err(e) => return ui::error_page(&ctx, &e),
    };
    let form = match posted.form {
        Ok(f) => f,
        Err(e) => return ui::error_page(&ctx, &AppError::bad_request(&e.0, "is out of range")),
    };
    let enable = match form.action.as_deref() {
        Some("enable") => true,
        Some("disable") => false,
        _ => return ui::error_page(&ctx, &AppError::bad_request("action", "is out of range")),
    };
    let result = svc::switch_connection(&app, ctx.actor(), id, enable, form.reason).await;
    match result {
        Ok(Switched { applied, .. }) if ctx.htmx => {
            let into_state = headers
                .get("hx-target")
                .is_some_and(|t| t.as_bytes() == b"router-state");
            if !into_state {
                return ui::fragment(outcome(&ctx, enable, applied, false));
            }
            let state = svc::live_state(&app, id).await;
            ui::fragment(html! {
                (outcome(&ctx, enable, applied, true))
                (state_markup(&ctx, &state))
            })
        }
        Ok(Switched { applied, .. }) => Redirect::to(&format!(
            "/console/clients/{id}?switched={}&applied={applied}",
            if enable { "enable" } else { "disable" }
        ))
        .into_response(),
        Err(
            e @ (AppError::Validation(_) | AppError::BadRequest { .. } | AppError::Conflict { .. }),
        ) if ctx.htmx => {
            let errors = ui::FormErrors::from_app(&ctx, &e);
            ui::fragment(html! {
                p.alert role="alert" {
                    @for (field, msg) in &errors.fields {
                        (crate::i18n::Catalog::global().field_label(ctx.lang, field)) " " (msg) " "
                    }
                    @if let Some(g) = &errors.general { (g) }
                }
            })
        }
        Err(e) => ui::error_page(&ctx, &e),
    }
}
