//! The provisioning worker. A round leases the marked objects that are due, reads what the
//! database says each should be *now*, and makes the router hold exactly that: profiles
//! first (a secret's profile that the router lacks is created from its plan before the
//! secret), then secrets, over one pipelined connection per router.
//!
//! Failures: a router that cannot be reached (refused, timeout, TLS, lost connection) keeps
//! its objects pending, counts nothing against them and is retried with backoff; a router that
//! answers with an error counts a refusal against that object, retried with backoff, and after
//! [`MAX_REFUSALS`] the object is `failed` with the router's message until something changes it
//! or an operator retries it. Leases are short and renewed while the worker is alive, so the
//! objects of a crashed process are served again within one lease.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use futures_util::StreamExt;
use routeros::{ProfileSpec, Secret, SecretUpdate};

use super::Context;
use super::connections::{ConnectError, Router as Api};
use crate::domain::audit::{AuditAction, AuditEntity, NewAudit};
use crate::domain::ids::{ClientId, JobId, PlanId, RouterId};
use crate::domain::router::{Router, parse_uptime};
use crate::domain::secret::{
    DEFAULT_PROFILE, DesiredSecret, MAX_REFUSALS, ProfileState, SyncKind, backoff, comment_for,
    profile_comment, reconnect_backoff,
};
use crate::security::secret_box::SecretBox;
use crate::storage::StoreError;
use crate::storage::repo::sync::{self, Leased};
use crate::storage::repo::{audit, routers};

/// Objects leased per round.
const BATCH: i64 = 5000;
/// Objects in flight per router connection.
const IN_FLIGHT: usize = 256;

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct RoundStats {
    pub leased: usize,
    pub applied: usize,
    /// Refused by the router and to be tried again.
    pub retried: usize,
    /// Refused too often: failed.
    pub failed: usize,
    /// Left pending because the router could not be reached.
    pub unreachable: usize,
}

impl std::ops::AddAssign for RoundStats {
    fn add_assign(&mut self, o: RoundStats) {
        self.leased += o.leased;
        self.applied += o.applied;
        self.retried += o.retried;
        self.failed += o.failed;
        self.unreachable += o.unreachable;
    }
}

/// Why one object was not applied.
#[derive(Debug)]
enum JobError {
    /// The router could not be reached: it will be, later.
    Unreachable(String),
    /// The router answered with an error.
    Refused(String),
}

impl From<routeros::Error> for JobError {
    fn from(e: routeros::Error) -> Self {
        if e.is_unreachable() {
            JobError::Unreachable(e.summary())
        } else {
            JobError::Refused(e.summary())
        }
    }
}

/// The well-known profiles every router has.
fn builtin(profile: &str) -> bool {
    profile == DEFAULT_PROFILE || profile == "default-encryption"
}

/// Above this many secrets in a round, the router's secrets and sessions are read in one
/// listing each instead of one lookup per client.
const BULK: usize = 32;

/// What the router holds of the secrets a round touches, read once at the start of the round
/// (the router's state now, like the database's): our secrets by comment, every secret by
/// name, live sessions by name.
#[derive(Default)]
struct Seen {
    by_comment: HashMap<String, Vec<Secret>>,
    by_name: HashMap<String, Secret>,
    /// `None`: sessions were not listed; ask per name.
    sessions: Option<HashMap<String, Vec<String>>>,
}

impl Seen {
    fn add(&mut self, s: Secret) {
        if let Some(c) = &s.comment {
            self.by_comment
                .entry(c.clone())
                .or_default()
                .push(s.clone());
        }
        self.by_name.insert(s.name.clone(), s);
    }

    /// Reads what the round needs: everything in two listings for a large round, or a lookup
    /// by comment and by name per client for a small one.
    async fn read(api: &Api, wanted: &[(ClientId, &DesiredSecret)]) -> Result<Seen, JobError> {
        let mut seen = Seen::default();
        if wanted.len() >= BULK {
            for s in api.list_secrets().await? {
                seen.add(s);
            }
            let mut sessions: HashMap<String, Vec<String>> = HashMap::new();
            for a in api.active_sessions(None).await? {
                sessions.entry(a.name).or_default().push(a.id);
            }
            seen.sessions = Some(sessions);
            return Ok(seen);
        }
        let lookups = wanted.iter().map(|(client, desired)| async move {
            let mut found = api.find_secret_by_comment(&comment_for(*client)).await?;
            if let DesiredSecret::Present { name, .. } = desired
                && !found.iter().any(|s| s.name == *name)
                && let Some(s) = api.find_secret(name).await?
            {
                found.push(s);
            }
            Ok::<_, JobError>(found)
        });
        for found in futures_util::future::try_join_all(lookups).await? {
            for s in found {
                seen.add(s);
            }
        }
        Ok(seen)
    }

    /// Ends every live session of `name`; one that ended meanwhile is fine.
    async fn kick(&self, api: &Api, name: &str, sent: &mut Sent) -> Result<(), JobError> {
        let ids = match &self.sessions {
            Some(all) => all.get(name).cloned().unwrap_or_default(),
            None => api
                .active_sessions(Some(name))
                .await?
                .into_iter()
                .map(|a| a.id)
                .collect(),
        };
        for id in ids {
            sent.push("/ppp/active/remove");
            if let Err(e) = api.remove_active(&id).await
                && !e.is_no_such_item()
            {
                return Err(e.into());
            }
        }
        Ok(())
    }

    async fn remove(&self, api: &Api, s: &Secret, sent: &mut Sent) -> Result<(), JobError> {
        if let Some(id) = &s.id {
            sent.push("/ppp/secret/remove");
            if let Err(e) = api.remove_secret(id).await
                && !e.is_no_such_item()
            {
                return Err(e.into());
            }
        }
        self.kick(api, &s.name, sent).await
    }
}

/// Makes the client's secret on this router what the database says: there with its state, or
/// gone. Our secrets are found by our comment, so a renamed client's old secret is removed
/// before the new one is written (never both alive), and nothing is written when the router
/// already holds the desired state.
async fn apply_secret(
    api: &Api,
    seen: &Seen,
    client: ClientId,
    desired: &DesiredSecret,
    secrets: &SecretBox,
    sent: &mut Sent,
) -> Result<(), JobError> {
    let comment = comment_for(client);
    let ours = seen.by_comment.get(&comment).map_or(&[][..], Vec::as_slice);
    let DesiredSecret::Present {
        name,
        password,
        state,
    } = desired
    else {
        for s in ours {
            seen.remove(api, s, sent).await?;
        }
        return Ok(());
    };
    let password = secrets
        .open(password)
        .map_err(|_| JobError::Refused("the client's stored password cannot be opened".into()))?;
    for old in ours.iter().filter(|s| s.name != *name) {
        seen.remove(api, old, sent).await?;
    }
    let profile_changed;
    match seen.by_name.get(name) {
        Some(s) => {
            let now_profile = s.profile.as_deref().unwrap_or(DEFAULT_PROFILE);
            profile_changed = now_profile != state.profile;
            // A secret for any service serves PPPoE too: one found on the router (an
            // imported one) keeps it, so taking it over changes no more than the comment.
            let service = match s.service.as_deref() {
                Some("any") => "any",
                _ => "pppoe",
            };
            let wanted = (
                Some(password.as_str()),
                Some(service),
                state.profile.as_str(),
                state.disabled,
                Some(comment.as_str()),
            );
            let held = (
                s.password.as_deref(),
                s.service.as_deref(),
                now_profile,
                s.disabled,
                s.comment.as_deref(),
            );
            if wanted != held {
                let id =
                    s.id.clone()
                        .ok_or_else(|| JobError::Refused("secret printed without .id".into()))?;
                let update = SecretUpdate {
                    name: Some(name.clone()),
                    password: Some(password.clone()),
                    service: Some(service.into()),
                    profile: Some(state.profile.clone()),
                    disabled: Some(state.disabled),
                    comment: Some(comment.clone()),
                    ..Default::default()
                };
                sent.push("/ppp/secret/set");
                api.set_secret(&id, &update).await?;
            }
        }
        None => {
            profile_changed = false;
            let secret = Secret {
                service: Some("pppoe".into()),
                profile: Some(state.profile.clone()),
                disabled: state.disabled,
                comment: Some(comment),
                ..Secret::new(name.clone(), password)
            };
            sent.push("/ppp/secret/add");
            api.add_secret(&secret).await?;
        }
    }
    // A cut-off takes effect now, not at the next login; so does a new profile.
    if state.disabled || profile_changed {
        seen.kick(api, name, sent).await?;
    }
    Ok(())
}

fn spec(p: &ProfileState) -> ProfileSpec {
    ProfileSpec::new(p.name.clone())
        .rate_limit(p.rate_limit.clone().unwrap_or_default())
        .comment(profile_comment(p.plan_id))
}

/// What one router round has to do.
struct RouterWork {
    router: Router,
    objects: Vec<Leased>,
    secrets: HashMap<ClientId, DesiredSecret>,
    profiles: HashMap<PlanId, ProfileState>,
}

/// Loads, in one read after the lease, what the database says every leased object should be.
async fn load(
    app: &impl Context,
    router_id: RouterId,
    objects: Vec<Leased>,
) -> Result<Option<RouterWork>, StoreError> {
    let clients: Vec<ClientId> = objects
        .iter()
        .filter(|o| o.kind == SyncKind::Secret)
        .map(|o| ClientId(o.object_id))
        .collect();
    let remove_expired = app.sync_settings().remove_expired;
    app.db()
        .read(move |ex| {
            Box::pin(async move {
                let Some(router) = routers::get(ex, router_id).await? else {
                    return Ok(None);
                };
                let secrets =
                    super::outbox::desired_secrets(ex, &router, &clients, remove_expired).await?;
                let profiles = super::outbox::plan_profiles(ex).await?;
                Ok(Some(RouterWork {
                    router,
                    objects,
                    secrets,
                    profiles,
                }))
            })
        })
        .await
}

/// The commands sent to a router for one object, in order (for the audit trail).
type Sent = Vec<&'static str>;

/// The outcome of one object: what was sent, and how it ended.
type Outcome = (Leased, Sent, Result<(), JobError>);

/// Every object of a round that a failure before any of them was tried stops: unreachable
/// stays unreachable, a refusal is each object's (with `context` before the router's words).
fn fail_all(objects: Vec<Leased>, e: &JobError, context: &str) -> Vec<Outcome> {
    objects
        .into_iter()
        .map(|o| {
            let err = match e {
                JobError::Unreachable(t) => JobError::Unreachable(t.clone()),
                JobError::Refused(t) => JobError::Refused(format!("{context}{t}")),
            };
            (o, Sent::new(), Err(err))
        })
        .collect()
}

/// Applies one router's objects: profiles first, then the profiles secrets need that the
/// router lacks, then the secrets.
async fn apply_router(app: &impl Context, work: RouterWork) -> (Vec<Outcome>, Vec<NewAudit>) {
    let RouterWork {
        router,
        objects,
        secrets,
        profiles,
    } = work;
    let api = match app.connections().get(&router, app.secrets()).await {
        Ok(api) => api,
        Err(e) => {
            let text = match &e {
                ConnectError::Router(e) => e.summary(),
                e @ ConnectError::Sealed => e.to_string(),
            };
            // Whatever kept us out (down, wrong password, not a RouterOS), it is the router's
            // state, not any object's: all stay pending, counted against none.
            return (
                fail_all(objects, &JobError::Unreachable(text), ""),
                Vec::new(),
            );
        }
    };
    let (profile_objects, secret_objects): (Vec<Leased>, Vec<Leased>) = objects
        .into_iter()
        .partition(|o| o.kind == SyncKind::Profile);
    let mut outcomes = Vec::new();
    for o in profile_objects {
        let mut sent = Sent::new();
        let result = match profiles.get(&PlanId(o.object_id)) {
            Some(p) => {
                sent.push("/ppp/profile/add-or-set");
                api.upsert_profile(&spec(p))
                    .await
                    .map(drop)
                    .map_err(JobError::from)
            }
            // A deleted plan's profile stays: secrets may still name it.
            None => Ok(()),
        };
        outcomes.push((o, sent, result));
    }
    let mut created = Vec::new();
    if !secret_objects.is_empty()
        && let Err(e) = ensure_profiles(&api, &router, &secrets, &profiles, &mut created).await
    {
        outcomes.extend(fail_all(
            secret_objects,
            &e,
            "a profile it needs could not be created: ",
        ));
        return (outcomes, created);
    }
    let wanted: Vec<(ClientId, &DesiredSecret)> = secret_objects
        .iter()
        .filter_map(|o| {
            let c = ClientId(o.object_id);
            secrets.get(&c).map(|d| (c, d))
        })
        .collect();
    let seen = match Seen::read(&api, &wanted).await {
        Ok(seen) => seen,
        Err(e) => {
            outcomes.extend(fail_all(secret_objects, &e, ""));
            return (outcomes, created);
        }
    };
    let seen = &seen;
    let applied: Vec<Outcome> = futures_util::stream::iter(secret_objects)
        .map(|o| {
            let api = api.clone();
            let desired = secrets.get(&ClientId(o.object_id));
            async move {
                let mut sent = Sent::new();
                let result = match desired {
                    Some(d) => {
                        let c = ClientId(o.object_id);
                        apply_secret(&api, seen, c, d, app.secrets(), &mut sent).await
                    }
                    None => Ok(()),
                };
                (o, sent, result)
            }
        })
        .buffer_unordered(IN_FLIGHT)
        .collect()
        .await;
    outcomes.extend(applied);
    (outcomes, created)
}

/// Creates, from their plans, the profiles the desired secrets name that the router lacks
/// (and the isolation profile, putting its sessions on the isolated address list, if the
/// router's settings name one it lacks or one that lists nobody); each creation goes into
/// `audited`.
async fn ensure_profiles(
    api: &Api,
    router: &Router,
    secrets: &HashMap<ClientId, DesiredSecret>,
    profiles: &HashMap<PlanId, ProfileState>,
    audited: &mut Vec<NewAudit>,
) -> Result<(), JobError> {
    let needed: HashSet<&str> = secrets
        .values()
        .filter_map(|d| match d {
            DesiredSecret::Present { state, .. } => Some(state.profile.as_str()),
            DesiredSecret::Absent => None,
        })
        .filter(|p| !builtin(p))
        .collect();
    if needed.is_empty() {
        return Ok(());
    }
    // Each profile on the router, with whether it puts its sessions on an address list.
    let on_router: HashMap<String, bool> = api
        .list_profiles()
        .await?
        .into_iter()
        .map(|p| (p.name, p.address_list.is_some()))
        .collect();
    let isolation = router.settings.isolation_profile.as_deref();
    // Missing ones; and the isolation profile when it lists nobody (made before it had to,
    // or by hand): its clients' addresses go on the list the isolation setup redirects.
    let wanted = needed.into_iter().filter(|n| match on_router.get(*n) {
        None => true,
        Some(listed) => Some(*n) == isolation && !listed,
    });
    for name in wanted {
        let result = match profiles.values().find(|p| p.name == name) {
            Some(p) => api.upsert_profile(&spec(p)).await,
            None if isolation == Some(name) => {
                let mut spec =
                    ProfileSpec::new(name).address_list(crate::domain::isolation::ISOLATED_LIST);
                if !on_router.contains_key(name) {
                    spec = spec.comment(crate::domain::isolation::PROFILE_COMMENT);
                }
                api.upsert_profile(&spec).await
            }
            // No plan names it: the secret's own write will report the router's refusal.
            None => continue,
        };
        let answer = match &result {
            Ok(_) => "done".to_owned(),
            Err(e) => format!("refused: {}", e.summary()),
        };
        audited.push(
            NewAudit::new(
                WORKER_ACTOR,
                AuditAction::RouterCommand,
                AuditEntity::RouterObject,
                format!("{}/profile:{name}", router.id),
            )
            .after(serde_json::json!({
                "router_id": router.id.0,
                "kind": "profile",
                "profile": name,
                "commands": ["/ppp/profile/add-or-set"],
                "answer": answer,
                "reason": "a secret needs it",
            })),
        );
        result?;
    }
    Ok(())
}

/// Keeps the leases of this worker alive while `work` runs.
async fn renewing<T>(app: &impl Context, work: impl Future<Output = T>) -> T {
    let lease = app.sync_settings().lease;
    let mut tick = tokio::time::interval(lease / 3);
    tick.tick().await;
    tokio::pin!(work);
    loop {
        tokio::select! {
            out = &mut work => return out,
            _ = tick.tick() => {
                let until = Utc::now() + chrono::Duration::from_std(lease).unwrap_or_default();
                let me = app.worker_id().to_owned();
                if let Err(e) = app
                    .db()
                    .write(move |ex| Box::pin(async move { sync::renew(ex, &me, until).await }))
                    .await
                {
                    tracing::warn!(error = %e, "renewing router sync leases failed");
                }
            }
        }
    }
}

/// One round: lease the due objects, apply them, record what happened.
pub async fn run_once(app: &impl Context) -> Result<RoundStats, StoreError> {
    let now = Utc::now();
    let lease = chrono::Duration::from_std(app.sync_settings().lease).unwrap_or_default();
    let me = app.worker_id().to_owned();
    let worker = me.clone();
    let leased = app
        .db()
        .write(move |ex| {
            Box::pin(async move { sync::lease(ex, &worker, now, now + lease, BATCH).await })
        })
        .await?;
    let mut stats = RoundStats {
        leased: leased.len(),
        ..Default::default()
    };
    if leased.is_empty() {
        return Ok(stats);
    }
    let mut by_router: HashMap<RouterId, Vec<Leased>> = HashMap::new();
    for o in leased {
        by_router.entry(o.router_id).or_default().push(o);
    }
    let (outcomes, extra) = renewing(app, async {
        let (mut outcomes, mut extra) = (Vec::new(), Vec::new());
        for (router_id, objects) in by_router {
            match load(app, router_id, objects.clone()).await? {
                Some(work) => {
                    let (done, created) = apply_router(app, work).await;
                    note_contact(app, router_id, &done).await?;
                    outcomes.extend(done);
                    extra.extend(created);
                }
                // The router was deleted: its rows went with it.
                None => outcomes.extend(objects.into_iter().map(|o| (o, Sent::new(), Ok(())))),
            }
        }
        Ok::<_, StoreError>((outcomes, extra))
    })
    .await?;
    let now = Utc::now();
    let mut applied: Vec<JobId> = Vec::new();
    let mut released: Vec<JobId> = Vec::new();
    let mut refused = Vec::new();
    let mut commands = extra;
    // Per router: applied, refused, given up.
    let mut counts: HashMap<RouterId, (u64, u64, u64)> = HashMap::new();
    for (o, sent, result) in outcomes {
        if let Some(entry) = command_entry(&o, sent, &result) {
            commands.push(entry);
        }
        let count = counts.entry(o.router_id).or_default();
        match &result {
            Ok(()) => count.0 += 1,
            Err(JobError::Unreachable(_)) => {}
            Err(JobError::Refused(_)) => {
                count.1 += 1;
                if o.refusals.saturating_add(1) >= MAX_REFUSALS {
                    count.2 += 1;
                }
            }
        }
        match result {
            Ok(()) => applied.push(o.id),
            Err(JobError::Unreachable(_)) => released.push(o.id),
            Err(JobError::Refused(text)) => {
                let refusals = o.refusals.saturating_add(1);
                let give_up = refusals >= MAX_REFUSALS;
                tracing::warn!(object = %o.id, router = %o.router_id, kind = %o.kind,
                    object_id = o.object_id, refusals, give_up, error = %text,
                    "the router refused a change");
                let next = now + chrono::Duration::from_std(backoff(refusals)).unwrap_or_default();
                refused.push((o.id, text, next, give_up));
            }
        }
    }
    stats.applied = applied.len();
    stats.unreachable = released.len();
    stats.failed = refused.iter().filter(|r| r.3).count();
    stats.retried = refused.len() - stats.failed;
    app.db()
        .write(move |ex| {
            Box::pin(async move {
                sync::applied(ex, &me, &applied, now).await?;
                sync::release(ex, &me, &released).await?;
                for (id, text, next, give_up) in &refused {
                    sync::refused(ex, &me, *id, text, *next, *give_up).await?;
                }
                audit::append(ex, commands, now).await
            })
        })
        .await?;
    for (router, (applied, refused, failed)) in counts {
        app.metrics().sync_round(router.0, applied, refused, failed);
    }
    if stats.applied + stats.failed > 0 {
        app.synced().send_modify(|n| *n += 1);
    }
    Ok(stats)
}

/// The audit entry of what was sent for one object and the router's answer; none when nothing
/// was sent (the router already held the desired state).
fn command_entry(o: &Leased, sent: Sent, result: &Result<(), JobError>) -> Option<NewAudit> {
    if sent.is_empty() {
        return None;
    }
    let answer = match result {
        Ok(()) => "done".to_owned(),
        Err(JobError::Refused(t)) => format!("refused: {t}"),
        Err(JobError::Unreachable(t)) => format!("unreachable: {t}"),
    };
    let id = format!("{}/{}/{}", o.router_id, o.kind, o.object_id);
    Some(
        NewAudit::new(
            WORKER_ACTOR,
            AuditAction::RouterCommand,
            AuditEntity::RouterObject,
            id,
        )
        .after(serde_json::json!({
            "router_id": o.router_id.0,
            "kind": o.kind.as_str(),
            "object_id": o.object_id,
            "version": o.version,
            "commands": sent,
            "answer": answer,
        })),
    )
}

/// Who sends router commands, as the audit trail names it.
const WORKER_ACTOR: &str = "system:worker";

/// Records whether the router answered this round; a connection that failed is dropped so the
/// next round reconnects. A router that was not known to be up is compared with the database
/// (it may come back empty from a reset).
async fn note_contact(
    app: &impl Context,
    router: RouterId,
    outcomes: &[Outcome],
) -> Result<(), StoreError> {
    let failure = outcomes.iter().find_map(|(_, _, r)| match r {
        Err(JobError::Unreachable(t)) => Some(t.clone()),
        _ => None,
    });
    let now = Utc::now();
    match failure {
        Some(text) => unreachable(app, router, now, text).await,
        None => {
            let back = app
                .db()
                .write(move |ex| {
                    Box::pin(async move { routers::contact_ok(ex, router, now, None).await })
                })
                .await?;
            if back {
                converge(app, router).await;
            }
            Ok(())
        }
    }
}

/// Records that the router could not be reached (logged when the outage starts) and drops its
/// connection so the next contact reconnects.
async fn unreachable(
    app: &impl Context,
    router: RouterId,
    now: chrono::DateTime<Utc>,
    text: String,
) -> Result<(), StoreError> {
    app.connections().drop_router(router);
    let error = text.clone();
    let starts = app
        .db()
        .write(move |ex| {
            Box::pin(async move {
                routers::contact_failed(ex, router, now, &error, reconnect_backoff).await
            })
        })
        .await?;
    if starts {
        tracing::warn!(router = %router, error = %text, "router could not be reached; its changes wait");
    } else {
        tracing::debug!(router = %router, error = %text, "router still unreachable");
    }
    Ok(())
}

/// Compares the router with the database and marks what differs (a reset router is rebuilt
/// this way). Errors are logged: the next probe or round tries again.
async fn converge(app: &impl Context, router: RouterId) {
    match super::reconcile::mark_drift(app, router).await {
        Ok(n) if n > 0 => {
            tracing::warn!(router = %router, objects = n, "router differs from the database; repairing");
            app.jobs_ready().notify_one();
        }
        Ok(_) => {}
        Err(e) => tracing::warn!(router = %router, error = %e, "comparing the router failed"),
    }
}

/// Contacts every router whose last contact is older than the probe interval: a router that
/// went down is noticed, one that came back or restarted is compared with the database, and
/// every router is compared once per reconcile interval.
pub async fn probe(app: &impl Context) -> Result<(), StoreError> {
    let settings = app.sync_settings();
    let all = app
        .db()
        .read(|ex| {
            Box::pin(async move {
                let mut out = Vec::new();
                for r in routers::list(ex).await? {
                    let h = routers::health(ex, r.id).await?.unwrap_or_default();
                    out.push((r, h));
                }
                Ok::<_, StoreError>(out)
            })
        })
        .await?;
    let now = Utc::now();
    let probe_every = chrono::Duration::from_std(settings.probe_every).unwrap_or_default();
    for (r, h) in all {
        let stale = h.last_contact_at.is_none_or(|t| now - t >= probe_every);
        let waiting = h.retry_at.is_some_and(|t| t > now);
        if stale && !waiting {
            let id = r.id;
            match probe_one(app, &r).await {
                Ok(uptime) => {
                    let back = app
                        .db()
                        .write(move |ex| {
                            Box::pin(async move { routers::contact_ok(ex, id, now, uptime).await })
                        })
                        .await?;
                    if back {
                        converge(app, id).await;
                    }
                }
                Err(text) => unreachable(app, id, now, text).await?,
            }
        }
        let every = chrono::Duration::from_std(settings.reconcile_every).unwrap_or_default();
        if h.last_reconcile_at.is_some_and(|t| now - t < every) {
            continue;
        }
        let id = r.id;
        let due = app
            .db()
            .write(move |ex| {
                Box::pin(async move { routers::claim_reconcile(ex, id, now, now - every).await })
            })
            .await?;
        if due {
            converge(app, id).await;
        }
    }
    Ok(())
}

/// The router's uptime, or why it could not be asked.
async fn probe_one(app: &impl Context, r: &Router) -> Result<Option<i64>, String> {
    let api = app
        .connections()
        .get(r, app.secrets())
        .await
        .map_err(|e| match e {
            ConnectError::Router(e) => e.summary(),
            e => e.to_string(),
        })?;
    let res = api.resource().await.map_err(|e| e.summary())?;
    Ok(res.uptime.as_deref().and_then(parse_uptime))
}

/// Waits until the router holds `version` of the object `id`, it is refused for good, or
/// `wait` passes; true when applied. Woken by this process's worker after each round, and
/// checking the database every quarter second for a worker in another process.
pub async fn wait_applied(
    app: &impl Context,
    id: JobId,
    version: i64,
    wait: Duration,
) -> Result<bool, StoreError> {
    let deadline = tokio::time::Instant::now() + wait;
    let mut rounds = app.synced().subscribe();
    loop {
        let outcome = app
            .db()
            .read(move |ex| Box::pin(async move { sync::outcome(ex, id, version).await }))
            .await?;
        if let Some(applied) = outcome {
            return Ok(applied);
        }
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        if left.is_zero() {
            return Ok(false);
        }
        let _ = tokio::time::timeout(left.min(Duration::from_millis(250)), rounds.changed()).await;
    }
}

/// Runs rounds until nothing due is left (for `mikronet provision --once` and tests).
pub async fn drain(app: &impl Context) -> Result<RoundStats, StoreError> {
    let mut total = RoundStats::default();
    loop {
        let s = run_once(app).await?;
        total += s;
        if s.leased == 0 || s.applied + s.failed + s.retried == 0 {
            return Ok(total);
        }
    }
}

/// The worker inside `serve`: a round whenever objects are marked and every second for
/// retries; the routers probed; hourly, the rows of deleted clients whose secrets are gone are
/// forgotten. A crashed process's leases run out within one lease (seconds), so its objects
/// are served again by whichever worker is alive.
pub async fn run<C: Context + 'static>(app: Arc<C>) {
    let lease = app.sync_settings().lease;
    let mut last_purge = tokio::time::Instant::now();
    let mut last_probe = tokio::time::Instant::now() - lease;
    loop {
        if last_probe.elapsed() >= Duration::from_secs(1) {
            last_probe = tokio::time::Instant::now();
            if let Err(e) = probe(&app).await {
                tracing::error!(error = %e, "probing routers failed");
            }
        }
        if last_purge.elapsed() >= Duration::from_secs(3600) {
            last_purge = tokio::time::Instant::now();
            if let Err(e) = app
                .db()
                .write(|ex| Box::pin(async move { sync::purge_settled(ex).await }))
                .await
            {
                tracing::error!(error = %e, "purging router sync rows failed");
            }
        }
        match run_once(&app).await {
            Ok(s) if s.leased > 0 && s.applied + s.failed + s.retried > 0 => continue,
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "provisioning round failed"),
        }
        let _ = tokio::time::timeout(Duration::from_secs(1), app.jobs_ready().notified()).await;
    }
}
