//! MikroTik RouterOS management: the binary API (8728/8729) and REST clients
//! behind one [`RouterApi`] trait, plus an in-memory RouterOS simulator for tests.

pub mod client;
pub mod error;
pub mod model;
pub mod rest;
pub mod router_api;
pub mod script;
pub mod sentence;
pub mod sim;
pub mod tls;
pub mod word;

pub use client::{ApiClient, ApiConfig, Response};
pub use error::{Error, ErrorKind, Result};
pub use model::{ActiveSession, Profile, ProfileSpec, Row, Secret, SecretUpdate, SystemResource};
pub use rest::{RestClient, RestConfig};
pub use router_api::{BoxFuture, RouterApi};
pub use sentence::{Command, Limits, Reply};
pub use tls::{TlsOptions, TlsVerify};
