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
/// any path). The requests arrive under the name of the site the client asked for, which must
/// not become the notice page's or the portal's: the browser would keep a portal cookie for
/// that site and send it there once the client is back online. So a request for any host but
/// the notice address (`notice_address`) is sent there, to `/`; under it, the notice page is at
/// `/`, with the portal and the style sheet, and any other path is sent to `/`. Without a
/// notice address, the notice page is answered under any name, and the portal is not served.
pub fn notice_listener(app: AppState) -> axum::Router {
    let target = app.config.notice_target();
    let mut routes = Router::new()
        .route("/", get(notice::page))
        .merge(notice_routes())
        .merge(crate::http::console::asset_routes());
    if target.is_some() {
        routes = routes.merge(self::routes());
    }
    let home = match target {
        Some(t) => format!("http://{t}/"),
        None => "/".to_owned(),
    };
    let to_home = {
        let home = home.clone();
        move || {
            let home = home.clone();
            async move { found(&home) }
        }
    };
    let routes = routes.fallback(to_home).with_state(app.clone());
    let routes = crate::http::with_layers(routes, &app);
    match target {
        Some(t) => routes.layer(axum::middleware::from_fn(
            move |req: axum::extract::Request, next: axum::middleware::Next| {
                let home = home.clone();
                async move {
                    let ours = req
                        .headers()
                        .get(header::HOST)
                        .and_then(|h| h.to_str().ok())
                        .is_some_and(|h| h.eq_ignore_ascii_case(&t.to_string()));
                    if ours {
                        next.run(req).await
                    } else {
                        found(&home)
                    }
                }
            },
        )),
        None => routes,
    }
}

/// `302` to `to`, not to be remembered: the same name leads elsewhere once the client is back.
fn found(to: &str) -> axum::response::Response {
    let mut res = StatusCode::FOUND.into_response();
    let h = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(to) {
        h.insert(header::LOCATION, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}
