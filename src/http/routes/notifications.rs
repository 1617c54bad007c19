//! `/client/{id}/contact` and `/client/{id}/notifications`: how a client is reached (email,
//! language, opt-outs per channel) and every message queued for them, with what became of it.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;

use super::{Envelope, envelope};
use crate::app::AppState;
use crate::domain::ids::ClientId;
use crate::domain::notify::{Contact, ContactDraft};
use crate::http::error::{ApiError, ErrorBody};
use crate::http::extract::{Auth, Id, JsonBody, Query};
use crate::service::notifications as svc;
use crate::storage::repo::notifications::Notice;

/// How the client is reached.
#[utoipa::path(get, path = "/client/{id}/contact", tag = "clients",
    params(("id" = i64, Path, description = "client id")),
    responses((status = 200, body = Envelope<Contact>), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(app): State<AppState>,
    Id(id): Id<ClientId>,
) -> Result<Json<Envelope<Contact>>, ApiError> {
    let c = svc::contact(&app, id).await?;
    Ok(envelope("Client contact retrieved successfully", c))
}

/// Changes the client's email, message language, or opt-out of WhatsApp or email (admin,
/// operator); `null` clears the email or language. WhatsApp goes to the client's
/// `phone_number`.
#[utoipa::path(put, path = "/client/{id}/contact", tag = "clients", request_body = ContactDraft,
    params(("id" = i64, Path, description = "client id")),
    responses((status = 200, body = Envelope<Contact>), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn update(
    State(app): State<AppState>,
    auth: Auth,
    Id(id): Id<ClientId>,
    JsonBody(body): JsonBody<ContactDraft>,
) -> Result<Json<Envelope<Contact>>, ApiError> {
    let c = svc::set_contact(&app, &auth.actor, id, &body).await?;
    Ok(envelope("Client contact updated successfully", c))
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct LogQuery {
    /// The newest this many (default 100, at most 1000).
    pub limit: Option<u32>,
}

/// The messages queued for the client, newest first: `sent`, `pending` (with its next
/// attempt and, after a failure, the gateway's answer), `failed` after its last attempt, or
/// `skipped` with why (paid meanwhile, opted out, no gateway configured).
#[utoipa::path(get, path = "/client/{id}/notifications", tag = "clients",
    params(("id" = i64, Path, description = "client id"), LogQuery),
    responses((status = 200, body = Envelope<Vec<Notice>>), (status = 404, body = ErrorBody)))]
pub async fn log(
    State(app): State<AppState>,
    Id(id): Id<ClientId>,
    Query(q): Query<LogQuery>,
) -> Result<Json<Envelope<Vec<Notice>>>, ApiError> {
    let limit = i64::from(q.limit.unwrap_or(100).clamp(1, 1000));
    let log = svc::log(&app, id, limit).await?;
    Ok(envelope("Client notifications retrieved successfully", log))
}
