//! What `/metrics` shows of the database, read at scrape time: every router's queue depth,
//! oldest pending change and reachability (as the workers last recorded it), and when the
//! latest billing runs started.
//!
//! Read from the database rather than kept by this process's worker: the queue and the
//! probe state are shared by every server (a server with `provisioning_worker = false`, or
//! whose worker is not the one holding a router's leases, still reports the truth), survive a
//! restart, and one scrape costs two short reads on indexed columns.

use chrono::Utc;

use crate::app::App;
use crate::metrics::{RouterGauges, Snapshot};
use crate::storage::StoreError;
use crate::storage::repo::{billing, sync};

/// The metrics in the Prometheus text format. A database that does not answer still gives
/// the process's own counters, with `mikronet_metrics_database_up 0` (the last gauges read are
/// kept).
pub async fn render(app: &App) -> String {
    let read = app
        .db
        .read(|ex| {
            Box::pin(async move {
                let queues = sync::queues(ex).await?;
                let runs = billing::last_started(ex).await?;
                Ok::<_, StoreError>((queues, runs))
            })
        })
        .await;
    let snapshot = match read {
        Ok((queues, runs)) => {
            let now = Utc::now();
            Snapshot {
                routers: queues
                    .into_iter()
                    .map(|q| RouterGauges {
                        router_id: q.router_id.0,
                        name: q.name,
                        reachable: q.reachable,
                        pending: q.pending,
                        failed: q.failed,
                        oldest_pending_seconds: q
                            .oldest_pending
                            .map_or(0, |t| (now - t).num_seconds().max(0)),
                    })
                    .collect(),
                last_runs: runs
                    .into_iter()
                    .map(|(kind, at)| (kind, at.timestamp()))
                    .collect(),
                database_up: true,
            }
        }
        Err(e) => {
            tracing::warn!(error = %e, "metrics: the database did not answer");
            Snapshot::default()
        }
    };
    app.metrics.render(&snapshot)
}
