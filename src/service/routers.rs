//! The routers registry (admin): settings, a live status check, the outbox's jobs, reconcile.

use chrono::Utc;
use futures_util::TryFutureExt;

use super::{AppError, Page, require};
use crate::app::App;
use crate::domain::ids::{JobId, RouterId};
use crate::domain::router::{Router, RouterDraft, RouterSettings};
use crate::domain::user::{Actor, Role};
use crate::domain::validation::Sealed;
use crate::provisioning::connections::connect;
use crate::provisioning::reconcile::{self, Drift, ReconcileError};
use crate::storage::repo::jobs::{self, Job};
use crate::storage::repo::routers as repo;
use crate::storage::{Exec, StoreError};
use crate::tx;

const ADMIN_ONLY: &str = "only an admin may manage routers";

fn not_found(id: RouterId) -> AppError {
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

pub async fn create(app: &App, actor: &Actor, draft: &RouterDraft) -> Result<Router, AppError> {
    require(actor, Role::manages_users, ADMIN_ONLY)?;
    let (settings, password) = RouterSettings::validate(draft)?;
    let router = Router {
        id: RouterId(0),
        settings,
        password: app.secrets.seal(&password),
    };
    tx!(app, write, |ex| create_tx(ex, router)).await
}

pub async fn create_tx(ex: &mut dyn Exec, mut r: Router) -> Result<Router, AppError> {
    let first = repo::list(ex).await?.is_empty();
    r.id = repo::insert(ex, &r, Utc::now()).await.map_err(name_taken)?;
    // The first router is the default: clients registered without one go there.
    if first || r.settings.is_default {
        repo::set_default(ex, r.id).await?;
        r.settings.is_default = true;
    }
    Ok(r)
}

pub async fn update(
    app: &App,
    actor: &Actor,
    id: RouterId,
    draft: &RouterDraft,
) -> Result<Router, AppError> {
    require(actor, Role::manages_users, ADMIN_ONLY)?;
    let sealed = draft.password.as_deref().map(|p| app.secrets.seal(p));
    let draft = draft.clone();
    let r = tx!(app, write, |ex| update_tx(ex, id, &draft, sealed)).await?;
    app.connections.drop_router(id);
    Ok(r)
}

/// `sealed` is the draft's password, already sealed.
pub async fn update_tx(
    ex: &mut dyn Exec,
    id: RouterId,
    draft: &RouterDraft,
    sealed: Option<Sealed>,
) -> Result<Router, AppError> {
    let mut r = repo::get(ex, id).await?.ok_or_else(|| not_found(id))?;
    r.settings.patch(draft)?;
    if let Some(p) = sealed {
        r.password = p;
    }
    repo::update(ex, &r, Utc::now()).await.map_err(name_taken)?;
    if r.settings.is_default {
        repo::set_default(ex, id).await?;
    }
    Ok(r)
}

pub async fn get(app: &App, actor: &Actor, id: RouterId) -> Result<Router, AppError> {
    require(actor, Role::manages_users, ADMIN_ONLY)?;
    tx!(app, read, |ex| repo::get(ex, id))
        .await?
        .ok_or_else(|| not_found(id))
}

pub async fn list(app: &App, actor: &Actor) -> Result<Vec<Router>, AppError> {
    require(actor, Role::manages_users, ADMIN_ONLY)?;
    tx!(app, read, |ex| repo::list(ex)).await
}

pub async fn delete(app: &App, actor: &Actor, id: RouterId) -> Result<(), AppError> {
    require(actor, Role::manages_users, ADMIN_ONLY)?;
    let deleted = tx!(app, write, |ex| repo::delete(ex, id).map_err(
        super::in_use("router_id", "clients are on this router; move them first",)
    ))
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

pub async fn status(app: &App, actor: &Actor, id: RouterId) -> Result<RouterStatus, AppError> {
    let r = get(app, actor, id).await?;
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
    actor: &Actor,
    id: RouterId,
    status: Option<&'static str>,
    page: Page,
) -> Result<(Vec<Job>, i64), AppError> {
    get(app, actor, id).await?;
    let (limit, offset) = page.limit_offset();
    tx!(app, read, |ex| jobs::page(ex, id, status, limit, offset)).await
}

/// Puts failed jobs (one, or all of the router's) back in the queue.
pub async fn retry(
    app: &App,
    actor: &Actor,
    id: RouterId,
    job: Option<JobId>,
) -> Result<u64, AppError> {
    get(app, actor, id).await?;
    let n = tx!(app, write, |ex| jobs::retry_failed(ex, id, job, Utc::now())).await?;
    app.jobs_ready.notify_one();
    Ok(n)
}

pub async fn reconcile(
    app: &App,
    actor: &Actor,
    id: RouterId,
    apply: bool,
) -> Result<Drift, AppError> {
    let r = get(app, actor, id).await?;
    reconcile::reconcile(app, &r, apply)
        .await
        .map_err(|e| match e {
            ReconcileError::Store(e) => e.into(),
            ReconcileError::Router(m) => AppError::Unavailable(m),
        })
}
