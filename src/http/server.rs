//! The HTTP/1.1 server loop: hyper connections with time limits and a connection cap.
//!
//! `axum::serve` keeps a connection as long as its client likes: half-sent headers, a
//! trickled body or an idle keep-alive each hold a socket (and a file descriptor) forever, and
//! a few hundred of them make the server unreachable. Here:
//! - a request's headers must arrive within `header_timeout`, counted from the connection's
//!   start or the end of the previous answer (hyper's header timer), which also ends idle
//!   keep-alive connections;
//! - a request's body must arrive within `body_timeout` of its headers (408 otherwise, and the
//!   connection is closed);
//! - at most `max_connections` are open: at the limit, the connection idle for the longest
//!   (between requests or still sending headers) is closed to make room, so a fresh request
//!   such as `/health` is still served; when every connection is busy with a request, the new
//!   one is closed at once instead.

use std::collections::HashMap;
use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::ConnectInfo;
use axum::http::{HeaderValue, Request, Response, StatusCode, header};
use hyper::body::{Frame, Incoming, SizeHint};
use hyper_util::rt::{TokioIo, TokioTimer};
use parking_lot::Mutex;
use tokio::net::TcpListener;
use tokio::sync::{Notify, watch};
use tower::ServiceExt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub header_timeout: Duration,
    pub body_timeout: Duration,
    pub max_connections: usize,
}

impl Limits {
    pub fn from_config(c: &crate::config::Config) -> Limits {
        Limits {
            header_timeout: Duration::from_secs(c.http_header_timeout_seconds),
            body_timeout: Duration::from_secs(c.http_body_timeout_seconds),
            max_connections: match c.http_max_connections {
                0 => default_max_connections(),
                n => n as usize,
            },
        }
    }
}

/// The open-file limit less room for database connections, logs and the key file; between 16
/// and 10,000.
fn default_max_connections() -> usize {
    let soft = std::fs::read_to_string("/proc/self/limits")
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("Max open files"))
                .and_then(|l| l.split_whitespace().nth(3)?.parse::<usize>().ok())
        })
        .unwrap_or(1024);
    soft.saturating_sub(64).clamp(16, 10_000)
}

/// The request body took longer than the body timeout.
#[derive(Debug, thiserror::Error)]
#[error("the request body did not arrive within the body timeout")]
pub struct BodyTimeout;

/// One open connection, as the cap sees it.
struct Conn {
    /// Requests being answered (until their response body is written).
    busy: AtomicUsize,
    /// When it last became idle, in ms since the server started.
    idle_since: AtomicU64,
    close: Notify,
}

struct Tracker {
    start: Instant,
    next_id: AtomicU64,
    conns: Mutex<HashMap<u64, Arc<Conn>>>,
    /// Woken whenever a connection ends (shutdown waits for none to remain).
    ended: Notify,
}

impl Tracker {
    fn now_ms(&self) -> u64 {
        u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// Makes room for one more connection; `false` when every one is busy.
    fn make_room(&self, max: usize) -> bool {
        let conns = self.conns.lock();
        if conns.len() < max {
            return true;
        }
        let idlest = conns
            .values()
            .filter(|c| c.busy.load(Ordering::Acquire) == 0)
            .min_by_key(|c| c.idle_since.load(Ordering::Acquire));
        match idlest {
            Some(c) => {
                c.close.notify_one();
                true
            }
            None => false,
        }
    }
}

/// Decrements a connection's busy count when the answer is done (or abandoned).
struct BusyGuard {
    conn: Arc<Conn>,
    tracker: Arc<Tracker>,
}

impl Drop for BusyGuard {
    fn drop(&mut self) {
        self.conn
            .idle_since
            .store(self.tracker.now_ms(), Ordering::Release);
        self.conn.busy.fetch_sub(1, Ordering::AcqRel);
    }
}

/// A response body that holds its connection busy until hyper has written and dropped it.
struct Guarded {
    inner: Body,
    _guard: BusyGuard,
}

impl http_body::Body for Guarded {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        Pin::new(&mut self.inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// A request body that fails with [`BodyTimeout`] once its deadline passes.
struct Deadline {
    inner: Incoming,
    sleep: Pin<Box<tokio::time::Sleep>>,
}

impl http_body::Body for Deadline {
    type Data = Bytes;
    type Error = Box<dyn std::error::Error + Send + Sync>;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        if let Poll::Ready(frame) = Pin::new(&mut self.inner).poll_frame(cx) {
            return Poll::Ready(frame.map(|f| f.map_err(Into::into)));
        }
        match self.sleep.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Some(Err(Box::new(BodyTimeout)))),
            Poll::Pending => Poll::Pending,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// Serves `router` on `listener` until `shutdown` resolves, then lets requests in flight
/// finish (idle connections are closed at once) and returns when none is left.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()>,
) {
    let tracker = Arc::new(Tracker {
        start: Instant::now(),
        next_id: AtomicU64::new(0),
        conns: Mutex::new(HashMap::new()),
        ended: Notify::new(),
    });
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut refused_at: Option<Instant> = None;
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of file descriptors or a connection reset before accept: wait a
                    // little rather than spin.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        if !tracker.make_room(limits.max_connections) {
            if refused_at.is_none_or(|t| t.elapsed() > Duration::from_secs(10)) {
                tracing::warn!(
                    max = limits.max_connections,
                    "connection limit reached with every connection busy; refusing new ones"
                );
                refused_at = Some(Instant::now());
            }
            drop(stream);
            continue;
        }
        let _ = stream.set_nodelay(true);
        let id = tracker.next_id.fetch_add(1, Ordering::Relaxed);
        let conn = Arc::new(Conn {
            busy: AtomicUsize::new(0),
            idle_since: AtomicU64::new(tracker.now_ms()),
            close: Notify::new(),
        });
        tracker.conns.lock().insert(id, conn.clone());
        tokio::spawn(connection(
            stream,
            peer,
            router.clone(),
            limits,
            tracker.clone(),
            conn,
            id,
            stop_rx.clone(),
        ));
    }
    let _ = stop_tx.send(true);
    loop {
        let ended = tracker.ended.notified();
        if tracker.conns.lock().is_empty() {
            break;
        }
        ended.await;
    }
}

#[allow(clippy::too_many_arguments)]
async fn connection(
    stream: tokio::net::TcpStream,
    peer: SocketAddr,
    router: Router,
    limits: Limits,
    tracker: Arc<Tracker>,
    conn: Arc<Conn>,
    id: u64,
    mut stop: watch::Receiver<bool>,
) {
    let (t, c) = (tracker.clone(), conn.clone());
    let service = hyper::service::service_fn(move |req: Request<Incoming>| {
        c.busy.fetch_add(1, Ordering::AcqRel);
        let guard = BusyGuard {
            conn: c.clone(),
            tracker: t.clone(),
        };
        let router = router.clone();
        let deadline = limits.body_timeout;
        async move {
            let mut req = req.map(|inner| {
                Body::new(Deadline {
                    inner,
                    sleep: Box::pin(tokio::time::sleep(deadline)),
                })
            });
            req.extensions_mut().insert(ConnectInfo(peer));
            let Ok(res) = router.oneshot(req).await;
            let (mut parts, body) = res.into_parts();
            // A body that was not read to its end cannot be followed by another request.
            if parts.status == StatusCode::REQUEST_TIMEOUT {
                parts
                    .headers
                    .insert(header::CONNECTION, HeaderValue::from_static("close"));
            }
            let body = Body::new(Guarded {
                inner: body,
                _guard: guard,
            });
            Ok::<_, Infallible>(Response::from_parts(parts, body))
        }
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .keep_alive(true);
    let served = builder.serve_connection(TokioIo::new(stream), service);
    tokio::pin!(served);
    let mut stopping = *stop.borrow();
    if stopping {
        served.as_mut().graceful_shutdown();
    }
    loop {
        tokio::select! {
            result = served.as_mut() => {
                if let Err(e) = result
                    && !e.is_timeout()
                    && !e.is_incomplete_message()
                {
                    tracing::debug!(error = %e, "connection ended with an error");
                }
                break;
            }
            () = conn.close.notified() => {
                if conn.busy.load(Ordering::Acquire) == 0 {
                    // Idle or still sending its headers: nothing is lost by closing it.
                    break;
                }
            }
            changed = stop.changed(), if !stopping => {
                stopping = true;
                if changed.is_ok() {
                    served.as_mut().graceful_shutdown();
                }
            }
        }
    }
    tracker.conns.lock().remove(&id);
    tracker.ended.notify_waiters();
}
