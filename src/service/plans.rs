//! Plans (admin).

use chrono::Utc;

use super::{AppError, require};
use crate::app::App;
use crate::domain::billing::plan::{self, Plan, PlanInput};
use crate::domain::user::Role;
use crate::provisioning::outbox;
use crate::read;
use crate::security::token_cache::AuthUser;
use crate::storage::StoreError;
use crate::storage::repo::plans;

const ADMIN_ONLY: &str = "only an admin may change plans";

fn not_found(id: i64) -> AppError {
    AppError::NotFound(format!("plan {id}"))
}

fn map_conflict(name: &str) -> impl Fn(StoreError) -> AppError + '_ {
    move |e| match e {
        e if e.is_unique_on("name") => AppError::Conflict {
            field: "plan_name",
            message: format!("plan_name '{name}' is already taken"),
        },
        e => e.into(),
    }
}

pub async fn create(app: &App, actor: &AuthUser, input: PlanInput) -> Result<Plan, AppError> {
    require(actor, Role::manages_plans, ADMIN_ONLY)?;
    let mut p = plan::validate_new(&input)?;
    let row = p.clone();
    p.id = app
        .db
        .write(move |ex| {
            Box::pin(async move {
                let id = plans::insert(ex, &row, Utc::now())
                    .await
                    .map_err(map_conflict(&row.name))?;
                outbox::profile_everywhere(ex, &row.ppp_profile, row.rate_limit.as_deref()).await?;
                Ok::<_, AppError>(id)
            })
        })
        .await?;
    app.jobs_ready.notify_one();
    tracing::info!(plan_id = p.id, by = %actor.username, "plan created");
    Ok(p)
}

pub async fn get(app: &App, id: i64) -> Result<Plan, AppError> {
    read!(app, |ex| plans::get(ex, id))
        .await?
        .ok_or_else(|| not_found(id))
}

pub async fn list(app: &App) -> Result<Vec<Plan>, AppError> {
    read!(app, |ex| plans::list(ex)).await
}

pub async fn update(
    app: &App,
    actor: &AuthUser,
    id: i64,
    input: PlanInput,
) -> Result<Plan, AppError> {
    require(actor, Role::manages_plans, ADMIN_ONLY)?;
    let p = app
        .db
        .write(move |ex| {
            Box::pin(async move {
                let mut p = plans::get(ex, id).await?.ok_or_else(|| not_found(id))?;
                plan::apply_changes(&mut p, &input)?;
                plans::update(ex, &p, Utc::now())
                    .await
                    .map_err(map_conflict(&p.name))?;
                outbox::profile_everywhere(ex, &p.ppp_profile, p.rate_limit.as_deref()).await?;
                Ok::<_, AppError>(p)
            })
        })
        .await?;
    app.jobs_ready.notify_one();
    tracing::info!(plan_id = id, by = %actor.username, "plan updated");
    Ok(p)
}

pub async fn delete(app: &App, actor: &AuthUser, id: i64) -> Result<(), AppError> {
    require(actor, Role::manages_plans, ADMIN_ONLY)?;
    let deleted = app
        .db
        .write(move |ex| {
            Box::pin(async move {
                plans::delete(ex, id).await.map_err(super::in_use(
                    "plan_id",
                    "the plan has subscriptions; deactivate it instead",
                ))
            })
        })
        .await?;
    if !deleted {
        return Err(not_found(id));
    }
    Ok(())
}
