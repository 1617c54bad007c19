//! Bodies of the original system's routes: JSON, or a form (`application/x-www-form-urlencoded`)
//! as the original's PHP front ends posted them, read into the same draft and validated the
//! same way.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{StatusCode, header};
use serde::de::DeserializeOwned;
use utoipa::openapi::RefOr;

use super::error::ApiError;
use super::extract::{JsonBody, body_rejection, decode_pairs};

const FORM: &str = "application/x-www-form-urlencoded";

/// A body sent as JSON or as a form. A form's empty fields count as absent (as a query's
/// do); its errors are those of JSON: 422 naming the field. Any other content type is 415.
pub struct FormOrJson<T>(pub T);

enum Kind {
    Json,
    Form,
    Other,
}

fn kind(req: &Request) -> Kind {
    let Some(v) = req.headers().get(header::CONTENT_TYPE) else {
        // No declared type: read as JSON, as the JSON-only routes do.
        return Kind::Json;
    };
    let media = v
        .to_str()
        .ok()
        .and_then(|v| v.split(';').next())
        .map(|m| m.trim().to_ascii_lowercase())
        .unwrap_or_default();
    if media == "application/json" || media.ends_with("+json") {
        Kind::Json
    } else if media == FORM {
        Kind::Form
    } else {
        Kind::Other
    }
}

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for FormOrJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        match kind(&req) {
            Kind::Json => JsonBody::<T>::from_request(req, state)
                .await
                .map(|JsonBody(t)| FormOrJson(t)),
            Kind::Form => {
                let bytes = Bytes::from_request(req, state)
                    .await
                    .map_err(body_rejection)?;
                parse_form(&bytes).map(FormOrJson)
            }
            Kind::Other => Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "send the body as JSON (Content-Type: application/json) or as a form \
                 (Content-Type: application/x-www-form-urlencoded)",
            )),
        }
    }
}

/// A form body as `T`; errors name the field, as a JSON body's do.
pub fn parse_form<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    decode_pairs(bytes, false, "body").map_err(|(field, msg)| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            format!("invalid or missing fields: {field}"),
        )
        .with_field(&field, msg)
    })
}

/// Documents the form beside JSON on every operation of the original routes (tag `original`)
/// that takes a body: the same schema, as `application/x-www-form-urlencoded`.
pub fn document(doc: &mut utoipa::openapi::OpenApi) {
    for item in doc.paths.paths.values_mut() {
        for op in [item.post.as_mut(), item.put.as_mut(), item.patch.as_mut()]
            .into_iter()
            .flatten()
        {
            let original = op
                .tags
                .as_ref()
                .is_some_and(|t| t.iter().any(|t| t == "original"));
            let Some(RefOr::T(body)) = op.request_body.as_mut().filter(|_| original) else {
                continue;
            };
            if let Some(json) = body.content.get("application/json").cloned() {
                body.content.entry(FORM.to_owned()).or_insert(json);
                op.responses
                    .responses
                    .entry("415".to_owned())
                    .or_insert_with(|| {
                        RefOr::T(
                            utoipa::openapi::ResponseBuilder::new()
                                .description("the body is sent neither as JSON nor as a form")
                                .content(
                                    "application/json",
                                    utoipa::openapi::Content::new(Some(RefOr::<
                                        utoipa::openapi::schema::Schema,
                                    >::Ref(
                                        utoipa::openapi::Ref::from_schema_name("ErrorBody"),
                                    ))),
                                )
                                .build(),
                        )
                    });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Body {
        name: Option<String>,
        price: Option<crate::domain::money::Money>,
        id: Option<crate::domain::ids::RouterId>,
        on: Option<chrono::NaiveDate>,
    }

    #[test]
    fn forms_read_as_json_would() {
        let b: Body = parse_form(b"name=John+Doe&price=150000.50&id=3&on=2025-01-02").unwrap();
        assert_eq!(b.name.as_deref(), Some("John Doe"));
        assert_eq!(b.price.unwrap().minor(), 15_000_050);
        assert_eq!(b.id.unwrap().0, 3);
        assert_eq!(b.on.unwrap().to_string(), "2025-01-02");
        let b: Body = parse_form(b"name=&price=").unwrap();
        assert_eq!(b.name, None);
        let e = parse_form::<Body>(b"nmae=x").unwrap_err();
        assert_eq!(e.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(e.errors.0.contains_key("nmae"), "{:?}", e.errors);
        let e = parse_form::<Body>(b"id=abc").unwrap_err();
        assert_eq!(e.errors.0["id"], "must be a whole number");
        let e = parse_form::<Body>(b"on=01/02/2025").unwrap_err();
        assert_eq!(e.errors.0["on"], "must be a date as YYYY-MM-DD");
    }
}
