//! The console's frame on every backend: sign-in and sign-out over the API's tokens, CSRF on
//! every POST, the menu by role, the language, and what an unsigned visitor gets.

mod common;

use axum::body::Body;
use axum::http::{Method, Request};
use common::{Resp, TestApp, password_of};

/// The sign-in page's hidden value and the cookie that must come back with it.
fn prelogin(r: &Resp) -> (String, String) {
    let cookie = r
        .headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("mikronet_prelogin="))
        .expect("a pre-login cookie")
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let value = r
        .text
        .split(r#"name="_csrf" value=""#)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a hidden _csrf field")
        .to_owned();
    (cookie, value)
}

async fn sign_in(app: &TestApp, cookie: &str, fields: &[(&str, &str)]) -> Resp {
    let body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields.iter().copied())
        .finish();
    let req = Request::builder()
        .method(Method::POST)
        .uri("/console/login")
        .header("cookie", cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .unwrap();
    app.send(req).await
}

fn set_cookies(r: &Resp) -> Vec<String> {
    r.headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok().map(str::to_owned))
        .collect()
}

async fn sign_in_uses_the_api_users_and_sets_a_strict_cookie(app: TestApp) {
    let admin = app.admin().await;
    app.user(Some(&admin), "kasir", "cashier").await;
    let page = app.call(Method::GET, "/console/login", None, None).await;
    assert_eq!(page.status, 200, "{}", page.text);
    let (cookie, csrf) = prelogin(&page);
    let pw = password_of("kasir");

    // Without the pre-login cookie's value the form is refused before the password is checked.
    let r = sign_in(
        &app,
        &cookie,
        &[
            ("_csrf", "forged"),
            ("username", "kasir"),
            ("password", &pw),
        ],
    )
    .await;
    assert_eq!(r.status, 403);

    let r = sign_in(
        &app,
        &cookie,
        &[
            ("_csrf", &csrf),
            ("username", "kasir"),
            ("password", "wrong password"),
        ],
    )
    .await;
    assert_eq!(r.status, 401);
    assert!(r.text.contains(r#"id="login-error""#), "{}", r.text);
    assert!(
        r.text.contains(r#"value="kasir""#),
        "the name typed stays: {}",
        r.text
    );

    let r = sign_in(
        &app,
        &cookie,
        &[
            ("_csrf", &csrf),
            ("username", "kasir"),
            ("password", &pw),
            ("next", "/console/invoices"),
        ],
    )
    .await;
    assert_eq!(r.status, 303, "{}", r.text);
    assert_eq!(r.header("location"), "/console/invoices");
    let cookies = set_cookies(&r);
    let session = cookies
        .iter()
        .find(|c| c.starts_with("mikronet_session="))
        .expect("a session cookie");
    assert!(
        session.contains("HttpOnly") && session.contains("SameSite=Strict"),
        "{session}"
    );
    assert!(
        !session.contains("Secure"),
        "plain HTTP from a non-proxy: {session}"
    );
    let token = session["mikronet_session=".len()..]
        .split(';')
        .next()
        .unwrap();
    // The session is an API token: the same user, role and revocation.
    let me = app.get("/auth/me", token).await.expect(200);
    assert_eq!(me.json["data"]["role"], "cashier", "{}", me.text);

    // Somewhere else than a console path is never a place to go back to.
    let r = sign_in(
        &app,
        &cookie,
        &[
            ("_csrf", &csrf),
            ("username", "kasir"),
            ("password", &pw),
            ("next", "//evil.example/"),
        ],
    )
    .await;
    assert_eq!(r.header("location"), "/console/");
}

async fn every_post_needs_the_sessions_csrf_token(app: TestApp) {
    let admin = app.admin().await;
    let cookie = format!("mikronet_session={admin}");
    for (path, body) in [
        ("/console/logout", String::new()),
        ("/console/logout", "_csrf=0000".to_owned()),
        ("/console/language", "lang=en".to_owned()),
    ] {
        let req = Request::builder()
            .method(Method::POST)
            .uri(path)
            .header("cookie", &cookie)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(body.clone()))
            .unwrap();
        let r = app.send(req).await;
        assert_eq!(r.status, 403, "{path} {body}: {}", r.text);
    }
    // Nothing happened: the session still works.
    app.get("/auth/me", &admin).await.expect(200);
    // Another session's token is not this one's.
    let other = app.login("admin").await;
    let csrf = mikronet::http::console::session::csrf_token(&app.app, &other);
    let req = Request::builder()
        .method(Method::POST)
        .uri("/console/logout")
        .header("cookie", &cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(format!("_csrf={csrf}")))
        .unwrap();
    assert_eq!(app.send(req).await.status, 403);
    // The header htmx sends is as good as the field.
    let csrf = mikronet::http::console::session::csrf_token(&app.app, &admin);
    let req = Request::builder()
        .method(Method::POST)
        .uri("/console/logout")
        .header("cookie", &cookie)
        .header("x-csrf-token", csrf)
        .body(Body::empty())
        .unwrap();
    let r = app.send(req).await;
    assert_eq!(r.status, 303, "{}", r.text);
    assert!(
        set_cookies(&r)
            .iter()
            .any(|c| c.starts_with("mikronet_session=;"))
    );
    app.get("/auth/me", &admin).await.expect(401);
    // The signed-out cookie leads to the sign-in page.
    let r = app.page("/console/", &admin).await;
    assert_eq!(r.status, 303);
    assert_eq!(r.header("location"), "/console/login?next=%2Fconsole%2F");
}

async fn visitors_are_sent_to_sign_in_and_htmx_is_told_to_reload(app: TestApp) {
    let r = app.call(Method::GET, "/", None, None).await;
    assert_eq!(
        (r.status.as_u16(), r.header("location")),
        (303, "/console/")
    );
    let r = app
        .call(Method::GET, "/console/clients?q=x", None, None)
        .await;
    assert_eq!(r.status, 303);
    assert_eq!(
        r.header("location"),
        "/console/login?next=%2Fconsole%2Fclients%3Fq%3Dx"
    );
    let r = app.call(Method::GET, "/console/clients", None, None).await;
    assert!(r.header("hx-redirect").starts_with("/console/login"));
    // A bearer token is not a console session: pages need the cookie.
    let admin = app.admin().await;
    let r = app.get("/console/", &admin).await;
    assert_eq!(r.status, 303);
    // The API keeps its answers: JSON, not pages.
    app.get("/client", &admin).await.expect(200);
    let r = app.get("/nope", &admin).await.expect(404);
    assert_eq!(r.json["error"], "not_found");
    // An unknown console path is a page, and so is an id that is not one.
    for path in [
        "/console/nope",
        "/console/invoices/abc",
        "/console/invoices/0",
        "/console/plans/-1/edit",
    ] {
        let r = app.page(path, &admin).await;
        assert_eq!(r.status, 404, "{path}: {}", r.text);
        assert!(r.header("content-type").starts_with("text/html"), "{path}");
        assert!(r.text.contains("<html lang="), "{path}: a page");
    }
}

async fn the_menu_follows_the_role(app: TestApp) {
    let admin = app.admin().await;
    let cashier = app.user(Some(&admin), "kasir", "cashier").await;
    let operator = app.user(Some(&admin), "ops", "operator").await;
    let links = |r: &Resp| -> Vec<String> {
        let nav = r
            .text
            .split("<nav")
            .nth(1)
            .unwrap()
            .split("</nav>")
            .next()
            .unwrap();
        nav.split("href=\"")
            .skip(1)
            .map(|s| s.split('"').next().unwrap().to_owned())
            .collect()
    };
    let all = links(&app.page("/console/", &admin).await);
    assert!(all.contains(&"/console/users".to_owned()), "{all:?}");
    assert!(all.contains(&"/console/routers".to_owned()), "{all:?}");
    assert!(all.contains(&"/console/settings".to_owned()), "{all:?}");
    for token in [&cashier, &operator] {
        let shown = links(&app.page("/console/", token).await);
        for hidden in ["/console/users", "/console/routers", "/console/settings"] {
            assert!(!shown.contains(&hidden.to_owned()), "{hidden} in {shown:?}");
        }
        assert!(shown.contains(&"/console/cashier".to_owned()), "{shown:?}");
        assert!(shown.contains(&"/console/clients".to_owned()), "{shown:?}");
    }
}

async fn the_language_is_the_users_and_pages_allow_no_inline_code(app: TestApp) {
    let admin = app.admin().await;
    let r = app.page("/console/", &admin).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let csp = r.header("content-security-policy");
    assert!(
        csp.contains("script-src 'self';") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    assert_eq!(r.header("cache-control"), "no-store");
    // The provider's default (the test configuration's) until the user chooses.
    let default = app.app.settings().default_language.clone();
    assert!(
        r.text.contains(&format!(r#"<html lang="{default}">"#)),
        "{}",
        &r.text[..200]
    );

    let r = app
        .submit(
            "/console/language",
            &admin,
            &[("lang", "id"), ("next", "/console/clients")],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.text);
    assert_eq!(r.header("location"), "/console/clients");
    assert!(
        set_cookies(&r)
            .iter()
            .any(|c| c.starts_with("mikronet_lang=id;"))
    );
    let req = Request::builder()
        .uri("/console/")
        .header(
            "cookie",
            format!("mikronet_session={admin}; mikronet_lang=id"),
        )
        .body(Body::empty())
        .unwrap();
    let r = app.send(req).await;
    assert!(r.text.contains(r#"<html lang="id">"#));
    assert!(
        r.text.contains(">Pelanggan<"),
        "Indonesian menu: {}",
        r.text
    );
    assert!(r.text.contains(">Keluar<"));

    // The choice is saved: the next sign-in, on any browser, starts in Indonesian.
    let page = app.call(Method::GET, "/console/login", None, None).await;
    let (cookie, csrf) = prelogin(&page);
    let pw = password_of("admin");
    let r = sign_in(
        &app,
        &cookie,
        &[("_csrf", &csrf), ("username", "admin"), ("password", &pw)],
    )
    .await;
    assert_eq!(r.status, 303, "{}", r.text);
    assert!(
        set_cookies(&r)
            .iter()
            .any(|c| c.starts_with("mikronet_lang=id;")),
        "{:?}",
        set_cookies(&r)
    );

    let r = app
        .submit("/console/language", &admin, &[("lang", "fr")])
        .await;
    assert_eq!(r.status, 422);
}

/// Signs the admin in from `peer`, with the header a TLS-terminating proxy adds.
async fn sign_in_saying_https_from(app: &TestApp, peer: &str) -> Resp {
    let page = app.call(Method::GET, "/console/login", None, None).await;
    let (cookie, csrf) = prelogin(&page);
    let body = form_urlencoded::Serializer::new(String::new())
        .append_pair("_csrf", &csrf)
        .append_pair("username", "admin")
        .append_pair("password", &password_of("admin"))
        .finish();
    let headers = [
        ("cookie", cookie.as_str()),
        ("content-type", "application/x-www-form-urlencoded"),
        ("x-forwarded-proto", "https"),
    ];
    let mut req = common::request(Method::POST, "/console/login", None, None, &headers);
    *req.body_mut() = Body::from(body);
    req.extensions_mut().insert(axum::extract::ConnectInfo(
        peer.parse::<std::net::SocketAddr>().unwrap(),
    ));
    app.send(req).await
}

async fn cookies_are_secure_behind_a_tls_proxy(app: TestApp) {
    app.admin().await;
    let r = sign_in_saying_https_from(&app, "127.0.0.1:5000").await;
    assert_eq!(r.status, 303, "{}", r.text);
    assert!(
        set_cookies(&r)
            .iter()
            .any(|c| c.starts_with("mikronet_session=") && c.contains("; Secure"))
    );
    // The same header from a peer that is not a trusted proxy changes nothing.
    let r = sign_in_saying_https_from(&app, "203.0.113.9:5000").await;
    assert_eq!(r.status, 303, "{}", r.text);
    assert!(set_cookies(&r).iter().all(|c| !c.contains("Secure")));
}

async fn assets_are_embedded_and_kept(app: TestApp) {
    let page = app.call(Method::GET, "/console/login", None, None).await;
    let srcs: Vec<&str> = page
        .text
        .split("src=\"")
        .skip(1)
        .chain(page.text.split("href=\"").skip(1))
        .map(|s| s.split('"').next().unwrap())
        .filter(|s| s.starts_with("/console/assets/"))
        .collect();
    assert_eq!(srcs.len(), 3, "{srcs:?}");
    for src in srcs {
        let r = app.call(Method::GET, src, None, None).await;
        assert_eq!(r.status, 200, "{src}");
        assert!(r.header("cache-control").contains("immutable"));
        assert!(r.text.len() > 300, "{src}");
    }
    let r = app
        .call(Method::GET, "/console/assets/other.js", None, None)
        .await;
    assert_eq!(r.status, 404);
}

backend_tests!(
    sign_in_uses_the_api_users_and_sets_a_strict_cookie,
    every_post_needs_the_sessions_csrf_token,
    visitors_are_sent_to_sign_in_and_htmx_is_told_to_reload,
    the_menu_follows_the_role,
    the_language_is_the_users_and_pages_allow_no_inline_code,
    cookies_are_secure_behind_a_tls_proxy,
    assets_are_embedded_and_kept,
);
