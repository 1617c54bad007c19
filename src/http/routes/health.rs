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

/// A router that needs attention, as `/health/ready` lists it.
#[derive(Debug, Serialize, ToSchema)]
pub struct RouterReadiness {
    pub router_id: crate::domain::ids::RouterId,
    pub name: String,
    /// `null` until a worker has tried it.
    pub reachable: Option<bool>,
    pub since: Option<chrono::DateTime<chrono::Utc>>,
    pub last_error: Option<String>,
    /// Objects waiting to be applied.
    pub queue_depth: i64,
    /// Objects the router refused too often.
    pub failed: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Readiness {
    /// `ok`, `degraded` (some router unreachable or with failed objects) or `unavailable`
    /// (the database is down).
    pub status: &'static str,
    /// `ok` or `unreachable`.
    pub database: &'static str,
    /// Routers that are unreachable or hold failed objects.
    pub routers: Vec<RouterReadiness>,
}

/// Readiness for load balancers and monitoring: 503 only when the database is down (the
/// server cannot work); routers that are unreachable or have failed objects are reported with
/// 200, since the server keeps working and catches them up.
#[utoipa::path(get, path = "/health/ready", tag = "operations",
    responses((status = 200, body = Readiness), (status = 503, body = Readiness)))]
pub async fn ready(State(app): State<AppState>) -> (StatusCode, Json<Readiness>) {
    let views = match app.db.ping().await {
        Ok(()) => crate::service::routers::views(&app).await.ok(),
        Err(_) => None,
    };
    let Some(views) = views else {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(Readiness {
                status: "unavailable",
                database: "unreachable",
                routers: Vec::new(),
            }),
        );
    };
    let routers: Vec<RouterReadiness> = views
        .into_iter()
        .filter(|v| v.health.reachable == Some(false) || v.queue.failed > 0)
        .map(|v| RouterReadiness {
            router_id: v.router.id,
            name: v.router.settings.name,
            reachable: v.health.reachable,
            since: v.health.since,
            last_error: v.health.last_error,
            queue_depth: v.queue.pending,
            failed: v.queue.failed,
        })
        .collect();
    (
        StatusCode::OK,
        Json(Readiness {
            status: if routers.is_empty() { "ok" } else { "degraded" },
            database: "ok",
            routers,
        }),
    )
}
