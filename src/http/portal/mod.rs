//! The customer portal, under `/portal/`: a client signs in with their PPP secret's name and
//! password and sees their plan, standing, invoices (with PDF), payments and what they owe;
//! pays an open invoice online; promises to pay once per invoice. Phone-first pages in the
//! console's look (its style sheet), in English or Indonesian.
//!
//! No staff action is reachable from here: the portal's session is not a staff token, its
//! pages call only `service::portal`, which reads by the session's client and nothing else.
//! Routes of the portal are registered here and nowhere else; they answer HTML, so they are
//! not part of the API document.

mod pages;
pub mod session;

use axum::Router;
use axum::response::Redirect;
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
