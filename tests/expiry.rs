//! Expiry: a subscription suspended `expire_after_days` becomes `expired` in the daily run,
//! recorded as `system`, and its secret is kept disabled or removed from the router.
//!
//! Suspensions are counted from when they happened, so the runs here use dates around today.

mod common;

use common::TestApp;
use mikronet::storage::Backend;
use serde_json::json;

use common::day;

async fn status(app: &TestApp, admin: &str, sub: i64) -> String {
    app.get(&format!("/subscriptions/{sub}"), admin)
        .await
        .expect(200)
        .json["data"]["status"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// One client on the simulated router, suspended today for an unpaid invoice.
async fn suspended_today(app: &TestApp) -> (String, i64, routeros::sim::SimHandle) {
    let sim = common::simulator().await;
    let admin = app.admin().await;
    app.add_router(&admin, &sim).await;
    let plan = app.create_plan(&admin, "Home", "100000").await;
    let client = app.create_client(&admin, "John Doe", "abc123").await;
    let sub = app
        .subscribe(
            &admin,
            client,
            plan,
            &day(-40).to_string(),
            &day(-20).to_string(),
        )
        .await;
    app.generate(&admin, &day(-24).to_string()).await;
    let r = app.billing_run(&admin, day(0)).await;
    assert_eq!(r["suspended_subscription_ids"], json!([sub]));
    assert_eq!(r["expired_subscription_ids"], json!([]));
    app.settle().await;
    assert_eq!(sim.state().secret("abc123").unwrap()["disabled"], "true");
    (admin, sub, sim)
}

async fn expires_after_the_days_and_removes_the_secret(backend: Backend) {
    let Some(app) = TestApp::with_config(backend, |c| {
        c.expire_after_days = 5;
        c.expired_secret = "remove".into();
    })
    .await
    else {
        return;
    };
    let (admin, sub, sim) = suspended_today(&app).await;
    // Suspended today: four days later it is still suspended; on the fifth it expires.
    let r = app.billing_run(&admin, day(4)).await;
    assert_eq!(r["expired_subscription_ids"], json!([]));
    assert_eq!(status(&app, &admin, sub).await, "suspended");
    let r = app.billing_run(&admin, day(5)).await;
    assert_eq!(r["expired_subscription_ids"], json!([sub]));
    assert_eq!(status(&app, &admin, sub).await, "expired");
    let history = app
        .get(&format!("/subscriptions/{sub}/history"), &admin)
        .await
        .expect(200);
    let last = history.json["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["to_status"] == "expired")
        .cloned()
        .expect("the expiry is in the history");
    assert_eq!(last["from_status"], "suspended");
    assert_eq!(last["actor"], "system");
    assert_eq!(last["reason"], "suspended for 5 days");
    app.settle().await;
    assert!(
        sim.state().secret("abc123").is_none(),
        "the expired client's secret is removed"
    );
    // Once expired, later runs leave it.
    let r = app.billing_run(&admin, day(6)).await;
    assert_eq!(r["expired_subscription_ids"], json!([]));
    app.audit_holds().await;

    // Made active again by an operator, the secret comes back.
    app.put(
        &format!("/subscriptions/{sub}"),
        &admin,
        r#"{"status":"active"}"#,
    )
    .await
    .expect(200);
    app.settle().await;
    assert_eq!(sim.state().secret("abc123").unwrap()["disabled"], "false");
}

async fn expired_secrets_stay_disabled_by_default(backend: Backend) {
    let Some(app) = TestApp::with_config(backend, |c| c.expire_after_days = 1).await else {
        return;
    };
    let (admin, sub, sim) = suspended_today(&app).await;
    let r = app.billing_run(&admin, day(1)).await;
    assert_eq!(r["expired_subscription_ids"], json!([sub]));
    app.settle().await;
    let secret = sim.state().secret("abc123").expect("kept");
    assert_eq!(secret["disabled"], "true");
}

async fn never_expires_without_the_setting(backend: Backend) {
    let Some(app) = TestApp::new(backend).await else {
        return;
    };
    let (admin, sub, _sim) = suspended_today(&app).await;
    let r = app.billing_run(&admin, day(30)).await;
    assert_eq!(r["expired_subscription_ids"], json!([]));
    assert_eq!(status(&app, &admin, sub).await, "suspended");
}

per_backend!(
    expires_after_the_days_and_removes_the_secret,
    expired_secrets_stay_disabled_by_default,
    never_expires_without_the_setting,
);
