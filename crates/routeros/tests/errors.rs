//! Every failure is classified (`Error::kind`), names the router it came from,
//! and never carries the body of a peer that is not RouterOS.

use std::time::Duration;

use routeros::sim::{SimConfig, SimHandle, Simulator};
use routeros::{
    ApiClient, ApiConfig, Error, ErrorKind, RestClient, RestConfig, RouterApi, Secret, TlsOptions,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

async fn sim() -> SimHandle {
    Simulator::start(SimConfig::default()).await.unwrap()
}

fn api_cfg(port: u16) -> ApiConfig {
    ApiConfig::new("127.0.0.1", "admin", "secret")
        .port(port)
        .connect_timeout(Duration::from_millis(500))
        .reply_timeout(Duration::from_millis(300))
}

fn rest_cfg(port: u16) -> RestConfig {
    RestConfig::new("127.0.0.1", "admin", "secret")
        .plain_http()
        .port(port)
        .request_timeout(Duration::from_secs(2))
}

async fn api_err(cfg: ApiConfig) -> Error {
    tokio::time::timeout(Duration::from_secs(10), ApiClient::connect(cfg))
        .await
        .expect("connect hung")
        .expect_err("connect must fail")
}

async fn rest_err(cfg: RestConfig) -> Error {
    let rest = RestClient::new(cfg).unwrap();
    tokio::time::timeout(Duration::from_secs(10), rest.identity())
        .await
        .expect("request hung")
        .expect_err("request must fail")
}

/// A port with nothing listening: bind, note the port, close.
async fn closed_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    l.local_addr().unwrap().port()
}

/// A server that writes `reply` on every connection, then keeps it open.
async fn canned_server(reply: &'static [u8]) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((mut tcp, _)) = listener.accept().await {
            tokio::spawn(async move {
                let _ = tcp.write_all(reply).await;
                let mut sink = [0u8; 1024];
                while matches!(tcp.read(&mut sink).await, Ok(n) if n > 0) {}
            });
        }
    });
    port
}

/// A web server that is not RouterOS: every request gets the same answer (keep-alive).
async fn fake_http(status: &'static str, content_type: &'static str, body: &'static str) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((mut tcp, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut seen = Vec::new();
                let mut buf = [0u8; 1024];
                loop {
                    let Ok(n) = tcp.read(&mut buf).await else {
                        return;
                    };
                    if n == 0 {
                        return;
                    }
                    seen.extend_from_slice(&buf[..n]);
                    while let Some(end) = seen.windows(4).position(|w| w == b"\r\n\r\n") {
                        seen.drain(..end + 4);
                        let answer = format!(
                            "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n{body}",
                            body.len()
                        );
                        if tcp.write_all(answer.as_bytes()).await.is_err() {
                            return;
                        }
                    }
                }
            });
        }
    });
    port
}

fn assert_names_router(e: &Error, port: u16) {
    let addr = format!("127.0.0.1:{port}");
    assert_eq!(e.router(), Some(addr.as_str()), "{e:?}");
    assert!(e.summary().contains(&addr), "{}", e.summary());
    assert!(
        e.summary().starts_with(e.kind().as_str()),
        "{}",
        e.summary()
    );
}

#[tokio::test]
async fn api_to_a_closed_port_is_refused() {
    let port = closed_port().await;
    let e = api_err(api_cfg(port)).await;
    assert_eq!(e.kind(), ErrorKind::Refused, "{e:?}");
    assert!(e.is_unreachable());
    assert_names_router(&e, port);
}

#[tokio::test]
async fn api_to_a_silent_port_times_out() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((tcp, _)) = listener.accept().await {
            held.push(tcp);
        }
    });
    let started = std::time::Instant::now();
    let e = api_err(api_cfg(port)).await;
    assert_eq!(e.kind(), ErrorKind::Timeout, "{e:?}");
    assert!(started.elapsed() < Duration::from_secs(2));
    assert!(e.is_unreachable());
    assert_names_router(&e, port);
}

#[tokio::test]
async fn api_to_a_web_server_is_not_routeros() {
    let port = canned_server(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html>secret-body</html>",
    )
    .await;
    let e = api_err(api_cfg(port)).await;
    assert_eq!(e.kind(), ErrorKind::NotRouterOs, "{e:?}");
    assert!(!e.is_unreachable());
    assert_names_router(&e, port);
    let shown = format!("{} {e} {e:?}", e.summary());
    assert!(
        !shown.contains("secret-body") && !shown.contains("HTTP/1.1"),
        "{shown}"
    );
}

#[tokio::test]
async fn api_to_the_rest_port_is_not_routeros() {
    let sim = sim().await;
    let e = api_err(api_cfg(sim.rest_addr.port())).await;
    assert_eq!(e.kind(), ErrorKind::NotRouterOs, "{e:?}");
}

#[tokio::test]
async fn tls_pin_mismatch_is_tls() {
    let sim = sim().await;
    let port = sim.api_tls_addr.port();
    let e = api_err(api_cfg(port).tls(TlsOptions::pinned("00".repeat(32)))).await;
    assert_eq!(e.kind(), ErrorKind::Tls, "{e:?}");
    assert!(e.is_unreachable());
    assert_names_router(&e, port);
    // A malformed pin is a TLS setting error, reported before any connection.
    let e = RestClient::new(
        RestConfig::new("127.0.0.1", "a", "b")
            .tls(TlsOptions::pinned("xyz"))
            .port(9),
    )
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Tls);
    assert_eq!(e.router(), Some("127.0.0.1:9"));
}

#[tokio::test]
async fn wrong_password_is_auth() {
    let sim = sim().await;
    let port = sim.api_addr.port();
    let e = api_err(ApiConfig {
        password: "wrong".into(),
        ..api_cfg(port)
    })
    .await;
    assert_eq!(e.kind(), ErrorKind::Auth, "{e:?}");
    assert!(!e.is_unreachable());
    assert_names_router(&e, port);
    assert_eq!(
        e.summary(),
        format!("auth: invalid user name or password (6) (127.0.0.1:{port})")
    );
}

#[tokio::test]
async fn api_trap_names_router_and_message() {
    let sim = sim().await;
    let api = ApiClient::connect(api_cfg(sim.api_addr.port()))
        .await
        .unwrap();
    let mut s = Secret::new("alice", "x");
    s.profile = Some("gold".into());
    let e = api.add_secret(&s).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Trap);
    assert_eq!(
        e.summary(),
        format!(
            "trap: input does not match any value of profile (127.0.0.1:{})",
            sim.api_addr.port()
        )
    );
    // The session is still fine; dropping it is connection_lost, and so is every later call.
    sim.drop_connections();
    let e = tokio::time::timeout(Duration::from_secs(5), api.identity())
        .await
        .unwrap()
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ConnectionLost, "{e:?}");
    assert!(e.is_unreachable());
    assert_eq!(
        api.identity().await.unwrap_err().kind(),
        ErrorKind::ConnectionLost
    );
}

#[tokio::test]
async fn rest_to_an_html_server_is_not_routeros_and_hides_the_body() {
    let port = fake_http("200 OK", "text/html", "<html>secret-body</html>").await;
    let e = rest_err(rest_cfg(port)).await;
    assert_eq!(e.kind(), ErrorKind::NotRouterOs, "{e:?}");
    assert_names_router(&e, port);
    let shown = format!("{} {e} {e:?}", e.summary());
    assert!(!shown.contains("secret-body"), "{shown}");
}

#[tokio::test]
async fn rest_json_without_routeros_error_shape_is_not_routeros() {
    let port = fake_http("404 Not Found", "application/json", r#"{"foo":"bar"}"#).await;
    let e = rest_err(rest_cfg(port)).await;
    assert_eq!(e.kind(), ErrorKind::NotRouterOs, "{e:?}");
    assert_eq!(e.http_status(), Some(404));
    let shown = format!("{} {e} {e:?}", e.summary());
    assert!(!shown.contains("foo") && !shown.contains("bar"), "{shown}");
    // A 200 with a JSON answer RouterOS never gives (nested objects).
    let port = fake_http("200 OK", "application/json", r#"{"a":{"foo":1}}"#).await;
    let e = rest_err(rest_cfg(port)).await;
    assert_eq!(e.kind(), ErrorKind::NotRouterOs, "{e:?}");
    assert!(!e.summary().contains("foo"), "{}", e.summary());
}

#[tokio::test]
async fn rest_to_the_api_port_and_to_nothing() {
    let sim = sim().await;
    // The API port does not answer HTTP at all (it waits for a sentence): a timeout.
    let e =
        rest_err(rest_cfg(sim.api_addr.port()).request_timeout(Duration::from_millis(300))).await;
    assert_eq!(e.kind(), ErrorKind::Timeout, "{e:?}");
    let port = closed_port().await;
    let e = rest_err(rest_cfg(port)).await;
    assert_eq!(e.kind(), ErrorKind::Refused, "{e:?}");
    assert_names_router(&e, port);
    // Non-HTTP bytes where HTTP was expected.
    let port = canned_server(b"\x05!done\x00garbage\r\n\r\n").await;
    let e = rest_err(rest_cfg(port)).await;
    assert_eq!(e.kind(), ErrorKind::NotRouterOs, "{e:?}");
}

#[tokio::test]
async fn rest_401_is_auth_and_trap_carries_the_detail() {
    let sim = sim().await;
    let port = sim.rest_addr.port();
    let e = rest_err(RestConfig {
        password: "wrong".into(),
        ..rest_cfg(port)
    })
    .await;
    assert_eq!(e.kind(), ErrorKind::Auth, "{e:?}");
    assert_eq!(e.http_status(), Some(401));
    assert_names_router(&e, port);

    let rest = RestClient::new(rest_cfg(port)).unwrap();
    let mut s = Secret::new("alice", "x");
    s.profile = Some("gold".into());
    let e = rest.add_secret(&s).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Trap);
    assert_eq!(e.http_status(), Some(400));
    assert_eq!(
        e.trap_message(),
        Some("input does not match any value of profile")
    );
    assert_eq!(
        e.summary(),
        format!("trap: input does not match any value of profile (127.0.0.1:{port})")
    );
}
