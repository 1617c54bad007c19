//! `/plans`: what the provider sells (admin writes, everyone reads).

use axum::Json;
use axum::extract::State;
use axum::response::Response;
use serde::Serialize;
use utoipa::ToSchema;

use super::{Envelope, Message, envelope, message};
use crate::app::AppState;
use crate::domain::billing::collection::OverdueAction;
use crate::domain::billing::period::PeriodUnit;
use crate::domain::billing::plan::{Plan, PlanDraft};
use crate::domain::ids::PlanId;
use crate::domain::money::Money;
use crate::domain::notify::Schedule;
use crate::http::error::{ApiError, ErrorBody};
use crate::http::extract::{Auth, Id, JsonBody};
use crate::http::idempotent::{IdempotencyKey, Keyed, Retry, created as answer, respond};
use crate::http::openapi::PlanCreate;
use crate::service::plans as svc;

#[derive(Debug, Serialize, ToSchema)]
pub struct PlanJson {
    pub plan_id: PlanId,
    #[schema(example = "Home 10M")]
    pub plan_name: String,
    pub price: Money,
    pub period_unit: PeriodUnit,
    #[schema(example = 1)]
    pub period_count: u32,
    #[schema(example = "home-10m")]
    pub ppp_profile_name: String,
    #[schema(example = "10M/10M")]
    pub rate_limit: Option<String>,
    pub active: bool,
    /// Days after the due date before the cut-off; `null`: the global setting.
    pub grace_days: Option<u32>,
    /// What the cut-off does to the plan's clients: `cut_off` or `throttle`.
    pub overdue_action: OverdueAction,
    #[schema(example = "throttle-1m")]
    pub throttle_profile: Option<String>,
    /// The plan's own reminder days from the due date; `null`: the global schedule.
    pub reminder_offsets: Option<Schedule>,
}

impl From<Plan> for PlanJson {
    fn from(p: Plan) -> Self {
        PlanJson {
            plan_id: p.id,
            plan_name: p.name,
            price: p.price,
            period_unit: p.period.unit,
            period_count: p.period.count,
            ppp_profile_name: p.ppp_profile,
            rate_limit: p.rate_limit,
            active: p.active,
            grace_days: p.terms.grace_days,
            overdue_action: p.terms.overdue_action.unwrap_or(OverdueAction::CutOff),
            throttle_profile: p.throttle_profile,
            reminder_offsets: p.reminders,
        }
    }
}

/// All plans.
#[utoipa::path(get, path = "/plans", tag = "plans",
    responses((status = 200, body = Envelope<Vec<PlanJson>>)))]
pub async fn list(State(app): State<AppState>) -> Result<Json<Envelope<Vec<PlanJson>>>, ApiError> {
    let plans = svc::list(&app).await?;
    Ok(envelope(
        "Plans retrieved successfully",
        plans.into_iter().map(PlanJson::from).collect(),
    ))
}

#[utoipa::path(get, path = "/plans/{id}", tag = "plans",
    params(("id" = i64, Path, description = "plan id")),
    responses((status = 200, body = Envelope<PlanJson>), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(app): State<AppState>,
    Id(id): Id<PlanId>,
) -> Result<Json<Envelope<PlanJson>>, ApiError> {
    Ok(envelope(
        "Plan retrieved successfully",
        svc::get(&app, id).await?.into(),
    ))
}

/// Creates a plan (admin).
#[utoipa::path(post, path = "/plans", tag = "plans", request_body = PlanCreate,
    params(IdempotencyKey),
    responses((status = 201, body = Envelope<PlanJson>), (status = 409, body = ErrorBody)))]
pub async fn create(
    State(app): State<AppState>,
    auth: Auth,
    Keyed(retry, JsonBody(body)): Keyed<JsonBody<PlanDraft>>,
) -> Result<Response, ApiError> {
    created::<PlanJson>(&app, &auth, retry, body).await
}

/// Creates a plan and answers it in the shape `J`: ours, or the original system's.
pub(crate) async fn created<J: From<Plan> + Serialize>(
    app: &AppState,
    auth: &Auth,
    retry: Retry,
    body: PlanDraft,
) -> Result<Response, ApiError> {
    let once = retry.answer(|p: &Plan| answer("Plan created successfully", J::from(p.clone())));
    Ok(respond(svc::create(app, &auth.actor, &body, once).await?))
}

/// Changes the given fields of a plan (admin). Invoices already issued keep their amounts.
#[utoipa::path(put, path = "/plans/{id}", tag = "plans", request_body = PlanDraft,
    params(("id" = i64, Path, description = "plan id")),
    responses((status = 200, body = Envelope<PlanJson>), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
pub async fn update(
    State(app): State<AppState>,
    auth: Auth,
    Id(id): Id<PlanId>,
    JsonBody(body): JsonBody<PlanDraft>,
) -> Result<Json<Envelope<PlanJson>>, ApiError> {
    updated(&app, &auth, id, body).await
}

/// Changes a plan and answers it in the shape `J`: ours, or the original system's.
pub(crate) async fn updated<J: From<Plan>>(
    app: &AppState,
    auth: &Auth,
    id: PlanId,
    body: PlanDraft,
) -> Result<Json<Envelope<J>>, ApiError> {
    let p = svc::update(app, &auth.actor, id, &body).await?;
    Ok(envelope("Plan updated successfully", p.into()))
}

/// Deletes a plan no subscription uses (admin); otherwise deactivate it.
#[utoipa::path(delete, path = "/plans/{id}", tag = "plans",
    params(("id" = i64, Path, description = "plan id")),
    responses((status = 200, body = Message), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
pub async fn delete(
    State(app): State<AppState>,
    auth: Auth,
    Id(id): Id<PlanId>,
) -> Result<Json<Message>, ApiError> {
    svc::delete(&app, &auth.actor, id).await?;
    Ok(message("Plan deleted successfully"))
}
