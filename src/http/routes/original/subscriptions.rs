//! `/subscription` and `/subscription/{id}`: subscriptions in the original fields and status
//! words (`active`, `inactive`), over the same service as `/subscriptions`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;

use super::{subscription_status_in, subscription_status_out};
use crate::app::AppState;
use crate::domain::billing::subscription::Subscription;
use crate::domain::money::Money;
use crate::http::error::{ApiError, ErrorBody};
use crate::http::extract::{Auth, Id, JsonBody, QueryParams};
use crate::http::routes::subscriptions::{self as modern, SubscriptionBody, SubscriptionJson};
use crate::http::routes::{Data, Envelope, Message, page_of, paged};
use crate::service::subscriptions::{self as svc, SubscriptionInput};
use crate::storage::repo::subscriptions::{Filter, Named};

/// Ours, with the status in the original's words.
fn original(s: Subscription) -> SubscriptionJson {
    SubscriptionJson {
        status: subscription_status_out(s.status),
        ..s.into()
    }
}

/// A row of `GET /subscription`: with the client's and the plan's names.
#[derive(Debug, Serialize, ToSchema)]
pub struct SubscriptionRow {
    pub subscription_id: i64,
    pub client_id: i64,
    pub client_name: String,
    pub plan_id: i64,
    pub plan_name: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    #[schema(example = "active")]
    pub status: &'static str,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PlanRef {
    pub plan_id: i64,
    pub plan_name: String,
    #[schema(value_type = f64, example = 100000.00)]
    pub price: Money,
}

/// `GET /subscription/{id}`: with the client's name and the plan nested.
#[derive(Debug, Serialize, ToSchema)]
pub struct SubscriptionOne {
    pub subscription_id: i64,
    pub client_id: i64,
    pub client_name: String,
    pub plan: PlanRef,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    #[schema(example = "active")]
    pub status: &'static str,
}

impl From<Named> for SubscriptionRow {
    fn from(n: Named) -> Self {
        let s = n.subscription;
        SubscriptionRow {
            subscription_id: s.id,
            client_id: s.client_id,
            client_name: n.client_name,
            plan_id: s.plan_id,
            plan_name: n.plan_name,
            start_date: s.start_date,
            end_date: s.end_date,
            status: subscription_status_out(s.status),
        }
    }
}

impl From<Named> for SubscriptionOne {
    fn from(n: Named) -> Self {
        let s = n.subscription;
        SubscriptionOne {
            subscription_id: s.id,
            client_id: s.client_id,
            client_name: n.client_name,
            plan: PlanRef {
                plan_id: s.plan_id,
                plan_name: n.plan_name,
                price: n.price,
            },
            start_date: s.start_date,
            end_date: s.end_date,
            status: subscription_status_out(s.status),
        }
    }
}

/// All subscriptions with client and plan names (original shape).
///
/// Kept for compatibility with the original PHP API; modern equivalent: `GET /subscriptions`.
/// Paginated like `GET /client` (`page`, `per_page`, totals in headers).
#[utoipa::path(get, path = "/subscription", tag = "original",
    params(("page" = Option<u32>, Query), ("per_page" = Option<u32>, Query)),
    responses((status = 200, body = Data<Vec<SubscriptionRow>>)), security(("bearer" = [])))]
pub async fn list(
    State(app): State<AppState>,
    _auth: Auth,
    q: QueryParams,
) -> Result<Response, ApiError> {
    let page = page_of(&app, &q)?;
    let (rows, total) = svc::list_named(&app, Filter::default(), page).await?;
    let data: Vec<SubscriptionRow> = rows.into_iter().map(SubscriptionRow::from).collect();
    Ok(paged(page, total, Json(Data { data })))
}

/// One subscription with its plan (original shape).
///
/// Kept for compatibility with the original PHP API; modern equivalent:
/// `GET /subscriptions/{id}`.
#[utoipa::path(get, path = "/subscription/{id}", tag = "original",
    params(("id" = i64, Path, description = "subscription id")),
    responses((status = 200, body = Data<SubscriptionOne>), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn get(
    State(app): State<AppState>,
    _auth: Auth,
    Id(id): Id,
) -> Result<Json<Data<SubscriptionOne>>, ApiError> {
    Ok(Json(Data {
        data: svc::get_named(&app, id).await?.into(),
    }))
}

/// Puts a client on a plan (original shape).
///
/// Kept for compatibility with the original PHP API; modern equivalent: `POST /subscriptions`.
/// `status` `inactive` creates a suspended subscription.
#[utoipa::path(post, path = "/subscription", tag = "original", request_body = SubscriptionBody,
    responses((status = 201, body = Envelope<SubscriptionJson>), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create(
    State(app): State<AppState>,
    auth: Auth,
    JsonBody(body): JsonBody<SubscriptionBody>,
) -> Result<(StatusCode, Json<Envelope<SubscriptionJson>>), ApiError> {
    let mut input = SubscriptionInput::from(body);
    input.status = subscription_status_in(input.status, None);
    modern::created(&app, &auth, input, original).await
}

/// Changes a subscription (original shape).
///
/// Kept for compatibility with the original PHP API; modern equivalent:
/// `PUT /subscriptions/{id}`. `status` `inactive` suspends (an operator's hold); sending the
/// word the subscription already shows, or its own `client_id`, changes nothing.
#[utoipa::path(put, path = "/subscription/{id}", tag = "original", request_body = SubscriptionBody,
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
    let current = svc::get(&app, id).await?;
    let mut input = SubscriptionInput::from(body);
    input.status = subscription_status_in(input.status, Some(current.status));
    // Original front ends send the whole row back; only a different client is a move.
    input.client_id = input.client_id.filter(|&c| c != current.client_id);
    modern::updated(&app, &auth, id, input, original).await
}

/// Deletes a subscription (original path).
///
/// Kept for compatibility with the original PHP API; modern equivalent:
/// `DELETE /subscriptions/{id}`. A subscription that was invoiced is refused (409); set it
/// `inactive` or cancel it instead.
#[utoipa::path(delete, path = "/subscription/{id}", tag = "original",
    params(("id" = i64, Path, description = "subscription id")),
    responses((status = 200, body = Message), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn delete(app: State<AppState>, auth: Auth, id: Id) -> Result<Json<Message>, ApiError> {
    modern::delete(app, auth, id).await
}
