//! Client management.

use chrono::Utc;

use crate::app::App;
use crate::domain::client::{self, Client, ClientInput};
use crate::security::token_cache::AuthUser;
use crate::storage::StoreError;
use std::collections::HashMap;

use crate::domain::billing::subscription::Subscription;
use crate::domain::validation::FieldErrors;
use crate::provisioning::outbox;
use crate::storage::Exec;
use crate::storage::repo::invoices::{self, Invoice};
use crate::storage::repo::payments::{self, Payment};
use crate::storage::repo::{clients, jobs, routers, subscriptions};

use super::{AppError, Page};

/// Everything known about one client, as `/client/{id}/details` shows it.
#[derive(Debug, Clone)]
pub struct ClientDetails {
    pub client: Client,
    pub subscriptions: Vec<SubscriptionDetails>,
}

#[derive(Debug, Clone)]
pub struct SubscriptionDetails {
    pub subscription: Subscription,
    pub invoices: Vec<(Invoice, Vec<Payment>)>,
}

fn may_manage(actor: &AuthUser) -> Result<(), AppError> {
    if actor.role.manages_clients() {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "only an admin or operator may change clients",
        ))
    }
}

async fn existing_router(ex: &mut dyn Exec, id: i64) -> Result<i64, AppError> {
    match routers::get(ex, id).await? {
        Some(_) => Ok(id),
        None => Err(FieldErrors::single("router_id", "no such router").into()),
    }
}

fn not_found(id: i64) -> AppError {
    AppError::NotFound(format!("client {id}"))
}

fn taken(name: &str) -> impl Fn(StoreError) -> AppError + '_ {
    move |e| {
        if e.is_unique_on("ppp_secret_name") {
            AppError::Conflict {
                field: "ppp_secret_name",
                message: format!("ppp_secret_name '{name}' is already taken"),
            }
        } else {
            e.into()
        }
    }
}

pub async fn create(
    app: &App,
    actor: &AuthUser,
    input: &ClientInput<'_>,
) -> Result<Client, AppError> {
    may_manage(actor)?;
    let new = client::validate_new(input)?;
    let sealed = app.secrets.seal(&new.password);
    let wanted_router = input.router_id;
    let mut c = Client {
        id: 0,
        name: new.name,
        phone_number: new.phone_number,
        address: new.address,
        ppp_secret_name: new.ppp_secret_name,
        router_id: None,
    };
    let c = app
        .db
        .write(move |ex| {
            Box::pin(async move {
                c.router_id = match wanted_router {
                    Some(r) => Some(existing_router(ex, r).await?),
                    None => routers::default_id(ex).await?,
                };
                c.id = clients::insert(ex, &c, &sealed, Utc::now())
                    .await
                    .map_err(taken(&c.ppp_secret_name))?;
                outbox::sync_client(ex, c.id, false, None).await?;
                Ok::<_, AppError>(c)
            })
        })
        .await?;
    app.jobs_ready.notify_one();
    tracing::info!(client_id = c.id, by = %actor.username, "client created");
    Ok(c)
}

pub async fn get(app: &App, id: i64) -> Result<Client, AppError> {
    crate::read!(app, |ex| clients::get(ex, id))
        .await?
        .ok_or_else(|| not_found(id))
}

/// A page of clients, narrowed by `query` when given; and the total count.
pub async fn list(
    app: &App,
    query: Option<String>,
    page: Page,
) -> Result<(Vec<Client>, i64), AppError> {
    let (limit, offset) = page.limit_offset();
    app.db
        .read(move |ex| {
            Box::pin(async move {
                Ok::<_, AppError>(clients::page(ex, query.as_deref(), limit, offset).await?)
            })
        })
        .await
}

pub async fn update(
    app: &App,
    actor: &AuthUser,
    id: i64,
    input: &ClientInput<'_>,
) -> Result<Client, AppError> {
    may_manage(actor)?;
    let changes = client::validate_changes(input)?;
    let sealed = changes.password.as_deref().map(|p| app.secrets.seal(p));
    let updated = app
        .db
        .write(move |ex| {
            Box::pin(async move {
                let mut c = clients::get(ex, id).await?.ok_or_else(|| not_found(id))?;
                let before = c.clone();
                if let Some(r) = changes.router_id {
                    existing_router(ex, r).await?;
                }
                c.apply(&changes);
                clients::update(ex, &c, sealed.as_deref(), Utc::now())
                    .await
                    .map_err(taken(&c.ppp_secret_name))?;
                // A client moved to another router leaves the old one.
                let mut old_name = Some(before.ppp_secret_name.clone());
                if let Some(old_router) = before.router_id
                    && before.router_id != c.router_id
                {
                    outbox::remove_secret(ex, old_router, id, &before.ppp_secret_name).await?;
                    old_name = None;
                }
                outbox::sync_client(ex, id, false, old_name).await?;
                Ok::<_, AppError>(c)
            })
        })
        .await?;
    app.jobs_ready.notify_one();
    tracing::info!(client_id = id, by = %actor.username, "client updated");
    Ok(updated)
}

pub async fn delete(app: &App, actor: &AuthUser, id: i64) -> Result<(), AppError> {
    may_manage(actor)?;
    let deleted = app
        .db
        .write(move |ex| {
            Box::pin(async move {
                if let Some(c) = clients::get(ex, id).await?
                    && let Some(router) = c.router_id
                {
                    outbox::remove_secret(ex, router, id, &c.ppp_secret_name).await?;
                }
                clients::delete(ex, id).await.map_err(super::in_use(
                    "client_id",
                    "the client has subscriptions; cancel them instead of deleting the client",
                ))
            })
        })
        .await?;
    if !deleted {
        return Err(not_found(id));
    }
    app.jobs_ready.notify_one();
    tracing::info!(client_id = id, by = %actor.username, "client deleted");
    Ok(())
}

/// The client with its subscriptions, their invoices and the invoices' payments: one query
/// per level, however many rows.
pub async fn details(app: &App, id: i64) -> Result<ClientDetails, AppError> {
    app.db
        .read(move |ex| {
            Box::pin(async move {
                let client = clients::get(ex, id).await?.ok_or_else(|| not_found(id))?;
                let subs = subscriptions::for_client(ex, id).await?;
                let invoices = if subs.is_empty() {
                    Vec::new()
                } else {
                    invoices::for_client(ex, id).await?
                };
                let mut payments = if invoices.is_empty() {
                    Vec::new()
                } else {
                    payments::for_client(ex, id).await?
                };
                let mut by_invoice: HashMap<i64, Vec<Payment>> = HashMap::new();
                for p in payments.drain(..) {
                    by_invoice.entry(p.invoice_id).or_default().push(p);
                }
                let mut by_sub: HashMap<i64, Vec<(Invoice, Vec<Payment>)>> = HashMap::new();
                for inv in invoices {
                    let pays = by_invoice.remove(&inv.id).unwrap_or_default();
                    by_sub
                        .entry(inv.subscription_id)
                        .or_default()
                        .push((inv, pays));
                }
                let subscriptions = subs
                    .into_iter()
                    .map(|s| SubscriptionDetails {
                        invoices: by_sub.remove(&s.id).unwrap_or_default(),
                        subscription: s,
                    })
                    .collect();
                Ok::<_, AppError>(ClientDetails {
                    client,
                    subscriptions,
                })
            })
        })
        .await
}

/// The outcome of a manual connect or disconnect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Switched {
    pub ppp_secret_name: String,
    pub job_id: i64,
    /// The router took the change within the wait; otherwise it is queued and will land.
    pub applied: bool,
}

/// Cuts a client off now (`enable == false`) or restores them, whatever the billing state.
/// A disconnect is an operator's hold: billing does not reconnect the client until an operator
/// does. Recorded in the client's history; applied through the router outbox, and answered
/// after at most `switch_wait_ms` whether or not the router has taken it yet.
pub async fn switch_connection(
    app: &App,
    actor: &AuthUser,
    id: i64,
    enable: bool,
    reason: Option<String>,
) -> Result<Switched, AppError> {
    may_manage(actor)?;
    if reason.as_ref().is_some_and(|r| r.chars().count() > 255) {
        return Err(FieldErrors::single("reason", "must be at most 255 characters").into());
    }
    let actor_name = actor.username.clone();
    let (name, job_id) = app
        .db
        .write(move |ex| {
            Box::pin(async move {
                let c = clients::get(ex, id).await?.ok_or_else(|| not_found(id))?;
                if c.router_id.is_none() {
                    return Err(AppError::Conflict {
                        field: "router_id",
                        message: "the client is on no router; assign one first".into(),
                    });
                }
                clients::set_held(ex, id, !enable).await?;
                let job = outbox::sync_client(ex, id, !enable, None)
                    .await?
                    .ok_or(StoreError::NotFound)?;
                let event = clients::ClientEvent {
                    kind: if enable {
                        "connection_enabled"
                    } else {
                        "connection_disabled"
                    }
                    .into(),
                    actor: actor_name,
                    reason: reason.filter(|r| !r.trim().is_empty()),
                    router_job_id: Some(job),
                    at: Utc::now(),
                };
                clients::record_event(ex, id, &event).await?;
                Ok::<_, AppError>((c.ppp_secret_name, job))
            })
        })
        .await?;
    app.jobs_ready.notify_one();
    tracing::info!(client_id = id, enable, by = %actor.username, "manual connection switch");
    let deadline =
        tokio::time::Instant::now() + std::time::Duration::from_millis(app.config.switch_wait_ms);
    let applied = loop {
        let status = app
            .db
            .read(move |ex| Box::pin(async move { jobs::status(ex, job_id).await }))
            .await?;
        if status.as_deref() == Some("done") {
            break true;
        }
        if tokio::time::Instant::now() >= deadline {
            break false;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    };
    Ok(Switched {
        ppp_secret_name: name,
        job_id,
        applied,
    })
}

pub async fn history(app: &App, id: i64) -> Result<Vec<clients::ClientEvent>, AppError> {
    get(app, id).await?;
    crate::read!(app, |ex| clients::history(ex, id)).await
}
