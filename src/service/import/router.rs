//! Moving in from a live router: its `/ppp/secret` and `/ppp/profile` lists, read through the
//! provisioning clients, become our clients, plans and subscriptions (README: *From a router*).
//!
//! - A profile becomes a plan, or is linked to the plan whose `ppp_profile_name` names it. Its
//!   price comes from the operator's price list; without one the plan is created inactive at
//!   price 0 and `unpriced`: never invoiced until an operator prices it.
//! - A secret whose name is a client's `ppp_secret_name` is linked to that client (on this
//!   router, or on none yet); any other becomes a new client, named after the secret's comment
//!   when there is one, with phone number and address [`MISSING`] (unless only linking). Its
//!   password is stored sealed. A client without a subscription gets one on its profile's plan,
//!   starting today; a disabled secret's subscription is `suspended` (on the built-in `default`
//!   profile, with no plan, the client is held instead): exactly what the worker and reconcile
//!   derive a disabled secret from, so nothing on the router has to change.
//! - Each imported client and plan is marked for the router sync in the same transaction: the
//!   worker then writes our comment on the secret (and on the profile) and nothing else, since
//!   everything else already is as the router holds it. A reconcile afterwards finds no drift.
//!
//! The import itself never writes to the router.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use chrono::{NaiveDate, Utc};
use parking_lot::Mutex;
use serde::Deserialize;

use super::{ApplyBatch, BATCH, Entity, Plan, Progress, Source, apply_in_batches};
use crate::app::App;
use crate::domain::billing::period::Period;
use crate::domain::billing::plan::{Plan as Offer, PlanDraft, valid_rate_limit};
use crate::domain::billing::subscription::{Status, Subscription, SubscriptionDraft};
use crate::domain::client::{Client, ClientEvent, ClientEventKind, MISSING};
use crate::domain::ids::{ClientId, PlanId, RouterId};
use crate::domain::money::Money;
use crate::domain::router::{Router, SuspendMode};
use crate::domain::secret::{DEFAULT_PROFILE, client_of_comment};
use crate::domain::user::{Actor, Role};
use crate::domain::validation::FieldErrors;
use crate::provisioning::{connections, outbox};
use crate::service::subscriptions as subscription_service;
use crate::service::{AppError, clients as client_service, plans as plan_service, require};
use crate::storage::repo::{clients, imports, plans, routers};
use crate::storage::{Exec, StoreError};
use crate::tx;

const ADMIN_ONLY: &str = "only an admin may import from a router";

/// How an import of a router runs.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Plan only: change nothing anywhere.
    pub dry_run: bool,
    /// Only link secrets to existing clients: create no clients.
    pub only_link: bool,
    /// Prices of the router's profiles, by profile name.
    pub prices: Prices,
}

/// What one of the router's profiles costs (a `--prices` file's entry).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfilePrice {
    /// An integer or a string with at most two decimals: `150000`, `"150000.50"`.
    pub price: Money,
    /// `month` (default) or `day`.
    pub period_unit: Option<String>,
    /// Units per period (default 1).
    pub period_count: Option<i64>,
}

/// Prices by profile name.
pub type Prices = BTreeMap<String, ProfilePrice>;

/// Reads a price list: one TOML table per profile,
/// `[home-10m]` / `price = "150000.00"` / `period_unit = "month"` / `period_count = 1`.
pub fn parse_prices(text: &str) -> Result<Prices, String> {
    toml::from_str(text).map_err(|e| e.to_string())
}

/// Profiles every RouterOS has; never a plan of ours.
const BUILTIN: [&str; 2] = [DEFAULT_PROFILE, "default-encryption"];

/// Imports (or, on a dry run, plans the import of) the router's secrets and profiles.
pub async fn run(
    app: &App,
    actor: &Actor,
    router_id: RouterId,
    options: Options,
    progress: &dyn Progress,
) -> Result<Plan, AppError> {
    require(actor, Role::manages_users, ADMIN_ONLY)?;
    let router = tx!(app, read, |ex| routers::get(ex, router_id))
        .await?
        .ok_or_else(|| AppError::NotFound(format!("router {router_id}")))?;
    let api = connections::connect(&router, &app.secrets)
        .await
        .map_err(|e| AppError::Unavailable(unreachable(e)))?;
    let (secrets, profiles) = async { Ok((api.list_secrets().await?, api.list_profiles().await?)) }
        .await
        .map_err(|e: routeros::Error| AppError::Unavailable(e.summary()))?;
    let names: Vec<String> = secrets.iter().map(|s| s.name.clone()).collect();
    let here = tx!(app, read, |ex| Here::load(ex, &names)).await?;
    let started = std::time::Instant::now();
    let decided = decide(&router, &secrets, &profiles, &here, &options, app.today())?;
    if options.dry_run {
        let plan = decided.planned();
        tracing::info!(router = %router_id, changes = plan.changed(), by = %actor.username,
            "router import planned (dry run)");
        return Ok(plan);
    }
    let plan = apply(app, actor, &router, decided, progress).await?;
    app.jobs_ready.notify_one();
    tracing::info!(router = %router_id, changes = plan.changed(), by = %actor.username,
        ms = started.elapsed().as_millis() as u64, "router import applied");
    Ok(plan)
}

fn unreachable(e: connections::ConnectError) -> String {
    match e {
        connections::ConnectError::Router(e) => e.summary(),
        e => e.to_string(),
    }
}

/// What the database holds that an import of one router needs.
struct Here {
    /// Import-map keys (`{router}/{name}`) already imported, per entity.
    clients: HashMap<String, i64>,
    plans: HashMap<String, i64>,
    /// Clients whose `ppp_secret_name` is one of the router's secrets.
    by_secret: HashMap<String, Client>,
    /// Those of them with a subscription.
    subscribed: HashSet<ClientId>,
    offers: Vec<Offer>,
}

impl Here {
    async fn load(ex: &mut dyn Exec, names: &[String]) -> Result<Here, StoreError> {
        let clients_mapped = imports::mapped(ex, Source::Router, Entity::Client).await?;
        let plans_mapped = imports::mapped(ex, Source::Router, Entity::Plan).await?;
        let known = clients::with_secret_names(ex, names).await?;
        let ids: Vec<ClientId> = known.iter().map(|c| c.id).collect();
        let subscribed = clients::subscription_statuses(ex, &ids)
            .await?
            .into_iter()
            .map(|(c, _)| c)
            .collect();
        Ok(Here {
            clients: clients_mapped,
            plans: plans_mapped,
            by_secret: known
                .into_iter()
                .map(|c| (c.ppp_secret_name.clone(), c))
                .collect(),
            subscribed,
            offers: plans::list(ex).await?,
        })
    }
}

/// The import-map key of a secret or profile of `router`.
fn key(router: RouterId, name: &str) -> String {
    format!("{router}/{name}")
}

/// A profile to turn into a plan, or to link to one.
#[derive(Debug, Clone)]
enum PlanWork {
    Create {
        key: String,
        source: String,
        plan: Offer,
        unpriced: bool,
        note: String,
    },
    Link {
        key: String,
        source: String,
        id: PlanId,
        why: String,
    },
}

/// What becomes of the client a secret belongs to.
#[derive(Debug, Clone)]
enum ClientWork {
    New(Client),
    Link(Client, String),
}

/// One secret to import.
#[derive(Debug, Clone)]
struct SecretWork {
    key: String,
    source: String,
    password: String,
    client: ClientWork,
    /// The subscription to create: its plan's profile and status.
    subscription: Option<(String, Status)>,
    /// Cut off without a plan (the built-in profile, or the isolation profile): held.
    held: bool,
    /// Anything an operator should know (kept in the client's step).
    note: Option<String>,
}

/// The import decided: the steps that need nothing done (unchanged, skipped) and the work.
struct Decided {
    plan: Plan,
    plans: Vec<PlanWork>,
    secrets: Vec<SecretWork>,
    today: NaiveDate,
}

impl Decided {
    /// The dry run's plan: every step, with no new ids.
    fn planned(self) -> Plan {
        let mut plan = self.plan;
        plan.dry_run = true;
        for w in &self.plans {
            plan_step(&mut plan, w, None);
        }
        for w in &self.secrets {
            secret_steps(&mut plan, w, None, None);
        }
        plan
    }
}

fn plan_step(plan: &mut Plan, w: &PlanWork, id: Option<PlanId>) {
    match w {
        PlanWork::Create { source, note, .. } => {
            plan.create_noted(Entity::Plan, source.clone(), id.map(|p| p.0), note.clone())
        }
        PlanWork::Link {
            source, id, why, ..
        } => plan.link(Entity::Plan, source.clone(), id.0, why.clone()),
    }
}

fn secret_steps(
    plan: &mut Plan,
    w: &SecretWork,
    client: Option<ClientId>,
    subscription: Option<i64>,
) {
    match &w.client {
        ClientWork::New(_) => {
            let mut note = String::from("phone_number and address missing: fill them in");
            if let Some(n) = &w.note {
                note = format!("{note}; {n}");
            }
            plan.create_noted(Entity::Client, w.source.clone(), client.map(|c| c.0), note)
        }
        ClientWork::Link(c, why) => {
            let why = match &w.note {
                Some(n) => format!("{why}; {n}"),
                None => why.clone(),
            };
            plan.link(Entity::Client, w.source.clone(), c.id.0, why)
        }
    }
    if let Some((profile, status)) = &w.subscription {
        plan.create_noted(
            Entity::Subscription,
            w.source.clone(),
            subscription,
            format!("{status} on the plan of profile {profile}"),
        );
    }
}

/// The plan a new profile becomes: named after it (prefixed when shorter than a plan name may
/// be, suffixed with the router's name when another plan has that name), priced from the list
/// or left unpriced and inactive.
fn new_offer(
    profile: &routeros::Profile,
    price: Option<&ProfilePrice>,
    taken: &HashSet<String>,
    router: &Router,
) -> Result<(Offer, bool), FieldErrors> {
    let mut name = if profile.name.chars().count() < 3 {
        format!("Profile {}", profile.name)
    } else {
        profile.name.clone()
    };
    if taken.contains(&name) {
        name = format!("{name} ({})", router.settings.name);
    }
    let draft = PlanDraft {
        plan_name: Some(name),
        price: Some(price.map_or(Money::ZERO, |p| p.price)),
        period_unit: price.and_then(|p| p.period_unit.clone()),
        period_count: price.and_then(|p| p.period_count),
        ppp_profile_name: Some(profile.name.clone()),
        rate_limit: Some(profile.rate_limit.clone()),
        active: Some(price.is_some()),
        ..Default::default()
    };
    Ok((Offer::validate(&draft)?, price.is_none()))
}

/// The reasons of a validation failure, in one line.
fn reasons(e: &FieldErrors) -> String {
    e.0.iter()
        .map(|(f, m)| format!("{f} {m}"))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Decides, from the router's lists and what the database holds, what the import does with
/// each profile and secret. Reads nothing and writes nothing.
fn decide(
    router: &Router,
    secrets: &[routeros::Secret],
    profiles: &[routeros::Profile],
    here: &Here,
    options: &Options,
    today: NaiveDate,
) -> Result<Decided, AppError> {
    let mut plan = Plan::new(Source::Router, false);
    let rid = router.id;
    let isolation = match router.settings.suspend_mode {
        SuspendMode::Isolate => router.settings.isolation_profile.as_deref(),
        SuspendMode::Disable => None,
    };
    let on_router: HashSet<&str> = profiles.iter().map(|p| p.name.as_str()).collect();
    let mut errors = FieldErrors::default();
    for (name, p) in &options.prices {
        if !on_router.contains(name.as_str()) {
            plan.skip(
                Entity::Plan,
                format!("prices {name}"),
                "priced, but the router has no profile of that name",
            );
        }
        let period = PlanDraft {
            period_unit: p.period_unit.clone(),
            period_count: p.period_count,
            price: Some(p.price),
            ..Default::default()
        };
        let mut check = Offer::validate(&PlanDraft {
            plan_name: Some("check".into()),
            ppp_profile_name: Some("check".into()),
            ..period
        })
        .err()
        .unwrap_or_default();
        for (field, message) in std::mem::take(&mut check.0) {
            errors.add(&format!("prices.{name}.{field}"), message);
        }
    }
    errors.into_result(())?;
    // The profile each plan of ours gives its clients; profiles this import creates join it.
    let mut by_profile: HashMap<String, Period> = HashMap::new();
    let mut profile_plan: HashMap<&str, PlanId> = HashMap::new();
    for o in &here.offers {
        by_profile.insert(o.ppp_profile.clone(), o.period);
        profile_plan.insert(o.ppp_profile.as_str(), o.id);
    }
    let mut names: HashSet<String> = here.offers.iter().map(|o| o.name.clone()).collect();
    let mut works = Vec::new();
    let mut sorted: Vec<&routeros::Profile> = profiles.iter().collect();
    sorted.sort_by(|a, b| a.name.cmp(&b.name));
    for p in sorted {
        let source = format!("/ppp/profile {}", p.name);
        let k = key(rid, &p.name);
        if BUILTIN.contains(&p.name.as_str()) {
            plan.skip(Entity::Plan, source, "a built-in profile: no plan");
            continue;
        }
        if Some(p.name.as_str()) == isolation {
            plan.skip(
                Entity::Plan,
                source,
                "the router's isolation profile: cut-off clients, no plan",
            );
            continue;
        }
        if let Some(id) = here.plans.get(&k) {
            plan.unchanged(Entity::Plan, source, *id);
            continue;
        }
        if let Some(id) = profile_plan.get(p.name.as_str()) {
            let o = here.offers.iter().find(|o| o.id == *id);
            let mut why = format!("plan {id} has ppp_profile_name {}", p.name);
            if let Some(o) = o
                && o.rate_limit.as_deref().unwrap_or("") != p.rate_limit.as_deref().unwrap_or("")
            {
                why.push_str(&format!(
                    "; the router's rate limit {} becomes the plan's {}",
                    p.rate_limit.as_deref().unwrap_or("(none)"),
                    o.rate_limit.as_deref().unwrap_or("(none)")
                ));
            }
            works.push(PlanWork::Link {
                key: k,
                source,
                id: *id,
                why,
            });
            continue;
        }
        if p.rate_limit
            .as_deref()
            .is_some_and(|r| !valid_rate_limit(r))
        {
            plan.skip(
                Entity::Plan,
                source,
                format!(
                    "rate limit '{}' is not one we can manage: set it on a plan by hand",
                    p.rate_limit.as_deref().unwrap_or("")
                ),
            );
            continue;
        }
        match new_offer(p, options.prices.get(&p.name), &names, router) {
            Ok((offer, unpriced)) => {
                let note = if unpriced {
                    "no price given: inactive and not invoiced until priced".to_owned()
                } else {
                    format!(
                        "priced {} per {} {}",
                        offer.price, offer.period.count, offer.period.unit
                    )
                };
                names.insert(offer.name.clone());
                by_profile.insert(offer.ppp_profile.clone(), offer.period);
                works.push(PlanWork::Create {
                    key: k,
                    source,
                    plan: offer,
                    unpriced,
                    note,
                });
            }
            Err(e) => plan.skip(Entity::Plan, source, reasons(&e)),
        }
    }
    let mut secret_works = Vec::new();
    let mut sorted: Vec<&routeros::Secret> = secrets.iter().collect();
    sorted.sort_by(|a, b| a.name.cmp(&b.name));
    for s in sorted {
        let source = format!("/ppp/secret {}", s.name);
        let k = key(rid, &s.name);
        if let Some(id) = here.clients.get(&k) {
            plan.unchanged(Entity::Client, source, *id);
            continue;
        }
        let known = here.by_secret.get(&s.name);
        if let Some(c) = known
            && c.router_id == Some(rid)
            && s.comment.as_deref().and_then(client_of_comment) == Some(c.id)
        {
            // Made here and provisioned by us: nothing to import.
            plan.unchanged(Entity::Client, source, c.id.0);
            continue;
        }
        let Some(password) = s.password.clone() else {
            plan.skip(
                Entity::Client,
                source,
                "the router did not show its password: give the API user the sensitive policy",
            );
            continue;
        };
        if let Some(service) = s.service.as_deref()
            && !matches!(service, "any" | "pppoe")
        {
            plan.skip(
                Entity::Client,
                source,
                format!("service {service}: only PPPoE secrets are managed here"),
            );
            continue;
        }
        let profile = s.profile.as_deref().unwrap_or(DEFAULT_PROFILE);
        // What the secret's profile and state become here.
        let (mut subscription, mut held, mut note) = (None, false, None);
        if Some(profile) == isolation {
            held = true;
            note = Some(
                "on the isolation profile: held (cut off) until an operator puts it on a plan"
                    .to_owned(),
            );
        } else if profile == DEFAULT_PROFILE {
            held = s.disabled;
        } else if by_profile.contains_key(profile) {
            let status = if s.disabled {
                Status::Suspended
            } else {
                Status::Active
            };
            if s.disabled && isolation.is_some() {
                note = Some(
                    "disabled: suspended, which this router's isolate mode turns into its isolation profile"
                        .to_owned(),
                );
            }
            subscription = Some((profile.to_owned(), status));
        } else {
            plan.skip(
                Entity::Client,
                source,
                format!("its profile {profile} is not one we can make a plan of"),
            );
            continue;
        }
        let client = match known {
            Some(c) if c.router_id.is_some_and(|r| r != rid) => {
                plan.skip(
                    Entity::Client,
                    source,
                    format!(
                        "client {} has this ppp_secret_name on router {}",
                        c.id,
                        c.router_id.map_or(0, |r| r.0)
                    ),
                );
                continue;
            }
            Some(c) => {
                if here.subscribed.contains(&c.id) {
                    // Their subscriptions decide, as before; the router follows them.
                    subscription = None;
                    held = false;
                }
                ClientWork::Link(
                    c.clone(),
                    format!(
                        "ppp_secret_name of client {}; password from the router",
                        c.id
                    ),
                )
            }
            None if options.only_link => {
                plan.skip(
                    Entity::Client,
                    source,
                    "no client has this ppp_secret_name (only linking)",
                );
                continue;
            }
            None => match Client::imported(s.comment.as_deref(), &s.name, rid) {
                Ok(c) => ClientWork::New(c),
                Err(e) => {
                    plan.skip(Entity::Client, source, reasons(&e));
                    continue;
                }
            },
        };
        secret_works.push(SecretWork {
            key: k,
            source,
            password,
            client,
            subscription,
            held,
            note,
        });
    }
    debug_assert!(MISSING.is_empty());
    Ok(Decided {
        plan,
        plans: works,
        secrets: secret_works,
        today,
    })
}

/// Applies the decided work: the plans in one transaction, then the secrets' clients and
/// subscriptions [`BATCH`] at a time, each batch one transaction that also records the import
/// map and marks the clients for the router sync.
async fn apply(
    app: &App,
    actor: &Actor,
    router: &Router,
    decided: Decided,
    progress: &dyn Progress,
) -> Result<Plan, AppError> {
    let Decided {
        plan,
        plans: plan_work,
        secrets: secret_work,
        today,
    } = decided;
    let done = Arc::new(Mutex::new(plan));
    let by: Arc<str> = actor.username.as_str().into();
    let apply_plans: ApplyBatch<PlanWork> = {
        let (done, by) = (done.clone(), by.clone());
        Arc::new(move |ex, items| {
            let (done, by) = (done.clone(), by.clone());
            Box::pin(async move {
                let now = Utc::now();
                let mut part = Plan::new(Source::Router, false);
                for w in items {
                    let (key, id) = match &w {
                        PlanWork::Create {
                            key,
                            plan,
                            unpriced,
                            ..
                        } => {
                            let p = plan_service::create_tx(ex, plan.clone(), &by).await?;
                            if *unpriced {
                                plans::set_unpriced(ex, p.id, true).await?;
                            }
                            (key, p.id)
                        }
                        PlanWork::Link { key, id, .. } => {
                            outbox::plan_changed(ex, *id).await?;
                            (key, *id)
                        }
                    };
                    imports::record(ex, Source::Router, Entity::Plan, key, id.0, now).await?;
                    plan_step(&mut part, &w, Some(id));
                }
                done.lock().merge(part);
                Ok(())
            })
        })
    };
    apply_in_batches(app, "plans", plan_work, BATCH, progress, apply_plans).await?;
    let offers: Arc<HashMap<String, (PlanId, Period)>> = Arc::new(
        tx!(app, read, |ex| plans::list(ex))
            .await?
            .into_iter()
            .map(|o| (o.ppp_profile, (o.id, o.period)))
            .collect(),
    );
    let secrets = app.secrets.clone();
    let (rid, router_name) = (router.id, router.settings.name.clone());
    let apply_secrets: ApplyBatch<SecretWork> = {
        let (done, by) = (done.clone(), by.clone());
        Arc::new(move |ex, items| {
            let (done, by, offers, secrets) =
                (done.clone(), by.clone(), offers.clone(), secrets.clone());
            let router_name = router_name.clone();
            Box::pin(async move {
                let now = Utc::now();
                let mut part = Plan::new(Source::Router, false);
                let mut marked = Vec::with_capacity(items.len());
                for w in items {
                    let sealed = secrets.seal(&w.password);
                    let id = match &w.client {
                        ClientWork::New(c) => {
                            client_service::create_tx(ex, c.clone(), &sealed).await?.id
                        }
                        ClientWork::Link(c, _) => {
                            let mut c = c.clone();
                            c.router_id = Some(rid);
                            clients::update(ex, &c, Some(&sealed), now).await?;
                            c.id
                        }
                    };
                    marked.push(id);
                    imports::record(ex, Source::Router, Entity::Client, &w.key, id.0, now).await?;
                    if w.held {
                        clients::set_held(ex, id, true).await?;
                        let event = ClientEvent {
                            client_id: id,
                            kind: ClientEventKind::ConnectionDisabled,
                            actor: by.to_string(),
                            reason: Some(format!("disabled on router {router_name} when imported")),
                            router_job_id: None,
                            at: now,
                        };
                        clients::record_event(ex, &event).await?;
                    }
                    let mut subscription = None;
                    if let Some((profile, status)) = &w.subscription {
                        let (plan_id, period) = *offers.get(profile).ok_or_else(|| {
                            AppError::Internal(format!("no plan for profile {profile}"))
                        })?;
                        let draft = SubscriptionDraft {
                            client_id: Some(id),
                            plan_id: Some(plan_id),
                            start_date: Some(today),
                            status: Some(status.as_str().to_owned()),
                            ..Default::default()
                        };
                        let s = Subscription::validate(&draft, period)?;
                        let s = subscription_service::insert_tx(ex, s, &by).await?;
                        imports::record(
                            ex,
                            Source::Router,
                            Entity::Subscription,
                            &w.key,
                            s.id.0,
                            now,
                        )
                        .await?;
                        subscription = Some(s.id.0);
                    }
                    secret_steps(&mut part, &w, Some(id), subscription);
                }
                // Our comment goes on each secret through the worker.
                outbox::clients_changed(ex, &marked).await?;
                done.lock().merge(part);
                Ok(())
            })
        })
    };
    apply_in_batches(app, "secrets", secret_work, BATCH, progress, apply_secrets).await?;
    let plan = done.lock().clone();
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::router::{RouterSettings, Transport};
    use crate::domain::validation::Sealed;

    fn router(mode: SuspendMode, isolation: Option<&str>) -> Router {
        Router {
            id: RouterId(7),
            settings: RouterSettings {
                name: "core-1".into(),
                host: "10.0.0.1".into(),
                port: 8728,
                transport: Transport::Api,
                username: "admin".into(),
                tls_fingerprint: None,
                suspend_mode: mode,
                isolation_profile: isolation.map(str::to_owned),
                is_default: true,
            },
            password: Sealed(String::new()),
        }
    }

    fn secret(
        name: &str,
        profile: &str,
        disabled: bool,
        comment: Option<&str>,
    ) -> routeros::Secret {
        routeros::Secret {
            profile: Some(profile.into()),
            disabled,
            comment: comment.map(str::to_owned),
            service: Some("any".into()),
            ..routeros::Secret::new(name.to_owned(), "pw-123456".to_owned())
        }
    }

    fn profile(name: &str, rate: Option<&str>) -> routeros::Profile {
        routeros::Profile {
            id: None,
            name: name.into(),
            rate_limit: rate.map(str::to_owned),
            address_list: None,
            local_address: None,
            remote_address: None,
            comment: None,
        }
    }

    fn empty() -> Here {
        Here {
            clients: HashMap::new(),
            plans: HashMap::new(),
            by_secret: HashMap::new(),
            subscribed: HashSet::new(),
            offers: Vec::new(),
        }
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()
    }

    #[test]
    fn profiles_become_plans_priced_or_not_and_secrets_follow_their_state() {
        let r = router(SuspendMode::Disable, None);
        let profiles = [
            profile("default", None),
            profile("home-10m", Some("10M/10M")),
            profile("biz", Some("fast")),
            profile("p5", None),
        ];
        let secrets = [
            secret("alice", "home-10m", false, Some("Alice Wonder")),
            secret("bob", "home-10m", true, None),
            secret("carol", "default", true, None),
            secret("dave", "biz", false, None),
            secret("bad name", "home-10m", false, None),
            secret("erin", "p5", false, Some("mikronet:client:99")),
        ];
        let mut options = Options::default();
        options.prices.insert(
            "home-10m".into(),
            ProfilePrice {
                price: Money::parse("150000.50").unwrap(),
                period_unit: None,
                period_count: None,
            },
        );
        let d = decide(&r, &secrets, &profiles, &empty(), &options, today()).unwrap();
        let created: Vec<(&str, bool, bool)> = d
            .plans
            .iter()
            .map(|w| match w {
                PlanWork::Create { plan, unpriced, .. } => {
                    (plan.name.as_str(), plan.active, *unpriced)
                }
                PlanWork::Link { .. } => ("link", false, false),
            })
            .collect();
        assert_eq!(
            created,
            [("home-10m", true, false), ("Profile p5", false, true)]
        );
        let by: HashMap<&str, &SecretWork> = d
            .secrets
            .iter()
            .map(|w| (w.source.trim_start_matches("/ppp/secret "), w))
            .collect();
        assert_eq!(
            by["alice"].subscription,
            Some(("home-10m".into(), Status::Active))
        );
        let ClientWork::New(alice) = &by["alice"].client else {
            panic!()
        };
        assert_eq!(alice.name, "Alice Wonder");
        assert_eq!(
            by["bob"].subscription,
            Some(("home-10m".into(), Status::Suspended))
        );
        assert!(by["carol"].held && by["carol"].subscription.is_none());
        let ClientWork::New(erin) = &by["erin"].client else {
            panic!()
        };
        assert_eq!(erin.name, "erin", "our own comment is not a name");
        let skipped: Vec<&str> = d.plan.skipped().map(|s| s.source.as_str()).collect();
        assert_eq!(
            skipped,
            [
                "/ppp/profile biz",
                "/ppp/profile default",
                "/ppp/secret bad name",
                "/ppp/secret dave"
            ]
        );
        let plan = d.planned();
        assert!(plan.dry_run);
        assert_eq!(plan.rows(Entity::Client, super::super::Action::Create), 4);
        assert_eq!(
            plan.rows(Entity::Subscription, super::super::Action::Create),
            3
        );
    }

    #[test]
    fn links_known_clients_and_plans_and_respects_only_link() {
        let r = router(SuspendMode::Disable, None);
        let mut here = empty();
        here.offers.push(Offer {
            id: PlanId(3),
            name: "Home".into(),
            price: Money::from_minor(100),
            period: Period::MONTHLY,
            ppp_profile: "home".into(),
            rate_limit: Some("5M/5M".into()),
            active: true,
            terms: Default::default(),
            throttle_profile: None,
            reminders: None,
        });
        here.by_secret.insert(
            "alice".into(),
            Client {
                id: ClientId(4),
                name: "Alice".into(),
                phone_number: "08123456789".into(),
                address: "Jl. Merdeka".into(),
                ppp_secret_name: "alice".into(),
                router_id: None,
            },
        );
        here.clients.insert("7/zed".into(), 9);
        let secrets = [
            secret("alice", "home", false, None),
            secret("bob", "home", false, None),
            secret("zed", "home", false, None),
        ];
        let options = Options {
            only_link: true,
            ..Default::default()
        };
        let d = decide(
            &r,
            &secrets,
            &[profile("home", Some("10M/10M"))],
            &here,
            &options,
            today(),
        )
        .unwrap();
        let PlanWork::Link { id, why, .. } = &d.plans[0] else {
            panic!()
        };
        assert_eq!(*id, PlanId(3));
        assert!(why.contains("10M/10M becomes the plan's 5M/5M"), "{why}");
        assert_eq!(d.secrets.len(), 1);
        assert!(matches!(&d.secrets[0].client, ClientWork::Link(c, _) if c.id == ClientId(4)));
        let plan = d.planned();
        assert_eq!(
            plan.rows(Entity::Client, super::super::Action::Unchanged),
            1
        );
        assert_eq!(plan.skipped().count(), 1);
        // A bad price names its field.
        let mut options = Options::default();
        options.prices.insert(
            "home".into(),
            ProfilePrice {
                price: Money::from_minor(-1),
                period_unit: Some("week".into()),
                period_count: None,
            },
        );
        let Err(AppError::Validation(e)) = decide(
            &r,
            &secrets,
            &[profile("home", None)],
            &here,
            &options,
            today(),
        ) else {
            panic!()
        };
        assert!(e.0.contains_key("prices.home.price"), "{e:?}");
        assert!(e.0.contains_key("prices.home.period_unit"), "{e:?}");
    }

    #[test]
    fn an_isolating_router_cuts_off_by_profile() {
        let r = router(SuspendMode::Isolate, Some("isolir"));
        let profiles = [profile("isolir", None), profile("home", Some("5M/5M"))];
        let secrets = [
            secret("cut", "isolir", false, None),
            secret("off", "home", true, None),
        ];
        let d = decide(
            &r,
            &secrets,
            &profiles,
            &empty(),
            &Options::default(),
            today(),
        )
        .unwrap();
        assert_eq!(d.plans.len(), 1, "the isolation profile is no plan");
        let cut = &d.secrets[0];
        assert!(cut.held && cut.subscription.is_none());
        let off = &d.secrets[1];
        assert_eq!(off.subscription, Some(("home".into(), Status::Suspended)));
        assert!(off.note.as_deref().unwrap().contains("isolation profile"));
        let skipped: Vec<&str> = d.plan.skipped().map(|s| s.source.as_str()).collect();
        assert_eq!(skipped, ["/ppp/profile isolir"]);
    }

    #[test]
    fn price_lists_read_as_toml() {
        let p = parse_prices(
            "[home-10m]\nprice = \"150000.50\"\n[biz]\nprice = 300000\nperiod_unit = \"day\"\nperiod_count = 30\n",
        )
        .unwrap();
        assert_eq!(p["home-10m"].price.minor(), 15_000_050);
        assert_eq!(p["biz"].period_count, Some(30));
        assert!(parse_prices("[x]\nprice = 1.5\n").is_err());
        assert!(parse_prices("[x]\ncost = 1\n").is_err());
    }
}
