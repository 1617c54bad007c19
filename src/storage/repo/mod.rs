//! Repository functions: one per statement or small group, each written once for all backends.

pub mod clients;
pub mod tokens;
pub mod users;
