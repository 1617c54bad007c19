//! Users, logins and tokens.

use chrono::{DateTime, Utc};

use crate::app::App;
use crate::domain::user::{NewUser, Role, validate_new_user};
use crate::params;
use crate::read;
use crate::security::token_cache::AuthUser;
use crate::security::{password, token};
use crate::storage::repo::{tokens, users};
use crate::storage::{Exec, StoreError};

use super::AppError;

#[derive(Debug, Clone)]
pub struct RegisteredUser {
    pub id: i64,
    pub username: String,
    pub role: Role,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct Login {
    pub token: String,
    pub expires_at: DateTime<Utc>,
    pub user: AuthUser,
}

pub struct RegisterInput<'a> {
    pub username: Option<&'a str>,
    pub password: Option<&'a str>,
    pub role: Option<&'a str>,
}

async fn hash_password(pw: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || password::hash(&pw))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))
}

async fn user_count(app: &App) -> Result<i64, AppError> {
    read!(app, |ex| users::count(ex)).await
}

/// Creates a user. Open to anyone while there is no user at all (that first user is an
/// administrator whatever the request says); after that only an administrator may.
pub async fn register(
    app: &App,
    actor: Option<&AuthUser>,
    input: RegisterInput<'_>,
) -> Result<RegisteredUser, AppError> {
    let bootstrap = match actor {
        Some(a) if a.role.manages_users() => false,
        Some(_) => return Err(AppError::Forbidden("only an admin may create users")),
        None if user_count(app).await? == 0 => true,
        None => {
            return Err(AppError::Unauthorized(
                "registration is closed: an admin must create further users",
            ));
        }
    };
    let default_role = if bootstrap {
        Role::Admin
    } else {
        Role::Operator
    };
    let NewUser {
        username,
        password,
        role,
    } = validate_new_user(input.username, input.password, input.role, default_role)?;
    let role = if bootstrap { Role::Admin } else { role };
    let hash = hash_password(password).await?;
    let now = Utc::now();
    let name = username.clone();
    let id = app
        .db
        .write(move |ex| {
            Box::pin(async move {
                if bootstrap {
                    claim_bootstrap(ex).await?;
                }
                users::insert(ex, &name, &hash, role, now)
                    .await
                    .map_err(|e| match e {
                        e if e.is_unique_on("username") => AppError::Conflict {
                            field: "username",
                            message: format!("username '{name}' is already taken"),
                        },
                        e => e.into(),
                    })
            })
        })
        .await?;
    Ok(RegisteredUser {
        id,
        username,
        role,
        created_at: now,
    })
}

/// Marks the installation as set up; fails if another request did so first.
async fn claim_bootstrap(ex: &mut dyn Exec) -> Result<(), AppError> {
    let closed =
        || AppError::Unauthorized("registration is closed: an admin must create further users");
    if users::count(ex).await? > 0 {
        return Err(closed());
    }
    match ex
        .execute(
            "INSERT INTO settings (name, value) VALUES ('bootstrap', ?)",
            params![Utc::now().to_rfc3339()],
        )
        .await
    {
        Ok(_) => Ok(()),
        Err(StoreError::Unique(_)) => Err(closed()),
        Err(e) => Err(e.into()),
    }
}

/// Checks a user name and password; on success issues a token.
pub async fn login(
    app: &App,
    username: &str,
    password: &str,
    addr: Option<&str>,
) -> Result<Login, AppError> {
    if let Err(retry_after) = app.throttle.check(username, addr) {
        tracing::warn!(username, addr, "login refused: too many failures");
        return Err(AppError::TooManyRequests { retry_after });
    }
    let name = username.to_owned();
    let user = read!(app, |ex| users::find_by_username(ex, &name)).await?;
    let pw = password.to_owned();
    let verified = tokio::task::spawn_blocking(move || match user {
        Some(u) if password::verify(&u.password_hash, &pw) => Some(u),
        Some(_) => None,
        None => {
            password::burn_time(&pw);
            None
        }
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?;
    let Some(user) = verified else {
        app.throttle.failed(username, addr);
        tracing::info!(username, addr, "login failed");
        return Err(AppError::Unauthorized("invalid username or password"));
    };
    app.throttle.succeeded(username);
    let token = token::generate();
    let digest = token::digest(&token);
    let now = Utc::now();
    let expires_at = now + chrono::Duration::minutes(app.config.token_ttl_minutes);
    let user_id = user.id;
    app.db
        .write(move |ex| {
            Box::pin(async move {
                tokens::purge_expired(ex, now).await?;
                tokens::insert(ex, &digest, user_id, now, expires_at).await?;
                Ok::<_, AppError>(())
            })
        })
        .await?;
    tracing::info!(username = %user.username, "login");
    Ok(Login {
        token,
        expires_at,
        user: AuthUser {
            id: user.id,
            username: user.username,
            role: user.role,
            expires_at,
        },
    })
}

/// The user a bearer token belongs to.
pub async fn authenticate(app: &App, token_text: &str) -> Result<AuthUser, AppError> {
    if !token::well_formed(token_text) {
        return Err(AppError::Unauthorized("malformed bearer token"));
    }
    let digest = token::digest(token_text);
    let now = Utc::now();
    if let Some(user) = app.tokens.get(&digest, now) {
        return Ok(user);
    }
    let key = digest.clone();
    let session = read!(app, |ex| tokens::find_session(ex, &key))
        .await?
        .ok_or(AppError::Unauthorized("unknown bearer token"))?;
    if session.revoked {
        return Err(AppError::Unauthorized("this token has been revoked"));
    }
    if session.expires_at <= now {
        return Err(AppError::Unauthorized("this token has expired"));
    }
    let user = AuthUser {
        id: session.user_id,
        username: session.username,
        role: session.role,
        expires_at: session.expires_at,
    };
    app.tokens.put(digest, user.clone());
    Ok(user)
}

/// Revokes the token at once; later requests with it get 401.
pub async fn logout(app: &App, token_text: &str) -> Result<(), AppError> {
    let digest = token::digest(token_text);
    app.tokens.remove(&digest);
    let now = Utc::now();
    app.db
        .write(move |ex| {
            Box::pin(async move { Ok::<_, AppError>(tokens::revoke(ex, &digest, now).await?) })
        })
        .await?;
    Ok(())
}

pub async fn list_users(app: &App, actor: &AuthUser) -> Result<Vec<RegisteredUser>, AppError> {
    if !actor.role.manages_users() {
        return Err(AppError::Forbidden("only an admin may list users"));
    }
    let rows = read!(app, |ex| users::list(ex)).await?;
    Ok(rows
        .into_iter()
        .map(|u| RegisteredUser {
            id: u.id,
            username: u.username,
            role: u.role,
            created_at: u.created_at,
        })
        .collect())
}
