//! Route handlers: each reads its typed input (path, query struct, body draft), calls one
//! service, and shapes the response. Every handler is registered once, in [`super::api`],
//! which serves it and documents it.

pub mod audit;
pub mod auth;
pub mod billing;
pub mod clients;
pub mod collection;
pub mod docs;
pub mod health;
pub mod notifications;
pub mod online;
pub mod original;
pub mod plans;
pub mod reports;
pub mod routers;
pub mod settings;
pub mod stream;
pub mod subscriptions;

use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use crate::app::AppState;
use crate::service::{AppError, Page};

/// A date as chrono writes it (`2026-01-31`), for `#[serde(serialize_with = "…")]` on the
/// hot paths: chrono's own `Serialize` goes through its `Debug` format and a character-by-
/// character escaping writer, which cost a tenth of a whole `/client/{id}/details` answer.
/// Years outside 0–9999 (signed, wider) are left to chrono.
pub fn iso_date<S: serde::Serializer>(d: &chrono::NaiveDate, s: S) -> Result<S::Ok, S::Error> {
    use crate::domain::date_text::{ymd, ymd_str};
    match ymd(*d) {
        Some(b) => s.serialize_str(ymd_str(&b)),
        None => d.serialize(s),
    }
}

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

/// The `page` and `per_page` parameters of a listing.
pub trait Paged {
    fn paging(&self) -> (Option<u32>, Option<u32>);
}

/// Declares a listing's query struct with `page` and `per_page` added to its own fields: the
/// struct is the route's extractor (unknown parameters refused) and its documentation.
#[macro_export]
macro_rules! paged_query {
    ($(#[$meta:meta])* pub struct $name:ident { $($(#[$fmeta:meta])* pub $field:ident: $ty:ty),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
        #[serde(deny_unknown_fields)]
        #[into_params(parameter_in = Query)]
        pub struct $name {
            $($(#[$fmeta])* pub $field: $ty,)*
            /// 1-based page number (default 1).
            pub page: Option<u32>,
            /// Rows per page (default `default_page_size`, 100; at most `max_page_size`, 1000).
            pub per_page: Option<u32>,
        }

        impl $crate::http::routes::Paged for $name {
            fn paging(&self) -> (Option<u32>, Option<u32>) {
                (self.page, self.per_page)
            }
        }
    };
}

paged_query! {
    /// A listing with nothing to filter.
    pub struct PageQuery {}
}

/// Whether a listing asked for no page at all (neither `page` nor `per_page`): the original
/// system's list routes then answer every row (see [`stream`]).
pub fn unpaged(q: &impl Paged) -> bool {
    q.paging() == (None, None)
}

/// The page a listing asks for, checked against the configured bounds.
pub fn page_of(app: &AppState, q: &impl Paged) -> Result<Page, AppError> {
    let (page, per_page) = q.paging();
    let check = |field: &str, v: Option<u32>, default: u32, max: u32| match v {
        None => Ok(default),
        Some(n) if (1..=max).contains(&n) => Ok(n),
        Some(_) => Err(AppError::bad_request(
            field,
            &format!("must be a whole number from 1 to {max}"),
        )),
    };
    Ok(Page {
        page: check("page", page, 1, 1_000_000)?,
        per_page: check(
            "per_page",
            per_page,
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

#[cfg(test)]
mod iso_date_tests {
    #[derive(serde::Serialize)]
    struct D(#[serde(serialize_with = "super::iso_date")] chrono::NaiveDate);

    #[test]
    fn writes_what_chrono_writes() {
        for (y, m, d) in [
            (2026, 1, 31),
            (1999, 12, 1),
            (0, 1, 1),
            (9999, 12, 31),
            (10000, 1, 1),
            (-1, 6, 15),
            (5, 3, 7),
        ] {
            let date = chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
            assert_eq!(
                serde_json::to_string(&D(date)).unwrap(),
                serde_json::to_string(&date).unwrap(),
                "{date:?}"
            );
        }
    }
}
