//! Drift between the database and a router's `/ppp/secret` list, and its repair.
//!
//! Only secrets we manage count: those of our clients on that router, and those carrying our
//! comment. A secret someone made by hand on the router is never reported or touched.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use super::Context;
use super::connections::ConnectError;
use super::outbox::{self, Desired};
use crate::domain::ids::{ClientId, RouterId};
use crate::domain::router::Router as RouterRecord;
use crate::domain::secret::client_of_comment;
use crate::storage::StoreError;
use crate::storage::repo::clients;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Drift {
    /// Our clients' secrets the router lacks.
    pub missing: Vec<String>,
    /// Secrets with our comment that no client of this router accounts for.
    pub extra: Vec<String>,
    /// Secrets that differ, with the properties that differ.
    pub wrong: Vec<WrongSecret>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WrongSecret {
    pub name: String,
    /// Of `password`, `profile`, `disabled`, `comment`.
    pub fields: Vec<&'static str>,
}

impl Drift {
    pub fn is_empty(&self) -> bool {
        self.missing.is_empty() && self.extra.is_empty() && self.wrong.is_empty()
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
        ReconcileError::Router(e.to_string())
    }
}

impl From<routeros::Error> for ReconcileError {
    fn from(e: routeros::Error) -> Self {
        ReconcileError::Router(e.to_string())
    }
}

async fn desired_on(app: &impl Context, router_id: RouterId) -> Result<Vec<Desired>, StoreError> {
    app.db()
        .read(move |ex| {
            Box::pin(async move {
                let ids = clients::ids_on_router(ex, router_id).await?;
                let mut out = Vec::with_capacity(ids.len());
                for id in ids {
                    if let Some(d) = outbox::desired(ex, id).await? {
                        out.push(d);
                    }
                }
                Ok(out)
            })
        })
        .await
}

/// Compares; with `apply`, queues the repairs and runs the worker until they are applied.
pub async fn reconcile(
    app: &impl Context,
    router: &RouterRecord,
    apply: bool,
) -> Result<Drift, ReconcileError> {
    let api = super::connections::connect(router, app.secrets()).await?;
    let on_router = api.list_secrets().await?;
    let desired = desired_on(app, router.id).await?;
    let by_name: HashMap<&str, &routeros::Secret> =
        on_router.iter().map(|s| (s.name.as_str(), s)).collect();
    let mut drift = Drift::default();
    let mut repair: Vec<ClientId> = Vec::new();
    for d in &desired {
        let Some(s) = by_name.get(d.name.as_str()) else {
            drift.missing.push(d.name.clone());
            repair.push(d.client_id);
            continue;
        };
        let mut fields = Vec::new();
        let password = app.secrets().open(&d.password).ok();
        if s.password.as_deref() != password.as_deref() {
            fields.push("password");
        }
        if s.profile.as_deref().unwrap_or("default") != d.state.profile {
            fields.push("profile");
        }
        if s.disabled != d.state.disabled {
            fields.push("disabled");
        }
        if s.comment.as_deref().and_then(client_of_comment) != Some(d.client_id) {
            fields.push("comment");
        }
        if !fields.is_empty() {
            drift.wrong.push(WrongSecret {
                name: d.name.clone(),
                fields,
            });
            repair.push(d.client_id);
        }
    }
    let ours: HashSet<&str> = desired.iter().map(|d| d.name.as_str()).collect();
    let extra: Vec<(ClientId, String)> = on_router
        .iter()
        .filter(|s| !ours.contains(s.name.as_str()))
        .filter_map(|s| {
            Some((
                s.comment.as_deref().and_then(client_of_comment)?,
                s.name.clone(),
            ))
        })
        .collect();
    drift.extra = extra.iter().map(|(_, n)| n.clone()).collect();
    if apply && !drift.is_empty() {
        let router_id = router.id;
        app.db()
            .write(move |ex| {
                Box::pin(async move {
                    for id in repair {
                        outbox::sync_client(ex, id, false, None).await?;
                    }
                    for (client_id, name) in &extra {
                        outbox::remove_secret(ex, router_id, *client_id, name).await?;
                    }
                    Ok::<_, StoreError>(())
                })
            })
            .await?;
        super::worker::drain(app).await?;
    }
    Ok(drift)
}
