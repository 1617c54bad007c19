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
use crate::domain::user::Actor;
use crate::security::net;
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

pub(crate) fn body_rejection(r: BytesRejection) -> ApiError {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&r);
    while let Some(e) = source {
        if e.is::<super::server::BodyTimeout>() {
            return ApiError::new(
                StatusCode::REQUEST_TIMEOUT,
                "request_timeout",
                "the request body did not arrive in time",
            );
        }
        source = e.source();
    }
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

/// serde's message without the position suffix, which means nothing to a form's user, and
/// with the parsers' terse complaints about dates and numbers said as what to send instead.
pub(crate) fn clean(msg: &str) -> String {
    let msg = match msg.rfind(" at line ") {
        Some(i) => &msg[..i],
        None => msg,
    };
    // chrono's ParseError texts: every one means the text was not a date of that form.
    const DATE: &[&str] = &[
        "input is out of range",
        "no possible date and time matching input",
        "input is not enough for unique date and time",
        "input contains invalid characters",
        "premature end of input",
        "trailing input",
    ];
    if DATE.contains(&msg) || msg.ends_with("expected a formatted date string") {
        "must be a date as YYYY-MM-DD".to_owned()
    } else if msg == "invalid digit found in string"
        || msg == "cannot parse integer from empty string"
    {
        "must be a whole number".to_owned()
    } else if msg == "number too large to fit in target type"
        || msg == "number too small to fit in target type"
    {
        "is out of range".to_owned()
    } else if msg.starts_with("provided string was not `true` or `false`") {
        "must be true or false".to_owned()
    } else {
        msg.to_owned()
    }
}

/// The field a message like "unknown field `x`" or "missing field `x`" is about.
pub(crate) fn quoted_field(msg: &str) -> Option<&str> {
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

/// The authenticated caller, from `Authorization: Bearer <token>`. Protected routes sit under
/// one layer ([`require_auth`]) that authenticates before any handler runs and leaves this in
/// the request's extensions; the extractor takes it from there.
#[derive(Clone)]
pub struct Auth {
    pub actor: Actor,
    pub token: String,
    pub expires_at: chrono::DateTime<chrono::Utc>,
}

async fn authenticate_parts(parts: &Parts, app: &AppState) -> Result<Auth, ApiError> {
    let token = bearer(parts)
        .unwrap_or_else(|| Err(AppError::Unauthorized("missing bearer token").into()))?
        .to_owned();
    let user = auth::authenticate(app, &token).await?;
    Ok(Auth {
        actor: user.actor,
        token,
        expires_at: user.expires_at,
    })
}

/// The layer in front of every protected route: no valid token, no handler.
pub async fn require_auth(
    axum::extract::State(app): axum::extract::State<AppState>,
    req: Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let (mut parts, body) = req.into_parts();
    match authenticate_parts(&parts, &app).await {
        Ok(auth) => {
            parts.extensions.insert(auth);
            next.run(Request::from_parts(parts, body)).await
        }
        Err(e) => axum::response::IntoResponse::into_response(e),
    }
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
        match parts.extensions.get::<Auth>() {
            Some(a) => Ok(a.clone()),
            None => authenticate_parts(parts, app).await,
        }
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

/// The caller's address: the peer, or, when the server is configured to sit behind proxies
/// (`trust_forwarded_for`) and the peer is one of `trusted_proxies`, the right-most
/// `X-Forwarded-For` entry that is not a trusted proxy.
pub struct ClientIp(pub Option<std::net::IpAddr>);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        app: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Some(peer) = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip())
        else {
            return Ok(ClientIp(None));
        };
        if !app.config.trust_forwarded_for {
            return Ok(ClientIp(Some(peer.to_canonical())));
        }
        let headers: Vec<&str> = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect();
        Ok(ClientIp(Some(net::client_address(
            peer,
            &headers,
            &app.trusted_proxies,
        ))))
    }
}

/// The caller's address as login throttling counts it ([`ClientIp`]; IPv6 by its /64).
pub struct ClientAddr(pub Option<String>);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        app: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let ClientIp(ip) = ClientIp::from_request_parts(parts, app).await?;
        Ok(ClientAddr(ip.map(net::throttle_key)))
    }
}

/// A positive id from the path's `{id}`, typed (`Id<ClientId>`).
pub struct Id<T>(pub T);

/// Parses one path segment as a positive id, or a 400 naming the segment.
pub fn path_id<T: From<i64>>(field: &str, raw: &str) -> Result<T, ApiError> {
    raw.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .map(T::from)
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "bad_request",
                format!("invalid {field} in the path"),
            )
            .with_field(field, "must be a positive integer")
        })
}

async fn path_segments<S: Send + Sync>(
    parts: &mut Parts,
    state: &S,
) -> Result<Vec<(String, String)>, ApiError> {
    <axum::extract::Path<Vec<(String, String)>> as FromRequestParts<S>>::from_request_parts(
        parts, state,
    )
    .await
    .map(|axum::extract::Path(v)| v)
    .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "bad_request", e.body_text()))
}

impl<T: From<i64>, S: Send + Sync> FromRequestParts<S> for Id<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let segments = path_segments(parts, state).await?;
        let raw = segments
            .iter()
            .find(|(k, _)| k == "id")
            .map(|(_, v)| v.as_str())
            .unwrap_or("");
        path_id("id", raw).map(Id)
    }
}

/// The path's parameters by name, each checked by the handler.
pub struct PathParams(pub Vec<(String, String)>);

impl PathParams {
    pub fn id<T: From<i64>>(&self, name: &str) -> Result<T, ApiError> {
        let raw = self
            .0
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str());
        path_id(name, raw)
    }

    pub fn text(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }
}

impl<S: Send + Sync> FromRequestParts<S> for PathParams {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        path_segments(parts, state).await.map(PathParams)
    }
}

/// A route's query string as its typed parameter struct: the one description that is both
/// the extractor and (through `IntoParams`) the documentation. The structs deny unknown
/// fields, so a misspelt parameter (`?stauts=paid`) is a 400 naming it, not a silently
/// ignored filter. Empty values (`?date=`) count as absent.
pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let raw = parts.uri.query().unwrap_or("");
        parse_query(raw).map(Query)
    }
}

/// Decodes `name=value&…` pairs as `T`, leaving out empty values (an HTML form's blank field,
/// `?status=`: not given); `trim` also trims the values. An error gives the field it is about
/// (`whole` when it is about no one field) and serde's message.
pub(crate) fn decode_pairs<T: DeserializeOwned>(
    raw: &[u8],
    trim: bool,
    whole: &str,
) -> Result<T, (String, String)> {
    let pairs: Vec<(String, String)> = form_urlencoded::parse(raw)
        .map(|(k, v)| {
            (
                k,
                if trim {
                    v.trim().to_owned()
                } else {
                    v.into_owned()
                },
            )
        })
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| (k.into_owned(), v))
        .collect();
    let encoded = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(&pairs)
        .finish();
    let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(encoded.as_bytes()));
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let msg = clean(&e.into_inner().to_string());
        let field = if path == "." {
            quoted_field(&msg).unwrap_or(whole).to_owned()
        } else {
            path
        };
        (field, msg)
    })
}

pub fn parse_query<T: DeserializeOwned>(raw: &str) -> Result<T, ApiError> {
    decode_pairs(raw.as_bytes(), true, "query").map_err(|(field, msg)| {
        let msg = if msg.starts_with("unknown field") {
            format!("is not a parameter of this route ({msg})")
        } else {
            msg
        };
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_request",
            format!("invalid query parameter: {field}"),
        )
        .with_field(&field, msg)
    })
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

    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Dated {
        on: Option<chrono::NaiveDate>,
    }

    #[test]
    fn dates_must_be_yyyy_mm_dd_in_bodies_and_queries() {
        for body in [
            r#"{"on":"2024-13-01"}"#,
            r#"{"on":"01/02/2024"}"#,
            r#"{"on":20240101}"#,
        ] {
            let e = parse_json::<Dated>(body.as_bytes()).unwrap_err();
            assert_eq!(e.errors.0["on"], "must be a date as YYYY-MM-DD", "{body}");
        }
        let e = parse_query::<Dated>("on=2024-02-30").unwrap_err();
        assert_eq!(e.errors.0["on"], "must be a date as YYYY-MM-DD");
    }
}
