//! The console's files, embedded in the binary: htmx (vendored, `assets/vendor/htmx/`), the
//! style sheet and a small script. Their paths carry a version, so browsers may keep them.

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// htmx 2.0.11 (see assets/vendor/htmx/VENDORED.md).
pub const HTMX: &str = "/console/assets/htmx-2.0.11.min.js";
/// The style sheet and script change with the program: their path names its version.
pub const CSS: &str = concat!(
    "/console/assets/console-",
    env!("CARGO_PKG_VERSION"),
    ".css"
);
pub const JS: &str = concat!("/console/assets/console-", env!("CARGO_PKG_VERSION"), ".js");

const HTMX_JS: &[u8] = include_bytes!("../../../assets/vendor/htmx/htmx.min.js");
const CONSOLE_CSS: &[u8] = include_bytes!("../../../assets/console/console.css");
const CONSOLE_JS: &[u8] = include_bytes!("../../../assets/console/console.js");

/// `GET /console/assets/{file}`.
pub async fn serve(Path(file): Path<String>) -> Response {
    let path = format!("/console/assets/{file}");
    let (body, kind): (&'static [u8], &str) = if path == HTMX {
        (HTMX_JS, "text/javascript; charset=utf-8")
    } else if path == CSS {
        (CONSOLE_CSS, "text/css; charset=utf-8")
    } else if path == JS {
        (CONSOLE_JS, "text/javascript; charset=utf-8")
    } else {
        return (StatusCode::NOT_FOUND, "no such file").into_response();
    };
    let mut res = body.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(kind).expect("ASCII"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    res
}

/// `GET /console/logo`: the provider's logo (signed-in users; 404 when none is saved).
pub async fn logo(
    axum::extract::State(app): axum::extract::State<crate::app::AppState>,
    _ctx: super::session::Ctx,
) -> Response {
    match crate::service::settings::logo(&app).await {
        Ok(Some(l)) => {
            let mut res = l.bytes.into_response();
            let h = res.headers_mut();
            h.insert(header::CONTENT_TYPE, HeaderValue::from_static(l.mime));
            h.insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, max-age=60"),
            );
            res
        }
        Ok(None) => (StatusCode::NOT_FOUND, "no logo").into_response(),
        Err(e) => {
            tracing::error!(error = %e, "reading the logo failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}
