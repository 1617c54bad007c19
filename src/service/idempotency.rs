//! Creates a client may safely retry. A create sent with an `Idempotency-Key` stores its
//! answer (status and body, byte for byte) in its own transaction; a retry with the same key
//! gets that answer back instead of creating again, and a key reused for a different request
//! is refused. A create that fails stores nothing, so its retry can succeed.
//!
//! The key is claimed before the create's work (a row in `idempotency_keys`, unique per user
//! and route), so a concurrent duplicate waits on the unique index: when the first commits,
//! the duplicate's claim fails and it answers the stored answer; when the first rolls back,
//! the duplicate goes ahead. Keys are kept for [`KEY_LIFETIME_HOURS`].

use chrono::{DateTime, Duration, Utc};

use super::AppError;
use crate::app::App;
use crate::domain::ids::UserId;
use crate::domain::validation::FieldErrors;
use crate::storage::repo::idempotency::{self as repo, Scope, Stored};
use crate::storage::{BoxFuture, Exec, StoreError};

/// How long a key's answer is kept and replayed.
pub const KEY_LIFETIME_HOURS: i64 = 24;

/// The header's name, as errors name it.
pub const HEADER: &str = "Idempotency-Key";

/// What a create answered: the status and the body's exact text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub status: u16,
    pub body: String,
}

/// A request's `Idempotency-Key`, the route it was sent to (`POST /plans`) and a digest of
/// the request (path, query and body), which a retry must match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key {
    pub key: String,
    pub route: String,
    pub fingerprint: String,
}

impl Key {
    /// Checks the header's value: 1 to 128 printable ASCII characters.
    pub fn new(key: &str, route: String, fingerprint: String) -> Result<Key, AppError> {
        if key.is_empty() || key.len() > 128 || !key.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(AppError::bad_request(
                HEADER,
                "must be 1 to 128 printable ASCII characters",
            ));
        }
        Ok(Key {
            key: key.to_owned(),
            route,
            fingerprint,
        })
    }
}

type Answering<T> = Box<dyn Fn(&T) -> Answer + Send + Sync>;

/// How a create answers, and the key (if the request sent one) under which the answer is kept.
pub struct Once<T> {
    key: Option<Key>,
    answer: Answering<T>,
}

impl<T> Once<T> {
    pub fn new(key: Option<Key>, answer: impl Fn(&T) -> Answer + Send + Sync + 'static) -> Self {
        Once {
            key,
            answer: Box::new(answer),
        }
    }

    /// A create sent without a key (a console form whose double submission the entity's own
    /// unique name refuses): nothing is kept, so the answer is never replayed.
    pub fn unkeyed() -> Self {
        Once::new(None, |_| Answer {
            status: 201,
            body: String::new(),
        })
    }
}

/// A create's outcome: done now, or the answer of the first request with the same key.
#[derive(Debug)]
pub enum Outcome<T> {
    Created(T, Answer),
    Replayed(Answer),
}

impl<T> Outcome<T> {
    pub fn answer(&self) -> &Answer {
        match self {
            Outcome::Created(_, a) | Outcome::Replayed(a) => a,
        }
    }

    pub fn into_answer(self) -> Answer {
        match self {
            Outcome::Created(_, a) | Outcome::Replayed(a) => a,
        }
    }

    /// What was created now; `None` for a replay.
    pub fn created(&self) -> Option<&T> {
        match self {
            Outcome::Created(t, _) => Some(t),
            Outcome::Replayed(_) => None,
        }
    }

    pub fn is_replay(&self) -> bool {
        matches!(self, Outcome::Replayed(_))
    }
}

const IN_PROGRESS: &str = "a request with this Idempotency-Key is still in progress; retry";

enum Failure {
    App(AppError),
    /// Another request claimed the key first (and committed).
    Raced,
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        Failure::App(e.into())
    }
}

impl From<AppError> for Failure {
    fn from(e: AppError) -> Self {
        Failure::App(e)
    }
}

fn replay<T>(stored: Stored, fingerprint: &str) -> Result<Outcome<T>, AppError> {
    if stored.request_hash != fingerprint {
        return Err(FieldErrors::single(
            HEADER,
            "was already used for a different request; send a new key for a new request",
        )
        .into());
    }
    match u16::try_from(stored.status) {
        Ok(status) if status >= 200 => Ok(Outcome::Replayed(Answer {
            status,
            body: stored.body,
        })),
        _ => Err(AppError::Conflict {
            field: HEADER,
            message: IN_PROGRESS.into(),
        }),
    }
}

fn expired(stored: &Stored, now: DateTime<Utc>) -> bool {
    stored.created_at < now - Duration::hours(KEY_LIFETIME_HOURS)
}

/// Runs a create's transaction `work` (a service's `…_tx`) once per key: see the module's
/// documentation. `user` is the caller (`None`: the anonymous first registration). Use
/// through [`crate::tx_once!`].
pub async fn create<T, W>(
    app: &App,
    user: Option<UserId>,
    once: Once<T>,
    work: W,
) -> Result<Outcome<T>, AppError>
where
    T: Send + 'static,
    W: for<'e> FnOnce(&'e mut dyn Exec) -> BoxFuture<'e, Result<T, AppError>> + Send + 'static,
{
    let Once { key, answer } = once;
    let Some(key) = key else {
        let value = app.db.write(work).await?;
        let a = answer(&value);
        return Ok(Outcome::Created(value, a));
    };
    let user_id = user.map_or(0, |u| u.0);
    let now = Utc::now();
    let key = keyed(app, key);
    let k = key.clone();
    let result = app
        .db
        .write(move |ex| {
            Box::pin(async move {
                let scope = Scope {
                    user_id,
                    route: &k.route,
                    key: &k.key,
                };
                if let Some(stored) = repo::find(ex, scope).await? {
                    if !expired(&stored, now) {
                        return Ok(replay(stored, &k.fingerprint)?);
                    }
                    repo::forget(ex, scope).await?;
                }
                repo::claim(ex, scope, &k.fingerprint, now)
                    .await
                    .map_err(|e| match e {
                        StoreError::Unique(_) => Failure::Raced,
                        e => e.into(),
                    })?;
                let value = work(ex).await?;
                let a = answer(&value);
                repo::answer(ex, scope, a.status, &a.body).await?;
                Ok::<_, Failure>(Outcome::Created(value, a))
            })
        })
        .await;
    match result {
        Ok(o) => Ok(o),
        Err(Failure::App(e)) => Err(e),
        // The other request committed since this one looked: its answer, now visible.
        Err(Failure::Raced) => match stored(app, user_id, &key).await? {
            Some(s) => replay(s, &key.fingerprint),
            None => Err(AppError::Conflict {
                field: HEADER,
                message: IN_PROGRESS.into(),
            }),
        },
    }
}

/// The key with its request's digest keyed by the server's secret: the stored digest of a
/// body that held a password does not let anyone with the database guess the password.
fn keyed(app: &App, mut key: Key) -> Key {
    key.fingerprint = app.secrets.digest(&key.fingerprint);
    key
}

/// The record of `key`, read in a transaction of its own.
async fn stored(app: &App, user_id: i64, key: &Key) -> Result<Option<Stored>, AppError> {
    let k = key.clone();
    Ok(app
        .db
        .read(move |ex| {
            Box::pin(async move {
                repo::find(
                    ex,
                    Scope {
                        user_id,
                        route: &k.route,
                        key: &k.key,
                    },
                )
                .await
            })
        })
        .await?)
}

/// The stored answer for `once`'s key, if the caller used it before (and it has not expired):
/// for a route that must refuse a request, unless it is the retry of one that succeeded.
pub async fn recall<T>(
    app: &App,
    user: Option<UserId>,
    once: &Once<T>,
) -> Result<Option<Outcome<T>>, AppError> {
    let Some(key) = once.key.clone().map(|k| keyed(app, k)) else {
        return Ok(None);
    };
    match stored(app, user.map_or(0, |u| u.0), &key).await? {
        Some(s) if !expired(&s, Utc::now()) => replay(s, &key.fingerprint).map(Some),
        _ => Ok(None),
    }
}

/// Forgets keys older than [`KEY_LIFETIME_HOURS`] (the scheduler calls it hourly).
pub async fn purge(app: &App) -> Result<u64, AppError> {
    let before = Utc::now() - Duration::hours(KEY_LIFETIME_HOURS);
    Ok(app
        .db
        .write(move |ex| Box::pin(async move { repo::purge(ex, before).await }))
        .await?)
}

/// `tx_once!(app, user, once, |ex| create_tx(ex, …))`: as [`crate::tx!`] with `write`, for a
/// create that answers once per `Idempotency-Key` (see [`create`]).
#[macro_export]
macro_rules! tx_once {
    ($app:expr, $user:expr, $once:expr, |$ex:ident| $body:expr) => {
        $crate::service::idempotency::create($app, $user, $once, move |$ex| {
            Box::pin(async move {
                #[allow(clippy::needless_question_mark)]
                let r = Ok::<_, $crate::service::AppError>($body.await?);
                r
            })
        })
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored(hash: &str, status: i64) -> Stored {
        Stored {
            request_hash: hash.into(),
            status,
            body: "{\"a\":1}".into(),
            created_at: Utc::now(),
        }
    }

    #[test]
    fn replays_match_the_request() {
        let o = replay::<()>(stored("h", 201), "h").unwrap();
        assert_eq!(o.answer().status, 201);
        assert_eq!(o.answer().body, "{\"a\":1}");
        assert!(o.is_replay());
        match replay::<()>(stored("h", 201), "other") {
            Err(AppError::Validation(e)) => assert!(e.0.contains_key(HEADER)),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            replay::<()>(stored("h", 0), "h"),
            Err(AppError::Conflict { .. })
        ));
    }

    #[test]
    fn keys_are_printable_ascii() {
        let k = |s: &str| Key::new(s, "POST /x".into(), "f".into());
        assert!(k("order-42").is_ok());
        assert!(k("").is_err());
        assert!(k("with space").is_err());
        assert!(k(&"x".repeat(129)).is_err());
    }

    #[test]
    fn keys_expire_after_a_day() {
        let mut s = stored("h", 201);
        let now = Utc::now();
        assert!(!expired(&s, now));
        s.created_at = now - Duration::hours(KEY_LIFETIME_HOURS) - Duration::seconds(1);
        assert!(expired(&s, now));
    }
}
