//! `/settings`: the provider's settings, effective without a restart.

use axum::Json;
use axum::extract::State;

use super::{Envelope, envelope};
use crate::app::AppState;
use crate::domain::settings::{Settings, SettingsDraft};
use crate::http::error::ApiError;
use crate::http::extract::{Auth, JsonBody};
use crate::service::settings as svc;

/// The settings in effect: the provider, its currency and language, how billing counts days.
#[utoipa::path(get, path = "/settings", tag = "operations",
    responses((status = 200, body = Envelope<Settings>)))]
pub async fn get(State(app): State<AppState>) -> Json<Envelope<Settings>> {
    envelope(
        "Settings retrieved successfully",
        app.settings().as_ref().clone(),
    )
}

/// Saves the fields given (admin). Effective at once on this server and within seconds on
/// the others; what was never saved follows the configuration file.
#[utoipa::path(put, path = "/settings", tag = "operations", request_body = SettingsDraft,
    responses((status = 200, body = Envelope<Settings>)))]
pub async fn update(
    State(app): State<AppState>,
    auth: Auth,
    JsonBody(body): JsonBody<SettingsDraft>,
) -> Result<Json<Envelope<Settings>>, ApiError> {
    let s = svc::update(&app, &auth.actor, &body).await?;
    Ok(envelope("Settings saved successfully", s))
}
