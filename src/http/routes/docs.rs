//! `/openapi.json` and the API reference at `/docs`: Redoc's standalone bundle (vendored under
//! `assets/vendor/redoc/`, see its `VENDORED.md`), embedded in the binary and served from this
//! origin, so the page needs no internet access (operators' networks are often closed).

use std::sync::OnceLock;

use axum::http::header;
use axum::response::IntoResponse;

/// The document of the routes this process serves, written once when the router is built.
static SPEC: OnceLock<String> = OnceLock::new();

/// Redoc 2.5.4's standalone bundle, unchanged from the npm package.
const REDOC_JS: &str = include_str!("../../../assets/vendor/redoc/redoc.standalone.js");

pub fn publish(doc: &utoipa::openapi::OpenApi) {
    SPEC.get_or_init(|| doc.to_pretty_json().unwrap_or_default());
}

/// This API's OpenAPI 3.1 document.
#[utoipa::path(get, path = "/openapi.json", tag = "operations",
    responses((status = 200, description = "the OpenAPI document", content_type = "application/json",
        body = Object)))]
pub async fn openapi_json() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/json")],
        SPEC.get().cloned().unwrap_or_default(),
    )
}

/// The API reference (Redoc), rendered in the browser from `/openapi.json`.
#[utoipa::path(get, path = "/docs", tag = "operations",
    responses((status = 200, description = "the API reference page", content_type = "text/html",
        body = String)))]
pub async fn docs() -> axum::response::Response {
    crate::http::headers::html_page(include_str!("docs.html"))
}

/// The script that renders `/docs` (Redoc 2.5.4, MIT), served from this origin.
#[utoipa::path(get, path = "/docs/redoc.standalone.js", tag = "operations",
    responses((status = 200, description = "Redoc's standalone bundle", content_type = "text/javascript",
        body = String)))]
pub async fn redoc_js() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            // The bundle changes only with the binary; an hour saves reloads without
            // outliving an upgrade for long.
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        REDOC_JS,
    )
}
