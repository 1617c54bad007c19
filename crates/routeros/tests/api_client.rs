//! The API client against the simulator, over plain TCP and TLS.

use std::time::Duration;

use routeros::sentence::{Limits, SentenceReader, write_sentence};
use routeros::sim::{SimConfig, SimHandle, Simulator, is_disabled};
use routeros::{
    ApiClient, ApiConfig, Error, ErrorKind, ProfileSpec, RouterApi, Secret, SecretUpdate,
    TlsOptions,
};
use tokio::io::BufReader;
use tokio::net::TcpStream;

async fn sim_with(config: SimConfig) -> SimHandle {
    Simulator::start(config).await.expect("simulator starts")
}

async fn sim() -> SimHandle {
    sim_with(SimConfig::default()).await
}

fn config(sim: &SimHandle) -> ApiConfig {
    let c = sim.config();
    ApiConfig::new("127.0.0.1", &c.username, &c.password)
        .port(sim.api_addr.port())
        .connect_timeout(Duration::from_secs(5))
        .reply_timeout(Duration::from_secs(5))
}

async fn connect(sim: &SimHandle) -> ApiClient {
    ApiClient::connect(config(sim)).await.expect("login")
}

/// Fails the test instead of hanging it.
async fn bounded<T>(f: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(10), f)
        .await
        .expect("operation hung")
}

#[tokio::test]
async fn login_and_system_info() {
    let sim = sim().await;
    let api = connect(&sim).await;
    assert_eq!(api.version().await.unwrap(), "7.16.2 (stable)");
    assert_eq!(api.identity().await.unwrap(), "MikroTik");
    sim.state().set_identity("core-1");
    assert_eq!(api.identity().await.unwrap(), "core-1");
    let res = api.resource().await.unwrap();
    assert_eq!(res.board_name.as_deref(), Some("CCR2004-1G-12S+2XS"));
    assert!(res.uptime.is_some());
}

#[tokio::test]
async fn bad_password_is_a_trap_with_the_router_text() {
    let sim = sim().await;
    let cfg = ApiConfig {
        password: "wrong".into(),
        ..config(&sim)
    };
    let err2 = ApiClient::connect(cfg).await.expect_err("must fail");
    assert_eq!(err2.kind(), ErrorKind::Auth, "{err2:?}");
    assert_eq!(
        err2.trap_message(),
        Some("invalid user name or password (6)")
    );
    assert!(err2.is_auth_failure());
    let cfg = ApiConfig {
        username: "nobody".into(),
        ..config(&sim)
    };
    assert_eq!(
        ApiClient::connect(cfg)
            .await
            .expect_err("must fail")
            .trap_message(),
        Some("invalid user name or password (6)")
    );
}

#[tokio::test]
async fn legacy_md5_login() {
    let sim = sim_with(SimConfig {
        legacy_login: true,
        version: "6.40.9 (bugfix)".into(),
        ..SimConfig::default()
    })
    .await;
    let api = connect(&sim).await;
    assert_eq!(api.version().await.unwrap(), "6.40.9 (bugfix)");
    let cfg = ApiConfig {
        password: "wrong".into(),
        ..config(&sim)
    };
    assert_eq!(
        ApiClient::connect(cfg)
            .await
            .expect_err("must fail")
            .trap_message(),
        Some("cannot log in")
    );
}

#[tokio::test]
async fn secret_round_trip() {
    let sim = sim().await;
    let api = connect(&sim).await;
    let mut new = Secret::new("alice", "pw1");
    new.remote_address = Some("10.0.0.2".into());
    new.comment = Some("plan 10M".into());
    let id = api.add_secret(&new).await.unwrap();
    assert_eq!(id, "*1");

    let found = api.find_secret("alice").await.unwrap().expect("found");
    assert_eq!(found.id.as_deref(), Some("*1"));
    assert_eq!(found.password.as_deref(), Some("pw1"));
    assert_eq!(found.service.as_deref(), Some("any"));
    assert_eq!(found.profile.as_deref(), Some("default"));
    assert_eq!(found.remote_address.as_deref(), Some("10.0.0.2"));
    assert!(!found.disabled);
    assert_eq!(api.find_secret("nobody").await.unwrap(), None);

    let change = SecretUpdate {
        password: Some("pw2".into()),
        comment: Some("plan 20M".into()),
        ..Default::default()
    };
    api.set_secret(&id, &change).await.unwrap();
    let state = sim.state().secret("alice").unwrap();
    assert_eq!(state["password"], "pw2");
    assert_eq!(state["comment"], "plan 20M");

    api.set_secret_disabled(&id, true).await.unwrap();
    assert!(is_disabled(&sim.state().secret("alice").unwrap()));
    assert!(api.find_secret("alice").await.unwrap().unwrap().disabled);
    let raw = api
        .call(
            "/ppp/secret/print",
            &[(".proplist", "disabled")],
            &["=name=alice"],
        )
        .await
        .unwrap();
    assert_eq!(raw[0]["disabled"], "true");
    api.set_secret_disabled(&id, false).await.unwrap();
    assert!(!is_disabled(&sim.state().secret("alice").unwrap()));
    // librouteros-style `set =disabled=yes` works too.
    api.set_secret(
        &id,
        &SecretUpdate {
            disabled: Some(true),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert!(is_disabled(&sim.state().secret("alice").unwrap()));

    assert_eq!(api.list_secrets().await.unwrap().len(), 1);
    api.remove_secret(&id).await.unwrap();
    assert!(sim.state().secret("alice").is_none());
    let err = api.remove_secret(&id).await.expect_err("already gone");
    assert!(err.is_no_such_item(), "{err:?}");
    // A fresh secret gets a new id: ids are not reused.
    assert_eq!(
        api.add_secret(&Secret::new("bob", "x")).await.unwrap(),
        "*2"
    );
}

#[tokio::test]
async fn router_error_texts() {
    let sim = sim().await;
    let api = connect(&sim).await;
    api.add_secret(&Secret::new("alice", "x")).await.unwrap();
    let dup = api
        .add_secret(&Secret::new("alice", "y"))
        .await
        .expect_err("duplicate");
    assert_eq!(
        dup.trap_message(),
        Some("failure: secret with the same name already exists")
    );

    let mut bad = Secret::new("bob", "x");
    bad.profile = Some("gold".into());
    let err = api.add_secret(&bad).await.expect_err("unknown profile");
    assert_eq!(
        err.trap_message(),
        Some("input does not match any value of profile")
    );

    let err = api
        .call("/caps-man/interface/print", &[], &[])
        .await
        .expect_err("bad menu");
    assert_eq!(err.kind(), ErrorKind::Trap);
    assert_eq!(
        err.trap_message(),
        Some("no such command or directory (caps-man), no such command prefix")
    );
    assert_eq!(err.trap_category(), Some(0));
    let err = api
        .call("/ppp/secret/add", &[("name", "c"), ("colour", "red")], &[])
        .await
        .expect_err("unknown parameter");
    assert_eq!(err.trap_message(), Some("unknown parameter"));
    // The session survives traps.
    assert_eq!(api.list_secrets().await.unwrap().len(), 1);
}

#[tokio::test]
async fn profiles_and_active_sessions() {
    let sim = sim().await;
    let api = connect(&sim).await;
    let id = api
        .upsert_profile(&ProfileSpec::new("10M").rate_limit("10M/10M"))
        .await
        .unwrap();
    assert_eq!(sim.state().profile("10M").unwrap()["rate-limit"], "10M/10M");
    assert_eq!(
        api.upsert_profile(&ProfileSpec::new("10M").rate_limit("12M/12M"))
            .await
            .unwrap(),
        id
    );
    assert_eq!(sim.state().profile("10M").unwrap()["rate-limit"], "12M/12M");
    let names: Vec<String> = api
        .list_profiles()
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.name)
        .collect();
    assert_eq!(names, ["default", "default-encryption", "10M"]);

    let mut s = Secret::new("alice", "x");
    s.profile = Some("10M".into());
    let sid = api.add_secret(&s).await.unwrap();
    let session = sim
        .state()
        .connect_session("alice", "10.0.0.9", "AA:BB:CC:00:00:01");
    sim.state()
        .connect_session("bob", "10.0.0.10", "AA:BB:CC:00:00:02");

    let mine = api.active_sessions(Some("alice")).await.unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].id, session);
    assert_eq!(mine[0].address.as_deref(), Some("10.0.0.9"));
    assert_eq!(api.active_sessions(None).await.unwrap().len(), 2);

    // Disabling does not hang up: the billing server must remove the session itself.
    api.set_secret_disabled(&sid, true).await.unwrap();
    assert_eq!(api.active_sessions(Some("alice")).await.unwrap().len(), 1);
    api.remove_active(&session).await.unwrap();
    assert!(api.active_sessions(Some("alice")).await.unwrap().is_empty());
    assert_eq!(sim.state().active_sessions().len(), 1);
}

#[tokio::test]
async fn tls_with_pinned_fingerprint() {
    let sim = sim().await;
    let cfg = config(&sim)
        .tls(TlsOptions::pinned(sim.cert_fingerprint.to_uppercase()))
        .port(sim.api_tls_addr.port());
    let api = ApiClient::connect(cfg).await.expect("tls login");
    let id = api.add_secret(&Secret::new("tls-user", "x")).await.unwrap();
    assert_eq!(sim.state().secret("tls-user").unwrap()[".id"], id);

    let wrong = config(&sim)
        .tls(TlsOptions::pinned("00".repeat(32)))
        .port(sim.api_tls_addr.port());
    let err = ApiClient::connect(wrong).await.expect_err("wrong pin");
    assert_eq!(err.kind(), ErrorKind::Tls, "{err:?}");
}

#[tokio::test]
async fn pipelined_sets_on_one_connection() {
    let sim = sim().await;
    let ids: Vec<String> = (0..100)
        .map(|i| sim.state().add_secret(&format!("user{i}"), "x").unwrap())
        .collect();
    let api = connect(&sim).await;
    let mut tasks = tokio::task::JoinSet::new();
    for n in 0..1000usize {
        let api = api.clone();
        let id = ids[n % 100].clone();
        tasks.spawn(async move {
            // The last write to each secret is round 9; tags keep every reply with its caller.
            let round = n / 100;
            let change = SecretUpdate {
                comment: Some(format!("round {round}")),
                ..Default::default()
            };
            api.set_secret(&id, &change).await.map(|_| n)
        });
    }
    let mut ok = 0;
    while let Some(res) = bounded(tasks.join_next()).await {
        res.unwrap().unwrap();
        ok += 1;
    }
    assert_eq!(ok, 1000);
    let secrets = sim.state().secrets();
    assert_eq!(secrets.len(), 100);
    // Each secret was written 10 times; every one must carry some round's value.
    for s in &secrets {
        assert!(s["comment"].starts_with("round "), "{s:?}");
    }

    // Ordered rounds: sequential awaits per secret land the final value exactly.
    let futs: Vec<_> = ids
        .iter()
        .map(|id| {
            let api = api.clone();
            let id = id.clone();
            tokio::spawn(async move {
                for r in 0..3 {
                    let c = SecretUpdate {
                        comment: Some(format!("final {r}")),
                        ..Default::default()
                    };
                    api.set_secret(&id, &c).await?;
                }
                Ok::<_, Error>(())
            })
        })
        .collect();
    for f in futs {
        bounded(f).await.unwrap().unwrap();
    }
    assert!(
        sim.state()
            .secrets()
            .iter()
            .all(|s| s["comment"] == "final 2")
    );
}

#[tokio::test]
async fn empty_mode_prints_nothing() {
    let sim = sim_with(SimConfig {
        empty_replies: true,
        ..SimConfig::default()
    })
    .await;
    let api = connect(&sim).await;
    assert_eq!(api.find_secret("ghost").await.unwrap(), None);
    assert!(api.list_secrets().await.unwrap().is_empty());
    api.add_secret(&Secret::new("real", "x")).await.unwrap();
    assert_eq!(api.list_secrets().await.unwrap().len(), 1);
}

/// Raw sentences, to check the wire format against the fact sheet's checklist.
async fn raw_exchange(sim: &SimHandle, commands: &[&[&str]]) -> Vec<Vec<String>> {
    let tcp = TcpStream::connect(sim.api_addr).await.unwrap();
    let (r, mut w) = tcp.into_split();
    let mut reader = SentenceReader::new(BufReader::new(r), Limits::default());
    let mut out = Vec::new();
    for cmd in commands {
        write_sentence(&mut w, cmd).await.unwrap();
        loop {
            let s = bounded(reader.read_sentence())
                .await
                .unwrap()
                .expect("sentence");
            let end = s[0] == "!done" || s[0] == "!fatal";
            out.push(s);
            if end {
                break;
            }
        }
    }
    out
}

fn words(s: &[&str]) -> Vec<String> {
    s.iter().map(|w| w.to_string()).collect()
}

#[tokio::test]
async fn wire_format_matches_the_checklist() {
    let sim = sim_with(SimConfig {
        empty_replies: true,
        ..SimConfig::default()
    })
    .await;
    let got = raw_exchange(
        &sim,
        &[
            &["/login", "=name=admin", "=password=secret"],
            &["/ppp/secret/print", "?name=ghost", ".tag=a"],
            &["/ppp/secret/add", "=name=x", ".tag=b"],
            &["/ppp/secret/add", "=name=x", ".tag=c"],
            &["/ppp/secret/add", "=name=y"],
            &["/ppp/secret/print", "=.proplist=name,disabled", "?=name=x"],
            &["/quit"],
        ],
    )
    .await;
    let expected = vec![
        words(&["!done"]),
        words(&["!empty", ".tag=a"]),
        words(&["!done", ".tag=a"]),
        words(&["!done", "=ret=*1", ".tag=b"]),
        words(&[
            "!trap",
            "=message=failure: secret with the same name already exists",
            ".tag=c",
        ]),
        words(&["!done", ".tag=c"]),
        words(&["!done", "=ret=*2"]),
        words(&["!re", "=name=x", "=disabled=false"]),
        words(&["!done"]),
        words(&["!fatal", "session terminated on request"]),
    ];
    assert_eq!(got, expected);
}

#[tokio::test]
async fn slow_replies_time_out_per_reply() {
    let sim = sim().await;
    let api = ApiClient::connect(config(&sim).reply_timeout(Duration::from_millis(300)))
        .await
        .unwrap();
    sim.set_reply_delay(Duration::from_millis(1000));
    let started = std::time::Instant::now();
    let err = api.identity().await.expect_err("too slow");
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err:?}");
    assert!(started.elapsed() < Duration::from_millis(900));
    // A delay under the timeout is fine, and the session survived the abandoned command.
    sim.set_reply_delay(Duration::from_millis(50));
    assert_eq!(bounded(api.identity()).await.unwrap(), "MikroTik");
}

#[tokio::test]
async fn connection_dropped_mid_reply_is_an_error() {
    let sim = sim().await;
    let api = connect(&sim).await;
    let other = api.clone();
    let pending = tokio::spawn(async move { other.identity().await });
    sim.set_drop_mid_reply(true);
    let err = bounded(api.list_secrets()).await.expect_err("dropped");
    assert!(err.is_connection_lost(), "{err:?}");
    let _ = bounded(pending).await.unwrap();
    assert!(api.is_closed());
    // Later calls fail at once with the same kind of error.
    assert!(
        bounded(api.version())
            .await
            .unwrap_err()
            .is_connection_lost()
    );
    sim.set_drop_mid_reply(false);
    assert_eq!(connect(&sim).await.identity().await.unwrap(), "MikroTik");
}

#[tokio::test]
async fn refused_and_killed_connections() {
    let sim = sim().await;
    let api = connect(&sim).await;
    sim.set_refuse_connections(true);
    let err = bounded(ApiClient::connect(config(&sim)))
        .await
        .expect_err("refused");
    // Accepted and closed before login: as good as refused.
    assert_eq!(err.kind(), ErrorKind::Refused, "{err:?}");
    assert!(err.is_unreachable());
    // Existing sessions are untouched by refusing new ones...
    assert_eq!(api.identity().await.unwrap(), "MikroTik");
    // ...until the router drops them.
    sim.drop_connections();
    assert!(
        bounded(api.identity())
            .await
            .unwrap_err()
            .is_connection_lost()
    );
    sim.set_refuse_connections(false);
    assert_eq!(connect(&sim).await.identity().await.unwrap(), "MikroTik");

    // Nothing listening at all.
    let port = sim.api_addr.port();
    drop(sim);
    tokio::time::sleep(Duration::from_millis(50)).await;
    let cfg = ApiConfig::new("127.0.0.1", "admin", "secret").port(port);
    assert!(bounded(ApiClient::connect(cfg)).await.is_err());
}

#[tokio::test]
async fn quit_ends_with_fatal() {
    let sim = sim().await;
    let api = connect(&sim).await;
    api.quit().await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    let err = bounded(api.identity()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ConnectionLost);
    assert_eq!(err.fatal_reason(), Some("session terminated on request"));
}

#[tokio::test]
async fn dyn_router_api_picks_transport() {
    let sim = sim().await;
    let api: Box<dyn RouterApi> = Box::new(connect(&sim).await);
    api.add_secret(&Secret::new("dyn", "x")).await.unwrap();
    assert!(api.find_secret("dyn").await.unwrap().is_some());
}

#[tokio::test]
async fn simulator_survives_hostile_peers() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let sim = sim().await;
    // A word claiming ~2 GiB before login, a reserved control byte, and a command before login.
    for bytes in [vec![0xF0, 0x7F, 0xFF, 0xFF, 0xFF, b'x'], vec![0xF8, 0x00]] {
        let mut tcp = TcpStream::connect(sim.api_addr).await.unwrap();
        tcp.write_all(&bytes).await.unwrap();
        let mut rest = Vec::new();
        let n = bounded(tcp.read_to_end(&mut rest)).await.unwrap_or(0);
        assert_eq!(n, 0, "the simulator hangs up without replying");
    }
    let got = raw_exchange(&sim, &[&["/ppp/secret/print"]]).await;
    assert_eq!(got, vec![words(&["!fatal", "not logged in"])]);
    assert_eq!(connect(&sim).await.identity().await.unwrap(), "MikroTik");
}

#[tokio::test]
async fn client_survives_a_hostile_router() {
    use tokio::io::AsyncWriteExt;
    use tokio::net::TcpListener;
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        let (tcp, _) = listener.accept().await.unwrap();
        let (r, mut w) = tcp.into_split();
        let mut reader = SentenceReader::new(BufReader::new(r), Limits::default());
        let _login = reader.read_sentence().await;
        write_sentence(&mut w, &["!done"]).await.unwrap();
        let _cmd = reader.read_sentence().await;
        // A 256 MiB word: the client must refuse it rather than allocate.
        w.write_all(&[0xF0, 0x10, 0x00, 0x00, 0x00]).await.unwrap();
        tokio::time::sleep(Duration::from_secs(5)).await;
    });
    let api = ApiClient::connect(ApiConfig::new("127.0.0.1", "a", "b").port(port))
        .await
        .unwrap();
    let err = bounded(api.identity()).await.unwrap_err();
    assert!(
        err.kind() == ErrorKind::Protocol && err.summary().contains("exceeds"),
        "{err:?}"
    );
}

#[tokio::test]
async fn silent_peer_hits_connect_and_reply_timeouts() {
    use tokio::net::TcpListener;
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((tcp, _)) = listener.accept().await {
            held.push(tcp); // accept, then never say anything
        }
    });
    let base = ApiConfig::new("127.0.0.1", "a", "b")
        .port(port)
        .connect_timeout(Duration::from_millis(300))
        .reply_timeout(Duration::from_millis(300));
    // TLS handshake never completes: the connect timeout fires.
    let err = bounded(ApiClient::connect(
        base.clone()
            .tls(TlsOptions::pinned("00".repeat(32)))
            .port(port),
    ))
    .await
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err:?}");
    assert!(
        err.summary().contains("no connection within 300 ms"),
        "{err}"
    );
    // Plain TCP connects but login gets no answer: the reply timeout fires.
    let err = bounded(ApiClient::connect(base)).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err:?}");
    assert!(
        err.summary().contains("no login reply within 300 ms"),
        "{err}"
    );
}
