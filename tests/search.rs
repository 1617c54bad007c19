//! Client search through its indexes (SQLite FTS5 trigram, PostgreSQL pg_trgm, MariaDB/MySQL
//! trigram table) answers exactly what a case-insensitive substring scan would, after every
//! kind of write; and the original system's list routes answer every row when no page is
//! asked for, while pages stay pages.

mod common;

use common::{Resp, TestApp};
use serde_json::Value;

async fn add(app: &TestApp, token: &str, name: &str, phone: &str, ppp: &str) -> i64 {
    let body = serde_json::json!({
        "name": name, "phone_number": phone, "address": "Jl. Merdeka No.1",
        "ppp_secret_name": ppp, "password": "securepassword"
    })
    .to_string();
    let r = app
        .post("/client/register", Some(token), &body)
        .await
        .expect(201);
    r.json["data"]["client_id"].as_i64().unwrap()
}

fn encode(q: &str) -> String {
    percent_encoding::utf8_percent_encode(q, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// The names a search answers (one page of up to 1000).
async fn names(app: &TestApp, token: &str, q: &str) -> Vec<String> {
    let r = app
        .get(
            &format!("/client/search?query={}&per_page=1000", encode(q)),
            token,
        )
        .await
        .expect(200);
    let total: usize = r.header("x-total-count").parse().unwrap();
    let mut out: Vec<String> = rows(&r)
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(total, out.len(), "total of {q:?}");
    // The same search unpaged (streamed) answers the same rows.
    let all = app
        .get(&format!("/client/search?query={}", encode(q)), token)
        .await
        .expect(200);
    assert_eq!(
        all.json["data"], r.json["data"],
        "streamed search for {q:?}"
    );
    assert_eq!(all.json["message"], r.json["message"]);
    out.sort();
    out
}

fn rows(r: &Resp) -> Vec<Value> {
    r.json["data"].as_array().cloned().unwrap_or_default()
}

fn sorted(v: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = v.iter().map(|s| s.to_string()).collect();
    v.sort();
    v
}

async fn search_matches_substrings_case_and_unicode(app: TestApp) {
    let t = app.admin().await;
    add(&app, &t, "John Doe", "08123456789", "jdoe").await;
    add(&app, &t, "Jane Roe", "0810123777", "JROE99").await;
    add(&app, &t, "Ñandú Pérez", "089900", "nandu").await;
    add(&app, &t, "Zoë Ångström", "087700", "zoe").await;
    add(&app, &t, "Promo 50% off", "086600", "promo").await;
    add(&app, &t, "500 Club", "085500", "club_1").await;
    add(&app, &t, "Quote \"Q\" Ltd", "084400", "quote").await;

    assert_eq!(names(&app, &t, "john").await, sorted(&["John Doe"]));
    assert_eq!(names(&app, &t, "JOHN").await, sorted(&["John Doe"]));
    assert_eq!(names(&app, &t, "ohn d").await, sorted(&["John Doe"]));
    // The phone number and the PPP secret name are searched too.
    assert_eq!(names(&app, &t, "0810123").await, sorted(&["Jane Roe"]));
    assert_eq!(names(&app, &t, "roe9").await, sorted(&["Jane Roe"]));
    assert_eq!(names(&app, &t, "3456").await, sorted(&["John Doe"]));
    // Unicode text, either case.
    assert_eq!(names(&app, &t, "ndú p").await, sorted(&["Ñandú Pérez"]));
    assert_eq!(names(&app, &t, "ÑANDÚ").await, sorted(&["Ñandú Pérez"]));
    assert_eq!(names(&app, &t, "ströM").await, sorted(&["Zoë Ångström"]));
    assert_eq!(names(&app, &t, "åNGS").await, sorted(&["Zoë Ångström"]));
    // LIKE's wildcards and FTS5's syntax are plain characters.
    assert_eq!(names(&app, &t, "50%").await, sorted(&["Promo 50% off"]));
    assert_eq!(names(&app, &t, "b_1").await, sorted(&["500 Club"]));
    assert_eq!(names(&app, &t, "\"q\"").await, sorted(&["Quote \"Q\" Ltd"]));
    assert_eq!(names(&app, &t, "e OR j").await, Vec::<String>::new());
    assert_eq!(names(&app, &t, "xyzzy").await, Vec::<String>::new());
    // Short queries (under three characters) scan: still exact.
    assert_eq!(names(&app, &t, "JO").await, sorted(&["John Doe"]));
    assert_eq!(
        names(&app, &t, "j").await,
        sorted(&["John Doe", "Jane Roe"])
    );
    assert_eq!(names(&app, &t, "%").await, sorted(&["Promo 50% off"]));
    let none = app.get("/client/search?query=xyzzy", &t).await.expect(200);
    assert_eq!(
        none.text,
        r#"{"message":"No clients found matching your search criteria","data":[]}"#
    );
}

async fn search_follows_updates_and_deletes(app: TestApp) {
    let t = app.admin().await;
    let john = add(&app, &t, "John Doe", "08123456789", "jdoe").await;
    let jane = add(&app, &t, "Jane Roe", "0810123777", "jroe").await;
    assert_eq!(names(&app, &t, "doe").await, sorted(&["John Doe"]));

    app.put(
        &format!("/client/update/{john}"),
        &t,
        r#"{"name":"Johan Smith","phone_number":"082200","ppp_secret_name":"jsmith"}"#,
    )
    .await
    .expect(200);
    assert!(
        names(&app, &t, "doe").await.is_empty(),
        "the old name is gone"
    );
    assert!(
        names(&app, &t, "3456789").await.is_empty(),
        "the old phone is gone"
    );
    assert_eq!(names(&app, &t, "JOHAN").await, sorted(&["Johan Smith"]));
    assert_eq!(names(&app, &t, "smit").await, sorted(&["Johan Smith"]));
    // A change of the address alone leaves the search as it was.
    app.put(
        &format!("/client/update/{john}"),
        &t,
        r#"{"address":"Jl. Baru 2"}"#,
    )
    .await
    .expect(200);
    assert_eq!(names(&app, &t, "han sm").await, sorted(&["Johan Smith"]));

    // A failed update (the PPP name is taken) changes nothing, the index included.
    app.put(
        &format!("/client/update/{jane}"),
        &t,
        r#"{"name":"Renamed","ppp_secret_name":"jsmith"}"#,
    )
    .await
    .expect(409);
    assert_eq!(names(&app, &t, "jane").await, sorted(&["Jane Roe"]));
    assert!(names(&app, &t, "renamed").await.is_empty());

    app.delete(&format!("/client/delete/{jane}"), &t)
        .await
        .expect(200);
    assert!(names(&app, &t, "jane").await.is_empty());
    assert!(names(&app, &t, "0810123").await.is_empty());
    assert_eq!(names(&app, &t, "j").await, sorted(&["Johan Smith"]));
    let again = add(&app, &t, "Jane Again", "0810123000", "jroe").await;
    assert!(again > jane);
    assert_eq!(names(&app, &t, "0810123").await, sorted(&["Jane Again"]));
}

async fn search_pages_and_totals(app: TestApp) {
    let t = app.admin().await;
    let mut ids = Vec::new();
    for i in 0..7 {
        ids.push(
            add(
                &app,
                &t,
                &format!("Acme Branch {i}"),
                "081100",
                &format!("acme{i}"),
            )
            .await,
        );
        add(
            &app,
            &t,
            &format!("Other {i}"),
            "081200",
            &format!("other{i}"),
        )
        .await;
    }
    for (q, want) in [("acme", 7), ("ac", 7), ("other", 7), ("bran", 7), ("r", 14)] {
        let mut seen = Vec::new();
        for page in 1..=4 {
            let r = app
                .get(
                    &format!("/client/search?query={q}&page={page}&per_page=3"),
                    &t,
                )
                .await
                .expect(200);
            assert_eq!(
                r.header("x-total-count"),
                want.to_string(),
                "{q} page {page}"
            );
            assert_eq!(r.header("x-page"), page.to_string());
            seen.extend(rows(&r).iter().map(|c| c["client_id"].as_i64().unwrap()));
        }
        let expect_len = want.min(12);
        assert_eq!(seen.len(), expect_len, "{q}: 4 pages of 3");
        assert!(
            seen.windows(2).all(|w| w[0] < w[1]),
            "{q}: id order across pages"
        );
    }
    let r = app
        .get("/client/search?query=acme&page=2&per_page=3", &t)
        .await
        .expect(200);
    let got: Vec<i64> = rows(&r)
        .iter()
        .map(|c| c["client_id"].as_i64().unwrap())
        .collect();
    assert_eq!(got, ids[3..6]);
    // Past the end: no rows, the total still right.
    let r = app
        .get("/client/search?query=acme&page=9&per_page=3", &t)
        .await
        .expect(200);
    assert!(rows(&r).is_empty());
    assert_eq!(r.header("x-total-count"), "7");
}

backend_tests!(
    search_matches_substrings_case_and_unicode,
    search_follows_updates_and_deletes,
    search_pages_and_totals,
);

/// Generates one test per backend, each with a default page of three rows.
macro_rules! small_page_tests {
    ($($name:ident),* $(,)?) => {
        mod small_page {
            $(mod $name {
                async fn on(backend: mikronet::storage::Backend) {
                    let app = crate::common::TestApp::with_config(backend, |c| {
                        c.default_page_size = 3;
                    })
                    .await;
                    if let Some(app) = app {
                        super::super::$name(app).await
                    }
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    on(mikronet::storage::Backend::Sqlite).await
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn mysql() {
                    on(mikronet::storage::Backend::MySql).await
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    on(mikronet::storage::Backend::Postgres).await
                }
            })*
        }
    };
}

/// `path` unpaged answers `n` rows, the same JSON as one big page; with page parameters, pages.
async fn unpaged_and_paged(app: &TestApp, t: &str, path: &str, n: usize) {
    let sep = if path.contains('?') { '&' } else { '?' };
    let all = app.get(path, t).await.expect(200);
    assert_eq!(rows(&all).len(), n, "{path} unpaged: {}", all.text);
    assert_eq!(all.header("content-type"), "application/json");
    let big = app
        .get(&format!("{path}{sep}per_page=1000"), t)
        .await
        .expect(200);
    assert_eq!(all.json, big.json, "{path}: the same shape as a page");
    let first = app.get(&format!("{path}{sep}page=1"), t).await.expect(200);
    assert_eq!(
        rows(&first).len(),
        3,
        "{path}?page=1 keeps the default page"
    );
    assert_eq!(first.header("x-total-count"), n.to_string());
    let two = app
        .get(&format!("{path}{sep}per_page=2&page=2"), t)
        .await
        .expect(200);
    assert_eq!(rows(&two), rows(&all)[2..4], "{path} page 2 of 2");
}

async fn original_lists_answer_every_row_without_page(app: TestApp) {
    let t = app.admin().await;
    let n = 7;
    let plan = app.create_plan(&t, "Home", "100000").await;
    for i in 0..n {
        let c = add(&app, &t, &format!("Client {i}"), "081100", &format!("c{i}")).await;
        let s = app.subscribe(&t, c, plan, "2025-01-01", "2025-12-31").await;
        app.post(
            "/invoice",
            Some(&t),
            &format!(r#"{{"subscription_id":{s}}}"#),
        )
        .await
        .expect(201);
        app.create_plan(&t, &format!("plan-{i}"), "50000").await;
    }
    unpaged_and_paged(&app, &t, "/client", n).await;
    unpaged_and_paged(&app, &t, "/client/search?query=client", n).await;
    unpaged_and_paged(&app, &t, "/subscription", n).await;
    unpaged_and_paged(&app, &t, "/invoice", n).await;
    let plans = app.get("/plan", &t).await.expect(200);
    assert_eq!(rows(&plans).len(), n + 1, "/plan answers every plan");
    // The modern routes keep their default page.
    for path in ["/subscriptions", "/invoices"] {
        let r = app.get(path, &t).await.expect(200);
        assert_eq!(rows(&r).len(), 3, "{path}: {}", r.text);
    }
}

small_page_tests!(original_lists_answer_every_row_without_page);
