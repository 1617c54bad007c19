//! Throttling of failed logins, per (user name, address) and per address, with growing delays.
//!
//! Each attempt is counted *before* the password is checked, so a burst of concurrent
//! guesses is cut off after the free attempts instead of all being verified. Past the free
//! attempts, the next one must wait 1 s, then 2 s, 4 s, … up to the maximum delay. The user
//! name alone is never a key: a guesser elsewhere cannot lock the real user out, and a right
//! password from an address that is not throttled always works. User names are compared
//! exactly (they are case-sensitive) and kept only as a hash, so a password typed into the
//! name field is not held in memory. Kept in memory: a restart forgets it, which only ever
//! lets a user in sooner.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use parking_lot::Mutex;
use sha2::{Digest, Sha256};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rules {
    /// Failures per (user name, address) before delays start.
    pub free_attempts: u32,
    /// Failures per address, over all user names, before delays start.
    pub address_free_attempts: u32,
    /// The longest delay; failures are forgotten after four times this without an attempt.
    pub max_delay: Duration,
}

pub struct LoginThrottle {
    rules: Rules,
    entries: Mutex<HashMap<Key, Entry>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Pair([u8; 16], String),
    Address(String),
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    failures: u32,
    last: Instant,
}

/// Beyond this many keys, forgotten entries are dropped; beyond `HARD_CAP`, also those that
/// delay nobody yet.
const PRUNE_AT: usize = 10_000;
const HARD_CAP: usize = 200_000;

fn user_hash(username: &str) -> [u8; 16] {
    let d = Sha256::digest(username.as_bytes());
    let mut out = [0u8; 16];
    out.copy_from_slice(&d[..16]);
    out
}

impl LoginThrottle {
    pub fn new(rules: Rules) -> Self {
        LoginThrottle {
            rules: Rules {
                free_attempts: rules.free_attempts.max(1),
                address_free_attempts: rules.address_free_attempts.max(1),
                max_delay: rules.max_delay.max(Duration::from_secs(1)),
            },
            entries: Mutex::new(HashMap::new()),
        }
    }

    fn keys(username: &str, addr: &str) -> [(Key, bool); 2] {
        [
            (Key::Pair(user_hash(username), addr.to_owned()), false),
            (Key::Address(addr.to_owned()), true),
        ]
    }

    fn forget_after(&self) -> Duration {
        self.rules.max_delay * 4
    }

    /// How long after its last failure a key with `failures` must wait.
    fn delay(&self, failures: u32, free: u32) -> Duration {
        if failures < free {
            return Duration::ZERO;
        }
        let doublings = (failures - free).min(30);
        Duration::from_secs(1u64 << doublings).min(self.rules.max_delay)
    }

    fn free(&self, address: bool) -> u32 {
        if address {
            self.rules.address_free_attempts
        } else {
            self.rules.free_attempts
        }
    }

    /// Counts an attempt of `username` from `addr` before its password is checked;
    /// `Err(seconds to wait)` when either key must still wait, and then nothing is counted.
    pub fn attempt(&self, username: &str, addr: &str) -> Result<(), u64> {
        let now = Instant::now();
        let mut map = self.entries.lock();
        let keys = Self::keys(username, addr);
        let mut wait = Duration::ZERO;
        for (k, address) in &keys {
            if let Some(e) = map.get(k)
                && now.duration_since(e.last) < self.forget_after()
            {
                let until = e.last + self.delay(e.failures, self.free(*address));
                wait = wait.max(until.saturating_duration_since(now));
            }
        }
        if !wait.is_zero() {
            return Err(wait.as_secs_f64().ceil().max(1.0) as u64);
        }
        if map.len() > PRUNE_AT {
            self.prune(&mut map, now);
        }
        for (k, _) in keys {
            let e = map.entry(k).or_insert(Entry {
                failures: 0,
                last: now,
            });
            if now.duration_since(e.last) >= self.forget_after() {
                e.failures = 0;
            }
            e.failures += 1;
            e.last = now;
        }
        Ok(())
    }

    fn prune(&self, map: &mut HashMap<Key, Entry>, now: Instant) {
        let forget = self.forget_after();
        map.retain(|_, e| now.duration_since(e.last) < forget);
        if map.len() > HARD_CAP {
            let (pair, addr) = (self.rules.free_attempts, self.rules.address_free_attempts);
            map.retain(|k, e| {
                e.failures
                    >= match k {
                        Key::Pair(..) => pair,
                        Key::Address(_) => addr,
                    }
            });
        }
    }

    /// The password was right: the pair's failures are cleared, and this attempt no longer
    /// counts against the address (which may be guessing at other users while owning one).
    pub fn succeeded(&self, username: &str, addr: &str) {
        let mut map = self.entries.lock();
        let [(pair, _), (address, _)] = Self::keys(username, addr);
        map.remove(&pair);
        Self::uncount(&mut map, &address);
    }

    /// The attempt was not checked after all (the server was too busy): it does not count.
    pub fn cancel(&self, username: &str, addr: &str) {
        let mut map = self.entries.lock();
        for (k, _) in Self::keys(username, addr) {
            Self::uncount(&mut map, &k);
        }
    }

    fn uncount(map: &mut HashMap<Key, Entry>, k: &Key) {
        if let Some(e) = map.get_mut(k) {
            e.failures = e.failures.saturating_sub(1);
            if e.failures == 0 {
                map.remove(k);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(free: u32, address_free: u32, max: u64) -> Rules {
        Rules {
            free_attempts: free,
            address_free_attempts: address_free,
            max_delay: Duration::from_secs(max),
        }
    }

    #[test]
    fn free_attempts_then_growing_delays_per_user_and_address() {
        let t = LoginThrottle::new(rules(3, 100, 900));
        for _ in 0..3 {
            t.attempt("alice", "10.0.0.1").unwrap();
        }
        // The third failure starts a 1 s delay for this pair only.
        assert_eq!(t.attempt("alice", "10.0.0.1"), Err(1));
        assert!(t.attempt("alice", "10.0.0.2").is_ok(), "another address");
        assert!(t.attempt("bob", "10.0.0.1").is_ok(), "another user");
        assert!(
            t.attempt("Alice", "10.0.0.1").is_ok(),
            "names are case-sensitive"
        );
        // Delays double: 1, 2, 4 … capped.
        assert_eq!(t.delay(3, 3), Duration::from_secs(1));
        assert_eq!(t.delay(5, 3), Duration::from_secs(4));
        assert_eq!(t.delay(40, 3), Duration::from_secs(900));
        assert_eq!(t.delay(2, 3), Duration::ZERO);
    }

    #[test]
    fn an_address_guessing_many_users_is_slowed_too() {
        let t = LoginThrottle::new(rules(100, 4, 900));
        for u in ["a1", "a2", "a3", "a4"] {
            t.attempt(u, "10.0.0.7").unwrap();
        }
        assert!(t.attempt("a5", "10.0.0.7").is_err());
        assert!(t.attempt("a5", "10.0.0.8").is_ok());
    }

    #[test]
    fn success_clears_the_pair_and_cancel_uncounts() {
        let t = LoginThrottle::new(rules(2, 3, 900));
        t.attempt("carol", "a").unwrap();
        t.attempt("carol", "a").unwrap();
        assert!(t.attempt("carol", "a").is_err());
        t.succeeded("carol", "a");
        assert!(t.attempt("carol", "a").is_ok());
        t.cancel("carol", "a");
        // The cancelled attempt does not count: two more are free.
        t.attempt("carol", "a").unwrap();
        t.attempt("carol", "a").unwrap();
        assert!(t.attempt("carol", "a").is_err());
    }

    #[test]
    fn delays_pass() {
        let t = LoginThrottle::new(rules(1, 10, 1));
        t.attempt("dave", "a").unwrap();
        assert_eq!(t.attempt("dave", "a"), Err(1));
        std::thread::sleep(Duration::from_millis(1050));
        assert!(t.attempt("dave", "a").is_ok());
    }
}
