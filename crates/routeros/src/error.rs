//! The error type shared by the API and REST clients.

use thiserror::Error;

use crate::sentence::{FrameError, ParseError};

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, Error)]
pub enum Error {
    /// The router refused the command (`!trap` on the API, a JSON error body on REST,
    /// where `message` is the body's `detail`, or its `message` when there is no detail).
    #[error("router error: {message}")]
    Trap {
        message: String,
        category: Option<u32>,
    },
    /// `!fatal`: the router closed the session, with its reason word.
    #[error("router closed the session: {0}")]
    Fatal(String),
    #[error("timed out: {0}")]
    Timeout(&'static str),
    #[error("connection closed")]
    ConnectionClosed,
    #[error("i/o: {0}")]
    Io(#[from] std::io::Error),
    #[error("tls: {0}")]
    Tls(String),
    /// The peer sent something that is not valid protocol.
    #[error("protocol: {0}")]
    Protocol(String),
    /// REST reply that is neither success nor a RouterOS JSON error.
    #[error("http status {status}: {body}")]
    Http { status: u16, body: String },
    /// Bad client-side input, e.g. an invalid URL or fingerprint.
    #[error("invalid configuration: {0}")]
    Config(String),
}

impl Error {
    /// The router's message when this is a trap.
    pub fn trap_message(&self) -> Option<&str> {
        match self {
            Error::Trap { message, .. } => Some(message),
            _ => None,
        }
    }

    /// `no such item` (older routers) or `no such item (4)`; REST says `Not Found`.
    pub fn is_no_such_item(&self) -> bool {
        self.trap_message()
            .is_some_and(|m| m.starts_with("no such item") || m == "Not Found")
    }

    /// Login rejected: current and pre-6.43 texts, and REST's 401.
    pub fn is_auth_failure(&self) -> bool {
        self.trap_message().is_some_and(|m| {
            m.starts_with("invalid user name or password")
                || m == "cannot log in"
                || m == "Unauthorized"
        })
    }

    /// Whether the session is gone, so a caller should reconnect before retrying.
    pub fn is_connection_lost(&self) -> bool {
        matches!(
            self,
            Error::Fatal(_) | Error::ConnectionClosed | Error::Io(_) | Error::Protocol(_)
        )
    }
}

impl From<FrameError> for Error {
    fn from(e: FrameError) -> Self {
        match e {
            FrameError::Io(io) => Error::Io(io),
            FrameError::Truncated => Error::ConnectionClosed,
            other => Error::Protocol(other.to_string()),
        }
    }
}

impl From<ParseError> for Error {
    fn from(e: ParseError) -> Self {
        Error::Protocol(e.to_string())
    }
}
