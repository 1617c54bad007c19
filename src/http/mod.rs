//! HTTP layer: routes, extractors, error mapping and the middleware around them.

pub mod console;
pub mod error;
pub mod extract;
pub mod form;
pub mod headers;
pub mod idempotent;
pub mod metrics;
pub mod openapi;
pub mod pdf;
pub mod portal;
pub mod routes;
pub mod server;
pub mod signin;

use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, Request, StatusCode};
use axum::middleware::from_fn_with_state;
use axum::response::{IntoResponse, Response};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::AppState;
use error::ApiError;
use routes::{
    audit, auth, billing, clients, collection, docs, health, notifications, online, original,
    plans, reports, routers, settings, subscriptions,
};

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Every route, registered once: each `routes!` line both serves its handlers and puts them in
/// the OpenAPI document. Routes outside `public` sit under one authentication layer, so a
/// handler that forgets to ask for the caller is still protected.
pub fn api(app: &AppState) -> OpenApiRouter<AppState> {
    let public = OpenApiRouter::new()
        .routes(routes!(auth::register))
        .routes(routes!(auth::login))
        .routes(routes!(health::health))
        .routes(routes!(health::ready))
        .routes(routes!(docs::openapi_json))
        .routes(routes!(docs::docs))
        .routes(routes!(docs::redoc_js))
        .routes(routes!(online::midtrans))
        .routes(routes!(online::xendit));
    // Prometheus text, with its own token: served on `listen` only when that token is set.
    let public = if app.config.metrics_token.is_empty() {
        public
    } else {
        public.routes(routes!(metrics::metrics))
    };
    let mut protected = OpenApiRouter::new()
        .routes(routes!(auth::logout))
        .routes(routes!(auth::me))
        .routes(routes!(auth::change_password))
        .routes(routes!(auth::list_users))
        .routes(routes!(
            auth::get_user,
            auth::update_user,
            auth::delete_user
        ))
        .routes(routes!(auth::revoke_tokens))
        .routes(routes!(clients::list, original::clients::create))
        .routes(routes!(clients::search))
        .routes(routes!(clients::register))
        .routes(routes!(clients::update))
        .routes(routes!(clients::delete))
        .routes(routes!(
            clients::get,
            original::clients::update,
            original::clients::delete
        ))
        .routes(routes!(clients::details))
        .routes(routes!(clients::history))
        .routes(routes!(collection::get, collection::update))
        .routes(routes!(collection::exempt, collection::unexempt))
        .routes(routes!(collection::promise, collection::withdraw_promise))
        .routes(routes!(notifications::get, notifications::update))
        .routes(routes!(notifications::log))
        .routes(routes!(
            subscriptions::for_client,
            subscriptions::create_for_client
        ))
        .routes(routes!(original::clients::connection))
        .routes(routes!(plans::list, plans::create))
        .routes(routes!(plans::get, plans::update, plans::delete))
        .routes(routes!(subscriptions::list, subscriptions::create))
        .routes(routes!(
            subscriptions::get,
            subscriptions::update,
            subscriptions::delete
        ))
        .routes(routes!(subscriptions::history))
        .routes(routes!(billing::list_invoices))
        .routes(routes!(billing::generate))
        .routes(routes!(billing::run))
        .routes(routes!(billing::runs))
        .routes(routes!(billing::get_invoice))
        .routes(routes!(billing::invoice_pdf))
        .routes(routes!(billing::void_invoice))
        .routes(routes!(billing::invoice_payments, billing::pay_invoice))
        .routes(routes!(billing::list_payments, billing::create_payment))
        .routes(routes!(billing::get_payment, billing::set_payment_status))
        .routes(routes!(billing::payment_receipt))
        .routes(routes!(online::of_invoice, online::start))
        .routes(routes!(online::get))
        .routes(routes!(billing::summary))
        .routes(routes!(reports::aging))
        .routes(routes!(reports::collections))
        .routes(routes!(reports::revenue))
        .routes(routes!(reports::cashier_day))
        .routes(routes!(reports::export_clients))
        .routes(routes!(reports::export_invoices))
        .routes(routes!(reports::export_payments))
        .routes(routes!(routers::list, routers::create))
        .routes(routes!(routers::get, routers::update, routers::delete))
        .routes(routes!(routers::status))
        .routes(routes!(routers::jobs))
        .routes(routes!(routers::retry_all))
        .routes(routes!(routers::retry_one))
        .routes(routes!(routers::reconcile))
        .routes(routes!(routers::import))
        .routes(routes!(settings::get, settings::update))
        .routes(routes!(audit::list))
        .merge(original::routes());
    openapi::protect(protected.get_openapi_mut());
    OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .merge(public)
        .merge(protected.route_layer(from_fn_with_state(app.clone(), extract::require_auth)))
}

/// The served routes and the document that describes exactly them.
pub fn routes_and_spec(app: &AppState) -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let (router, mut doc) = api(app).split_for_parts();
    idempotent::document(&mut doc);
    form::document(&mut doc);
    (router, openapi::finish(doc))
}

pub fn router(app: AppState) -> Router {
    let (routes, spec) = routes_and_spec(&app);
    docs::publish(&spec);
    let routes = routes
        .merge(console::routes())
        .merge(portal::routes())
        .merge(portal::notice_routes());
    let served = routes
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(app.clone());
    let served = with_layers(served, &app);
    // Before routing: `/reports/NAME.csv` is `/reports/NAME` asked for as CSV.
    Router::new().fallback_service(tower::ServiceExt::map_request(served, reports::csv_suffix))
}

/// The layers every listener's routes are served through: the body limit, a caught panic's
/// 500, the security headers, request logs and ids, and the request counts.
pub(crate) fn with_layers(routes: Router, app: &AppState) -> Router {
    let count = metrics::CountLayer(app.metrics.clone());
    routes
        .layer(DefaultBodyLimit::max(app.config.max_body_bytes))
        .layer(CatchPanicLayer::custom(panicked))
        .layer(axum::middleware::from_fn(headers::security_headers))
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
                // Status and latency as numbers (tower-http's default writes "123 µs").
                .on_response(
                    |res: &Response, latency: Duration, _: &tracing::Span| {
                        tracing::info!(
                            status = res.status().as_u16(),
                            latency_us = u64::try_from(latency.as_micros()).unwrap_or(u64::MAX),
                            "finished processing request"
                        );
                    },
                )
                .on_request(())
                .on_failure(()),
        )
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(SetRequestIdLayer::new(REQUEST_ID, Sequential::new()))
        // Outermost: every answer is counted, a caught panic's 500 and a 413 included.
        .layer(count)
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
