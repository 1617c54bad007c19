//! Argon2id password hashes (PHC strings, parameters stored with each hash). Hashes imported
//! from the original PHP system (`password_hash`: bcrypt, `$2y$…`) are accepted too, and
//! replaced by Argon2id at the first successful login ([`needs_rehash`]).

use std::sync::{Arc, LazyLock};

use tokio::sync::{OwnedSemaphorePermit, Semaphore, TryAcquireError};

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

/// OWASP's recommended Argon2id setting (19 MiB, 2 passes, 1 lane).
fn argon2() -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::default())
}

pub fn hash(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        // Hashing fails only for parameters out of range, which are constants here.
        .unwrap_or_default()
}

pub fn verify(hash: &str, password: &str) -> bool {
    if is_bcrypt(hash) {
        // PHP writes `$2y$`; the crate reads the `$2a$`/`$2b$`/`$2y$` variants alike.
        return bcrypt::verify(password, hash).unwrap_or(false);
    }
    PasswordHash::new(hash)
        .map(|h| argon2().verify_password(password.as_bytes(), &h).is_ok())
        .unwrap_or(false)
}

fn is_bcrypt(hash: &str) -> bool {
    ["$2y$", "$2a$", "$2b$"].iter().any(|p| hash.starts_with(p))
}

/// Whether a hash written by another system can be kept as it is and checked at login: PHP's
/// `password_hash` (bcrypt, `$2y$…`, 60 characters) or an Argon2 PHC string.
pub fn is_importable(hash: &str) -> bool {
    (is_bcrypt(hash) && hash.len() == 60)
        || PasswordHash::new(hash).is_ok_and(|h| h.algorithm.as_str().starts_with("argon2"))
}

/// Whether a stored hash is not this server's own kind (an imported bcrypt hash, or Argon2
/// with other parameters): after a successful login it is replaced.
pub fn needs_rehash(hash: &str) -> bool {
    match PasswordHash::new(hash) {
        Ok(h) => {
            h.algorithm.as_str() != "argon2id"
                || Params::try_from(&h).is_ok_and(|p| {
                    let d = Params::default();
                    (p.m_cost(), p.t_cost(), p.p_cost()) != (d.m_cost(), d.t_cost(), d.p_cost())
                })
        }
        Err(_) => true,
    }
}

/// Verifies against a throwaway hash so that an unknown user name costs as much time as a
/// wrong password, and response times do not reveal which user names exist.
pub fn burn_time(password: &str) {
    static DUMMY: LazyLock<String> = LazyLock::new(|| hash("not a real password"));
    let _ = verify(&DUMMY, password);
}

/// Every Argon2 computation of the server, bounded: each takes 19 MiB while it runs, so an
/// unbounded number of concurrent logins is an unbounded amount of memory. The permit travels
/// into the blocking task, so a request abandoned mid-way still holds it until the work is
/// done.
pub struct Hasher {
    permits: Arc<Semaphore>,
}

/// All permits are taken: the caller answers 503 and asks to retry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Busy;

impl Hasher {
    pub fn new(concurrency: usize) -> Self {
        Hasher {
            permits: Arc::new(Semaphore::new(concurrency.max(1))),
        }
    }

    async fn run<T: Send + 'static>(
        permit: OwnedSemaphorePermit,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> T {
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            f()
        })
        .await
        // The closure does not panic (argon2 returns errors); a cancelled runtime is shutdown.
        .unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()))
    }

    /// Hashes a new password, waiting for a permit (users being created or changing their
    /// password are authenticated: they queue rather than fail).
    pub async fn hash(&self, password: String) -> String {
        let Ok(permit) = self.permits.clone().acquire_owned().await else {
            return String::new();
        };
        Self::run(permit, move || hash(&password)).await
    }

    /// Checks `password` against `stored` (or burns the same time when there is no such
    /// user), without waiting: `Err(Busy)` when every permit is taken.
    pub async fn try_verify(&self, stored: Option<String>, password: String) -> Result<bool, Busy> {
        let permit = match self.permits.clone().try_acquire_owned() {
            Ok(p) => p,
            Err(TryAcquireError::NoPermits | TryAcquireError::Closed) => return Err(Busy),
        };
        Ok(Self::run(permit, move || match stored {
            Some(h) => verify(&h, &password),
            None => {
                burn_time(&password);
                false
            }
        })
        .await)
    }

    /// Checks a password, waiting for a permit (an authenticated user's own password).
    pub async fn verify(&self, stored: String, password: String) -> bool {
        let Ok(permit) = self.permits.clone().acquire_owned().await else {
            return false;
        };
        Self::run(permit, move || verify(&stored, &password)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn imported_bcrypt_hashes_verify_and_want_a_rehash() {
        // What PHP's password_hash("secret-pw", PASSWORD_DEFAULT) writes, cost 4 for speed.
        let php = bcrypt::hash_with_result("secret-pw", 4)
            .unwrap()
            .format_for_version(bcrypt::Version::TwoY);
        assert!(php.starts_with("$2y$04$"));
        assert!(verify(&php, "secret-pw"));
        assert!(!verify(&php, "wrong"));
        assert!(needs_rehash(&php));
        let ours = hash("secret-pw");
        assert!(!needs_rehash(&ours));
        assert!(needs_rehash("garbage"));
    }

    #[test]
    fn hash_verifies_only_the_same_password() {
        let h = hash("correct horse");
        assert!(h.starts_with("$argon2id$"));
        assert!(verify(&h, "correct horse"));
        assert!(!verify(&h, "correct horsf"));
        assert!(!verify("not a hash", "correct horse"));
        assert_ne!(h, hash("correct horse"), "salted");
    }
}
