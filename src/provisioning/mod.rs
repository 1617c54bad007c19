//! Router provisioning: every change a router must make is written as a job in the same
//! transaction as the change that causes it ([`outbox`]); a worker applies the jobs in order
//! per client, retrying while a router is down ([`worker`]); [`reconcile`] compares a router
//! with the database and repairs our secrets.

pub mod connections;
pub mod outbox;
pub mod reconcile;
pub mod worker;
