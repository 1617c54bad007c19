//! `/auth/*`: the original system's paths, with real tokens behind them.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{Envelope, Message, envelope, message};
use crate::app::AppState;
use crate::domain::ids::UserId;
use crate::domain::user::{Role, User, UserDraft};
use crate::http::error::{ApiError, ErrorBody};
use crate::http::extract::{Auth, ClientAddr, JsonBody};
use crate::http::openapi::UserCreate;
use crate::service::auth as svc;

#[derive(Debug, Serialize, ToSchema)]
pub struct UserJson {
    pub user_id: UserId,
    pub username: String,
    pub role: Role,
    pub created_at: DateTime<Utc>,
}

impl From<User> for UserJson {
    fn from(u: User) -> Self {
        UserJson {
            user_id: u.id,
            username: u.username,
            role: u.role,
            created_at: u.created_at,
        }
    }
}

/// Creates a user. Open while no user exists (the first becomes `admin`); afterwards only
/// with an admin's token.
#[utoipa::path(post, path = "/auth/register", tag = "auth", request_body = UserCreate,
    responses(
        (status = 201, body = Envelope<UserJson>, description = "User registered successfully"),
        (status = 401, body = ErrorBody, description = "registration closed, or bad token"),
        (status = 403, body = ErrorBody, description = "caller is not an admin"),
        (status = 409, body = ErrorBody, description = "username taken")),
    security((), ("bearer" = [])))]
pub async fn register(
    State(app): State<AppState>,
    auth: Option<Auth>,
    JsonBody(body): JsonBody<UserDraft>,
) -> Result<(StatusCode, Json<Envelope<UserJson>>), ApiError> {
    let user = svc::register(&app, auth.as_ref().map(|a| &a.actor), &body).await?;
    Ok((
        StatusCode::CREATED,
        envelope("User registered successfully", user.into()),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginBody {
    pub username: String,
    pub password: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LoginResponse {
    #[schema(example = "Login successful")]
    pub message: String,
    /// Send as `Authorization: Bearer <token>`.
    pub token: String,
    #[schema(example = "Bearer")]
    pub token_type: &'static str,
    pub expires_at: DateTime<Utc>,
    pub role: Role,
}

/// Checks a username and password and returns a bearer token. Repeated failures for one
/// username or from one address are refused for a while (429).
#[utoipa::path(post, path = "/auth/login", tag = "auth", request_body = LoginBody,
    responses(
        (status = 200, body = LoginResponse),
        (status = 401, body = ErrorBody, description = "invalid username or password"),
        (status = 429, body = ErrorBody, description = "too many failures; see Retry-After")))]
pub async fn login(
    State(app): State<AppState>,
    ClientAddr(addr): ClientAddr,
    JsonBody(body): JsonBody<LoginBody>,
) -> Result<Json<LoginResponse>, ApiError> {
    let login = svc::login(&app, &body.username, &body.password, addr.as_deref()).await?;
    Ok(Json(LoginResponse {
        message: "Login successful".into(),
        token: login.token,
        token_type: "Bearer",
        expires_at: login.expires_at,
        role: login.user.actor.role,
    }))
}

/// Revokes the caller's token at once.
#[utoipa::path(post, path = "/auth/logout", tag = "auth",
    responses((status = 200, body = Message)))]
pub async fn logout(State(app): State<AppState>, auth: Auth) -> Result<Json<Message>, ApiError> {
    svc::logout(&app, &auth.token).await?;
    Ok(message("Logout successful"))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MeJson {
    pub user_id: Option<UserId>,
    pub username: String,
    pub role: Role,
    pub token_expires_at: DateTime<Utc>,
}

/// The caller's own user and role.
#[utoipa::path(get, path = "/auth/me", tag = "auth",
    responses((status = 200, body = super::Data<MeJson>)))]
pub async fn me(auth: Auth) -> Json<super::Data<MeJson>> {
    Json(super::Data {
        data: MeJson {
            user_id: auth.actor.id,
            username: auth.actor.username,
            role: auth.actor.role,
            token_expires_at: auth.expires_at,
        },
    })
}

/// All users (admin only).
#[utoipa::path(get, path = "/users", tag = "auth",
    responses((status = 200, body = Envelope<Vec<UserJson>>)))]
pub async fn list_users(
    State(app): State<AppState>,
    auth: Auth,
) -> Result<Json<Envelope<Vec<UserJson>>>, ApiError> {
    let users = svc::list_users(&app, &auth.actor).await?;
    Ok(envelope(
        "Users retrieved successfully",
        users.into_iter().map(UserJson::from).collect(),
    ))
}
