use chrono::{DateTime, Utc};

use super::Conditions;
use crate::domain::billing::subscription::{
    Event, NamedSubscription, Subscription, SubscriptionFilter,
};
use crate::domain::ids::{ClientId, PlanId, SubscriptionId};
use crate::params;
use crate::storage::{Exec, StoreError, Table};

crate::table!(Subscription => "subscriptions" as "s" {
    id, client_id, plan_id, start_date, end_date, status
});
crate::record!(Event {
    subscription_id,
    client_id,
    kind,
    from_status,
    to_status,
    old_end_date,
    new_end_date,
    actor,
    reason,
    at = "created_at",
});
crate::record!(NamedSubscription {
    subscription,
    client_name,
    plan_name,
    price
});

fn select(tail: &str) -> String {
    format!(
        "SELECT {} FROM {} {tail}",
        Subscription::select_list(),
        Subscription::from_clause()
    )
}

pub async fn insert(
    ex: &mut dyn Exec,
    s: &Subscription,
    now: DateTime<Utc>,
) -> Result<SubscriptionId, StoreError> {
    ex.insert_row(s, &[("created_at", now.into()), ("updated_at", now.into())])
        .await
        .map(SubscriptionId)
}

pub async fn get(
    ex: &mut dyn Exec,
    id: SubscriptionId,
) -> Result<Option<Subscription>, StoreError> {
    ex.first(&select("WHERE s.id = ?"), params![id]).await
}

/// The subscription, its row locked until the transaction ends.
pub async fn get_for_update(
    ex: &mut dyn Exec,
    id: SubscriptionId,
) -> Result<Option<Subscription>, StoreError> {
    ex.first(&select("WHERE s.id = ?{for_update}"), params![id])
        .await
}

pub async fn update(
    ex: &mut dyn Exec,
    s: &Subscription,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    ex.update_row(s, &[("updated_at = ?", now.into())]).await
}

pub async fn delete(ex: &mut dyn Exec, id: SubscriptionId) -> Result<bool, StoreError> {
    ex.execute(
        "DELETE FROM subscription_events WHERE subscription_id = ?",
        params![id],
    )
    .await?;
    Ok(ex
        .execute("DELETE FROM subscriptions WHERE id = ?", params![id])
        .await?
        > 0)
}

fn conditions(f: &SubscriptionFilter) -> Conditions {
    let mut conds = Conditions::default();
    conds
        .add("s.client_id = ?", f.client_id)
        .add("s.status = ?", f.status);
    conds
}

pub async fn page(
    ex: &mut dyn Exec,
    f: &SubscriptionFilter,
    limit: i64,
    offset: i64,
) -> Result<(Vec<Subscription>, i64), StoreError> {
    super::page(
        ex,
        &Subscription::from_clause(),
        Subscription::select_list(),
        "s.id",
        conditions(f),
        (limit, offset),
    )
    .await
}

const NAMED_FROM: &str =
    "subscriptions s JOIN clients c ON c.id = s.client_id JOIN plans p ON p.id = s.plan_id";

fn named_columns() -> String {
    format!(
        "{}, c.name, p.name, p.price_minor",
        Subscription::select_list()
    )
}

pub async fn page_named(
    ex: &mut dyn Exec,
    f: &SubscriptionFilter,
    limit: i64,
    offset: i64,
) -> Result<(Vec<NamedSubscription>, i64), StoreError> {
    super::page(
        ex,
        NAMED_FROM,
        &named_columns(),
        "s.id",
        conditions(f),
        (limit, offset),
    )
    .await
}

/// As [`page_named`], a chunk of ids above `after` (see [`super::chunk`]).
pub async fn named_after(
    ex: &mut dyn Exec,
    f: &SubscriptionFilter,
    after: Option<SubscriptionId>,
    limit: i64,
) -> Result<Vec<NamedSubscription>, StoreError> {
    super::chunk(
        ex,
        NAMED_FROM,
        &named_columns(),
        ("s.id", "s.id > ?"),
        conditions(f),
        after.map(|a| a.0),
        limit,
    )
    .await
}

pub async fn get_named(
    ex: &mut dyn Exec,
    id: SubscriptionId,
) -> Result<Option<NamedSubscription>, StoreError> {
    let sql = format!(
        "SELECT {} FROM {NAMED_FROM} WHERE s.id = ?",
        named_columns()
    );
    ex.first(&sql, params![id]).await
}

pub async fn for_client(
    ex: &mut dyn Exec,
    client_id: ClientId,
) -> Result<Vec<Subscription>, StoreError> {
    ex.all(
        &select("WHERE s.client_id = ? ORDER BY s.id"),
        params![client_id],
    )
    .await
}

/// The clients with an active or suspended subscription on `plan` (whose secrets carry the
/// plan's profile, or its throttle profile).
pub async fn clients_on_plan(ex: &mut dyn Exec, plan: PlanId) -> Result<Vec<ClientId>, StoreError> {
    ex.all(
        "SELECT DISTINCT client_id FROM subscriptions WHERE plan_id = ? \
         AND status IN ('active', 'suspended') ORDER BY client_id",
        params![plan],
    )
    .await
}

pub async fn record(ex: &mut dyn Exec, e: &Event) -> Result<i64, StoreError> {
    ex.insert_record("subscription_events", e).await
}

/// A subscription's history, oldest first.
pub async fn history(
    ex: &mut dyn Exec,
    subscription_id: SubscriptionId,
) -> Result<Vec<Event>, StoreError> {
    let cols = crate::storage::row::columns::<Event>().join(", ");
    ex.all(
        &format!("SELECT {cols} FROM subscription_events WHERE subscription_id = ? ORDER BY id"),
        params![subscription_id],
    )
    .await
}
