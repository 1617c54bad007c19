//! The error type shared by the API and REST clients.
//!
//! Every error has one [`ErrorKind`], the class a caller decides on (retry
//! later, give up, show the router's complaint), and the `host:port` of the
//! router it came from. Its text is safe to show an operator: RouterOS's own
//! messages are kept (they are what the operator needs), anything else is a
//! description written here. Bytes from a peer that is not RouterOS, such as
//! an HTML page from a web server on the wrong port, are never kept at all.

use std::sync::Arc;

use crate::sentence::{FrameError, ParseError};

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What went wrong, in the terms a provisioning job decides on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ErrorKind {
    /// The TCP connection could not be opened: refused, reset or closed while
    /// connecting or logging in, no route to the host, a name that does not resolve.
    Refused,
    /// No connection or no reply within the configured time.
    Timeout,
    /// TLS handshake failed, the certificate or pin did not match, or the TLS
    /// settings themselves are unusable (a malformed fingerprint).
    Tls,
    /// The router refused the login (`invalid user name or password`, `cannot log in`, REST 401).
    Auth,
    /// The peer speaks something else: a web server that is not RouterOS REST,
    /// bytes on the API port that are not API sentences.
    NotRouterOs,
    /// RouterOS refused a command (`!trap`, a REST JSON error); carries its message.
    Trap,
    /// An established connection closed or failed while in use (`!fatal` included).
    ConnectionLost,
    /// Anything else malformed, e.g. a RouterOS reply missing what it should carry.
    Protocol,
}

impl ErrorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Refused => "refused",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Tls => "tls",
            ErrorKind::Auth => "auth",
            ErrorKind::NotRouterOs => "not_routeros",
            ErrorKind::Trap => "trap",
            ErrorKind::ConnectionLost => "connection_lost",
            ErrorKind::Protocol => "protocol",
        }
    }
}

impl std::fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Longest text kept in an error and shown by [`Error::summary`].
const MAX_TEXT: usize = 240;

/// A failure talking to a router. Cheap to clone.
#[derive(Clone)]
pub struct Error {
    kind: ErrorKind,
    /// RouterOS's own words (trap message, REST `detail`, `!fatal` reason) when
    /// `from_router`, else a description written by this crate. Bounded, no control characters.
    text: String,
    from_router: bool,
    category: Option<u32>,
    /// HTTP status of a REST answer.
    status: Option<u16>,
    /// `!fatal`: the router ended the session.
    fatal: bool,
    /// `host:port` of the router.
    router: Option<Arc<str>>,
    source: Option<Arc<dyn std::error::Error + Send + Sync>>,
}

/// Strips control characters (newlines become spaces) and bounds the length.
pub(crate) fn clean_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len().min(MAX_TEXT));
    for c in s.chars() {
        if out.chars().count() >= MAX_TEXT {
            out.push('…');
            break;
        }
        match c {
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.trim().to_owned()
}

/// `host:port`, with brackets around an IPv6 address.
pub(crate) fn host_port(host: &str, port: u16) -> String {
    if host.contains(':') && !host.starts_with('[') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

impl Error {
    /// An error of `kind` described by `text` (written by the caller, not taken from a peer).
    pub fn new(kind: ErrorKind, text: impl AsRef<str>) -> Self {
        Error {
            kind,
            text: clean_text(text.as_ref()),
            from_router: false,
            category: None,
            status: None,
            fatal: false,
            router: None,
            source: None,
        }
    }

    /// RouterOS refused a command with `message` (and `category` on the API).
    pub fn trap(message: impl AsRef<str>, category: Option<u32>) -> Self {
        Error {
            from_router: true,
            category,
            ..Error::new(ErrorKind::Trap, message)
        }
    }

    /// The router refused the login with its own `message`.
    pub(crate) fn auth(message: impl AsRef<str>) -> Self {
        Error {
            from_router: true,
            ..Error::new(ErrorKind::Auth, message)
        }
    }

    /// `!fatal reason`: the router ended an established session.
    pub(crate) fn fatal(reason: impl AsRef<str>) -> Self {
        Error {
            from_router: true,
            fatal: true,
            ..Error::new(ErrorKind::ConnectionLost, reason)
        }
    }

    pub(crate) fn with_kind(mut self, kind: ErrorKind) -> Self {
        self.kind = kind;
        self
    }

    pub(crate) fn with_status(mut self, status: u16) -> Self {
        self.status = Some(status);
        self
    }

    pub(crate) fn with_source(
        mut self,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        self.source = Some(Arc::new(source));
        self
    }

    /// Records the router this error came from, unless already known.
    pub(crate) fn at(mut self, router: &Arc<str>) -> Self {
        if self.router.is_none() {
            self.router = Some(router.clone());
        }
        self
    }

    pub(crate) fn at_str(self, router: &str) -> Self {
        self.at(&Arc::from(router))
    }

    /// An I/O failure on an established connection.
    pub(crate) fn lost(e: std::io::Error) -> Self {
        Error::new(ErrorKind::ConnectionLost, format!("connection failed: {e}")).with_source(e)
    }

    /// An I/O failure while the connection was being opened or logged into.
    pub(crate) fn connect_io(e: std::io::Error) -> Self {
        use std::io::ErrorKind as K;
        let kind = match e.kind() {
            K::TimedOut => ErrorKind::Timeout,
            _ => ErrorKind::Refused,
        };
        let text = match e.kind() {
            K::UnexpectedEof => "connection closed by the peer while connecting".to_owned(),
            _ => e.to_string(),
        };
        Error::new(kind, text).with_source(e)
    }

    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// `host:port` of the router, when the error came from a connection.
    pub fn router(&self) -> Option<&str> {
        self.router.as_deref()
    }

    /// The router's message of a refused command or login (`!trap` `message`,
    /// REST `detail` or `message`).
    pub fn trap_message(&self) -> Option<&str> {
        matches!(self.kind, ErrorKind::Trap | ErrorKind::Auth)
            .then_some(self.text.as_str())
            .filter(|_| self.from_router)
    }

    /// `!trap` `category` (API only).
    pub fn trap_category(&self) -> Option<u32> {
        self.category
    }

    /// The reason word of `!fatal`, when the router ended the session.
    pub fn fatal_reason(&self) -> Option<&str> {
        self.fatal.then_some(self.text.as_str())
    }

    /// HTTP status of a REST answer that was an error.
    pub fn http_status(&self) -> Option<u16> {
        self.status
    }

    /// `kind: text (host:port)`, e.g.
    /// `trap: input does not match any value of profile (10.0.0.1:8728)`:
    /// the classification, what is known of the cause and which router.
    /// Safe to show an operator: bounded, no control characters, never a
    /// non-RouterOS peer's body.
    pub fn summary(&self) -> String {
        let mut s = format!("{}: ", self.kind);
        if self.fatal {
            s.push_str("router closed the session: ");
        }
        s.push_str(&self.text);
        if let Some(r) = &self.router {
            s.push_str(" (");
            s.push_str(&clean_text(r));
            s.push(')');
        }
        s
    }

    /// Worth retrying later without counting it against the job: the router
    /// could not be reached, or the connection broke.
    pub fn is_unreachable(&self) -> bool {
        matches!(
            self.kind,
            ErrorKind::Refused | ErrorKind::Timeout | ErrorKind::Tls | ErrorKind::ConnectionLost
        )
    }

    /// `no such item` (older routers) or `no such item (4)`; REST says 404 `Not Found`.
    pub fn is_no_such_item(&self) -> bool {
        self.trap_message().is_some_and(|m| {
            m.starts_with("no such item") || (m == "Not Found" && self.status == Some(404))
        })
    }

    /// Login rejected: current and pre-6.43 texts, and REST's 401.
    pub fn is_auth_failure(&self) -> bool {
        self.kind == ErrorKind::Auth
    }

    /// The session is gone (closed, broken, or `!fatal`): reconnect before retrying.
    pub fn is_connection_lost(&self) -> bool {
        self.kind == ErrorKind::ConnectionLost
    }
}

impl std::fmt::Debug for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut d = f.debug_struct("Error");
        d.field("kind", &self.kind).field("text", &self.text);
        if let Some(c) = self.category {
            d.field("category", &c);
        }
        if let Some(s) = self.status {
            d.field("status", &s);
        }
        if let Some(r) = &self.router {
            d.field("router", r);
        }
        d.finish()
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.summary())
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|s| s as &(dyn std::error::Error + 'static))
    }
}

/// Read errors on an established API connection.
impl From<FrameError> for Error {
    fn from(e: FrameError) -> Self {
        match e {
            FrameError::Io(io) => Error::lost(io),
            FrameError::Truncated => Error::new(
                ErrorKind::ConnectionLost,
                "connection closed in the middle of a sentence",
            ),
            other => Error::new(ErrorKind::Protocol, other.to_string()),
        }
    }
}

impl From<ParseError> for Error {
    fn from(e: ParseError) -> Self {
        // The unknown word itself is not kept: it may be anything the peer sent.
        let text = match e {
            ParseError::Empty => "empty reply sentence",
            ParseError::UnknownReply(_) => "reply sentence with an unknown reply word",
        };
        Error::new(ErrorKind::Protocol, text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_is_clean_and_bounded() {
        let e = Error::trap("input does not match\nany value of profile\u{7}", Some(1))
            .at_str("10.0.0.1:8728");
        assert_eq!(
            e.summary(),
            "trap: input does not match any value of profile (10.0.0.1:8728)"
        );
        assert_eq!(e.trap_category(), Some(1));
        let long = Error::new(ErrorKind::Protocol, "x".repeat(5000));
        assert!(long.summary().chars().count() < MAX_TEXT + 20);
        assert_eq!(
            Error::fatal("session terminated on request").summary(),
            "connection_lost: router closed the session: session terminated on request"
        );
    }

    #[test]
    fn kinds_and_predicates() {
        let names: Vec<&str> = [
            ErrorKind::Refused,
            ErrorKind::Timeout,
            ErrorKind::Tls,
            ErrorKind::Auth,
            ErrorKind::NotRouterOs,
            ErrorKind::Trap,
            ErrorKind::ConnectionLost,
            ErrorKind::Protocol,
        ]
        .iter()
        .map(|k| k.as_str())
        .collect();
        assert_eq!(
            names,
            [
                "refused",
                "timeout",
                "tls",
                "auth",
                "not_routeros",
                "trap",
                "connection_lost",
                "protocol"
            ]
        );
        assert!(Error::new(ErrorKind::Refused, "x").is_unreachable());
        assert!(Error::fatal("x").is_unreachable());
        assert!(!Error::trap("x", None).is_unreachable());
        assert!(!Error::new(ErrorKind::NotRouterOs, "x").is_unreachable());
        assert!(Error::trap("no such item (4)", None).is_no_such_item());
        assert!(
            Error::trap("Not Found", None)
                .with_status(404)
                .is_no_such_item()
        );
        // Our own description is not a router message.
        assert_eq!(Error::new(ErrorKind::Trap, "x").trap_message(), None);
        let refused =
            Error::connect_io(std::io::Error::from(std::io::ErrorKind::ConnectionRefused));
        assert_eq!(refused.kind(), ErrorKind::Refused);
        assert!(std::error::Error::source(&refused).is_some());
    }
}
