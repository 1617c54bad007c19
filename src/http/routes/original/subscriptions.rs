//! `/subscription` and `/subscription/{id}`: subscriptions in the original fields and status
//! words (`active`, `inactive`), over the same service as `/subscriptions`.

use axum::Json;
use axum::extract::State;
use axum::response::Response;
use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;

use super::{subscription_status_in, subscription_status_out};
use crate::app::AppState;
use crate::domain::billing::subscription::{
    NamedSubscription, Subscription, SubscriptionDraft, SubscriptionFilter,
};
use crate::domain::ids::{ClientId, PlanId, SubscriptionId};
use crate::domain::money::Money;
use crate::http::error::{ApiError, ErrorBody};
use crate::http::extract::{Auth, Id, Query};
use crate::http::form::FormOrJson;
use crate::http::idempotent::{IdempotencyKey, Keyed};
use crate::http::openapi::SubscriptionCreate;
use crate::http::routes::subscriptions::{self as modern, SubscriptionJson};
use crate::http::routes::{Data, Envelope, Message, PageQuery, page_of, paged};
use crate::service::subscriptions as svc;

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
    pub subscription_id: SubscriptionId,
    pub client_id: ClientId,
    pub client_name: String,
    pub plan_id: PlanId,
    pub plan_name: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    #[schema(example = "active")]
    pub status: &'static str,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PlanRef {
    pub plan_id: PlanId,
    pub plan_name: String,
    pub price: Money,
}

/// `GET /subscription/{id}`: with the client's name and the plan nested.
#[derive(Debug, Serialize, ToSchema)]
pub struct SubscriptionOne {
    pub subscription_id: SubscriptionId,
    pub client_id: ClientId,
    pub client_name: String,
    pub plan: PlanRef,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    #[schema(example = "active")]
    pub status: &'static str,
}

impl From<NamedSubscription> for SubscriptionRow {
    fn from(n: NamedSubscription) -> Self {
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

impl From<NamedSubscription> for SubscriptionOne {
    fn from(n: NamedSubscription) -> Self {
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
/// Without `page` and `per_page`, every subscription, streamed, as the original answered; with
/// either, paginated like `GET /client` (`page`, `per_page`, totals in headers).
#[utoipa::path(get, path = "/subscription", tag = "original",
    params(PageQuery),
    responses((status = 200, body = Data<Vec<SubscriptionRow>>)))]
pub async fn list(
    State(app): State<AppState>,
    Query(q): Query<PageQuery>,
) -> Result<Response, ApiError> {
    if crate::http::routes::unpaged(&q) {
        use crate::http::routes::stream::{self, CHUNK};
        let chunk = |app: AppState, after| async move {
            let rows =
                svc::list_named_after(&app, SubscriptionFilter::default(), after, CHUNK).await?;
            Ok::<_, crate::service::AppError>(
                rows.into_iter()
                    .map(SubscriptionRow::from)
                    .collect::<Vec<_>>(),
            )
        };
        let first = chunk(app.clone(), None).await?;
        return Ok(stream::json_rows(
            stream::data_head(),
            first,
            CHUNK,
            |s| s.subscription_id,
            move |after| chunk(app.clone(), Some(after)),
        ));
    }
    let page = page_of(&app, &q)?;
    let (rows, total) = svc::list_named(&app, SubscriptionFilter::default(), page).await?;
    let data: Vec<SubscriptionRow> = rows.into_iter().map(SubscriptionRow::from).collect();
    Ok(paged(page, total, Json(Data { data })))
}

/// One subscription with its plan (original shape).
///
/// Kept for compatibility with the original PHP API; modern equivalent:
/// `GET /subscriptions/{id}`.
#[utoipa::path(get, path = "/subscription/{id}", tag = "original",
    params(("id" = i64, Path, description = "subscription id")),
    responses((status = 200, body = Data<SubscriptionOne>), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(app): State<AppState>,
    Id(id): Id<SubscriptionId>,
) -> Result<Json<Data<SubscriptionOne>>, ApiError> {
    Ok(Json(Data {
        data: svc::get_named(&app, id).await?.into(),
    }))
}

/// Puts a client on a plan (original shape).
///
/// Kept for compatibility with the original PHP API; modern equivalent: `POST /subscriptions`.
/// `status` `inactive` creates a suspended subscription.
#[utoipa::path(post, path = "/subscription", tag = "original",
    request_body = SubscriptionCreate, params(IdempotencyKey),
    responses((status = 201, body = Envelope<SubscriptionJson>)))]
pub async fn create(
    State(app): State<AppState>,
    auth: Auth,
    Keyed(retry, FormOrJson(mut body)): Keyed<FormOrJson<SubscriptionDraft>>,
) -> Result<Response, ApiError> {
    body.status = subscription_status_in(body.status, None);
    modern::created(&app, &auth, retry, &body, original).await
}

/// Changes a subscription (original shape).
///
/// Kept for compatibility with the original PHP API; modern equivalent:
/// `PUT /subscriptions/{id}`. `status` `inactive` suspends (an operator's hold); sending the
/// word the subscription already shows, or its own `client_id`, changes nothing.
#[utoipa::path(put, path = "/subscription/{id}", tag = "original",
    request_body = SubscriptionDraft,
    params(("id" = i64, Path, description = "subscription id")),
    responses((status = 200, body = Envelope<SubscriptionJson>), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody,
            description = "end_date with an invoice open, or before the end of the invoiced periods")))]
pub async fn update(
    State(app): State<AppState>,
    auth: Auth,
    Id(id): Id<SubscriptionId>,
    FormOrJson(mut body): FormOrJson<SubscriptionDraft>,
) -> Result<Json<Envelope<SubscriptionJson>>, ApiError> {
    let current = svc::get(&app, id).await?;
    body.status = subscription_status_in(body.status, Some(current.status));
    // Original front ends send the whole row back; the same client_id is no move.
    modern::updated(&app, &auth, id, &body, original).await
}

/// Deletes a subscription (original path).
///
/// Kept for compatibility with the original PHP API; modern equivalent:
/// `DELETE /subscriptions/{id}`. A subscription that was invoiced is refused (409); set it
/// `inactive` or cancel it instead.
#[utoipa::path(delete, path = "/subscription/{id}", tag = "original",
    params(("id" = i64, Path, description = "subscription id")),
    responses((status = 200, body = Message), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn delete(
    app: State<AppState>,
    auth: Auth,
    id: Id<SubscriptionId>,
) -> Result<Json<Message>, ApiError> {
    modern::delete(app, auth, id).await
}
