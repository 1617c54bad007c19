//! `/routers` (admin): the registry, a live status check, the outbox's jobs and reconcile.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{
    Data, Envelope, Message, double_option, envelope, message, page_of, paged, query_choice,
    query_opt,
};
use crate::app::AppState;
use crate::domain::provisioning::RouterInput;
use crate::http::error::{ApiError, ErrorBody};
use crate::http::extract::{Auth, Id, JsonBody, QueryParams};
use crate::provisioning::reconcile::Drift;
use crate::service::routers as svc;
use crate::storage::repo::jobs::Job;
use crate::storage::repo::routers::RouterRecord;

/// A router as shown: never its password.
#[derive(Debug, Serialize, ToSchema)]
pub struct RouterJson {
    pub router_id: i64,
    pub name: String,
    pub host: String,
    pub port: u16,
    /// `api`, `api-ssl`, `rest` or `rest-http`.
    pub transport: &'static str,
    pub username: String,
    /// The pinned SHA-256 of the router's TLS certificate, if any.
    pub tls_fingerprint: Option<String>,
    /// `disable` or `isolate`.
    pub suspend_mode: &'static str,
    pub isolation_profile: Option<String>,
    pub is_default: bool,
}

impl From<RouterRecord> for RouterJson {
    fn from(r: RouterRecord) -> Self {
        let s = r.settings;
        RouterJson {
            router_id: r.id,
            name: s.name,
            host: s.host,
            port: s.port,
            transport: s.transport.as_str(),
            username: s.username,
            tls_fingerprint: s.tls_fingerprint,
            suspend_mode: s.suspend_mode.as_str(),
            isolation_profile: s.isolation_profile,
            is_default: s.is_default,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RouterBody {
    pub name: Option<String>,
    pub host: Option<String>,
    /// Defaults by transport: 8728, 8729, 443, 80.
    pub port: Option<i64>,
    pub transport: Option<String>,
    pub username: Option<String>,
    /// Stored sealed; never returned.
    pub password: Option<String>,
    /// Pin the router's self-signed certificate by its SHA-256 (hex); `null` clears it.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub tls_fingerprint: Option<Option<String>>,
    /// `disable` (default) or `isolate`.
    pub suspend_mode: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub isolation_profile: Option<Option<String>>,
    pub is_default: Option<bool>,
}

impl From<RouterBody> for RouterInput {
    fn from(b: RouterBody) -> Self {
        RouterInput {
            name: b.name,
            host: b.host,
            port: b.port,
            transport: b.transport,
            username: b.username,
            password: b.password,
            tls_fingerprint: b.tls_fingerprint,
            suspend_mode: b.suspend_mode,
            isolation_profile: b.isolation_profile,
            is_default: b.is_default,
        }
    }
}

#[utoipa::path(get, path = "/routers", tag = "routers",
    responses((status = 200, body = Envelope<Vec<RouterJson>>), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list(
    State(app): State<AppState>,
    auth: Auth,
) -> Result<Json<Envelope<Vec<RouterJson>>>, ApiError> {
    let rows = svc::list(&app, &auth.user).await?;
    Ok(envelope(
        "Routers retrieved successfully",
        rows.into_iter().map(RouterJson::from).collect(),
    ))
}

#[utoipa::path(post, path = "/routers", tag = "routers", request_body = RouterBody,
    responses((status = 201, body = Envelope<RouterJson>), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create(
    State(app): State<AppState>,
    auth: Auth,
    JsonBody(body): JsonBody<RouterBody>,
) -> Result<(StatusCode, Json<Envelope<RouterJson>>), ApiError> {
    let r = svc::create(&app, &auth.user, body.into()).await?;
    Ok((
        StatusCode::CREATED,
        envelope("Router created successfully", r.into()),
    ))
}

#[utoipa::path(get, path = "/routers/{id}", tag = "routers",
    params(("id" = i64, Path, description = "router id")),
    responses((status = 200, body = Envelope<RouterJson>), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn get(
    State(app): State<AppState>,
    auth: Auth,
    Id(id): Id,
) -> Result<Json<Envelope<RouterJson>>, ApiError> {
    svc::list(&app, &auth.user).await?;
    Ok(envelope(
        "Router retrieved successfully",
        svc::get(&app, id).await?.into(),
    ))
}

#[utoipa::path(put, path = "/routers/{id}", tag = "routers", request_body = RouterBody,
    params(("id" = i64, Path, description = "router id")),
    responses((status = 200, body = Envelope<RouterJson>), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update(
    State(app): State<AppState>,
    auth: Auth,
    Id(id): Id,
    JsonBody(body): JsonBody<RouterBody>,
) -> Result<Json<Envelope<RouterJson>>, ApiError> {
    let r = svc::update(&app, &auth.user, id, body.into()).await?;
    Ok(envelope("Router updated successfully", r.into()))
}

#[utoipa::path(delete, path = "/routers/{id}", tag = "routers",
    params(("id" = i64, Path, description = "router id")),
    responses((status = 200, body = Message), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn delete(
    State(app): State<AppState>,
    auth: Auth,
    Id(id): Id,
) -> Result<Json<Message>, ApiError> {
    svc::delete(&app, &auth.user, id).await?;
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
    responses((status = 200, body = Data<StatusJson>), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn status(
    State(app): State<AppState>,
    auth: Auth,
    Id(id): Id,
) -> Result<Json<Data<StatusJson>>, ApiError> {
    let s = svc::status(&app, &auth.user, id).await?;
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
    pub job_id: i64,
    pub client_id: Option<i64>,
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

/// The router's jobs, filtered by `status` (`pending`, `done`, `failed`).
#[utoipa::path(get, path = "/routers/{id}/jobs", tag = "routers",
    params(("id" = i64, Path, description = "router id"), ("status" = Option<String>, Query)),
    responses((status = 200, body = Envelope<Vec<JobJson>>), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn jobs(
    State(app): State<AppState>,
    auth: Auth,
    Id(id): Id,
    q: QueryParams,
) -> Result<Response, ApiError> {
    let status = query_choice(
        &q,
        "status",
        |s| ["pending", "done", "failed"].into_iter().find(|w| *w == s),
        "pending, done or failed",
    )?;
    let page = page_of(&app, &q)?;
    let (rows, total) = svc::jobs(&app, &auth.user, id, status, page).await?;
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
    responses((status = 200, body = Envelope<RetryJson>), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn retry_all(
    State(app): State<AppState>,
    auth: Auth,
    Id(id): Id,
) -> Result<Json<Envelope<RetryJson>>, ApiError> {
    let requeued = svc::retry(&app, &auth.user, id, None).await?;
    Ok(envelope("Failed jobs queued again", RetryJson { requeued }))
}

/// Puts one failed job back in the queue.
#[utoipa::path(post, path = "/routers/{id}/jobs/{job_id}/retry", tag = "routers",
    params(("id" = i64, Path, description = "router id"), ("job_id" = i64, Path, description = "job id")),
    responses((status = 200, body = Envelope<RetryJson>), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn retry_one(
    State(app): State<AppState>,
    auth: Auth,
    Path((id, job)): Path<(i64, i64)>,
) -> Result<Json<Envelope<RetryJson>>, ApiError> {
    let requeued = svc::retry(&app, &auth.user, id, Some(job)).await?;
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
#[utoipa::path(post, path = "/routers/{id}/reconcile", tag = "routers",
    params(("id" = i64, Path, description = "router id"), ("apply" = Option<bool>, Query)),
    responses((status = 200, body = Envelope<DriftJson>), (status = 502, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn reconcile(
    State(app): State<AppState>,
    auth: Auth,
    Id(id): Id,
    q: QueryParams,
) -> Result<Json<Envelope<DriftJson>>, ApiError> {
    let apply = query_opt(&q, "apply", "true or false")?.unwrap_or(false);
    let Drift {
        missing,
        extra,
        wrong,
    } = svc::reconcile(&app, &auth.user, id, apply).await?;
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
