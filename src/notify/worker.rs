//! The notification worker: leases due messages, renders each from what the database says
//! now, in the client's language, and sends it on its channel, or holds it through quiet
//! hours, retries it with backoff, or records why it is not sent.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};

use super::Context;
use crate::domain::billing::invoice::{Invoice, Payment};
use crate::domain::billing::online::AttemptStatus;
use crate::domain::client::Client;
use crate::domain::ids::SubscriptionId;
use crate::domain::notify::{Channel, Contact, Event, MAX_ATTEMPTS, retry_delay};
use crate::domain::phone::{home_country_code, normalize_msisdn};
use crate::domain::settings::Settings;
use crate::i18n::format::{Currency, DateStyle, format_date, format_money};
use crate::i18n::{Arg, Lang, t_args};
use crate::storage::StoreError;
use crate::storage::repo::notifications::{self as repo, Leased, Outcome};
use crate::storage::repo::{clients, invoices, online, payments};

/// Messages leased at a time: few, so that a lease covers sending them all even at a slow
/// gateway's timeout (see `Notifier::lease`).
pub const BATCH: i64 = 10;

/// What one round did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Round {
    pub leased: usize,
    pub sent: usize,
    /// Failed this time (to be retried, or given up).
    pub failed: usize,
    pub skipped: usize,
    /// Held through quiet hours.
    pub held: usize,
}

/// A message's text: the subject line (email) and the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    pub subject: String,
    pub body: String,
}

/// What a message is rendered from, read when it is sent.
struct Facts {
    client: Client,
    contact: Contact,
    invoice: Option<Invoice>,
    payment: Option<Payment>,
    /// The payment page of the invoice's online payment waiting for the client, if any.
    pay_url: Option<String>,
}

async fn facts(ctx: &impl Context, m: &Leased) -> Result<Option<Facts>, StoreError> {
    let m = m.clone();
    ctx.db()
        .read(move |ex| {
            Box::pin(async move {
                let Some(client) = clients::get(ex, m.client_id).await? else {
                    return Ok(None);
                };
                let contact = clients::contact(ex, m.client_id, false)
                    .await?
                    .unwrap_or_default();
                let invoice = match (m.invoice_id, m.event) {
                    (Some(id), _) => invoices::get(ex, id).await?,
                    (None, Event::Suspended) => {
                        invoices::oldest_open(ex, SubscriptionId(m.subject_id)).await?
                    }
                    (None, _) => None,
                };
                let payment = match m.payment_id {
                    Some(id) => payments::get(ex, id).await?,
                    None => None,
                };
                // Only messages asking for payment link to the payment page.
                let pay_url = match &invoice {
                    Some(i) if m.event.asks_payment() => online::of_invoice(ex, i.id)
                        .await?
                        .into_iter()
                        .find(|a| a.status == AttemptStatus::Pending)
                        .and_then(|a| a.pay_url),
                    _ => None,
                };
                Ok(Some(Facts {
                    client,
                    contact,
                    invoice,
                    payment,
                    pay_url,
                }))
            })
        })
        .await
}

/// What a message says, before its language and event are chosen.
#[derive(Debug, Clone, Copy)]
pub struct Letter<'a> {
    pub settings: &'a Settings,
    pub base_url: &'a str,
    pub client_name: &'a str,
    pub invoice: Option<&'a Invoice>,
    pub payment: Option<&'a Payment>,
    /// The gateway's payment page waiting for the client; else the link is the portal's.
    pub pay_url: Option<&'a str>,
    /// Counts the days of reminders.
    pub today: NaiveDate,
}

impl Letter<'_> {
    /// The message's text in `lang`.
    pub fn text(&self, event: Event, lang: Lang) -> Text {
        let Letter {
            settings,
            base_url,
            client_name,
            invoice,
            payment,
            pay_url,
            today,
        } = *self;
        let currency = Currency::parse(&settings.currency).unwrap_or(Currency::Idr);
        let amount = match (payment, invoice) {
            (Some(p), _) => format_money(p.amount, currency, lang),
            (None, Some(i)) => format_money(i.outstanding(), currency, lang),
            (None, None) => String::new(),
        };
        let (number, due, days) = match invoice {
            Some(i) => (
                i.number(),
                format_date(i.due_date, lang, DateStyle::Long),
                (i.due_date - today).num_days().abs(),
            ),
            None => (String::new(), String::new(), 0),
        };
        let payment_link = match (pay_url, invoice) {
            (Some(url), _) => url.to_owned(),
            (None, Some(i)) => format!("{base_url}/portal/invoices/{}", i.id),
            (None, None) => format!("{base_url}/portal"),
        };
        let receipt_link = payment.map_or_else(String::new, |p| {
            format!("{base_url}/portal/payments/{}/receipt", p.id)
        });
        let portal_link = format!("{base_url}/portal");
        let args: [(&str, Arg<'_>); 9] = [
            ("client_name", client_name.into()),
            ("provider_name", settings.provider_name.as_str().into()),
            ("invoice_number", number.as_str().into()),
            ("amount", amount.as_str().into()),
            ("due_date", due.as_str().into()),
            ("days", Arg::Number(days)),
            ("payment_link", payment_link.as_str().into()),
            ("portal_link", portal_link.as_str().into()),
            ("receipt_link", receipt_link.as_str().into()),
        ];
        let key = event.template();
        Text {
            subject: t_args(lang, &format!("{key}-subject"), &args),
            body: t_args(lang, key, &args),
        }
    }
}

/// Decides and, where it is to go now, sends one message.
async fn deliver(
    ctx: &impl Context,
    m: &Leased,
    now: DateTime<Utc>,
) -> Result<Outcome, StoreError> {
    let skip = |why: &str| Ok(Outcome::Skipped { why: why.into() });
    let n = ctx.notifier();
    let settings = ctx.settings();
    let Some(f) = facts(ctx, m).await? else {
        return skip("the client no longer exists");
    };
    if !f.contact.allows(m.channel) {
        return skip(match m.channel {
            Channel::WhatsApp => "the client opted out of WhatsApp",
            Channel::Email => "the client opted out of email, or has no address",
        });
    }
    if m.event.asks_payment() {
        match &f.invoice {
            Some(i) if i.status.is_open() => {}
            _ => return skip("nothing is owed any more"),
        }
    }
    let tz = settings.tz();
    let local = now.with_timezone(&tz);
    if m.channel == Channel::WhatsApp
        && let Some(quiet) = n.quiet
        && let Some(at) = quiet.release(local.naive_local())
    {
        let at = at
            .and_local_timezone(tz)
            .earliest()
            .map_or(now + chrono::Duration::hours(1), |t| t.with_timezone(&Utc));
        return Ok(Outcome::Held { at });
    }
    let lang = f
        .contact
        .language
        .as_deref()
        .and_then(Lang::parse)
        .or_else(|| Lang::parse(&settings.default_language))
        .unwrap_or(Lang::Id);
    let text = Letter {
        settings: &settings,
        base_url: &n.base_url,
        client_name: &f.client.name,
        invoice: f.invoice.as_ref(),
        payment: f.payment.as_ref(),
        pay_url: f.pay_url.as_deref(),
        today: local.date_naive(),
    }
    .text(m.event, lang);
    let (recipient, sent) = match m.channel {
        Channel::WhatsApp => {
            let Some(gateway) = &n.whatsapp else {
                return skip("no WhatsApp gateway is configured");
            };
            let cc = n
                .country_code
                .as_deref()
                .or_else(|| home_country_code(&settings.currency))
                .unwrap_or("62");
            let number = match normalize_msisdn(&f.client.phone_number, cc) {
                Ok(number) => number,
                Err(why) => return skip(&format!("the phone number {why}")),
            };
            let sent = gateway.send(&number, &text.body).await;
            (number, sent)
        }
        Channel::Email => {
            let Some(email) = &n.email else {
                return skip("no SMTP server is configured");
            };
            let to = f.contact.email.clone().unwrap_or_default();
            let pdf = match &f.invoice {
                Some(i) if m.event.asks_payment() => ctx.invoice_pdf(i.id, lang).await,
                _ => None,
            };
            let sent = email.send(&to, &text.subject, &text.body, pdf).await;
            (to, sent)
        }
    };
    Ok(match sent {
        Ok(()) => Outcome::Sent { recipient },
        Err(error) => {
            let attempts = m.attempts + 1;
            let retry_at = (attempts < MAX_ATTEMPTS).then(|| Utc::now() + retry_delay(attempts));
            tracing::warn!(
                notification = m.id, channel = m.channel.as_str(), attempts, %error,
                "a message was not accepted"
            );
            Outcome::Failed {
                recipient,
                error,
                retry_at,
            }
        }
    })
}

/// One round at `now`: leases the messages due and delivers each.
pub async fn run_once(ctx: &impl Context, now: DateTime<Utc>) -> Result<Round, StoreError> {
    let lease = chrono::Duration::from_std(ctx.notifier().lease).unwrap_or_default();
    let leased = ctx
        .db()
        .write(move |ex| Box::pin(async move { repo::lease(ex, now, now + lease, BATCH).await }))
        .await?;
    let mut round = Round {
        leased: leased.len(),
        ..Default::default()
    };
    for m in leased {
        let outcome = deliver(ctx, &m, now).await?;
        match &outcome {
            Outcome::Sent { .. } => round.sent += 1,
            Outcome::Failed { .. } => round.failed += 1,
            Outcome::Skipped { .. } => round.skipped += 1,
            Outcome::Held { .. } => round.held += 1,
        }
        let id = m.id;
        ctx.db()
            .write(move |ex| {
                Box::pin(async move { repo::settle(ex, id, &outcome, Utc::now()).await })
            })
            .await?;
    }
    Ok(round)
}

/// Sends messages as they become due, while the server runs.
pub async fn run<C: Context + 'static>(ctx: Arc<C>) {
    loop {
        match run_once(&ctx, Utc::now()).await {
            Ok(r) if r.leased > 0 && r.leased > r.held => continue,
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "notification round failed"),
        }
        let _ = tokio::time::timeout(Duration::from_secs(5), ctx.messages_ready().notified()).await;
    }
}
