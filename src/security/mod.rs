//! Credentials: password hashing, bearer tokens, sealed secrets, login throttling.

pub mod net;
pub mod password;
pub mod secret_box;
pub mod throttle;
pub mod token;
pub mod token_cache;

/// Whether two secrets are equal, in time that does not depend on where they differ (a CSRF
/// token, a gateway's callback token).
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
