//! `/routers` (admin): the registry, a live status check, the outbox's jobs and reconcile.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{Data, Envelope, Message, envelope, message, page_of, paged};
use crate::app::AppState;
use crate::domain::ids::{ClientId, JobId, RouterId};
use crate::domain::router::{Router, RouterDraft, SuspendMode, Transport};
use crate::http::error::{ApiError, ErrorBody};
use crate::http::extract::{Auth, Id, JsonBody, PathParams, Query};
use crate::http::openapi::RouterCreate;
use crate::provisioning::reconcile::Drift;
use crate::service::routers as svc;
use crate::storage::repo::jobs::Job;

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
            isolation_profile: s.isolation_profile,
            is_default: s.is_default,
        }
    }
}

#[utoipa::path(get, path = "/routers", tag = "routers",
    responses((status = 200, body = Envelope<Vec<RouterJson>>)))]
pub async fn list(
    State(app): State<AppState>,
    auth: Auth,
) -> Result<Json<Envelope<Vec<RouterJson>>>, ApiError> {
    let rows = svc::list(&app, &auth.actor).await?;
    Ok(envelope(
        "Routers retrieved successfully",
        rows.into_iter().map(RouterJson::from).collect(),
    ))
}

#[utoipa::path(post, path = "/routers", tag = "routers", request_body = RouterCreate,
    responses((status = 201, body = Envelope<RouterJson>), (status = 409, body = ErrorBody)))]
pub async fn create(
    State(app): State<AppState>,
    auth: Auth,
    JsonBody(body): JsonBody<RouterDraft>,
) -> Result<(StatusCode, Json<Envelope<RouterJson>>), ApiError> {
    let r = svc::create(&app, &auth.actor, &body).await?;
    Ok((
        StatusCode::CREATED,
        envelope("Router created successfully", r.into()),
    ))
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
        svc::get(&app, &auth.actor, id).await?.into(),
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
    pub reachable: bool,
    pub identity: Option<String>,
    pub version: Option<String>,
    pub board: Option<String>,
    pub error: Option<String>,
}

/// Connects to the router now and reports its identity and RouterOS version.
#[utoipa::path(get, path = "/routers/{id}/status", tag = "routers",
    params(("id" = i64, Path, description = "router id")),
    responses((status = 200, body = Data<StatusJson>), (status = 404, body = ErrorBody)))]
pub async fn status(
    State(app): State<AppState>,
    auth: Auth,
    Id(id): Id<RouterId>,
) -> Result<Json<Data<StatusJson>>, ApiError> {
    let s = svc::status(&app, &auth.actor, id).await?;
    Ok(Json(Data {
        data: StatusJson {
            reachable: s.reachable,
            identity: s.identity,
            version: s.version,
            board: s.board,
            error: s.error,
        },
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct JobJson {
    pub job_id: JobId,
    pub client_id: Option<ClientId>,
    /// `secret`, `remove` or `profile`.
    pub kind: String,
    /// `pending`, `done` or `failed`.
    pub status: String,
    pub attempts: i64,
    pub next_attempt_at: DateTime<Utc>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl From<Job> for JobJson {
    fn from(j: Job) -> Self {
        JobJson {
            job_id: j.id,
            client_id: j.client_id,
            kind: j.kind,
            status: j.status,
            attempts: j.attempts,
            next_attempt_at: j.next_attempt_at,
            last_error: j.last_error,
            created_at: j.created_at,
        }
    }
}

crate::words! {
    pub enum JobStatus {
        Pending = "pending",
        Done = "done",
        Failed = "failed",
    }
}

crate::paged_query! {
    pub struct JobQuery {
        pub status: Option<JobStatus>,
    }
}

/// The router's jobs, filtered by `status` (`pending`, `done`, `failed`).
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
    let status = q.status.map(JobStatus::as_str);
    let (rows, total) = svc::jobs(&app, &auth.actor, id, status, page).await?;
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

/// Puts the router's failed jobs back in the queue.
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

#[derive(Debug, Serialize, ToSchema)]
pub struct DriftJson {
    pub missing: Vec<String>,
    pub extra: Vec<String>,
    /// `{"name": …, "fields": [password|profile|disabled|comment]}`
    #[schema(value_type = Vec<Object>)]
    pub wrong: serde_json::Value,
    pub applied: bool,
}

/// Compares the router's `/ppp/secret` list with the database; with `apply=true` repairs our
/// secrets (secrets we did not create are left alone).
/// Whether reconcile repairs what it finds.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ReconcileQuery {
    /// Repair our secrets (default: only report).
    pub apply: Option<bool>,
}

#[utoipa::path(post, path = "/routers/{id}/reconcile", tag = "routers",
    params(("id" = i64, Path, description = "router id"), ReconcileQuery),
    responses((status = 200, body = Envelope<DriftJson>), (status = 404, body = ErrorBody),
        (status = 502, body = ErrorBody, description = "the router cannot be reached")))]
pub async fn reconcile(
    State(app): State<AppState>,
    auth: Auth,
    Id(id): Id<RouterId>,
    Query(q): Query<ReconcileQuery>,
) -> Result<Json<Envelope<DriftJson>>, ApiError> {
    let apply = q.apply.unwrap_or(false);
    let Drift {
        missing,
        extra,
        wrong,
    } = svc::reconcile(&app, &auth.actor, id, apply).await?;
    Ok(envelope(
        "Reconcile finished",
        DriftJson {
            missing,
            extra,
            wrong: serde_json::to_value(wrong).unwrap_or_default(),
            applied: apply,
        },
    ))
}
