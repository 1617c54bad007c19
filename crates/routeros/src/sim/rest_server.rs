//! The simulator's REST front end: HTTP verbs mapped onto the same commands.

use std::sync::Arc;

use base64::Engine;
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::header::{AUTHORIZATION, CONTENT_TYPE};
use hyper::{Method, Request, Response, StatusCode};
use serde_json::{Map, Value, json};

use super::router::{NO_SUCH_ITEM, Outcome, SimRow, Trap, menu_prefix};
use super::{Executed, Shared};

const MAX_BODY: usize = 1 << 20;

type HttpResponse = Response<Full<Bytes>>;
pub(crate) type ServiceError = Box<dyn std::error::Error + Send + Sync>;

fn json_response(status: StatusCode, body: &Value) -> HttpResponse {
    let mut resp = Response::new(Full::new(Bytes::from(body.to_string())));
    *resp.status_mut() = status;
    resp.headers_mut().insert(
        CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("application/json"),
    );
    resp
}

fn error(status: StatusCode, detail: Option<&str>) -> HttpResponse {
    let mut body = json!({
        "error": status.as_u16(),
        "message": status.canonical_reason().unwrap_or(""),
    });
    if let Some(d) = detail {
        body["detail"] = Value::String(d.to_owned());
    }
    json_response(status, &body)
}

fn not_found() -> HttpResponse {
    error(StatusCode::NOT_FOUND, None)
}

/// A trap as REST reports it; a missing item is a plain 404.
fn trap_response(traps: &[Trap]) -> HttpResponse {
    let first = traps.first().map(|t| t.message.as_str()).unwrap_or("");
    if first == NO_SUCH_ITEM {
        return not_found();
    }
    error(StatusCode::BAD_REQUEST, Some(first))
}

fn row_json(row: &SimRow) -> Value {
    Value::Object(
        row.iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect(),
    )
}

/// JSON input may carry numbers and booleans; RouterOS takes them as their text.
fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn authorized(req: &Request<Incoming>, shared: &Shared) -> bool {
    let Some(h) = req
        .headers()
        .get(AUTHORIZATION)
        .and_then(|h| h.to_str().ok())
    else {
        return false;
    };
    let Some(b64) = h.strip_prefix("Basic ") else {
        return false;
    };
    let Ok(raw) = base64::engine::general_purpose::STANDARD.decode(b64.trim()) else {
        return false;
    };
    let expected = format!("{}:{}", shared.config.username, shared.config.password);
    raw == expected.as_bytes()
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'%'
            && let Some(v) = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(if b == b'+' { b' ' } else { b });
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `.id` when it looks like one, else a name (REST also addresses items by name).
fn target_attr(segment: &str) -> (String, String) {
    if segment.starts_with('*') {
        (".id".to_owned(), segment.to_owned())
    } else {
        ("numbers".to_owned(), segment.to_owned())
    }
}

fn target_query(segment: &str) -> String {
    if segment.starts_with('*') {
        format!(".id={segment}")
    } else {
        format!("name={segment}")
    }
}

/// Runs a request's command; a connection the router is dropping gets no answer.
fn execute(
    shared: &Shared,
    generation: u64,
    path: &str,
    attrs: &[(String, String)],
    queries: &[String],
) -> Result<Result<Outcome, Vec<Trap>>, ServiceError> {
    match shared.execute(generation, path, attrs, queries) {
        Executed::Ran(r) => Ok(r),
        // Failing the service makes hyper drop the connection without a response.
        Executed::RanThenDropped | Executed::Dropped => Err("connection dropped".into()),
    }
}

pub(crate) async fn handle(
    req: Request<Incoming>,
    shared: Arc<Shared>,
    generation: u64,
) -> Result<HttpResponse, ServiceError> {
    let delay = shared.faults.reply_delay();
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    if shared.faults.drop_mid_reply() {
        // Failing the service makes hyper drop the connection without a response.
        return Err("fault injection: connection dropped".into());
    }
    if !authorized(&req, &shared) {
        return Ok(error(StatusCode::UNAUTHORIZED, None));
    }
    let method = req.method().clone();
    let path = percent_decode(req.uri().path());
    let query = req.uri().query().unwrap_or("").to_owned();
    let body = match Limited::new(req.into_body(), MAX_BODY).collect().await {
        Ok(b) => b.to_bytes(),
        Err(_) => return Ok(error(StatusCode::PAYLOAD_TOO_LARGE, None)),
    };
    let Some(rest) = path.strip_prefix("/rest/") else {
        return Ok(not_found());
    };
    let segs: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
    // The menu (`ppp/secret`, `ip/firewall/nat`), with the API's error text for a bad one.
    let n = match menu_prefix(&segs) {
        Ok((n, _)) => n,
        Err(_) if segs.len() < 2 => return Ok(not_found()),
        Err(traps) => {
            return Ok(error(
                StatusCode::BAD_REQUEST,
                traps.first().map(|t| t.message.as_str()),
            ));
        }
    };
    let menu_path = format!("/{}", segs[..n].join("/"));
    // After the menu: nothing, or one item (id or name) or command.
    let tail = &segs[n..];
    let object: Map<String, Value> = if body.is_empty() {
        Map::new()
    } else {
        match serde_json::from_slice(&body) {
            Ok(Value::Object(o)) => o,
            _ => return Ok(error(StatusCode::BAD_REQUEST, Some("JSON object expected"))),
        }
    };
    let single = matches!(menu_path.as_str(), "/system/resource" | "/system/identity");
    let run = |path: String, attrs: Vec<(String, String)>, queries: Vec<String>| {
        execute(&shared, generation, &path, &attrs, &queries)
    };

    let resp = match (method, tail) {
        (Method::GET, []) => {
            let mut attrs = Vec::new();
            let mut queries = Vec::new();
            for pair in query.split('&').filter(|p| !p.is_empty()) {
                let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                let (k, v) = (percent_decode(k), percent_decode(v));
                if k == ".proplist" {
                    attrs.push((k, v));
                } else {
                    queries.push(format!("{k}={v}"));
                }
            }
            match run(format!("{menu_path}/print"), attrs, queries)? {
                Ok(out) if single => out
                    .rows
                    .first()
                    .map_or_else(not_found, |r| json_response(StatusCode::OK, &row_json(r))),
                Ok(out) => json_response(
                    StatusCode::OK,
                    &Value::Array(out.rows.iter().map(row_json).collect()),
                ),
                Err(t) => trap_response(&t),
            }
        }
        (Method::GET, [item]) => match run(
            format!("{menu_path}/print"),
            Vec::new(),
            vec![target_query(item)],
        )? {
            Ok(out) => out
                .rows
                .first()
                .map_or_else(not_found, |r| json_response(StatusCode::OK, &row_json(r))),
            Err(t) => trap_response(&t),
        },
        (Method::PUT, []) => {
            let attrs = object
                .iter()
                .map(|(k, v)| (k.clone(), value_text(v)))
                .collect();
            match run(format!("{menu_path}/add"), attrs, Vec::new())? {
                Ok(out) => {
                    let id = out
                        .done
                        .iter()
                        .find(|(k, _)| k == "ret")
                        .map(|(_, v)| v.clone())
                        .unwrap_or_default();
                    printed_item(&shared, &menu_path, &id, StatusCode::OK)
                }
                Err(t) => trap_response(&t),
            }
        }
        (Method::PATCH, [item]) => {
            let mut attrs = vec![target_attr(item)];
            attrs.extend(object.iter().map(|(k, v)| (k.clone(), value_text(v))));
            match run(format!("{menu_path}/set"), attrs, Vec::new())? {
                Ok(_) => printed_item(&shared, &menu_path, item, StatusCode::OK),
                Err(t) => trap_response(&t),
            }
        }
        (Method::DELETE, [item]) => match run(
            format!("{menu_path}/remove"),
            vec![target_attr(item)],
            Vec::new(),
        )? {
            Ok(_) => {
                let mut resp = Response::new(Full::new(Bytes::new()));
                *resp.status_mut() = StatusCode::NO_CONTENT;
                resp
            }
            Err(t) => trap_response(&t),
        },
        (Method::POST, [command]) => {
            post_command(&shared, generation, &menu_path, command, object)?
        }
        _ => error(StatusCode::BAD_REQUEST, Some("no such command")),
    };
    Ok(resp)
}

fn printed_item(
    shared: &Shared,
    menu_path: &str,
    target: &str,
    status: StatusCode,
) -> HttpResponse {
    let out = shared
        .state
        .with(|s| s.run(&format!("{menu_path}/print"), &[], &[target_query(target)]));
    match out {
        Ok(out) => out
            .rows
            .first()
            .map_or_else(not_found, |r| json_response(status, &row_json(r))),
        Err(t) => trap_response(&t),
    }
}

/// `POST /rest/<menu>/<command>`: `.proplist` and `.query` in the body, the rest as attributes.
fn post_command(
    shared: &Shared,
    generation: u64,
    menu_path: &str,
    command: &str,
    body: Map<String, Value>,
) -> Result<HttpResponse, ServiceError> {
    let mut attrs = Vec::new();
    let mut queries = Vec::new();
    for (k, v) in body {
        match (k.as_str(), v) {
            (".proplist", Value::Array(items)) => {
                let list: Vec<String> = items.iter().map(value_text).collect();
                attrs.push((k, list.join(",")));
            }
            (".query", Value::Array(items)) => queries.extend(items.iter().map(value_text)),
            (_, v) => attrs.push((k, value_text(&v))),
        }
    }
    let path = format!("{menu_path}/{command}");
    Ok(
        match execute(shared, generation, &path, &attrs, &queries)? {
            Ok(out) if !out.rows.is_empty() => json_response(
                StatusCode::OK,
                &Value::Array(out.rows.iter().map(row_json).collect()),
            ),
            Ok(out) if !out.done.is_empty() => json_response(StatusCode::OK, &row_json(&out.done)),
            Ok(_) => json_response(StatusCode::OK, &Value::Array(Vec::new())),
            Err(t)
                if t.first()
                    .is_some_and(|t| t.message.starts_with("no such command")) =>
            {
                error(
                    StatusCode::NOT_ACCEPTABLE,
                    Some(&format!("no such command or directory ({command})")),
                )
            }
            Err(t) => trap_response(&t),
        },
    )
}
