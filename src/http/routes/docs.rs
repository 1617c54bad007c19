//! `/openapi.json` and a self-contained `/docs` page that reads it (no CDN: operators' networks
//! are often closed).

use std::sync::OnceLock;

use axum::http::header;
use axum::response::IntoResponse;

/// The document of the routes this process serves, written once when the router is built.
static SPEC: OnceLock<String> = OnceLock::new();

pub fn publish(doc: &utoipa::openapi::OpenApi) {
    SPEC.get_or_init(|| doc.to_pretty_json().unwrap_or_default());
}

/// This API's OpenAPI 3.1 document.
#[utoipa::path(get, path = "/openapi.json", tag = "operations",
    responses((status = 200, description = "the OpenAPI document", content_type = "application/json")))]
pub async fn openapi_json() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/json")],
        SPEC.get().cloned().unwrap_or_default(),
    )
}

/// A readable API reference, built from `/openapi.json` in the browser, with no internet access.
#[utoipa::path(get, path = "/docs", tag = "operations",
    responses((status = 200, description = "the API reference page", content_type = "text/html")))]
pub async fn docs() -> axum::response::Response {
    crate::http::headers::html_page(include_str!("docs.html"))
}
