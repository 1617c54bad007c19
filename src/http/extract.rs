//! Extractors that turn every malformed input into an [`ApiError`] naming what was wrong.

use std::net::SocketAddr;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{
    ConnectInfo, FromRequest, FromRequestParts, OptionalFromRequestParts, Request,
};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use serde::de::DeserializeOwned;

use super::error::ApiError;
use crate::app::AppState;
use crate::security::token_cache::AuthUser;
use crate::service::{AppError, auth};

/// A JSON request body; errors are 400 (not JSON), 413 (too large), 415 (not declared JSON)
/// or 422 (JSON of the wrong shape, naming the field).
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let declared_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .map(|m| {
                let m = m.trim().to_ascii_lowercase();
                m == "application/json" || m.ends_with("+json")
            });
        if declared_json == Some(false) {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "send the body as JSON with Content-Type: application/json",
            ));
        }
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(body_rejection)?;
        parse_json(&bytes).map(JsonBody)
    }
}

fn body_rejection(r: BytesRejection) -> ApiError {
    if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            "the request body is too large",
        )
    } else {
        ApiError::new(StatusCode::BAD_REQUEST, "bad_request", r.body_text())
    }
}

/// serde's message without the position suffix, which means nothing to a form's user.
fn clean(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_owned(),
        None => msg.to_owned(),
    }
}

/// The field a message like "unknown field `x`" or "missing field `x`" is about.
fn quoted_field(msg: &str) -> Option<&str> {
    let start = msg.find('`')? + 1;
    let len = msg[start..].find('`')?;
    Some(&msg[start..start + len])
}

pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::malformed_json(
            "the request body is empty; send a JSON object",
        ));
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let msg = clean(&inner.to_string());
        match inner.classify() {
            serde_json::error::Category::Data => {
                let field = if path == "." {
                    quoted_field(&msg).unwrap_or("body").to_owned()
                } else if path.starts_with('[') {
                    // A top-level array: serde reads it as the struct's fields by position.
                    "body".to_owned()
                } else {
                    path
                };
                ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "validation_failed",
                    format!("invalid or missing fields: {field}"),
                )
                .with_field(&field, msg)
            }
            _ => ApiError::malformed_json(format!("the body is not valid JSON: {msg}")),
        }
    })?;
    de.end().map_err(|e| {
        ApiError::malformed_json(format!(
            "the body is not valid JSON: {}",
            clean(&e.to_string())
        ))
    })?;
    Ok(value)
}

/// The authenticated caller, from `Authorization: Bearer <token>`.
pub struct Auth {
    pub user: AuthUser,
    pub token: String,
}

fn bearer(parts: &Parts) -> Option<Result<&str, ApiError>> {
    let value = parts.headers.get(header::AUTHORIZATION)?;
    let malformed = || {
        ApiError::from(AppError::Unauthorized(
            "malformed Authorization header: expected 'Bearer <token>'",
        ))
    };
    Some(
        value
            .to_str()
            .ok()
            .and_then(|v| {
                let (scheme, token) = v.split_once(' ')?;
                scheme
                    .eq_ignore_ascii_case("bearer")
                    .then_some(token.trim())
            })
            .ok_or_else(malformed),
    )
}

impl FromRequestParts<AppState> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &AppState) -> Result<Self, ApiError> {
        let token = bearer(parts)
            .unwrap_or_else(|| Err(AppError::Unauthorized("missing bearer token").into()))?
            .to_owned();
        let user = auth::authenticate(app, &token).await?;
        Ok(Auth { user, token })
    }
}

/// Authentication where it is optional (the open first registration): no header is `None`,
/// a header that does not authenticate is still 401.
impl OptionalFromRequestParts<AppState> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        app: &AppState,
    ) -> Result<Option<Self>, ApiError> {
        if bearer(parts).is_none() {
            return Ok(None);
        }
        <Auth as FromRequestParts<AppState>>::from_request_parts(parts, app)
            .await
            .map(Some)
    }
}

/// The caller's address, for login throttling: the peer, or the first `X-Forwarded-For`
/// entry when the server is configured to sit behind a proxy.
pub struct ClientAddr(pub Option<String>);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        app: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let forwarded = app
            .config
            .trust_forwarded_for
            .then(|| parts.headers.get("x-forwarded-for")?.to_str().ok())
            .flatten()
            .and_then(|v| v.split(',').next())
            .map(|v| v.trim().to_owned());
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip().to_string());
        Ok(ClientAddr(forwarded.or(peer)))
    }
}

/// A positive integer id from the path.
pub struct Id(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for Id {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let axum::extract::Path(raw) =
            <axum::extract::Path<String> as FromRequestParts<S>>::from_request_parts(parts, state)
                .await
                .map_err(|e| {
                    ApiError::new(StatusCode::BAD_REQUEST, "bad_request", e.body_text())
                })?;
        raw.parse::<i64>()
            .ok()
            .filter(|id| *id > 0)
            .map(Id)
            .ok_or_else(|| {
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "bad_request",
                    "invalid id in the path",
                )
                .with_field("id", "must be a positive integer")
            })
    }
}

/// Query-string parameters as text, checked by the handler so errors can name them.
pub struct QueryParams(pub std::collections::HashMap<String, String>);

impl<S: Send + Sync> FromRequestParts<S> for QueryParams {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        axum::extract::Query::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Query(m)| QueryParams(m))
            .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "bad_request", e.body_text()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Body {
        name: Option<String>,
        age: Option<i64>,
    }

    fn err(json: &str) -> (u16, String) {
        let e = parse_json::<Body>(json.as_bytes()).unwrap_err();
        let field = e.errors.0.keys().next().cloned().unwrap_or_default();
        (e.status.as_u16(), field)
    }

    #[test]
    fn json_errors_name_the_field() {
        assert_eq!(err(r#"{"name": 5}"#), (422, "name".into()));
        assert_eq!(err(r#"{"nmae": "x"}"#), (422, "nmae".into()));
        assert_eq!(err(r#"[1,2]"#), (422, "body".into()));
        assert_eq!(err(r#"{"name": "x""#).0, 400);
        assert_eq!(err(r#"{"name": "x"} trailing"#).0, 400);
        assert_eq!(err("").0, 400);
        assert!(parse_json::<Body>(br#"{"name":"x","age":3}"#).is_ok());
    }
}
