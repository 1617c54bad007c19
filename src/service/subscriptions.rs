//! Subscriptions: a client on a plan. Every status change is recorded with who and when.

use chrono::{DateTime, NaiveDate, Utc};

use super::{AppError, Page, require};
use crate::app::App;
use crate::domain::billing::subscription::{self, Status, Subscription};
use crate::domain::user::Role;
use crate::domain::validation::FieldErrors;
use crate::provisioning::outbox;
use crate::read;
use crate::security::token_cache::AuthUser;
use crate::storage::Exec;
use crate::storage::repo::subscriptions::{self as repo, Event, Filter, Named};
use crate::storage::repo::{clients, plans};

const REFUSED: &str = "only an admin or operator may change subscriptions";

#[derive(Debug, Clone, Default)]
pub struct SubscriptionInput {
    pub client_id: Option<i64>,
    pub plan_id: Option<i64>,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    pub status: Option<String>,
    /// Why a status changes, for the history.
    pub reason: Option<String>,
}

fn not_found(id: i64) -> AppError {
    AppError::NotFound(format!("subscription {id}"))
}

fn parse_status(s: Option<&str>) -> Result<Option<Status>, AppError> {
    s.map(|s| {
        Status::parse(s).ok_or_else(|| {
            FieldErrors::single(
                "status",
                "must be one of active, suspended, expired, cancelled",
            )
            .into()
        })
    })
    .transpose()
}

fn check_reason(reason: Option<String>) -> Result<Option<String>, AppError> {
    match reason {
        Some(r) if r.chars().count() > 255 => {
            Err(FieldErrors::single("reason", "must be at most 255 characters").into())
        }
        r => Ok(r.filter(|r| !r.trim().is_empty())),
    }
}

async fn plan_period(
    ex: &mut dyn Exec,
    plan_id: i64,
) -> Result<crate::domain::billing::period::Period, AppError> {
    let plan = plans::get(ex, plan_id)
        .await?
        .ok_or_else(|| FieldErrors::single("plan_id", "no such plan"))?;
    if !plan.active {
        return Err(FieldErrors::single("plan_id", "the plan is not active").into());
    }
    Ok(plan.period)
}

pub async fn create(
    app: &App,
    actor: &AuthUser,
    input: SubscriptionInput,
) -> Result<Subscription, AppError> {
    require(actor, Role::manages_billing, REFUSED)?;
    let mut e = FieldErrors::default();
    if input.client_id.is_none() {
        e.add("client_id", "is required");
    }
    if input.plan_id.is_none() {
        e.add("plan_id", "is required");
    }
    if input.start_date.is_none() {
        e.add("start_date", "is required");
    }
    e.into_result(())?;
    let status = parse_status(input.status.as_deref())?.unwrap_or(Status::Active);
    if status == Status::Cancelled {
        return Err(FieldErrors::single("status", "a new subscription cannot be cancelled").into());
    }
    let actor_name = actor.username.clone();
    let (client_id, plan_id) = (input.client_id.unwrap_or(0), input.plan_id.unwrap_or(0));
    app.db
        .write(move |ex| {
            Box::pin(async move {
                if clients::get(ex, client_id).await?.is_none() {
                    return Err(FieldErrors::single("client_id", "no such client").into());
                }
                let period = plan_period(ex, plan_id).await?;
                let (start_date, end_date) =
                    subscription::dates(input.start_date, input.end_date, period)?;
                let mut s = Subscription {
                    id: 0,
                    client_id,
                    plan_id,
                    start_date,
                    end_date,
                    status,
                };
                let now = Utc::now();
                s.id = repo::insert(ex, &s, now).await?;
                repo::record(
                    ex,
                    &Event {
                        subscription_id: s.id,
                        client_id,
                        kind: "created".into(),
                        from_status: None,
                        to_status: Some(status),
                        old_end_date: None,
                        new_end_date: Some(end_date),
                        actor: actor_name,
                        reason: None,
                    },
                    now,
                )
                .await?;
                outbox::sync_client(ex, client_id, false, None).await?;
                Ok::<_, AppError>(s)
            })
        })
        .await
        .inspect(|_| app.jobs_ready.notify_one())
}

pub async fn get(app: &App, id: i64) -> Result<Subscription, AppError> {
    read!(app, |ex| repo::get(ex, id))
        .await?
        .ok_or_else(|| not_found(id))
}

pub async fn list(
    app: &App,
    filter: Filter,
    page: Page,
) -> Result<(Vec<Subscription>, i64), AppError> {
    let (limit, offset) = page.limit_offset();
    read!(app, |ex| repo::page(ex, &filter, limit, offset)).await
}

/// As [`list`], each with its client's name and its plan's name and price.
pub async fn list_named(
    app: &App,
    filter: Filter,
    page: Page,
) -> Result<(Vec<Named>, i64), AppError> {
    let (limit, offset) = page.limit_offset();
    read!(app, |ex| repo::page_named(ex, &filter, limit, offset)).await
}

/// As [`get`], with its client's name and its plan's name and price.
pub async fn get_named(app: &App, id: i64) -> Result<Named, AppError> {
    read!(app, |ex| repo::get_named(ex, id))
        .await?
        .ok_or_else(|| not_found(id))
}

/// Changes the given fields. A status change must be allowed by the domain rules and is
/// recorded; so is a change of dates.
pub async fn update(
    app: &App,
    actor: &AuthUser,
    id: i64,
    input: SubscriptionInput,
) -> Result<Subscription, AppError> {
    require(actor, Role::manages_billing, REFUSED)?;
    if input.client_id.is_some() {
        return Err(FieldErrors::single(
            "client_id",
            "a subscription cannot move to another client; create a new one",
        )
        .into());
    }
    let status = parse_status(input.status.as_deref())?;
    let reason = check_reason(input.reason)?;
    let actor_name = actor.username.clone();
    app.db
        .write(move |ex| {
            Box::pin(async move {
                let mut s = repo::get_for_update(ex, id)
                    .await?
                    .ok_or_else(|| not_found(id))?;
                let before = s.clone();
                if let Some(plan_id) = input.plan_id {
                    plan_period(ex, plan_id).await?;
                    s.plan_id = plan_id;
                }
                s.start_date = input.start_date.unwrap_or(s.start_date);
                s.end_date = input.end_date.unwrap_or(s.end_date);
                if s.end_date < s.start_date {
                    return Err(
                        FieldErrors::single("end_date", "must not be before start_date").into(),
                    );
                }
                if let Some(to) = status
                    && to != s.status
                {
                    if !s.status.may_become(to) {
                        return Err(FieldErrors::single(
                            "status",
                            format!(
                                "a {} subscription cannot become {}",
                                s.status.as_str(),
                                to.as_str()
                            ),
                        )
                        .into());
                    }
                    s.status = to;
                }
                let now = Utc::now();
                repo::update(ex, &s, now).await?;
                if s != before {
                    repo::record(
                        ex,
                        &Event {
                            subscription_id: id,
                            client_id: s.client_id,
                            kind: if s.status != before.status {
                                "status_changed"
                            } else {
                                "updated"
                            }
                            .into(),
                            from_status: Some(before.status),
                            to_status: Some(s.status),
                            old_end_date: Some(before.end_date),
                            new_end_date: Some(s.end_date),
                            actor: actor_name,
                            reason,
                        },
                        now,
                    )
                    .await?;
                    let cut_off = s.status != before.status && s.status != Status::Active;
                    outbox::sync_client(ex, s.client_id, cut_off, None).await?;
                }
                Ok::<_, AppError>(s)
            })
        })
        .await
        .inspect(|_| app.jobs_ready.notify_one())
}

pub async fn delete(app: &App, actor: &AuthUser, id: i64) -> Result<(), AppError> {
    require(actor, Role::manages_billing, REFUSED)?;
    let deleted = app
        .db
        .write(move |ex| {
            Box::pin(async move {
                repo::delete(ex, id).await.map_err(super::in_use(
                    "subscription_id",
                    "the subscription has invoices; cancel it instead",
                ))
            })
        })
        .await?;
    if deleted { Ok(()) } else { Err(not_found(id)) }
}

pub async fn history(app: &App, id: i64) -> Result<Vec<(Event, DateTime<Utc>)>, AppError> {
    get(app, id).await?;
    read!(app, |ex| repo::history(ex, id)).await
}
