//! An in-memory RouterOS for tests and demos: API on plain TCP and TLS, REST
//! on HTTP and HTTPS, one shared configuration, direct access to that state,
//! and switchable faults.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use routeros::sim::{SimConfig, Simulator};
//! let sim = Simulator::start(SimConfig::default()).await?;
//! sim.state().connect_session("alice", "10.0.0.2", "AA:BB:CC:DD:EE:FF");
//! sim.set_reply_delay(std::time::Duration::from_millis(50));
//! # Ok(()) }
//! ```

mod api_server;
mod query;
mod rest_server;
mod router;

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hyper_util::rt::TokioIo;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;
use tracing::debug;

pub use router::{
    Item, Menu, NO_SUCH_ITEM, Outcome, RouterState, SimRow, Table, Trap, format_id, is_disabled,
    parse_id,
};

/// How the simulated router behaves.
#[derive(Debug, Clone)]
pub struct SimConfig {
    pub username: String,
    pub password: String,
    /// Pre-6.43 router: `/login` answers with an MD5 challenge, failures say `cannot log in`.
    pub legacy_login: bool,
    /// RouterOS 7.18+: a print with no rows sends `!empty` before `!done`.
    pub empty_replies: bool,
    /// `/system/resource` `version`.
    pub version: String,
    pub identity: String,
    pub bind: IpAddr,
    /// 0 = any free port; likewise for the other ports.
    pub api_port: u16,
    pub api_tls_port: u16,
    pub rest_port: u16,
    pub rest_tls_port: u16,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            username: "admin".into(),
            password: "secret".into(),
            legacy_login: false,
            empty_replies: false,
            version: "7.16.2 (stable)".into(),
            identity: "MikroTik".into(),
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            api_port: 0,
            api_tls_port: 0,
            rest_port: 0,
            rest_tls_port: 0,
        }
    }
}

/// Faults that can be switched on and off while the simulator runs.
#[derive(Debug, Default)]
pub struct Faults {
    refuse: AtomicBool,
    drop_mid_reply: AtomicBool,
    delay_ms: AtomicU64,
}

impl Faults {
    pub fn refuse_connections(&self) -> bool {
        self.refuse.load(Ordering::Relaxed)
    }

    pub fn drop_mid_reply(&self) -> bool {
        self.drop_mid_reply.load(Ordering::Relaxed)
    }

    pub fn reply_delay(&self) -> Duration {
        Duration::from_millis(self.delay_ms.load(Ordering::Relaxed))
    }
}

/// The router's configuration, shared by every session and by the test.
#[derive(Clone)]
pub struct SimState(Arc<Mutex<RouterState>>);

impl SimState {
    /// Runs `f` with the router locked: read or change anything.
    pub fn with<R>(&self, f: impl FnOnce(&mut RouterState) -> R) -> R {
        let mut guard = self.0.lock().unwrap_or_else(|e| e.into_inner());
        f(&mut guard)
    }

    /// Runs a command as an API session would (`/ppp/secret/add`, `=attr=` pairs, query words).
    pub fn run(
        &self,
        path: &str,
        attrs: &[(&str, &str)],
        queries: &[&str],
    ) -> Result<Outcome, Vec<Trap>> {
        let attrs: Vec<(String, String)> = attrs
            .iter()
            .map(|(k, v)| ((*k).into(), (*v).into()))
            .collect();
        let queries: Vec<String> = queries.iter().map(|q| (*q).into()).collect();
        self.with(|s| s.run(path, &attrs, &queries))
    }

    fn rows(&self, menu: Menu, pick: impl Fn(&Item) -> bool) -> Vec<BTreeMap<String, String>> {
        self.with(|s| {
            let table = match menu {
                Menu::Secret => &s.secrets,
                Menu::Profile => &s.profiles,
                _ => &s.active,
            };
            table
                .items()
                .iter()
                .filter(|i| pick(i))
                .map(|i| s.printed(menu, i).into_iter().collect())
                .collect()
        })
    }

    /// Every secret as printed (with `.id`).
    pub fn secrets(&self) -> Vec<BTreeMap<String, String>> {
        self.rows(Menu::Secret, |_| true)
    }

    pub fn secret(&self, name: &str) -> Option<BTreeMap<String, String>> {
        self.rows(Menu::Secret, |i| {
            i.props.get("name").is_some_and(|n| n == name)
        })
        .pop()
    }

    /// Adds a secret with defaults; returns its `.id`.
    pub fn add_secret(&self, name: &str, password: &str) -> Result<String, Vec<Trap>> {
        let out = self.run(
            "/ppp/secret/add",
            &[("name", name), ("password", password)],
            &[],
        )?;
        Ok(out
            .done
            .into_iter()
            .map(|(_, v)| v)
            .next()
            .unwrap_or_default())
    }

    pub fn profiles(&self) -> Vec<BTreeMap<String, String>> {
        self.rows(Menu::Profile, |_| true)
    }

    pub fn profile(&self, name: &str) -> Option<BTreeMap<String, String>> {
        self.rows(Menu::Profile, |i| {
            i.props.get("name").is_some_and(|n| n == name)
        })
        .pop()
    }

    pub fn active_sessions(&self) -> Vec<BTreeMap<String, String>> {
        self.rows(Menu::Active, |_| true)
    }

    /// Simulates user `name` dialling in; returns the session's `.id`.
    pub fn connect_session(&self, name: &str, address: &str, caller_id: &str) -> String {
        self.with(|s| s.connect_session(name, address, caller_id))
    }

    pub fn set_identity(&self, name: &str) {
        self.with(|s| s.identity = name.to_owned());
    }
}

pub(crate) struct Shared {
    pub(crate) config: SimConfig,
    pub(crate) state: SimState,
    pub(crate) faults: Faults,
}

/// A running simulator. Dropping it stops the listeners and ends every session.
pub struct SimHandle {
    pub api_addr: SocketAddr,
    pub api_tls_addr: SocketAddr,
    pub rest_addr: SocketAddr,
    pub rest_tls_addr: SocketAddr,
    /// Hex SHA-256 of the self-signed certificate, for [`crate::TlsOptions::pinned`].
    pub cert_fingerprint: String,
    shared: Arc<Shared>,
    kill: watch::Sender<u64>,
    listeners: Vec<JoinHandle<()>>,
}

pub struct Simulator;

#[derive(Clone, Copy)]
enum Front {
    Api,
    Rest,
}

impl Simulator {
    /// Binds all four listeners and starts serving.
    pub async fn start(config: SimConfig) -> std::io::Result<SimHandle> {
        let cert = rcgen::generate_simple_self_signed(vec![
            "localhost".to_owned(),
            config.bind.to_string(),
        ])
        .map_err(std::io::Error::other)?;
        let cert_der: CertificateDer<'static> = cert.cert.der().clone();
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(cert.key_pair.serialize_der()));
        let tls = rustls::ServerConfig::builder_with_provider(crate::tls::provider())
            .with_safe_default_protocol_versions()
            .and_then(|b| {
                b.with_no_client_auth()
                    .with_single_cert(vec![cert_der.clone()], key)
            })
            .map_err(std::io::Error::other)?;
        let acceptor = TlsAcceptor::from(Arc::new(tls));

        let state = SimState(Arc::new(Mutex::new(RouterState::new(
            &config.version,
            &config.identity,
        ))));
        let shared = Arc::new(Shared {
            config: config.clone(),
            state,
            faults: Faults::default(),
        });
        let (kill, kill_rx) = watch::channel(0u64);
        let bind = |port| TcpListener::bind((config.bind, port));
        let api = bind(config.api_port).await?;
        let api_tls = bind(config.api_tls_port).await?;
        let rest = bind(config.rest_port).await?;
        let rest_tls = bind(config.rest_tls_port).await?;
        let handle_addrs = (
            api.local_addr()?,
            api_tls.local_addr()?,
            rest.local_addr()?,
            rest_tls.local_addr()?,
        );
        let listeners = vec![
            tokio::spawn(accept_loop(
                api,
                None,
                Front::Api,
                shared.clone(),
                kill_rx.clone(),
            )),
            tokio::spawn(accept_loop(
                api_tls,
                Some(acceptor.clone()),
                Front::Api,
                shared.clone(),
                kill_rx.clone(),
            )),
            tokio::spawn(accept_loop(
                rest,
                None,
                Front::Rest,
                shared.clone(),
                kill_rx.clone(),
            )),
            tokio::spawn(accept_loop(
                rest_tls,
                Some(acceptor),
                Front::Rest,
                shared.clone(),
                kill_rx,
            )),
        ];
        Ok(SimHandle {
            api_addr: handle_addrs.0,
            api_tls_addr: handle_addrs.1,
            rest_addr: handle_addrs.2,
            rest_tls_addr: handle_addrs.3,
            cert_fingerprint: crate::tls::fingerprint_sha256(&cert_der),
            shared,
            kill,
            listeners,
        })
    }
}

impl SimHandle {
    pub fn state(&self) -> SimState {
        self.shared.state.clone()
    }

    pub fn config(&self) -> &SimConfig {
        &self.shared.config
    }

    pub fn faults(&self) -> &Faults {
        &self.shared.faults
    }

    /// New connections are accepted and closed at once (existing sessions stay).
    pub fn set_refuse_connections(&self, on: bool) {
        self.shared.faults.refuse.store(on, Ordering::Relaxed);
    }

    /// The next reply is cut in half and its connection closed.
    pub fn set_drop_mid_reply(&self, on: bool) {
        self.shared
            .faults
            .drop_mid_reply
            .store(on, Ordering::Relaxed);
    }

    /// Waits this long before sending each command's reply (zero = off).
    pub fn set_reply_delay(&self, delay: Duration) {
        let ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX);
        self.shared.faults.delay_ms.store(ms, Ordering::Relaxed);
    }

    /// Closes every open session, as a router reboot or link loss would.
    pub fn drop_connections(&self) {
        self.kill.send_modify(|n| *n += 1);
    }
}

impl Drop for SimHandle {
    fn drop(&mut self) {
        for l in &self.listeners {
            l.abort();
        }
        // Dropping `kill` ends every session's select below.
    }
}

async fn accept_loop(
    listener: TcpListener,
    tls: Option<TlsAcceptor>,
    front: Front,
    shared: Arc<Shared>,
    kill: watch::Receiver<u64>,
) {
    loop {
        let (tcp, peer) = match listener.accept().await {
            Ok(x) => x,
            Err(e) => {
                debug!(error = %e, "accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        if shared.faults.refuse_connections() {
            drop(tcp);
            continue;
        }
        let _ = tcp.set_nodelay(true);
        let shared = shared.clone();
        let tls = tls.clone();
        let mut kill = kill.clone();
        kill.mark_unchanged();
        tokio::spawn(async move {
            tokio::select! {
                _ = connection(tcp, tls, front, shared) => {}
                _ = kill.changed() => debug!(%peer, "session killed"),
            }
        });
    }
}

async fn connection(tcp: TcpStream, tls: Option<TlsAcceptor>, front: Front, shared: Arc<Shared>) {
    match tls {
        None => serve(tcp, front, shared).await,
        Some(acceptor) => match acceptor.accept(tcp).await {
            Ok(stream) => serve(stream, front, shared).await,
            Err(e) => debug!(error = %e, "tls handshake failed"),
        },
    }
}

async fn serve<S>(stream: S, front: Front, shared: Arc<Shared>)
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    match front {
        Front::Api => api_server::serve(stream, shared).await,
        Front::Rest => {
            let service =
                hyper::service::service_fn(move |req| rest_server::handle(req, shared.clone()));
            if let Err(e) = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await
            {
                debug!(error = %e, "rest connection ended");
            }
        }
    }
}
