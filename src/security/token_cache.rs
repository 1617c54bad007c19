//! A short-lived in-memory cache of authenticated tokens.
//!
//! Authentication is on every request; the cache saves a database round trip per request.
//! A logout removes the token here at once, so this process honours it immediately; another
//! server process sharing the database honours it within `ttl`.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use parking_lot::RwLock;

use crate::domain::user::Actor;

/// Who a token belongs to, and until when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthUser {
    pub actor: Actor,
    pub expires_at: DateTime<Utc>,
}

pub struct TokenCache {
    ttl: Duration,
    capacity: usize,
    entries: RwLock<HashMap<String, (AuthUser, Instant)>>,
}

impl TokenCache {
    pub fn new(ttl: Duration, capacity: usize) -> Self {
        TokenCache {
            ttl,
            capacity: capacity.max(1),
            entries: RwLock::new(HashMap::new()),
        }
    }

    /// The cached user for a token digest, if fresh and the token has not expired.
    pub fn get(&self, digest: &str, now: DateTime<Utc>) -> Option<AuthUser> {
        if self.ttl.is_zero() {
            return None;
        }
        let map = self.entries.read();
        let (user, at) = map.get(digest)?;
        (at.elapsed() < self.ttl && user.expires_at > now).then(|| user.clone())
    }

    pub fn put(&self, digest: String, user: AuthUser) {
        if self.ttl.is_zero() {
            return;
        }
        let mut map = self.entries.write();
        if map.len() >= self.capacity {
            let ttl = self.ttl;
            map.retain(|_, (_, at)| at.elapsed() < ttl);
            if map.len() >= self.capacity {
                map.clear();
            }
        }
        map.insert(digest, (user, Instant::now()));
    }

    pub fn remove(&self, digest: &str) {
        self.entries.write().remove(digest);
    }

    /// Forgets every token of a user (but `keep`): a change of role, password or status
    /// takes effect at once in this process.
    pub fn remove_user(&self, user: crate::domain::ids::UserId, keep: Option<&str>) {
        self.entries
            .write()
            .retain(|digest, (u, _)| u.actor.id != Some(user) || Some(digest.as_str()) == keep);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(expires_at: DateTime<Utc>) -> AuthUser {
        AuthUser {
            actor: Actor {
                id: Some(crate::domain::ids::UserId(1)),
                username: "admin".into(),
                role: crate::domain::user::Role::Admin,
            },
            expires_at,
        }
    }

    #[test]
    fn hit_miss_expiry_and_removal() {
        let now = Utc::now();
        let c = TokenCache::new(Duration::from_secs(60), 2);
        c.put("a".into(), user(now + chrono::Duration::hours(1)));
        assert_eq!(c.get("a", now).unwrap().actor.username, "admin");
        assert!(
            c.get("a", now + chrono::Duration::hours(2)).is_none(),
            "token expired"
        );
        c.remove("a");
        assert!(c.get("a", now).is_none());
        for k in ["x", "y", "z"] {
            c.put(k.into(), user(now + chrono::Duration::hours(1)));
        }
        assert!(c.entries.read().len() <= 2, "bounded");
        c.put("x".into(), user(now + chrono::Duration::hours(1)));
        c.put("y".into(), user(now + chrono::Duration::hours(1)));
        c.remove_user(crate::domain::ids::UserId(1), Some("y"));
        assert!(c.get("x", now).is_none() && c.get("y", now).is_some());
        let off = TokenCache::new(Duration::ZERO, 10);
        off.put("a".into(), user(now + chrono::Duration::hours(1)));
        assert!(off.get("a", now).is_none());
    }
}
