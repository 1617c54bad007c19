//! Router provisioning: every change a router must make is written as a job in the same
//! transaction as the change that causes it ([`outbox`]); a worker applies the jobs in order
//! per client, retrying while a router is down ([`worker`]); [`reconcile`] compares a router
//! with the database and repairs our secrets.

pub mod connections;
pub mod outbox;
pub mod reconcile;
pub mod worker;

use tokio::sync::Notify;

use crate::security::secret_box::SecretBox;
use crate::storage::Db;

/// What provisioning needs of the running application (implemented by `App`), so that this
/// layer depends on the storage below it and not on the application above.
pub trait Context: Send + Sync {
    fn db(&self) -> &Db;
    fn secrets(&self) -> &SecretBox;
    fn connections(&self) -> &connections::Connections;
    /// Woken when jobs are queued.
    fn jobs_ready(&self) -> &Notify;
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
}
