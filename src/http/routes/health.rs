use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;

use crate::app::AppState;
use crate::storage::{StoreError, WriteFailure};

#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// `ok` or `unavailable`.
    pub status: &'static str,
    /// `ok`; `unreachable`; `full` (no space left for changes), `read_only` or `unwritable`
    /// (reads work, changes fail).
    pub database: &'static str,
    /// `sqlite`, `mysql` or `postgres`.
    pub backend: &'static str,
    /// Shown only when `health_shows_version` is set: a version helps an attacker pick exploits.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<&'static str>,
}

/// Liveness, database reachability and whether the database takes changes, for load
/// balancers and monitoring: 503 unless all is well.
#[utoipa::path(get, path = "/health", tag = "operations",
    responses((status = 200, body = Health), (status = 503, body = Health)))]
pub async fn health(State(app): State<AppState>) -> (StatusCode, Json<Health>) {
    let database = match app.db.ping().await {
        Err(e) => {
            tracing::error!(error = %e, "health check: database unreachable");
            "unreachable"
        }
        Ok(()) => match app.db.check_writable().await {
            // Lock contention is not a fault of the database.
            Ok(()) | Err(StoreError::Busy) => "ok",
            Err(e) => {
                tracing::error!(error = %e, "health check: the database takes no changes");
                match WriteFailure::of(&e) {
                    Some(WriteFailure::Full) => "full",
                    Some(WriteFailure::ReadOnly) => "read_only",
                    None => "unwritable",
                }
            }
        },
    };
    let ok = database == "ok";
    (
        if ok {
            StatusCode::OK
        } else {
            StatusCode::SERVICE_UNAVAILABLE
        },
        Json(Health {
            status: if ok { "ok" } else { "unavailable" },
            database,
            backend: app.db.backend().name(),
            version: app
                .config
                .health_shows_version
                .then_some(env!("CARGO_PKG_VERSION")),
        }),
    )
}
