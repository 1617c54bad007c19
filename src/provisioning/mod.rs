//! Router provisioning, level-triggered: every change marks the router objects it touches in
//! the same transaction ([`outbox`]); a worker makes each marked object on its router match
//! what the database says at that moment, creating what it depends on first, retrying while a
//! router is down and after it refuses ([`worker`]); [`reconcile`] compares a whole router with
//! the database and marks what differs, which is also how a router that comes back empty is
//! rebuilt.

pub mod connections;
pub mod isolation;
pub mod outbox;
pub mod reconcile;
pub mod worker;

use std::time::Duration;

use tokio::sync::{Notify, watch};

use crate::domain::isolation::Setup;
use crate::security::secret_box::SecretBox;
use crate::storage::Db;

/// How the router sync paces itself.
#[derive(Debug, Clone, Copy)]
pub struct SyncSettings {
    /// How long a worker holds the objects it leased; renewed while it works, so a crashed
    /// process's objects are served again within this.
    pub lease: Duration,
    /// How often each router is compared with the database whatever changed.
    pub reconcile_every: Duration,
    /// How often each router is contacted to see that it is up and has not restarted.
    pub probe_every: Duration,
    /// How long a reconcile with apply waits for its repairs.
    pub reconcile_wait: Duration,
    /// An expired client's secret is removed from its router rather than kept disabled.
    pub remove_expired: bool,
}

impl Default for SyncSettings {
    fn default() -> Self {
        SyncSettings {
            lease: Duration::from_secs(5),
            reconcile_every: Duration::from_secs(3600),
            probe_every: Duration::from_secs(30),
            reconcile_wait: Duration::from_secs(30),
            remove_expired: false,
        }
    }
}

/// What provisioning needs of the running application (implemented by `App`), so that this
/// layer depends on the storage below it and not on the application above.
pub trait Context: Send + Sync {
    fn db(&self) -> &Db;
    fn secrets(&self) -> &SecretBox;
    fn connections(&self) -> &connections::Connections;
    /// Woken when objects are marked.
    fn jobs_ready(&self) -> &Notify;
    /// Counts the rounds that settled something: a waiter for an object's outcome wakes on it.
    fn synced(&self) -> &watch::Sender<u64>;
    /// This process's worker name, written on its leases.
    fn worker_id(&self) -> &str;
    fn sync_settings(&self) -> SyncSettings;
    /// Where the worker counts what it applied and what routers refused.
    fn metrics(&self) -> &crate::metrics::Metrics;
    /// What `router` must hold for its cut-off clients to meet the notice page, which
    /// reconcile checks; `None` when it disables them, or no notice address is configured.
    fn isolation_setup(&self, router: &crate::domain::router::Router) -> Option<Setup>;
}

impl<T: Context> Context for std::sync::Arc<T> {
    fn db(&self) -> &Db {
        (**self).db()
    }
    fn secrets(&self) -> &SecretBox {
        (**self).secrets()
    }
    fn connections(&self) -> &connections::Connections {
        (**self).connections()
    }
    fn jobs_ready(&self) -> &Notify {
        (**self).jobs_ready()
    }
    fn synced(&self) -> &watch::Sender<u64> {
        (**self).synced()
    }
    fn worker_id(&self) -> &str {
        (**self).worker_id()
    }
    fn sync_settings(&self) -> SyncSettings {
        (**self).sync_settings()
    }
    fn metrics(&self) -> &crate::metrics::Metrics {
        (**self).metrics()
    }
    fn isolation_setup(&self, router: &crate::domain::router::Router) -> Option<Setup> {
        (**self).isolation_setup(router)
    }
}
