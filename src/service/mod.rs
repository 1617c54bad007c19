//! Application services: each use case once, called by every route that offers it (the
//! original system's routes and ours alike). A service validates with the domain rules, runs
//! its statements in one transaction, and reports failures as [`AppError`].

pub mod auth;
pub mod billing;
pub mod clients;
mod error;
pub mod invoices;
pub mod payments;
pub mod plans;
pub mod reports;
pub mod routers;
pub mod subscriptions;

pub use error::AppError;

use crate::security::token_cache::AuthUser;

/// A page of a listing, 1-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub page: u32,
    pub per_page: u32,
}

impl Page {
    pub(crate) fn limit_offset(self) -> (i64, i64) {
        let per = i64::from(self.per_page);
        (per, (i64::from(self.page) - 1) * per)
    }
}

/// Refuses the caller unless `allowed` says their role may act.
pub(crate) fn require(
    actor: &AuthUser,
    allowed: fn(crate::domain::user::Role) -> bool,
    refusal: &'static str,
) -> Result<(), AppError> {
    if allowed(actor.role) {
        Ok(())
    } else {
        Err(AppError::Forbidden(refusal))
    }
}

/// Maps a foreign key's refusal of a delete (something still refers to the row) to a 409
/// naming what; other errors pass through.
pub(crate) fn in_use(
    field: &'static str,
    message: &'static str,
) -> impl Fn(crate::storage::StoreError) -> AppError {
    move |e| match e {
        crate::storage::StoreError::ForeignKey(_) => AppError::Conflict {
            field,
            message: message.into(),
        },
        e => e.into(),
    }
}

/// Runs a read-only repository call in its own transaction.
#[macro_export]
macro_rules! read {
    ($app:expr, |$ex:ident| $body:expr) => {
        $app.db.read(move |$ex| {
            Box::pin(async move { Ok::<_, $crate::service::AppError>($body.await?) })
        })
    };
}
