use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;

use crate::app::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// `ok` or `unavailable`.
    pub status: &'static str,
    /// `ok` or `unreachable`.
    pub database: &'static str,
    /// `sqlite`, `mysql` or `postgres`.
    pub backend: &'static str,
    /// Shown only when `health_shows_version` is set: a version helps an attacker pick exploits.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<&'static str>,
}

/// Liveness and database reachability, for load balancers and monitoring.
#[utoipa::path(get, path = "/health", tag = "operations",
    responses((status = 200, body = Health), (status = 503, body = Health)))]
pub async fn health(State(app): State<AppState>) -> (StatusCode, Json<Health>) {
    let up = app.db.ping().await;
    if let Err(e) = &up {
        tracing::error!(error = %e, "health check: database unreachable");
    }
    let ok = up.is_ok();
    (
        if ok {
            StatusCode::OK
        } else {
            StatusCode::SERVICE_UNAVAILABLE
        },
        Json(Health {
            status: if ok { "ok" } else { "unavailable" },
            database: if ok { "ok" } else { "unreachable" },
            backend: app.db.backend().name(),
            version: app
                .config
                .health_shows_version
                .then_some(env!("CARGO_PKG_VERSION")),
        }),
    )
}
