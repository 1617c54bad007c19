//! Writing router jobs. Each function runs inside the caller's transaction, so a change and
//! the router job it causes are committed together or not at all.

use chrono::Utc;
use serde::{Deserialize, Serialize};

use crate::domain::billing::subscription::Status;
use crate::domain::ids::{ClientId, JobId, RouterId};
use crate::domain::router::SuspendMode;
use crate::domain::secret::{SecretState, comment_for, secret_state};
use crate::domain::validation::Sealed;
use crate::params;
use crate::storage::repo::{jobs, routers};
use crate::storage::{Exec, StoreError};

/// A job's payload, as JSON in `router_jobs.payload`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Payload {
    /// Make the secret exist with this state (renaming it from `old_name`); end its session
    /// when `kick`.
    Secret {
        name: String,
        old_name: Option<String>,
        /// Sealed, as in the clients table.
        password_enc: String,
        profile: String,
        disabled: bool,
        comment: String,
        kick: bool,
    },
    /// Remove the secret and end its session.
    Remove { name: String },
    /// Make the profile exist with this rate limit.
    Profile {
        name: String,
        rate_limit: Option<String>,
    },
}

impl Payload {
    pub fn kind(&self) -> &'static str {
        match self {
            Payload::Secret { .. } => "secret",
            Payload::Remove { .. } => "remove",
            Payload::Profile { .. } => "profile",
        }
    }
}

async fn enqueue(
    ex: &mut dyn Exec,
    router_id: RouterId,
    client_id: Option<ClientId>,
    p: &Payload,
) -> Result<JobId, StoreError> {
    let json = serde_json::to_string(p).map_err(|e| StoreError::Decode(e.to_string()))?;
    jobs::enqueue(ex, router_id, client_id, p.kind(), &json, Utc::now()).await
}

/// What the database says a client's secret should be, and where.
#[derive(Debug, Clone)]
pub struct Desired {
    pub client_id: ClientId,
    pub router_id: RouterId,
    pub name: String,
    pub password: Sealed,
    pub state: SecretState,
}

pub async fn desired(
    ex: &mut dyn Exec,
    client_id: ClientId,
) -> Result<Option<Desired>, StoreError> {
    let Some((router_id, name, password, held, mode, isolation)) = ex
        .first::<(RouterId, String, Sealed, bool, SuspendMode, Option<String>)>(
            "SELECT c.router_id, c.ppp_secret_name, c.ppp_password_enc, c.held, r.suspend_mode, \
             r.isolation_profile FROM clients c JOIN routers r ON r.id = c.router_id WHERE c.id = ?",
            params![client_id],
        )
        .await?
    else {
        return Ok(None);
    };
    // The subscription that decides: an active one, else the latest other.
    let sub: Option<(Status, String)> = ex
        .first(
            "SELECT s.status, p.ppp_profile FROM subscriptions s JOIN plans p ON p.id = s.plan_id \
             WHERE s.client_id = ? ORDER BY CASE s.status WHEN 'active' THEN 0 ELSE 1 END, \
             s.id DESC LIMIT 1",
            params![client_id],
        )
        .await?;
    Ok(Some(Desired {
        client_id,
        router_id,
        name,
        password,
        state: secret_state(
            held,
            sub.as_ref().map(|(s, p)| (*s, p.as_str())),
            mode,
            isolation.as_deref(),
        ),
    }))
}

/// Queues the client's secret as the database now describes it; `kick` also ends a live
/// session (a cut-off takes effect at once, not at the next login). Returns the job id, or
/// `None` when the client is on no router.
pub async fn sync_client(
    ex: &mut dyn Exec,
    client_id: ClientId,
    kick: bool,
    old_name: Option<String>,
) -> Result<Option<JobId>, StoreError> {
    let Some(d) = desired(ex, client_id).await? else {
        return Ok(None);
    };
    let p = Payload::Secret {
        old_name: old_name.filter(|o| *o != d.name),
        name: d.name,
        password_enc: d.password.0,
        profile: d.state.profile,
        disabled: d.state.disabled,
        comment: comment_for(client_id),
        kick: kick || d.state.disabled,
    };
    enqueue(ex, d.router_id, Some(client_id), &p)
        .await
        .map(Some)
}

/// Queues the removal of a client's secret (the client is being deleted or moved).
pub async fn remove_secret(
    ex: &mut dyn Exec,
    router_id: RouterId,
    client_id: ClientId,
    name: &str,
) -> Result<JobId, StoreError> {
    enqueue(
        ex,
        router_id,
        Some(client_id),
        &Payload::Remove {
            name: name.to_owned(),
        },
    )
    .await
}

/// Queues a plan's profile on every router.
pub async fn profile_everywhere(
    ex: &mut dyn Exec,
    name: &str,
    rate_limit: Option<&str>,
) -> Result<(), StoreError> {
    for r in routers::list(ex).await? {
        let p = Payload::Profile {
            name: name.to_owned(),
            rate_limit: rate_limit.map(str::to_owned),
        };
        enqueue(ex, r.id, None, &p).await?;
    }
    Ok(())
}
