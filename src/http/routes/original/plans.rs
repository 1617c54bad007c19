//! `/plan` and `/plan/{id}`: plans in the original fields, over the same service as `/plans`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;

use crate::app::AppState;
use crate::domain::billing::plan::Plan;
use crate::domain::money::Money;
use crate::http::error::{ApiError, ErrorBody};
use crate::http::extract::{Auth, Id, JsonBody};
use crate::http::routes::plans::{self as modern, PlanBody};
use crate::http::routes::{Data, Envelope, Message};
use crate::service::plans as svc;

/// A plan as the original system showed it.
#[derive(Debug, Serialize, ToSchema)]
pub struct OriginalPlan {
    pub plan_id: i64,
    #[schema(example = "Home 10M")]
    pub plan_name: String,
    /// A JSON number with two decimals.
    #[schema(value_type = f64, example = 100000.00)]
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
    responses((status = 200, body = Data<Vec<OriginalPlan>>)), security(("bearer" = [])))]
pub async fn list(
    State(app): State<AppState>,
    _auth: Auth,
) -> Result<Json<Data<Vec<OriginalPlan>>>, ApiError> {
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
    responses((status = 200, body = Data<OriginalPlan>), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn get(
    State(app): State<AppState>,
    _auth: Auth,
    Id(id): Id,
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
#[utoipa::path(post, path = "/plan", tag = "original", request_body = PlanBody,
    responses((status = 201, body = Envelope<OriginalPlan>), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create(
    State(app): State<AppState>,
    auth: Auth,
    JsonBody(body): JsonBody<PlanBody>,
) -> Result<(StatusCode, Json<Envelope<OriginalPlan>>), ApiError> {
    modern::created(&app, &auth, body).await
}

/// Changes the given fields of a plan (original shape).
///
/// Kept for compatibility with the original PHP API; modern equivalent: `PUT /plans/{id}`.
#[utoipa::path(put, path = "/plan/{id}", tag = "original", request_body = PlanBody,
    params(("id" = i64, Path, description = "plan id")),
    responses((status = 200, body = Envelope<OriginalPlan>), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update(
    State(app): State<AppState>,
    auth: Auth,
    Id(id): Id,
    JsonBody(body): JsonBody<PlanBody>,
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
        (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn delete(app: State<AppState>, auth: Auth, id: Id) -> Result<Json<Message>, ApiError> {
    modern::delete(app, auth, id).await
}
