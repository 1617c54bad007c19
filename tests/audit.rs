//! The audit trail on every backend: a billing flow over HTTP leaves one entry per change to
//! money, users, settings and routers, with who and what before and after; `GET /audit`
//! filters it (admin only); `mikronet audit verify` passes on it and fails, naming the entry,
//! once an entry or a payment is edited in the database behind the server's back.

mod common;

use std::process::Command;

use axum::http::Method;
use common::{KEY, TestApp};
use mikronet::provisioning::worker;
use serde_json::Value;

/// `mikronet audit verify` against the test's database: exit code and standard output.
fn verify_cli(app: &TestApp) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_mikronet"))
        .args(["audit", "verify"])
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("MIKRONET_DATABASE_URL", &app.app.config.database_url)
        .env("MIKRONET_SECRET_KEY", KEY)
        .env("MIKRONET_LOG", "warn")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let err = String::from_utf8_lossy(&out.stderr);
    (out.status.code().unwrap_or(-1), format!("{text}{err}"))
}

fn entries(r: &Value) -> Vec<Value> {
    r["data"].as_array().unwrap().clone()
}

/// The entries of one action, oldest first.
async fn of_action(app: &TestApp, admin: &str, action: &str) -> Vec<Value> {
    let r = app.get("/audit?per_page=1000", admin).await.expect(200);
    let mut out: Vec<Value> = entries(&r.json)
        .into_iter()
        .filter(|e| e["action"] == action)
        .collect();
    out.reverse();
    out
}

async fn a_billing_flow_is_audited_and_verifies(app: TestApp) {
    let sim = common::simulator().await;
    let admin = app.admin().await;
    let router = app.add_router(&admin, &sim).await;
    let plan = app.create_plan(&admin, "Home", "150000.50").await;
    let mut subs = Vec::new();
    for i in 0..3 {
        let c = app
            .create_client(&admin, &format!("Klien {i}"), &format!("k{i}"))
            .await;
        subs.push(
            app.subscribe(&admin, c, plan, "2026-11-01", "2026-11-30")
                .await,
        );
    }
    let g = app.generate(&admin, "2026-11-27").await;
    assert_eq!(g["created"], 3);
    let invoices: Vec<i64> = {
        let mut v = Vec::new();
        for s in &subs {
            v.push(
                app.invoices_of(&admin, *s).await[0]["invoice_id"]
                    .as_i64()
                    .unwrap(),
            );
        }
        v
    };
    // A cashier pays one in full, one in part and leaves one pending for the admin to confirm.
    let cashier_token = app.user(Some(&admin), "kasir", "cashier").await;
    let p1 = app
        .pay(
            &cashier_token,
            invoices[0],
            r#"{"amount":"150000.50","payment_method":"cash","payment_date":"2026-11-28"}"#,
        )
        .await
        .expect(201);
    let p1 = p1.json["data"]["payment"]["payment_id"]
        .as_i64()
        .or_else(|| p1.json["data"]["payment_id"].as_i64())
        .unwrap();
    app.pay(
        &cashier_token,
        invoices[1],
        r#"{"amount":"50000","payment_method":"cash","payment_date":"2026-11-28"}"#,
    )
    .await
    .expect(201);
    let pending = app
        .pay(
            &cashier_token,
            invoices[2],
            r#"{"amount":"150000.50","payment_method":"bank_transfer","payment_status":"pending","payment_date":"2026-11-28"}"#,
        )
        .await
        .expect(201);
    let pending = pending.json["data"]["payment"]["payment_id"]
        .as_i64()
        .or_else(|| pending.json["data"]["payment_id"].as_i64())
        .unwrap();
    app.call(
        Method::PUT,
        &format!("/payments/{pending}"),
        Some(&admin),
        Some(r#"{"payment_status":"failed"}"#),
    )
    .await
    .expect(200);
    // The admin voids the unpaid one, changes a setting and a user.
    app.call(
        Method::POST,
        &format!("/invoices/{}/void", invoices[2]),
        Some(&admin),
        None,
    )
    .await
    .expect(200);
    app.put("/settings", &admin, r#"{"grace_days":5}"#)
        .await
        .expect(200);
    let users = app.get("/users", &admin).await.expect(200);
    let kasir = entries(&users.json)
        .into_iter()
        .find(|u| u["username"] == "kasir")
        .unwrap()["user_id"]
        .as_i64()
        .unwrap();
    app.put(&format!("/users/{kasir}"), &admin, r#"{"role":"operator"}"#)
        .await
        .expect(200);
    app.put(&format!("/plans/{plan}"), &admin, r#"{"price":"160000"}"#)
        .await
        .expect(200);
    // The router gets the clients' secrets.
    worker::drain(&app.app).await.unwrap();
    assert_eq!(sim.state().secrets().len(), 3);

    // One entry for the generation run, with its range of numbers and its total.
    let run = of_action(&app, &admin, "invoices_generated").await;
    assert_eq!(run.len(), 1, "{run:?}");
    assert_eq!(run[0]["entity"], "billing_run");
    assert_eq!(run[0]["after"]["created"], 3);
    assert_eq!(run[0]["after"]["after_seq"], 0);
    assert_eq!(run[0]["after"]["last_seq"], 3);
    assert_eq!(run[0]["after"]["total_minor"], 45_000_150);
    let recorded = of_action(&app, &admin, "payment_recorded").await;
    assert_eq!(recorded.len(), 3);
    assert_eq!(recorded[0]["actor"], "kasir");
    assert_eq!(recorded[0]["entity_id"], p1.to_string());
    assert_eq!(recorded[0]["after"]["amount_minor"], 15_000_050);
    assert_eq!(recorded[0]["after"]["invoice_id"], invoices[0]);
    assert_eq!(recorded[0]["before"], Value::Null);
    let changed = of_action(&app, &admin, "payment_status_changed").await;
    assert_eq!(changed.len(), 1);
    assert_eq!(changed[0]["before"]["status"], "pending");
    assert_eq!(changed[0]["after"]["status"], "failed");
    let voided = of_action(&app, &admin, "invoice_voided").await;
    assert_eq!(voided[0]["before"]["status"], "pending");
    assert_eq!(voided[0]["after"]["status"], "void");
    let settings = of_action(&app, &admin, "settings_updated").await;
    assert_eq!(settings[0]["after"]["grace_days"], 5);
    let updated = of_action(&app, &admin, "user_updated").await;
    assert_eq!(updated[0]["before"]["role"], "cashier");
    assert_eq!(updated[0]["after"]["role"], "operator");
    assert!(!updated[0].to_string().contains("argon2"), "{}", updated[0]);
    let created = of_action(&app, &admin, "user_created").await;
    assert_eq!(created.len(), 2, "{created:?}");
    let plans = of_action(&app, &admin, "plan_created").await;
    assert_eq!(plans[0]["after"]["price_minor"], 15_000_050);
    let repriced = of_action(&app, &admin, "plan_updated").await;
    assert_eq!(repriced[0]["before"]["price_minor"], 15_000_050);
    assert_eq!(repriced[0]["after"]["price_minor"], 16_000_000);
    // The plan's profile, then each client's secret.
    let commands = of_action(&app, &admin, "router_command").await;
    assert_eq!(commands.len(), 4, "{commands:?}");
    assert_eq!(commands[0]["entity_id"], format!("{router}/profile/{plan}"));
    assert_eq!(
        commands[0]["after"]["commands"][0],
        "/ppp/profile/add-or-set"
    );
    assert_eq!(commands[1]["actor"], "system:worker");
    assert_eq!(commands[1]["after"]["router_id"], router);
    assert_eq!(commands[1]["after"]["kind"], "secret");
    assert_eq!(commands[1]["after"]["commands"][0], "/ppp/secret/add");
    assert_eq!(commands[1]["after"]["answer"], "done");
    assert!(!commands[1].to_string().contains("securepassword"));

    // The chain: numbered without gaps, each naming the one before.
    let all = app.get("/audit?per_page=1000", &admin).await.expect(200);
    let all = entries(&all.json);
    assert_eq!(all.len() as i64, all[0]["seq"].as_i64().unwrap());
    for pair in all.windows(2) {
        assert_eq!(pair[0]["prev_hash"], pair[1]["hash"]);
        assert_eq!(
            pair[0]["seq"].as_i64().unwrap(),
            pair[1]["seq"].as_i64().unwrap() + 1
        );
    }
    assert_eq!(all.last().unwrap()["prev_hash"], "0".repeat(64));

    // Filters: by entity and id, by user, by time; paging headers.
    let r = app
        .get(&format!("/audit?entity=payment&entity_id={p1}"), &admin)
        .await
        .expect(200);
    assert_eq!(entries(&r.json).len(), 1);
    let r = app
        .get("/audit?user=kasir&per_page=2", &admin)
        .await
        .expect(200);
    assert_eq!(r.header("x-total-count"), "3");
    assert_eq!(entries(&r.json).len(), 2);
    let r = app
        .get(
            "/audit?from=2000-01-01T00:00:00Z&to=2000-01-02T00:00:00Z",
            &admin,
        )
        .await
        .expect(200);
    assert_eq!(entries(&r.json).len(), 0);
    let r = app.get("/audit?entity=wallet", &admin).await.expect(400);
    assert!(r.json["errors"]["entity"].is_string(), "{}", r.text);
    let r = app.get("/audit?from=yesterday", &admin).await.expect(400);
    assert!(r.json["errors"]["from"].is_string(), "{}", r.text);
    // Not for anyone but an admin (the cashier is an operator now).
    app.get("/audit", &cashier_token).await.expect(403);
    let other = app.user(Some(&admin), "kasir2", "cashier").await;
    app.get("/audit", &other).await.expect(403);

    // The whole trail verifies, from the command line too.
    let v = mikronet::service::audit::verify(app.db()).await.unwrap();
    assert!(v.ok(), "{v:?}");
    assert_eq!(v.payments_checked, 3);
    assert_eq!(v.invoices_checked, 3);
    let (code, out) = verify_cli(&app);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("the chain is intact"), "{out}");

    // A payment's amount changed in the database: the books no longer match the trail.
    app.execute(
        "UPDATE payments SET amount_minor = 100 WHERE id = ?",
        vec![p1.into()],
    )
    .await;
    let (code, out) = verify_cli(&app);
    assert_eq!(code, 3, "{out}");
    assert!(
        out.contains(&format!("payment {p1} is 1.00")) && out.contains("audit entry"),
        "{out}"
    );
    app.execute(
        "UPDATE payments SET amount_minor = 15000050 WHERE id = ?",
        vec![p1.into()],
    )
    .await;
    assert_eq!(verify_cli(&app).0, 0);

    // One entry edited: the chain breaks there, and the command names it.
    let seq = recorded[1]["seq"].as_i64().unwrap();
    app.execute(
        "UPDATE audit_log SET actor = 'someone' WHERE seq = ?",
        vec![seq.into()],
    )
    .await;
    let (code, out) = verify_cli(&app);
    assert_eq!(code, 3, "{out}");
    assert!(out.contains(&format!("BROKEN at entry {seq}")), "{out}");
    let v = mikronet::service::audit::verify(app.db()).await.unwrap();
    assert_eq!(v.broken_at.as_ref().map(|b| b.0), Some(seq));
}

/// A failed change leaves no entry: the trail is written in the change's transaction.
async fn a_refused_change_writes_nothing(app: TestApp) {
    let admin = app.admin().await;
    let before = app.get("/audit", &admin).await.expect(200);
    let count = before.header("x-total-count").to_owned();
    let r = app.put("/settings", &admin, r#"{"grace_days":-1}"#).await;
    assert!(r.status.is_client_error(), "{}", r.text);
    let r = app
        .pay(
            &admin,
            999_999,
            r#"{"amount":"1000","payment_method":"cash"}"#,
        )
        .await;
    assert_eq!(r.status.as_u16(), 404, "{}", r.text);
    let after = app.get("/audit", &admin).await.expect(200);
    assert_eq!(after.header("x-total-count"), count);
    let v = mikronet::service::audit::verify(app.db()).await.unwrap();
    assert!(v.ok(), "{v:?}");
}

backend_tests!(
    a_billing_flow_is_audited_and_verifies,
    a_refused_change_writes_nothing
);
