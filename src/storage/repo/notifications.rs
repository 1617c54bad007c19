//! The notification outbox: messages queued in the transaction of their cause, leased and
//! settled by the notification worker. Every function runs inside the caller's transaction.
//! A message is queued once per event, client and channel (the table's unique key), and only
//! where the client can be reached: a phone number for WhatsApp, an email address for email,
//! and no opt-out.

use chrono::{DateTime, NaiveDate, Utc};

use crate::domain::ids::{ClientId, InvoiceId, PaymentId, PlanId};
use crate::domain::notify::{Channel, Delivery, Event};
use crate::params;
use crate::storage::{Exec, StoreError, Value};

/// One message to queue on every channel in use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewNotice {
    pub client_id: ClientId,
    pub event: Event,
    /// What the event is about (an invoice, payment, subscription or the client) …
    pub subject_id: i64,
    /// … and which of its events: a reminder's offset, the date (yyyymmdd) of a cut-off.
    pub occasion: i32,
    pub invoice_id: Option<InvoiceId>,
    pub payment_id: Option<PaymentId>,
}

impl NewNotice {
    pub fn new(client_id: ClientId, event: Event, subject_id: i64, occasion: i32) -> NewNotice {
        NewNotice {
            client_id,
            event,
            subject_id,
            occasion,
            invoice_id: None,
            payment_id: None,
        }
    }

    pub fn invoice(self, id: InvoiceId) -> NewNotice {
        NewNotice {
            invoice_id: Some(id),
            ..self
        }
    }

    pub fn payment(self, id: PaymentId) -> NewNotice {
        NewNotice {
            payment_id: Some(id),
            ..self
        }
    }
}

/// The date as `occasion` spells it: `20261202`.
pub fn occasion_of(date: NaiveDate) -> i32 {
    use chrono::Datelike;
    date.year() * 10_000 + date.month() as i32 * 100 + date.day() as i32
}

const COLUMNS: &str = "client_id, channel, event, subject_id, occasion, invoice_id, payment_id, \
    status, attempts, next_attempt_at, created_at";

/// The condition that a client (`c`) can be reached on `channel`, with its parameter.
fn reachable(channel: Channel) -> &'static str {
    match channel {
        Channel::WhatsApp => "c.whatsapp_opt_out = ? AND c.phone_number <> ''",
        Channel::Email => "c.email_opt_out = ? AND c.email IS NOT NULL AND c.email <> ''",
    }
}

/// Queues each notice on each of `channels` the client can be reached on; what was queued
/// before is left as it is. Returns how many messages were added.
pub async fn enqueue(
    ex: &mut dyn Exec,
    notices: &[NewNotice],
    channels: &[Channel],
    now: DateTime<Utc>,
) -> Result<u64, StoreError> {
    let mut added = 0;
    for channel in channels {
        let sql = format!(
            "{{insert_ignore}} INTO notifications ({COLUMNS}) \
             SELECT c.id, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ? FROM clients c \
             WHERE c.id = ? AND {}{{on_conflict_ignore}}",
            reachable(*channel)
        );
        for n in notices {
            added += ex
                .execute(
                    &sql,
                    params![
                        *channel,
                        n.event,
                        n.subject_id,
                        i64::from(n.occasion),
                        n.invoice_id,
                        n.payment_id,
                        now,
                        now,
                        n.client_id,
                        false
                    ],
                )
                .await?;
        }
    }
    Ok(added)
}

/// Which open invoices a reminder run picks: their `due_date` (or `invoice_date` for
/// `invoice_issued`), and whose plan's schedule applies.
#[derive(Debug, Clone, Copy)]
pub struct Due {
    pub event: Event,
    pub occasion: i32,
    /// Invoices dated from … to (inclusive).
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// `invoice_date` instead of `due_date`.
    pub by_invoice_date: bool,
    pub plans: PlanScope,
}

/// Whose invoices a reminder run picks, by their subscription's plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanScope {
    Any,
    /// Plans without a reminder schedule of their own.
    Global,
    Only(PlanId),
}

/// Queues `due.event` for every open invoice of a live subscription that `due` picks, in one
/// statement per channel. Returns how many messages were added.
pub async fn enqueue_due(
    ex: &mut dyn Exec,
    due: Due,
    channels: &[Channel],
    now: DateTime<Utc>,
) -> Result<u64, StoreError> {
    let date = if due.by_invoice_date {
        "i.invoice_date"
    } else {
        "i.due_date"
    };
    let (plan, plan_id) = match due.plans {
        PlanScope::Any => ("p.id = p.id", None),
        PlanScope::Global => ("p.reminder_offsets IS NULL", None),
        PlanScope::Only(id) => ("s.plan_id = ?", Some(id)),
    };
    let mut added = 0;
    for channel in channels {
        let sql = format!(
            "{{insert_ignore}} INTO notifications ({COLUMNS}) \
             SELECT i.client_id, ?, ?, i.id, ?, i.id, NULL, 'pending', 0, ?, ? \
             FROM invoices i JOIN subscriptions s ON s.id = i.subscription_id \
             JOIN plans p ON p.id = s.plan_id JOIN clients c ON c.id = i.client_id \
             WHERE i.status IN ('pending', 'partially_paid') \
             AND s.status IN ('active', 'suspended') \
             AND {date} >= ? AND {date} <= ? AND {plan} AND {}{{on_conflict_ignore}}",
            reachable(*channel)
        );
        let mut args: Vec<Value> = vec![
            (*channel).into(),
            due.event.into(),
            i64::from(due.occasion).into(),
            now.into(),
            now.into(),
            due.from.into(),
            due.to.into(),
        ];
        args.extend(plan_id.map(Value::from));
        args.push(false.into());
        added += ex.execute(&sql, &args).await?;
    }
    Ok(added)
}

/// A message leased for sending.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leased {
    pub id: i64,
    pub client_id: ClientId,
    pub channel: Channel,
    pub event: Event,
    pub subject_id: i64,
    pub invoice_id: Option<InvoiceId>,
    pub payment_id: Option<PaymentId>,
    pub attempts: u32,
}
crate::record!(Leased {
    id,
    client_id,
    channel,
    event,
    subject_id,
    invoice_id,
    payment_id,
    attempts
});

/// Leases up to `limit` messages due at `now` until `until`, oldest first; rows another
/// worker holds are skipped. Must run inside a write transaction.
pub async fn lease(
    ex: &mut dyn Exec,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<Leased>, StoreError> {
    let rows: Vec<Leased> = ex
        .all(
            "SELECT n.id, n.client_id, n.channel, n.event, n.subject_id, n.invoice_id, \
             n.payment_id, n.attempts FROM notifications n \
             WHERE n.status = 'pending' AND n.next_attempt_at <= ? \
             AND (n.leased_until IS NULL OR n.leased_until < ?) \
             ORDER BY n.next_attempt_at, n.id LIMIT ?{skip_locked}",
            params![now, now, limit],
        )
        .await?;
    for chunk in rows.chunks(500) {
        let marks = vec!["?"; chunk.len()].join(", ");
        let mut args: Vec<Value> = vec![until.into()];
        args.extend(chunk.iter().map(|n| Value::from(n.id)));
        ex.execute(
            &format!("UPDATE notifications SET leased_until = ? WHERE id IN ({marks})"),
            &args,
        )
        .await?;
    }
    Ok(rows)
}

/// What became of one attempt at a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The gateway or SMTP server took it.
    Sent { recipient: String },
    /// It failed; try again at `retry_at`, or give up (`None`).
    Failed {
        recipient: String,
        error: String,
        retry_at: Option<DateTime<Utc>>,
    },
    /// Not sent, and never to be: `why`.
    Skipped { why: String },
    /// Quiet hours: not attempted, to go at `at`.
    Held { at: DateTime<Utc> },
}

/// Records an attempt's outcome and ends the lease.
pub async fn settle(
    ex: &mut dyn Exec,
    id: i64,
    outcome: &Outcome,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let clip = |s: &str| s.chars().take(1000).collect::<String>();
    match outcome {
        Outcome::Sent { recipient } => {
            ex.execute(
                "UPDATE notifications SET status = 'sent', attempts = attempts + 1, \
                 recipient = ?, last_error = NULL, sent_at = ?, leased_until = NULL WHERE id = ?",
                params![recipient.as_str(), now, id],
            )
            .await?
        }
        Outcome::Failed {
            recipient,
            error,
            retry_at,
        } => {
            let status = if retry_at.is_some() {
                Delivery::Pending
            } else {
                Delivery::Failed
            };
            ex.execute(
                "UPDATE notifications SET status = ?, attempts = attempts + 1, recipient = ?, \
                 last_error = ?, next_attempt_at = ?, leased_until = NULL WHERE id = ?",
                params![
                    status,
                    recipient.as_str(),
                    clip(error),
                    retry_at.unwrap_or(now),
                    id
                ],
            )
            .await?
        }
        Outcome::Skipped { why } => {
            ex.execute(
                "UPDATE notifications SET status = 'skipped', last_error = ?, \
                 leased_until = NULL WHERE id = ?",
                params![clip(why), id],
            )
            .await?
        }
        Outcome::Held { at } => {
            ex.execute(
                "UPDATE notifications SET next_attempt_at = ?, leased_until = NULL WHERE id = ?",
                params![*at, id],
            )
            .await?
        }
    };
    Ok(())
}

/// One message as the delivery log shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Notice {
    pub id: i64,
    pub channel: Channel,
    pub event: Event,
    pub status: Delivery,
    pub attempts: u32,
    /// The number or address it went to (set at the first attempt).
    pub recipient: Option<String>,
    /// The gateway's or SMTP server's last refusal, or why it was skipped.
    pub last_error: Option<String>,
    pub invoice_id: Option<InvoiceId>,
    pub payment_id: Option<PaymentId>,
    pub created_at: DateTime<Utc>,
    /// When the next attempt is due (pending messages).
    pub next_attempt_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}
crate::record!(Notice {
    id,
    channel,
    event,
    status,
    attempts,
    recipient,
    last_error,
    invoice_id,
    payment_id,
    created_at,
    next_attempt_at,
    sent_at
});

/// A client's messages, newest first.
pub async fn of_client(
    ex: &mut dyn Exec,
    client: ClientId,
    limit: i64,
) -> Result<Vec<Notice>, StoreError> {
    let cols = crate::storage::row::columns::<Notice>().join(", ");
    ex.all(
        &format!("SELECT {cols} FROM notifications WHERE client_id = ? ORDER BY id DESC LIMIT ?"),
        params![client, limit],
    )
    .await
}
