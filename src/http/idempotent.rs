//! `Idempotency-Key` on the routes that create: the extractor that reads the key and a digest
//! of the request, the answers a create stores (and a retry replays byte for byte), and the
//! documentation every such route shares.

use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, MatchedPath, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use sha2::{Digest, Sha256};
use utoipa::openapi::OpenApi as Document;
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::{RefOr, schema};

use super::error::ApiError;
use super::extract::body_rejection;
use super::routes::Envelope;
use crate::service::AppError;
use crate::service::idempotency::{Answer, HEADER, Key, Once, Outcome};

/// The header a replayed answer carries.
pub const REPLAYED: &str = "idempotent-replayed";

/// A create's body `B` (any body extractor) with the request's `Idempotency-Key`, if it sent
/// one. With a key, the body is read once, digested with the method, path and query (a retry
/// must send the same), and handed to `B`.
pub struct Keyed<B>(pub Retry, pub B);

/// The key of a create request (or none), to make its [`Once`].
pub struct Retry(Option<Key>);

impl Retry {
    /// The create's answer, made from what it created by `answer`, kept under the key.
    pub fn answer<T>(self, answer: impl Fn(&T) -> Answer + Send + Sync + 'static) -> Once<T> {
        Once::new(self.0, answer)
    }
}

impl<S, B> FromRequest<S> for Keyed<B>
where
    S: Send + Sync,
    B: FromRequest<S, Rejection = ApiError>,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let Some(value) = req.headers().get("idempotency-key") else {
            return Ok(Keyed(Retry(None), B::from_request(req, state).await?));
        };
        let key = value
            .to_str()
            .map_err(|_| {
                AppError::bad_request(HEADER, "must be 1 to 128 printable ASCII characters")
            })?
            .to_owned();
        let template = req
            .extensions()
            .get::<MatchedPath>()
            .map_or_else(|| req.uri().path().to_owned(), |m| m.as_str().to_owned());
        let route = format!("{} {template}", req.method());
        let (parts, body) = req.into_parts();
        let bytes = Bytes::from_request(Request::from_parts(parts.clone(), body), state)
            .await
            .map_err(body_rejection)?;
        let mut digest = Sha256::new();
        digest.update(parts.method.as_str());
        digest.update(b"\n");
        digest.update(parts.uri.path_and_query().map_or("", |p| p.as_str()));
        digest.update(b"\n");
        digest.update(
            parts
                .headers
                .get(header::CONTENT_TYPE)
                .map_or(&b""[..], |v| v.as_bytes()),
        );
        digest.update(b"\n");
        digest.update(&bytes);
        let key = Key::new(&key, route, hex::encode(digest.finalize()))?;
        let inner = B::from_request(Request::from_parts(parts, Body::from(bytes)), state).await?;
        Ok(Keyed(Retry(Some(key)), inner))
    }
}

/// The key a console form carries in its hidden `idempotency_key` field (made when the page
/// was rendered), scoped as the API scopes the header: per user (the service's `tx_once!`)
/// and route (`route`, the method and matched path, `POST /console/…/{id}`), with a digest of
/// the path and the form's `fields` (as read, not as typed), which a resubmission must match.
pub fn form_key(
    key: &str,
    route: &str,
    path: &str,
    fields: &[(&str, &str)],
) -> Result<Key, AppError> {
    let mut digest = Sha256::new();
    digest.update(b"POST\n");
    digest.update(path.as_bytes());
    for (name, value) in fields {
        digest.update(b"\n");
        digest.update(name.as_bytes());
        digest.update(b"=");
        digest.update(value.as_bytes());
    }
    Key::new(key, route.to_owned(), hex::encode(digest.finalize()))
}

/// A JSON answer with `status`, as axum's `Json` would write it.
pub fn json<T: Serialize>(status: StatusCode, body: &T) -> Answer {
    match serde_json::to_string(body) {
        Ok(body) => Answer {
            status: status.as_u16(),
            body,
        },
        Err(e) => {
            tracing::error!(error = %e, "an answer could not be serialized");
            Answer {
                status: 500,
                body: r#"{"status":500,"error":"internal","message":"internal error"}"#.into(),
            }
        }
    }
}

/// `201 {"message": …, "data": …}`: what a create answers.
pub fn created<T: Serialize>(message: &str, data: T) -> Answer {
    json(
        StatusCode::CREATED,
        &Envelope {
            message: message.to_owned(),
            data,
        },
    )
}

/// The response of a create: its answer, or the first request's answer again, with
/// `Idempotent-Replayed: true`.
pub fn respond<T>(outcome: Outcome<T>) -> Response {
    let replayed = outcome.is_replay();
    let a = outcome.into_answer();
    let status = StatusCode::from_u16(a.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut res = (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        a.body,
    )
        .into_response();
    if replayed {
        res.headers_mut()
            .insert(REPLAYED, HeaderValue::from_static("true"));
    }
    res
}

/// The `Idempotency-Key` header, documented once: every create lists it in its `params`.
#[derive(Debug, utoipa::IntoParams)]
#[into_params(parameter_in = Header)]
#[allow(dead_code)]
pub struct IdempotencyKey {
    /// Makes a retried create safe (1 to 128 printable ASCII characters, chosen by the client,
    /// kept 24 hours per user and route): a repeat with the same key and the same request gets
    /// the first answer again, status and body byte for byte, with `Idempotent-Replayed:
    /// true`, and creates nothing; the same key with a different request is refused (422).
    #[param(rename = "Idempotency-Key")]
    pub idempotency_key: Option<String>,
}

fn takes_key(op: &Operation) -> bool {
    op.parameters.as_ref().is_some_and(|ps| {
        ps.iter()
            .any(|p| matches!(p, RefOr::T(p) if p.name == HEADER && p.parameter_in == ParameterIn::Header))
    })
}

/// Completes the documentation of every operation that takes `Idempotency-Key`: the
/// `Idempotent-Replayed` header of its success answer, and the refusals the key adds.
pub fn document(doc: &mut Document) {
    for item in doc.paths.paths.values_mut() {
        let Some(op) = item.post.as_mut() else {
            continue;
        };
        if !takes_key(op) {
            continue;
        }
        for (status, answer) in op.responses.responses.iter_mut() {
            if let (true, RefOr::T(r)) = (status.starts_with('2'), answer) {
                r.headers.insert(
                    "Idempotent-Replayed".to_owned(),
                    RefOr::T(
                        HeaderBuilder::new()
                            .schema(Some(schema::Object::with_type(schema::Type::String)))
                            .description(Some(
                                "`true` when this is the stored answer of an earlier request \
                             with the same Idempotency-Key",
                            ))
                            .build(),
                    ),
                );
            }
        }
        let mut add = |status: &str, description: &str| {
            op.responses
                .responses
                .entry(status.to_owned())
                .or_insert_with(|| {
                    RefOr::T(
                        utoipa::openapi::ResponseBuilder::new()
                            .description(description)
                            .content(
                                "application/json",
                                utoipa::openapi::Content::new(Some(RefOr::<schema::Schema>::Ref(
                                    utoipa::openapi::Ref::from_schema_name("ErrorBody"),
                                ))),
                            )
                            .build(),
                    )
                });
        };
        add(
            "409",
            "a request with this Idempotency-Key is still in progress; retry",
        );
        add(
            "422",
            "missing, unknown or invalid fields (`errors` names each), or an Idempotency-Key \
             already used for a different request",
        );
    }
}
