//! Client management.

use crate::domain::notify::Contact;
use crate::storage::repo::notifications::Notice;
use std::collections::HashMap;

use chrono::{NaiveDate, Utc};

use super::idempotency::{Once, Outcome};
use super::{AppError, Page, require};
use crate::app::App;
use crate::domain::billing::collection::Collection;
use crate::domain::billing::invoice::{Invoice, Payment};
use crate::domain::billing::subscription::{Status, Subscription, deciding};
use crate::domain::client::{Client, ClientDraft, ClientEvent, ClientEventKind, Overdue, Standing};
use crate::domain::ids::{ClientId, InvoiceId, JobId, PlanId, RouterId, SubscriptionId};
use crate::domain::secret::SyncKind;
use crate::domain::user::{Actor, Role};
use crate::domain::validation::{FieldErrors, Sealed, reason};
use crate::provisioning::outbox;
use crate::storage::repo::{clients, invoices, payments, plans, routers, subscriptions, sync};
use crate::storage::{Exec, StoreError};
use crate::{tx, tx_once};

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

const REFUSED: &str = "only an admin or operator may change clients";

async fn existing_router(ex: &mut dyn Exec, id: RouterId) -> Result<RouterId, AppError> {
    match routers::get(ex, id).await? {
        Some(_) => Ok(id),
        None => Err(FieldErrors::single("router_id", "no such router").into()),
    }
}

fn not_found(id: ClientId) -> AppError {
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

/// Registers a client: its PPP secret is queued for its router (the default one when the
/// draft names none). Once per `Idempotency-Key` (see [`super::idempotency`]).
pub async fn create(
    app: &App,
    actor: &Actor,
    draft: &ClientDraft,
    once: Once<Client>,
) -> Result<Outcome<Client>, AppError> {
    require(actor, Role::manages_clients, REFUSED)?;
    let new = Client::validate(draft)?;
    let sealed = app.secrets.seal(&new.password);
    let out = tx_once!(app, actor.id, once, |ex| register_tx(
        ex, new.client, &sealed
    ))
    .await?;
    if let Some(c) = out.created() {
        app.jobs_ready.notify_one();
        app.messages_ready.notify_one();
        tracing::info!(client_id = %c.id, by = %actor.username, "client created");
    }
    Ok(out)
}

/// A registration by staff: the client stored, and welcomed (an import stores clients with
/// [`create_tx`] alone: they are not new to the provider).
pub async fn register_tx(
    ex: &mut dyn Exec,
    c: Client,
    password: &Sealed,
) -> Result<Client, AppError> {
    let c = create_tx(ex, c, password).await?;
    super::notifications::welcome_tx(ex, c.id).await?;
    Ok(c)
}

pub async fn create_tx(
    ex: &mut dyn Exec,
    mut c: Client,
    password: &Sealed,
) -> Result<Client, AppError> {
    c.router_id = match c.router_id {
        Some(r) => Some(existing_router(ex, r).await?),
        None => routers::default_id(ex).await?,
    };
    c.id = clients::insert(ex, &c, password, Utc::now())
        .await
        .map_err(taken(&c.ppp_secret_name))?;
    outbox::client_changed(ex, c.id).await?;
    Ok(c)
}

pub async fn get(app: &App, id: ClientId) -> Result<Client, AppError> {
    tx!(app, lookup, |ex| clients::get(ex, id))
        .await?
        .ok_or_else(|| not_found(id))
}

/// A page of clients, narrowed by `query` when given; and the total count.
pub async fn list(
    app: &App,
    query: Option<String>,
    page: Page,
) -> Result<(Vec<Client>, i64), AppError> {
    check_query(query.as_deref())?;
    let (limit, offset) = page.limit_offset();
    tx!(app, read, |ex| clients::page(
        ex,
        query.as_deref(),
        limit,
        offset
    ))
    .await
}

/// The longest search a listing takes.
const QUERY_MAX: usize = 100;

fn check_query(query: Option<&str>) -> Result<(), AppError> {
    if query.is_some_and(|q| q.chars().count() > QUERY_MAX) {
        return Err(AppError::bad_request(
            "query",
            &format!("must be at most {QUERY_MAX} characters"),
        ));
    }
    Ok(())
}

/// As [`list`], each client with how they stand (from their subscriptions' statuses, read for
/// the page's clients only, in one statement).
pub async fn list_with_standing(
    app: &App,
    query: Option<String>,
    page: Page,
) -> Result<(Vec<(Client, Standing)>, i64), AppError> {
    check_query(query.as_deref())?;
    let (limit, offset) = page.limit_offset();
    tx!(app, read, |ex| async move {
        let (rows, total) = clients::page(ex, query.as_deref(), limit, offset).await?;
        let ids: Vec<ClientId> = rows.iter().map(|c| c.id).collect();
        let mut statuses: HashMap<ClientId, Vec<_>> = HashMap::new();
        for (id, s) in clients::subscription_statuses(ex, &ids).await? {
            statuses.entry(id).or_default().push(s);
        }
        let rows = rows
            .into_iter()
            .map(|c| {
                let standing = Standing::of(statuses.remove(&c.id).unwrap_or_default());
                (c, standing)
            })
            .collect();
        Ok::<_, StoreError>((rows, total))
    })
    .await
}

/// A router a client may be put on: its id, name and whether it is the default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouterChoice {
    pub id: RouterId,
    pub name: String,
    pub is_default: bool,
}

/// The routers a client may be put on, for whoever registers and edits clients (the router
/// registry itself is the admin's: see [`super::routers`]).
pub async fn router_choices(app: &App, actor: &Actor) -> Result<Vec<RouterChoice>, AppError> {
    require(actor, Role::manages_clients, REFUSED)?;
    let all = tx!(app, read, |ex| routers::list(ex)).await?;
    Ok(all
        .into_iter()
        .map(|r| RouterChoice {
            id: r.id,
            name: r.settings.name,
            is_default: r.settings.is_default,
        })
        .collect())
}

/// A client to edit, with the routers they may be put on.
pub async fn editing(
    app: &App,
    actor: &Actor,
    id: ClientId,
) -> Result<(Client, Vec<RouterChoice>), AppError> {
    let routers = router_choices(app, actor).await?;
    Ok((get(app, id).await?, routers))
}

/// Up to `limit` clients with ids above `after`, narrowed by `query` when given: one chunk of a
/// listing that streams every client.
pub async fn list_after(
    app: &App,
    query: Option<String>,
    after: Option<ClientId>,
    limit: i64,
) -> Result<Vec<Client>, AppError> {
    check_query(query.as_deref())?;
    tx!(app, read, |ex| clients::after(
        ex,
        query.as_deref(),
        after,
        limit
    ))
    .await
}

/// Changes the fields the draft gives; the router follows (a rename, a new password, a move to
/// another router).
pub async fn update(
    app: &App,
    actor: &Actor,
    id: ClientId,
    draft: &ClientDraft,
) -> Result<Client, AppError> {
    require(actor, Role::manages_clients, REFUSED)?;
    let password = draft.password.as_deref().map(|p| app.secrets.seal(p));
    let draft = draft.clone();
    let c = tx!(app, write, |ex| update_tx(
        ex,
        id,
        &draft,
        password.as_ref()
    ))
    .await?;
    app.jobs_ready.notify_one();
    tracing::info!(client_id = %id, by = %actor.username, "client updated");
    Ok(c)
}

/// `sealed` is the draft's password, already sealed (the draft's own copy is only checked).
pub async fn update_tx(
    ex: &mut dyn Exec,
    id: ClientId,
    draft: &ClientDraft,
    sealed: Option<&Sealed>,
) -> Result<Client, AppError> {
    let mut c = clients::get(ex, id).await?.ok_or_else(|| not_found(id))?;
    let before = c.clone();
    c.patch(draft)?;
    if let Some(r) = draft.router_id {
        existing_router(ex, r).await?;
    }
    clients::update(ex, &c, sealed, Utc::now())
        .await
        .map_err(taken(&c.ppp_secret_name))?;
    // The portal signs in with the secret's name (and password: the repository ends the
    // sessions on a new one): a new name ends them too.
    if before.ppp_secret_name != c.ppp_secret_name {
        crate::storage::repo::portal::revoke_client(ex, id, Utc::now()).await?;
    }
    // A client moved to another router leaves the old one.
    if let Some(old_router) = before.router_id
        && before.router_id != c.router_id
    {
        outbox::client_left(ex, id, old_router).await?;
    }
    outbox::client_changed(ex, id).await?;
    Ok(c)
}

/// The original system's update (`PUT /client/{id}`): the draft's fields and, with
/// `ppp_profile`, the plan profile the client's PPP secret gets, through the same plan change
/// as `PUT /subscriptions/{id}` (see [`super::subscriptions::select_profile_tx`]), all in one
/// transaction.
pub async fn update_with_profile(
    app: &App,
    actor: &Actor,
    id: ClientId,
    draft: &ClientDraft,
    ppp_profile: Option<String>,
) -> Result<Client, AppError> {
    let Some(profile) = ppp_profile else {
        return update(app, actor, id, draft).await;
    };
    require(actor, Role::manages_clients, REFUSED)?;
    require(
        actor,
        Role::manages_billing,
        "only an admin or operator may change subscriptions",
    )?;
    let password = draft.password.as_deref().map(|p| app.secrets.seal(p));
    let (draft, by) = (draft.clone(), actor.username.clone());
    let c = tx!(app, write, |ex| async move {
        let c = if draft == ClientDraft::default() {
            clients::get(ex, id).await?.ok_or_else(|| not_found(id))?
        } else {
            update_tx(ex, id, &draft, password.as_ref()).await?
        };
        super::subscriptions::select_profile_tx(ex, id, &profile, &by).await?;
        Ok::<_, AppError>(c)
    })
    .await?;
    app.jobs_ready.notify_one();
    tracing::info!(client_id = %id, by = %actor.username, "client updated (with its plan profile)");
    Ok(c)
}

pub async fn delete(app: &App, actor: &Actor, id: ClientId) -> Result<(), AppError> {
    require(actor, Role::manages_clients, REFUSED)?;
    tx!(app, write, |ex| delete_tx(ex, id)).await?;
    app.jobs_ready.notify_one();
    tracing::info!(client_id = %id, by = %actor.username, "client deleted");
    Ok(())
}

pub async fn delete_tx(ex: &mut dyn Exec, id: ClientId) -> Result<(), AppError> {
    let c = clients::get(ex, id).await?.ok_or_else(|| not_found(id))?;
    if let Some(router) = c.router_id {
        outbox::client_left(ex, id, router).await?;
    }
    clients::delete(ex, id).await.map_err(super::in_use(
        "client_id",
        "the client has subscriptions; cancel them instead of deleting the client",
    ))?;
    Ok(())
}

/// The client with its subscriptions, their invoices and the invoices' payments: one query
/// per level, however many rows.
pub async fn details(app: &App, id: ClientId) -> Result<ClientDetails, AppError> {
    tx!(app, lookup, |ex| details_tx(ex, id)).await
}

async fn details_tx(ex: &mut dyn Exec, id: ClientId) -> Result<ClientDetails, AppError> {
    let client = clients::get(ex, id).await?.ok_or_else(|| not_found(id))?;
    let subs = subscriptions::for_client(ex, id).await?;
    let invoices = if subs.is_empty() {
        Vec::new()
    } else {
        invoices::for_client(ex, id).await?
    };
    let payments = if invoices.is_empty() {
        Vec::new()
    } else {
        payments::for_client(ex, id).await?
    };
    let mut by_invoice: HashMap<InvoiceId, Vec<Payment>> = HashMap::new();
    for p in payments {
        by_invoice.entry(p.invoice_id).or_default().push(p);
    }
    let mut by_sub: HashMap<SubscriptionId, Vec<(Invoice, Vec<Payment>)>> = HashMap::new();
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
    Ok(ClientDetails {
        client,
        subscriptions,
    })
}

/// The outcome of a manual connect or disconnect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Switched {
    pub ppp_secret_name: String,
    pub job_id: JobId,
    /// The router took the change within the wait; otherwise it is queued and will land.
    pub applied: bool,
}

/// Cuts a client off now (`enable == false`) or lifts an operator's hold. A disconnect is an
/// operator's hold: billing does not reconnect the client until an operator does. An enable
/// does not override billing: while the client's subscription keeps them cut off it is refused
/// (a conflict saying why), so the answer never claims a change the router will not hold. Recorded in the client's history; applied through the router outbox, and answered
/// after at most `switch_wait_ms` whether or not the router has taken it yet.
pub async fn switch_connection(
    app: &App,
    actor: &Actor,
    id: ClientId,
    enable: bool,
    why: Option<String>,
) -> Result<Switched, AppError> {
    require(actor, Role::manages_clients, REFUSED)?;
    let mut e = FieldErrors::default();
    let why = reason(&mut e, "reason", why.as_deref());
    e.into_result(())?;
    // Switches of one client sent to several servers at once contend on its rows.
    let (name, job_id, version) = super::retry_busy(|| {
        let (by, why) = (actor.username.clone(), why.clone());
        tx!(app, write, |ex| switch_tx(ex, id, enable, by, why))
    })
    .await?;
    app.jobs_ready.notify_one();
    tracing::info!(client_id = %id, enable, by = %actor.username, "manual connection switch");
    let wait = std::time::Duration::from_millis(app.config.switch_wait_ms);
    let applied = crate::provisioning::worker::wait_applied(app, job_id, version, wait).await?;
    Ok(Switched {
        ppp_secret_name: name,
        job_id,
        applied,
    })
}

async fn switch_tx(
    ex: &mut dyn Exec,
    id: ClientId,
    enable: bool,
    actor: String,
    reason: Option<String>,
) -> Result<(String, JobId, i64), AppError> {
    let c = clients::get(ex, id).await?.ok_or_else(|| not_found(id))?;
    let Some(router) = c.router_id else {
        return Err(AppError::Conflict {
            field: "router_id",
            message: "the client is on no router; assign one first".into(),
        });
    };
    if enable && let Some(why) = cut_off_by_billing(ex, id).await? {
        return Err(AppError::Conflict {
            field: "subscription_id",
            message: format!("PPP Secret '{}' stays disabled: {why}", c.ppp_secret_name),
        });
    }
    clients::set_held(ex, id, !enable).await?;
    outbox::client_changed(ex, id).await?;
    let (job, version) = sync::version_of(ex, router, SyncKind::Secret, id.0)
        .await?
        .ok_or(StoreError::NotFound)?;
    let event = ClientEvent {
        client_id: id,
        kind: if enable {
            ClientEventKind::ConnectionEnabled
        } else {
            ClientEventKind::ConnectionDisabled
        },
        actor,
        reason,
        router_job_id: Some(job),
        at: Utc::now(),
    };
    clients::record_event(ex, &event).await?;
    Ok((c.ppp_secret_name, job, version))
}

/// Why the client's secret stays cut off whatever a manual switch says: the subscription that
/// decides it is suspended (for an unpaid invoice), expired or cancelled. An enable then would
/// not happen, so it is refused rather than answered as done.
async fn cut_off_by_billing(ex: &mut dyn Exec, id: ClientId) -> Result<Option<String>, AppError> {
    let subs = subscriptions::for_client(ex, id).await?;
    let Some(sub) = deciding(&subs).filter(|s| s.status.cuts_off()) else {
        return Ok(None);
    };
    if sub.status != Status::Suspended {
        return Ok(Some(format!(
            "subscription {} is {}; put the client on a plan to reconnect",
            sub.id,
            sub.status.as_str()
        )));
    }
    let unpaid = invoices::open_for_client(ex, id)
        .await?
        .into_iter()
        .find(|i| i.subscription_id == sub.id);
    Ok(Some(match unpaid {
        Some(i) => format!(
            "subscription {} is suspended for unpaid invoice {}, due {}; record its payment to \
             reconnect",
            sub.id,
            i.number(),
            i.due_date
        ),
        None => format!(
            "subscription {} is suspended; make it active with PUT /subscriptions/{} to reconnect",
            sub.id, sub.id
        ),
    }))
}

pub async fn history(app: &App, id: ClientId) -> Result<Vec<ClientEvent>, AppError> {
    get(app, id).await?;
    tx!(app, read, |ex| clients::history(ex, id)).await
}

/// A client's page: everything known of them, their history, the names of their plans and how
/// they stand.
#[derive(Debug, Clone)]
pub struct ClientOverview {
    pub details: ClientDetails,
    pub history: Vec<ClientEvent>,
    pub plan_names: HashMap<PlanId, String>,
    pub standing: Standing,
    /// The name of the router the client's secret lives on.
    pub router_name: Option<String>,
    /// The client's own collection terms, exemption and promise.
    pub collection: Collection,
    /// How the client is reached, and the latest messages queued for them.
    pub contact: Contact,
    pub messages: Vec<Notice>,
}

/// One entry of a client's timeline.
#[derive(Debug, Clone, Copy)]
pub enum TimelineEntry<'a> {
    Invoice(&'a Invoice),
    Payment(&'a Payment, &'a Invoice),
    Event(&'a ClientEvent),
}

impl TimelineEntry<'_> {
    /// The day it happened: an invoice's date, a payment's date, an event's (UTC) day.
    pub fn date(&self) -> NaiveDate {
        match self {
            TimelineEntry::Invoice(i) => i.invoice_date,
            TimelineEntry::Payment(p, _) => p.payment_date,
            TimelineEntry::Event(e) => e.at.date_naive(),
        }
    }
}

impl ClientOverview {
    /// Invoices, payments and history events as one list, newest first (on one day: events,
    /// then payments, then invoices; each newest first).
    pub fn timeline(&self) -> Vec<TimelineEntry<'_>> {
        let mut out: Vec<(NaiveDate, u8, i64, TimelineEntry<'_>)> = Vec::new();
        for s in &self.details.subscriptions {
            for (inv, pays) in &s.invoices {
                out.push((inv.invoice_date, 0, inv.id.0, TimelineEntry::Invoice(inv)));
                for p in pays {
                    out.push((p.payment_date, 1, p.id.0, TimelineEntry::Payment(p, inv)));
                }
            }
        }
        for e in &self.history {
            out.push((
                e.at.date_naive(),
                2,
                e.at.timestamp_micros(),
                TimelineEntry::Event(e),
            ));
        }
        out.sort_by_key(|e| std::cmp::Reverse((e.0, e.1, e.2)));
        out.into_iter().map(|(_, _, _, e)| e).collect()
    }
}

/// The client's page in one snapshot: [`details`], [`history`] and the plans' names.
pub async fn overview(app: &App, id: ClientId) -> Result<ClientOverview, AppError> {
    tx!(app, read, |ex| async move {
        let details = details_tx(ex, id).await?;
        let history = clients::history(ex, id).await?;
        let plan_names = plans::list(ex)
            .await?
            .into_iter()
            .map(|p| (p.id, p.name))
            .collect();
        let standing = Standing::of(details.subscriptions.iter().map(|s| s.subscription.status));
        let router_name = match details.client.router_id {
            Some(r) => routers::get(ex, r).await?.map(|r| r.settings.name),
            None => None,
        };
        let collection = clients::collection(ex, id, false)
            .await?
            .unwrap_or_default();
        let contact = clients::contact(ex, id, false).await?.unwrap_or_default();
        let messages = crate::storage::repo::notifications::of_client(ex, id, 20).await?;
        Ok::<_, AppError>(ClientOverview {
            details,
            history,
            plan_names,
            standing,
            router_name,
            collection,
            contact,
            messages,
        })
    })
    .await
}

/// A client on the chasing list, with their oldest overdue invoice (the one to collect first).
#[derive(Debug, Clone)]
pub struct OverdueClient {
    pub overdue: Overdue,
    pub oldest: Invoice,
    /// Days since the oldest due date, on the day asked about.
    pub days: i64,
}

/// The clients with open invoices past their due date on `on` (today when `None`), the
/// longest overdue first, and how many there are.
pub async fn overdue(
    app: &App,
    on: Option<NaiveDate>,
    page: Page,
) -> Result<(Vec<OverdueClient>, i64), AppError> {
    let on = on.unwrap_or_else(|| app.today());
    let (limit, offset) = page.limit_offset();
    tx!(app, read, |ex| async move {
        let (rows, total) = clients::overdue_page(ex, on, limit, offset).await?;
        let ids: Vec<ClientId> = rows.iter().map(|o| o.client_id).collect();
        let mut oldest: HashMap<ClientId, Invoice> = HashMap::new();
        for inv in clients::invoices_of_clients(ex, &ids).await? {
            if inv.overdue_on(on) {
                oldest.entry(inv.client_id).or_insert(inv);
            }
        }
        let rows = rows
            .into_iter()
            .filter_map(|o| {
                let inv = oldest.remove(&o.client_id)?;
                Some(OverdueClient {
                    days: o.days_overdue(on),
                    overdue: o,
                    oldest: inv,
                })
            })
            .collect();
        Ok::<_, StoreError>((rows, total))
    })
    .await
}

/// How long the live state of a client's secret is waited for: a page asks on demand, and an
/// unreachable router must not keep it waiting.
pub const LIVE_STATE_WAIT: std::time::Duration = std::time::Duration::from_secs(3);

/// A client's PPP secret as its router holds it now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretSeen {
    pub disabled: bool,
    /// The PPP profile (`default` when the secret names none).
    pub profile: String,
}

/// A live PPP session of the client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionSeen {
    pub address: Option<String>,
    pub uptime: Option<String>,
    pub caller_id: Option<String>,
}

/// What the client's router says of their secret and session, asked now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LiveState {
    /// The client is on no router: nothing to ask.
    NoRouter,
    /// The router did not answer within [`LIVE_STATE_WAIT`] or refused us.
    Unreachable {
        router: String,
        timed_out: bool,
        reason: String,
    },
    /// What the router holds: the secret (`None`: missing) and a live session, if any.
    Seen {
        router: String,
        secret: Option<SecretSeen>,
        session: Option<SessionSeen>,
    },
}

/// Asks the client's router for the state of their PPP secret and session, waiting at most
/// [`LIVE_STATE_WAIT`]. Reads only; a router that cannot be asked is an answer, not an error.
pub async fn live_state(app: &App, id: ClientId) -> Result<LiveState, AppError> {
    let (client, router) = tx!(app, lookup, |ex| async move {
        let c = clients::get(ex, id).await?.ok_or_else(|| not_found(id))?;
        let r = match c.router_id {
            Some(r) => routers::get(ex, r).await?,
            None => None,
        };
        Ok::<_, AppError>((c, r))
    })
    .await?;
    let Some(router) = router else {
        return Ok(LiveState::NoRouter);
    };
    let name = router.settings.name.clone();
    let ask = async {
        let api = app
            .connections
            .get(&router, &app.secrets)
            .await
            .map_err(|e| match e {
                crate::provisioning::connections::ConnectError::Router(e) => e.summary(),
                e => e.to_string(),
            })?;
        let secret = api
            .find_secret(&client.ppp_secret_name)
            .await
            .map_err(|e| e.summary())?;
        let sessions = api
            .active_sessions(Some(&client.ppp_secret_name))
            .await
            .map_err(|e| e.summary())?;
        Ok::<_, String>((secret, sessions))
    };
    let unreachable = |timed_out: bool, reason: String| {
        app.connections.drop_router(router.id);
        LiveState::Unreachable {
            router: name.clone(),
            timed_out,
            reason,
        }
    };
    Ok(match tokio::time::timeout(LIVE_STATE_WAIT, ask).await {
        Err(_) => unreachable(
            true,
            format!("no answer within {} s", LIVE_STATE_WAIT.as_secs()),
        ),
        Ok(Err(reason)) => unreachable(false, reason),
        Ok(Ok((secret, sessions))) => LiveState::Seen {
            router: name.clone(),
            secret: secret.map(|s| SecretSeen {
                disabled: s.disabled,
                profile: s
                    .profile
                    .unwrap_or_else(|| crate::domain::secret::DEFAULT_PROFILE.to_owned()),
            }),
            session: sessions.into_iter().next().map(|a| SessionSeen {
                address: a.address,
                uptime: a.uptime,
                caller_id: a.caller_id,
            }),
        },
    })
}
