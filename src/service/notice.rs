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
use crate::domain::client::Client;
use crate::domain::ids::InvoiceId;
use crate::domain::router::SuspendMode;
use crate::provisioning::isolation::session_user;
use crate::storage::repo::online::Attempt;
use crate::storage::repo::{clients, routers};
use crate::tx;

/// How long an address's owner is remembered: a browser asks for many pages at once, and
/// every one of them reaches the notice page; a reconnected client has a new session.
const REMEMBER: Duration = Duration::from_secs(20);
/// The most addresses remembered; past it the memory starts again.
const REMEMBERED: usize = 10_000;

/// Who was found at each address lately.
#[derive(Default)]
pub struct Seen(Mutex<HashMap<IpAddr, (Instant, Option<Client>)>>);

impl Seen {
    fn get(&self, ip: IpAddr) -> Option<Option<Client>> {
        let map = self.0.lock();
        map.get(&ip)
            .filter(|(at, _)| at.elapsed() < REMEMBER)
            .map(|(_, c)| c.clone())
    }

    fn put(&self, ip: IpAddr, c: Option<Client>) {
        let mut map = self.0.lock();
        if map.len() >= REMEMBERED {
            map.clear();
        }
        map.insert(ip, (Instant::now(), c));
    }
}

/// The client whose live PPP session has `ip` on a router in `isolate` mode. A router that
/// cannot be asked is skipped (and logged): the page then says it does not know the address.
pub async fn identify(app: &App, ip: IpAddr) -> Result<Option<Client>, AppError> {
    if let Some(known) = app.notice_seen.get(ip) {
        return Ok(known);
    }
    let isolating: Vec<_> = tx!(app, read, |ex| routers::list(ex))
        .await?
        .into_iter()
        .filter(|r| r.settings.suspend_mode == SuspendMode::Isolate)
        .collect();
    let mut found = None;
    for r in isolating {
        let user = match app.connections.get(&r, &app.secrets).await {
            Ok(api) => session_user(api.as_ref(), ip)
                .await
                .map_err(|e| e.summary()),
            Err(e) => Err(e.to_string()),
        };
        let name = match user {
            Ok(Some(name)) => name,
            Ok(None) => continue,
            Err(e) => {
                app.connections.drop_router(r.id);
                tracing::warn!(router_id = %r.id, error = %e, "notice page: cannot ask the router who has an address");
                continue;
            }
        };
        let rid = r.id;
        found = tx!(app, read, |ex| clients::with_secret_names(ex, &[name]))
            .await?
            .into_iter()
            .find(|c| c.router_id == Some(rid));
        if found.is_some() {
            break;
        }
    }
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

/// The notice page of the client at `ip`: what the portal's home shows, or `None` when the
/// address is nobody's (or the client's session has already been restored).
pub async fn page(app: &App, ip: IpAddr) -> Result<Option<Home>, AppError> {
    let Some(c) = identify(app, ip).await? else {
        return Ok(None);
    };
    portal::home_of(app, c.id).await.map(Some)
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
