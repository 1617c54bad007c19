//! What a change means for the routers. Each function runs inside the caller's transaction, so
//! a change and its mark on the router sync are committed together or not at all; the marks
//! carry no snapshot: the worker reads what the database says when it applies them
//! ([`desired_secrets`], [`plan_profiles`]).

use std::collections::HashMap;

use chrono::Utc;

use crate::domain::billing::collection::OverdueAction;
use crate::domain::billing::plan::Plan;
use crate::domain::billing::subscription::Status;
use crate::domain::ids::{ClientId, PlanId, RouterId};
use crate::domain::router::Router;
use crate::domain::secret::{
    Deciding, DesiredSecret, ProfileState, SyncKind, secret_kept, secret_state,
};
use crate::domain::validation::Sealed;
use crate::storage::repo::{plans, sync};
use crate::storage::{Exec, StoreError, Value};

/// The client's secret must follow the database on the router the client is on.
pub async fn client_changed(ex: &mut dyn Exec, client: ClientId) -> Result<(), StoreError> {
    sync::bump_clients(ex, &[client], Utc::now()).await
}

/// Many clients changed at once (a billing run).
pub async fn clients_changed(ex: &mut dyn Exec, clients: &[ClientId]) -> Result<(), StoreError> {
    sync::bump_clients(ex, clients, Utc::now()).await
}

/// The client is no longer on `router` (deleted, or moved away): its secret goes there.
pub async fn client_left(
    ex: &mut dyn Exec,
    client: ClientId,
    router: RouterId,
) -> Result<(), StoreError> {
    sync::bump(ex, router, SyncKind::Secret, client.0, Utc::now()).await
}

/// A plan's profile must follow the database on every router.
pub async fn plan_changed(ex: &mut dyn Exec, plan: PlanId) -> Result<(), StoreError> {
    sync::bump_plan(ex, plan, Utc::now()).await
}

/// A new router gets every plan's profile.
pub async fn router_added(ex: &mut dyn Exec, router: RouterId) -> Result<(), StoreError> {
    sync::bump_all_plans(ex, router, Utc::now()).await
}

/// One client's facts that decide its secret.
#[derive(Debug, Clone)]
struct ClientFacts {
    id: ClientId,
    router_id: Option<RouterId>,
    name: String,
    password: Sealed,
    held: bool,
    overdue_action: Option<OverdueAction>,
}
crate::record!(ClientFacts {
    id,
    router_id,
    name = "ppp_secret_name",
    password = "ppp_password_enc",
    held,
    overdue_action
});

/// What the database says each client's secret should be on `router` now: present with its
/// state when the client is on that router, absent otherwise (deleted, moved away, or expired
/// with `remove_expired`).
pub async fn desired_secrets(
    ex: &mut dyn Exec,
    router: &Router,
    clients: &[ClientId],
    remove_expired: bool,
) -> Result<HashMap<ClientId, DesiredSecret>, StoreError> {
    let mut out: HashMap<ClientId, DesiredSecret> = clients
        .iter()
        .map(|c| (*c, DesiredSecret::Absent))
        .collect();
    for chunk in clients.chunks(500) {
        let marks = vec!["?"; chunk.len()].join(", ");
        let args: Vec<Value> = chunk.iter().map(|c| Value::from(*c)).collect();
        let facts: Vec<ClientFacts> = ex
            .all(
                &format!(
                    "SELECT id, router_id, ppp_secret_name, ppp_password_enc, held, overdue_action \
                     FROM clients \
                     WHERE id IN ({marks})"
                ),
                &args,
            )
            .await?;
        // The subscription that decides: an active one, else the latest other.
        type Sub = (
            ClientId,
            Status,
            String,
            Option<OverdueAction>,
            Option<String>,
        );
        let subs: Vec<Sub> = ex
            .all(
                &format!(
                    "SELECT s.client_id, s.status, p.ppp_profile, p.overdue_action, \
                     p.throttle_profile FROM subscriptions s \
                     JOIN plans p ON p.id = s.plan_id WHERE s.client_id IN ({marks}) \
                     ORDER BY s.client_id, CASE s.status WHEN 'active' THEN 0 ELSE 1 END, s.id DESC"
                ),
                &args,
            )
            .await?;
        let mut deciding: HashMap<ClientId, Sub> = HashMap::new();
        for sub in subs {
            deciding.entry(sub.0).or_insert(sub);
        }
        for f in facts.into_iter().filter(|f| f.router_id == Some(router.id)) {
            if f.password.0.is_empty() {
                // No password yet (an imported client: only the router knows it, and a
                // router import fills it in): nothing is pushed, and nothing is removed.
                out.remove(&f.id);
                continue;
            }
            let sub = deciding.get(&f.id);
            if !secret_kept(f.held, sub.map(|s| s.1), remove_expired) {
                continue;
            }
            let state = secret_state(
                f.held,
                sub.map(|(_, status, profile, plan_action, throttle)| Deciding {
                    status: *status,
                    profile,
                    throttle: throttle.as_deref().filter(|_| {
                        f.overdue_action.or(*plan_action) == Some(OverdueAction::Throttle)
                    }),
                }),
                router.settings.suspend_mode,
                router.settings.isolation_profile.as_deref(),
            );
            out.insert(
                f.id,
                DesiredSecret::Present {
                    name: f.name,
                    password: f.password,
                    state,
                },
            );
        }
    }
    Ok(out)
}

/// Every plan's profile as the routers should hold it, by plan.
pub async fn plan_profiles(ex: &mut dyn Exec) -> Result<HashMap<PlanId, ProfileState>, StoreError> {
    Ok(plans::list(ex)
        .await?
        .into_iter()
        .map(|p: Plan| {
            (
                p.id,
                ProfileState {
                    plan_id: p.id,
                    name: p.ppp_profile,
                    rate_limit: p.rate_limit,
                },
            )
        })
        .collect())
}
