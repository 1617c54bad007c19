//! Drift between the database and a router's `/ppp/secret` and `/ppp/profile` lists, and its
//! repair; on an isolating router, whether the isolation setup is in place.
//!
//! Only what we manage counts: the secrets of our clients on that router, secrets carrying our
//! comment, and our plans' profiles. A secret someone made by hand on the router is listed as
//! left alone and never touched. A router that comes back empty (a reset) is ordinary drift:
//! everything is missing, and repairing it rebuilds the router.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use chrono::Utc;
use serde::Serialize;

use super::Context;
use super::connections::ConnectError;
use super::outbox;
use crate::domain::ids::{ClientId, JobId, RouterId};
use crate::domain::router::Router;
use crate::domain::secret::{
    DEFAULT_PROFILE, DesiredSecret, SyncKind, client_of_comment, profile_comment,
};
use crate::storage::StoreError;
use crate::storage::repo::{clients, routers, sync};

/// A secret or profile whose properties differ, and which.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Wrong {
    pub name: String,
    /// Of `password`, `profile`, `disabled`, `comment` (secrets); `rate_limit`, `comment`
    /// (profiles).
    pub fields: Vec<&'static str>,
}

/// What a comparison found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Drift {
    /// Our clients' secrets the router lacks.
    pub missing: Vec<String>,
    /// Secrets with our comment that no client of this router accounts for.
    pub extra: Vec<String>,
    /// Our secrets that differ.
    pub wrong: Vec<Wrong>,
    /// Our plans' profiles the router lacks.
    pub missing_profiles: Vec<String>,
    /// Our plans' profiles that differ.
    pub wrong_profiles: Vec<Wrong>,
    /// Secrets that are not ours (no comment of ours, no client of that name): never touched.
    pub left_alone: Vec<String>,
    /// On a router in `isolate` mode (with `notice_address` configured): what the isolation
    /// setup lacks or holds otherwise, e.g. `missing: /ip firewall nat comment=mikronet:notice`.
    /// Not repaired here (firewall order is the operator's): `mikronet router-setup` prints the
    /// script.
    pub isolation: Vec<String>,
}

impl Drift {
    /// Whether the router holds what the database says (what is left alone does not count).
    pub fn is_empty(&self) -> bool {
        self.missing.is_empty()
            && self.extra.is_empty()
            && self.wrong.is_empty()
            && self.missing_profiles.is_empty()
            && self.wrong_profiles.is_empty()
            && self.isolation.is_empty()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ReconcileError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot reach the router: {0}")]
    Router(String),
}

impl From<ConnectError> for ReconcileError {
    fn from(e: ConnectError) -> Self {
        ReconcileError::Router(match e {
            ConnectError::Router(e) => e.summary(),
            e => e.to_string(),
        })
    }
}

impl From<routeros::Error> for ReconcileError {
    fn from(e: routeros::Error) -> Self {
        ReconcileError::Router(e.summary())
    }
}

/// The objects a comparison wants repaired, by sync key, with the name an operator knows.
type Repairs = Vec<(SyncKind, i64, String)>;

/// Compares the router with the database; with `isolation`, also the router's isolation setup
/// (a reconcile an operator asked for: the worker's own comparisons leave the firewall alone).
async fn compare(
    app: &impl Context,
    router: &Router,
    isolation: bool,
) -> Result<(Drift, Repairs), ReconcileError> {
    let api = super::connections::connect(router, app.secrets()).await?;
    let on_router = api.list_secrets().await?;
    let profiles_on_router = api.list_profiles().await?;
    let router_id = router.id;
    let r = router.clone();
    let remove_expired = app.sync_settings().remove_expired;
    // Clients whose secrets carry our comment, whether or not they are still here.
    let commented: HashSet<ClientId> = on_router
        .iter()
        .filter_map(|s| s.comment.as_deref().and_then(client_of_comment))
        .collect();
    let (desired, plans) = app
        .db()
        .read(move |ex| {
            Box::pin(async move {
                let mut ids = clients::ids_on_router(ex, router_id).await?;
                let here: HashSet<ClientId> = ids.iter().copied().collect();
                ids.extend(commented.into_iter().filter(|c| !here.contains(c)));
                let desired = outbox::desired_secrets(ex, &r, &ids, remove_expired).await?;
                let plans = outbox::plan_profiles(ex).await?;
                Ok::<_, StoreError>((desired, plans))
            })
        })
        .await?;
    let mut drift = Drift::default();
    if let Some(setup) = app.isolation_setup(router).filter(|_| isolation) {
        // What cannot be read is said, and the secrets are compared all the same.
        drift.isolation = super::isolation::check(api.as_ref(), &setup)
            .await
            .unwrap_or_else(|e| vec![format!("could not be checked: {}", e.summary())]);
    }
    let mut repairs: Repairs = Vec::new();
    let by_name: HashMap<&str, &routeros::Secret> =
        on_router.iter().map(|s| (s.name.as_str(), s)).collect();
    let mut ours: HashSet<&str> = HashSet::new();
    let mut present: Vec<(&ClientId, &String, &crate::domain::validation::Sealed, _)> = Vec::new();
    for (client, d) in &desired {
        if let DesiredSecret::Present {
            name,
            password,
            state,
        } = d
        {
            present.push((client, name, password, state));
        }
    }
    present.sort_by_key(|p| p.0.0);
    for (client, name, password, state) in present {
        ours.insert(name.as_str());
        let Some(s) = by_name.get(name.as_str()) else {
            drift.missing.push(name.clone());
            repairs.push((SyncKind::Secret, client.0, name.clone()));
            continue;
        };
        let mut fields = Vec::new();
        let password = app.secrets().open(password).ok();
        if s.password.as_deref() != password.as_deref() {
            fields.push("password");
        }
        if s.profile.as_deref().unwrap_or(DEFAULT_PROFILE) != state.profile {
            fields.push("profile");
        }
        if s.disabled != state.disabled {
            fields.push("disabled");
        }
        if s.comment.as_deref().and_then(client_of_comment) != Some(*client) {
            fields.push("comment");
        }
        if !fields.is_empty() {
            drift.wrong.push(Wrong {
                name: name.clone(),
                fields,
            });
            repairs.push((SyncKind::Secret, client.0, name.clone()));
        }
    }
    for s in &on_router {
        if ours.contains(s.name.as_str()) {
            continue;
        }
        match s.comment.as_deref().and_then(client_of_comment) {
            Some(client) => {
                drift.extra.push(s.name.clone());
                repairs.push((SyncKind::Secret, client.0, s.name.clone()));
            }
            None => drift.left_alone.push(s.name.clone()),
        }
    }
    let profile_by_name: HashMap<&str, &routeros::Profile> = profiles_on_router
        .iter()
        .map(|p| (p.name.as_str(), p))
        .collect();
    let mut plans: Vec<_> = plans.into_values().collect();
    plans.sort_by_key(|p| p.plan_id);
    for p in plans {
        let Some(on) = profile_by_name.get(p.name.as_str()) else {
            drift.missing_profiles.push(p.name.clone());
            repairs.push((SyncKind::Profile, p.plan_id.0, p.name.clone()));
            continue;
        };
        let mut fields = Vec::new();
        if on.rate_limit.as_deref().unwrap_or("") != p.rate_limit.as_deref().unwrap_or("") {
            fields.push("rate_limit");
        }
        if on.comment.as_deref() != Some(profile_comment(p.plan_id).as_str()) {
            fields.push("comment");
        }
        if !fields.is_empty() {
            drift.wrong_profiles.push(Wrong {
                name: p.name.clone(),
                fields,
            });
            repairs.push((SyncKind::Profile, p.plan_id.0, p.name.clone()));
        }
    }
    Ok((drift, repairs))
}

/// Marks every object that differs; returns the objects and the version each must reach.
async fn mark(
    app: &impl Context,
    router: RouterId,
    repairs: &Repairs,
) -> Result<Vec<(JobId, i64)>, StoreError> {
    let keys: Vec<(SyncKind, i64)> = repairs.iter().map(|(k, o, _)| (*k, *o)).collect();
    let marked = app
        .db()
        .write(move |ex| {
            Box::pin(async move {
                let now = Utc::now();
                let mut out = Vec::with_capacity(keys.len());
                for (kind, object) in keys {
                    sync::bump(ex, router, kind, object, now).await?;
                    if let Some(v) = sync::version_of(ex, router, kind, object).await? {
                        out.push(v);
                    }
                }
                Ok::<_, StoreError>(out)
            })
        })
        .await?;
    app.jobs_ready().notify_one();
    Ok(marked)
}

/// Compares the router with the database and marks what differs for the worker; returns how
/// many objects were marked. What the worker's rounds and probes call.
pub async fn mark_drift(app: &impl Context, router: RouterId) -> Result<usize, ReconcileError> {
    let r = app
        .db()
        .read(move |ex| Box::pin(async move { routers::get(ex, router).await }))
        .await?
        .ok_or_else(|| ReconcileError::Router("no such router".into()))?;
    let (drift, repairs) = compare(app, &r, false).await?;
    if drift.is_empty() {
        return Ok(0);
    }
    Ok(mark(app, router, &repairs).await?.len())
}

/// What happened to one object a reconcile repaired.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Repair {
    /// `secret` or `profile`.
    pub object: SyncKind,
    pub name: String,
    /// `repaired`, `failing` (the router refused; see `error`) or `pending` (not yet applied
    /// when the wait ended: the router is slow or unreachable; it will be applied).
    pub outcome: &'static str,
    pub error: Option<String>,
}

/// A reconcile's report: what differed and, with apply, what became of each repair.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Report {
    #[serde(flatten)]
    pub drift: Drift,
    pub applied: bool,
    pub repairs: Vec<Repair>,
    /// Whether the router still differs from the database after the repairs.
    pub drift_remains: bool,
}

/// Compares; with `apply`, marks the repairs and runs worker rounds until they are applied or
/// refused, or until the configured wait ends, then reports each repair's real outcome.
pub async fn reconcile(
    app: &impl Context,
    router: &Router,
    apply: bool,
) -> Result<Report, ReconcileError> {
    let (drift, repairs) = compare(app, router, true).await?;
    if !apply || drift.is_empty() {
        return Ok(Report {
            drift_remains: !drift.is_empty(),
            drift,
            applied: apply,
            repairs: Vec::new(),
        });
    }
    let marked = mark(app, router.id, &repairs).await?;
    let deadline = tokio::time::Instant::now() + app.sync_settings().reconcile_wait;
    let mut outcomes: Vec<Option<bool>> = vec![None; marked.len()];
    loop {
        super::worker::run_once(app).await?;
        let keys = marked.clone();
        let now: Vec<Option<bool>> = app
            .db()
            .read(move |ex| {
                Box::pin(async move {
                    let mut out = Vec::with_capacity(keys.len());
                    for (id, version) in keys {
                        out.push(sync::outcome(ex, id, version).await?);
                    }
                    Ok::<_, StoreError>(out)
                })
            })
            .await?;
        outcomes = now;
        if outcomes.iter().all(Option::is_some) || tokio::time::Instant::now() >= deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let errors: HashMap<JobId, Option<String>> = {
        let ids: Vec<JobId> = marked.iter().map(|(id, _)| *id).collect();
        let router_id = router.id;
        app.db()
            .read(move |ex| {
                Box::pin(async move {
                    let (rows, _) = sync::page(ex, router_id, None, i64::MAX / 2, 0).await?;
                    Ok::<_, StoreError>(
                        rows.into_iter()
                            .filter(|o| ids.contains(&o.id))
                            .map(|o| (o.id, o.last_error))
                            .collect(),
                    )
                })
            })
            .await?
    };
    let repairs: Vec<Repair> = repairs
        .iter()
        .zip(marked.iter().zip(&outcomes))
        .map(|((kind, _, name), ((id, _), outcome))| Repair {
            object: *kind,
            name: name.clone(),
            outcome: match outcome {
                Some(true) => "repaired",
                Some(false) => "failing",
                None => "pending",
            },
            error: match outcome {
                Some(true) => None,
                _ => errors.get(id).cloned().flatten(),
            },
        })
        .collect();
    let (after, _) = compare(app, router, true).await?;
    Ok(Report {
        drift,
        applied: true,
        repairs,
        drift_remains: !after.is_empty(),
    })
}
