//! The provider's settings: read from memory on every request, refreshed from the database
//! every few seconds (so a change saved on one server reaches the others) and at once on the
//! server that saved it.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;

use super::{AppError, audit, require};
use crate::app::App;
use crate::domain::audit::{AuditAction, AuditEntity, NewAudit};
use crate::domain::settings::{Settings, SettingsDraft};
use crate::domain::user::{Actor, Role};
use crate::domain::validation::FieldErrors;
use crate::storage::repo::settings as repo;
use crate::storage::{Exec, StoreError};
use crate::tx;

/// The name of the settings document in `app_settings`.
const PROVIDER: &str = "provider";

/// How often a server rereads the settings others may have saved.
pub const REFRESH: Duration = Duration::from_secs(5);

/// The saved overrides.
async fn overrides_tx(ex: &mut dyn Exec) -> Result<SettingsDraft, StoreError> {
    match repo::document(ex, PROVIDER).await? {
        Some(json) => serde_json::from_str(&json)
            .map_err(|e| StoreError::Decode(format!("settings document: {e}"))),
        None => Ok(SettingsDraft::default()),
    }
}

/// The settings in effect: the configured defaults with the saved overrides. An override the
/// rules no longer accept is ignored (and logged) rather than stopping the server.
fn effective(defaults: &Settings, overrides: &SettingsDraft) -> Settings {
    let mut s = defaults.clone();
    if let Err(e) = s.patch(overrides) {
        tracing::error!(errors = ?e.0, "saved settings refused; using the configured values for them");
    }
    s
}

/// Rereads the settings from the database into `app`.
pub async fn refresh(app: &App) -> Result<Arc<Settings>, AppError> {
    let overrides = tx!(app, read, |ex| overrides_tx(ex)).await?;
    let s = Arc::new(effective(&app.config.default_settings(), &overrides));
    app.set_settings(s.clone());
    Ok(s)
}

/// Saves the fields the draft gives (admin); effective at once here, within [`REFRESH`] on
/// the other servers.
pub async fn update(app: &App, actor: &Actor, draft: &SettingsDraft) -> Result<Settings, AppError> {
    require(
        actor,
        Role::manages_users,
        "only an admin may change settings",
    )?;
    // Checked against what is in effect, so the error names the field before anything is saved.
    app.settings().as_ref().clone().patch(draft)?;
    let (draft, by) = (draft.clone(), actor.username.clone());
    let defaults = app.config.default_settings();
    let saved = tx!(app, write, |ex| update_tx(ex, &defaults, &draft, &by)).await?;
    app.set_settings(Arc::new(saved.clone()));
    tracing::info!(by = %actor.username, "settings saved");
    Ok(saved)
}

pub async fn update_tx(
    ex: &mut dyn Exec,
    defaults: &Settings,
    draft: &SettingsDraft,
    by: &str,
) -> Result<Settings, AppError> {
    let now = Utc::now();
    let stored = repo::document_for_update(ex, PROVIDER, by, now).await?;
    let stored: SettingsDraft = serde_json::from_str(&stored).unwrap_or_default();
    let merged = stored.merged(draft);
    let mut s = defaults.clone();
    s.patch(&merged)?;
    let json = serde_json::to_string(&merged).map_err(|e| AppError::Internal(e.to_string()))?;
    repo::save_document(ex, PROVIDER, &json, by, now).await?;
    let state = |d: &SettingsDraft| serde_json::to_value(d).unwrap_or_default();
    let entry = NewAudit::new(
        by,
        AuditAction::SettingsUpdated,
        AuditEntity::Settings,
        PROVIDER,
    )
    .before(state(&stored))
    .after(state(&merged));
    audit::record_tx(ex, entry).await?;
    Ok(s)
}

/// Keeps this server's copy fresh while `serve` runs.
pub async fn keep_fresh(app: Arc<App>) {
    loop {
        tokio::time::sleep(REFRESH).await;
        if let Err(e) = refresh(&app).await {
            tracing::warn!(error = %e, "rereading the settings failed");
        }
    }
}

/// The name of the logo's document in `app_settings`.
const LOGO: &str = "logo";
/// The largest logo accepted.
pub const LOGO_MAX_BYTES: usize = 256 * 1024;

/// The provider's logo, printed on invoices and receipts and shown in the console.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Logo {
    /// `image/png`, `image/jpeg` or `image/webp`.
    pub mime: &'static str,
    pub bytes: Vec<u8>,
}

/// The image type of `bytes`, by their first bytes (never by what the sender says): PNG, JPEG
/// or WebP. SVG is refused: it can carry script.
pub fn logo_kind(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.len() > 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    }
}

#[derive(serde::Serialize, serde::Deserialize)]
struct LogoDoc {
    mime: String,
    data: String,
}

/// The saved logo, if any.
pub async fn logo(app: &App) -> Result<Option<Logo>, AppError> {
    let doc = tx!(app, lookup, |ex| repo::document(ex, LOGO)).await?;
    let Some(doc) = doc else { return Ok(None) };
    let Ok(doc) = serde_json::from_str::<LogoDoc>(&doc) else {
        return Ok(None);
    };
    use base64::Engine;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(doc.data)
        .map_err(|e| AppError::Internal(format!("stored logo: {e}")))?;
    Ok(logo_kind(&bytes).map(|mime| Logo { mime, bytes }))
}

/// Saves the logo (admin); `None` removes it. Only PNG, JPEG or WebP of at most
/// [`LOGO_MAX_BYTES`].
pub async fn set_logo(app: &App, actor: &Actor, bytes: Option<Vec<u8>>) -> Result<(), AppError> {
    require(
        actor,
        Role::manages_users,
        "only an admin may change settings",
    )?;
    use sha2::Digest;
    let state = serde_json::json!(bytes.as_ref().map(|b| serde_json::json!({
        "bytes": b.len(),
        "sha256": hex::encode(sha2::Sha256::digest(b)),
    })));
    let json = match bytes {
        None => "{}".to_owned(),
        Some(bytes) => {
            if bytes.len() > LOGO_MAX_BYTES {
                return Err(FieldErrors::single("logo", "must be at most 256 KiB").into());
            }
            let Some(mime) = logo_kind(&bytes) else {
                return Err(
                    FieldErrors::single("logo", "must be a PNG, JPEG or WebP image").into(),
                );
            };
            use base64::Engine;
            let data = base64::engine::general_purpose::STANDARD.encode(&bytes);
            serde_json::to_string(&LogoDoc {
                mime: mime.to_owned(),
                data,
            })
            .map_err(|e| AppError::Internal(e.to_string()))?
        }
    };
    let by = actor.username.clone();
    tx!(app, write, |ex| async move {
        let now = Utc::now();
        repo::document_for_update(ex, LOGO, &by, now).await?;
        repo::save_document(ex, LOGO, &json, &by, now).await?;
        let entry =
            NewAudit::new(&by, AuditAction::LogoChanged, AuditEntity::Settings, LOGO).after(state);
        audit::record_tx(ex, entry).await
    })
    .await?;
    tracing::info!(by = %actor.username, "logo saved");
    Ok(())
}
