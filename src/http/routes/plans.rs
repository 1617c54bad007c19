//! `/plans`: what the provider sells (admin writes, everyone reads).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{Envelope, Message, double_option, envelope, message};
use crate::app::AppState;
use crate::domain::billing::plan::{Plan, PlanInput};
use crate::domain::money::Money;
use crate::http::error::{ApiError, ErrorBody};
use crate::http::extract::{Auth, Id, JsonBody};
use crate::service::plans as svc;

#[derive(Debug, Serialize, ToSchema)]
pub struct PlanJson {
    pub plan_id: i64,
    #[schema(example = "Home 10M")]
    pub plan_name: String,
    /// A JSON number with two decimals.
    #[schema(value_type = f64, example = 100000.00)]
    pub price: Money,
    /// `month` or `day`.
    #[schema(example = "month")]
    pub period_unit: &'static str,
    #[schema(example = 1)]
    pub period_count: u32,
    #[schema(example = "home-10m")]
    pub ppp_profile_name: String,
    #[schema(example = "10M/10M")]
    pub rate_limit: Option<String>,
    pub active: bool,
}

impl From<Plan> for PlanJson {
    fn from(p: Plan) -> Self {
        PlanJson {
            plan_id: p.id,
            plan_name: p.name,
            price: p.price,
            period_unit: p.period.unit.as_str(),
            period_count: p.period.count,
            ppp_profile_name: p.ppp_profile,
            rate_limit: p.rate_limit,
            active: p.active,
        }
    }
}

/// A plan to create, or the fields to change.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanBody {
    #[schema(example = "Home 10M")]
    pub plan_name: Option<String>,
    /// A number or a string with at most two decimals.
    #[schema(value_type = Option<f64>, example = 100000.00)]
    pub price: Option<Money>,
    /// `month` (default) or `day`.
    pub period_unit: Option<String>,
    /// How many units one period lasts (default 1).
    pub period_count: Option<i64>,
    #[schema(example = "home-10m")]
    pub ppp_profile_name: Option<String>,
    /// RouterOS rate limit, e.g. `10M/10M`; `null` clears it.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub rate_limit: Option<Option<String>>,
    pub active: Option<bool>,
}

impl From<PlanBody> for PlanInput {
    fn from(b: PlanBody) -> Self {
        PlanInput {
            name: b.plan_name,
            price: b.price,
            period_unit: b.period_unit,
            period_count: b.period_count,
            ppp_profile: b.ppp_profile_name,
            rate_limit: b.rate_limit,
            active: b.active,
        }
    }
}

/// All plans.
#[utoipa::path(get, path = "/plans", tag = "plans",
    responses((status = 200, body = Envelope<Vec<PlanJson>>)), security(("bearer" = [])))]
pub async fn list(
    State(app): State<AppState>,
    _auth: Auth,
) -> Result<Json<Envelope<Vec<PlanJson>>>, ApiError> {
    let plans = svc::list(&app).await?;
    Ok(envelope(
        "Plans retrieved successfully",
        plans.into_iter().map(PlanJson::from).collect(),
    ))
}

#[utoipa::path(get, path = "/plans/{id}", tag = "plans",
    params(("id" = i64, Path, description = "plan id")),
    responses((status = 200, body = Envelope<PlanJson>), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn get(
    State(app): State<AppState>,
    _auth: Auth,
    Id(id): Id,
) -> Result<Json<Envelope<PlanJson>>, ApiError> {
    Ok(envelope(
        "Plan retrieved successfully",
        svc::get(&app, id).await?.into(),
    ))
}

/// Creates a plan (admin).
#[utoipa::path(post, path = "/plans", tag = "plans", request_body = PlanBody,
    responses((status = 201, body = Envelope<PlanJson>), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create(
    State(app): State<AppState>,
    auth: Auth,
    JsonBody(body): JsonBody<PlanBody>,
) -> Result<(StatusCode, Json<Envelope<PlanJson>>), ApiError> {
    created(&app, &auth, body).await
}

/// Creates a plan and answers it in the shape `J`: ours, or the original system's.
pub(crate) async fn created<J: From<Plan>>(
    app: &AppState,
    auth: &Auth,
    body: PlanBody,
) -> Result<(StatusCode, Json<Envelope<J>>), ApiError> {
    let p = svc::create(app, &auth.user, body.into()).await?;
    Ok((
        StatusCode::CREATED,
        envelope("Plan created successfully", p.into()),
    ))
}

/// Changes the given fields of a plan (admin). Invoices already issued keep their amounts.
#[utoipa::path(put, path = "/plans/{id}", tag = "plans", request_body = PlanBody,
    params(("id" = i64, Path, description = "plan id")),
    responses((status = 200, body = Envelope<PlanJson>), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update(
    State(app): State<AppState>,
    auth: Auth,
    Id(id): Id,
    JsonBody(body): JsonBody<PlanBody>,
) -> Result<Json<Envelope<PlanJson>>, ApiError> {
    updated(&app, &auth, id, body).await
}

/// Changes a plan and answers it in the shape `J`: ours, or the original system's.
pub(crate) async fn updated<J: From<Plan>>(
    app: &AppState,
    auth: &Auth,
    id: i64,
    body: PlanBody,
) -> Result<Json<Envelope<J>>, ApiError> {
    let p = svc::update(app, &auth.user, id, body.into()).await?;
    Ok(envelope("Plan updated successfully", p.into()))
}

/// Deletes a plan no subscription uses (admin); otherwise deactivate it.
#[utoipa::path(delete, path = "/plans/{id}", tag = "plans",
    params(("id" = i64, Path, description = "plan id")),
    responses((status = 200, body = Message), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn delete(
    State(app): State<AppState>,
    auth: Auth,
    Id(id): Id,
) -> Result<Json<Message>, ApiError> {
    svc::delete(&app, &auth.user, id).await?;
    Ok(message("Plan deleted successfully"))
}
