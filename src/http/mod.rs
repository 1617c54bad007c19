//! HTTP layer: routes, extractors, error mapping and the middleware around them.

pub mod error;
pub mod extract;
pub mod openapi;
pub mod routes;

use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post, put};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::trace::TraceLayer;

use crate::app::AppState;
use error::ApiError;
use routes::{auth, billing, clients, docs, health, plans, routers, subscriptions};

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

pub fn router(app: AppState) -> Router {
    let max_body = app.config.max_body_bytes;
    Router::new()
        .route("/auth/register", post(auth::register))
        .route("/auth/login", post(auth::login))
        .route("/auth/logout", post(auth::logout))
        .route("/auth/me", get(auth::me))
        .route("/users", get(auth::list_users))
        .route("/client", get(clients::list).post(routes::original::clients::create))
        .route("/client/search", get(clients::search))
        .route("/client/register", post(clients::register))
        .route("/client/update/{id}", put(clients::update))
        .route("/client/delete/{id}", delete(clients::delete))
        .route(
            "/client/{id}",
            get(clients::get)
                .put(routes::original::clients::update)
                .delete(routes::original::clients::delete),
        )
        .route("/client/{id}/details", get(clients::details))
        .route("/client/{id}/history", get(clients::history))
        .route(
            "/client/{id}/subscriptions",
            get(subscriptions::for_client).post(subscriptions::create_for_client),
        )
        .route("/plans", get(plans::list).post(plans::create))
        .route("/plans/{id}", get(plans::get).put(plans::update).delete(plans::delete))
        .route("/subscriptions", get(subscriptions::list).post(subscriptions::create))
        .route(
            "/subscriptions/{id}",
            get(subscriptions::get).put(subscriptions::update).delete(subscriptions::delete),
        )
        .route("/subscriptions/{id}/history", get(subscriptions::history))
        .route("/invoices", get(billing::list_invoices))
        .route("/invoices/generate", get(billing::generate).post(billing::generate))
        .route("/billing/run", post(billing::run))
        .route("/invoices/{id}", get(billing::get_invoice))
        .route("/invoices/{id}/void", post(billing::void_invoice))
        .route(
            "/invoices/{id}/payments",
            get(billing::invoice_payments).post(billing::pay_invoice),
        )
        .route("/payments", get(billing::list_payments).post(billing::create_payment))
        .route("/payments/{id}", get(billing::get_payment).put(billing::set_payment_status))
        .route("/reports/summary", get(billing::summary))
        .route("/routers", get(routers::list).post(routers::create))
        .route("/routers/{id}", get(routers::get).put(routers::update).delete(routers::delete))
        .route("/routers/{id}/status", get(routers::status))
        .route("/routers/{id}/jobs", get(routers::jobs))
        .route("/routers/{id}/jobs/retry", post(routers::retry_all))
        .route("/routers/{id}/jobs/{job_id}/retry", post(routers::retry_one))
        .route("/routers/{id}/reconcile", post(routers::reconcile))
        .route("/health", get(health::health))
        .route("/openapi.json", get(docs::openapi_json))
        .route("/docs", get(docs::docs))
        .merge(routes::original::router())
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(app)
        .layer(DefaultBodyLimit::max(max_body))
        .layer(CatchPanicLayer::custom(panicked))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|req: &Request<_>| {
                    let id = req
                        .headers()
                        .get(&REQUEST_ID)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("-");
                    // The path only: query strings may carry search terms about people.
                    tracing::info_span!("request", id, method = %req.method(), path = req.uri().path())
                })
                .on_response(
                    tower_http::trace::DefaultOnResponse::new()
                        .level(tracing::Level::INFO)
                        .latency_unit(tower_http::LatencyUnit::Micros),
                )
                .on_request(())
                .on_failure(()),
        )
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(SetRequestIdLayer::new(REQUEST_ID, Sequential::new()))
}

/// Request ids: a random per-process prefix and a counter. Unique across restarts and
/// servers for log correlation, without a random-number syscall per request.
#[derive(Clone)]
struct Sequential {
    prefix: std::sync::Arc<str>,
    next: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl Sequential {
    fn new() -> Self {
        let prefix = uuid::Uuid::new_v4().simple().to_string();
        Sequential {
            prefix: prefix[..12].into(),
            next: Default::default(),
        }
    }
}

impl MakeRequestId for Sequential {
    fn make_request_id<B>(&mut self, _: &Request<B>) -> Option<RequestId> {
        let n = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        axum::http::HeaderValue::from_str(&format!("{}-{n:08x}", self.prefix))
            .ok()
            .map(RequestId::new)
    }
}

async fn not_found() -> ApiError {
    ApiError::not_found("no such route")
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "this route does not take that method",
    )
}

fn panicked(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    tracing::error!("handler panicked");
    ApiError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal",
        "internal error",
    )
    .into_response()
}

/// How long in-flight requests get to finish once shutdown begins.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(20);
