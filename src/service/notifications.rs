//! Messages to clients: how each client is reached (email, language, opt-outs), what was sent
//! to them (the delivery log), and the daily reminder run that queues invoice, due-date and
//! overdue messages. The messages themselves are queued in the transactions of their causes
//! (payments, cut-offs, registrations) and sent by `notify::worker`.

use chrono::{Days, NaiveDate, Utc};

use super::{AppError, require};
use crate::app::App;
use crate::domain::ids::ClientId;
use crate::domain::notify::{Contact, ContactDraft, Event};
use crate::domain::user::{Actor, Role};
use crate::notify;
use crate::storage::repo::notifications::{Due, NewNotice, Notice, PlanScope};
use crate::storage::repo::{clients, notifications, plans};
use crate::storage::{Exec, StoreError};
use crate::tx;

const REFUSED: &str = "only an admin or operator may change how a client is reached";

fn not_found(id: ClientId) -> AppError {
    AppError::NotFound(format!("Client with ID {id} not found"))
}

/// How a client is reached.
pub async fn contact(app: &App, id: ClientId) -> Result<Contact, AppError> {
    tx!(app, read, |ex| clients::contact(ex, id, false))
        .await?
        .ok_or_else(|| not_found(id))
}

/// Changes how a client is reached (admin, operator); all or nothing.
pub async fn set_contact(
    app: &App,
    actor: &Actor,
    id: ClientId,
    draft: &ContactDraft,
) -> Result<Contact, AppError> {
    require(actor, Role::manages_clients, REFUSED)?;
    let draft = draft.clone();
    let c = tx!(app, write, |ex| set_contact_tx(ex, id, &draft)).await?;
    tracing::info!(client_id = %id, by = %actor.username, "client contact changed");
    Ok(c)
}

pub async fn set_contact_tx(
    ex: &mut dyn Exec,
    id: ClientId,
    draft: &ContactDraft,
) -> Result<Contact, AppError> {
    let mut c = clients::contact(ex, id, true)
        .await?
        .ok_or_else(|| not_found(id))?;
    c.patch(draft)?;
    clients::set_contact(ex, id, &c).await?;
    Ok(c)
}

/// The messages queued for a client, newest first: sent, pending (with the next attempt),
/// failed (with the gateway's answer) or skipped (with why).
pub async fn log(app: &App, id: ClientId, limit: i64) -> Result<Vec<Notice>, AppError> {
    tx!(app, read, |ex| async move {
        if clients::get(ex, id).await?.is_none() {
            return Err(not_found(id));
        }
        Ok(notifications::of_client(ex, id, limit).await?)
    })
    .await
}

/// Queues a welcome for a client just registered, in the registration's transaction.
pub async fn welcome_tx(ex: &mut dyn Exec, client: ClientId) -> Result<(), StoreError> {
    let welcome = NewNotice::new(client, Event::Welcome, client.0, 0);
    notify::queue(ex, &[welcome]).await
}

/// The reminder run of `date`: "invoice issued" for open invoices dated that day or the day
/// before (a run missed for a day catches up), and for each day of the schedule (the plan's
/// own, else the global one) the reminder, due-today or overdue message for open invoices
/// due that many days from `date`. Only on the channels configured; once per invoice, day
/// and channel, however often it runs. Returns how many messages were queued.
pub async fn remind(app: &App, date: NaiveDate) -> Result<u64, AppError> {
    let channels = app.notifier.channels();
    if channels.is_empty() {
        return Ok(0);
    }
    let global = app.config.reminder_schedule();
    let runs = tx!(app, read, |ex| reminder_runs(ex, date, &global)).await?;
    // One short transaction per day of the schedule (each is idempotent): on MariaDB an
    // INSERT … SELECT holds shared locks on the rows it reads until commit, and payments must
    // not wait for the whole run.
    let mut queued = 0;
    for due in runs {
        let channels = channels.clone();
        queued += tx!(app, write, |ex| notifications::enqueue_due(
            ex,
            due,
            &channels,
            Utc::now()
        ))
        .await?;
    }
    if queued > 0 {
        app.messages_ready.notify_one();
        tracing::info!(%date, queued, "reminders queued");
    }
    Ok(queued)
}

/// What the reminder run of `date` queues: one `Due` per event and schedule day.
pub async fn reminder_runs(
    ex: &mut dyn Exec,
    date: NaiveDate,
    global: &[i32],
) -> Result<Vec<Due>, StoreError> {
    let mut runs = vec![Due {
        event: Event::InvoiceIssued,
        occasion: 0,
        from: date.checked_sub_days(Days::new(1)).unwrap_or(date),
        to: date,
        by_invoice_date: true,
        plans: PlanScope::Any,
    }];
    let mut schedules = vec![(PlanScope::Global, global.to_vec())];
    for p in plans::list(ex).await? {
        if let Some(s) = p.reminders {
            schedules.push((PlanScope::Only(p.id), s.0));
        }
    }
    for (scope, offsets) in schedules {
        for offset in offsets {
            // Due `offset` days before `date` (after it, for a reminder before the due date).
            let Some(due) = date.checked_sub_signed(chrono::Duration::days(offset.into())) else {
                continue;
            };
            runs.push(Due {
                event: Event::for_offset(offset),
                occasion: offset,
                from: due,
                to: due,
                by_invoice_date: false,
                plans: scope,
            });
        }
    }
    Ok(runs)
}
