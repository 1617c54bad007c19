//! Business rules, free of I/O: validation of what comes in, and (later) billing arithmetic.

pub mod billing;
pub mod client;
pub mod money;
pub mod phone;
pub mod provisioning;
pub mod user;
pub mod validation;
