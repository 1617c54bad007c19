//! Console pages: routers (admin). The list shows what the workers know (reachability, queue,
//! failed objects); a router's page asks the router itself. Changes, retries and reconcile
//! go through `service::routers`, which holds every rule.

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use maud::{Markup, html};
use serde::Deserialize;

use super::session::{Ctx, PathId, Posted};
use super::ui::{
    self, FormErrors, Input, allowed, csrf_field, error_page, fragment, page, t, t_args,
};
use crate::app::AppState;
use crate::domain::ids::RouterId;
use crate::domain::router::{Router as RouterRow, RouterDraft, SuspendMode, Transport};
use crate::domain::secret::SyncStatus;
use crate::domain::user::Role;
use crate::i18n::Arg;
use crate::service::idempotency::Once;
use crate::service::routers as svc;
use crate::service::{AppError, Page};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/routers", get(list))
        .route("/console/routers/new", get(new_form).post(create))
        .route("/console/routers/{id}", get(show))
        .route("/console/routers/{id}/failed", get(failed))
        .route("/console/routers/{id}/edit", get(edit_form).post(update))
        .route("/console/routers/{id}/retry", post(retry))
        .route("/console/routers/{id}/reconcile", post(reconcile))
        .route(
            "/console/routers/{id}/delete",
            get(confirm_delete).post(delete),
        )
}

fn refused(ctx: &Ctx) -> Option<Response> {
    allowed(ctx, Role::manages_users).err()
}

fn reachability(ctx: &Ctx, reachable: Option<bool>) -> Markup {
    let (class, key) = match reachable {
        Some(true) => ("up", "routers-up"),
        Some(false) => ("down", "routers-down"),
        None => ("unknown", "routers-unknown"),
    };
    html! { span class=(format!("badge badge-{class}")) { (t(ctx, key)) } }
}

/// `GET /console/routers`.
async fn list(State(app): State<AppState>, ctx: Ctx, RawQuery(q): RawQuery) -> Response {
    if let Some(r) = refused(&ctx) {
        return r;
    }
    let views = match svc::views(&app).await {
        Ok(v) => v,
        Err(e) => return error_page(&ctx, &e),
    };
    let notice = match q.as_deref() {
        Some("done=saved") => Some(t(&ctx, "routers-saved")),
        Some("done=deleted") => Some(t(&ctx, "routers-deleted")),
        _ => None,
    };
    page(
        &ctx,
        &t(&ctx, "nav-routers"),
        html! {
            @if let Some(n) = notice { p.notice role="status" { (n) } }
            p { a.button href="/console/routers/new" #new-router { (t(&ctx, "routers-new")) } }
            @if views.is_empty() {
                p #no-routers { (t(&ctx, "routers-none")) }
            } @else {
                table.responsive #routers {
                    thead { tr {
                        th scope="col" { (t(&ctx, "field-name")) }
                        th scope="col" { (t(&ctx, "field-host")) }
                        th scope="col" { (t(&ctx, "routers-status")) }
                        th scope="col" { (t(&ctx, "routers-queue")) }
                        th scope="col" { (t(&ctx, "routers-failed")) }
                        th scope="col" { (t(&ctx, "users-actions")) }
                    } }
                    tbody {
                        @for v in &views {
                            @let id = v.router.id.0;
                            tr #(format!("router-{id}")) {
                                td data-label=(t(&ctx, "field-name")) {
                                    a href=(format!("/console/routers/{id}")) { (v.router.settings.name) }
                                    @if v.router.settings.is_default { " " span.badge { (t(&ctx, "routers-default")) } }
                                }
                                td data-label=(t(&ctx, "field-host")) {
                                    (v.router.settings.host) ":" (v.router.settings.port) " (" (v.router.settings.transport.as_str()) ")"
                                }
                                td data-label=(t(&ctx, "routers-status")) {
                                    (reachability(&ctx, v.health.reachable))
                                    @if let Some(e) = &v.health.last_error { " " span.note { (e) } }
                                }
                                td.queue data-label=(t(&ctx, "routers-queue")) { (v.queue.pending) }
                                td.failed data-label=(t(&ctx, "routers-failed")) { (v.queue.failed) }
                                td data-label=(t(&ctx, "users-actions")) { (actions(&ctx, id, v.queue.failed)) }
                            }
                        }
                    }
                }
            }
        },
    )
}

fn actions(ctx: &Ctx, id: i64, failed: i64) -> Markup {
    html! {
        div.actions {
            @if failed > 0 {
                form.inline method="post" action=(format!("/console/routers/{id}/retry")) {
                    (csrf_field(ctx))
                    button type="submit" { (t(ctx, "routers-retry")) }
                }
            }
            form.inline method="post" action=(format!("/console/routers/{id}/reconcile")) {
                (csrf_field(ctx))
                button type="submit" { (t(ctx, "routers-reconcile")) }
            }
            a.button href=(format!("/console/routers/{id}/edit")) { (t(ctx, "action-edit")) }
            a.button.danger href=(format!("/console/routers/{id}/delete")) { (t(ctx, "action-delete")) }
        }
    }
}

/// `GET /console/routers/{id}`: asks the router now (with the connection's timeout).
async fn show(State(app): State<AppState>, PathId(id): PathId, ctx: Ctx) -> Response {
    let s = match svc::status(&app, ctx.actor(), RouterId(id)).await {
        Ok(s) => s,
        Err(e) => return error_page(&ctx, &e),
    };
    let r = &s.view.router.settings;
    page(
        &ctx,
        &r.name,
        html! {
            dl.facts #router-status {
                dt { (t(&ctx, "routers-status")) }
                dd #router-reachable { (reachability(&ctx, Some(s.reachable))) @if let Some(e) = &s.error { " " span.note { (e) } } }
                dt { (t(&ctx, "field-host")) } dd { (r.host) ":" (r.port) " (" (r.transport.as_str()) ")" }
                @if let Some(i) = &s.identity { dt { (t(&ctx, "routers-identity")) } dd { (i) } }
                @if let Some(v) = &s.version { dt { (t(&ctx, "routers-version")) } dd { (v) } }
                @if let Some(b) = &s.board { dt { (t(&ctx, "routers-board")) } dd { (b) } }
                dt { (t(&ctx, "routers-queue")) } dd #router-queue { (s.view.queue.pending) }
                dt { (t(&ctx, "routers-failed")) } dd #router-failed { (s.view.queue.failed) }
            }
            (actions(&ctx, id, s.view.queue.failed))
            section aria-labelledby="failed-h" {
                h2 #failed-h { (t(&ctx, "routers-failed-objects")) }
                div #failed-objects hx-get=(format!("/console/routers/{id}/failed")) hx-trigger="load" {
                    a href=(format!("/console/routers/{id}/failed")) { (t(&ctx, "routers-show-failed")) }
                }
            }
        },
    )
}

/// `GET /console/routers/{id}/failed`: the objects the workers gave up on (a fragment for
/// htmx, a page otherwise).
async fn failed(State(app): State<AppState>, PathId(id): PathId, ctx: Ctx) -> Response {
    let page_of = Page {
        page: 1,
        per_page: 100,
    };
    let (jobs, total) = match svc::jobs(
        &app,
        ctx.actor(),
        RouterId(id),
        Some(SyncStatus::Failed),
        page_of,
    )
    .await
    {
        Ok(j) => j,
        Err(e) => return error_page(&ctx, &e),
    };
    let body = html! {
        @if jobs.is_empty() {
            p { (t(&ctx, "routers-no-failed")) }
        } @else {
            p { (t_args(&ctx, "routers-failed-count", &[("count", Arg::Number(total))])) }
            table.responsive {
                thead { tr {
                    th scope="col" { (t(&ctx, "routers-object")) }
                    th scope="col" { (t(&ctx, "routers-error")) }
                    th scope="col" { (t(&ctx, "routers-changed")) }
                } }
                tbody {
                    @for j in &jobs {
                        tr {
                            td data-label=(t(&ctx, "routers-object")) { (j.kind.as_str()) " " (j.object_id) }
                            td data-label=(t(&ctx, "routers-error")) { (j.last_error.as_deref().unwrap_or("")) }
                            td data-label=(t(&ctx, "routers-changed")) { (ui::datetime(&ctx, j.changed_at)) }
                        }
                    }
                }
            }
        }
    };
    if ctx.htmx {
        fragment(body)
    } else {
        page(&ctx, &t(&ctx, "routers-failed-objects"), body)
    }
}

/// `POST /console/routers/{id}/retry`: every failed object back in the queue.
async fn retry(
    State(app): State<AppState>,
    PathId(id): PathId,
    posted: Posted<Nothing>,
) -> Response {
    let ctx = posted.ctx;
    match svc::retry(&app, ctx.actor(), RouterId(id), None).await {
        Ok(n) => page(
            &ctx,
            &t(&ctx, "routers-retry"),
            html! {
                p.notice role="status" #retry-result { (t_args(&ctx, "routers-retried", &[("count", Arg::Number(i64::try_from(n).unwrap_or(i64::MAX)))])) }
                p { a href="/console/routers" { (t(&ctx, "nav-routers")) } }
            },
        ),
        Err(e) => error_page(&ctx, &e),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Nothing {}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReconcileForm {
    apply: Option<bool>,
}

/// A list of names under its heading (`h3` below the drift's `h2`, else `h2`).
fn names(ctx: &Ctx, id: &str, key: &str, list: &[String], sub: bool) -> Markup {
    html! {
        @if !list.is_empty() {
            @if sub { h3 { (t(ctx, key)) " (" (list.len()) ")" } } @else { h2 { (t(ctx, key)) " (" (list.len()) ")" } }
            ul id=(id) { @for n in list { li { (n) } } }
        }
    }
}

/// `POST /console/routers/{id}/reconcile`: compares (a dry run); with `apply=true` repairs and
/// shows what became of each repair.
async fn reconcile(
    State(app): State<AppState>,
    PathId(id): PathId,
    posted: Posted<ReconcileForm>,
) -> Response {
    let ctx = posted.ctx;
    if let Some(r) = refused(&ctx) {
        return r;
    }
    let apply = match posted.form {
        Ok(f) => f.apply.unwrap_or(false),
        Err(e) => return error_page(&ctx, &AppError::bad_request(&e.0, &e.1)),
    };
    let report = match svc::reconcile(&app, ctx.actor(), RouterId(id), apply).await {
        Ok(r) => r,
        Err(e) => return error_page(&ctx, &e),
    };
    let d = &report.drift;
    let wrong: Vec<String> = d
        .wrong
        .iter()
        .map(|w| format!("{} ({})", w.name, w.fields.join(", ")))
        .collect();
    let wrong_profiles: Vec<String> = d
        .wrong_profiles
        .iter()
        .map(|w| format!("{} ({})", w.name, w.fields.join(", ")))
        .collect();
    page(
        &ctx,
        &t(&ctx, "routers-reconcile"),
        html! {
            section #reconcile-report {
                @if d.is_empty() {
                    p.notice role="status" #no-drift { (t(&ctx, "routers-no-drift")) }
                } @else {
                    h2 { (t(&ctx, "routers-drift")) }
                    (names(&ctx, "drift-missing", "routers-drift-missing", &d.missing, true))
                    (names(&ctx, "drift-extra", "routers-drift-extra", &d.extra, true))
                    (names(&ctx, "drift-wrong", "routers-drift-wrong", &wrong, true))
                    (names(&ctx, "drift-missing-profiles", "routers-drift-missing-profiles", &d.missing_profiles, true))
                    (names(&ctx, "drift-wrong-profiles", "routers-drift-wrong-profiles", &wrong_profiles, true))
                    (names(&ctx, "drift-isolation", "routers-drift-isolation", &d.isolation, true))
                }
                (names(&ctx, "drift-left-alone", "routers-drift-left-alone", &d.left_alone, false))
                @if report.applied && !report.repairs.is_empty() {
                    h2 { (t(&ctx, "routers-repairs")) }
                    table.responsive #repairs {
                        thead { tr {
                            th scope="col" { (t(&ctx, "routers-object")) }
                            th scope="col" { (t(&ctx, "field-name")) }
                            th scope="col" { (t(&ctx, "routers-outcome")) }
                            th scope="col" { (t(&ctx, "routers-error")) }
                        } }
                        tbody {
                            @for r in &report.repairs {
                                tr {
                                    td data-label=(t(&ctx, "routers-object")) { (r.object.as_str()) }
                                    td data-label=(t(&ctx, "field-name")) { (r.name) }
                                    td data-label=(t(&ctx, "routers-outcome")) {
                                        span class=(format!("badge badge-{}", r.outcome)) { (t(&ctx, &format!("routers-outcome-{}", r.outcome))) }
                                    }
                                    td data-label=(t(&ctx, "routers-error")) { (r.error.as_deref().unwrap_or("")) }
                                }
                            }
                        }
                    }
                    p #drift-remains { (t(&ctx, if report.drift_remains { "routers-drift-remains" } else { "routers-drift-gone" })) }
                }
                @if !apply && !d.is_empty() {
                    form #reconcile-apply method="post" action=(format!("/console/routers/{id}/reconcile")) {
                        (csrf_field(&ctx))
                        input type="hidden" name="apply" value="true";
                        button type="submit" { (t(&ctx, "routers-apply")) }
                    }
                }
                p { a href="/console/routers" { (t(&ctx, "nav-routers")) } }
            }
        },
    )
}

/// The form's values: what was typed, else the router's (never its password).
fn router_form(
    ctx: &Ctx,
    id: Option<i64>,
    current: Option<&RouterRow>,
    draft: &RouterDraft,
    errors: &FormErrors,
    status: StatusCode,
) -> Response {
    let cur = current.map(|r| &r.settings);
    let text = |typed: &Option<String>, from: Option<&str>| -> String {
        typed
            .clone()
            .or(from.map(str::to_owned))
            .unwrap_or_default()
    };
    let transport = text(&draft.transport, cur.map(|c| c.transport.as_str()))
        .chars()
        .collect::<String>();
    let transport = if transport.is_empty() {
        Transport::ApiSsl.as_str().to_owned()
    } else {
        transport
    };
    let port = draft
        .port
        .map(|p| p.to_string())
        .or(cur.map(|c| c.port.to_string()))
        .unwrap_or_default();
    let flat = |v: &Option<Option<String>>| v.clone().flatten();
    let fingerprint = text(
        &flat(&draft.tls_fingerprint),
        cur.and_then(|c| c.tls_fingerprint.as_deref()),
    );
    let isolation = text(
        &flat(&draft.isolation_profile),
        cur.and_then(|c| c.isolation_profile.as_deref()),
    );
    let suspend = text(&draft.suspend_mode, cur.map(|c| c.suspend_mode.as_str()));
    let is_default = draft
        .is_default
        .or(cur.map(|c| c.is_default))
        .unwrap_or(false);
    let transports: Vec<(String, String)> = Transport::ALL
        .iter()
        .map(|t| (t.as_str().to_owned(), t.as_str().to_owned()))
        .collect();
    let modes: Vec<(String, String)> = SuspendMode::ALL
        .iter()
        .map(|m| {
            (
                m.as_str().to_owned(),
                t(ctx, &format!("routers-suspend-{}", m.as_str())),
            )
        })
        .collect();
    let (title, action) = match id {
        Some(id) => (
            t(ctx, "routers-edit"),
            format!("/console/routers/{id}/edit"),
        ),
        None => (t(ctx, "routers-new"), "/console/routers/new".to_owned()),
    };
    let mut res = page(
        ctx,
        &title,
        html! {
            (errors.banner(ctx))
            form #router-form method="post" action=(action) {
                (csrf_field(ctx))
                (ui::field(ctx, "name", Input::Text, &text(&draft.name, cur.map(|c| c.name.as_str())), errors, true))
                (ui::field(ctx, "host", Input::Text, &text(&draft.host, cur.map(|c| c.host.as_str())), errors, true))
                (ui::select(ctx, "transport", &transports, &transport, errors))
                (ui::field(ctx, "port", Input::Number, &port, errors, false))
                (ui::field(ctx, "username", Input::Text, &text(&draft.username, cur.map(|c| c.username.as_str())), errors, true))
                (ui::field(ctx, "password", Input::Password, "", errors, id.is_none()))
                @if id.is_some() { p.hint { (t(ctx, "routers-password-unchanged")) } }
                (ui::field(ctx, "tls_fingerprint", Input::Text, &fingerprint, errors, false))
                (ui::select(ctx, "suspend_mode", &modes, if suspend.is_empty() { "disable" } else { &suspend }, errors))
                (ui::field(ctx, "isolation_profile", Input::Text, &isolation, errors, false))
                div.field.check {
                    input #f-is_default type="checkbox" name="is_default" value="true" checked[is_default];
                    label for="f-is_default" { (t(ctx, "field-is-default")) }
                }
                div.buttons {
                    button type="submit" { (t(ctx, "action-save")) }
                    a href="/console/routers" { (t(ctx, "action-cancel")) }
                }
            }
        },
    );
    *res.status_mut() = status;
    res
}

fn form_refused(e: &AppError) -> bool {
    !matches!(e, AppError::Forbidden(_) | AppError::NotFound(_))
}

/// `GET /console/routers/new`.
async fn new_form(ctx: Ctx) -> Response {
    if let Some(r) = refused(&ctx) {
        return r;
    }
    router_form(
        &ctx,
        None,
        None,
        &RouterDraft::default(),
        &FormErrors::default(),
        StatusCode::OK,
    )
}

/// `POST /console/routers/new`: as `POST /routers`.
async fn create(State(app): State<AppState>, posted: Posted<RouterDraft>) -> Response {
    let ctx = posted.ctx;
    if let Some(r) = refused(&ctx) {
        return r;
    }
    let draft = match posted.form {
        Ok(d) => d,
        Err(e) => {
            let errors = FormErrors::from_parse(&ctx, &e);
            return router_form(
                &ctx,
                None,
                None,
                &RouterDraft::default(),
                &errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            );
        }
    };
    let once = Once::unkeyed();
    match svc::create(&app, ctx.actor(), &draft, once).await {
        Ok(_) => Redirect::to("/console/routers?done=saved").into_response(),
        Err(e) if form_refused(&e) => router_form(
            &ctx,
            None,
            None,
            &draft,
            &FormErrors::from_app(&ctx, &e),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(e) => error_page(&ctx, &e),
    }
}

/// `GET /console/routers/{id}/edit`.
async fn edit_form(State(app): State<AppState>, PathId(id): PathId, ctx: Ctx) -> Response {
    match svc::get(&app, ctx.actor(), RouterId(id)).await {
        Ok(r) => router_form(
            &ctx,
            Some(id),
            Some(&r),
            &RouterDraft::default(),
            &FormErrors::default(),
            StatusCode::OK,
        ),
        Err(e) => error_page(&ctx, &e),
    }
}

/// `POST /console/routers/{id}/edit`: as `PUT /routers/{id}`; an empty password keeps it.
async fn update(
    State(app): State<AppState>,
    PathId(id): PathId,
    posted: Posted<RouterDraft>,
) -> Response {
    let ctx = posted.ctx;
    if let Some(r) = refused(&ctx) {
        return r;
    }
    let draft = match posted.form {
        Ok(d) => d,
        Err(e) => {
            let errors = FormErrors::from_parse(&ctx, &e);
            return router_form(
                &ctx,
                Some(id),
                None,
                &RouterDraft::default(),
                &errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            );
        }
    };
    match svc::update(&app, ctx.actor(), RouterId(id), &draft).await {
        Ok(_) => Redirect::to("/console/routers?done=saved").into_response(),
        Err(e) if form_refused(&e) => router_form(
            &ctx,
            Some(id),
            None,
            &draft,
            &FormErrors::from_app(&ctx, &e),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(e) => error_page(&ctx, &e),
    }
}

fn delete_page(ctx: &Ctx, id: i64, name: &str, error: Option<String>) -> Response {
    page(
        ctx,
        &t(ctx, "action-delete"),
        html! {
            @if let Some(e) = error { p.alert role="alert" #delete-error { (e) } }
            p #confirm-text { (t_args(ctx, "routers-delete-confirm", &[("name", Arg::from(name))])) }
            form #delete-form method="post" action=(format!("/console/routers/{id}/delete")) {
                (csrf_field(ctx))
                div.buttons {
                    button.danger type="submit" { (t(ctx, "action-delete")) }
                    a href="/console/routers" { (t(ctx, "action-cancel")) }
                }
            }
        },
    )
}

/// `GET /console/routers/{id}/delete`: asks first.
async fn confirm_delete(State(app): State<AppState>, PathId(id): PathId, ctx: Ctx) -> Response {
    match svc::get(&app, ctx.actor(), RouterId(id)).await {
        Ok(r) => delete_page(&ctx, id, &r.settings.name, None),
        Err(e) => error_page(&ctx, &e),
    }
}

/// `POST /console/routers/{id}/delete`: refused while clients are on the router.
async fn delete(
    State(app): State<AppState>,
    PathId(id): PathId,
    posted: Posted<Nothing>,
) -> Response {
    let ctx = posted.ctx;
    match svc::delete(&app, ctx.actor(), RouterId(id)).await {
        Ok(()) => Redirect::to("/console/routers?done=deleted").into_response(),
        Err(e @ AppError::Conflict { .. }) => {
            let mut res = delete_page(
                &ctx,
                id,
                &id.to_string(),
                Some(ui::general_message(&ctx, &e)),
            );
            *res.status_mut() = StatusCode::CONFLICT;
            res
        }
        Err(e) => error_page(&ctx, &e),
    }
}
