//! Subscriptions: a client on a plan. Every status change is recorded with who and when.

use chrono::{NaiveDate, Utc};
use futures_util::TryFutureExt;

use super::idempotency::{Once, Outcome};
use super::{AppError, Page, require};
use crate::app::App;
use crate::domain::billing::period::Period;
use crate::domain::billing::plan::Plan;
use crate::domain::billing::subscription::{
    Event, EventKind, NamedSubscription, Status, Subscription, SubscriptionDraft,
    SubscriptionFilter, end_date_conflict,
};
use crate::domain::client::Client;
use crate::domain::ids::{ClientId, PlanId, SubscriptionId};
use crate::domain::user::{Actor, Role};
use crate::domain::validation::FieldErrors;
use crate::provisioning::outbox;
use crate::storage::Exec;
use crate::storage::repo::subscriptions as repo;
use crate::storage::repo::{clients, invoices, plans};
use crate::{tx, tx_once};

const REFUSED: &str = "only an admin or operator may change subscriptions";

fn not_found(id: SubscriptionId) -> AppError {
    AppError::NotFound(format!("subscription {id}"))
}

/// The plan a subscription is put on: it must exist and be on sale.
async fn active_plan(ex: &mut dyn Exec, plan_id: PlanId) -> Result<Plan, AppError> {
    let plan = plans::get(ex, plan_id)
        .await?
        .ok_or_else(|| FieldErrors::single("plan_id", "no such plan"))?;
    if !plan.active {
        return Err(FieldErrors::single("plan_id", "the plan is not active").into());
    }
    Ok(plan)
}

/// Puts a client on a plan; the client's secret gets the plan's profile. With
/// `invoice_first_period`, a subscription starting today or later has its first period
/// invoiced in the same transaction (see [`FirstPeriod`]).
/// Once per `Idempotency-Key` (see [`super::idempotency`]).
pub async fn create(
    app: &App,
    actor: &Actor,
    draft: &SubscriptionDraft,
    once: Once<Subscription>,
) -> Result<Outcome<Subscription>, AppError> {
    require(actor, Role::manages_billing, REFUSED)?;
    let first = FirstPeriod::of(app)?;
    let (draft, by) = (draft.clone(), actor.username.clone());
    let out = tx_once!(app, actor.id, once, |ex| create_tx(ex, &draft, &by, first)).await?;
    if out.created().is_some() {
        app.jobs_ready.notify_one();
    }
    Ok(out)
}

/// How a new subscription's first period is invoiced: prepaid, a subscription that starts on
/// `today` or later is invoiced for its first period (start to end date, at the plan's price)
/// at once, dated `today` and due `due_date`; one that started earlier counts as paid up to
/// its end date (as an imported one does) and is invoiced from its next period. One created
/// suspended is invoiced too: paying it brings it up, as paying any invoice does. A plan
/// imported without a price (`unpriced`) is not invoiced, as generation skips it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FirstPeriod {
    pub today: NaiveDate,
    pub due_date: NaiveDate,
}

impl FirstPeriod {
    /// The rule in effect: None when `invoice_first_period` is off.
    pub fn of(app: &App) -> Result<Option<FirstPeriod>, AppError> {
        if !app.config.invoice_first_period {
            return Ok(None);
        }
        let today = app.today();
        let due_date = super::billing::due_date(app, today)?;
        Ok(Some(FirstPeriod { today, due_date }))
    }

    /// Whether `s`'s first period is invoiced when it is created.
    pub fn applies(&self, s: &Subscription) -> bool {
        s.start_date >= self.today
    }
}

pub async fn create_tx(
    ex: &mut dyn Exec,
    draft: &SubscriptionDraft,
    actor: &str,
    first: Option<FirstPeriod>,
) -> Result<Subscription, AppError> {
    let plan = match (draft.client_id, draft.plan_id, draft.start_date) {
        (Some(client), Some(plan), Some(_)) => {
            if clients::get(ex, client).await?.is_none() {
                return Err(FieldErrors::single("client_id", "no such client").into());
            }
            Some(active_plan(ex, plan).await?)
        }
        // Missing fields: validation names them before anything is looked up.
        _ => None,
    };
    let period = plan.as_ref().map_or(Period::MONTHLY, |p| p.period);
    let s = Subscription::validate(draft, period)?;
    let s = insert_tx(ex, s, actor).await?;
    if let (Some(first), Some(plan)) = (first, plan)
        && first.applies(&s)
        && !plans::unpriced(ex).await?.contains(&plan.id)
    {
        let period = (s.start_date, s.end_date);
        let (date, due) = (first.today, first.due_date);
        super::invoices::issue_period_tx(ex, &s, period, date, due, plan.price, actor).await?;
    }
    Ok(s)
}

/// Stores a validated subscription with its `created` event and marks its client's secret.
pub async fn insert_tx(
    ex: &mut dyn Exec,
    mut s: Subscription,
    actor: &str,
) -> Result<Subscription, AppError> {
    let now = Utc::now();
    s.id = repo::insert(ex, &s, now).await?;
    repo::record(
        ex,
        &Event {
            subscription_id: s.id,
            client_id: s.client_id,
            kind: EventKind::Created,
            from_status: None,
            to_status: Some(s.status),
            old_end_date: None,
            new_end_date: Some(s.end_date),
            actor: actor.to_owned(),
            reason: None,
            at: now,
        },
    )
    .await?;
    outbox::client_changed(ex, s.client_id).await?;
    Ok(s)
}

pub async fn get(app: &App, id: SubscriptionId) -> Result<Subscription, AppError> {
    tx!(app, lookup, |ex| repo::get(ex, id))
        .await?
        .ok_or_else(|| not_found(id))
}

pub async fn list(
    app: &App,
    filter: SubscriptionFilter,
    page: Page,
) -> Result<(Vec<Subscription>, i64), AppError> {
    let (limit, offset) = page.limit_offset();
    tx!(app, read, |ex| repo::page(ex, &filter, limit, offset)).await
}

/// As [`list`], each with its client's name and its plan's name and price.
pub async fn list_named(
    app: &App,
    filter: SubscriptionFilter,
    page: Page,
) -> Result<(Vec<NamedSubscription>, i64), AppError> {
    let (limit, offset) = page.limit_offset();
    tx!(app, read, |ex| repo::page_named(ex, &filter, limit, offset)).await
}

/// As [`list_named`], a chunk of up to `limit` with ids above `after`: one chunk of a listing
/// that streams every subscription.
pub async fn list_named_after(
    app: &App,
    filter: SubscriptionFilter,
    after: Option<SubscriptionId>,
    limit: i64,
) -> Result<Vec<NamedSubscription>, AppError> {
    tx!(app, read, |ex| repo::named_after(ex, &filter, after, limit)).await
}

/// As [`get`], with its client's name and its plan's name and price.
pub async fn get_named(app: &App, id: SubscriptionId) -> Result<NamedSubscription, AppError> {
    tx!(app, lookup, |ex| repo::get_named(ex, id))
        .await?
        .ok_or_else(|| not_found(id))
}

/// A subscription with its client's and plan's names and its history, oldest first: the
/// subscription's page.
pub async fn details(
    app: &App,
    id: SubscriptionId,
) -> Result<(NamedSubscription, Vec<Event>), AppError> {
    tx!(app, read, |ex| async move {
        let s = repo::get_named(ex, id)
            .await?
            .ok_or_else(|| not_found(id))?;
        let events = repo::history(ex, id).await?;
        Ok::<_, AppError>((s, events))
    })
    .await
}

/// What a form for a new subscription offers: the client it is for (when given and found)
/// and the plans on sale.
#[derive(Debug, Clone)]
pub struct NewForm {
    pub client: Option<Client>,
    pub plans: Vec<Plan>,
}

pub async fn new_form(app: &App, client_id: Option<ClientId>) -> Result<NewForm, AppError> {
    tx!(app, read, |ex| async move {
        let client = match client_id {
            Some(id) => clients::get(ex, id).await?,
            None => None,
        };
        let plans = plans::list(ex)
            .await?
            .into_iter()
            .filter(|p| p.active)
            .collect();
        Ok::<_, AppError>(NewForm { client, plans })
    })
    .await
}

/// Changes the given fields. A status change must be allowed by the domain rules and is
/// recorded; so is a change of dates. `end_date` changes only where no invoiced periods can
/// overlap (a conflict otherwise, see [`end_date_conflict`]).
pub async fn update(
    app: &App,
    actor: &Actor,
    id: SubscriptionId,
    draft: &SubscriptionDraft,
) -> Result<Subscription, AppError> {
    require(actor, Role::manages_billing, REFUSED)?;
    let (draft, by) = (draft.clone(), actor.username.clone());
    let s = tx!(app, write, |ex| update_tx(ex, id, &draft, &by)).await?;
    app.jobs_ready.notify_one();
    Ok(s)
}

pub async fn update_tx(
    ex: &mut dyn Exec,
    id: SubscriptionId,
    draft: &SubscriptionDraft,
    actor: &str,
) -> Result<Subscription, AppError> {
    let mut s = repo::get_for_update(ex, id)
        .await?
        .ok_or_else(|| not_found(id))?;
    let before = s.clone();
    let reason = s.patch(draft)?;
    if s.plan_id != before.plan_id || draft.plan_id.is_some() {
        active_plan(ex, s.plan_id).await?;
    }
    if s == before {
        return Ok(s);
    }
    if s.end_date != before.end_date
        && let Some(message) = end_date_conflict(&invoices::billed(ex, id).await?, s.end_date)
    {
        return Err(AppError::Conflict {
            field: "end_date",
            message,
        });
    }
    let now = Utc::now();
    repo::update(ex, &s, now).await?;
    repo::record(
        ex,
        &Event {
            subscription_id: id,
            client_id: s.client_id,
            kind: if s.status != before.status {
                EventKind::StatusChanged
            } else {
                EventKind::Updated
            },
            from_status: Some(before.status),
            to_status: Some(s.status),
            old_end_date: Some(before.end_date),
            new_end_date: Some(s.end_date),
            actor: actor.to_owned(),
            reason,
            at: now,
        },
    )
    .await?;
    outbox::client_changed(ex, s.client_id).await?;
    Ok(s)
}

/// The original system's `ppp_profile_name` on a client: the PPP profile its secret gets. Here
/// a secret's profile is its plan's, so this is a plan change of the subscription that decides
/// the secret (the active one, else the latest), as `PUT /subscriptions/{id}` with `plan_id`
/// makes it, to the one active plan with that profile. Anything less clear is a 422 on
/// `ppp_profile_name` that names the route to use instead. Returns the subscription changed,
/// if one was.
pub async fn select_profile_tx(
    ex: &mut dyn Exec,
    client_id: ClientId,
    profile: &str,
    actor: &str,
) -> Result<Option<Subscription>, AppError> {
    const FIELD: &str = "ppp_profile_name";
    let refuse = |m: String| Err(FieldErrors::single(FIELD, m).into());
    let subs = repo::for_client(ex, client_id).await?;
    let active: Vec<&Subscription> = subs.iter().filter(|s| s.status == Status::Active).collect();
    let deciding = match active.as_slice() {
        [one] => *one,
        [] => match subs.iter().max_by_key(|s| s.id) {
            Some(latest) => latest,
            None => {
                return refuse(
                    "the client has no subscription, so no plan profile; put the client on a \
                     plan with POST /subscription"
                        .into(),
                );
            }
        },
        _ => {
            return refuse(
                "the client has several active subscriptions; change the plan of one with \
                 PUT /subscription/{id} and plan_id"
                    .into(),
            );
        }
    };
    let current = plans::get(ex, deciding.plan_id).await?;
    if current.as_ref().is_some_and(|p| p.ppp_profile == profile) {
        return Ok(None);
    }
    let candidates: Vec<Plan> = plans::list(ex)
        .await?
        .into_iter()
        .filter(|p| p.active && p.ppp_profile == profile)
        .collect();
    let plan = match candidates.as_slice() {
        [one] => one,
        [] => {
            return refuse(format!(
                "no active plan has this profile; create one with POST /plan, or change the \
                 plan with PUT /subscription/{} and plan_id",
                deciding.id
            ));
        }
        _ => {
            return refuse(format!(
                "several active plans have this profile; choose one with PUT /subscription/{} \
                 and plan_id",
                deciding.id
            ));
        }
    };
    let draft = SubscriptionDraft {
        plan_id: Some(plan.id),
        reason: Some(format!("ppp_profile_name {profile} on the client")),
        ..Default::default()
    };
    Ok(Some(update_tx(ex, deciding.id, &draft, actor).await?))
}

pub async fn delete(app: &App, actor: &Actor, id: SubscriptionId) -> Result<(), AppError> {
    require(actor, Role::manages_billing, REFUSED)?;
    let deleted = tx!(app, write, |ex| repo::delete(ex, id).map_err(
        super::in_use(
            "subscription_id",
            "the subscription has invoices; cancel it instead",
        )
    ))
    .await?;
    if deleted { Ok(()) } else { Err(not_found(id)) }
}

pub async fn history(app: &App, id: SubscriptionId) -> Result<Vec<Event>, AppError> {
    get(app, id).await?;
    tx!(app, read, |ex| repo::history(ex, id)).await
}
