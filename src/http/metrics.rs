//! `GET /metrics` and the layer that counts every request.
//!
//! The layer sits on every route (axum applies `Router::layer` per route, after matching), so
//! it reads the matched route template from the request: a label per route, never per path.
//! It is on the hot path: one clock read before, and after the answer's headers two look-ups
//! in the metric families (read locks, no allocation: the template is shared, the method a
//! static name).
//!
//! `/metrics` is served only when configured: on the main listener when `metrics_token` is
//! set (the token is required as `Authorization: Bearer …`), and on `metrics_listen`, a
//! listener that serves nothing else (the token is required there too when it is set).

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Instant;

use axum::Router;
use axum::extract::{MatchedPath, State};
use axum::http::{HeaderMap, HeaderValue, Request, Response, StatusCode, header};
use axum::response::IntoResponse;
use sha2::{Digest, Sha256};

use crate::app::AppState;
use crate::http::error::ApiError;
use crate::metrics::{Metrics, Route, method_label};

/// Counts every request into [`Metrics`].
#[derive(Clone)]
pub struct CountLayer(pub Arc<Metrics>);

impl<S> tower::Layer<S> for CountLayer {
    type Service = Count<S>;

    fn layer(&self, inner: S) -> Count<S> {
        Count {
            inner,
            metrics: self.0.clone(),
        }
    }
}

#[derive(Clone)]
pub struct Count<S> {
    inner: S,
    metrics: Arc<Metrics>,
}

impl<S, B, R> tower::Service<Request<B>> for Count<S>
where
    S: tower::Service<Request<B>, Response = Response<R>>,
{
    type Response = Response<R>;
    type Error = S::Error;
    type Future = Counted<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request<B>) -> Self::Future {
        let route = match req.extensions().get::<MatchedPath>() {
            Some(p) => Route::Matched(p.clone()),
            None => Route::Unmatched,
        };
        let method = method_label(req.method());
        Counted {
            inner: self.inner.call(req),
            start: Instant::now(),
            labels: Some((route, method)),
            metrics: self.metrics.clone(),
        }
    }
}

pin_project_lite::pin_project! {
    pub struct Counted<F> {
        #[pin]
        inner: F,
        start: Instant,
        labels: Option<(Route, &'static str)>,
        metrics: Arc<Metrics>,
    }
}

impl<F, R, E> Future for Counted<F>
where
    F: Future<Output = Result<Response<R>, E>>,
{
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let out = std::task::ready!(this.inner.poll(cx));
        if let (Ok(res), Some((route, method))) = (&out, this.labels.take()) {
            this.metrics
                .http_request(route, method, res.status().as_u16(), this.start.elapsed());
        }
        Poll::Ready(out)
    }
}

/// Whether `presented` is the configured token, compared in constant time (the digests are
/// compared, so neither the token's length nor its first differing byte shows in the time).
fn token_matches(configured: &str, presented: &str) -> bool {
    let a = Sha256::digest(configured.as_bytes());
    let b = Sha256::digest(presented.as_bytes());
    a.iter()
        .zip(b.iter())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y))
        == 0
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = v.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// `GET /metrics`: the registry in the Prometheus text format, the database's gauges read
/// now. With `metrics_token` set, a request without it is 401. Served (and so documented)
/// only when `metrics_token` is set, or on `metrics_listen`.
#[utoipa::path(get, path = "/metrics", tag = "operations",
    responses((status = 200, description = "Prometheus text format 0.0.4 (README, Metrics)",
        content_type = "text/plain", body = String),
        (status = 401, description = "without the metrics token", body = crate::http::error::ErrorBody)))]
pub async fn metrics(State(app): State<AppState>, headers: HeaderMap) -> axum::response::Response {
    let token = &app.config.metrics_token;
    if !token.is_empty() && !bearer(&headers).is_some_and(|t| token_matches(token, t)) {
        let mut res = ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "this route needs the metrics token (Authorization: Bearer …)",
        )
        .into_response();
        res.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer realm=\"metrics\""),
        );
        return res;
    }
    let text = crate::service::metrics::render(&app).await;
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(crate::metrics::CONTENT_TYPE),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        text,
    )
        .into_response()
}

/// What `metrics_listen` serves: `/metrics` and nothing else (404 JSON).
pub fn listener_router(app: AppState) -> Router {
    let (router, _) = utoipa_axum::router::OpenApiRouter::new()
        .routes(utoipa_axum::routes!(metrics))
        .split_for_parts();
    router
        .fallback(|| async { ApiError::not_found("no such route") })
        .with_state(app)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_compare_by_value() {
        assert!(token_matches(
            "s3cret-token-0123456789",
            "s3cret-token-0123456789"
        ));
        assert!(!token_matches(
            "s3cret-token-0123456789",
            "s3cret-token-012345678"
        ));
        assert!(!token_matches("s3cret-token-0123456789", ""));
        let mut h = HeaderMap::new();
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer abc"),
        );
        assert_eq!(bearer(&h), Some("abc"));
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic abc"));
        assert_eq!(bearer(&h), None);
    }
}
