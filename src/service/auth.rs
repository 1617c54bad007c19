//! Users, logins and tokens.

use chrono::{DateTime, Utc};

use super::AppError;
use crate::app::App;
use crate::domain::ids::UserId;
use crate::domain::user::{Actor, NewUser, Role, User, UserDraft};
use crate::security::token_cache::AuthUser;
use crate::security::{password, token};
use crate::storage::repo::{settings, tokens, users};
use crate::storage::{Exec, StoreError};
use crate::tx;

#[derive(Debug, Clone)]
pub struct Login {
    pub token: String,
    pub expires_at: DateTime<Utc>,
    pub user: AuthUser,
}

async fn hash_password(pw: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || password::hash(&pw))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))
}

const CLOSED: &str = "registration is closed: an admin must create further users";

/// Creates a user. Open to anyone while there is no user at all (that first user is an
/// administrator whatever the request says); after that only an administrator may.
pub async fn register(
    app: &App,
    actor: Option<&Actor>,
    draft: &UserDraft,
) -> Result<User, AppError> {
    let bootstrap = match actor {
        Some(a) if a.role.manages_users() => false,
        Some(_) => return Err(AppError::Forbidden("only an admin may create users")),
        None if tx!(app, read, |ex| users::count(ex)).await? == 0 => true,
        None => return Err(AppError::Unauthorized(CLOSED)),
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
    } = User::validate(draft, default_role)?;
    let role = if bootstrap { Role::Admin } else { role };
    let hash = hash_password(password).await?;
    let now = Utc::now();
    let name = username.clone();
    let id = tx!(app, write, |ex| register_tx(
        ex, &name, &hash, role, bootstrap, now
    ))
    .await?;
    Ok(User {
        id,
        username,
        role,
        created_at: now,
    })
}

pub async fn register_tx(
    ex: &mut dyn Exec,
    username: &str,
    hash: &str,
    role: Role,
    bootstrap: bool,
    now: DateTime<Utc>,
) -> Result<UserId, AppError> {
    if bootstrap {
        claim_bootstrap(ex).await?;
    }
    users::insert(ex, username, hash, role, now)
        .await
        .map_err(|e| match e {
            e if e.is_unique_on("username") => AppError::Conflict {
                field: "username",
                message: format!("username '{username}' is already taken"),
            },
            e => e.into(),
        })
}

/// Marks the installation as set up; fails if another request did so first.
async fn claim_bootstrap(ex: &mut dyn Exec) -> Result<(), AppError> {
    if users::count(ex).await? > 0 {
        return Err(AppError::Unauthorized(CLOSED));
    }
    match settings::claim(ex, settings::BOOTSTRAP, &Utc::now().to_rfc3339()).await {
        Ok(()) => Ok(()),
        Err(StoreError::Unique(_)) => Err(AppError::Unauthorized(CLOSED)),
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
    let found = tx!(app, read, |ex| users::find_by_username(ex, &name)).await?;
    let pw = password.to_owned();
    let verified = tokio::task::spawn_blocking(move || match found {
        Some((u, hash)) if password::verify(&hash, &pw) => Some(u),
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
    tx!(app, write, |ex| issue_token_tx(
        ex, &digest, user_id, now, expires_at
    ))
    .await?;
    tracing::info!(username = %user.username, "login");
    Ok(Login {
        token,
        expires_at,
        user: AuthUser {
            actor: Actor {
                id: Some(user.id),
                username: user.username,
                role: user.role,
            },
            expires_at,
        },
    })
}

async fn issue_token_tx(
    ex: &mut dyn Exec,
    digest: &str,
    user_id: UserId,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<(), StoreError> {
    tokens::purge_expired(ex, now).await?;
    tokens::insert(ex, digest, user_id, now, expires_at).await?;
    Ok(())
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
    let session = tx!(app, read, |ex| tokens::find_session(ex, &key))
        .await?
        .ok_or(AppError::Unauthorized("unknown bearer token"))?;
    if session.revoked_at.is_some() {
        return Err(AppError::Unauthorized("this token has been revoked"));
    }
    if session.expires_at <= now {
        return Err(AppError::Unauthorized("this token has expired"));
    }
    let user = AuthUser {
        actor: Actor {
            id: Some(session.user_id),
            username: session.username,
            role: session.role,
        },
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
    tx!(app, write, |ex| tokens::revoke(ex, &digest, now)).await?;
    Ok(())
}

pub async fn list_users(app: &App, actor: &Actor) -> Result<Vec<User>, AppError> {
    super::require(actor, Role::manages_users, "only an admin may list users")?;
    tx!(app, read, |ex| users::list(ex)).await
}
