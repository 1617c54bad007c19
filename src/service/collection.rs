//! How a client's overdue invoices are collected: their own grace and cut-off action (over
//! their plan's), an exemption from automatic cut-off, and a promise to pay that holds the
//! cut-off off through a date. Each change is recorded in the client's history with who and
//! why; granting an exemption or a promise brings back a subscription cut off for an unpaid
//! invoice (its router change queued in the same transaction), and the next cut-off run after
//! a promise runs out cuts it off again if it is still unpaid.

use chrono::{NaiveDate, Utc};

use super::{AppError, audit, require};
use crate::app::App;
use crate::domain::audit::{AuditAction, AuditEntity, NewAudit, collection_state};
use crate::domain::billing::collection::{Collection, OverdueAction, TermsDraft, check_promise};
use crate::domain::billing::subscription::{EventKind, Status};
use crate::domain::client::{ClientEvent, ClientEventKind};
use crate::domain::ids::ClientId;
use crate::domain::user::{Actor, Role};
use crate::domain::validation::{FieldErrors, reason};
use crate::provisioning::outbox;
use crate::storage::Exec;
use crate::storage::repo::{billing, clients, invoices, plans, subscriptions};
use crate::tx;

const REFUSED: &str = "only an admin or operator may change how a client is collected";
const ADMIN_ONLY: &str = "only an admin may exempt a client from cut-off";

fn not_found(id: ClientId) -> AppError {
    AppError::NotFound(format!("Client with ID {id} not found"))
}

/// A client's own terms, exemption and promise.
pub async fn get(app: &App, id: ClientId) -> Result<Collection, AppError> {
    tx!(app, read, |ex| clients::collection(ex, id, false))
        .await?
        .ok_or_else(|| not_found(id))
}

/// What a change to a client's collection is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// The client's own grace and cut-off action (admin, operator).
    Terms(TermsDraft),
    /// Exempt from automatic cut-off, or not (admin); exempting needs a reason.
    Exempt {
        exempt: bool,
        reason: Option<String>,
    },
    /// A promise to pay through `until`, or none (admin, operator); granting needs a reason.
    Promise {
        until: Option<NaiveDate>,
        reason: Option<String>,
    },
}

/// Applies one change to a client's collection, records it in the client's history and,
/// where it holds the cut-off off, brings back what the cut-off suspended.
pub async fn change(
    app: &App,
    actor: &Actor,
    id: ClientId,
    change: Change,
) -> Result<Collection, AppError> {
    let admin_only = matches!(change, Change::Exempt { .. });
    if admin_only {
        require(actor, Role::manages_plans, ADMIN_ONLY)?;
    } else {
        require(actor, Role::manages_clients, REFUSED)?;
    }
    let (by, today) = (actor.username.clone(), app.today());
    let c = tx!(app, write, |ex| change_tx(ex, id, &change, &by, today)).await?;
    app.jobs_ready.notify_one();
    tracing::info!(client_id = %id, by = %actor.username, "client collection changed");
    Ok(c)
}

/// [`change`] inside the caller's transaction.
pub async fn change_tx(
    ex: &mut dyn Exec,
    id: ClientId,
    change: &Change,
    by: &str,
    today: NaiveDate,
) -> Result<Collection, AppError> {
    let before = clients::collection(ex, id, true)
        .await?
        .ok_or_else(|| not_found(id))?;
    let mut after = before;
    let mut e = FieldErrors::default();
    let (kind, why) = match change {
        Change::Terms(d) => {
            after.terms.patch(d)?;
            if after.terms.overdue_action == Some(OverdueAction::Throttle) {
                throttle_possible(ex, id).await?;
            }
            (ClientEventKind::TermsChanged, Some(describe(&after)))
        }
        Change::Exempt { exempt, reason: r } => {
            let r = reason(&mut e, "reason", r.as_deref());
            if *exempt && r.is_none() && !e.0.contains_key("reason") {
                e.add("reason", "is required to exempt a client from cut-off");
            }
            e.into_result(())?;
            after.exempt = *exempt;
            let kind = if *exempt {
                ClientEventKind::CutoffExempted
            } else {
                ClientEventKind::ExemptionLifted
            };
            (kind, r)
        }
        Change::Promise { until, reason: r } => {
            let r = reason(&mut e, "reason", r.as_deref());
            match until {
                Some(_) => {
                    let until = check_promise(&mut e, *until, today);
                    if r.is_none() && !e.0.contains_key("reason") {
                        e.add("reason", "is required for a promise to pay");
                    }
                    let until = e.into_result(until)?;
                    after.promised_until = until;
                    let why = format!(
                        "until {}: {}",
                        until.unwrap_or(today),
                        r.unwrap_or_default()
                    );
                    (ClientEventKind::PromiseGranted, Some(why))
                }
                None => {
                    e.into_result(())?;
                    after.promised_until = None;
                    (ClientEventKind::PromiseWithdrawn, r)
                }
            }
        }
    };
    if after == before {
        return Ok(after);
    }
    clients::set_collection(ex, id, &after).await?;
    let event = ClientEvent {
        client_id: id,
        kind,
        actor: by.to_owned(),
        reason: why.clone(),
        router_job_id: None,
        at: Utc::now(),
    };
    clients::record_event(ex, &event).await?;
    let entry = NewAudit::new(by, AuditAction::CollectionChanged, AuditEntity::Client, id)
        .before(collection_state(&before))
        .after(collection_state(&after));
    audit::record_tx(ex, entry).await?;
    let what = match kind {
        ClientEventKind::CutoffExempted => "exempt from cut-off",
        ClientEventKind::PromiseGranted => "promise to pay",
        // A throttle or a new grace takes effect on the router or at the next run.
        _ => {
            outbox::client_changed(ex, id).await?;
            return Ok(after);
        }
    };
    if after.held_off(today) {
        lift_tx(ex, id, by, &format!("{what}: {}", why.unwrap_or_default())).await?;
    }
    Ok(after)
}

/// Brings back each of the client's subscriptions suspended with an invoice past due, and
/// queues the client's secret.
async fn lift_tx(ex: &mut dyn Exec, id: ClientId, by: &str, why: &str) -> Result<(), AppError> {
    let open = invoices::open_for_client(ex, id).await?;
    let mut rows = Vec::new();
    for sub in subscriptions::for_client(ex, id).await? {
        if sub.status != Status::Suspended || !open.iter().any(|i| i.subscription_id == sub.id) {
            continue;
        }
        // Locked, and still suspended (a payment may have brought it back meanwhile).
        if let Some(sub) = subscriptions::get_for_update(ex, sub.id).await?
            && sub.status == Status::Suspended
        {
            rows.push((sub.id, id, sub.end_date));
        }
    }
    let why: String = why.chars().take(255).collect();
    let moved = (Status::Suspended, Status::Active, EventKind::Reactivated);
    billing::move_status(ex, &rows, moved, by, &why, Utc::now()).await?;
    outbox::client_changed(ex, id).await?;
    Ok(())
}

/// A throttle needs a low-rate profile: every plan the client is on (active or suspended)
/// must name one, or the cut-off would fall back to cutting off without saying so.
async fn throttle_possible(ex: &mut dyn Exec, id: ClientId) -> Result<(), AppError> {
    for sub in subscriptions::for_client(ex, id).await? {
        if !matches!(sub.status, Status::Active | Status::Suspended) {
            continue;
        }
        if let Some(p) = plans::get(ex, sub.plan_id).await?
            && p.throttle_profile.is_none()
        {
            return Err(FieldErrors::single(
                "overdue_action",
                format!(
                    "cannot be throttle: plan '{}' names no throttle_profile; set one on the plan first",
                    p.name
                ),
            )
            .into());
        }
    }
    Ok(())
}

/// The terms in words, for the history: `grace 5 days, throttle`.
fn describe(c: &Collection) -> String {
    let grace = match c.terms.grace_days {
        Some(d) => format!("grace {d} days"),
        None => "grace as the plan".into(),
    };
    let action = c
        .terms
        .overdue_action
        .map_or("cut-off as the plan", |a| a.as_str());
    format!("{grace}, {action}")
}
