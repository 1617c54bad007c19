//! The OpenAPI document. Paths come from the routes as they are registered (see
//! [`super::api`]); this module adds what is true of every route of a kind, so that no handler
//! has to repeat it and none can forget it: a unique operation id, the bearer requirement of
//! protected routes, and the error answers every route can give.

use utoipa::openapi::path::{HttpMethod, Operation};
use utoipa::openapi::response::{Response, ResponseBuilder};
use utoipa::openapi::schema::Schema;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{Content, OpenApi as Document, Ref, RefOr};
use utoipa::{OpenApi, PartialSchema, ToSchema};

use crate::domain::Draft;
use crate::http::error::ErrorBody;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "MikroNet Billing",
        description = "Billing and provisioning for internet providers running MikroTik routers. \
            Errors share one shape: `{\"status\":…,\"error\":…,\"message\":…,\"errors\":{field:…}}`; \
            `errors` names each field (body, query or path) that was wrong."
    ),
    components(schemas(ErrorBody)),
    tags(
        (name = "auth", description = "Users, login and tokens"),
        (name = "clients", description = "Clients (the original system's routes)"),
        (name = "plans", description = "What the provider sells"),
        (name = "subscriptions", description = "Clients on plans, with their history"),
        (name = "invoices", description = "Invoices and their generation"),
        (name = "payments", description = "Payments against invoices"),
        (name = "reports", description = "Summary figures"),
        (name = "routers", description = "MikroTik routers, their queue of changes, and reconcile"),
        (name = "audit", description = "Who changed what: the tamper-evident audit trail"),
        (name = "operations", description = "Health and documentation"),
        (name = "original", description = "The original PHP system's later routes, kept for \
            compatibility with clients written against it; each names its modern equivalent"),
    )
)]
pub struct ApiDoc;

/// A draft's schema with the fields a creation needs marked required (the draft itself, used
/// for updates, has every field optional).
fn required(draft: RefOr<Schema>, fields: &[&str]) -> RefOr<Schema> {
    let mut schema = draft;
    if let RefOr::T(Schema::Object(o)) = &mut schema {
        o.required = fields.iter().map(|f| (*f).to_owned()).collect();
    }
    schema
}

/// `ClientCreate = ClientDraft, …`: the create schema of each draft, for POST bodies.
macro_rules! create_schemas {
    ($($name:ident = $draft:ty),* $(,)?) => {$(
        #[doc = concat!("The body that creates: `", stringify!($draft), "` with its required fields.")]
        pub struct $name;
        impl PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                required(<$draft as PartialSchema>::schema(), <$draft as Draft>::REQUIRED)
            }
        }
        impl ToSchema for $name {
            fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
                <$draft as ToSchema>::schemas(schemas);
            }
        }
    )*};
}

create_schemas! {
    ClientCreate = crate::domain::client::ClientDraft,
    PlanCreate = crate::domain::billing::plan::PlanDraft,
    SubscriptionCreate = crate::domain::billing::subscription::SubscriptionDraft,
    RouterCreate = crate::domain::router::RouterDraft,
    UserCreate = crate::domain::user::UserDraft,
}

fn error(description: &str) -> RefOr<Response> {
    RefOr::T(
        ResponseBuilder::new()
            .description(description)
            .content(
                "application/json",
                Content::new(Some(RefOr::<Schema>::Ref(Ref::from_schema_name(
                    ErrorBody::name(),
                )))),
            )
            .build(),
    )
}

/// Adds `answer` to `op` unless the handler documented that status itself.
fn add(op: &mut Operation, status: &str, description: &str) {
    op.responses
        .responses
        .entry(status.to_owned())
        .or_insert_with(|| error(description));
}

const METHODS: [(HttpMethod, &str); 5] = [
    (HttpMethod::Get, "get"),
    (HttpMethod::Post, "post"),
    (HttpMethod::Put, "put"),
    (HttpMethod::Delete, "delete"),
    (HttpMethod::Patch, "patch"),
];

fn operation_mut<'a>(
    item: &'a mut utoipa::openapi::PathItem,
    m: &HttpMethod,
) -> Option<&'a mut Operation> {
    match m {
        HttpMethod::Get => item.get.as_mut(),
        HttpMethod::Post => item.post.as_mut(),
        HttpMethod::Put => item.put.as_mut(),
        HttpMethod::Delete => item.delete.as_mut(),
        HttpMethod::Patch => item.patch.as_mut(),
        _ => None,
    }
}

/// `get_client_id_details` for `GET /client/{id}/details`: unique by construction.
fn operation_id(method: &str, path: &str) -> String {
    let mut id = method.to_owned();
    for part in path.split('/').filter(|p| !p.is_empty()) {
        id.push('_');
        id.extend(
            part.trim_matches(['{', '}'])
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }),
        );
    }
    id
}

/// The `…_id` fields of a JSON body's schema (`client_id`, `plan_id`): a body that names a
/// record is answered 404 when there is none.
fn names_a_record(
    body: &RefOr<utoipa::openapi::request_body::RequestBody>,
    schemas: &std::collections::BTreeMap<String, RefOr<Schema>>,
) -> Option<String> {
    let RefOr::T(body) = body else { return None };
    let RefOr::T(content) = body.content.get("application/json")? else {
        return None;
    };
    let schema = content.schema.as_ref()?;
    let schema = match schema {
        RefOr::Ref(r) => schemas.get(r.ref_location.trim_start_matches("#/components/schemas/"))?,
        t => t,
    };
    let RefOr::T(Schema::Object(o)) = schema else {
        return None;
    };
    let ids: Vec<String> = o
        .properties
        .keys()
        .filter(|k| k.ends_with("_id"))
        .map(|k| format!("`{k}`"))
        .collect();
    (!ids.is_empty()).then(|| ids.join(", "))
}

/// A response that the handler documented without words gets the status's reason phrase
/// ("OK", "Created"): OpenAPI requires a description on every response.
fn describe(op: &mut Operation) {
    for (status, answer) in op.responses.responses.iter_mut() {
        if let RefOr::T(r) = answer
            && r.description.is_empty()
        {
            r.description = status
                .parse::<u16>()
                .ok()
                .and_then(|s| axum::http::StatusCode::from_u16(s).ok())
                .and_then(|s| s.canonical_reason())
                .unwrap_or("the answer")
                .to_owned();
        }
    }
}

/// Marks every operation of `doc` as needing a bearer token (a protected router's paths).
pub fn protect(doc: &mut Document) {
    for item in doc.paths.paths.values_mut() {
        for (m, _) in &METHODS {
            if let Some(op) = operation_mut(item, m) {
                op.security = Some(vec![SecurityRequirement::new(
                    "bearer",
                    Vec::<String>::new(),
                )]);
                add(
                    op,
                    "401",
                    "no, malformed, unknown, expired or revoked bearer token",
                );
                add(op, "403", "the caller's role may not do this");
            }
        }
    }
}

/// Completes the document: operation ids, the bearer scheme, and the error answers every
/// route can give (a path or query that does not parse, a body that is not JSON or breaks the
/// rules, a busy database).
pub fn finish(mut doc: Document) -> Document {
    let components = doc.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        "bearer",
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .description(Some("a token from POST /auth/login"))
                .build(),
        ),
    );
    let schemas = components.schemas.clone();
    for (path, item) in doc.paths.paths.iter_mut() {
        // A GET served beside a POST on the same path is that action's GET form: it writes.
        let action_path = item.post.is_some();
        for (m, name) in &METHODS {
            let writes = *m != HttpMethod::Get || action_path;
            let Some(op) = operation_mut(item, m) else {
                continue;
            };
            op.operation_id = Some(operation_id(name, path));
            describe(op);
            add(
                op,
                "400",
                "a path id or query parameter that does not parse, or an unknown query parameter",
            );
            if path.contains('{') {
                add(op, "404", "no such record");
            }
            if let Some(id) = op
                .request_body
                .as_ref()
                .and_then(|b| names_a_record(b, &schemas))
            {
                add(
                    op,
                    "404",
                    &format!("no such record, or a record the body names ({id}) does not exist"),
                );
            }
            if op.request_body.is_some() {
                add(op, "400", "the body is not JSON");
                add(
                    op,
                    "408",
                    "the body did not arrive within http_body_timeout_seconds",
                );
                add(op, "413", "the body is larger than max_body_bytes");
                add(op, "415", "the body is not sent as application/json");
                add(
                    op,
                    "422",
                    "missing, unknown or invalid fields; `errors` names each",
                );
            }
            if writes {
                add(
                    op,
                    "507",
                    "the database has no space left for the change; nothing was saved",
                );
            }
            add(
                op,
                "500",
                "an unexpected failure (logged with the request id)",
            );
            add(
                op,
                "503",
                "the database is busy, unreachable or read-only, or the server is at its limit \
                 of password checks; retry shortly (see Retry-After)",
            );
        }
    }
    doc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_ids_follow_method_and_path() {
        assert_eq!(
            operation_id("get", "/client/{id}/details"),
            "get_client_id_details"
        );
        assert_eq!(operation_id("post", "/auth/login"), "post_auth_login");
        assert_eq!(
            operation_id("post", "/routers/{id}/jobs/{job_id}/retry"),
            "post_routers_id_jobs_job_id_retry"
        );
    }
}
