//! The audit trail (admin): who changed what, when, with the state before and after.

use axum::extract::State;
use axum::response::Response;
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::{envelope, page_of, paged};
use crate::app::AppState;
use crate::domain::audit::{AuditAction, AuditEntity, AuditEntry};
use crate::http::error::{ApiError, ErrorBody};
use crate::http::extract::{Auth, Query};
use crate::service::audit;

crate::paged_query! {
    pub struct AuditQuery {
        /// Only entries about this kind of thing.
        pub entity: Option<AuditEntity>,
        /// With `entity`: only entries about this one (an id, `provider` for the settings,
        /// `ROUTER/KIND/OBJECT` for a router object).
        pub entity_id: Option<String>,
        /// Only what this user (or `system:scheduler`, `system:worker`, `system:cli`) did.
        pub user: Option<String>,
        /// Entries at or after this instant (RFC 3339, e.g. `2026-12-01T00:00:00Z`).
        pub from: Option<DateTime<Utc>>,
        /// Entries before this instant.
        pub to: Option<DateTime<Utc>>,
    }
}

/// One entry; `before` and `after` are the entity's state as JSON.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditJson {
    /// 1, 2, 3, … without gaps.
    pub seq: i64,
    pub at: DateTime<Utc>,
    /// A user name, `system:scheduler`, `system:worker` or `system:cli`.
    pub actor: String,
    pub action: AuditAction,
    pub entity: AuditEntity,
    pub entity_id: String,
    #[schema(value_type = Option<Object>)]
    pub before: Option<serde_json::Value>,
    #[schema(value_type = Option<Object>)]
    pub after: Option<serde_json::Value>,
    /// SHA-256 (hex) of the previous entry; 64 zeros before the first.
    pub prev_hash: String,
    /// SHA-256 (hex) over this entry's content and `prev_hash`.
    pub hash: String,
}

impl From<AuditEntry> for AuditJson {
    fn from(e: AuditEntry) -> Self {
        let json = |s: Option<String>| s.and_then(|s| serde_json::from_str(&s).ok());
        AuditJson {
            seq: e.seq,
            at: e.at,
            actor: e.actor,
            action: e.action,
            entity: e.entity,
            entity_id: e.entity_id,
            before: json(e.before),
            after: json(e.after),
            prev_hash: e.prev_hash,
            hash: e.hash,
        }
    }
}

/// The audit trail, newest first (admin), filtered by entity, user and time range.
#[utoipa::path(get, path = "/audit", tag = "audit", params(AuditQuery),
    responses((status = 200, body = super::Envelope<Vec<AuditJson>>),
        (status = 403, body = ErrorBody)))]
pub async fn list(
    State(app): State<AppState>,
    auth: Auth,
    Query(q): Query<AuditQuery>,
) -> Result<Response, ApiError> {
    let page = page_of(&app, &q)?;
    let filter = audit::Filter {
        entity: q.entity,
        entity_id: q.entity_id,
        actor: q.user,
        from: q.from,
        to: q.to,
    };
    let (rows, total) = audit::list(&app, &auth.actor, filter, page).await?;
    let data: Vec<AuditJson> = rows.into_iter().map(AuditJson::from).collect();
    Ok(paged(
        page,
        total,
        envelope("Audit entries retrieved successfully", data),
    ))
}
