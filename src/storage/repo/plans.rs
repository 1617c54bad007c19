use chrono::{DateTime, Utc};

use crate::domain::billing::collection::{Collection, Terms};
use crate::domain::billing::period::Period;
use crate::domain::billing::plan::Plan;
use crate::domain::ids::PlanId;
use crate::params;
use crate::storage::{Exec, StoreError, Table};

crate::record!(Period {
    unit = "period_unit",
    count = "period_count"
});
crate::record!(Terms {
    grace_days,
    overdue_action
});
crate::record!(Collection {
    terms,
    exempt = "cutoff_exempt",
    promised_until
});
crate::table!(Plan => "plans" as "p" {
    id,
    name,
    price = "price_minor",
    period,
    ppp_profile,
    rate_limit,
    active,
    terms,
    throttle_profile,
    reminders = "reminder_offsets",
});

fn select(tail: &str) -> String {
    format!(
        "SELECT {} FROM {} {tail}",
        Plan::select_list(),
        Plan::from_clause()
    )
}

pub async fn insert(ex: &mut dyn Exec, p: &Plan, now: DateTime<Utc>) -> Result<PlanId, StoreError> {
    ex.insert_row(p, &[("created_at", now.into()), ("updated_at", now.into())])
        .await
        .map(PlanId)
}

pub async fn update(ex: &mut dyn Exec, p: &Plan, now: DateTime<Utc>) -> Result<bool, StoreError> {
    ex.update_row(p, &[("updated_at = ?", now.into())]).await
}

pub async fn get(ex: &mut dyn Exec, id: PlanId) -> Result<Option<Plan>, StoreError> {
    ex.first(&select("WHERE p.id = ?"), params![id]).await
}

pub async fn list(ex: &mut dyn Exec) -> Result<Vec<Plan>, StoreError> {
    ex.all(&select("ORDER BY p.id"), &[]).await
}

pub async fn delete(ex: &mut dyn Exec, id: PlanId) -> Result<bool, StoreError> {
    Ok(ex
        .execute("DELETE FROM plans WHERE id = ?", params![id])
        .await?
        > 0)
}

/// Marks a plan as still to be priced (an import's), or as priced: generation invoices only
/// the subscriptions of priced plans.
pub async fn set_unpriced(ex: &mut dyn Exec, id: PlanId, unpriced: bool) -> Result<(), StoreError> {
    ex.execute(
        "UPDATE plans SET unpriced = ? WHERE id = ?",
        params![unpriced, id],
    )
    .await?;
    Ok(())
}

/// The plans still to be priced.
pub async fn unpriced(ex: &mut dyn Exec) -> Result<Vec<PlanId>, StoreError> {
    ex.all(
        "SELECT id FROM plans WHERE unpriced = ? ORDER BY id",
        params![true],
    )
    .await
}
