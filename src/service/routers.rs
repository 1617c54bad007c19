//! The routers registry (admin): settings, a live status check, the outbox's jobs, reconcile.

use chrono::Utc;
use futures_util::TryFutureExt;

use super::idempotency::{Once, Outcome};
use super::{AppError, Page, require};
use crate::app::App;
use crate::domain::ids::{JobId, RouterId};
use crate::domain::router::{Router, RouterDraft, RouterHealth, RouterSettings, Transport};
use crate::domain::secret::{SyncObject, SyncStatus};
use crate::domain::user::{Actor, Role};
use crate::domain::validation::Sealed;
use crate::provisioning::connections::connect;
use crate::provisioning::outbox;
use crate::provisioning::reconcile::{self, ReconcileError, Report};
use crate::storage::repo::routers as repo;
use crate::storage::repo::sync::{self, QueueStats};
use crate::storage::{Exec, StoreError};
use crate::{tx, tx_once};

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

/// Once per `Idempotency-Key` (see [`super::idempotency`]).
pub async fn create(
    app: &App,
    actor: &Actor,
    draft: &RouterDraft,
    once: Once<Router>,
) -> Result<Outcome<Router>, AppError> {
    require(actor, Role::manages_users, ADMIN_ONLY)?;
    let (settings, password) = RouterSettings::validate(draft)?;
    let router = Router {
        id: RouterId(0),
        settings,
        password: app.secrets.seal(&password),
    };
    let out = tx_once!(app, actor.id, once, |ex| create_tx(ex, router)).await?;
    if let Some(r) = out.created() {
        app.jobs_ready.notify_one();
        warn_plaintext(r);
    }
    Ok(out)
}

pub async fn create_tx(ex: &mut dyn Exec, mut r: Router) -> Result<Router, AppError> {
    let first = repo::list(ex).await?.is_empty();
    r.id = repo::insert(ex, &r, Utc::now()).await.map_err(name_taken)?;
    // The first router is the default: clients registered without one go there.
    if first || r.settings.is_default {
        repo::set_default(ex, r.id).await?;
        r.settings.is_default = true;
    }
    outbox::router_added(ex, r.id).await?;
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
    warn_plaintext(&r);
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

/// Logs that a router is reached over a plaintext transport (passwords cross the network).
pub fn warn_plaintext(r: &Router) {
    if matches!(r.settings.transport, Transport::Api | Transport::RestHttp) {
        tracing::warn!(
            router = %r.id, name = %r.settings.name, transport = %r.settings.transport,
            "router reached without TLS: its password and the PPP passwords cross the network \
             in the clear; use api-ssl with a pinned tls_fingerprint"
        );
    }
}

/// A router with what the workers know of it and its queue.
#[derive(Debug, Clone)]
pub struct RouterView {
    pub router: Router,
    pub health: RouterHealth,
    pub queue: QueueStats,
}

async fn view_tx(ex: &mut dyn Exec, r: Router) -> Result<RouterView, StoreError> {
    let health = repo::health(ex, r.id).await?.unwrap_or_default();
    let queue = sync::stats(ex, r.id).await?;
    Ok(RouterView {
        router: r,
        health,
        queue,
    })
}

/// One router with its health and queue.
pub async fn view(app: &App, actor: &Actor, id: RouterId) -> Result<RouterView, AppError> {
    let r = get(app, actor, id).await?;
    tx!(app, read, |ex| view_tx(ex, r)).await
}

/// Every router with its health and queue (also for `/health/ready`, which needs no role).
pub async fn views(app: &App) -> Result<Vec<RouterView>, AppError> {
    tx!(app, read, |ex| async move {
        let mut out = Vec::new();
        for r in repo::list(ex).await? {
            out.push(view_tx(ex, r).await?);
        }
        Ok::<_, StoreError>(out)
    })
    .await
}

/// What a live connection to the router reports, beside what the workers know.
#[derive(Debug, Clone)]
pub struct RouterStatus {
    pub view: RouterView,
    pub reachable: bool,
    pub identity: Option<String>,
    pub version: Option<String>,
    pub board: Option<String>,
    /// The failure's short classification (`refused`, `timeout`, `tls`, `auth`,
    /// `not_routeros`, a RouterOS message), with the router's host:port.
    pub error: Option<String>,
}

/// Connects now and asks the router who it is.
pub async fn status(app: &App, actor: &Actor, id: RouterId) -> Result<RouterStatus, AppError> {
    let view = view(app, actor, id).await?;
    let result = async {
        let api = connect(&view.router, &app.secrets)
            .await
            .map_err(|e| match e {
                crate::provisioning::connections::ConnectError::Router(e) => e.summary(),
                e => e.to_string(),
            })?;
        let identity = api.identity().await.map_err(|e| e.summary())?;
        let res = api.resource().await.map_err(|e| e.summary())?;
        Ok::<_, String>((identity, res))
    }
    .await;
    Ok(match result {
        Ok((identity, res)) => RouterStatus {
            view,
            reachable: true,
            identity: Some(identity),
            version: Some(res.version),
            board: res.board_name,
            error: None,
        },
        Err(e) => RouterStatus {
            view,
            reachable: false,
            identity: None,
            version: None,
            board: None,
            error: Some(e),
        },
    })
}

/// The router's sync objects, filtered by status.
pub async fn jobs(
    app: &App,
    actor: &Actor,
    id: RouterId,
    status: Option<SyncStatus>,
    page: Page,
) -> Result<(Vec<SyncObject>, i64), AppError> {
    get(app, actor, id).await?;
    let (limit, offset) = page.limit_offset();
    tx!(app, read, |ex| sync::page(ex, id, status, limit, offset)).await
}

/// Puts failed objects (one, or all of the router's) back in the queue: the next round
/// applies what the database says then.
pub async fn retry(
    app: &App,
    actor: &Actor,
    id: RouterId,
    job: Option<JobId>,
) -> Result<u64, AppError> {
    get(app, actor, id).await?;
    let n = tx!(app, write, |ex| sync::retry_failed(ex, id, job, Utc::now())).await?;
    app.jobs_ready.notify_one();
    Ok(n)
}

pub async fn reconcile(
    app: &App,
    actor: &Actor,
    id: RouterId,
    apply: bool,
) -> Result<Report, AppError> {
    let r = get(app, actor, id).await?;
    reconcile::reconcile(app, &r, apply)
        .await
        .map_err(|e| match e {
            ReconcileError::Store(e) => e.into(),
            ReconcileError::Router(m) => AppError::Unavailable(m),
        })
}
