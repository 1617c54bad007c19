//! Route handlers: each parses its input, calls one service, and shapes the response.

pub mod auth;
pub mod billing;
pub mod clients;
pub mod docs;
pub mod health;
pub mod original;
pub mod plans;
pub mod routers;
pub mod subscriptions;

use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::ToSchema;

use crate::app::AppState;
use crate::http::extract::QueryParams;
use crate::service::{AppError, Page};

/// `{"message": …}`
#[derive(Debug, Serialize, ToSchema)]
pub struct Message {
    pub message: String,
}

/// `{"message": …, "data": …}`: the original system's envelope.
#[derive(Debug, Serialize, ToSchema)]
pub struct Envelope<T> {
    pub message: String,
    pub data: T,
}

/// `{"data": …}`
#[derive(Debug, Serialize, ToSchema)]
pub struct Data<T> {
    pub data: T,
}

pub fn envelope<T>(message: impl Into<String>, data: T) -> axum::Json<Envelope<T>> {
    axum::Json(Envelope {
        message: message.into(),
        data,
    })
}

pub fn message(message: impl Into<String>) -> axum::Json<Message> {
    axum::Json(Message {
        message: message.into(),
    })
}

pub fn page_of(app: &AppState, q: &QueryParams) -> Result<Page, AppError> {
    let number = |field: &str, default: u32, max: u32| -> Result<u32, AppError> {
        match q.0.get(field) {
            None => Ok(default),
            Some(v) => v
                .trim()
                .parse::<u32>()
                .ok()
                .filter(|n| (1..=max).contains(n))
                .ok_or_else(|| {
                    AppError::bad_request(field, &format!("must be a whole number from 1 to {max}"))
                }),
        }
    };
    Ok(Page {
        page: number("page", 1, 1_000_000)?,
        per_page: number(
            "per_page",
            app.config.default_page_size,
            app.config.max_page_size,
        )?,
    })
}

/// The page's place in the whole, in headers: the body stays the original plain array.
pub fn paged(page: Page, total: i64, body: impl IntoResponse) -> Response {
    let mut headers = HeaderMap::new();
    for (name, value) in [
        ("x-total-count", total.to_string()),
        ("x-page", page.page.to_string()),
        ("x-per-page", page.per_page.to_string()),
    ] {
        if let Ok(v) = HeaderValue::from_str(&value) {
            headers.insert(name, v);
        }
    }
    (headers, body).into_response()
}

/// An optional typed query parameter; a value that does not parse is a 400 naming it.
pub fn query_opt<T: std::str::FromStr>(
    q: &QueryParams,
    field: &str,
    expected: &str,
) -> Result<Option<T>, AppError> {
    q.0.get(field)
        .filter(|v| !v.trim().is_empty())
        .map(|v| {
            v.trim()
                .parse::<T>()
                .map_err(|_| AppError::bad_request(field, &format!("must be {expected}")))
        })
        .transpose()
}

/// An optional query parameter naming one of a closed set of words (a status filter).
pub fn query_choice<T>(
    q: &QueryParams,
    field: &str,
    parse: impl Fn(&str) -> Option<T>,
    expected: &str,
) -> Result<Option<T>, AppError> {
    q.0.get(field)
        .map(|v| {
            parse(v).ok_or_else(|| AppError::bad_request(field, &format!("must be {expected}")))
        })
        .transpose()
}

pub fn query_date(q: &QueryParams, field: &str) -> Result<Option<NaiveDate>, AppError> {
    query_opt(q, field, "a date as YYYY-MM-DD")
}

/// For fields where `null` means "clear it" and absence means "leave it": with
/// `#[serde(default, deserialize_with = "double_option")]`.
pub fn double_option<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}
