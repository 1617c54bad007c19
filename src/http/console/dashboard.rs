//! The dashboard: what needs doing today and how the books stand.

use axum::Router;
use axum::response::Response;
use axum::routing::get;
use maud::html;

use super::session::Ctx;
use super::ui::{page, t};
use crate::app::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/console/", get(show))
}

/// `GET /console/`.
async fn show(ctx: Ctx) -> Response {
    page(
        &ctx,
        &t(&ctx, "nav-dashboard"),
        html! {
            p #dashboard { (t(&ctx, "console-welcome")) }
        },
    )
}
