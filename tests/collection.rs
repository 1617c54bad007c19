//! Grace, promise to pay, exemption and throttle (issue 14, item 5), on every backend: a
//! plan's and a client's own grace move the cut-off day; a promise holds it off through its
//! date and an exemption for good, each in the client's history with who and why, each
//! bringing back what the cut-off suspended; a throttle changes the secret's profile on the
//! router simulator, never its disabled flag.

mod common;

use axum::http::Method;
use common::{TestApp, day};
use serde_json::{Value, json};

/// `client` on `plan` from 1 January 2024 to 31 January; generation of 27 January invoices
/// February, due 3 February: (subscription, invoice).
async fn invoiced(app: &TestApp, admin: &str, client: i64, plan: i64) -> (i64, i64) {
    let sub = app
        .subscribe(admin, client, plan, "2024-01-01", "2024-01-31")
        .await;
    app.generate(admin, "2024-01-27").await;
    let inv = &app.invoices_of(admin, sub).await[0];
    assert_eq!(inv["due_date"], "2024-02-03", "{inv}");
    (sub, inv["invoice_id"].as_i64().unwrap())
}

/// The daily run of `date`: the subscriptions it cut off.
async fn run(app: &TestApp, admin: &str, date: &str) -> Value {
    let r = app
        .call(
            Method::POST,
            &format!("/billing/run?date={date}"),
            Some(admin),
            None,
        )
        .await
        .expect(200);
    r.json["data"]["suspended_subscription_ids"].clone()
}

async fn status(app: &TestApp, admin: &str, sub: i64) -> Value {
    app.get(&format!("/subscriptions/{sub}"), admin)
        .await
        .expect(200)
        .json["data"]["status"]
        .clone()
}

/// The client's latest history entry: (kind, actor, reason).
async fn last_event(app: &TestApp, admin: &str, client: i64) -> (Value, Value, Value) {
    let h = app
        .get(&format!("/client/{client}/history"), admin)
        .await
        .expect(200);
    let e = h.json["data"].as_array().unwrap().last().unwrap().clone();
    (e["kind"].clone(), e["actor"].clone(), e["reason"].clone())
}

async fn plan_with(app: &TestApp, admin: &str, name: &str, extra: &str) -> i64 {
    let body = format!(
        r#"{{"plan_name":"{name}","price":100000,"ppp_profile_name":"{name}-profile","rate_limit":"10M/10M"{extra}}}"#
    );
    let r = app.post("/plans", Some(admin), &body).await.expect(201);
    r.json["data"]["plan_id"].as_i64().unwrap()
}

/// The global grace is 1 day: due 3 February, cut off on the 5th. A plan's 3 days move it to
/// the 7th; a client's own 0 days on that plan bring it to the 4th.
async fn grace_per_plan_and_per_client(app: TestApp) {
    let admin = app.admin().await;
    app.put("/settings", &admin, r#"{"grace_days":1}"#)
        .await
        .expect(200);
    let relaxed = plan_with(&app, &admin, "Relaxed", r#","grace_days":3"#).await;
    let p = app
        .get(&format!("/plans/{relaxed}"), &admin)
        .await
        .expect(200);
    assert_eq!(
        (
            &p.json["data"]["grace_days"],
            &p.json["data"]["overdue_action"]
        ),
        (&json!(3), &json!("cut_off"))
    );
    let home = app.create_plan(&admin, "Home", "100000").await;
    let (a, b, c) = (
        app.create_client(&admin, "Client A", "a-ppp").await,
        app.create_client(&admin, "Client B", "b-ppp").await,
        app.create_client(&admin, "Client C", "c-ppp").await,
    );
    let r = app
        .put(
            &format!("/client/{b}/collection"),
            &admin,
            r#"{"grace_days":0}"#,
        )
        .await
        .expect(200);
    assert_eq!(r.json["data"]["grace_days"], 0, "{}", r.text);
    assert_eq!(
        last_event(&app, &admin, b).await,
        (
            json!("terms_changed"),
            json!("admin"),
            json!("grace 0 days, cut-off as the plan")
        )
    );
    let (sub_a, _) = invoiced(&app, &admin, a, relaxed).await;
    let (sub_b, _) = invoiced(&app, &admin, b, relaxed).await;
    let (sub_c, _) = invoiced(&app, &admin, c, home).await;
    assert_eq!(run(&app, &admin, "2024-02-04").await, json!([sub_b]));
    assert_eq!(run(&app, &admin, "2024-02-05").await, json!([sub_c]));
    assert_eq!(
        run(&app, &admin, "2024-02-06").await,
        json!([]),
        "A's last day"
    );
    assert_eq!(run(&app, &admin, "2024-02-07").await, json!([sub_a]));
    app.audit_holds().await;
}

/// Every bad value is a 422 naming its field, and changes nothing.
async fn bad_terms_are_refused_naming_the_field(app: TestApp) {
    let admin = app.admin().await;
    let plan = app.create_plan(&admin, "Home", "100000").await;
    let client = app.create_client(&admin, "John Doe", "abc123").await;
    app.subscribe(&admin, client, plan, "2024-01-01", "2024-01-31")
        .await;
    for (body, field) in [
        (r#"{"overdue_action":"throttle"}"#, "throttle_profile"),
        (r#"{"grace_days":400}"#, "grace_days"),
        (r#"{"grace_days":-1}"#, "grace_days"),
        (r#"{"overdue_action":"slow"}"#, "overdue_action"),
        (r#"{"throttle_profile":"has space"}"#, "throttle_profile"),
    ] {
        let r = app
            .put(&format!("/plans/{plan}"), &admin, body)
            .await
            .expect(422);
        assert!(r.json["errors"][field].is_string(), "{body}: {}", r.text);
    }
    let p = app.get(&format!("/plans/{plan}"), &admin).await.expect(200);
    assert_eq!(
        (
            &p.json["data"]["grace_days"],
            &p.json["data"]["overdue_action"],
            &p.json["data"]["throttle_profile"]
        ),
        (&Value::Null, &json!("cut_off"), &Value::Null)
    );
    let path = format!("/client/{client}/collection");
    for (body, field) in [
        (r#"{"grace_days":367}"#, "grace_days"),
        (r#"{"overdue_action":"never"}"#, "overdue_action"),
        // Home names no throttle profile: a throttle would silently be a cut-off.
        (r#"{"overdue_action":"throttle"}"#, "overdue_action"),
    ] {
        let r = app.put(&path, &admin, body).await.expect(422);
        assert!(r.json["errors"][field].is_string(), "{body}: {}", r.text);
    }
    let r = app.put(&path, &admin, r#"{"grace":1}"#).await;
    assert_eq!(r.status, 422, "an unknown field: {}", r.text);
    let promise = format!("/client/{client}/promise");
    for (body, field) in [
        (
            format!(r#"{{"until":"{}","reason":"x"}}"#, day(-1)),
            "until",
        ),
        (
            format!(r#"{{"until":"{}","reason":"x"}}"#, day(61)),
            "until",
        ),
        (r#"{"reason":"payday"}"#.to_owned(), "until"),
        (format!(r#"{{"until":"{}"}}"#, day(3)), "reason"),
    ] {
        let r = app.put(&promise, &admin, &body).await.expect(422);
        assert!(r.json["errors"][field].is_string(), "{body}: {}", r.text);
    }
    let r = app
        .put(&format!("/client/{client}/exemption"), &admin, "{}")
        .await
        .expect(422);
    assert!(r.json["errors"]["reason"].is_string(), "{}", r.text);
    let c = app.get(&path, &admin).await.expect(200);
    assert_eq!(
        c.json["data"],
        json!({"grace_days": null, "overdue_action": null, "cutoff_exempt": false, "promised_until": null})
    );
    assert_eq!(
        app.get(&format!("/client/{client}/history"), &admin)
            .await
            .expect(200)
            .json["data"],
        json!([]),
        "nothing recorded"
    );
    app.get("/client/999999/collection", &admin)
        .await
        .expect(404);
    app.put(
        "/client/999999/promise",
        &admin,
        &format!(r#"{{"until":"{}","reason":"x"}}"#, day(1)),
    )
    .await
    .expect(404);
}

/// A promise brings the client back now and holds the cut-off off through its date; the run
/// after cuts off what is still unpaid. An exemption (an admin's, with a reason) holds it off
/// until it ends.
async fn a_promise_holds_the_cut_off_through_its_date_and_an_exemption_until_lifted(app: TestApp) {
    let admin = app.admin().await;
    let operator = app.user(Some(&admin), "operator1", "operator").await;
    let plan = app.create_plan(&admin, "Home", "100000").await;
    let p = app.create_client(&admin, "Promising", "p-ppp").await;
    let e = app.create_client(&admin, "Exempt", "e-ppp").await;
    let (sub_p, _) = invoiced(&app, &admin, p, plan).await;
    let (sub_e, _) = invoiced(&app, &admin, e, plan).await;
    let mut cut = run(&app, &admin, "2024-02-06")
        .await
        .as_array()
        .unwrap()
        .clone();
    cut.sort_by_key(|v| v.as_i64());
    assert_eq!(cut, vec![json!(sub_p), json!(sub_e)]);

    let until = day(5);
    let r = app
        .put(
            &format!("/client/{p}/promise"),
            &operator,
            &format!(r#"{{"until":"{until}","reason":"pays on payday"}}"#),
        )
        .await
        .expect(200);
    assert_eq!(r.json["data"]["promised_until"], until.to_string());
    assert_eq!(status(&app, &admin, sub_p).await, "active");
    assert_eq!(
        last_event(&app, &admin, p).await,
        (
            json!("promise_granted"),
            json!("operator1"),
            json!(format!("until {until}: pays on payday"))
        )
    );
    let h = app
        .get(&format!("/subscriptions/{sub_p}/history"), &admin)
        .await
        .expect(200);
    let last = h.json["data"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (&last["kind"], &last["reason"]),
        (
            &json!("reactivated"),
            &json!(format!("promise to pay: until {until}: pays on payday"))
        )
    );

    let exempt = format!("/client/{e}/exemption");
    let body = r#"{"reason":"the village office, paid by the district"}"#;
    app.put(&exempt, &operator, body).await.expect(403);
    assert_eq!(
        status(&app, &admin, sub_e).await,
        "suspended",
        "a refusal changes nothing"
    );
    let r = app.put(&exempt, &admin, body).await.expect(200);
    assert_eq!(r.json["data"]["cutoff_exempt"], true);
    assert_eq!(status(&app, &admin, sub_e).await, "active");
    assert_eq!(
        last_event(&app, &admin, e).await,
        (
            json!("cutoff_exempted"),
            json!("admin"),
            json!("the village office, paid by the district")
        )
    );

    for d in [day(0), until] {
        assert_eq!(run(&app, &admin, &d.to_string()).await, json!([]), "{d}");
    }
    let after = day(6).to_string();
    assert_eq!(
        run(&app, &admin, &after).await,
        json!([sub_p]),
        "the promise ran out"
    );
    app.delete(&exempt, &admin).await.expect(200);
    assert_eq!(last_event(&app, &admin, e).await.0, "exemption_lifted");
    assert_eq!(
        run(&app, &admin, &after).await,
        json!([sub_e]),
        "like everyone again"
    );
    // The audit trail has each change of the exempt client, before and after.
    let a = app
        .get(&format!("/audit?entity=client&entity_id={e}"), &admin)
        .await
        .expect(200);
    let entries = a.json["data"].as_array().unwrap();
    assert_eq!(entries.len(), 2, "{}", a.text);
    assert!(
        entries.iter().all(|x| x["action"] == "collection_changed"),
        "{}",
        a.text
    );
    // A promise withdrawn is in the history too.
    app.delete(&format!("/client/{p}/promise"), &operator)
        .await
        .expect(200);
    assert_eq!(last_event(&app, &admin, p).await.0, "promise_withdrawn");
    app.audit_holds().await;
}

/// A plan that throttles moves its suspended clients to the throttle profile, enabled; a
/// client who is cut off instead keeps the disabled flag; paying brings back the plan's own
/// profile, and reconcile finds nothing to repair.
async fn a_throttle_changes_the_profile_not_the_disabled_flag(app: TestApp) {
    let sim = common::simulator().await;
    let admin = app.admin().await;
    let router = app.add_router(&admin, &sim).await;
    // The low rate is another plan's profile: the server creates it on the router itself.
    app.create_plan(&admin, "Slow", "50000").await;
    let fast = plan_with(
        &app,
        &admin,
        "Fast",
        r#","overdue_action":"throttle","throttle_profile":"Slow-profile""#,
    )
    .await;
    let t = app.create_client(&admin, "Throttled", "t-ppp").await;
    let d = app.create_client(&admin, "Disabled", "d-ppp").await;
    let (_, invoice_t) = invoiced(&app, &admin, t, fast).await;
    invoiced(&app, &admin, d, fast).await;
    app.put(
        &format!("/client/{d}/collection"),
        &admin,
        r#"{"overdue_action":"cut_off"}"#,
    )
    .await
    .expect(200);
    app.settle().await;
    let secret = |name: &str| {
        let s = sim.state().secret(name).unwrap();
        (s["profile"].clone(), s["disabled"].clone())
    };
    assert_eq!(secret("t-ppp"), ("Fast-profile".into(), "false".into()));

    assert_eq!(
        run(&app, &admin, "2024-02-06")
            .await
            .as_array()
            .unwrap()
            .len(),
        2
    );
    app.settle().await;
    assert_eq!(
        secret("t-ppp"),
        ("Slow-profile".into(), "false".into()),
        "throttled"
    );
    assert_eq!(
        secret("d-ppp"),
        ("Fast-profile".into(), "true".into()),
        "cut off"
    );
    assert!(
        sim.state()
            .profiles()
            .iter()
            .any(|p| p["name"] == "Slow-profile"),
        "the throttle profile is on the router"
    );

    app.pay(
        &admin,
        invoice_t,
        r#"{"amount":100000,"payment_method":"cash","payment_date":"2024-02-06"}"#,
    )
    .await
    .expect(201);
    app.settle().await;
    assert_eq!(
        secret("t-ppp"),
        ("Fast-profile".into(), "false".into()),
        "paid"
    );

    // The plan stops throttling: the suspended client's secret follows at once.
    app.put(
        &format!("/client/{d}/collection"),
        &admin,
        r#"{"overdue_action":null}"#,
    )
    .await
    .expect(200);
    app.settle().await;
    assert_eq!(
        secret("d-ppp"),
        ("Slow-profile".into(), "false".into()),
        "the plan's throttle"
    );
    app.put(
        &format!("/plans/{fast}"),
        &admin,
        r#"{"overdue_action":"cut_off"}"#,
    )
    .await
    .expect(200);
    app.settle().await;
    assert_eq!(
        secret("d-ppp"),
        ("Fast-profile".into(), "true".into()),
        "the plan cuts off"
    );
    let r = app.reconcile(&admin, router).await;
    assert_eq!(r.json["data"]["drift_remains"], false, "{}", r.text);
    app.audit_holds().await;
}

/// The client page's *Collection* forms go through the same service: a promise with its
/// error next to the field when refused, then granted; an exemption only for an admin.
async fn the_console_grants_promises_and_exemptions(app: TestApp) {
    let admin = app.admin().await;
    let operator = app.user(Some(&admin), "operator1", "operator").await;
    let plan = app.create_plan(&admin, "Home", "100000").await;
    let client = app.create_client(&admin, "John Doe", "abc123").await;
    let (sub, _) = invoiced(&app, &admin, client, plan).await;
    run(&app, &admin, "2024-02-06").await;
    let path = format!("/console/clients/{client}/collection");
    let page = app
        .page(&format!("/console/clients/{client}"), &operator)
        .await
        .expect(200);
    assert!(page.text.contains(r#"id="promise-form""#), "{}", page.text);
    assert!(
        !page.text.contains(r#"id="exemption-form""#),
        "an operator does not exempt"
    );

    let too_far = day(61).to_string();
    let r = app
        .submit(
            &path,
            &operator,
            &[
                ("change", "promise"),
                ("until", &too_far),
                ("reason", "payday"),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    // The console speaks the provider's default language, Indonesian.
    assert!(
        r.text
            .contains(r#"id="f-until-error">Sampai harus antara hari ini dan 60 hari ke depan"#),
        "{}",
        r.text
    );
    assert!(r.text.contains(&too_far), "the form keeps what was typed");
    assert_eq!(
        status(&app, &admin, sub).await,
        "suspended",
        "nothing changed"
    );

    let until = day(3).to_string();
    let r = app
        .submit(
            &path,
            &operator,
            &[
                ("change", "promise"),
                ("until", &until),
                ("reason", "payday"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.text);
    assert_eq!(status(&app, &admin, sub).await, "active");
    let page = app
        .page(&format!("/console/clients/{client}"), &operator)
        .await
        .expect(200);
    assert!(
        page.text.contains(r#"id="collection-promise""#),
        "{}",
        page.text
    );
    assert!(
        page.text.contains("Janji bayar diberikan oleh operator1"),
        "{}",
        page.text
    );

    let r = app
        .submit(
            &path,
            &operator,
            &[("change", "exempt"), ("reason", "office")],
        )
        .await;
    assert_eq!(r.status, 403, "{}", r.text);
    let r = app
        .submit(
            &path,
            &admin,
            &[("change", "exempt"), ("reason", "the village office")],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.text);
    let c = app
        .get(&format!("/client/{client}/collection"), &admin)
        .await
        .expect(200);
    assert_eq!(
        (
            &c.json["data"]["cutoff_exempt"],
            &c.json["data"]["promised_until"]
        ),
        (&json!(true), &json!(until))
    );
    let r = app
        .submit(&path, &admin, &[("change", "terms"), ("grace_days", "x")])
        .await;
    assert_eq!(r.status, 422);
    assert!(r.text.contains(r#"id="terms-details" open"#), "{}", r.text);
}

backend_tests!(
    the_console_grants_promises_and_exemptions,
    grace_per_plan_and_per_client,
    bad_terms_are_refused_naming_the_field,
    a_promise_holds_the_cut_off_through_its_date_and_an_exemption_until_lifted,
    a_throttle_changes_the_profile_not_the_disabled_flag,
);
