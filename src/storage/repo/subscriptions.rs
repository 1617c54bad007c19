use chrono::{DateTime, NaiveDate, Utc};

use super::Conditions;
use crate::domain::billing::subscription::{Status, Subscription};
use crate::domain::money::Money;
use crate::params;
use crate::storage::{Exec, Row, StoreError};

const COLUMNS: &str = "id, client_id, plan_id, start_date, end_date, status";

pub(crate) fn from_row(r: &Row) -> Result<Subscription, StoreError> {
    let status = r.string(5)?;
    Ok(Subscription {
        id: r.i64(0)?,
        client_id: r.i64(1)?,
        plan_id: r.i64(2)?,
        start_date: r.date(3)?,
        end_date: r.date(4)?,
        status: Status::parse(&status)
            .ok_or_else(|| StoreError::Decode(format!("subscription status {status}")))?,
    })
}

pub async fn insert(
    ex: &mut dyn Exec,
    s: &Subscription,
    now: DateTime<Utc>,
) -> Result<i64, StoreError> {
    ex.insert(
        "INSERT INTO subscriptions (client_id, plan_id, start_date, end_date, status, created_at, \
         updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        params![
            s.client_id,
            s.plan_id,
            s.start_date,
            s.end_date,
            s.status.as_str(),
            now,
            now
        ],
    )
    .await
}

pub async fn get(ex: &mut dyn Exec, id: i64) -> Result<Option<Subscription>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM subscriptions WHERE id = ?");
    ex.fetch_optional(&sql, params![id])
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

/// The subscription, its row locked until the transaction ends.
pub async fn get_for_update(
    ex: &mut dyn Exec,
    id: i64,
) -> Result<Option<Subscription>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM subscriptions WHERE id = ?{{for_update}}");
    ex.fetch_optional(&sql, params![id])
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

pub async fn update(
    ex: &mut dyn Exec,
    s: &Subscription,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let n = ex
        .execute(
            "UPDATE subscriptions SET plan_id = ?, start_date = ?, end_date = ?, status = ?, \
             updated_at = ? WHERE id = ?",
            params![
                s.plan_id,
                s.start_date,
                s.end_date,
                s.status.as_str(),
                now,
                s.id
            ],
        )
        .await?;
    Ok(n > 0)
}

pub async fn delete(ex: &mut dyn Exec, id: i64) -> Result<bool, StoreError> {
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

#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub client_id: Option<i64>,
    pub status: Option<Status>,
}

fn conditions(f: &Filter) -> Conditions {
    let mut conds = Conditions::default();
    conds
        .add("s.client_id = ?", f.client_id)
        .add("s.status = ?", f.status.map(Status::as_str));
    conds
}

pub async fn page(
    ex: &mut dyn Exec,
    f: &Filter,
    limit: i64,
    offset: i64,
) -> Result<(Vec<Subscription>, i64), StoreError> {
    super::page(
        ex,
        "subscriptions s",
        COLUMNS,
        "s.id",
        conditions(f),
        (limit, offset),
        from_row,
    )
    .await
}

/// A subscription with the client's name and the plan's name and price, as the original
/// system's routes show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named {
    pub subscription: Subscription,
    pub client_name: String,
    pub plan_name: String,
    pub price: Money,
}

const NAMED_FROM: &str =
    "subscriptions s JOIN clients c ON c.id = s.client_id JOIN plans p ON p.id = s.plan_id";
const NAMED_COLUMNS: &str = "s.id, s.client_id, s.plan_id, s.start_date, s.end_date, s.status, c.name, p.name, \
     p.price_minor";

fn named_from_row(r: &Row) -> Result<Named, StoreError> {
    Ok(Named {
        subscription: from_row(r)?,
        client_name: r.string(6)?,
        plan_name: r.string(7)?,
        price: Money::from_minor(r.i64(8)?),
    })
}

pub async fn page_named(
    ex: &mut dyn Exec,
    f: &Filter,
    limit: i64,
    offset: i64,
) -> Result<(Vec<Named>, i64), StoreError> {
    super::page(
        ex,
        NAMED_FROM,
        NAMED_COLUMNS,
        "s.id",
        conditions(f),
        (limit, offset),
        named_from_row,
    )
    .await
}

pub async fn get_named(ex: &mut dyn Exec, id: i64) -> Result<Option<Named>, StoreError> {
    let sql = format!("SELECT {NAMED_COLUMNS} FROM {NAMED_FROM} WHERE s.id = ?");
    ex.fetch_optional(&sql, params![id])
        .await?
        .as_ref()
        .map(named_from_row)
        .transpose()
}

pub async fn for_client(
    ex: &mut dyn Exec,
    client_id: i64,
) -> Result<Vec<Subscription>, StoreError> {
    ex.fetch_all(
        "SELECT id, client_id, plan_id, start_date, end_date, status FROM subscriptions \
         WHERE client_id = ? ORDER BY id",
        params![client_id],
    )
    .await?
    .iter()
    .map(from_row)
    .collect()
}

/// One entry of a subscription's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub subscription_id: i64,
    pub client_id: i64,
    /// `created`, `renewed`, `suspended`, `reactivated`, `status_changed`, …
    pub kind: String,
    pub from_status: Option<Status>,
    pub to_status: Option<Status>,
    pub old_end_date: Option<NaiveDate>,
    pub new_end_date: Option<NaiveDate>,
    pub actor: String,
    pub reason: Option<String>,
}

pub async fn record(ex: &mut dyn Exec, e: &Event, now: DateTime<Utc>) -> Result<i64, StoreError> {
    ex.insert(
        "INSERT INTO subscription_events (subscription_id, client_id, kind, from_status, \
         to_status, old_end_date, new_end_date, actor, reason, created_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        params![
            e.subscription_id,
            e.client_id,
            &e.kind,
            e.from_status.map(Status::as_str),
            e.to_status.map(Status::as_str),
            e.old_end_date,
            e.new_end_date,
            &e.actor,
            e.reason.clone(),
            now
        ],
    )
    .await
}

/// A subscription's history, oldest first, with each entry's time.
pub async fn history(
    ex: &mut dyn Exec,
    subscription_id: i64,
) -> Result<Vec<(Event, DateTime<Utc>)>, StoreError> {
    let rows = ex
        .fetch_all(
            "SELECT subscription_id, client_id, kind, from_status, to_status, old_end_date, \
             new_end_date, actor, reason, created_at FROM subscription_events \
             WHERE subscription_id = ? ORDER BY id",
            params![subscription_id],
        )
        .await?;
    let status = |s: Option<String>| s.and_then(|s| Status::parse(&s));
    rows.iter()
        .map(|r| {
            Ok((
                Event {
                    subscription_id: r.i64(0)?,
                    client_id: r.i64(1)?,
                    kind: r.string(2)?,
                    from_status: status(r.opt_string(3)?),
                    to_status: status(r.opt_string(4)?),
                    old_end_date: r.opt_date(5)?,
                    new_end_date: r.opt_date(6)?,
                    actor: r.string(7)?,
                    reason: r.opt_string(8)?,
                },
                r.timestamp(9)?,
            ))
        })
        .collect()
}
