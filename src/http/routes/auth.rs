//! `/auth/*`: the original system's paths, with real tokens behind them.

use axum::Json;
use axum::extract::State;
use axum::response::Response;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{Envelope, Message, envelope, message};
use crate::app::AppState;
use crate::domain::ids::UserId;
use crate::domain::user::{Role, User, UserDraft};
use crate::http::error::{ApiError, ErrorBody};
use crate::http::extract::{Auth, ClientAddr, Id, JsonBody};
use crate::http::idempotent::{IdempotencyKey, Keyed, created, respond};
use crate::http::openapi::UserCreate;
use crate::service::auth as svc;

#[derive(Debug, Serialize, ToSchema)]
pub struct UserJson {
    pub user_id: UserId,
    pub username: String,
    pub role: Role,
    pub disabled: bool,
    pub created_at: DateTime<Utc>,
}

impl From<User> for UserJson {
    fn from(u: User) -> Self {
        UserJson {
            user_id: u.id,
            username: u.username,
            role: u.role,
            disabled: u.disabled,
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
    params(IdempotencyKey),
    security((), ("bearer" = [])))]
pub async fn register(
    State(app): State<AppState>,
    auth: Option<Auth>,
    Keyed(retry, JsonBody(body)): Keyed<JsonBody<UserDraft>>,
) -> Result<Response, ApiError> {
    let once =
        retry.answer(|u: &User| created("User registered successfully", UserJson::from(u.clone())));
    let out = svc::register(&app, auth.as_ref().map(|a| &a.actor), &body, once).await?;
    Ok(respond(out))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"username": "admin", "password": "a long passphrase"}))]
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

/// One user (admin only).
#[utoipa::path(get, path = "/users/{id}", tag = "auth",
    params(("id" = i64, Path, description = "user id")),
    responses((status = 200, body = Envelope<UserJson>), (status = 404, body = ErrorBody)))]
pub async fn get_user(
    State(app): State<AppState>,
    auth: Auth,
    Id(id): Id<UserId>,
) -> Result<Json<Envelope<UserJson>>, ApiError> {
    let user = svc::get_user(&app, &auth.actor, id).await?;
    Ok(envelope("User retrieved successfully", user.into()))
}

/// Changes a user's `role`, `disabled` or `password` (a reset) (admin only). A new password
/// or disabling revokes every token of the user. Takes effect at once on this server and
/// within `token_cache_seconds` on others. The last admin cannot be demoted or disabled (409).
#[utoipa::path(put, path = "/users/{id}", tag = "auth", request_body = UserDraft,
    params(("id" = i64, Path, description = "user id")),
    responses((status = 200, body = Envelope<UserJson>), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "the last admin"),
        (status = 422, body = ErrorBody)))]
pub async fn update_user(
    State(app): State<AppState>,
    auth: Auth,
    Id(id): Id<UserId>,
    JsonBody(body): JsonBody<UserDraft>,
) -> Result<Json<Envelope<UserJson>>, ApiError> {
    let user = svc::update_user(&app, &auth.actor, id, &body).await?;
    Ok(envelope("User updated successfully", user.into()))
}

/// Deletes a user (admin only): no login, no token; the name stays taken, as histories record
/// it. The last admin cannot be deleted (409).
#[utoipa::path(delete, path = "/users/{id}", tag = "auth",
    params(("id" = i64, Path, description = "user id")),
    responses((status = 200, body = Message), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "the last admin")))]
pub async fn delete_user(
    State(app): State<AppState>,
    auth: Auth,
    Id(id): Id<UserId>,
) -> Result<Json<Message>, ApiError> {
    svc::delete_user(&app, &auth.actor, id).await?;
    Ok(message(format!("User with ID {id} deleted successfully")))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RevokedJson {
    /// How many live tokens were revoked.
    pub revoked: u64,
}

/// Revokes every token of a user (admin only): their sessions end at once on this server and
/// within `token_cache_seconds` on others.
#[utoipa::path(post, path = "/users/{id}/revoke-tokens", tag = "auth",
    params(("id" = i64, Path, description = "user id")),
    responses((status = 200, body = Envelope<RevokedJson>), (status = 404, body = ErrorBody)))]
pub async fn revoke_tokens(
    State(app): State<AppState>,
    auth: Auth,
    Id(id): Id<UserId>,
) -> Result<Json<Envelope<RevokedJson>>, ApiError> {
    let revoked = svc::revoke_tokens(&app, &auth.actor, id).await?;
    Ok(envelope(
        "Tokens revoked successfully",
        RevokedJson { revoked },
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"current_password": "a long passphrase", "new_password": "another long passphrase"}))]
pub struct PasswordBody {
    pub current_password: String,
    /// At least 8 characters.
    pub new_password: String,
}

/// Changes the caller's own password; every other token of theirs is revoked (this one keeps
/// working).
#[utoipa::path(post, path = "/auth/password", tag = "auth", request_body = PasswordBody,
    responses((status = 200, body = Message),
        (status = 422, body = ErrorBody, description = "wrong current password, or a weak new one"),
        (status = 429, body = ErrorBody, description = "too many wrong current passwords")))]
pub async fn change_password(
    State(app): State<AppState>,
    auth: Auth,
    ClientAddr(addr): ClientAddr,
    JsonBody(body): JsonBody<PasswordBody>,
) -> Result<Json<Message>, ApiError> {
    svc::change_password(
        &app,
        &auth.actor,
        &auth.token,
        &body.current_password,
        &body.new_password,
        addr.as_deref(),
    )
    .await?;
    Ok(message("Password changed successfully"))
}
