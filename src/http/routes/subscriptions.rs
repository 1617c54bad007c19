//! `/subscriptions` and `/client/{id}/subscriptions`.

use axum::Json;
use axum::extract::State;
use axum::response::Response;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::{Data, Envelope, Message, envelope, message, page_of, paged};
use crate::app::AppState;
use crate::domain::billing::subscription::{
    EventKind, Status, Subscription, SubscriptionDraft, SubscriptionFilter,
};
use crate::domain::ids::{ClientId, PlanId, SubscriptionId};
use crate::domain::validation::FieldErrors;
use crate::http::error::{ApiError, ErrorBody};
use crate::http::extract::{Auth, Id, JsonBody, Query};
use crate::http::idempotent::{IdempotencyKey, Keyed, Retry, created as answer, respond};
use crate::http::openapi::SubscriptionCreate;
use crate::service::AppError;
use crate::service::subscriptions as svc;

#[derive(Debug, Serialize, ToSchema)]
pub struct SubscriptionJson {
    pub subscription_id: SubscriptionId,
    pub client_id: ClientId,
    pub plan_id: PlanId,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    /// `active`, `suspended`, `expired` or `cancelled` (on the original routes: `active` or
    /// `inactive`).
    #[schema(example = "active")]
    pub status: &'static str,
}

impl From<Subscription> for SubscriptionJson {
    fn from(s: Subscription) -> Self {
        SubscriptionJson {
            subscription_id: s.id,
            client_id: s.client_id,
            plan_id: s.plan_id,
            start_date: s.start_date,
            end_date: s.end_date,
            status: s.status.as_str(),
        }
    }
}

crate::paged_query! {
    pub struct SubscriptionQuery {
        pub status: Option<Status>,
        pub client_id: Option<ClientId>,
    }
}

crate::paged_query! {
    pub struct ClientSubscriptionQuery {
        pub status: Option<Status>,
    }
}

async fn list_page(
    app: &AppState,
    filter: SubscriptionFilter,
    q: &impl super::Paged,
) -> Result<Response, ApiError> {
    let page = page_of(app, q)?;
    let (subs, total) = svc::list(app, filter, page).await?;
    let data: Vec<SubscriptionJson> = subs.into_iter().map(SubscriptionJson::from).collect();
    Ok(paged(
        page,
        total,
        envelope("Subscriptions retrieved successfully", data),
    ))
}

/// Subscriptions, filtered by `status` and `client_id`, a page at a time.
#[utoipa::path(get, path = "/subscriptions", tag = "subscriptions", params(SubscriptionQuery),
    responses((status = 200, body = Envelope<Vec<SubscriptionJson>>)))]
pub async fn list(
    State(app): State<AppState>,
    Query(q): Query<SubscriptionQuery>,
) -> Result<Response, ApiError> {
    let filter = SubscriptionFilter {
        client_id: q.client_id,
        status: q.status,
    };
    list_page(&app, filter, &q).await
}

/// A client's subscriptions.
///
/// Also kept for compatibility with the original PHP API, in this shape (the original field
/// names; `status` in our words); modern equivalent: `GET /subscriptions?client_id={id}`.
#[utoipa::path(get, path = "/client/{id}/subscriptions", tags = ["subscriptions", "original"],
    params(("id" = i64, Path, description = "client id"), ClientSubscriptionQuery),
    responses((status = 200, body = Envelope<Vec<SubscriptionJson>>), (status = 404, body = ErrorBody)))]
pub async fn for_client(
    State(app): State<AppState>,
    Id(id): Id<ClientId>,
    Query(q): Query<ClientSubscriptionQuery>,
) -> Result<Response, ApiError> {
    crate::service::clients::get(&app, id).await?;
    let filter = SubscriptionFilter {
        client_id: Some(id),
        status: q.status,
    };
    list_page(&app, filter, &q).await
}

#[utoipa::path(get, path = "/subscriptions/{id}", tag = "subscriptions",
    params(("id" = i64, Path, description = "subscription id")),
    responses((status = 200, body = Envelope<SubscriptionJson>), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(app): State<AppState>,
    Id(id): Id<SubscriptionId>,
) -> Result<Json<Envelope<SubscriptionJson>>, ApiError> {
    let s = svc::get(&app, id).await?;
    Ok(envelope("Subscription retrieved successfully", s.into()))
}

/// Puts a client on a plan (admin, operator).
#[utoipa::path(post, path = "/subscriptions", tag = "subscriptions",
    request_body = SubscriptionCreate, params(IdempotencyKey),
    responses((status = 201, body = Envelope<SubscriptionJson>)))]
pub async fn create(
    State(app): State<AppState>,
    auth: Auth,
    Keyed(retry, JsonBody(body)): Keyed<JsonBody<SubscriptionDraft>>,
) -> Result<Response, ApiError> {
    created(&app, &auth, retry, &body, SubscriptionJson::from).await
}

/// Creates a subscription and answers it as `shape` makes it: ours, or the original system's.
pub(crate) async fn created(
    app: &AppState,
    auth: &Auth,
    retry: Retry,
    draft: &SubscriptionDraft,
    shape: fn(Subscription) -> SubscriptionJson,
) -> Result<Response, ApiError> {
    let once = retry.answer(move |s: &Subscription| {
        answer("Subscription created successfully", shape(s.clone()))
    });
    Ok(respond(svc::create(app, &auth.actor, draft, once).await?))
}

/// Puts the client in the path on a plan (admin, operator).
#[utoipa::path(post, path = "/client/{id}/subscriptions", tag = "subscriptions",
    request_body = SubscriptionDraft,
    params(("id" = i64, Path, description = "client id"), IdempotencyKey),
    responses((status = 201, body = Envelope<SubscriptionJson>)))]
pub async fn create_for_client(
    State(app): State<AppState>,
    auth: Auth,
    Id(id): Id<ClientId>,
    Keyed(retry, JsonBody(mut body)): Keyed<JsonBody<SubscriptionDraft>>,
) -> Result<Response, ApiError> {
    if body.client_id.is_some_and(|c| c != id) {
        return Err(AppError::from(FieldErrors::single(
            "client_id",
            "differs from the client in the path",
        ))
        .into());
    }
    crate::service::clients::get(&app, id).await?;
    body.client_id = Some(id);
    created(&app, &auth, retry, &body, SubscriptionJson::from).await
}

/// Changes plan, dates or status (admin, operator); status changes are recorded. `end_date`
/// changes only where no invoiced periods can overlap: not while an invoice of the
/// subscription is open, and never to before the end of its last invoiced period (409).
#[utoipa::path(put, path = "/subscriptions/{id}", tag = "subscriptions",
    request_body = SubscriptionDraft,
    params(("id" = i64, Path, description = "subscription id")),
    responses((status = 200, body = Envelope<SubscriptionJson>), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody,
            description = "end_date with an invoice open, or before the end of the invoiced periods")))]
pub async fn update(
    State(app): State<AppState>,
    auth: Auth,
    Id(id): Id<SubscriptionId>,
    JsonBody(body): JsonBody<SubscriptionDraft>,
) -> Result<Json<Envelope<SubscriptionJson>>, ApiError> {
    updated(&app, &auth, id, &body, SubscriptionJson::from).await
}

/// Changes a subscription and answers it as `shape` makes it: ours, or the original system's.
pub(crate) async fn updated(
    app: &AppState,
    auth: &Auth,
    id: SubscriptionId,
    draft: &SubscriptionDraft,
    shape: fn(Subscription) -> SubscriptionJson,
) -> Result<Json<Envelope<SubscriptionJson>>, ApiError> {
    let s = svc::update(app, &auth.actor, id, draft).await?;
    Ok(envelope("Subscription updated successfully", shape(s)))
}

/// Deletes a subscription that was never invoiced (admin, operator); otherwise cancel it.
#[utoipa::path(delete, path = "/subscriptions/{id}", tag = "subscriptions",
    params(("id" = i64, Path, description = "subscription id")),
    responses((status = 200, body = Message), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn delete(
    State(app): State<AppState>,
    auth: Auth,
    Id(id): Id<SubscriptionId>,
) -> Result<Json<Message>, ApiError> {
    svc::delete(&app, &auth.actor, id).await?;
    Ok(message("Subscription deleted successfully"))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryJson {
    pub kind: EventKind,
    pub from_status: Option<Status>,
    pub to_status: Option<Status>,
    pub old_end_date: Option<NaiveDate>,
    pub new_end_date: Option<NaiveDate>,
    /// A username, or `system` for the billing run.
    pub actor: String,
    pub reason: Option<String>,
    pub at: DateTime<Utc>,
}

/// Every change of a subscription: who, when, why.
#[utoipa::path(get, path = "/subscriptions/{id}/history", tag = "subscriptions",
    params(("id" = i64, Path, description = "subscription id")),
    responses((status = 200, body = Data<Vec<HistoryJson>>), (status = 404, body = ErrorBody)))]
pub async fn history(
    State(app): State<AppState>,
    Id(id): Id<SubscriptionId>,
) -> Result<Json<Data<Vec<HistoryJson>>>, ApiError> {
    let events = svc::history(&app, id).await?;
    Ok(Json(Data {
        data: events
            .into_iter()
            .map(|e| HistoryJson {
                kind: e.kind,
                from_status: e.from_status,
                to_status: e.to_status,
                old_end_date: e.old_end_date,
                new_end_date: e.new_end_date,
                actor: e.actor,
                reason: e.reason,
                at: e.at,
            })
            .collect(),
    }))
}
