//! The notice page's use cases: a client cut off in `isolate` mode has their web requests
//! sent to this server by the router (see [`crate::domain::isolation`]); the page knows them
//! by their source address, which is their live PPP session's address on one of the routers
//! in `isolate` mode (`/ppp/active`), and shows what they owe with a way to pay.
//!
//! Nothing here needs a password, so nothing here shows more than the portal's home would to
//! its client, and paying goes through the portal's own path (`online_payments::start_as`,
//! limited to the client's invoices), with the client as the actor (`notice:NAME`).

use std::collections::HashMap;
use std::net::IpAddr;
use std::time::{Duration, Instant};

use parking_lot::Mutex;

use super::AppError;
use super::portal::{self, Home};
use crate::app::App;
use crate::domain::billing::online::Gateway;
use crate::domain::client::{Client, Standing};
use crate::domain::ids::InvoiceId;
use crate::domain::router::SuspendMode;
use crate::provisioning::isolation::session_user;
use crate::storage::repo::online::Attempt;
use crate::storage::repo::{clients, routers};
use crate::tx;

/// How long an address's owner is remembered: a browser asks for many pages at once, and
/// every one of them reaches the notice page; short, as a pool hands an address to another
/// client once its session ends.
const REMEMBER: Duration = Duration::from_secs(10);
/// The most addresses remembered; past it the memory starts again.
const REMEMBERED: usize = 10_000;

/// Who was found at each address lately, and the turns to look one up.
pub struct Seen {
    found: Mutex<HashMap<IpAddr, (Instant, Option<Client>)>>,
    lookups: tokio::sync::Semaphore,
}

impl Default for Seen {
    fn default() -> Self {
        Seen {
            found: Mutex::default(),
            lookups: tokio::sync::Semaphore::new(LOOKUPS),
        }
    }
}

impl Seen {
    fn get(&self, ip: IpAddr) -> Option<Option<Client>> {
        let map = self.found.lock();
        map.get(&ip)
            .filter(|(at, _)| at.elapsed() < REMEMBER)
            .map(|(_, c)| c.clone())
    }

    fn put(&self, ip: IpAddr, c: Option<Client>) {
        let mut map = self.found.lock();
        if map.len() >= REMEMBERED {
            map.clear();
        }
        map.insert(ip, (Instant::now(), c));
    }
}

/// How many routers' session lists are read at once (each new address asks every isolating
/// router): a flood of addresses waits here rather than loading the routers.
const LOOKUPS: usize = 2;

/// The client whose live PPP session has `ip` on a router in `isolate` mode. Only IPv4
/// addresses are looked up (PPP pools hand out IPv4; an IPv6 caller is nobody here). When
/// the address is live on more than one router (routers often share a private pool) it is
/// nobody's: the page must never show one client another's bills; so is it while any of those
/// routers cannot be asked (logged).
pub async fn identify(app: &App, ip: IpAddr) -> Result<Option<Client>, AppError> {
    let ip = ip.to_canonical();
    if !ip.is_ipv4() {
        return Ok(None);
    }
    if let Some(known) = app.notice_seen.get(ip) {
        return Ok(known);
    }
    let _turn = app
        .notice_seen
        .lookups
        .acquire()
        .await
        .map_err(|_| AppError::Internal("the notice page's lookups are closed".into()))?;
    if let Some(known) = app.notice_seen.get(ip) {
        return Ok(known);
    }
    let isolating: Vec<_> = tx!(app, read, |ex| routers::list(ex))
        .await?
        .into_iter()
        .filter(|r| r.settings.suspend_mode == SuspendMode::Isolate)
        .collect();
    let mut holders = Vec::new();
    let mut unasked = 0;
    for r in isolating {
        let user = match app.connections.get(&r, &app.secrets).await {
            Ok(api) => session_user(api.as_ref(), ip)
                .await
                .map_err(|e| e.summary()),
            Err(e) => Err(e.to_string()),
        };
        match user {
            Ok(Some(name)) => holders.push((r.id, name)),
            Ok(None) => {}
            Err(e) => {
                unasked += 1;
                // A connection that failed is not kept: the next question opens a fresh one.
                app.connections.drop_router(r.id);
                tracing::warn!(router_id = %r.id, error = %e, "notice page: cannot ask the router who has an address");
            }
        }
    }
    if unasked > 0 {
        // The address may be live there too: not known to be one client's, and asked again
        // next time rather than remembered.
        return Ok(None);
    }
    let found = match holders.as_slice() {
        [(rid, name)] => {
            let (rid, names) = (*rid, vec![name.clone()]);
            tx!(app, read, |ex| clients::with_secret_names(ex, &names))
                .await?
                .into_iter()
                .find(|c| c.router_id == Some(rid))
        }
        [] => None,
        more => {
            tracing::warn!(%ip, routers = more.len(), "notice page: the address is live on several routers; shown as nobody's");
            None
        }
    };
    app.notice_seen.put(ip, found.clone());
    Ok(found)
}

/// The actor of what a client does from the notice page.
pub fn actor(c: &Client) -> String {
    format!("notice:{}", c.ppp_secret_name)
        .chars()
        .take(64)
        .collect()
}

/// What the notice page shows the caller at an address.
pub enum Notice {
    /// Nobody we know of (or an address live on several routers).
    Unknown,
    /// A client who is not cut off (they paid, and their session is about to be restored;
    /// or the address is theirs while they are active): nothing about them is shown.
    NotCutOff,
    /// A cut-off client: what they owe and can pay.
    CutOff(Box<Home>),
}

/// The notice page of the caller at `ip`. A client's own things are shown only while they are
/// cut off, which is when the router sends them here.
pub async fn page(app: &App, ip: IpAddr) -> Result<Notice, AppError> {
    let Some(c) = identify(app, ip).await? else {
        return Ok(Notice::Unknown);
    };
    let home = portal::home_of(app, c.id).await?;
    Ok(if home.standing == Standing::Suspended {
        Notice::CutOff(Box::new(home))
    } else {
        Notice::NotCutOff
    })
}

/// Starts paying one of the client's open invoices online (the client as [`identify`] found
/// them: an invoice of anyone else's is not found).
pub async fn pay(
    app: &App,
    client: &Client,
    invoice: InvoiceId,
    gateway: Gateway,
) -> Result<Attempt, AppError> {
    super::online_payments::start_as(app, &actor(client), Some(client.id), invoice, gateway).await
}
