//! One JSON shape for every failure:
//! `{"status":422,"error":"validation_failed","message":"…","errors":{"field":"…"}}`.

use std::collections::BTreeMap;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::validation::FieldErrors;
use crate::service::AppError;
use crate::storage::StoreError;

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// The HTTP status code, repeated for clients that only see the body.
    pub status: u16,
    /// A stable machine-readable code, e.g. `validation_failed`.
    pub error: &'static str,
    pub message: String,
    /// Per-field messages, keyed by the request field's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<BTreeMap<String, String>>,
}

/// An error response: built from an [`AppError`] or directly by the HTTP layer (rejections).
#[derive(Debug)]
pub struct ApiError {
    pub(crate) status: StatusCode,
    code: &'static str,
    message: String,
    pub(crate) errors: FieldErrors,
    retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            errors: FieldErrors::default(),
            retry_after: None,
        }
    }

    pub fn with_field(mut self, field: &str, message: impl Into<String>) -> Self {
        self.errors.add(field, message);
        self
    }

    pub fn malformed_json(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "malformed_json", detail)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", message)
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        let message = e.to_string();
        match e {
            AppError::BadRequest { message, errors } => ApiError {
                errors,
                ..ApiError::new(StatusCode::BAD_REQUEST, "bad_request", message)
            },
            AppError::Validation(errors) => {
                let fields: Vec<_> = errors.0.keys().cloned().collect();
                ApiError {
                    errors,
                    ..ApiError::new(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "validation_failed",
                        format!("invalid or missing fields: {}", fields.join(", ")),
                    )
                }
            }
            AppError::Unauthorized(_) => {
                ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", message)
            }
            AppError::Forbidden(_) => ApiError::new(StatusCode::FORBIDDEN, "forbidden", message),
            AppError::NotFound(_) => ApiError::not_found(message),
            AppError::Conflict { field, message } => {
                ApiError::new(StatusCode::CONFLICT, "conflict", &message).with_field(field, message)
            }
            AppError::TooManyRequests { retry_after } => ApiError {
                retry_after: Some(retry_after),
                ..ApiError::new(StatusCode::TOO_MANY_REQUESTS, "too_many_requests", message)
            },
            AppError::Overloaded {
                message,
                retry_after,
            } => ApiError {
                retry_after: Some(retry_after),
                ..ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "busy", message)
            },
            AppError::Unavailable(m) => {
                ApiError::new(StatusCode::BAD_GATEWAY, "router_unreachable", m)
            }
            AppError::GatewayUnavailable(m) => {
                ApiError::new(StatusCode::BAD_GATEWAY, "gateway_unreachable", m)
            }
            AppError::Store(StoreError::Busy) => ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "busy",
                "the database is busy; retry shortly",
            ),
            AppError::Store(StoreError::DiskFull) => ApiError::new(
                StatusCode::INSUFFICIENT_STORAGE,
                "insufficient_storage",
                "the database has no space left for this change; nothing was saved",
            ),
            AppError::Store(StoreError::ReadOnly) => ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "database_read_only",
                "the database accepts no changes now (it is read-only); nothing was saved",
            ),
            AppError::Store(e) => {
                // The text may name tables and values: it goes to the log, not the client.
                tracing::error!(error = %e, "storage error");
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "internal error",
                )
            }
            AppError::Internal(e) => {
                tracing::error!(error = %e, "internal error");
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "internal error",
                )
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            status: self.status.as_u16(),
            error: self.code,
            message: self.message,
            errors: (!self.errors.is_empty()).then_some(self.errors.0),
        };
        let mut res = (self.status, axum::Json(body)).into_response();
        if let Some(secs) = self.retry_after
            && let Ok(v) = HeaderValue::from_str(&secs.to_string())
        {
            res.headers_mut().insert(header::RETRY_AFTER, v);
        }
        if self.status == StatusCode::UNAUTHORIZED {
            res.headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        res
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        ApiError::from(self).into_response()
    }
}

/// The status the API answers `e` with, for pages that answer it with HTML.
pub fn status_of(e: &AppError) -> StatusCode {
    match e {
        AppError::BadRequest { .. } => StatusCode::BAD_REQUEST,
        AppError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
        AppError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
        AppError::Forbidden(_) => StatusCode::FORBIDDEN,
        AppError::NotFound(_) => StatusCode::NOT_FOUND,
        AppError::Conflict { .. } => StatusCode::CONFLICT,
        AppError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
        AppError::Overloaded { .. } => StatusCode::SERVICE_UNAVAILABLE,
        AppError::Unavailable(_) | AppError::GatewayUnavailable(_) => StatusCode::BAD_GATEWAY,
        AppError::Store(StoreError::Busy | StoreError::ReadOnly) => StatusCode::SERVICE_UNAVAILABLE,
        AppError::Store(StoreError::DiskFull) => StatusCode::INSUFFICIENT_STORAGE,
        AppError::Store(_) | AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

#[cfg(test)]
mod status_tests {
    use super::*;
    use crate::domain::validation::FieldErrors;

    #[test]
    fn pages_answer_with_the_apis_status() {
        let all = || {
            vec![
                AppError::bad_request("x", "bad"),
                AppError::Validation(FieldErrors::single("x", "bad")),
                AppError::Unauthorized("no"),
                AppError::Forbidden("no"),
                AppError::NotFound("x".into()),
                AppError::Conflict {
                    field: "x",
                    message: "taken".into(),
                },
                AppError::TooManyRequests { retry_after: 3 },
                AppError::Overloaded {
                    message: "busy",
                    retry_after: 1,
                },
                AppError::Unavailable("r".into()),
                AppError::GatewayUnavailable("g".into()),
                AppError::Store(StoreError::Busy),
                AppError::Store(StoreError::ReadOnly),
                AppError::Store(StoreError::DiskFull),
                AppError::Internal("x".into()),
            ]
        };
        for (a, b) in all().into_iter().zip(all()) {
            let want = status_of(&a);
            assert_eq!(ApiError::from(b).status, want, "{a:?}");
        }
    }
}
