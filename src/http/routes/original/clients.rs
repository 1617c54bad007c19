//! `POST /client`, `PUT /client/{id}`, `DELETE /client/{id}`: the original code's paths for the
//! README's register, update and delete, which answer exactly as those do.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;

use crate::app::AppState;
use crate::http::error::{ApiError, ErrorBody};
use crate::http::extract::{Auth, Id, JsonBody};
use crate::http::routes::clients::{self as readme, ClientBody, ClientJson};
use crate::http::routes::{Envelope, Message};

/// Registers a client (original path).
///
/// Kept for compatibility with the original PHP API; modern equivalent: `POST /client/register`.
#[utoipa::path(post, path = "/client", tag = "original", request_body = ClientBody,
    responses((status = 201, body = Envelope<ClientJson>),
        (status = 409, body = ErrorBody, description = "ppp_secret_name taken"),
        (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create(
    app: State<AppState>,
    auth: Auth,
    body: JsonBody<ClientBody>,
) -> Result<(StatusCode, Json<Envelope<ClientJson>>), ApiError> {
    readme::register(app, auth, body).await
}

/// Changes the given fields of a client (original path).
///
/// Kept for compatibility with the original PHP API; modern equivalent:
/// `PUT /client/update/{id}`.
#[utoipa::path(put, path = "/client/{id}", tag = "original", request_body = ClientBody,
    params(("id" = i64, Path, description = "client id")),
    responses((status = 200, body = Envelope<ClientJson>), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update(
    app: State<AppState>,
    auth: Auth,
    id: Id,
    body: JsonBody<ClientBody>,
) -> Result<Json<Envelope<ClientJson>>, ApiError> {
    readme::update(app, auth, id, body).await
}

/// Deletes a client (original path).
///
/// Kept for compatibility with the original PHP API; modern equivalent:
/// `DELETE /client/delete/{id}`.
#[utoipa::path(delete, path = "/client/{id}", tag = "original",
    params(("id" = i64, Path, description = "client id")),
    responses((status = 200, body = Message), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn delete(app: State<AppState>, auth: Auth, id: Id) -> Result<Json<Message>, ApiError> {
    readme::delete(app, auth, id).await
}
