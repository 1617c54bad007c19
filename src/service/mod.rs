//! Application services: each use case once, called by every route that offers it (the
//! original system's routes and ours alike). A service validates with the domain rules, runs
//! its statements in one transaction, and reports failures as [`AppError`].

pub mod auth;
pub mod clients;
mod error;

pub use error::AppError;
