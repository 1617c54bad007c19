//! Throttling of failed logins, per user name and per client address.
//!
//! After `max_failures` failures within `window`, further attempts for that key are refused
//! until the window passes, whether or not the password would be right: a guesser learns
//! nothing more. Kept in memory: a restart forgets it, which only ever lets a user in sooner.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use parking_lot::Mutex;

pub struct LoginThrottle {
    max_failures: u32,
    window: Duration,
    failures: Mutex<HashMap<String, (u32, Instant)>>,
}

/// Beyond this many tracked keys, entries whose window has passed are dropped.
const PRUNE_AT: usize = 10_000;

impl LoginThrottle {
    pub fn new(max_failures: u32, window: Duration) -> Self {
        LoginThrottle {
            max_failures: max_failures.max(1),
            window,
            failures: Mutex::new(HashMap::new()),
        }
    }

    fn keys(username: &str, addr: Option<&str>) -> Vec<String> {
        let mut keys = vec![format!("user:{}", username.to_lowercase())];
        if let Some(a) = addr {
            keys.push(format!("addr:{a}"));
        }
        keys
    }

    /// `Err(seconds to wait)` when either key is locked.
    pub fn check(&self, username: &str, addr: Option<&str>) -> Result<(), u64> {
        let now = Instant::now();
        let map = self.failures.lock();
        let wait = Self::keys(username, addr)
            .iter()
            .filter_map(|k| map.get(k))
            .filter(|(n, since)| {
                *n >= self.max_failures && now.duration_since(*since) < self.window
            })
            .map(|(_, since)| (self.window - now.duration_since(*since)).as_secs().max(1))
            .max();
        wait.map_or(Ok(()), Err)
    }

    pub fn failed(&self, username: &str, addr: Option<&str>) {
        let now = Instant::now();
        let mut map = self.failures.lock();
        if map.len() > PRUNE_AT {
            map.retain(|_, (_, since)| now.duration_since(*since) < self.window);
        }
        for k in Self::keys(username, addr) {
            let e = map.entry(k).or_insert((0, now));
            if now.duration_since(e.1) >= self.window {
                *e = (0, now);
            }
            e.0 += 1;
        }
    }

    /// A successful login clears the user name's count (not the address's: one address may
    /// be guessing at many users while also owning one).
    pub fn succeeded(&self, username: &str) {
        self.failures
            .lock()
            .remove(&format!("user:{}", username.to_lowercase()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_after_max_failures_per_user_and_per_address() {
        let t = LoginThrottle::new(3, Duration::from_secs(60));
        for _ in 0..2 {
            t.failed("alice", Some("10.0.0.1"));
        }
        assert!(t.check("alice", Some("10.0.0.9")).is_ok());
        t.failed("alice", Some("10.0.0.1"));
        assert!(t.check("ALICE", Some("10.0.0.9")).is_err(), "by user");
        assert!(t.check("bob", Some("10.0.0.1")).is_err(), "by address");
        assert!(t.check("bob", Some("10.0.0.2")).is_ok());
        let wait = t.check("alice", None).unwrap_err();
        assert!((1..=60).contains(&wait));
    }

    #[test]
    fn success_clears_the_user_and_the_window_expires() {
        let t = LoginThrottle::new(1, Duration::from_millis(30));
        t.failed("carol", None);
        assert!(t.check("carol", None).is_err());
        t.succeeded("carol");
        assert!(t.check("carol", None).is_ok());
        t.failed("dave", None);
        std::thread::sleep(Duration::from_millis(40));
        assert!(t.check("dave", None).is_ok());
    }
}
