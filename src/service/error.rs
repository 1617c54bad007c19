use crate::domain::validation::FieldErrors;
use crate::storage::StoreError;

/// Every way a request can fail, independent of HTTP (the HTTP layer maps each to a status).
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{message}")]
    BadRequest {
        message: String,
        errors: FieldErrors,
    },
    #[error("validation failed")]
    Validation(FieldErrors),
    #[error("{0}")]
    Unauthorized(&'static str),
    #[error("{0}")]
    Forbidden(&'static str),
    #[error("{0} not found")]
    NotFound(String),
    #[error("{message}")]
    Conflict {
        field: &'static str,
        message: String,
    },
    #[error("too many failed attempts; retry in {retry_after} s")]
    TooManyRequests { retry_after: u64 },
    /// The server is at a limit it sets itself (concurrent password checks); retry later.
    #[error("{message}")]
    Overloaded {
        message: &'static str,
        retry_after: u64,
    },
    /// Something this server depends on (a router) could not be reached.
    #[error("{0}")]
    Unavailable(String),
    /// A payment gateway could not be reached or refused the request.
    #[error("{0}")]
    GatewayUnavailable(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Internal(String),
}

impl From<FieldErrors> for AppError {
    fn from(e: FieldErrors) -> Self {
        AppError::Validation(e)
    }
}

impl AppError {
    pub fn bad_request(field: &str, message: &str) -> Self {
        AppError::BadRequest {
            message: message.to_owned(),
            errors: FieldErrors::single(field, message),
        }
    }
}
