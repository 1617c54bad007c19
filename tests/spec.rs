//! The OpenAPI document against the routes actually served: every documented operation is
//! served, nothing else is served on a documented path, no route is registered past the
//! document, the original system's routes are all there, and the document is complete (ids,
//! error answers, create schemas, body examples). `/docs` serves the vendored Redoc.

mod common;

use std::collections::{BTreeSet, HashSet};

use axum::http::Method;
use common::TestApp;
use mikronet::storage::Backend;
use serde_json::Value;

const METHODS: [&str; 5] = ["get", "post", "put", "delete", "patch"];

async fn spec(app: &TestApp) -> Value {
    app.call(Method::GET, "/openapi.json", None, None)
        .await
        .expect(200)
        .json
}

/// `/client/{id}/connection/{action}` with values that reach the handler's route.
fn concrete(path: &str) -> String {
    path.split('/')
        .map(|part| match part {
            "{action}" => "enable",
            p if p.starts_with('{') => "1",
            p => p,
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// What the spec documents: `(METHOD, path)`.
fn documented(spec: &Value) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for m in METHODS {
            if item.get(m).is_some() {
                out.insert((m.to_uppercase(), path.clone()));
            }
        }
    }
    out
}

/// Served means the router matched a route: neither the fallback's 404 nor 405. The request
/// carries no token and no body, so a protected route answers 401 from its auth layer and a
/// public one refuses the missing body: nothing is changed.
async fn served(app: &TestApp, method: &str, path: &str) -> bool {
    let m = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
    let r = app.call(m, &concrete(path), None, None).await;
    let fallback = r.status == 404 && r.json["message"] == "no such route";
    !fallback && r.status != 405
}

#[tokio::test]
async fn every_documented_operation_is_served_and_only_those() {
    let app = TestApp::new(Backend::Sqlite).await.unwrap();
    let spec = spec(&app).await;
    let documented = documented(&spec);
    assert!(documented.len() > 60, "{}", documented.len());
    let mut missing = Vec::new();
    let mut undocumented = Vec::new();
    for path in spec["paths"].as_object().unwrap().keys() {
        for m in METHODS {
            let is_documented = documented.contains(&(m.to_uppercase(), path.clone()));
            match (is_documented, served(&app, m, path).await) {
                (true, false) => missing.push(format!("{m} {path}")),
                (false, true) => undocumented.push(format!("{m} {path}")),
                _ => {}
            }
        }
    }
    assert_eq!(missing, Vec::<String>::new(), "documented but not served");
    assert_eq!(
        undocumented,
        Vec::<String>::new(),
        "served but not documented"
    );
    // And a path the document does not have is not served.
    assert!(!served(&app, "get", "/nowhere").await);
}

/// Routes are registered only through utoipa-axum's `routes!`, which documents each one: a
/// plain axum `.route(…)`, `.nest(…)` or service would be served without being in the spec.
/// The console's and the portal's pages (HTML, not the API) are registered in
/// `src/http/console/` and `src/http/portal/` only.
#[test]
fn routes_are_registered_only_where_they_are_documented() {
    let pages = [
        std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src/http/console")),
        std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src/http/portal")),
    ];
    let mut offenders = Vec::new();
    let mut stack = vec![std::path::PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/src"
    ))];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if pages.contains(&path.as_path()) {
                continue;
            }
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                for bad in [
                    ".route(",
                    ".nest(",
                    ".nest_service(",
                    ".route_service(",
                    "Router::new()",
                ] {
                    // Not a registration: `OpenApiRouter`s document what they serve, and the
                    // one wrapper that rewrites `.csv` paths before routing (axum's way to
                    // rewrite a URI: around the whole router) adds no route of its own.
                    let plain = text.matches(bad).count()
                        - if bad == "Router::new()" {
                            text.matches("OpenApiRouter::new()").count()
                                + text.matches("Router::new().fallback_service(tower::ServiceExt::map_request(served, reports::csv_suffix))").count()
                        } else {
                            0
                        };
                    if plain > 0 {
                        offenders.push(format!("{}: {bad}", path.display()));
                    }
                }
            }
        }
    }
    assert_eq!(offenders, Vec::<String>::new());
}

/// The original system's routes (the seed README and the original code), each documented and
/// served.
#[tokio::test]
async fn the_original_routes_are_documented_and_served() {
    let app = TestApp::new(Backend::Sqlite).await.unwrap();
    let documented = documented(&spec(&app).await);
    let original = [
        ("POST", "/auth/login"),
        ("GET", "/client"),
        ("POST", "/client"),
        ("POST", "/client/register"),
        ("GET", "/client/search"),
        ("GET", "/client/{id}"),
        ("PUT", "/client/{id}"),
        ("DELETE", "/client/{id}"),
        ("PUT", "/client/update/{id}"),
        ("DELETE", "/client/delete/{id}"),
        ("GET", "/client/{id}/details"),
        ("GET", "/client/{id}/subscriptions"),
        ("GET", "/client/{id}/connection/{action}"),
        ("POST", "/client/{id}/connection/{action}"),
        ("GET", "/subscription"),
        ("POST", "/subscription"),
        ("GET", "/subscription/{id}"),
        ("PUT", "/subscription/{id}"),
        ("DELETE", "/subscription/{id}"),
        ("GET", "/plan"),
        ("POST", "/plan"),
        ("GET", "/plan/{id}"),
        ("PUT", "/plan/{id}"),
        ("DELETE", "/plan/{id}"),
        ("GET", "/invoice"),
        ("POST", "/invoice"),
        ("GET", "/invoice/{id}"),
        ("PUT", "/invoice/{id}"),
        ("DELETE", "/invoice/delete/{id}"),
        ("GET", "/invoice/auto"),
        ("GET", "/invoices/generate"),
        ("POST", "/invoices/generate"),
    ];
    for (m, path) in original {
        assert!(
            documented.contains(&(m.to_owned(), path.to_owned())),
            "{m} {path} is not in the spec"
        );
        assert!(served(&app, &m.to_lowercase(), path).await, "{m} {path}");
    }
}

/// `#/components/schemas/X` → the schema itself.
fn resolve<'a>(spec: &'a Value, schema: &'a Value) -> &'a Value {
    match schema["$ref"].as_str() {
        Some(r) => {
            let name = r.trim_start_matches("#/components/schemas/");
            &spec["components"]["schemas"][name]
        }
        None => schema,
    }
}

#[tokio::test]
async fn the_spec_is_complete() {
    let app = TestApp::new(Backend::Sqlite).await.unwrap();
    let spec = spec(&app).await;
    let mut ids = HashSet::new();
    let mut problems = Vec::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for m in METHODS {
            let Some(op) = item.get(m) else { continue };
            let at = format!("{m} {path}");
            let id = op["operationId"].as_str().unwrap_or_default().to_owned();
            if id.is_empty() || !ids.insert(id.clone()) {
                problems.push(format!("{at}: operationId {id:?} missing or repeated"));
            }
            let responses = op["responses"].as_object().unwrap();
            let protected = op.get("security").is_some();
            let mut must = vec!["400", "500", "503"];
            if protected {
                must.extend(["401", "403"]);
            }
            if path.contains('{') {
                must.push("404");
            }
            if op.get("requestBody").is_some() {
                must.extend(["408", "413", "415", "422"]);
            }
            if m != "get" {
                must.push("507");
            }
            for status in must {
                if !responses.contains_key(status) {
                    problems.push(format!("{at}: {status} undocumented"));
                }
            }
            for (status, answer) in responses {
                if answer["description"]
                    .as_str()
                    .unwrap_or_default()
                    .is_empty()
                {
                    problems.push(format!("{at}: {status} has no description"));
                }
                // Health answers 503 with its own report (which part is down), not an error.
                let health = path.starts_with("/health") && status == "503";
                if (status.starts_with('4') || status.starts_with('5')) && !health {
                    let schema = &answer["content"]["application/json"]["schema"]["$ref"];
                    if schema != "#/components/schemas/ErrorBody" {
                        problems.push(format!("{at}: {status} is not an ErrorBody"));
                    }
                }
            }
            if let Some(body) = op.get("requestBody") {
                let media = &body["content"]["application/json"];
                let schema = resolve(&spec, &media["schema"]);
                let example = ["example", "examples"];
                if !example
                    .iter()
                    .any(|k| media.get(k).is_some() || schema.get(k).is_some())
                {
                    problems.push(format!("{at}: the request body has no example"));
                }
            }
        }
    }
    assert_eq!(problems, Vec::<String>::new());

    // Create bodies mark what a creation needs; update bodies mark nothing.
    let schemas = &spec["components"]["schemas"];
    let body_of = |m: &str, path: &str| {
        let media = &spec["paths"][path][m]["requestBody"]["content"]["application/json"];
        resolve(&spec, &media["schema"]).clone()
    };
    let required = |v: &Value| -> BTreeSet<String> {
        v["required"]
            .as_array()
            .map(|a| a.iter().map(|s| s.as_str().unwrap().to_owned()).collect())
            .unwrap_or_default()
    };
    for (create, update, fields) in [
        (
            ("post", "/client/register"),
            ("put", "/client/update/{id}"),
            &[
                "name",
                "phone_number",
                "address",
                "ppp_secret_name",
                "password",
            ][..],
        ),
        (
            ("post", "/plans"),
            ("put", "/plans/{id}"),
            &["plan_name", "price", "ppp_profile_name"],
        ),
        (
            ("post", "/subscriptions"),
            ("put", "/subscriptions/{id}"),
            &["client_id", "plan_id", "start_date"],
        ),
    ] {
        let c = body_of(create.0, create.1);
        for f in fields {
            assert!(
                required(&c).contains(*f),
                "{create:?} must require {f}: {c}"
            );
        }
        let u = body_of(update.0, update.1);
        assert_eq!(required(&u), BTreeSet::new(), "{update:?}: {u}");
    }
    assert!(schemas["ClientCreate"].is_object() && schemas["ClientDraft"].is_object());

    // Words are documented as they are sent, not as the Rust variants are named.
    assert_eq!(
        schemas["Role"]["enum"],
        serde_json::json!(["admin", "operator", "cashier"])
    );
}

#[tokio::test]
async fn docs_serve_redoc_from_this_origin() {
    let app = TestApp::new(Backend::Sqlite).await.unwrap();
    let page = app.call(Method::GET, "/docs", None, None).await.expect(200);
    assert!(
        page.header("content-type").starts_with("text/html"),
        "{}",
        page.header("content-type")
    );
    assert!(page.text.contains(r#"<redoc spec-url="/openapi.json">"#));
    assert!(
        page.text
            .contains(r#"<script src="/docs/redoc.standalone.js">"#)
    );
    assert!(!page.text.contains("http://") && !page.text.contains("https://"));
    let csp = page.header("content-security-policy");
    assert!(csp.contains("script-src 'self'"), "{csp}");
    assert!(
        !csp.contains("unsafe-eval") && !csp.contains("http"),
        "{csp}"
    );

    let js = app
        .call(Method::GET, "/docs/redoc.standalone.js", None, None)
        .await
        .expect(200);
    assert_eq!(js.header("content-type"), "text/javascript; charset=utf-8");
    assert!(js.text.len() > 500_000, "{}", js.text.len());
    assert!(js.text.contains("redoc.standalone.js.LICENSE.txt"));
}
