//! Plans (admin).

use chrono::Utc;

use super::idempotency::{Once, Outcome};
use super::{AppError, audit, require};
use crate::app::App;
use crate::domain::audit::{AuditAction, AuditEntity, NewAudit, plan_state};
use crate::domain::billing::plan::{Plan, PlanDraft};
use crate::domain::ids::PlanId;
use crate::domain::user::{Actor, Role};
use crate::provisioning::outbox;
use crate::storage::repo::{plans, subscriptions};
use crate::storage::{Exec, StoreError};
use crate::{tx, tx_once};

const ADMIN_ONLY: &str = "only an admin may change plans";

fn not_found(id: PlanId) -> AppError {
    AppError::NotFound(format!("plan {id}"))
}

fn name_taken(name: &str) -> impl Fn(StoreError) -> AppError + '_ {
    move |e| match e {
        e if e.is_unique_on("name") => AppError::Conflict {
            field: "plan_name",
            message: format!("plan_name '{name}' is already taken"),
        },
        e => e.into(),
    }
}

/// Creates a plan; its `/ppp/profile` is queued on every router. Once per
/// `Idempotency-Key` (see [`super::idempotency`]).
pub async fn create(
    app: &App,
    actor: &Actor,
    draft: &PlanDraft,
    once: Once<Plan>,
) -> Result<Outcome<Plan>, AppError> {
    require(actor, Role::manages_plans, ADMIN_ONLY)?;
    let plan = Plan::validate(draft)?;
    let by = actor.username.clone();
    let out = tx_once!(app, actor.id, once, |ex| create_tx(ex, plan, &by)).await?;
    if let Some(p) = out.created() {
        app.jobs_ready.notify_one();
        tracing::info!(plan_id = %p.id, by = %actor.username, "plan created");
    }
    Ok(out)
}

pub async fn create_tx(ex: &mut dyn Exec, mut p: Plan, by: &str) -> Result<Plan, AppError> {
    p.id = plans::insert(ex, &p, Utc::now())
        .await
        .map_err(name_taken(&p.name))?;
    outbox::plan_changed(ex, p.id).await?;
    let entry =
        NewAudit::new(by, AuditAction::PlanCreated, AuditEntity::Plan, p.id).after(plan_state(&p));
    audit::record_tx(ex, entry).await?;
    Ok(p)
}

pub async fn get(app: &App, id: PlanId) -> Result<Plan, AppError> {
    tx!(app, lookup, |ex| plans::get(ex, id))
        .await?
        .ok_or_else(|| not_found(id))
}

pub async fn list(app: &App) -> Result<Vec<Plan>, AppError> {
    tx!(app, read, |ex| plans::list(ex)).await
}

/// Changes the fields the draft gives; invoices already issued keep their amounts.
pub async fn update(
    app: &App,
    actor: &Actor,
    id: PlanId,
    draft: &PlanDraft,
) -> Result<Plan, AppError> {
    require(actor, Role::manages_plans, ADMIN_ONLY)?;
    let (draft, by) = (draft.clone(), actor.username.clone());
    let p = tx!(app, write, |ex| update_tx(ex, id, &draft, &by)).await?;
    app.jobs_ready.notify_one();
    tracing::info!(plan_id = %id, by = %actor.username, "plan updated");
    Ok(p)
}

pub async fn update_tx(
    ex: &mut dyn Exec,
    id: PlanId,
    draft: &PlanDraft,
    by: &str,
) -> Result<Plan, AppError> {
    let mut p = plans::get(ex, id).await?.ok_or_else(|| not_found(id))?;
    let (before, old) = (plan_state(&p), p.clone());
    p.patch(draft)?;
    plans::update(ex, &p, Utc::now())
        .await
        .map_err(name_taken(&p.name))?;
    if draft.price.is_some() {
        // An imported plan waiting for its price has it now: its subscriptions are invoiced.
        plans::set_unpriced(ex, id, false).await?;
    }
    outbox::plan_changed(ex, p.id).await?;
    if (&p.ppp_profile, p.terms.overdue_action, &p.throttle_profile)
        != (
            &old.ppp_profile,
            old.terms.overdue_action,
            &old.throttle_profile,
        )
    {
        // The secrets name the profile: each follows the plan now.
        let clients = subscriptions::clients_on_plan(ex, id).await?;
        outbox::clients_changed(ex, &clients).await?;
    }
    let entry = NewAudit::new(by, AuditAction::PlanUpdated, AuditEntity::Plan, id)
        .before(before)
        .after(plan_state(&p));
    audit::record_tx(ex, entry).await?;
    Ok(p)
}

pub async fn delete(app: &App, actor: &Actor, id: PlanId) -> Result<(), AppError> {
    require(actor, Role::manages_plans, ADMIN_ONLY)?;
    let by = actor.username.clone();
    let deleted = tx!(app, write, |ex| async move {
        let Some(before) = plans::get(ex, id).await? else {
            return Ok(false);
        };
        plans::delete(ex, id).await.map_err(super::in_use(
            "plan_id",
            "the plan has subscriptions; deactivate it instead",
        ))?;
        let entry = NewAudit::new(&by, AuditAction::PlanDeleted, AuditEntity::Plan, id)
            .before(plan_state(&before));
        audit::record_tx(ex, entry).await?;
        Ok::<_, AppError>(true)
    })
    .await?;
    if !deleted {
        return Err(not_found(id));
    }
    tracing::info!(plan_id = %id, by = %actor.username, "plan deleted");
    Ok(())
}
