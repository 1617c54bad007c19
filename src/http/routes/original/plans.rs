//! `/plan` and `/plan/{id}`: plans in the original fields, over the same service as `/plans`.

use axum::Json;
use axum::extract::State;
use axum::response::Response;
use serde::Serialize;
use utoipa::ToSchema;

use crate::app::AppState;
use crate::domain::billing::plan::{Plan, PlanDraft};
use crate::domain::ids::PlanId;
use crate::domain::money::Money;
use crate::http::error::{ApiError, ErrorBody};
use crate::http::extract::{Auth, Id};
use crate::http::form::FormOrJson;
use crate::http::idempotent::{IdempotencyKey, Keyed};
use crate::http::openapi::PlanCreate;
use crate::http::routes::plans as modern;
use crate::http::routes::{Data, Envelope, Message};
use crate::service::plans as svc;

/// A plan as the original system showed it.
#[derive(Debug, Serialize, ToSchema)]
pub struct OriginalPlan {
    pub plan_id: PlanId,
    #[schema(example = "Home 10M")]
    pub plan_name: String,
    pub price: Money,
    #[schema(example = "home-10m")]
    pub ppp_profile_name: String,
}

impl From<Plan> for OriginalPlan {
    fn from(p: Plan) -> Self {
        OriginalPlan {
            plan_id: p.id,
            plan_name: p.name,
            price: p.price,
            ppp_profile_name: p.ppp_profile,
        }
    }
}

/// All plans (original shape).
///
/// Kept for compatibility with the original PHP API; modern equivalent: `GET /plans`.
#[utoipa::path(get, path = "/plan", tag = "original",
    responses((status = 200, body = Data<Vec<OriginalPlan>>)))]
pub async fn list(State(app): State<AppState>) -> Result<Json<Data<Vec<OriginalPlan>>>, ApiError> {
    let plans = svc::list(&app).await?;
    Ok(Json(Data {
        data: plans.into_iter().map(OriginalPlan::from).collect(),
    }))
}

/// One plan (original shape).
///
/// Kept for compatibility with the original PHP API; modern equivalent: `GET /plans/{id}`.
#[utoipa::path(get, path = "/plan/{id}", tag = "original",
    params(("id" = i64, Path, description = "plan id")),
    responses((status = 200, body = Data<OriginalPlan>), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(app): State<AppState>,
    Id(id): Id<PlanId>,
) -> Result<Json<Data<OriginalPlan>>, ApiError> {
    Ok(Json(Data {
        data: svc::get(&app, id).await?.into(),
    }))
}

/// Creates a plan (original shape).
///
/// Kept for compatibility with the original PHP API; modern equivalent: `POST /plans`.
/// Admin only. `plan_name`, `price` and `ppp_profile_name` as the original; the plan bills
/// monthly unless `period_unit`/`period_count` say otherwise.
#[utoipa::path(post, path = "/plan", tag = "original", request_body = PlanCreate,
    params(IdempotencyKey),
    responses((status = 201, body = Envelope<OriginalPlan>), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn create(
    State(app): State<AppState>,
    auth: Auth,
    Keyed(retry, FormOrJson(body)): Keyed<FormOrJson<PlanDraft>>,
) -> Result<Response, ApiError> {
    modern::created::<OriginalPlan>(&app, &auth, retry, body).await
}

/// Changes the given fields of a plan (original shape).
///
/// Kept for compatibility with the original PHP API; modern equivalent: `PUT /plans/{id}`.
#[utoipa::path(put, path = "/plan/{id}", tag = "original", request_body = PlanDraft,
    params(("id" = i64, Path, description = "plan id")),
    responses((status = 200, body = Envelope<OriginalPlan>), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "plan_name taken"),
        (status = 422, body = ErrorBody)))]
pub async fn update(
    State(app): State<AppState>,
    auth: Auth,
    Id(id): Id<PlanId>,
    FormOrJson(body): FormOrJson<PlanDraft>,
) -> Result<Json<Envelope<OriginalPlan>>, ApiError> {
    modern::updated(&app, &auth, id, body).await
}

/// Deletes a plan (original path).
///
/// Kept for compatibility with the original PHP API; modern equivalent: `DELETE /plans/{id}`.
/// A plan in use is refused (409); deactivate it instead.
#[utoipa::path(delete, path = "/plan/{id}", tag = "original",
    params(("id" = i64, Path, description = "plan id")),
    responses((status = 200, body = Message), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
pub async fn delete(
    app: State<AppState>,
    auth: Auth,
    id: Id<PlanId>,
) -> Result<Json<Message>, ApiError> {
    modern::delete(app, auth, id).await
}
