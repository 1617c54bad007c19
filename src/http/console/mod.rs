//! The operator console: the pages a provider's staff use all day, under `/console/`.
//!
//! Server-rendered HTML (maud, checked at compile time) with htmx for partial updates; every
//! file embedded in the binary. Pages call the same services as the API, with the signed-in
//! user as the actor, so every rule (validation, roles, money, router changes) is the
//! services' own; a handler here only reads a form, calls a service and renders the answer.
//!
//! Routes of the console are registered here and in each page module's `routes()`, and
//! nowhere else; they are not part of the API document (they answer HTML). `/` leads here.

mod assets;
mod billing_kit;
mod cashier;
mod charts;
mod chasing;
mod clients;
mod clients_live;
mod collection;
mod dashboard;
mod invoices;
mod login;
mod messages;
mod plans;
mod routers;
pub mod session;
mod settings;
mod subscriptions;
pub mod ui;
mod users;

use axum::Router;
use axum::response::Redirect;
use axum::routing::{get, post};

use crate::app::AppState;

/// The style sheet, scripts and logo, which the portal's and the notice page's listeners
/// serve too.
pub fn asset_routes() -> Router<AppState> {
    Router::new()
        .route("/console/assets/{file}", get(assets::serve))
        .route("/console/logo", get(assets::logo))
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(|| async { Redirect::to("/console/") }))
        .route("/console", get(|| async { Redirect::to("/console/") }))
        .route("/console/login", get(login::form).post(login::submit))
        .route("/console/logout", post(login::logout))
        .route("/console/language", post(login::language))
        .merge(asset_routes())
        .route("/console/{*rest}", get(login::not_found))
        .merge(dashboard::routes())
        .merge(clients::routes())
        .merge(collection::routes())
        .merge(messages::routes())
        .merge(chasing::routes())
        .merge(cashier::routes())
        .merge(invoices::routes())
        .merge(subscriptions::routes())
        .merge(plans::routes())
        .merge(routers::routes())
        .merge(users::routes())
        .merge(settings::routes())
}
