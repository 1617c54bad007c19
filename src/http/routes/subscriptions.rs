//! `/subscriptions` and `/client/{id}/subscriptions`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{Data, Envelope, Message, envelope, message, page_of, paged, query_choice, query_opt};
use crate::app::AppState;
use crate::domain::billing::subscription::{Status, Subscription};
use crate::domain::validation::FieldErrors;
use crate::http::error::{ApiError, ErrorBody};
use crate::http::extract::{Auth, Id, JsonBody, QueryParams};
use crate::service::AppError;
use crate::service::subscriptions::{self as svc, SubscriptionInput};
use crate::storage::repo::subscriptions::Filter;

#[derive(Debug, Serialize, ToSchema)]
pub struct SubscriptionJson {
    pub subscription_id: i64,
    pub client_id: i64,
    pub plan_id: i64,
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

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubscriptionBody {
    pub client_id: Option<i64>,
    pub plan_id: Option<i64>,
    #[schema(example = "2024-01-01")]
    pub start_date: Option<NaiveDate>,
    /// Defaults to one billing period after `start_date`.
    #[schema(example = "2024-12-31")]
    pub end_date: Option<NaiveDate>,
    pub status: Option<String>,
    /// Why the status changes, kept in the history.
    pub reason: Option<String>,
}

impl From<SubscriptionBody> for SubscriptionInput {
    fn from(b: SubscriptionBody) -> Self {
        SubscriptionInput {
            client_id: b.client_id,
            plan_id: b.plan_id,
            start_date: b.start_date,
            end_date: b.end_date,
            status: b.status,
            reason: b.reason,
        }
    }
}

fn filter(q: &QueryParams, client_id: Option<i64>) -> Result<Filter, AppError> {
    let status = query_choice(
        q,
        "status",
        Status::parse,
        "one of active, suspended, expired, cancelled",
    )?;
    Ok(Filter {
        client_id: client_id.or(query_opt(q, "client_id", "a client id")?),
        status,
    })
}

async fn list_page(
    app: &AppState,
    q: &QueryParams,
    client_id: Option<i64>,
) -> Result<Response, ApiError> {
    let page = page_of(app, q)?;
    let (subs, total) = svc::list(app, filter(q, client_id)?, page).await?;
    let data: Vec<SubscriptionJson> = subs.into_iter().map(SubscriptionJson::from).collect();
    Ok(paged(
        page,
        total,
        envelope("Subscriptions retrieved successfully", data),
    ))
}

/// Subscriptions, filtered by `status` and `client_id`, a page at a time.
#[utoipa::path(get, path = "/subscriptions", tag = "subscriptions",
    params(("status" = Option<String>, Query), ("client_id" = Option<i64>, Query),
        ("page" = Option<u32>, Query), ("per_page" = Option<u32>, Query)),
    responses((status = 200, body = Envelope<Vec<SubscriptionJson>>)),
    security(("bearer" = [])))]
pub async fn list(
    State(app): State<AppState>,
    _auth: Auth,
    q: QueryParams,
) -> Result<Response, ApiError> {
    list_page(&app, &q, None).await
}

/// A client's subscriptions.
///
/// Also kept for compatibility with the original PHP API, in this shape (the original field
/// names; `status` in our words); modern equivalent: `GET /subscriptions?client_id={id}`.
#[utoipa::path(get, path = "/client/{id}/subscriptions", tags = ["subscriptions", "original"],
    params(("id" = i64, Path, description = "client id")),
    responses((status = 200, body = Envelope<Vec<SubscriptionJson>>), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn for_client(
    State(app): State<AppState>,
    _auth: Auth,
    Id(id): Id,
    q: QueryParams,
) -> Result<Response, ApiError> {
    crate::service::clients::get(&app, id).await?;
    list_page(&app, &q, Some(id)).await
}

#[utoipa::path(get, path = "/subscriptions/{id}", tag = "subscriptions",
    params(("id" = i64, Path, description = "subscription id")),
    responses((status = 200, body = Envelope<SubscriptionJson>), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn get(
    State(app): State<AppState>,
    _auth: Auth,
    Id(id): Id,
) -> Result<Json<Envelope<SubscriptionJson>>, ApiError> {
    let s = svc::get(&app, id).await?;
    Ok(envelope("Subscription retrieved successfully", s.into()))
}

/// Puts a client on a plan (admin, operator).
#[utoipa::path(post, path = "/subscriptions", tag = "subscriptions", request_body = SubscriptionBody,
    responses((status = 201, body = Envelope<SubscriptionJson>), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create(
    State(app): State<AppState>,
    auth: Auth,
    JsonBody(body): JsonBody<SubscriptionBody>,
) -> Result<(StatusCode, Json<Envelope<SubscriptionJson>>), ApiError> {
    created(&app, &auth, body.into(), SubscriptionJson::from).await
}

/// Creates a subscription and answers it as `shape` makes it: ours, or the original system's.
pub(crate) async fn created(
    app: &AppState,
    auth: &Auth,
    input: SubscriptionInput,
    shape: fn(Subscription) -> SubscriptionJson,
) -> Result<(StatusCode, Json<Envelope<SubscriptionJson>>), ApiError> {
    let s = svc::create(app, &auth.user, input).await?;
    Ok((
        StatusCode::CREATED,
        envelope("Subscription created successfully", shape(s)),
    ))
}

/// Puts the client in the path on a plan (admin, operator).
#[utoipa::path(post, path = "/client/{id}/subscriptions", tag = "subscriptions",
    request_body = SubscriptionBody, params(("id" = i64, Path, description = "client id")),
    responses((status = 201, body = Envelope<SubscriptionJson>), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create_for_client(
    State(app): State<AppState>,
    auth: Auth,
    Id(id): Id,
    JsonBody(body): JsonBody<SubscriptionBody>,
) -> Result<(StatusCode, Json<Envelope<SubscriptionJson>>), ApiError> {
    if body.client_id.is_some_and(|c| c != id) {
        return Err(AppError::from(FieldErrors::single(
            "client_id",
            "differs from the client in the path",
        ))
        .into());
    }
    crate::service::clients::get(&app, id).await?;
    let mut input = SubscriptionInput::from(body);
    input.client_id = Some(id);
    created(&app, &auth, input, SubscriptionJson::from).await
}

/// Changes plan, dates or status (admin, operator); status changes are recorded.
#[utoipa::path(put, path = "/subscriptions/{id}", tag = "subscriptions", request_body = SubscriptionBody,
    params(("id" = i64, Path, description = "subscription id")),
    responses((status = 200, body = Envelope<SubscriptionJson>), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update(
    State(app): State<AppState>,
    auth: Auth,
    Id(id): Id,
    JsonBody(body): JsonBody<SubscriptionBody>,
) -> Result<Json<Envelope<SubscriptionJson>>, ApiError> {
    updated(&app, &auth, id, body.into(), SubscriptionJson::from).await
}

/// Changes a subscription and answers it as `shape` makes it: ours, or the original system's.
pub(crate) async fn updated(
    app: &AppState,
    auth: &Auth,
    id: i64,
    input: SubscriptionInput,
    shape: fn(Subscription) -> SubscriptionJson,
) -> Result<Json<Envelope<SubscriptionJson>>, ApiError> {
    let s = svc::update(app, &auth.user, id, input).await?;
    Ok(envelope("Subscription updated successfully", shape(s)))
}

/// Deletes a subscription that was never invoiced (admin, operator); otherwise cancel it.
#[utoipa::path(delete, path = "/subscriptions/{id}", tag = "subscriptions",
    params(("id" = i64, Path, description = "subscription id")),
    responses((status = 200, body = Message), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn delete(
    State(app): State<AppState>,
    auth: Auth,
    Id(id): Id,
) -> Result<Json<Message>, ApiError> {
    svc::delete(&app, &auth.user, id).await?;
    Ok(message("Subscription deleted successfully"))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryJson {
    /// `created`, `updated`, `status_changed`, `renewed`, `suspended`, `reactivated`.
    pub kind: String,
    pub from_status: Option<&'static str>,
    pub to_status: Option<&'static str>,
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
    responses((status = 200, body = Data<Vec<HistoryJson>>), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn history(
    State(app): State<AppState>,
    _auth: Auth,
    Id(id): Id,
) -> Result<Json<Data<Vec<HistoryJson>>>, ApiError> {
    let events = svc::history(&app, id).await?;
    Ok(Json(Data {
        data: events
            .into_iter()
            .map(|(e, at)| HistoryJson {
                kind: e.kind,
                from_status: e.from_status.map(Status::as_str),
                to_status: e.to_status.map(Status::as_str),
                old_end_date: e.old_end_date,
                new_end_date: e.new_end_date,
                actor: e.actor,
                reason: e.reason,
                at,
            })
            .collect(),
    }))
}
