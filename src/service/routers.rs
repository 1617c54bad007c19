//! The routers registry (admin): settings, a live status check, the outbox's jobs, reconcile.

use chrono::Utc;

use super::{AppError, Page, require};
use crate::app::App;
use crate::domain::provisioning::{RouterInput, router_settings};
use crate::domain::user::Role;
use crate::provisioning::connections::connect;
use crate::provisioning::reconcile::{self, Drift, ReconcileError};
use crate::read;
use crate::security::token_cache::AuthUser;
use crate::storage::StoreError;
use crate::storage::repo::jobs::{self, Job};
use crate::storage::repo::routers::{self as repo, RouterRecord};

const ADMIN_ONLY: &str = "only an admin may manage routers";

fn not_found(id: i64) -> AppError {
    AppError::NotFound(format!("router {id}"))
}

fn name_taken(e: StoreError) -> AppError {
    if e.is_unique_on("name") {
        AppError::Conflict {
            field: "name",
            message: "a router with this name exists".into(),
        }
    } else {
        e.into()
    }
}

pub async fn create(
    app: &App,
    actor: &AuthUser,
    input: RouterInput,
) -> Result<RouterRecord, AppError> {
    require(actor, Role::manages_users, ADMIN_ONLY)?;
    let (settings, password) = router_settings(None, &input)?;
    let password_enc = app.secrets.seal(&password.unwrap_or_default());
    app.db
        .write(move |ex| {
            Box::pin(async move {
                let first = repo::list(ex).await?.is_empty();
                let id = repo::insert(ex, &settings, &password_enc, Utc::now())
                    .await
                    .map_err(name_taken)?;
                // The first router is the default: clients registered without one go there.
                if first || settings.is_default {
                    repo::set_default(ex, id).await?;
                }
                repo::get(ex, id).await?.ok_or_else(|| not_found(id))
            })
        })
        .await
}

pub async fn update(
    app: &App,
    actor: &AuthUser,
    id: i64,
    input: RouterInput,
) -> Result<RouterRecord, AppError> {
    require(actor, Role::manages_users, ADMIN_ONLY)?;
    let sealed_new = input.password.as_deref().map(|p| app.secrets.seal(p));
    let r = app
        .db
        .write(move |ex| {
            Box::pin(async move {
                let mut r = repo::get(ex, id).await?.ok_or_else(|| not_found(id))?;
                let (settings, _) = router_settings(Some(&r.settings), &input)?;
                r.settings = settings;
                if let Some(p) = sealed_new {
                    r.password_enc = p;
                }
                repo::update(ex, &r, Utc::now()).await.map_err(name_taken)?;
                if r.settings.is_default {
                    repo::set_default(ex, id).await?;
                }
                Ok::<_, AppError>(r)
            })
        })
        .await?;
    app.connections.drop_router(id);
    Ok(r)
}

pub async fn get(app: &App, id: i64) -> Result<RouterRecord, AppError> {
    read!(app, |ex| repo::get(ex, id))
        .await?
        .ok_or_else(|| not_found(id))
}

pub async fn list(app: &App, actor: &AuthUser) -> Result<Vec<RouterRecord>, AppError> {
    require(actor, Role::manages_users, ADMIN_ONLY)?;
    read!(app, |ex| repo::list(ex)).await
}

pub async fn delete(app: &App, actor: &AuthUser, id: i64) -> Result<(), AppError> {
    require(actor, Role::manages_users, ADMIN_ONLY)?;
    let deleted = app
        .db
        .write(move |ex| {
            Box::pin(async move {
                repo::delete(ex, id).await.map_err(super::in_use(
                    "router_id",
                    "clients are on this router; move them first",
                ))
            })
        })
        .await?;
    app.connections.drop_router(id);
    if deleted { Ok(()) } else { Err(not_found(id)) }
}

/// What a live connection to the router reports.
#[derive(Debug, Clone)]
pub struct RouterStatus {
    pub reachable: bool,
    pub identity: Option<String>,
    pub version: Option<String>,
    pub board: Option<String>,
    pub error: Option<String>,
}

pub async fn status(app: &App, actor: &AuthUser, id: i64) -> Result<RouterStatus, AppError> {
    require(actor, Role::manages_users, ADMIN_ONLY)?;
    let r = get(app, id).await?;
    let result = async {
        let api = connect(&r, &app.secrets).await.map_err(|e| e.to_string())?;
        let identity = api.identity().await.map_err(|e| e.to_string())?;
        let res = api.resource().await.map_err(|e| e.to_string())?;
        Ok::<_, String>((identity, res))
    }
    .await;
    Ok(match result {
        Ok((identity, res)) => RouterStatus {
            reachable: true,
            identity: Some(identity),
            version: Some(res.version),
            board: res.board_name,
            error: None,
        },
        Err(e) => RouterStatus {
            reachable: false,
            identity: None,
            version: None,
            board: None,
            error: Some(e),
        },
    })
}

pub async fn jobs(
    app: &App,
    actor: &AuthUser,
    id: i64,
    status: Option<&'static str>,
    page: Page,
) -> Result<(Vec<Job>, i64), AppError> {
    require(actor, Role::manages_users, ADMIN_ONLY)?;
    get(app, id).await?;
    let (limit, offset) = page.limit_offset();
    read!(app, |ex| jobs::page(ex, id, status, limit, offset)).await
}

/// Puts failed jobs (one, or all of the router's) back in the queue.
pub async fn retry(
    app: &App,
    actor: &AuthUser,
    id: i64,
    job: Option<i64>,
) -> Result<u64, AppError> {
    require(actor, Role::manages_users, ADMIN_ONLY)?;
    get(app, id).await?;
    let n = app
        .db
        .write(move |ex| Box::pin(async move { jobs::retry_failed(ex, id, job, Utc::now()).await }))
        .await?;
    app.jobs_ready.notify_one();
    Ok(n)
}

pub async fn reconcile(
    app: &App,
    actor: &AuthUser,
    id: i64,
    apply: bool,
) -> Result<Drift, AppError> {
    require(actor, Role::manages_users, ADMIN_ONLY)?;
    let r = get(app, id).await?;
    reconcile::reconcile(app, &r, apply)
        .await
        .map_err(|e| match e {
            ReconcileError::Store(e) => e.into(),
            ReconcileError::Router(m) => AppError::Unavailable(m),
        })
}
