//! RouterOS v7 REST client (`/rest/...`, HTTP Basic auth, JSON with string values).
//!
//! One keep-alive HTTP/1.1 connection per client; requests take turns on it.
//! RouterOS limits `www-ssl` sessions (20 seen on 7.19), so a client that opens
//! a connection per request would soon be refused.

use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::client::conn::http1::{self, SendRequest};
use hyper::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HOST};
use hyper::{Method, Request, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::{Map, Value};
use tokio::sync::Mutex;
use tracing::debug;

use crate::error::{Error, ErrorKind, Result, host_port};
use crate::model::Row;
use crate::router_api::{BoxFuture, RouterApi};
use crate::tls::{self, TlsOptions};

#[derive(Debug, Clone)]
pub struct RestConfig {
    pub host: String,
    pub port: u16,
    pub username: String,
    pub password: String,
    /// `None` = plain HTTP (`www` service, v7.9+); the default is HTTPS.
    pub tls: Option<TlsOptions>,
    pub connect_timeout: Duration,
    /// The router itself gives up after 60 s.
    pub request_timeout: Duration,
    /// Largest response body accepted.
    pub max_body: usize,
}

impl RestConfig {
    /// HTTPS on 443, verified against the system roots.
    pub fn new(
        host: impl Into<String>,
        username: impl Into<String>,
        password: impl Into<String>,
    ) -> Self {
        RestConfig {
            host: host.into(),
            port: 443,
            username: username.into(),
            password: password.into(),
            tls: Some(TlsOptions::system_roots()),
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(65),
            max_body: 64 << 20,
        }
    }

    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    pub fn tls(mut self, tls: TlsOptions) -> Self {
        self.tls = Some(tls);
        self
    }

    /// Plain HTTP; moves the port to 80 unless one was chosen.
    pub fn plain_http(mut self) -> Self {
        if self.port == 443 {
            self.port = 80;
        }
        self.tls = None;
        self
    }

    pub fn request_timeout(mut self, d: Duration) -> Self {
        self.request_timeout = d;
        self
    }
}

pub struct RestClient {
    cfg: RestConfig,
    auth: String,
    /// `host:port`: the `Host` header, and the router every error names.
    router: Arc<str>,
    conn: Mutex<Option<SendRequest<Full<Bytes>>>>,
}

impl std::fmt::Debug for RestClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RestClient")
            .field("host", &self.cfg.host)
            .field("port", &self.cfg.port)
            .finish_non_exhaustive()
    }
}

/// Percent-encodes everything but unreserved characters and those in `keep`.
fn encode(s: &str, keep: &[u8]) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) || keep.contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// REST sends values as strings, but accept what JSON allows.
fn to_string_value(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn object_to_row(obj: &Map<String, Value>) -> Row {
    obj.iter()
        .map(|(k, v)| (k.clone(), to_string_value(v)))
        .collect()
}

fn not_routeros(text: impl AsRef<str>) -> Error {
    Error::new(ErrorKind::NotRouterOs, text)
}

/// RouterOS REST rows are flat objects of strings (numbers and booleans accepted);
/// anything nested did not come from RouterOS.
fn object_is_flat(obj: &Map<String, Value>) -> bool {
    obj.values()
        .all(|v| !matches!(v, Value::Array(_) | Value::Object(_)))
}

fn value_to_rows(v: Option<Value>) -> Result<Vec<Row>> {
    let shape = || not_routeros("the JSON answer does not have RouterOS's shape");
    match v {
        None => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| match i {
                Value::Object(o) if object_is_flat(o) => Ok(object_to_row(o)),
                _ => Err(shape()),
            })
            .collect(),
        Some(Value::Object(o)) if object_is_flat(&o) => Ok(vec![object_to_row(&o)]),
        Some(_) => Err(shape()),
    }
}

fn attrs_body(attrs: &[(String, String)]) -> Value {
    Value::Object(
        attrs
            .iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect(),
    )
}

/// What a body looks like, in words of our own: the body itself is never kept.
fn body_kind(content_type: Option<&str>, body: &[u8]) -> &'static str {
    let ct = content_type.unwrap_or("").to_ascii_lowercase();
    let start = body
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .map(|i| body[i]);
    if body.iter().all(u8::is_ascii_whitespace) {
        "an empty body"
    } else if ct.contains("html") || start == Some(b'<') {
        "HTML"
    } else if ct.contains("json") || matches!(start, Some(b'{' | b'[')) {
        "JSON"
    } else {
        "text"
    }
}

/// An error status: RouterOS's JSON error (`{"error":400,"message":…,"detail":…}`)
/// becomes a trap carrying its `detail`, 401 a refused login, anything else the
/// mark of a server that is not RouterOS.
fn error_from_body(status: StatusCode, content_type: Option<&str>, body: &[u8]) -> Error {
    let parsed: Option<Map<String, Value>> = serde_json::from_slice(body).ok();
    let text =
        |o: &Map<String, Value>, k: &str| o.get(k).and_then(Value::as_str).map(str::to_owned);
    let routeros = parsed.filter(|o| {
        o.get("error").is_some_and(Value::is_number)
            && o.get("message").is_some_and(Value::is_string)
    });
    let code = status.as_u16();
    match routeros {
        Some(o) => {
            let message = text(&o, "detail")
                .or_else(|| text(&o, "message"))
                .unwrap_or_default();
            let e = if status == StatusCode::UNAUTHORIZED {
                Error::auth(message)
            } else {
                Error::trap(message, None)
            };
            e.with_status(code)
        }
        None if status == StatusCode::UNAUTHORIZED => {
            Error::new(ErrorKind::Auth, "HTTP 401 Unauthorized").with_status(code)
        }
        None => not_routeros(format!(
            "HTTP {code} answer with {} is not a RouterOS REST error",
            body_kind(content_type, body)
        ))
        .with_status(code),
    }
}

/// A success status: JSON (or nothing), else not RouterOS.
fn success_body(content_type: Option<&str>, body: &[u8]) -> Result<Option<Value>> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    let kind = body_kind(content_type, body);
    if content_type.is_some_and(|ct| !ct.to_ascii_lowercase().contains("json")) {
        return Err(not_routeros(format!(
            "answer with {kind} is not RouterOS REST JSON"
        )));
    }
    serde_json::from_slice(body)
        .map(Some)
        .map_err(|_| not_routeros(format!("answer with {kind} is not valid JSON")))
}

/// A failed HTTP exchange; `fresh` when the connection was opened for this request.
fn exchange_error(e: hyper::Error, fresh: bool) -> Error {
    let text = format!("http: {e}");
    let kind = if e.is_parse() || e.is_parse_status() || e.is_parse_too_large() {
        return not_routeros("the answer is not HTTP").with_source(e);
    } else if fresh && (e.is_incomplete_message() || e.is_closed() || e.is_canceled()) {
        // Accepted and closed before any answer: as good as refused.
        ErrorKind::Refused
    } else {
        ErrorKind::ConnectionLost
    };
    Error::new(kind, text).with_source(e)
}

impl RestClient {
    /// Builds the client; the connection is opened on first use.
    pub fn new(cfg: RestConfig) -> Result<Self> {
        let router: Arc<str> = host_port(&cfg.host, cfg.port).into();
        if let Some(t) = &cfg.tls {
            // Fail now on a bad fingerprint rather than on the first request.
            tls::client_config(&t.verify).map_err(|e| e.at(&router))?;
        }
        let creds = format!("{}:{}", cfg.username, cfg.password);
        let auth = format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(creds)
        );
        Ok(RestClient {
            router,
            auth,
            cfg,
            conn: Mutex::new(None),
        })
    }

    async fn open(&self) -> Result<SendRequest<Full<Bytes>>> {
        let stream = tls::connect(
            &self.cfg.host,
            self.cfg.port,
            self.cfg.tls.as_ref(),
            self.cfg.connect_timeout,
        )
        .await?;
        let (sender, conn) = http1::handshake(TokioIo::new(stream))
            .await
            .map_err(|e| exchange_error(e, true))?;
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                debug!(error = %e, "rest connection ended");
            }
        });
        Ok(sender)
    }

    /// Sends one request to `path` (already under `/rest`) and returns the JSON
    /// body, `None` when empty. A RouterOS error answer becomes an
    /// [`ErrorKind::Trap`] (401: [`ErrorKind::Auth`]); an answer that is not
    /// RouterOS REST becomes [`ErrorKind::NotRouterOs`], without its body.
    pub async fn request(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Option<Value>> {
        self.request_here(method, path, body)
            .await
            .map_err(|e| e.at(&self.router))
    }

    async fn request_here(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Option<Value>> {
        let body = match body {
            Some(v) => serde_json::to_vec(v)
                .map_err(|e| Error::new(ErrorKind::Protocol, format!("request body: {e}")))?,
            None => Vec::new(),
        };
        let work = async {
            let mut slot = self.conn.lock().await;
            let reusable = match slot.take() {
                Some(mut s) if !s.is_closed() => s.ready().await.is_ok().then_some(s),
                _ => None,
            };
            let fresh = reusable.is_none();
            let mut sender = match reusable {
                Some(s) => s,
                None => self.open().await?,
            };
            let req = Request::builder()
                .method(method)
                .uri(path)
                .header(HOST, &*self.router)
                .header(AUTHORIZATION, &self.auth)
                .header(ACCEPT, "application/json")
                .header(CONTENT_TYPE, "application/json")
                .body(Full::new(Bytes::from(body)))
                .map_err(|e| Error::new(ErrorKind::Protocol, format!("request: {e}")))?;
            let resp = sender
                .send_request(req)
                .await
                .map_err(|e| exchange_error(e, fresh))?;
            let status = resp.status();
            let content_type = resp
                .headers()
                .get(CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            let bytes = Limited::new(resp.into_body(), self.cfg.max_body)
                .collect()
                .await
                .map_err(|e| {
                    if e.is::<http_body_util::LengthLimitError>() {
                        Error::new(
                            ErrorKind::Protocol,
                            format!("answer larger than {} bytes", self.cfg.max_body),
                        )
                    } else {
                        Error::new(ErrorKind::ConnectionLost, format!("http body: {e}"))
                    }
                })?
                .to_bytes();
            *slot = Some(sender);
            Ok::<_, Error>((status, content_type, bytes))
        };
        let (status, content_type, bytes) =
            match tokio::time::timeout(self.cfg.request_timeout, work).await {
                Ok(r) => r?,
                Err(_) => {
                    return Err(Error::new(
                        ErrorKind::Timeout,
                        format!(
                            "no answer within {} ms",
                            self.cfg.request_timeout.as_millis()
                        ),
                    ));
                }
            };
        if !status.is_success() {
            return Err(error_from_body(status, content_type.as_deref(), &bytes));
        }
        success_body(content_type.as_deref(), &bytes)
    }

    /// Rows of a JSON answer; an answer of the wrong shape names this router too.
    fn rows(&self, v: Option<Value>) -> Result<Vec<Row>> {
        value_to_rows(v).map_err(|e| e.at(&self.router))
    }

    fn url(menu: &str, id: Option<&str>) -> String {
        let mut url = format!("/rest{}", encode(menu, b"/"));
        if let Some(id) = id {
            url.push('/');
            url.push_str(&encode(id, b"*"));
        }
        url
    }
}

impl RouterApi for RestClient {
    fn router(&self) -> Option<&str> {
        Some(&self.router)
    }

    fn print<'a>(
        &'a self,
        menu: &'a str,
        filters: &'a [(&'a str, &'a str)],
        proplist: &'a [&'a str],
    ) -> BoxFuture<'a, Result<Vec<Row>>> {
        Box::pin(async move {
            let mut params: Vec<String> = filters
                .iter()
                .map(|(k, v)| format!("{}={}", encode(k, b""), encode(v, b"*")))
                .collect();
            if !proplist.is_empty() {
                params.push(format!(".proplist={}", encode(&proplist.join(","), b",")));
            }
            let mut url = Self::url(menu, None);
            if !params.is_empty() {
                url.push('?');
                url.push_str(&params.join("&"));
            }
            self.rows(self.request(Method::GET, &url, None).await?)
        })
    }

    fn add<'a>(
        &'a self,
        menu: &'a str,
        attrs: &'a [(String, String)],
    ) -> BoxFuture<'a, Result<String>> {
        Box::pin(async move {
            let created = self
                .request(
                    Method::PUT,
                    &Self::url(menu, None),
                    Some(&attrs_body(attrs)),
                )
                .await?;
            created
                .as_ref()
                .and_then(|v| v.get(".id"))
                .and_then(Value::as_str)
                .map(str::to_owned)
                .ok_or_else(|| {
                    Error::new(ErrorKind::Protocol, "PUT returned no .id").at(&self.router)
                })
        })
    }

    fn set<'a>(
        &'a self,
        menu: &'a str,
        id: &'a str,
        attrs: &'a [(String, String)],
    ) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            self.request(
                Method::PATCH,
                &Self::url(menu, Some(id)),
                Some(&attrs_body(attrs)),
            )
            .await
            .map(drop)
        })
    }

    fn remove<'a>(&'a self, menu: &'a str, id: &'a str) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            self.request(Method::DELETE, &Self::url(menu, Some(id)), None)
                .await
                .map(drop)
        })
    }

    fn command<'a>(
        &'a self,
        menu: &'a str,
        command: &'a str,
        attrs: &'a [(String, String)],
    ) -> BoxFuture<'a, Result<Vec<Row>>> {
        Box::pin(async move {
            let url = format!("{}/{}", Self::url(menu, None), encode(command, b""));
            self.rows(
                self.request(Method::POST, &url, Some(&attrs_body(attrs)))
                    .await?,
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_bodies_become_traps() {
        let e = error_from_body(
            StatusCode::BAD_REQUEST,
            Some("application/json"),
            br#"{"detail":"failure: secret with the same name already exists","error":400,"message":"Bad Request"}"#,
        );
        assert_eq!(e.kind(), ErrorKind::Trap);
        assert_eq!(
            e.trap_message(),
            Some("failure: secret with the same name already exists")
        );
        let e = error_from_body(
            StatusCode::NOT_FOUND,
            None,
            br#"{"error":404,"message":"Not Found"}"#,
        );
        assert!(e.is_no_such_item());
        let e = error_from_body(StatusCode::BAD_GATEWAY, None, b"<html>proxy</html>");
        assert_eq!(e.kind(), ErrorKind::NotRouterOs);
        assert_eq!(e.http_status(), Some(502));
        assert!(!e.summary().contains("proxy"), "{}", e.summary());
        let e = error_from_body(
            StatusCode::UNAUTHORIZED,
            None,
            br#"{"error":401,"message":"Unauthorized"}"#,
        );
        assert_eq!(e.kind(), ErrorKind::Auth);
        assert_eq!(e.trap_message(), Some("Unauthorized"));
    }

    #[test]
    fn success_bodies_must_be_routeros_json() {
        assert_eq!(success_body(None, b" ").unwrap(), None);
        let e = success_body(Some("text/html"), b"<p>hi</p>").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::NotRouterOs);
        let e = success_body(None, b"not json").unwrap_err();
        assert_eq!(e.kind(), ErrorKind::NotRouterOs);
        let nested = success_body(None, br#"{"a":{"b":1}}"#).unwrap();
        assert_eq!(
            value_to_rows(nested).unwrap_err().kind(),
            ErrorKind::NotRouterOs
        );
        assert_eq!(
            value_to_rows(Some(Value::from(5))).unwrap_err().kind(),
            ErrorKind::NotRouterOs
        );
    }

    #[test]
    fn urls_and_values() {
        assert_eq!(
            RestClient::url("/ppp/secret", Some("*1A")),
            "/rest/ppp/secret/*1A"
        );
        assert_eq!(encode("a b&c=d", b""), "a%20b%26c%3Dd");
        let rows = value_to_rows(Some(
            serde_json::json!([{"name":"x","disabled":"false","n":5}]),
        ))
        .unwrap();
        assert_eq!(rows[0]["disabled"], "false");
        assert_eq!(rows[0]["n"], "5");
        assert!(value_to_rows(None).unwrap().is_empty());
    }
}
