//! RouterOS v7 REST client (`/rest/...`, HTTP Basic auth, JSON with string values).
//!
//! One keep-alive HTTP/1.1 connection per client; requests take turns on it.
//! RouterOS limits `www-ssl` sessions (20 seen on 7.19), so a client that opens
//! a connection per request would soon be refused.

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

use crate::error::{Error, Result};
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
    host_header: String,
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

fn value_to_rows(v: Option<Value>) -> Result<Vec<Row>> {
    match v {
        None => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| match i {
                Value::Object(o) => Ok(object_to_row(o)),
                other => Err(Error::Protocol(format!("expected an object, got {other}"))),
            })
            .collect(),
        Some(Value::Object(o)) => Ok(vec![object_to_row(&o)]),
        Some(other) => Err(Error::Protocol(format!("unexpected JSON {other}"))),
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

/// Turns a RouterOS JSON error body into [`Error::Trap`] carrying its `detail`.
fn error_from_body(status: StatusCode, body: &[u8]) -> Error {
    let parsed: Option<Map<String, Value>> = serde_json::from_slice(body).ok();
    let text =
        |o: &Map<String, Value>, k: &str| o.get(k).and_then(Value::as_str).map(str::to_owned);
    match parsed {
        Some(o) if o.contains_key("error") => Error::Trap {
            message: text(&o, "detail")
                .or_else(|| text(&o, "message"))
                .unwrap_or_else(|| status.to_string()),
            category: None,
        },
        _ => Error::Http {
            status: status.as_u16(),
            body: String::from_utf8_lossy(body).chars().take(512).collect(),
        },
    }
}

impl RestClient {
    /// Builds the client; the connection is opened on first use.
    pub fn new(cfg: RestConfig) -> Result<Self> {
        if let Some(t) = &cfg.tls {
            // Fail now on a bad fingerprint rather than on the first request.
            tls::client_config(&t.verify)?;
        }
        let creds = format!("{}:{}", cfg.username, cfg.password);
        let auth = format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(creds)
        );
        let host = if cfg.host.contains(':') && !cfg.host.starts_with('[') {
            format!("[{}]", cfg.host)
        } else {
            cfg.host.clone()
        };
        Ok(RestClient {
            host_header: format!("{host}:{}", cfg.port),
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
            .map_err(|e| Error::Protocol(format!("http handshake: {e}")))?;
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                debug!(error = %e, "rest connection ended");
            }
        });
        Ok(sender)
    }

    /// Sends one request to `path` (already under `/rest`) and returns the JSON
    /// body, `None` when empty. Error statuses become [`Error::Trap`] or [`Error::Http`].
    pub async fn request(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Option<Value>> {
        let body = match body {
            Some(v) => serde_json::to_vec(v).map_err(|e| Error::Protocol(e.to_string()))?,
            None => Vec::new(),
        };
        let work = async {
            let mut slot = self.conn.lock().await;
            let reusable = match slot.take() {
                Some(mut s) if !s.is_closed() => s.ready().await.is_ok().then_some(s),
                _ => None,
            };
            let mut sender = match reusable {
                Some(s) => s,
                None => self.open().await?,
            };
            let req = Request::builder()
                .method(method)
                .uri(path)
                .header(HOST, &self.host_header)
                .header(AUTHORIZATION, &self.auth)
                .header(ACCEPT, "application/json")
                .header(CONTENT_TYPE, "application/json")
                .body(Full::new(Bytes::from(body)))
                .map_err(|e| Error::Config(e.to_string()))?;
            let resp = sender
                .send_request(req)
                .await
                .map_err(|e| Error::Protocol(format!("http: {e}")))?;
            let status = resp.status();
            let bytes = Limited::new(resp.into_body(), self.cfg.max_body)
                .collect()
                .await
                .map_err(|e| Error::Protocol(format!("http body: {e}")))?
                .to_bytes();
            *slot = Some(sender);
            Ok::<_, Error>((status, bytes))
        };
        let (status, bytes) = tokio::time::timeout(self.cfg.request_timeout, work)
            .await
            .map_err(|_| Error::Timeout("rest request"))??;
        if !status.is_success() {
            return Err(error_from_body(status, &bytes));
        }
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(None);
        }
        serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| Error::Protocol(format!("json: {e}")))
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
            value_to_rows(self.request(Method::GET, &url, None).await?)
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
                .ok_or_else(|| Error::Protocol("PUT returned no .id".into()))
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
            value_to_rows(
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
            br#"{"detail":"failure: secret with the same name already exists","error":400,"message":"Bad Request"}"#,
        );
        assert_eq!(
            e.trap_message(),
            Some("failure: secret with the same name already exists")
        );
        let e = error_from_body(
            StatusCode::NOT_FOUND,
            br#"{"error":404,"message":"Not Found"}"#,
        );
        assert!(e.is_no_such_item());
        let e = error_from_body(StatusCode::BAD_GATEWAY, b"<html>proxy</html>");
        assert!(matches!(e, Error::Http { status: 502, .. }));
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
