//! `POST /client`, `PUT /client/{id}`, `DELETE /client/{id}`: the original code's paths for the
//! README's register, update and delete, which answer exactly as those do.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;

use crate::app::AppState;
use crate::domain::client::ClientDraft;
use crate::domain::ids::{ClientId, JobId};
use crate::http::error::{ApiError, ErrorBody};
use crate::http::extract::{Auth, Id, JsonBody, PathParams, Query};
use crate::http::openapi::ClientCreate;
use crate::http::routes::clients::{self as readme, ClientJson};
use crate::http::routes::{Envelope, Message};
use crate::service::{AppError, clients};

/// Registers a client (original path).
///
/// Kept for compatibility with the original PHP API; modern equivalent: `POST /client/register`.
#[utoipa::path(post, path = "/client", tag = "original", request_body = ClientCreate,
    responses((status = 201, body = Envelope<ClientJson>),
        (status = 409, body = ErrorBody, description = "ppp_secret_name taken")))]
pub async fn create(
    app: State<AppState>,
    auth: Auth,
    body: JsonBody<ClientDraft>,
) -> Result<(StatusCode, Json<Envelope<ClientJson>>), ApiError> {
    readme::register(app, auth, body).await
}

/// Changes the given fields of a client (original path).
///
/// Kept for compatibility with the original PHP API; modern equivalent:
/// `PUT /client/update/{id}`.
#[utoipa::path(put, path = "/client/{id}", tag = "original", request_body = ClientDraft,
    params(("id" = i64, Path, description = "client id")),
    responses((status = 200, body = Envelope<ClientJson>), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
pub async fn update(
    app: State<AppState>,
    auth: Auth,
    id: Id<ClientId>,
    body: JsonBody<ClientDraft>,
) -> Result<Json<Envelope<ClientJson>>, ApiError> {
    readme::update(app, auth, id, body).await
}

/// Deletes a client (original path).
///
/// Kept for compatibility with the original PHP API; modern equivalent:
/// `DELETE /client/delete/{id}`.
#[utoipa::path(delete, path = "/client/{id}", tag = "original",
    params(("id" = i64, Path, description = "client id")),
    responses((status = 200, body = Message), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "the client has subscriptions")))]
pub async fn delete(
    app: State<AppState>,
    auth: Auth,
    id: Id<ClientId>,
) -> Result<Json<Message>, ApiError> {
    readme::delete(app, auth, id).await
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct SwitchJson {
    /// `PPP Secret '{name}' enabled successfully.` when the router took the change.
    pub message: String,
    /// `applied` (200) or `queued` (202: the router is slow or down; it lands once reachable).
    pub status: &'static str,
    pub job_id: JobId,
}

/// Why a client is connected or disconnected by hand.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SwitchQuery {
    /// Why, for the client's history (at most 255 characters).
    pub reason: Option<String>,
}

/// Connects or disconnects one client now, whatever the billing state (admin, operator).
/// `disable` is an operator's hold: payments do not reconnect the client until `enable`.
/// The change goes through the router queue; the answer waits up to `switch_wait_ms` for it.
/// A `reason` (query parameter) is kept in the client's history.
///
/// The original system's route; there is no other path for it.
#[utoipa::path(method(get, post), path = "/client/{id}/connection/{action}", tag = "original",
    params(("id" = i64, Path, description = "client id"),
        ("action" = String, Path, description = "`enable` or `disable`"), SwitchQuery),
    responses((status = 200, body = SwitchJson, description = "applied on the router"),
        (status = 202, body = SwitchJson, description = "queued: the router has not answered yet"),
        (status = 400, body = ErrorBody, description = "unknown action"),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody, description = "client on no router")))]
pub async fn connection(
    State(app): State<AppState>,
    auth: Auth,
    path: PathParams,
    Query(q): Query<SwitchQuery>,
) -> Result<(StatusCode, Json<SwitchJson>), ApiError> {
    let id: ClientId = path.id("id")?;
    let enable = match path.text("action") {
        "enable" => true,
        "disable" => false,
        _ => return Err(AppError::bad_request("action", "must be enable or disable").into()),
    };
    let s = clients::switch_connection(&app, &auth.actor, id, enable, q.reason).await?;
    let verb = if enable { "enabled" } else { "disabled" };
    Ok(if s.applied {
        (
            StatusCode::OK,
            Json(SwitchJson {
                message: format!("PPP Secret '{}' {verb} successfully.", s.ppp_secret_name),
                status: "applied",
                job_id: s.job_id,
            }),
        )
    } else {
        (
            StatusCode::ACCEPTED,
            Json(SwitchJson {
                message: format!(
                    "PPP Secret '{}' will be {verb} as soon as the router answers; the change is queued.",
                    s.ppp_secret_name
                ),
                status: "queued",
                job_id: s.job_id,
            }),
        )
    })
}
