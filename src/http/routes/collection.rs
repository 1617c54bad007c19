//! `/client/{id}/collection`, `/client/{id}/exemption`, `/client/{id}/promise`: how a
//! client's overdue invoices are collected (grace, cut-off or throttle, exemption, promise to
//! pay). Every change lands in the client's history with who and why.

use axum::Json;
use axum::extract::State;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{Envelope, envelope};
use crate::app::AppState;
use crate::domain::billing::collection::{Collection, OverdueAction, TermsDraft};
use crate::domain::ids::ClientId;
use crate::domain::validation::FieldErrors;
use crate::http::error::{ApiError, ErrorBody};
use crate::http::extract::{Auth, Id, JsonBody};
use crate::service::AppError;
use crate::service::collection::{self as svc, Change};

/// A client's own collection terms: `null` where the plan (then the global setting) decides.
#[derive(Debug, Serialize, ToSchema)]
pub struct CollectionJson {
    #[schema(example = 5)]
    pub grace_days: Option<u32>,
    pub overdue_action: Option<OverdueAction>,
    /// Never cut off automatically (an admin's decision, in the history with its reason).
    pub cutoff_exempt: bool,
    /// A promise to pay holds the cut-off off through this date.
    pub promised_until: Option<NaiveDate>,
}

impl From<Collection> for CollectionJson {
    fn from(c: Collection) -> Self {
        CollectionJson {
            grace_days: c.terms.grace_days,
            overdue_action: c.terms.overdue_action,
            cutoff_exempt: c.exempt,
            promised_until: c.promised_until,
        }
    }
}

type Answer = Result<Json<Envelope<CollectionJson>>, ApiError>;

async fn changed(app: &AppState, auth: &Auth, id: ClientId, change: Change) -> Answer {
    let c = svc::change(app, &auth.actor, id, change).await?;
    Ok(envelope("Client collection updated successfully", c.into()))
}

/// The client's grace, cut-off action, exemption and promise.
#[utoipa::path(get, path = "/client/{id}/collection", tag = "clients",
    params(("id" = i64, Path, description = "client id")),
    responses((status = 200, body = Envelope<CollectionJson>), (status = 404, body = ErrorBody)))]
pub async fn get(State(app): State<AppState>, Id(id): Id<ClientId>) -> Answer {
    let c = svc::get(&app, id).await?;
    Ok(envelope(
        "Client collection retrieved successfully",
        c.into(),
    ))
}

/// Changes the client's own grace (`grace_days`) or cut-off action (`overdue_action`:
/// `cut_off`, or `throttle` to their plan's `throttle_profile` instead); `null` gives the
/// decision back to the plan (admin, operator).
#[utoipa::path(put, path = "/client/{id}/collection", tag = "clients", request_body = TermsDraft,
    params(("id" = i64, Path, description = "client id")),
    responses((status = 200, body = Envelope<CollectionJson>), (status = 404, body = ErrorBody)))]
pub async fn update(
    State(app): State<AppState>,
    auth: Auth,
    Id(id): Id<ClientId>,
    JsonBody(body): JsonBody<TermsDraft>,
) -> Answer {
    changed(&app, &auth, id, Change::Terms(body)).await
}

/// Why, for the client's history.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "village head's office, paid by the district"}))]
pub struct ReasonBody {
    /// At most 255 characters.
    #[schema(example = "village head's office, paid by the district")]
    pub reason: Option<String>,
}

/// Exempts the client from automatic cut-off (admin); a `reason` is required. A subscription
/// the cut-off suspended comes back now.
#[utoipa::path(put, path = "/client/{id}/exemption", tag = "clients", request_body = ReasonBody,
    params(("id" = i64, Path, description = "client id")),
    responses((status = 200, body = Envelope<CollectionJson>), (status = 404, body = ErrorBody)))]
pub async fn exempt(
    State(app): State<AppState>,
    auth: Auth,
    Id(id): Id<ClientId>,
    JsonBody(body): JsonBody<ReasonBody>,
) -> Answer {
    let change = Change::Exempt {
        exempt: true,
        reason: body.reason,
    };
    changed(&app, &auth, id, change).await
}

/// Ends the client's exemption (admin): the next cut-off run treats them like everyone.
#[utoipa::path(delete, path = "/client/{id}/exemption", tag = "clients",
    params(("id" = i64, Path, description = "client id")),
    responses((status = 200, body = Envelope<CollectionJson>), (status = 404, body = ErrorBody)))]
pub async fn unexempt(State(app): State<AppState>, auth: Auth, Id(id): Id<ClientId>) -> Answer {
    let change = Change::Exempt {
        exempt: false,
        reason: None,
    };
    changed(&app, &auth, id, change).await
}

/// A promise to pay.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"until": "2026-12-10", "reason": "pays on payday"}))]
pub struct PromiseBody {
    /// The last day the cut-off is held off: from today to 60 days ahead.
    #[schema(example = "2026-12-10")]
    pub until: Option<NaiveDate>,
    /// Required, at most 255 characters.
    #[schema(example = "pays on payday")]
    pub reason: Option<String>,
}

/// Grants a promise to pay (admin, operator): no cut-off through `until`, and a subscription
/// the cut-off suspended comes back now. The first cut-off run after `until` cuts off what is
/// still unpaid.
#[utoipa::path(put, path = "/client/{id}/promise", tag = "clients", request_body = PromiseBody,
    params(("id" = i64, Path, description = "client id")),
    responses((status = 200, body = Envelope<CollectionJson>), (status = 404, body = ErrorBody)))]
pub async fn promise(
    State(app): State<AppState>,
    auth: Auth,
    Id(id): Id<ClientId>,
    JsonBody(body): JsonBody<PromiseBody>,
) -> Answer {
    let Some(until) = body.until else {
        return Err(AppError::from(FieldErrors::single("until", "is required")).into());
    };
    let change = Change::Promise {
        until: Some(until),
        reason: body.reason,
    };
    changed(&app, &auth, id, change).await
}

/// Withdraws the client's promise to pay (admin, operator).
#[utoipa::path(delete, path = "/client/{id}/promise", tag = "clients",
    params(("id" = i64, Path, description = "client id")),
    responses((status = 200, body = Envelope<CollectionJson>), (status = 404, body = ErrorBody)))]
pub async fn withdraw_promise(
    State(app): State<AppState>,
    auth: Auth,
    Id(id): Id<ClientId>,
) -> Answer {
    let change = Change::Promise {
        until: None,
        reason: None,
    };
    changed(&app, &auth, id, change).await
}
