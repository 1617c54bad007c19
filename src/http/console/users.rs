//! Console pages: users (admin). Every change goes through `service::auth`, which holds the
//! rules (who may, the last admin, which changes end sessions); a refusal is shown next to
//! the user it concerns.

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use maud::{Markup, html};

use super::session::{Ctx, PathId, Posted};
use super::ui::{self, FormErrors, Input, allowed, csrf_field, error_page, page, t, t_args};
use crate::app::AppState;
use crate::domain::ids::UserId;
use crate::domain::user::{Role, User, UserDraft};
use crate::i18n::Arg;
use crate::service::AppError;
use crate::service::auth as svc;
use crate::service::idempotency::Once;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/users", get(list))
        .route("/console/users/new", get(new_form).post(create))
        .route("/console/users/{id}", axum::routing::post(update))
        .route("/console/users/{id}/revoke", axum::routing::post(revoke))
        .route(
            "/console/users/{id}/delete",
            get(confirm_delete).post(delete),
        )
}

/// A refusal the page cannot show beside a field: the role's, a user that is gone.
fn whole_page(e: &AppError) -> bool {
    matches!(e, AppError::Forbidden(_) | AppError::NotFound(_))
}

fn role_options(ctx: &Ctx) -> Vec<(String, String)> {
    Role::ALL
        .iter()
        .map(|r| {
            (
                r.as_str().to_owned(),
                t(ctx, &format!("role-{}", r.as_str())),
            )
        })
        .collect()
}

/// `GET /console/users`.
async fn list(State(app): State<AppState>, ctx: Ctx, RawQuery(q): RawQuery) -> Response {
    if let Err(r) = allowed(&ctx, Role::manages_users) {
        return r;
    }
    let notice = match q.as_deref() {
        Some("done=created") => Some(t(&ctx, "users-created")),
        Some("done=saved") => Some(t(&ctx, "users-saved")),
        Some("done=deleted") => Some(t(&ctx, "users-deleted")),
        Some("done=revoked") => Some(t(&ctx, "users-revoked")),
        _ => None,
    };
    list_page(&app, &ctx, None, notice, StatusCode::OK).await
}

/// The list, with a refusal shown on the row of the user it concerns.
async fn list_page(
    app: &AppState,
    ctx: &Ctx,
    refused: Option<(UserId, FormErrors)>,
    notice: Option<String>,
    status: StatusCode,
) -> Response {
    let users = match svc::list_users(app, ctx.actor()).await {
        Ok(u) => u,
        Err(e) => return error_page(ctx, &e),
    };
    let mut res = page(
        ctx,
        &t(ctx, "nav-users"),
        html! {
            @if let Some(n) = notice { p.notice role="status" { (n) } }
            p { a.button href="/console/users/new" #new-user { (t(ctx, "users-new")) } }
            table.responsive #users {
                thead { tr {
                    th scope="col" { (t(ctx, "field-username")) }
                    th scope="col" { (t(ctx, "field-role")) }
                    th scope="col" { (t(ctx, "users-status")) }
                    th scope="col" { (t(ctx, "users-actions")) }
                } }
                tbody {
                    @for u in &users {
                        (row(ctx, u, refused.as_ref().filter(|(id, _)| *id == u.id).map(|(_, e)| e)))
                    }
                }
            }
        },
    );
    *res.status_mut() = status;
    res
}

fn row(ctx: &Ctx, u: &User, errors: Option<&FormErrors>) -> Markup {
    let id = u.id.0;
    let action = format!("/console/users/{id}");
    let (status_key, toggle_key, toggle_to) = if u.disabled {
        ("users-disabled", "users-enable", "false")
    } else {
        ("users-active", "users-disable", "true")
    };
    let name = Arg::from(u.username.as_str());
    html! {
        tr #(format!("user-{id}")) {
            td data-label=(t(ctx, "field-username")) { (u.username) }
            td data-label=(t(ctx, "field-role")) {
                form.inline method="post" action=(action) {
                    (csrf_field(ctx))
                    label.visually-hidden for=(format!("role-{id}")) { (t_args(ctx, "users-role-of", &[("username", name.clone())])) }
                    select id=(format!("role-{id}")) name="role" {
                        @for (v, shown) in role_options(ctx) {
                            option value=(v) selected[v == u.role.as_str()] { (shown) }
                        }
                    }
                    button type="submit" { (t(ctx, "users-change-role")) }
                }
            }
            td data-label=(t(ctx, "users-status")) {
                span class=(format!("badge badge-{}", if u.disabled { "disabled" } else { "active" })) { (t(ctx, status_key)) }
            }
            td data-label=(t(ctx, "users-actions")) {
                @if let Some(e) = errors {
                    p.field-error role="alert" id=(format!("user-{id}-error")) {
                        @for (_, m) in &e.fields { (m) " " }
                        @if let Some(g) = &e.general { (g) }
                    }
                }
                div.actions {
                    form.inline method="post" action=(action) {
                        (csrf_field(ctx))
                        input type="hidden" name="disabled" value=(toggle_to);
                        button type="submit" { (t(ctx, toggle_key)) }
                    }
                    form.inline method="post" action=(action) {
                        (csrf_field(ctx))
                        label.visually-hidden for=(format!("password-{id}")) { (t_args(ctx, "users-new-password", &[("username", name.clone())])) }
                        input id=(format!("password-{id}")) type="password" name="password" autocomplete="new-password" required
                            placeholder=(t(ctx, "field-password"));
                        button type="submit" { (t(ctx, "users-reset-password")) }
                    }
                    form.inline method="post" action=(format!("{action}/revoke")) {
                        (csrf_field(ctx))
                        button type="submit" { (t(ctx, "users-revoke")) }
                    }
                    a.button.danger href=(format!("{action}/delete")) { (t(ctx, "action-delete")) }
                }
            }
        }
    }
}

fn user_form(ctx: &Ctx, draft: &UserDraft, errors: &FormErrors, status: StatusCode) -> Response {
    let mut res = page(
        ctx,
        &t(ctx, "users-new"),
        html! {
            (errors.banner(ctx))
            form #user-form method="post" action="/console/users/new" {
                (csrf_field(ctx))
                (ui::field(ctx, "username", Input::Text, draft.username.as_deref().unwrap_or(""), errors, true))
                (ui::field(ctx, "password", Input::Password, "", errors, true))
                (ui::select(ctx, "role", &role_options(ctx), draft.role.as_deref().unwrap_or("operator"), errors))
                div.buttons {
                    button type="submit" { (t(ctx, "action-save")) }
                    a href="/console/users" { (t(ctx, "action-cancel")) }
                }
            }
        },
    );
    *res.status_mut() = status;
    res
}

/// `GET /console/users/new`.
async fn new_form(ctx: Ctx) -> Response {
    if let Err(r) = allowed(&ctx, Role::manages_users) {
        return r;
    }
    user_form(
        &ctx,
        &UserDraft::default(),
        &FormErrors::default(),
        StatusCode::OK,
    )
}

/// `POST /console/users/new`: as `POST /auth/register` by an admin.
async fn create(State(app): State<AppState>, posted: Posted<UserDraft>) -> Response {
    let ctx = posted.ctx;
    if let Err(r) = allowed(&ctx, Role::manages_users) {
        return r;
    }
    let draft = match posted.form {
        Ok(d) => d,
        Err(e) => {
            let errors = FormErrors::from_parse(&ctx, &e);
            return user_form(
                &ctx,
                &UserDraft::default(),
                &errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            );
        }
    };
    let once = Once::unkeyed();
    match svc::register(&app, Some(ctx.actor()), &draft, once).await {
        Ok(_) => Redirect::to("/console/users?done=created").into_response(),
        Err(e) if whole_page(&e) => error_page(&ctx, &e),
        Err(e) => user_form(
            &ctx,
            &draft,
            &FormErrors::from_app(&ctx, &e),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    }
}

/// `POST /console/users/{id}`: a new role, disabled or enabled, or a new password.
async fn update(
    State(app): State<AppState>,
    PathId(id): PathId,
    posted: Posted<UserDraft>,
) -> Response {
    let ctx = posted.ctx;
    if let Err(r) = allowed(&ctx, Role::manages_users) {
        return r;
    }
    let id = UserId(id);
    let result = match posted.form {
        Ok(draft) => svc::update_user(&app, ctx.actor(), id, &draft)
            .await
            .map(|_| ()),
        Err(e) => {
            let errors = FormErrors::from_parse(&ctx, &e);
            return list_page(
                &app,
                &ctx,
                Some((id, errors)),
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    answer(&app, &ctx, id, result, "saved").await
}

async fn answer(
    app: &AppState,
    ctx: &Ctx,
    id: UserId,
    result: Result<(), AppError>,
    done: &str,
) -> Response {
    match result {
        Ok(()) => Redirect::to(&format!("/console/users?done={done}")).into_response(),
        Err(e) if whole_page(&e) => error_page(ctx, &e),
        Err(e) => {
            let errors = FormErrors::from_app(ctx, &e);
            let status = match e {
                AppError::Conflict { .. } => StatusCode::CONFLICT,
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            list_page(app, ctx, Some((id, errors)), None, status).await
        }
    }
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Nothing {}

/// `POST /console/users/{id}/revoke`: ends every session of the user.
async fn revoke(
    State(app): State<AppState>,
    PathId(id): PathId,
    posted: Posted<Nothing>,
) -> Response {
    let ctx = posted.ctx;
    if let Err(r) = allowed(&ctx, Role::manages_users) {
        return r;
    }
    let id = UserId(id);
    let result = svc::revoke_tokens(&app, ctx.actor(), id).await.map(|_| ());
    answer(&app, &ctx, id, result, "revoked").await
}

/// `GET /console/users/{id}/delete`: asks first.
async fn confirm_delete(State(app): State<AppState>, PathId(id): PathId, ctx: Ctx) -> Response {
    if let Err(r) = allowed(&ctx, Role::manages_users) {
        return r;
    }
    let user = match svc::get_user(&app, ctx.actor(), UserId(id)).await {
        Ok(u) => u,
        Err(e) => return error_page(&ctx, &e),
    };
    page(
        &ctx,
        &t(&ctx, "action-delete"),
        html! {
            p #confirm-text { (t_args(&ctx, "users-delete-confirm", &[("username", Arg::from(user.username.as_str()))])) }
            form #delete-form method="post" action=(format!("/console/users/{id}/delete")) {
                (csrf_field(&ctx))
                div.buttons {
                    button.danger type="submit" { (t(&ctx, "action-delete")) }
                    a href="/console/users" { (t(&ctx, "action-cancel")) }
                }
            }
        },
    )
}

/// `POST /console/users/{id}/delete`.
async fn delete(
    State(app): State<AppState>,
    PathId(id): PathId,
    posted: Posted<Nothing>,
) -> Response {
    let ctx = posted.ctx;
    if let Err(r) = allowed(&ctx, Role::manages_users) {
        return r;
    }
    let id = UserId(id);
    let result = svc::delete_user(&app, ctx.actor(), id).await;
    answer(&app, &ctx, id, result, "deleted").await
}
