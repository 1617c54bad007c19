//! The customer portal's use cases. A client signs in with their PPP secret's name and
//! password (throttled as staff logins are) and from then on reaches only their own things:
//! every read here is by the session's client, and an invoice or payment of anyone else is
//! "not found", exactly as one that does not exist. Paying and promising go through the same
//! services as a cashier's or an operator's (`online_payments::start_as`,
//! `collection::change_tx`), with the client as the actor (`portal:NAME`).

use chrono::{DateTime, NaiveDate, Utc};

use super::collection::{Change, change_tx};
use super::payments::Receipt;
use super::{AppError, invoices as invoice_svc, online_payments, payments as payment_svc};
use crate::app::App;
use crate::domain::billing::collection::{Collection, OwnPromise};
use crate::domain::billing::invoice::{Invoice, Payment};
use crate::domain::billing::online::Gateway;
use crate::domain::billing::subscription::Subscription;
use crate::domain::client::{Client, ClientEventKind, Standing};
use crate::domain::ids::{ClientId, InvoiceId, PaymentId};
use crate::domain::money::Money;
use crate::security::{constant_time_eq, token};
use crate::storage::Exec;
use crate::storage::repo::online::Attempt;
use crate::storage::repo::{clients, invoices, payments, plans, portal, subscriptions};
use crate::tx;

/// The client signed in to the portal.
#[derive(Debug, Clone)]
pub struct PortalClient {
    pub client_id: ClientId,
    pub name: String,
    pub ppp_secret_name: String,
    /// The language of the client's messages, which their pages follow unless they chose one.
    pub language: Option<String>,
    pub expires_at: DateTime<Utc>,
}

impl PortalClient {
    /// Who the client is in histories and the audit trail.
    pub fn actor(&self) -> String {
        format!("portal:{}", self.ppp_secret_name)
            .chars()
            .take(64)
            .collect()
    }
}

#[derive(Debug, Clone)]
pub struct PortalLogin {
    pub token: String,
    pub client: PortalClient,
}

const REFUSED: &str = "invalid PPP user name or password";

/// Checks a PPP secret's name and password; on success opens a session. The attempt counts
/// against the login throttle first (its pair key is `portal:NAME`, its address key the staff
/// logins' own), and the comparison takes the same time whether or not the name exists.
pub async fn login(
    app: &App,
    secret: &str,
    password: &str,
    addr: Option<&str>,
) -> Result<PortalLogin, AppError> {
    let addr = addr.unwrap_or("unknown");
    let key = format!("portal:{secret}");
    let tag = app.secrets.log_tag(secret);
    if let Err(retry_after) = app.throttle.attempt(&key, addr) {
        tracing::warn!(
            user_tag = tag,
            addr,
            retry_after,
            "portal sign-in refused: too many failures"
        );
        return Err(AppError::TooManyRequests { retry_after });
    }
    let name = secret.to_owned();
    let account = match tx!(app, read, |ex| portal::account(ex, &name)).await {
        Ok(a) => a,
        Err(e) => {
            app.throttle.cancel(&key, addr);
            return Err(e);
        }
    };
    // A client without a password (an import that had none) cannot sign in, and is
    // answered as an unknown name: the attempt counts all the same.
    let known = match &account {
        Some(a) if !a.password.0.is_empty() => match app.secrets.open(&a.password) {
            Ok(p) => Some(p),
            Err(e) => {
                tracing::warn!(client_id = %a.client_id, error = %e, "a client's PPP password cannot be opened");
                None
            }
        },
        _ => None,
    };
    // An unknown name is compared with itself, so the answer takes as long.
    let expected = known.as_deref().unwrap_or(password);
    let matches = constant_time_eq(expected.as_bytes(), password.as_bytes());
    let account = match account {
        Some(a) if known.is_some() && matches && !password.is_empty() => a,
        _ => {
            tracing::info!(user_tag = tag, addr, "portal sign-in failed");
            return Err(AppError::Unauthorized(REFUSED));
        }
    };
    app.throttle.succeeded(&key, addr);
    let token = token::generate();
    let digest = token::digest(&token);
    let now = Utc::now();
    let expires_at = now + chrono::Duration::minutes(app.config.token_ttl_minutes);
    let id = account.client_id;
    tx!(app, write, |ex| portal::insert(
        ex, &digest, id, now, expires_at
    ))
    .await?;
    tracing::info!(client_id = %id, "portal sign-in");
    Ok(PortalLogin {
        token,
        client: PortalClient {
            client_id: id,
            name: account.name,
            ppp_secret_name: account.ppp_secret_name,
            language: None,
            expires_at,
        },
    })
}

/// The client a portal session belongs to.
pub async fn authenticate(app: &App, token_text: &str) -> Result<PortalClient, AppError> {
    if !token::well_formed(token_text) {
        return Err(AppError::Unauthorized("malformed session"));
    }
    let digest = token::digest(token_text);
    let s = tx!(app, lookup, |ex| portal::find(ex, &digest))
        .await?
        .ok_or(AppError::Unauthorized("unknown session"))?;
    if s.revoked_at.is_some() || s.expires_at <= Utc::now() {
        return Err(AppError::Unauthorized("this session has ended"));
    }
    Ok(PortalClient {
        client_id: s.client_id,
        name: s.name,
        ppp_secret_name: s.ppp_secret_name,
        language: s.language,
        expires_at: s.expires_at,
    })
}

/// Ends the session at once.
pub async fn logout(app: &App, token_text: &str) -> Result<(), AppError> {
    let digest = token::digest(token_text);
    let now = Utc::now();
    tx!(app, write, |ex| portal::revoke(ex, &digest, now)).await?;
    Ok(())
}

/// A subscription as the client sees it.
#[derive(Debug, Clone)]
pub struct PlanLine {
    pub subscription: Subscription,
    pub plan_name: String,
}

/// The portal's home: the client, their plans and standing, what they owe, their invoices and
/// payments (newest first), and what they may promise.
#[derive(Debug, Clone)]
pub struct Home {
    pub client: Client,
    pub plans: Vec<PlanLine>,
    pub standing: Standing,
    /// Open invoices, the oldest due first.
    pub open: Vec<Invoice>,
    /// What remains on them together.
    pub owed: Money,
    /// Every invoice but void ones, newest first.
    pub invoices: Vec<Invoice>,
    /// Payments, newest first.
    pub payments: Vec<Payment>,
    pub collection: Collection,
    pub promise: OwnPromise,
}

/// The most invoices and payments the home lists (two years of monthly ones).
const LISTED: usize = 24;

pub async fn home(app: &App, who: &PortalClient) -> Result<Home, AppError> {
    home_of(app, who.client_id).await
}

/// The home of client `id`.
pub async fn home_of(app: &App, id: ClientId) -> Result<Home, AppError> {
    let today = app.today();
    let days = app.config.portal_promise_days;
    tx!(app, read, |ex| async move {
        let client = clients::get(ex, id)
            .await?
            .ok_or_else(|| AppError::NotFound("client".into()))?;
        let names: std::collections::HashMap<_, _> = plans::list(ex)
            .await?
            .into_iter()
            .map(|p| (p.id, p.name))
            .collect();
        let subs = subscriptions::for_client(ex, id).await?;
        let standing = Standing::of(subs.iter().map(|s| s.status));
        let plans = subs
            .into_iter()
            .map(|s| PlanLine {
                plan_name: names.get(&s.plan_id).cloned().unwrap_or_default(),
                subscription: s,
            })
            .collect();
        let mut all = invoices::for_client(ex, id).await?;
        all.retain(|i| i.status != crate::domain::billing::invoice::InvoiceStatus::Void);
        let mut open: Vec<Invoice> = all.iter().filter(|i| i.status.is_open()).cloned().collect();
        open.sort_by_key(|i| (i.due_date, i.id));
        let owed = open
            .iter()
            .try_fold(Money::ZERO, |t, i| t.checked_add(i.outstanding()))
            .ok_or_else(|| AppError::Internal("what the client owes overflows".into()))?;
        all.sort_by_key(|i| std::cmp::Reverse((i.invoice_date, i.id)));
        all.truncate(LISTED);
        let mut pays = payments::for_client(ex, id).await?;
        pays.reverse();
        pays.truncate(LISTED);
        let collection = clients::collection(ex, id, false)
            .await?
            .unwrap_or_default();
        let (promise, _) = own_promise(ex, id, &collection, &open, today, days).await?;
        Ok::<_, AppError>(Home {
            client,
            plans,
            standing,
            open,
            owed,
            invoices: all,
            payments: pays,
            collection,
            promise,
        })
    })
    .await
}

/// The reason recorded with a client's own promise: it names the invoice it is for, which is
/// how a second promise for the same invoice is recognised.
fn promise_reason(number: &str) -> String {
    format!("promised by the client in the portal for {number}")
}

/// What the client may promise now (see [`OwnPromise::of`]): once per invoice, the oldest
/// open one, whatever their secret is called now.
async fn own_promise(
    ex: &mut dyn Exec,
    id: ClientId,
    collection: &Collection,
    open: &[Invoice],
    today: NaiveDate,
    days: u32,
) -> Result<(OwnPromise, Option<String>), AppError> {
    let Some(oldest) = open.iter().min_by_key(|i| (i.due_date, i.id)) else {
        return Ok((OwnPromise::of(collection, false, false, today, days), None));
    };
    let reason = promise_reason(&oldest.number());
    let promised = clients::history(ex, id).await?.into_iter().any(|e| {
        e.kind == ClientEventKind::PromiseGranted
            && e.actor.starts_with("portal:")
            // Recorded as `until DATE: REASON` (service::collection).
            && e.reason.as_deref().is_some_and(|r| r.ends_with(&format!(": {reason}")))
    });
    Ok((
        OwnPromise::of(collection, true, promised, today, days),
        Some(reason),
    ))
}

/// The client's own promise to pay through `until`: holds the cut-off off and brings back a
/// subscription it suspended, as an operator's promise does; once per unpaid invoice.
pub async fn promise(
    app: &App,
    who: &PortalClient,
    until: Option<NaiveDate>,
) -> Result<Collection, AppError> {
    let (id, actor) = (who.client_id, who.actor());
    let today = app.today();
    let days = app.config.portal_promise_days;
    let c = tx!(app, write, |ex| async move {
        let collection = clients::collection(ex, id, true)
            .await?
            .ok_or_else(|| AppError::NotFound("client".into()))?;
        let open = invoices::open_for_client(ex, id).await?;
        let (offer, reason) = own_promise(ex, id, &collection, &open, today, days).await?;
        let until = offer.check(until, today)?;
        let change = Change::Promise {
            until: Some(until),
            reason,
        };
        change_tx(ex, id, &change, &actor, today).await
    })
    .await?;
    app.jobs_ready.notify_one();
    tracing::info!(client_id = %id, until = ?c.promised_until, "promise to pay from the portal");
    Ok(c)
}

/// One of the client's invoices, with its payments and online payments.
#[derive(Debug, Clone)]
pub struct InvoicePage {
    pub invoice: Invoice,
    pub plan_name: String,
    pub payments: Vec<Payment>,
    pub attempts: Vec<Attempt>,
    /// The gateways the client may pay through.
    pub gateways: Vec<Gateway>,
}

fn not_theirs(what: &str) -> AppError {
    AppError::NotFound(what.into())
}

pub async fn invoice(
    app: &App,
    who: &PortalClient,
    id: InvoiceId,
) -> Result<InvoicePage, AppError> {
    let doc = document(app, who, id).await?;
    let attempts = online_payments::of_invoice(app, id).await?;
    Ok(InvoicePage {
        invoice: doc.invoice,
        plan_name: doc.plan_name,
        payments: doc.payments,
        attempts,
        gateways: app.gateways.available(),
    })
}

/// The invoice's printed page, if it is the client's.
pub async fn document(
    app: &App,
    who: &PortalClient,
    id: InvoiceId,
) -> Result<invoice_svc::InvoiceDocument, AppError> {
    let doc = invoice_svc::document(app, id).await?;
    if doc.invoice.client_id != who.client_id {
        return Err(not_theirs("invoice"));
    }
    Ok(doc)
}

/// A payment's receipt, if the payment is the client's.
pub async fn receipt(app: &App, who: &PortalClient, id: PaymentId) -> Result<Receipt, AppError> {
    let r = payment_svc::receipt(app, id).await?;
    if r.client.id != who.client_id {
        return Err(not_theirs("payment"));
    }
    Ok(r)
}

/// Starts paying the client's invoice online: the gateway's payment page.
pub async fn pay(
    app: &App,
    who: &PortalClient,
    id: InvoiceId,
    gateway: Gateway,
) -> Result<Attempt, AppError> {
    online_payments::start_as(app, &who.actor(), Some(who.client_id), id, gateway).await
}
