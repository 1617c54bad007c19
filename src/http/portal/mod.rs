//! The customer portal, under `/portal/`: a client signs in with their PPP secret's name and
//! password and sees their plan, standing, invoices (with PDF), payments and what they owe;
//! pays an open invoice online; promises to pay once per invoice. Phone-first pages in the
//! console's look (its style sheet), in English or Indonesian.
//!
//! No staff action is reachable from here: the portal's session is not a staff token, its
//! pages call only `service::portal`, which reads by the session's client and nothing else.
//! Routes of the portal are registered here and nowhere else; they answer HTML, so they are
//! not part of the API document.

mod notice;
mod pages;
pub mod session;

use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};

use crate::app::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/portal", get(|| async { Redirect::to("/portal/") }))
        .route("/portal/", get(pages::home))
        .route(
            "/portal/login",
            get(pages::login_form).post(pages::login_submit),
        )
        .route("/portal/logout", post(pages::logout))
        .route("/portal/language", post(pages::language))
        .route("/portal/promise", post(pages::promise))
        .route("/portal/invoices/{id}", get(pages::invoice))
        .route("/portal/invoices/{id}/pdf", get(pages::invoice_pdf))
        .route("/portal/invoices/{id}/pay", post(pages::pay))
        .route("/portal/payments/{id}/receipt", get(pages::receipt))
        .route("/portal/payments/{id}/receipt.pdf", get(pages::receipt_pdf))
        .route("/portal/{*rest}", get(pages::not_found))
}

/// The notice page on the main listener (`/notice`), for a look at it and for a router whose
/// redirect points here.
pub fn notice_routes() -> Router<AppState> {
    Router::new()
        .route("/notice", get(notice::page))
        .route("/notice/pay", post(notice::pay))
}

/// What `notice_listen` serves, where routers send cut-off clients' web requests (any site,
/// any path): the notice page at `/`, every other path sent there, and the portal with the
/// style sheet, so a client can also sign in from here.
pub fn notice_listener(app: AppState) -> axum::Router {
    Router::new()
        .route("/", get(notice::page))
        .merge(notice_routes())
        .merge(routes())
        .merge(crate::http::console::asset_routes())
        .fallback(|| async {
            // A redirected request to another site's page: not to be remembered as that page.
            (
                StatusCode::FOUND,
                [
                    (header::LOCATION, HeaderValue::from_static("/")),
                    (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
                ],
            )
                .into_response()
        })
        .with_state(app)
}
