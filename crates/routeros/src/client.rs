//! Binary API client (TCP 8728, TLS 8729) with tagged, pipelined commands.
//!
//! One reader task owns the receiving half and routes each reply to the
//! command that carries its `.tag`; one writer task batches outgoing
//! sentences. Callers therefore share a connection freely (the client is a
//! cheap `Clone`), and many commands can be in flight at once.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use md5::{Digest, Md5};
use tokio::io::{
    AsyncBufReadExt, AsyncWrite, AsyncWriteExt, BufReader, BufWriter, ReadHalf, WriteHalf,
};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tracing::{debug, warn};

use crate::error::{Error, ErrorKind, Result, host_port};
use crate::model::Row;
use crate::router_api::{BoxFuture, RouterApi};
use crate::sentence::{
    Command, FrameError, Limits, Reply, SentenceReader, encode_sentence, write_sentence,
};
use crate::tls::{self, Stream, TlsOptions};

/// Connection settings.
#[derive(Debug, Clone)]
pub struct ApiConfig {
    pub host: String,
    pub port: u16,
    pub username: String,
    pub password: String,
    /// `None` = plain TCP.
    pub tls: Option<TlsOptions>,
    /// TCP connect plus TLS handshake.
    pub connect_timeout: Duration,
    /// Longest wait for each reply sentence (not for a whole command's output).
    pub reply_timeout: Duration,
    pub limits: Limits,
}

pub const API_PORT: u16 = 8728;
pub const API_TLS_PORT: u16 = 8729;

impl ApiConfig {
    pub fn new(
        host: impl Into<String>,
        username: impl Into<String>,
        password: impl Into<String>,
    ) -> Self {
        ApiConfig {
            host: host.into(),
            port: API_PORT,
            username: username.into(),
            password: password.into(),
            tls: None,
            connect_timeout: Duration::from_secs(10),
            reply_timeout: Duration::from_secs(30),
            limits: Limits::default(),
        }
    }

    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// Uses TLS; moves the port to 8729 unless one was chosen.
    pub fn tls(mut self, tls: TlsOptions) -> Self {
        if self.port == API_PORT {
            self.port = API_TLS_PORT;
        }
        self.tls = Some(tls);
        self
    }

    pub fn connect_timeout(mut self, d: Duration) -> Self {
        self.connect_timeout = d;
        self
    }

    pub fn reply_timeout(mut self, d: Duration) -> Self {
        self.reply_timeout = d;
        self
    }
}

/// Everything a command produced.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Response {
    /// `!re` rows.
    pub rows: Vec<Row>,
    /// Attributes of `!done`, e.g. `ret`.
    pub done: Row,
}

#[derive(Default)]
struct Dispatch {
    pending: HashMap<String, mpsc::UnboundedSender<Reply>>,
    /// Why the session ended; kept so every later call reports the same cause.
    closed: Option<Error>,
}

struct Inner {
    dispatch: Mutex<Dispatch>,
    outgoing: mpsc::Sender<Vec<u8>>,
    next_tag: AtomicU64,
    reply_timeout: Duration,
    reader: Mutex<Option<JoinHandle<()>>>,
    /// `host:port`, carried by every error.
    router: Arc<str>,
}

impl Inner {
    fn lock(&self) -> MutexGuard<'_, Dispatch> {
        self.dispatch.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Marks the session closed (first cause wins) and wakes every waiting command.
    fn close(&self, why: Error) {
        let mut d = self.lock();
        d.closed.get_or_insert(why);
        // Dropping the senders ends every receiver, which then reads `closed`.
        d.pending.clear();
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        if let Some(h) = self.reader.get_mut().ok().and_then(Option::take) {
            h.abort();
        }
    }
}

/// A logged-in API session. Clones share the connection.
#[derive(Clone)]
pub struct ApiClient {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for ApiClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiClient").finish_non_exhaustive()
    }
}

type Reader = SentenceReader<BufReader<ReadHalf<Box<dyn Stream>>>>;

impl ApiClient {
    /// Connects and logs in (plain login, falling back to the pre-6.43 MD5
    /// challenge when the router answers with one).
    pub async fn connect(config: ApiConfig) -> Result<Self> {
        let router: Arc<str> = host_port(&config.host, config.port).into();
        let stream = tls::connect(
            &config.host,
            config.port,
            config.tls.as_ref(),
            config.connect_timeout,
        )
        .await?;
        let (r, mut w) = tokio::io::split(stream);
        let mut reader = SentenceReader::new(BufReader::new(r), config.limits);
        login(&mut reader, &mut w, &config)
            .await
            .map_err(|e| e.at(&router))?;

        let (tx, rx) = mpsc::channel(1024);
        let inner = Arc::new(Inner {
            dispatch: Mutex::new(Dispatch::default()),
            outgoing: tx,
            next_tag: AtomicU64::new(1),
            reply_timeout: config.reply_timeout,
            reader: Mutex::new(None),
            router,
        });
        tokio::spawn(write_loop(w, rx, Arc::downgrade(&inner)));
        let handle = tokio::spawn(read_loop(reader, Arc::downgrade(&inner)));
        *inner.reader.lock().unwrap_or_else(|e| e.into_inner()) = Some(handle);
        Ok(ApiClient { inner })
    }

    /// Runs `command` (e.g. `/ppp/secret/print`) with `=attr=` words and `?query`
    /// words (given without the `?`), returning its `!re` rows.
    pub async fn call(
        &self,
        command: &str,
        attrs: &[(&str, &str)],
        queries: &[&str],
    ) -> Result<Vec<Row>> {
        let mut cmd = Command::new(command);
        cmd.attrs = attrs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        cmd.queries = queries.iter().map(|q| (*q).to_owned()).collect();
        Ok(self.execute(&cmd).await?.rows)
    }

    /// Runs a command and returns its rows and `!done` data. A `!trap` becomes
    /// an [`ErrorKind::Trap`] error once the command's `!done` has arrived.
    pub async fn execute(&self, cmd: &Command) -> Result<Response> {
        self.execute_here(cmd)
            .await
            .map_err(|e| e.at(&self.inner.router))
    }

    async fn execute_here(&self, cmd: &Command) -> Result<Response> {
        let tag = self
            .inner
            .next_tag
            .fetch_add(1, Ordering::Relaxed)
            .to_string();
        let (tx, mut rx) = mpsc::unbounded_channel();
        {
            let mut d = self.inner.lock();
            if let Some(c) = &d.closed {
                return Err(c.clone());
            }
            d.pending.insert(tag.clone(), tx);
        }
        let mut bytes = Vec::new();
        encode_sentence(&cmd.to_words(Some(&tag)), &mut bytes);
        if self.inner.outgoing.send(bytes).await.is_err() {
            self.inner.lock().pending.remove(&tag);
            return Err(self.closed_error());
        }

        let mut response = Response::default();
        let mut traps: Vec<(String, Option<u32>)> = Vec::new();
        loop {
            let reply = match tokio::time::timeout(self.inner.reply_timeout, rx.recv()).await {
                Ok(Some(r)) => r,
                Ok(None) => return Err(self.closed_error()),
                Err(_) => {
                    self.abandon(&tag).await;
                    return Err(Error::new(
                        ErrorKind::Timeout,
                        format!(
                            "no reply within {} ms",
                            self.inner.reply_timeout.as_millis()
                        ),
                    ));
                }
            };
            match reply {
                Reply::Re { attrs, .. } => response.rows.push(attrs),
                Reply::Empty { .. } => {}
                Reply::Trap {
                    message, category, ..
                } => traps.push((message, category)),
                Reply::Done { attrs, .. } => {
                    self.inner.lock().pending.remove(&tag);
                    if traps.is_empty() {
                        response.done = attrs;
                        return Ok(response);
                    }
                    // Several traps (e.g. unknown menu) read best joined, as librouteros does.
                    let category = traps[0].1;
                    let message = traps
                        .into_iter()
                        .map(|t| t.0)
                        .collect::<Vec<_>>()
                        .join(", ");
                    return Err(Error::trap(message, category));
                }
                // The reader turns `!fatal` into a closed session; a tagged one is handled the same.
                Reply::Fatal { reason, .. } => return Err(Error::fatal(reason)),
            }
        }
    }

    /// Ends the session politely; the router answers `/quit` with `!fatal`.
    pub async fn quit(&self) {
        let mut bytes = Vec::new();
        encode_sentence(&["/quit"], &mut bytes);
        let _ = self.inner.outgoing.send(bytes).await;
    }

    /// Whether the session has ended (fatal, closed by the peer, or broken).
    pub fn is_closed(&self) -> bool {
        self.inner.lock().closed.is_some()
    }

    fn closed_error(&self) -> Error {
        self.inner
            .lock()
            .closed
            .clone()
            .unwrap_or_else(|| Error::new(ErrorKind::ConnectionLost, "connection closed"))
    }

    /// Stops waiting for `tag` and asks the router to stop the command too.
    async fn abandon(&self, tag: &str) {
        self.inner.lock().pending.remove(tag);
        let mut bytes = Vec::new();
        // Untagged on purpose: its replies have no waiter and are dropped.
        encode_sentence(&["/cancel".to_owned(), format!("=tag={tag}")], &mut bytes);
        let _ = self.inner.outgoing.try_send(bytes);
    }
}

async fn read_loop(mut reader: Reader, inner: std::sync::Weak<Inner>) {
    let why = loop {
        let words = match reader.read_sentence().await {
            Ok(Some(w)) => w,
            Ok(None) => {
                break Error::new(ErrorKind::ConnectionLost, "connection closed by the router");
            }
            Err(e) => break Error::from(e),
        };
        let Some(inner) = inner.upgrade() else { return };
        let reply = match Reply::parse(&words) {
            Ok(r) => r,
            Err(e) => break Error::from(e),
        };
        if let Reply::Fatal { reason, .. } = &reply {
            break Error::fatal(reason);
        }
        let Some(tag) = reply.tag() else {
            debug!(?reply, "untagged reply ignored");
            continue;
        };
        let d = inner.lock();
        match d.pending.get(tag) {
            Some(tx) => {
                let _ = tx.send(reply);
            }
            None => debug!(tag, "reply for a command nobody waits for"),
        }
    };
    if let Some(inner) = inner.upgrade() {
        debug!(?why, "api session ended");
        inner.close(why);
    }
}

async fn write_loop(
    w: WriteHalf<Box<dyn Stream>>,
    mut rx: mpsc::Receiver<Vec<u8>>,
    inner: std::sync::Weak<Inner>,
) {
    let mut w = BufWriter::new(w);
    while let Some(first) = rx.recv().await {
        let mut res = w.write_all(&first).await;
        // Drain whatever else is queued so pipelined commands share one flush.
        while res.is_ok() {
            match rx.try_recv() {
                Ok(more) => res = w.write_all(&more).await,
                Err(_) => break,
            }
        }
        if let Err(e) = match res {
            Ok(()) => w.flush().await,
            Err(e) => Err(e),
        } {
            warn!(error = %e, "api write failed");
            if let Some(inner) = inner.upgrade() {
                inner.close(Error::lost(e));
            }
            return;
        }
    }
    let _ = w.shutdown().await;
}

/// Before the first reply is read: a RouterOS reply starts with the length of
/// its reply word (`!done`, `!trap`, `!fatal`, ...: 3 to 6 bytes) and then `!`.
/// Anything else (`HTTP/1.1 ...` from a web server, an SSH banner) is another
/// service on this port; it is recognised from two bytes and never kept.
async fn expect_api_reply(reader: &mut Reader, timeout: Duration) -> Result<()> {
    let buf = tokio::time::timeout(timeout, reader.get_mut().fill_buf())
        .await
        .map_err(|_| login_timeout(timeout))?
        .map_err(Error::connect_io)?;
    match buf {
        [] => Err(Error::new(
            ErrorKind::Refused,
            "connection closed by the router before login",
        )),
        [first, rest @ ..]
            if (3..=16).contains(first) && rest.first().is_none_or(|b| *b == b'!') =>
        {
            Ok(())
        }
        _ => Err(Error::new(
            ErrorKind::NotRouterOs,
            "the peer does not speak the RouterOS API: its first bytes are not an API reply",
        )),
    }
}

fn login_timeout(timeout: Duration) -> Error {
    Error::new(
        ErrorKind::Timeout,
        format!("no login reply within {} ms", timeout.as_millis()),
    )
}

/// Reads one command's replies during login (untagged, before the reader task exists).
async fn login_reply(reader: &mut Reader, timeout: Duration) -> Result<Row> {
    let mut trap: Option<Error> = None;
    loop {
        let words = tokio::time::timeout(timeout, reader.read_sentence())
            .await
            .map_err(|_| login_timeout(timeout))?
            .map_err(|e| match e {
                FrameError::Io(io) => Error::connect_io(io),
                FrameError::Truncated => Error::new(
                    ErrorKind::Refused,
                    "connection closed by the router during login",
                ),
                _ => Error::new(ErrorKind::NotRouterOs, format!("login reply: {e}")),
            })?
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::Refused,
                    "connection closed by the router during login",
                )
            })?;
        let reply = Reply::parse(&words).map_err(|_| {
            Error::new(
                ErrorKind::NotRouterOs,
                "login reply is not a RouterOS API reply",
            )
        })?;
        match reply {
            Reply::Done { attrs, .. } => return trap.map_or(Ok(attrs), Err),
            Reply::Trap { message, .. } => {
                // Any refusal of `/login` is a refused login (`invalid user name or
                // password (6)`, pre-6.43 `cannot log in`).
                trap.get_or_insert(Error::auth(message));
            }
            Reply::Fatal { reason, .. } => {
                return Err(Error::fatal(reason).with_kind(ErrorKind::Refused));
            }
            Reply::Re { .. } | Reply::Empty { .. } => {}
        }
    }
}

async fn login<W: AsyncWrite + Unpin>(
    reader: &mut Reader,
    w: &mut W,
    cfg: &ApiConfig,
) -> Result<()> {
    let name = format!("=name={}", cfg.username);
    write_sentence(
        w,
        &[
            "/login".to_owned(),
            name.clone(),
            format!("=password={}", cfg.password),
        ],
    )
    .await
    .map_err(Error::connect_io)?;
    expect_api_reply(reader, cfg.reply_timeout).await?;
    let done = login_reply(reader, cfg.reply_timeout).await?;
    let Some(challenge) = done.get("ret") else {
        return Ok(());
    };
    // Pre-6.43 routers ignore the password and answer with an MD5 challenge.
    let challenge = hex::decode(challenge)
        .map_err(|_| Error::new(ErrorKind::Protocol, "login challenge is not hex"))?;
    let response = format!("=response=00{}", md5_response(&cfg.password, &challenge));
    write_sentence(w, &["/login".to_owned(), name, response])
        .await
        .map_err(Error::connect_io)?;
    login_reply(reader, cfg.reply_timeout).await.map(drop)
}

/// hex(md5(0x00 ‖ password ‖ challenge)), the pre-6.43 login proof.
pub fn md5_response(password: &str, challenge: &[u8]) -> String {
    let mut h = Md5::new();
    h.update([0u8]);
    h.update(password.as_bytes());
    h.update(challenge);
    hex::encode(h.finalize())
}

fn id_attrs(id: &str, attrs: &[(String, String)]) -> Command {
    let mut cmd = Command::default().attr(".id", id);
    cmd.attrs.extend(attrs.iter().cloned());
    cmd
}

impl RouterApi for ApiClient {
    fn router(&self) -> Option<&str> {
        Some(&self.inner.router)
    }

    fn print<'a>(
        &'a self,
        menu: &'a str,
        filters: &'a [(&'a str, &'a str)],
        proplist: &'a [&'a str],
    ) -> BoxFuture<'a, Result<Vec<Row>>> {
        Box::pin(async move {
            let mut cmd = Command::new(format!("{menu}/print"));
            if !proplist.is_empty() {
                cmd = cmd.proplist(proplist);
            }
            for (k, v) in filters {
                cmd = cmd.query(format!("{k}={v}"));
            }
            Ok(self.execute(&cmd).await?.rows)
        })
    }

    fn add<'a>(
        &'a self,
        menu: &'a str,
        attrs: &'a [(String, String)],
    ) -> BoxFuture<'a, Result<String>> {
        Box::pin(async move {
            let mut cmd = Command::new(format!("{menu}/add"));
            cmd.attrs = attrs.to_vec();
            let mut resp = self.execute(&cmd).await?;
            resp.done.remove("ret").ok_or_else(|| {
                Error::new(ErrorKind::Protocol, "add returned no ret").at(&self.inner.router)
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
            let mut cmd = id_attrs(id, attrs);
            cmd.path = format!("{menu}/set");
            self.execute(&cmd).await.map(drop)
        })
    }

    fn remove<'a>(&'a self, menu: &'a str, id: &'a str) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            let cmd = Command::new(format!("{menu}/remove")).attr(".id", id);
            self.execute(&cmd).await.map(drop)
        })
    }

    fn command<'a>(
        &'a self,
        menu: &'a str,
        command: &'a str,
        attrs: &'a [(String, String)],
    ) -> BoxFuture<'a, Result<Vec<Row>>> {
        Box::pin(async move {
            let mut cmd = Command::new(format!("{menu}/{command}"));
            cmd.attrs = attrs.to_vec();
            Ok(self.execute(&cmd).await?.rows)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn md5_response_matches_known_value() {
        // Computed independently: hashlib.md5(b"\x00" + b"secret" + bytes(16)).hexdigest()
        assert_eq!(
            md5_response("secret", &[0u8; 16]),
            "9d5d79fafa5627ae6d4435ffb6ad9b5f"
        );
    }
}
