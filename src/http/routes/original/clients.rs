//! `POST /client`, `PUT /client/{id}`, `DELETE /client/{id}`: the original code's paths for the
//! README's register, update and delete, which answer exactly as those do.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use crate::app::AppState;
use crate::domain::client::ClientDraft;
use crate::domain::ids::{ClientId, JobId};
use crate::http::error::{ApiError, ErrorBody};
use crate::http::extract::{Auth, Id, PathParams, Query};
use crate::http::form::FormOrJson;
use crate::http::idempotent::{IdempotencyKey, Keyed};
use crate::http::openapi::ClientCreate;
use crate::http::routes::clients::{self as readme, ClientJson};
use crate::http::routes::{Envelope, Message};
use crate::service::{AppError, clients};

/// Registers a client (original path). JSON or a form.
///
/// Kept for compatibility with the original PHP API; modern equivalent: `POST /client/register`.
#[utoipa::path(post, path = "/client", tag = "original", request_body = ClientCreate,
    params(IdempotencyKey),
    responses((status = 201, body = Envelope<ClientJson>),
        (status = 409, body = ErrorBody, description = "ppp_secret_name taken")))]
pub async fn create(
    State(app): State<AppState>,
    auth: Auth,
    Keyed(retry, FormOrJson(body)): Keyed<FormOrJson<ClientDraft>>,
) -> Result<Response, ApiError> {
    readme::registered(&app, &auth, retry, &body).await
}

/// The original update's fields: a client's, and the plan profile its PPP secret gets.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"address": "Jl. Sudirman No.2", "ppp_profile_name": "home-10m"}))]
pub struct OriginalClientUpdate {
    #[schema(example = "John Doe")]
    pub name: Option<String>,
    #[schema(example = "08123456789")]
    pub phone_number: Option<String>,
    #[schema(example = "Jl. Merdeka No.1")]
    pub address: Option<String>,
    #[schema(example = "abc123")]
    pub ppp_secret_name: Option<String>,
    /// The PPP secret's new password (on the router; stored sealed, never returned).
    #[schema(example = "securepassword")]
    pub password: Option<String>,
    pub router_id: Option<crate::domain::ids::RouterId>,
    /// The PPP profile the client's secret gets on the router. A secret's profile is its
    /// plan's: the client's subscription (the active one, else the latest) moves to the one
    /// active plan with this profile, as `PUT /subscription/{id}` with `plan_id` would; a
    /// profile no plan or several plans have, or a client without one subscription to move,
    /// is a 422 that names the route to use instead.
    #[schema(example = "home-10m")]
    pub ppp_profile_name: Option<String>,
}

/// Changes the given fields of a client (original path), and with `ppp_profile_name` its plan
/// profile. JSON or a form.
///
/// Kept for compatibility with the original PHP API; modern equivalents:
/// `PUT /client/update/{id}`, and `PUT /subscriptions/{id}` with `plan_id` for the profile.
#[utoipa::path(put, path = "/client/{id}", tag = "original", request_body = OriginalClientUpdate,
    params(("id" = i64, Path, description = "client id")),
    responses((status = 200, body = Envelope<ClientJson>), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "invalid fields, or a ppp_profile_name \
            that selects no single plan (the message names the route to use)")))]
pub async fn update(
    State(app): State<AppState>,
    auth: Auth,
    Id(id): Id<ClientId>,
    FormOrJson(body): FormOrJson<OriginalClientUpdate>,
) -> Result<Json<Envelope<ClientJson>>, ApiError> {
    let draft = ClientDraft {
        name: body.name,
        phone_number: body.phone_number,
        address: body.address,
        ppp_secret_name: body.ppp_secret_name,
        password: body.password,
        router_id: body.router_id,
    };
    let c =
        clients::update_with_profile(&app, &auth.actor, id, &draft, body.ppp_profile_name).await?;
    Ok(readme::updated(id, c))
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

/// Disconnects one client now whatever the billing state, or lifts that hold (admin,
/// operator). `disable` is an operator's hold: payments do not reconnect the client until
/// `enable`. `enable` does not override billing: while the client's subscription is
/// suspended, expired or cancelled it is a 409 on `subscription_id` saying why, and nothing
/// changes.
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
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody,
            description = "client on no router, or an enable its subscription (suspended, expired, cancelled) keeps from happening")))]
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
