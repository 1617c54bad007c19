//! Messages to clients through an outbox: a change queues its messages in its own transaction
//! ([`queue`]; the daily reminder run queues set-based, `service::notifications::remind`); the [`worker`] sends them through the channels configured
//! ([`Notifier`]: a WhatsApp/SMS HTTP gateway, an SMTP server), spaced as each channel allows,
//! held through quiet hours, retried with backoff, each recorded in the client's delivery log.
//!
//! A message is rendered when it is sent, from what the database says then: a reminder for an
//! invoice paid in the meantime is skipped, not sent. A message is queued once per event,
//! client and channel, so a run repeated or a cause replayed sends nothing twice; a process
//! that dies between a gateway's answer and recording it may send that one message again when
//! its lease runs out (no gateway offers a way to ask whether a message was sent).

pub mod send;
pub mod worker;

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use futures_util::future::BoxFuture;
use tokio::sync::Notify;

use crate::domain::ids::InvoiceId;
use crate::i18n::Lang;

use crate::domain::notify::{Channel, QuietHours};
use crate::domain::settings::Settings;
use crate::storage::repo::notifications::{self as repo, NewNotice};
use crate::storage::{Db, Exec, StoreError};

/// A channel that was set up, or nothing (logged).
fn usable<T>(what: &str, r: anyhow::Result<T>) -> Option<T> {
    match r {
        Ok(ch) => Some(ch),
        Err(e) => {
            tracing::error!(error = %e, "{what} is not used");
            None
        }
    }
}

/// The channels configured, and how messages are paced and linked.
pub struct Notifier {
    pub whatsapp: Option<send::WhatsApp>,
    pub email: Option<send::Email>,
    /// WhatsApp waits through these local hours.
    pub quiet: Option<QuietHours>,
    /// Where the links in messages start (`https://billing.example.net`).
    pub base_url: String,
    /// The calling code put before national numbers; `None`: the currency's country.
    pub country_code: Option<String>,
    /// How long a worker holds the messages it leased (a dead worker's are sent by another
    /// after this).
    pub lease: Duration,
}

impl Notifier {
    /// From the configuration, which [`crate::config::Config::problems`] has checked; a
    /// channel that still cannot be set up is logged and left out.
    pub fn from_config(c: &crate::config::Config) -> Notifier {
        let whatsapp = c.whatsapp().and_then(|spec| {
            let pause = Duration::from_millis(c.whatsapp_pause_ms);
            usable("the WhatsApp gateway", send::WhatsApp::new(spec, pause))
        });
        let email = (!c.smtp_url.trim().is_empty())
            .then(|| {
                let pause = Duration::from_millis(c.email_pause_ms);
                usable(
                    "the SMTP server",
                    send::Email::new(&c.smtp_url, &c.smtp_from, pause),
                )
            })
            .flatten();
        Notifier {
            whatsapp,
            email,
            quiet: c.quiet_hours(),
            base_url: c.public_base(),
            country_code: Some(c.notify_country_code.trim().to_owned()).filter(|s| !s.is_empty()),
            // Long enough to send a whole batch at the slowest: every send paced and timing
            // out. A process that dies loses its messages to another for this long.
            lease: (send::TIMEOUT
                + Duration::from_millis(c.whatsapp_pause_ms.max(c.email_pause_ms)))
                * worker::BATCH as u32
                + Duration::from_secs(60),
        }
    }

    /// The channels that can send.
    pub fn channels(&self) -> Vec<Channel> {
        let mut out = Vec::new();
        if self.whatsapp.is_some() {
            out.push(Channel::WhatsApp);
        }
        if self.email.is_some() {
            out.push(Channel::Email);
        }
        out
    }
}

/// What the notification worker needs of the running application (implemented by `App`).
pub trait Context: Send + Sync {
    fn db(&self) -> &Db;
    fn settings(&self) -> Arc<Settings>;
    fn notifier(&self) -> &Notifier;
    /// Woken when messages are queued.
    fn messages_ready(&self) -> &Notify;
    /// The invoice as a PDF in `lang`, attached to an email about it; `None` when it cannot
    /// be made (the email goes without, with its link).
    fn invoice_pdf(
        &self,
        invoice: InvoiceId,
        lang: Lang,
    ) -> BoxFuture<'_, Option<send::Attachment>>;
}

impl<T: Context> Context for Arc<T> {
    fn db(&self) -> &Db {
        (**self).db()
    }
    fn settings(&self) -> Arc<Settings> {
        (**self).settings()
    }
    fn notifier(&self) -> &Notifier {
        (**self).notifier()
    }
    fn messages_ready(&self) -> &Notify {
        (**self).messages_ready()
    }
    fn invoice_pdf(
        &self,
        invoice: InvoiceId,
        lang: Lang,
    ) -> BoxFuture<'_, Option<send::Attachment>> {
        (**self).invoice_pdf(invoice, lang)
    }
}

/// Queues messages about a change, in its transaction, on every channel each client can be
/// reached on. A channel not configured when the message is due records it as skipped, so
/// the client's delivery log says why nothing arrived.
pub async fn queue(ex: &mut dyn Exec, notices: &[NewNotice]) -> Result<(), StoreError> {
    repo::enqueue(ex, notices, Channel::ALL, Utc::now())
        .await
        .map(drop)
}
