//! Users, logins and tokens.

use chrono::{DateTime, Utc};

use super::idempotency::{self, Once, Outcome};
use super::{AppError, audit};
use crate::app::App;
use crate::domain::audit::{AuditAction, AuditEntity, NewAudit};
use crate::domain::ids::UserId;
use crate::domain::user::{Actor, NewUser, Role, User, UserDraft};
use crate::metrics::LoginOutcome;
use crate::security::token_cache::AuthUser;
use crate::security::{password, token};
use crate::storage::repo::{settings, tokens, users};
use crate::storage::{Exec, StoreError};
use crate::{tx, tx_once};

#[derive(Debug, Clone)]
pub struct Login {
    pub token: String,
    pub expires_at: DateTime<Utc>,
    pub user: AuthUser,
}

async fn hash_password(app: &App, pw: String) -> Result<String, AppError> {
    let hash = app.hasher.hash(pw).await;
    if hash.is_empty() {
        return Err(AppError::Internal("password hashing failed".into()));
    }
    Ok(hash)
}

const BUSY: AppError = AppError::Overloaded {
    message: "the server is checking too many passwords at once; retry shortly",
    retry_after: 1,
};

const CLOSED: &str = "registration is closed: an admin must create further users";

/// Creates a user. Open to anyone while there is no user at all (that first user is an
/// administrator whatever the request says); after that only an administrator may.
pub async fn register(
    app: &App,
    actor: Option<&Actor>,
    draft: &UserDraft,
    once: Once<User>,
) -> Result<Outcome<User>, AppError> {
    let bootstrap = match actor {
        Some(a) if a.role.manages_users() => false,
        Some(_) => return Err(AppError::Forbidden("only an admin may create users")),
        None if tx!(app, read, |ex| users::count(ex)).await? == 0 => true,
        // The retry of the first registration gets its answer back.
        None => match idempotency::recall(app, None, &once).await? {
            Some(replay) => return Ok(replay),
            None => return Err(AppError::Unauthorized(CLOSED)),
        },
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
    let disabled = !bootstrap && draft.disabled.unwrap_or(false);
    let hash = hash_password(app, password).await?;
    let now = Utc::now();
    // The first user registers themself.
    let by = actor
        .map_or(username.as_str(), |a| a.username.as_str())
        .to_owned();
    tx_once!(app, actor.and_then(|a| a.id), once, |ex| async move {
        let id = register_tx(ex, &by, &username, &hash, role, bootstrap, now).await?;
        let user = User {
            id,
            username,
            role,
            disabled,
            created_at: now,
        };
        if disabled {
            users::update(ex, &user, None, now).await?;
            let entry = NewAudit::new(&by, AuditAction::UserUpdated, AuditEntity::User, id)
                .after(user_state(&user));
            audit::record_tx(ex, entry).await?;
        }
        Ok::<_, AppError>(user)
    })
    .await
}

/// Creates a user by `by` (a user's name, `system:cli`; the first user registers themself).
pub async fn register_tx(
    ex: &mut dyn Exec,
    by: &str,
    username: &str,
    hash: &str,
    role: Role,
    bootstrap: bool,
    now: DateTime<Utc>,
) -> Result<UserId, AppError> {
    if bootstrap {
        claim_bootstrap(ex).await?;
    }
    let id = users::insert(ex, username, hash, role, now)
        .await
        .map_err(|e| match e {
            e if e.is_unique_on("username") => AppError::Conflict {
                field: "username",
                message: format!(
                    "username '{username}' is already taken (by a current or a deleted user: \
                     histories keep the names)"
                ),
            },
            e => e.into(),
        })?;
    let entry = NewAudit::new(by, AuditAction::UserCreated, AuditEntity::User, id)
        .after(serde_json::json!({"username": username, "role": role.as_str(), "disabled": false}));
    audit::record_tx(ex, entry).await?;
    Ok(id)
}

/// What the audit trail keeps of a user (never a password hash).
pub(crate) fn user_state(u: &User) -> serde_json::Value {
    serde_json::json!({"username": u.username, "role": u.role.as_str(), "disabled": u.disabled})
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

/// Checks a user name and password; on success issues a token. The attempt counts against
/// the throttle before the password is checked, and the check waits for no one: when every
/// password-check slot is taken the answer is 503 and the attempt does not count.
pub async fn login(
    app: &App,
    username: &str,
    password: &str,
    addr: Option<&str>,
) -> Result<Login, AppError> {
    let addr = addr.unwrap_or("unknown");
    // The typed name may be a password typed in the wrong field: logs get a keyed hash.
    let user_tag = app.secrets.log_tag(username);
    if let Err(retry_after) = app.throttle.attempt(username, addr) {
        tracing::warn!(
            user_tag,
            addr,
            retry_after,
            "login refused: too many failures"
        );
        app.metrics.login(LoginOutcome::Throttled);
        return Err(AppError::TooManyRequests { retry_after });
    }
    let name = username.to_owned();
    let found = match tx!(app, read, |ex| users::find_by_username(ex, &name)).await {
        Ok(f) => f,
        Err(e) => {
            app.throttle.cancel(username, addr);
            return Err(e);
        }
    };
    let (user, hash) = found.unzip();
    let rehash = hash.as_deref().is_some_and(password::needs_rehash);
    let Ok(verified) = app.hasher.try_verify(hash, password.to_owned()).await else {
        app.throttle.cancel(username, addr);
        tracing::warn!(addr, "login refused: every password-check slot is busy");
        app.metrics.login(LoginOutcome::Busy);
        return Err(BUSY);
    };
    let user = match user {
        Some(u) if verified => u,
        _ => {
            tracing::info!(user_tag, addr, "login failed");
            app.metrics.login(LoginOutcome::Failed);
            return Err(AppError::Unauthorized("invalid username or password"));
        }
    };
    if user.disabled {
        tracing::info!(username = %user.username, addr, "login refused: user disabled");
        app.metrics.login(LoginOutcome::Failed);
        return Err(AppError::Unauthorized("this user is disabled"));
    }
    app.throttle.succeeded(username, addr);
    if rehash {
        // An imported hash (the original system's bcrypt) becomes ours now that the password
        // is known; a failure here costs nothing but a later retry.
        let new = app.hasher.hash(password.to_owned()).await;
        let id = user.id;
        if let Err(e) = tx!(app, write, |ex| users::set_password_hash(ex, id, &new)).await {
            tracing::warn!(error = %e, "re-hashing an imported password failed");
        }
    }
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
    app.metrics.login(LoginOutcome::Success);
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
    let session = tx!(app, lookup, |ex| tokens::find_session(ex, &key))
        .await?
        .ok_or(AppError::Unauthorized("unknown bearer token"))?;
    if session.revoked_at.is_some() {
        return Err(AppError::Unauthorized("this token has been revoked"));
    }
    if session.disabled {
        return Err(AppError::Unauthorized("this user is disabled"));
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

/// Changes the caller's own password, after checking the current one (counted by the
/// throttle like a login); every other token of theirs is revoked.
pub async fn change_password(
    app: &App,
    actor: &Actor,
    token_text: &str,
    current: &str,
    new: &str,
    addr: Option<&str>,
) -> Result<(), AppError> {
    let Some(id) = actor.id else {
        return Err(AppError::Forbidden("only a user has a password"));
    };
    let mut e = crate::domain::validation::FieldErrors::default();
    let new = crate::domain::user::check_password(&mut e, "new_password", new);
    if new.as_deref() == Some(current) {
        e.add("new_password", "must differ from the current password");
    }
    let Some(new) = new.filter(|_| e.is_empty()) else {
        return Err(e.into());
    };
    let addr = addr.unwrap_or("unknown");
    if let Err(retry_after) = app.throttle.attempt(&actor.username, addr) {
        return Err(AppError::TooManyRequests { retry_after });
    }
    let (_, hash) = tx!(app, read, |ex| users::get(ex, id, false))
        .await?
        .ok_or_else(|| AppError::NotFound("user".into()))?;
    if !app.hasher.verify(hash, current.to_owned()).await {
        tracing::info!(username = %actor.username, addr, "password change refused: wrong current password");
        let mut e = crate::domain::validation::FieldErrors::default();
        e.add("current_password", "is not your current password");
        return Err(e.into());
    }
    app.throttle.succeeded(&actor.username, addr);
    let hash = hash_password(app, new).await?;
    let keep = token::digest(token_text);
    let now = Utc::now();
    let k = keep.clone();
    let revoked = tx!(app, write, |ex| async move {
        let (user, _) = users::get(ex, id, true)
            .await?
            .ok_or_else(|| AppError::NotFound("user".into()))?;
        users::update(ex, &user, Some(&hash), now).await?;
        let revoked = tokens::revoke_all(ex, id, Some(&k), now).await?;
        // Last, as every audited change: the trail's head is the last lock taken.
        let entry = NewAudit::new(
            &user.username,
            AuditAction::UserPasswordChanged,
            AuditEntity::User,
            id,
        );
        audit::record_tx(ex, entry).await?;
        Ok::<_, AppError>(revoked)
    })
    .await?;
    app.tokens.remove_user(id, Some(&keep));
    tracing::info!(username = %actor.username, revoked, "password changed");
    Ok(())
}

const ADMINS_ONLY: &str = "only an admin may manage users";

pub async fn list_users(app: &App, actor: &Actor) -> Result<Vec<User>, AppError> {
    super::require(actor, Role::manages_users, "only an admin may list users")?;
    tx!(app, read, |ex| users::list(ex)).await
}

pub async fn get_user(app: &App, actor: &Actor, id: UserId) -> Result<User, AppError> {
    super::require(actor, Role::manages_users, ADMINS_ONLY)?;
    tx!(app, read, |ex| users::get(ex, id, false))
        .await?
        .map(|(u, _)| u)
        .ok_or_else(|| AppError::NotFound(format!("user {id}")))
}

fn last_admin(what: &str) -> AppError {
    AppError::Conflict {
        field: "role",
        message: format!(
            "this is the last admin, who cannot be {what}: make another user admin first"
        ),
    }
}

/// Changes a user's role, status or password (an admin's reset). A new password or disabling
/// ends every session of the user; every change takes effect at once here and within
/// `token_cache_seconds` on other servers. The last admin cannot stop being one.
pub async fn update_user(
    app: &App,
    actor: &Actor,
    id: UserId,
    draft: &UserDraft,
) -> Result<User, AppError> {
    super::require(actor, Role::manages_users, ADMINS_ONLY)?;
    let before = get_user(app, actor, id).await?;
    let change = before.patch(draft)?;
    let hash = match change.password.clone() {
        Some(p) => Some(hash_password(app, p).await?),
        None => None,
    };
    let now = Utc::now();
    let by = actor.username.clone();
    let password_reset = hash.is_some();
    let user = tx!(app, write, |ex| async move {
        // The admins' rows first, then the user's: every such change locks in one order, so
        // two of them cannot deadlock.
        let admins = users::lock_active_admins(ex).await?;
        let (before, _) = users::get(ex, id, true)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("user {id}")))?;
        if change.leaves_admins(&before) && admins == [id] {
            return Err(last_admin(if change.disabled {
                "disabled"
            } else {
                "demoted"
            }));
        }
        let user = User {
            role: change.role,
            disabled: change.disabled,
            ..before.clone()
        };
        users::update(ex, &user, hash.as_deref(), now).await?;
        if change.ends_sessions(&before) {
            tokens::revoke_all(ex, id, None, now).await?;
        }
        let mut after = user_state(&user);
        after["password_reset"] = password_reset.into();
        let entry = NewAudit::new(&by, AuditAction::UserUpdated, AuditEntity::User, id)
            .before(user_state(&before))
            .after(after);
        audit::record_tx(ex, entry).await?;
        Ok::<_, AppError>(user)
    })
    .await?;
    app.tokens.remove_user(id, None);
    tracing::info!(by = %actor.username, user = %user.username, role = %user.role.as_str(),
        disabled = user.disabled, password_reset = draft.password.is_some(), "user updated");
    Ok(user)
}

/// Deletes a user: no login, no token; the name stays taken. The last admin cannot go.
pub async fn delete_user(app: &App, actor: &Actor, id: UserId) -> Result<(), AppError> {
    super::require(actor, Role::manages_users, ADMINS_ONLY)?;
    let now = Utc::now();
    let by = actor.username.clone();
    let name = tx!(app, write, |ex| async move {
        let admins = users::lock_active_admins(ex).await?;
        let (user, _) = users::get(ex, id, true)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("user {id}")))?;
        if user.role == Role::Admin && !user.disabled && admins == [id] {
            return Err(last_admin("deleted"));
        }
        users::delete(ex, id, now).await?;
        tokens::revoke_all(ex, id, None, now).await?;
        let entry = NewAudit::new(&by, AuditAction::UserDeleted, AuditEntity::User, id)
            .before(user_state(&user));
        audit::record_tx(ex, entry).await?;
        Ok::<_, AppError>(user.username)
    })
    .await?;
    app.tokens.remove_user(id, None);
    tracing::info!(by = %actor.username, user = %name, "user deleted");
    Ok(())
}

/// Revokes every token of a user; returns how many were live.
pub async fn revoke_tokens(app: &App, actor: &Actor, id: UserId) -> Result<u64, AppError> {
    super::require(actor, Role::manages_users, ADMINS_ONLY)?;
    let now = Utc::now();
    let by = actor.username.clone();
    let n = tx!(app, write, |ex| async move {
        users::get(ex, id, false)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("user {id}")))?;
        let n = tokens::revoke_all(ex, id, None, now).await?;
        let entry = NewAudit::new(&by, AuditAction::UserTokensRevoked, AuditEntity::User, id)
            .after(serde_json::json!({"revoked": n}));
        audit::record_tx(ex, entry).await?;
        Ok::<_, AppError>(n)
    })
    .await?;
    app.tokens.remove_user(id, None);
    tracing::info!(by = %actor.username, user = %id, revoked = n, "tokens revoked");
    Ok(n)
}

/// The console language the user chose, if any.
pub async fn language(app: &App, actor: &Actor) -> Result<Option<crate::i18n::Lang>, AppError> {
    let Some(id) = actor.id else { return Ok(None) };
    let saved = tx!(app, lookup, |ex| users::language(ex, id)).await?;
    Ok(saved.as_deref().and_then(crate::i18n::Lang::parse))
}

/// Saves the user's console language (every user may choose their own).
pub async fn set_language(
    app: &App,
    actor: &Actor,
    lang: crate::i18n::Lang,
) -> Result<(), AppError> {
    let Some(id) = actor.id else { return Ok(()) };
    let code = lang.code();
    tx!(app, write, |ex| users::set_language(ex, id, code)).await?;
    Ok(())
}
