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
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;
use tracing::debug;

use crate::model::Secret;
use crate::script::{self, ScriptError};

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
    down: AtomicBool,
    /// Commands left before every connection is dropped; 0 = off.
    drop_after: AtomicU64,
    /// Commands run for connections so far.
    executed: AtomicU64,
}

impl Faults {
    /// The router is off: nothing listens.
    pub fn is_down(&self) -> bool {
        self.down.load(Ordering::Relaxed)
    }

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

/// The `ret` of an `add`.
fn ret(out: Outcome) -> String {
    out.done
        .into_iter()
        .find(|(k, _)| k == "ret")
        .map(|(_, v)| v)
        .unwrap_or_default()
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
            s.table(menu)
                .map(Table::items)
                .unwrap_or_default()
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
        Ok(ret(out))
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

    /// Hangs up session `id` (as `/ppp/active/remove` would); whether it existed.
    pub fn disconnect_session(&self, id: &str) -> bool {
        self.run("/ppp/active/remove", &[(".id", id)], &[]).is_ok()
    }

    pub fn set_identity(&self, name: &str) {
        self.with(|s| s.identity = name.to_owned());
    }

    /// Adds secrets as `add` would (their `id` and `last_logged_out` are the
    /// router's own and ignored), under one lock: a router that already has
    /// thousands of clients, for import tests. Stops at the first refusal;
    /// those added before it stay. Returns the new ids.
    pub fn load_secrets(
        &self,
        secrets: impl IntoIterator<Item = Secret>,
    ) -> Result<Vec<String>, Vec<Trap>> {
        self.with(|s| {
            secrets
                .into_iter()
                .map(|secret| {
                    let out = s.run("/ppp/secret/add", &secret.to_attrs(), &[])?;
                    Ok(ret(out))
                })
                .collect()
        })
    }

    /// Adds profile `name`, with a rate limit if given; returns its `.id`.
    pub fn add_profile(&self, name: &str, rate_limit: Option<&str>) -> Result<String, Vec<Trap>> {
        let mut attrs = vec![("name", name)];
        if let Some(r) = rate_limit {
            attrs.push(("rate-limit", r));
        }
        self.run("/ppp/profile/add", &attrs, &[]).map(ret)
    }

    /// Secrets whose comment starts with `prefix`, e.g. every `mikronet:client:` one.
    pub fn secrets_with_comment_prefix(&self, prefix: &str) -> Vec<BTreeMap<String, String>> {
        self.rows(Menu::Secret, |i| {
            i.props
                .get("comment")
                .is_some_and(|c| c.starts_with(prefix))
        })
    }

    /// Entries of `/ip/firewall/address-list` on list `list`, static and dynamic.
    pub fn address_list(&self, list: &str) -> Vec<BTreeMap<String, String>> {
        self.rows(Menu::AddressList, |i| {
            i.props.get("list").is_some_and(|l| l == list)
        })
    }

    /// `/ip/firewall/nat` in rule order.
    pub fn nat_rules(&self) -> Vec<BTreeMap<String, String>> {
        self.rows(Menu::Nat, |_| true)
    }

    /// `/ip/firewall/filter` in rule order.
    pub fn filter_rules(&self) -> Vec<BTreeMap<String, String>> {
        self.rows(Menu::Filter, |_| true)
    }

    /// Applies a RouterOS CLI script (see [`crate::script`]) command by
    /// command, as `/import` does: it stops at the first command the router
    /// refuses, and what ran before stays. Returns how many commands ran.
    pub fn run_script(&self, text: &str) -> Result<usize, ScriptError> {
        let commands = script::parse(text)?;
        self.with(|s| {
            for c in &commands {
                s.run(&c.command.path, &c.command.attrs, &c.command.queries)
                    .map_err(|traps| ScriptError {
                        line: c.line,
                        message: format!(
                            "router refused {}: {}",
                            c.command.path,
                            traps
                                .iter()
                                .map(|t| t.message.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    })?;
            }
            Ok(commands.len())
        })
    }
}

pub(crate) struct Shared {
    pub(crate) config: SimConfig,
    pub(crate) state: SimState,
    pub(crate) faults: Faults,
    /// Bumped whenever every connection is to be dropped; a session started
    /// in an older generation runs no further command.
    generation: AtomicU64,
    kill: watch::Sender<u64>,
}

/// What became of a command a connection asked for.
pub(crate) enum Executed {
    Ran(Result<Outcome, Vec<Trap>>),
    /// It ran, and then the router dropped every connection (`drop_after_commands`):
    /// applied, but the reply never leaves.
    RanThenDropped,
    /// This connection is being dropped; the command did not run.
    Dropped,
}

impl Shared {
    pub(crate) fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    /// Ends every open session (its task stops at its next await).
    fn drop_all(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        self.kill.send_modify(|n| *n += 1);
    }

    /// Runs a command for a connection of `generation`, counting it against
    /// [`SimHandle::drop_after_commands`].
    pub(crate) fn execute(
        &self,
        generation: u64,
        path: &str,
        attrs: &[(String, String)],
        queries: &[String],
    ) -> Executed {
        // Under the state lock, so no other connection runs a command between the
        // last counted one and the drop.
        self.state.with(|s| {
            if self.generation() != generation {
                return Executed::Dropped;
            }
            let result = s.run(path, attrs, queries);
            self.faults.executed.fetch_add(1, Ordering::Relaxed);
            if self.faults.drop_after.load(Ordering::SeqCst) == 0 {
                return Executed::Ran(result);
            }
            if self.faults.drop_after.fetch_sub(1, Ordering::SeqCst) == 1 {
                self.drop_all();
                return Executed::RanThenDropped;
            }
            Executed::Ran(result)
        })
    }
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
    acceptor: TlsAcceptor,
    /// Accept loops; empty while the router is down.
    listeners: Mutex<Vec<JoinHandle<()>>>,
    /// Serialises `set_down` calls.
    power: tokio::sync::Mutex<()>,
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
        let (kill, _) = watch::channel(0u64);
        let shared = Arc::new(Shared {
            config: config.clone(),
            state,
            faults: Faults::default(),
            generation: AtomicU64::new(0),
            kill,
        });
        let ports = [
            config.api_port,
            config.api_tls_port,
            config.rest_port,
            config.rest_tls_port,
        ];
        let mut bound = Vec::new();
        for port in ports {
            bound.push(bind_listener(SocketAddr::new(config.bind, port))?);
        }
        let addrs: Vec<SocketAddr> = bound
            .iter()
            .map(TcpListener::local_addr)
            .collect::<std::io::Result<_>>()?;
        let handle = SimHandle {
            api_addr: addrs[0],
            api_tls_addr: addrs[1],
            rest_addr: addrs[2],
            rest_tls_addr: addrs[3],
            cert_fingerprint: crate::tls::fingerprint_sha256(&cert_der),
            shared,
            acceptor,
            listeners: Mutex::new(Vec::new()),
            power: tokio::sync::Mutex::new(()),
        };
        handle.serve(bound);
        Ok(handle)
    }
}

/// A listening socket with `SO_REUSEADDR`, so a port can be bound again at
/// once after [`SimHandle::set_down`] while old connections linger in TIME_WAIT.
fn bind_listener(addr: SocketAddr) -> std::io::Result<TcpListener> {
    let socket = match addr {
        SocketAddr::V4(_) => TcpSocket::new_v4()?,
        SocketAddr::V6(_) => TcpSocket::new_v6()?,
    };
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(1024)
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

    /// Starts an accept loop per listener, in the order of the four addresses.
    fn serve(&self, bound: Vec<TcpListener>) {
        let fronts = [
            (None, Front::Api),
            (Some(self.acceptor.clone()), Front::Api),
            (None, Front::Rest),
            (Some(self.acceptor.clone()), Front::Rest),
        ];
        let mut tasks = self.listeners.lock().unwrap_or_else(|e| e.into_inner());
        for (listener, (tls, front)) in bound.into_iter().zip(fronts) {
            tasks.push(tokio::spawn(accept_loop(
                listener,
                tls,
                front,
                self.shared.clone(),
            )));
        }
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
        self.shared.drop_all();
    }

    /// Switches the router off (`true`) or on again (`false`).
    ///
    /// Off: every listening socket is closed, so a connect gets a real TCP
    /// "connection refused", and every open session is dropped. On: the same
    /// four ports are bound again (the configuration is kept, as over a
    /// reboot). Returns once the sockets are closed or listening again; fails
    /// only if a port was taken by someone else meanwhile.
    pub async fn set_down(&self, down: bool) -> std::io::Result<()> {
        let _power = self.power.lock().await;
        if down == self.shared.faults.is_down() {
            return Ok(());
        }
        if down {
            self.shared.faults.down.store(true, Ordering::SeqCst);
            let tasks =
                std::mem::take(&mut *self.listeners.lock().unwrap_or_else(|e| e.into_inner()));
            for t in &tasks {
                t.abort();
            }
            // An aborted task has dropped its listener by the time its handle resolves.
            for t in tasks {
                let _ = t.await;
            }
            self.shared.drop_all();
            return Ok(());
        }
        let mut bound = Vec::new();
        for addr in self.addrs() {
            bound.push(bind_listener(addr)?);
        }
        self.serve(bound);
        self.shared.faults.down.store(false, Ordering::SeqCst);
        Ok(())
    }

    /// The router comes back after a configuration reset: every secret,
    /// non-built-in profile, session and firewall entry is gone and every open
    /// connection is dropped. Identity, login and the `.id` counters stay
    /// (RouterOS does not reuse ids).
    pub fn reset_configuration(&self) {
        self.shared.state.with(RouterState::reset_configuration);
        self.shared.drop_all();
    }

    /// After `n` more commands have run (over all connections, API and REST),
    /// the router drops every connection once, then works normally again. The
    /// `n`th command is applied but its reply is never sent, like a router
    /// that fails in the middle of a burst. `0` switches the fault off.
    pub fn drop_after_commands(&self, n: u64) {
        self.shared.faults.drop_after.store(n, Ordering::SeqCst);
    }

    /// Commands run for API and REST connections since start (login not
    /// counted; [`SimState::run`] not counted): lets a test see that a sync
    /// pass over a converged router wrote nothing.
    pub fn commands_executed(&self) -> u64 {
        self.shared.faults.executed.load(Ordering::Relaxed)
    }

    fn addrs(&self) -> [SocketAddr; 4] {
        [
            self.api_addr,
            self.api_tls_addr,
            self.rest_addr,
            self.rest_tls_addr,
        ]
    }
}

impl Drop for SimHandle {
    fn drop(&mut self) {
        for l in self
            .listeners
            .get_mut()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
        {
            l.abort();
        }
        self.shared.drop_all();
    }
}

async fn accept_loop(
    listener: TcpListener,
    tls: Option<TlsAcceptor>,
    front: Front,
    shared: Arc<Shared>,
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
        let mut kill = shared.kill.subscribe();
        let generation = shared.generation();
        tokio::spawn(async move {
            tokio::select! {
                _ = connection(tcp, tls, front, shared.clone(), generation) => {}
                _ = kill.changed() => debug!(%peer, "session killed"),
            }
        });
    }
}

async fn connection(
    tcp: TcpStream,
    tls: Option<TlsAcceptor>,
    front: Front,
    shared: Arc<Shared>,
    generation: u64,
) {
    if shared.generation() != generation {
        return;
    }
    match tls {
        None => serve(tcp, front, shared, generation).await,
        Some(acceptor) => match acceptor.accept(tcp).await {
            Ok(stream) => serve(stream, front, shared, generation).await,
            Err(e) => debug!(error = %e, "tls handshake failed"),
        },
    }
}

async fn serve<S>(stream: S, front: Front, shared: Arc<Shared>, generation: u64)
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    match front {
        Front::Api => api_server::serve(stream, shared, generation).await,
        Front::Rest => {
            let service = hyper::service::service_fn(move |req| {
                rest_server::handle(req, shared.clone(), generation)
            });
            if let Err(e) = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await
            {
                debug!(error = %e, "rest connection ended");
            }
        }
    }
}
