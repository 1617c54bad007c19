//! Credentials: password hashing, bearer tokens, sealed secrets, login throttling.

pub mod net;
pub mod password;
pub mod secret_box;
pub mod throttle;
pub mod token;
pub mod token_cache;
