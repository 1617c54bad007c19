//! `/openapi.json` and a self-contained `/docs` page that reads it (no CDN: operators' networks
//! are often closed).

use axum::http::header;
use axum::response::{Html, IntoResponse};
use utoipa::OpenApi;

use crate::http::openapi::ApiDoc;

pub async fn openapi_json() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/json")],
        ApiDoc::openapi().to_pretty_json().unwrap_or_default(),
    )
}

pub async fn docs() -> Html<&'static str> {
    Html(include_str!("docs.html"))
}
