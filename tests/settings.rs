//! The provider's settings live in the database and take effect without a restart.

mod common;

use std::sync::Arc;

use common::TestApp;
use mikronet::app::App;
use mikronet::security::secret_box::SecretBox;

async fn settings_are_saved_checked_and_effective_at_once(app: TestApp) {
    let admin = app.admin().await;
    let r = app.get("/settings", &admin).await.expect(200);
    assert_eq!(r.json["data"]["grace_days"], 0, "the configured default");
    assert_eq!(r.json["data"]["currency"], "IDR");
    let cashier = app.user(Some(&admin), "kasir", "cashier").await;
    app.put("/settings", &cashier, r#"{"grace_days":3}"#)
        .await
        .expect(403);
    let r = app
        .put(
            "/settings",
            &admin,
            r#"{"grace_days":400,"time_zone":"Mars/Olympus","currency":"XYZ"}"#,
        )
        .await
        .expect(422);
    for f in ["grace_days", "time_zone", "currency"] {
        assert!(r.json["errors"][f].is_string(), "{f}: {}", r.text);
    }
    app.put("/settings", &admin, r#"{"provider_name":"Net Desa"}"#)
        .await
        .expect(200);
    let r = app
        .put(
            "/settings",
            &admin,
            r#"{"grace_days":3,"time_zone":"Asia/Jakarta"}"#,
        )
        .await
        .expect(200);
    assert_eq!(
        r.json["data"]["provider_name"], "Net Desa",
        "earlier saves stay"
    );
    assert_eq!(r.json["data"]["grace_days"], 3);

    // Billing counts with the new grace at once: an invoice due 1 Jan is not cut off on 3 Jan.
    let plan = app.create_plan(&admin, "Home", "100000").await;
    let client = app.create_client(&admin, "John Doe", "abc123").await;
    let sub = app
        .subscribe(&admin, client, plan, "2024-01-01", "2024-01-04")
        .await;
    app.generate(&admin, "2024-01-01").await;
    let invoices = app.invoices_of(&admin, sub).await;
    assert_eq!(invoices[0]["due_date"], "2024-01-08");
    let run = |date: &'static str| {
        let (app, admin) = (&app, admin.clone());
        async move {
            app.call(
                axum::http::Method::POST,
                &format!("/billing/run?date={date}"),
                Some(&admin),
                None,
            )
            .await
            .expect(200)
            .json["data"]["suspended_subscription_ids"]
                .clone()
        }
    };
    assert_eq!(run("2024-01-11").await, serde_json::json!([]));
    assert_eq!(run("2024-01-12").await, serde_json::json!([sub]));

    // Another server on the same database reads what was saved.
    let other = Arc::new(App::new(
        app.app.config.clone(),
        app.db().clone(),
        SecretBox::from_base64(common::KEY).unwrap(),
    ));
    assert_eq!(other.settings().grace_days, 0, "before it reads them");
    mikronet::service::settings::refresh(&other).await.unwrap();
    assert_eq!(other.settings().grace_days, 3);
    assert_eq!(other.settings().provider_name, "Net Desa");
}

backend_tests!(settings_are_saved_checked_and_effective_at_once);
