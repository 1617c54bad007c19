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

/// The methods a payment may name are the provider's list, not a fixed one.
async fn payment_methods_come_from_the_settings(app: TestApp) {
    let admin = app.admin().await;
    let r = app.get("/settings", &admin).await.expect(200);
    assert_eq!(
        r.json["data"]["payment_methods"],
        serde_json::json!([
            "cash",
            "bank_transfer",
            "credit_card",
            "e_wallet",
            "qris",
            "virtual_account"
        ])
    );
    let plan = app.create_plan(&admin, "Home", "100000").await;
    let client = app.create_client(&admin, "John Doe", "abc123").await;
    let sub = app
        .subscribe(&admin, client, plan, "2024-01-01", "2024-01-04")
        .await;
    app.generate(&admin, "2024-01-01").await;
    let invoice = app.invoices_of(&admin, sub).await[0]["invoice_id"]
        .as_i64()
        .unwrap();
    app.pay(
        &admin,
        invoice,
        r#"{"amount":10000,"payment_method":"qris","payment_date":"2024-01-02"}"#,
    )
    .await
    .expect(201);

    for (bad, says) in [
        (r#"[]"#, "1 to 20"),
        (r#"["cash","cash"]"#, "names 'cash' twice"),
        (r#"["Go Pay"]"#, "'Go Pay' is not a lower-case word"),
    ] {
        let r = app
            .put(
                "/settings",
                &admin,
                &format!(r#"{{"payment_methods":{bad}}}"#),
            )
            .await
            .expect(422);
        let e = r.json["errors"]["payment_methods"]
            .as_str()
            .unwrap_or_default();
        assert!(e.contains(says), "{bad}: {}", r.text);
    }
    let r = app
        .put(
            "/settings",
            &admin,
            r#"{"payment_methods":["cash","gopay"]}"#,
        )
        .await
        .expect(200);
    assert_eq!(
        r.json["data"]["payment_methods"],
        serde_json::json!(["cash", "gopay"])
    );

    // A method no longer in the list is refused everywhere a payment is recorded, naming
    // the field and the list; nothing is recorded.
    let r = app
        .pay(
            &admin,
            invoice,
            r#"{"amount":10000,"payment_method":"qris","payment_date":"2024-01-02"}"#,
        )
        .await
        .expect(422);
    assert_eq!(
        r.json["errors"]["payment_method"], "must be one of cash, gopay",
        "{}",
        r.text
    );
    let r = app
        .put(
            &format!("/invoice/{invoice}"),
            &admin,
            r#"{"invoice_status":"paid","payment_method":"credit_card"}"#,
        )
        .await
        .expect(422);
    assert!(r.json["errors"]["payment_method"].is_string(), "{}", r.text);
    let r = app
        .get(&format!("/invoices/{invoice}"), &admin)
        .await
        .expect(200);
    assert_eq!(
        r.json["data"]["paid_amount"].to_string(),
        "10000.00",
        "{}",
        r.text
    );

    let r = app
        .pay(
            &admin,
            invoice,
            r#"{"amount":90000,"payment_method":"gopay","payment_date":"2024-01-02"}"#,
        )
        .await
        .expect(201);
    assert_eq!(
        r.json["data"]["payment"]["payment_method"], "gopay",
        "{}",
        r.text
    );
    // The payment recorded with a method since removed keeps it.
    let r = app
        .get(&format!("/invoices/{invoice}/payments"), &admin)
        .await
        .expect(200);
    let methods: Vec<&str> = r.json["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["payment_method"].as_str().unwrap())
        .collect();
    assert_eq!(methods, ["qris", "gopay"]);
}

backend_tests!(
    settings_are_saved_checked_and_effective_at_once,
    payment_methods_come_from_the_settings
);
