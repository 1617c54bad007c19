//! `/routers` (admin): the registry, a live status check, the outbox's jobs and reconcile.

use axum::Json;
use axum::extract::State;
use axum::response::Response;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{Data, Envelope, Message, envelope, message, page_of, paged};
use crate::app::AppState;
use crate::domain::ids::{ClientId, JobId, PlanId, RouterId};
use crate::domain::router::{Router, RouterDraft, SuspendMode, Transport};
use crate::domain::secret::{SyncKind, SyncObject, SyncStatus};
use crate::http::error::{ApiError, ErrorBody};
use crate::http::extract::{Auth, Id, JsonBody, PathParams, Query};
use crate::http::idempotent::{IdempotencyKey, Keyed, created, respond};
use crate::http::openapi::RouterCreate;
use crate::provisioning::reconcile::Report;
use crate::service::routers as svc;

/// A router as shown: never its password.
#[derive(Debug, Serialize, ToSchema)]
pub struct RouterJson {
    pub router_id: RouterId,
    pub name: String,
    pub host: String,
    pub port: u16,
    pub transport: Transport,
    pub username: String,
    /// The pinned SHA-256 of the router's TLS certificate, if any.
    pub tls_fingerprint: Option<String>,
    pub suspend_mode: SuspendMode,
    pub isolation_profile: Option<String>,
    pub is_default: bool,
    /// Whether passwords cross the network in the clear (`api`, `rest-http`).
    pub plaintext: bool,
    /// What the workers know of it (absent on answers to a change).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<RouterStateJson>,
}

/// A router's reachability and queue, as the workers last saw them.
#[derive(Debug, Serialize, ToSchema)]
pub struct RouterStateJson {
    /// `null` until a worker has tried it.
    pub reachable: Option<bool>,
    /// Since when it has been reachable, or not.
    pub since: Option<DateTime<Utc>>,
    /// The last failure's classification and host:port.
    pub last_error: Option<String>,
    pub last_contact_at: Option<DateTime<Utc>>,
    /// Objects waiting to be applied.
    pub queue_depth: i64,
    /// Age of the oldest waiting object.
    pub oldest_pending_seconds: Option<i64>,
    /// Objects the router refused too often.
    pub failed: i64,
    pub last_reconcile_at: Option<DateTime<Utc>>,
}

impl From<svc::RouterView> for RouterJson {
    fn from(v: svc::RouterView) -> Self {
        let now = Utc::now();
        let mut json = RouterJson::from(v.router);
        json.state = Some(RouterStateJson {
            reachable: v.health.reachable,
            since: v.health.since,
            last_error: v.health.last_error,
            last_contact_at: v.health.last_contact_at,
            queue_depth: v.queue.pending,
            oldest_pending_seconds: v
                .queue
                .oldest_pending
                .map(|t| (now - t).num_seconds().max(0)),
            failed: v.queue.failed,
            last_reconcile_at: v.health.last_reconcile_at,
        });
        json
    }
}

impl From<Router> for RouterJson {
    fn from(r: Router) -> Self {
        let s = r.settings;
        RouterJson {
            router_id: r.id,
            name: s.name,
            host: s.host,
            port: s.port,
            transport: s.transport,
            username: s.username,
            tls_fingerprint: s.tls_fingerprint,
            suspend_mode: s.suspend_mode,
            plaintext: matches!(s.transport, Transport::Api | Transport::RestHttp),
            isolation_profile: s.isolation_profile,
            is_default: s.is_default,
            state: None,
        }
    }
}

#[utoipa::path(get, path = "/routers", tag = "routers",
    responses((status = 200, body = Envelope<Vec<RouterJson>>)))]
pub async fn list(
    State(app): State<AppState>,
    auth: Auth,
) -> Result<Json<Envelope<Vec<RouterJson>>>, ApiError> {
    svc::list(&app, &auth.actor).await?;
    let rows = svc::views(&app).await?;
    Ok(envelope(
        "Routers retrieved successfully",
        rows.into_iter().map(RouterJson::from).collect(),
    ))
}

#[utoipa::path(post, path = "/routers", tag = "routers", request_body = RouterCreate,
    params(IdempotencyKey),
    responses((status = 201, body = Envelope<RouterJson>), (status = 409, body = ErrorBody)))]
pub async fn create(
    State(app): State<AppState>,
    auth: Auth,
    Keyed(retry, JsonBody(body)): Keyed<JsonBody<RouterDraft>>,
) -> Result<Response, ApiError> {
    let once = retry
        .answer(|r: &Router| created("Router created successfully", RouterJson::from(r.clone())));
    Ok(respond(svc::create(&app, &auth.actor, &body, once).await?))
}

#[utoipa::path(get, path = "/routers/{id}", tag = "routers",
    params(("id" = i64, Path, description = "router id")),
    responses((status = 200, body = Envelope<RouterJson>), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(app): State<AppState>,
    auth: Auth,
    Id(id): Id<RouterId>,
) -> Result<Json<Envelope<RouterJson>>, ApiError> {
    Ok(envelope(
        "Router retrieved successfully",
        svc::view(&app, &auth.actor, id).await?.into(),
    ))
}

#[utoipa::path(put, path = "/routers/{id}", tag = "routers", request_body = RouterDraft,
    params(("id" = i64, Path, description = "router id")),
    responses((status = 200, body = Envelope<RouterJson>), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
pub async fn update(
    State(app): State<AppState>,
    auth: Auth,
    Id(id): Id<RouterId>,
    JsonBody(body): JsonBody<RouterDraft>,
) -> Result<Json<Envelope<RouterJson>>, ApiError> {
    let r = svc::update(&app, &auth.actor, id, &body).await?;
    Ok(envelope("Router updated successfully", r.into()))
}

#[utoipa::path(delete, path = "/routers/{id}", tag = "routers",
    params(("id" = i64, Path, description = "router id")),
    responses((status = 200, body = Message), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn delete(
    State(app): State<AppState>,
    auth: Auth,
    Id(id): Id<RouterId>,
) -> Result<Json<Message>, ApiError> {
    svc::delete(&app, &auth.actor, id).await?;
    Ok(message("Router deleted successfully"))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StatusJson {
    /// Whether it answered now.
    pub reachable: bool,
    pub identity: Option<String>,
    pub version: Option<String>,
    pub board: Option<String>,
    /// Why not: `refused`, `timeout`, `tls`, `auth`, `not_routeros` or RouterOS's own
    /// message, with host:port; never another server's body.
    pub error: Option<String>,
    /// What the workers know of it, and its queue.
    pub state: RouterStateJson,
}

/// Connects to the router now and reports its identity and RouterOS version, beside its
/// reachability history and queue.
#[utoipa::path(get, path = "/routers/{id}/status", tag = "routers",
    params(("id" = i64, Path, description = "router id")),
    responses((status = 200, body = Data<StatusJson>), (status = 404, body = ErrorBody)))]
pub async fn status(
    State(app): State<AppState>,
    auth: Auth,
    Id(id): Id<RouterId>,
) -> Result<Json<Data<StatusJson>>, ApiError> {
    let s = svc::status(&app, &auth.actor, id).await?;
    let state = RouterJson::from(s.view)
        .state
        .ok_or_else(|| ApiError::not_found("router state"))?;
    Ok(Json(Data {
        data: StatusJson {
            reachable: s.reachable,
            identity: s.identity,
            version: s.version,
            board: s.board,
            error: s.error,
            state,
        },
    }))
}

/// One router object kept in step: a client's secret or a plan's profile.
#[derive(Debug, Serialize, ToSchema)]
pub struct JobJson {
    pub job_id: JobId,
    /// `secret` or `profile`.
    pub kind: SyncKind,
    /// The client, for a secret.
    pub client_id: Option<ClientId>,
    /// The plan, for a profile.
    pub plan_id: Option<PlanId>,
    pub status: SyncStatus,
    /// The database's version of the object, and the one the router last took.
    pub version: i64,
    pub applied_version: i64,
    /// Refusals in a row.
    pub attempts: u32,
    pub next_attempt_at: DateTime<Utc>,
    /// The router's answer to the last attempt.
    pub last_error: Option<String>,
    /// When the database last changed it.
    pub changed_at: DateTime<Utc>,
    pub applied_at: Option<DateTime<Utc>>,
}

impl From<SyncObject> for JobJson {
    fn from(o: SyncObject) -> Self {
        JobJson {
            job_id: o.id,
            client_id: o.client_id(),
            plan_id: o.plan_id(),
            kind: o.kind,
            status: o.status,
            version: o.version,
            applied_version: o.applied_version,
            attempts: o.refusals,
            next_attempt_at: o.next_attempt_at,
            last_error: o.last_error,
            changed_at: o.changed_at,
            applied_at: o.applied_at,
        }
    }
}

crate::paged_query! {
    pub struct JobQuery {
        pub status: Option<SyncStatus>,
    }
}

/// The router's objects and where each stands, filtered by `status`: `pending` (the database
/// changed since the router took it), `done`, `failed` (refused too often; converges on the
/// next change or a retry).
#[utoipa::path(get, path = "/routers/{id}/jobs", tag = "routers",
    params(("id" = i64, Path, description = "router id"), JobQuery),
    responses((status = 200, body = Envelope<Vec<JobJson>>), (status = 404, body = ErrorBody)))]
pub async fn jobs(
    State(app): State<AppState>,
    auth: Auth,
    Id(id): Id<RouterId>,
    Query(q): Query<JobQuery>,
) -> Result<Response, ApiError> {
    let page = page_of(&app, &q)?;
    let (rows, total) = svc::jobs(&app, &auth.actor, id, q.status, page).await?;
    let data: Vec<JobJson> = rows.into_iter().map(JobJson::from).collect();
    Ok(paged(
        page,
        total,
        envelope("Jobs retrieved successfully", data),
    ))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RetryJson {
    pub requeued: u64,
}

/// Puts the router's failed objects back in the queue; each is applied as the database says
/// now.
#[utoipa::path(post, path = "/routers/{id}/jobs/retry", tag = "routers",
    params(("id" = i64, Path, description = "router id")),
    responses((status = 200, body = Envelope<RetryJson>), (status = 404, body = ErrorBody)))]
pub async fn retry_all(
    State(app): State<AppState>,
    auth: Auth,
    Id(id): Id<RouterId>,
) -> Result<Json<Envelope<RetryJson>>, ApiError> {
    let requeued = svc::retry(&app, &auth.actor, id, None).await?;
    Ok(envelope("Failed jobs queued again", RetryJson { requeued }))
}

/// Puts one failed job back in the queue.
#[utoipa::path(post, path = "/routers/{id}/jobs/{job_id}/retry", tag = "routers",
    params(("id" = i64, Path, description = "router id"), ("job_id" = i64, Path, description = "job id")),
    responses((status = 200, body = Envelope<RetryJson>), (status = 404, body = ErrorBody)))]
pub async fn retry_one(
    State(app): State<AppState>,
    auth: Auth,
    path: PathParams,
) -> Result<Json<Envelope<RetryJson>>, ApiError> {
    let (id, job) = (path.id("id")?, path.id("job_id")?);
    let requeued = svc::retry(&app, &auth.actor, id, Some(job)).await?;
    Ok(envelope("Failed jobs queued again", RetryJson { requeued }))
}

/// Whether reconcile repairs what it finds.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ReconcileQuery {
    /// Repair what differs and report each repair's outcome (default: only report).
    pub apply: Option<bool>,
}

/// Compares the router's `/ppp/secret` and `/ppp/profile` lists with the database; with
/// `apply=true` marks the repairs, waits (at most `reconcile_wait_seconds`) for them and reports
/// each one's outcome. Secrets we did not create are listed under `left_alone`, never touched.
#[utoipa::path(post, path = "/routers/{id}/reconcile", tag = "routers",
    params(("id" = i64, Path, description = "router id"), ReconcileQuery),
    responses((status = 200, body = Envelope<Report>), (status = 404, body = ErrorBody),
        (status = 502, body = ErrorBody, description = "the router cannot be reached")))]
pub async fn reconcile(
    State(app): State<AppState>,
    auth: Auth,
    Id(id): Id<RouterId>,
    Query(q): Query<ReconcileQuery>,
) -> Result<Json<Envelope<Report>>, ApiError> {
    let report = svc::reconcile(&app, &auth.actor, id, q.apply.unwrap_or(false)).await?;
    Ok(envelope("Reconcile finished", report))
}

/// How an import from the router runs.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// Required. `true`: answer the plan and change nothing anywhere; `false`: import.
    pub dry_run: Option<bool>,
    /// Only link secrets to existing clients; create no clients (default false).
    pub only_link: Option<bool>,
}

/// Imports the router's `/ppp/secret` and `/ppp/profile` lists: each profile becomes a plan
/// (inactive and unpriced: price it with `PATCH /plans/{id}`) or is linked to the plan that
/// names it; each secret is linked to the client with its `ppp_secret_name` or becomes a new
/// client (phone number and address left empty for an operator to fill), its password stored
/// sealed; a disabled secret's subscription is suspended. The worker then writes our comment on
/// each imported secret and profile, nothing else. The answer is the plan: what was (or, with
/// `dry_run=true`, would be) created, linked, left (imported before) and skipped, and why. A
/// second run creates nothing.
#[utoipa::path(post, path = "/routers/{id}/import", tag = "routers",
    params(("id" = i64, Path, description = "router id"), ImportQuery),
    responses((status = 200, body = Envelope<crate::domain::import::Plan>),
        (status = 400, body = ErrorBody, description = "dry_run or only_link missing or not true/false"),
        (status = 404, body = ErrorBody, description = "no such router"),
        (status = 502, body = ErrorBody, description = "the router cannot be reached")))]
pub async fn import(
    State(app): State<AppState>,
    auth: Auth,
    Id(id): Id<RouterId>,
    Query(q): Query<ImportQuery>,
) -> Result<Json<Envelope<crate::domain::import::Plan>>, ApiError> {
    use crate::service::import::{Quiet, router as import};
    let dry_run = q.dry_run.ok_or_else(|| {
        crate::service::AppError::bad_request(
            "dry_run",
            "is required: true plans the import, false runs it",
        )
    })?;
    let options = import::Options {
        dry_run,
        only_link: q.only_link.unwrap_or(false),
        prices: Default::default(),
    };
    let plan = import::run(&app, &auth.actor, id, options, &Quiet).await?;
    let message = if plan.dry_run {
        "Import planned; nothing was changed"
    } else {
        "Import finished"
    };
    Ok(envelope(message, plan))
}
