//! The console's admin pages on every backend: the dashboard's figures and charts, routers,
//! users and settings, and what a cashier is refused.

mod common;

use chrono::{Datelike, Days};
use common::TestApp;

/// The text inside the element with `id` (tags removed), up to its closing tag.
fn text_of(html: &str, id: &str) -> String {
    let at = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no #{id} in {html}"));
    let start = at + html[at..].find('>').unwrap() + 1;
    let tag_start = html[..at].rfind('<').unwrap();
    let tag: String = html[tag_start + 1..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect();
    let end = start + html[start..].find(&format!("</{tag}>")).unwrap();
    let mut out = String::new();
    let mut in_tag = false;
    for c in html[start..end].chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The svg element with `id`, whole.
fn svg_of<'a>(html: &'a str, id: &str) -> &'a str {
    let at = html
        .find(&format!("<svg id=\"{id}\""))
        .unwrap_or_else(|| panic!("no svg#{id}"));
    let end = at + html[at..].find("</svg>").unwrap();
    &html[at..end]
}

async fn dashboard_shows_the_books(app: TestApp) {
    let admin = app.admin().await;
    app.put(
        "/settings",
        &admin,
        r#"{"invoice_days_before":1,"invoice_due_days":0}"#,
    )
    .await
    .expect(200);
    let today = app.app.today();
    let day = |offset: i64| {
        let d = if offset < 0 {
            today - Days::new(offset.unsigned_abs())
        } else {
            today + Days::new(offset as u64)
        };
        d.format("%Y-%m-%d").to_string()
    };
    let plan = app.create_plan(&admin, "Home", "100000").await;
    let a = app.create_client(&admin, "Ani", "ani").await;
    let b = app.create_client(&admin, "Budi", "budi").await;
    let c = app.create_client(&admin, "Citra", "citra").await;
    let sub_a = app.subscribe(&admin, a, plan, &day(-20), &day(1)).await;
    app.subscribe(&admin, b, plan, &day(-20), &day(1)).await;
    app.subscribe(&admin, c, plan, &day(-30), &day(-2)).await;
    // Citra's invoice was due three days ago; Ani's and Budi's are due today.
    assert_eq!(app.generate(&admin, &day(-3)).await["created"], 1);
    assert_eq!(app.generate(&admin, &day(0)).await["created"], 2);
    let inv_a = app.invoices_of(&admin, sub_a).await[0]["invoice_id"]
        .as_i64()
        .unwrap();
    app.pay(
        &admin,
        inv_a,
        &format!(
            r#"{{"amount":100000,"payment_method":"cash","payment_date":"{}"}}"#,
            day(0)
        ),
    )
    .await
    .expect(201);

    // The provider's default language is Indonesian.
    let cashier = app.user(Some(&admin), "kasir", "cashier").await;
    for token in [&admin, &cashier] {
        let r = app.page("/console/", token).await.expect(200);
        let h = &r.text;
        assert_eq!(text_of(h, "due-today"), "Rp 100.000 1 tagihan");
        assert_eq!(text_of(h, "due-week"), "Rp 100.000 1 tagihan");
        assert_eq!(text_of(h, "overdue-count"), "1");
        assert_eq!(text_of(h, "overdue-amount"), "Rp 100.000");
        assert_eq!(text_of(h, "collected-today"), "Rp 100.000");
        assert_eq!(text_of(h, "collected-month"), "Rp 100.000");
        assert_eq!(text_of(h, "suspended-clients"), "0");
        assert_eq!(text_of(h, "routers-up"), "0");
        assert_eq!(text_of(h, "routers-down"), "0");
        assert_eq!(text_of(h, "failed-objects"), "0");
        let run = text_of(h, "last-run");
        assert!(
            run.contains("Pembuatan tagihan") && run.contains("2 tagihan dibuat"),
            "{run}"
        );
        let money = svg_of(h, "chart-invoiced-collected");
        assert_eq!(money.matches("<rect class=\"bar").count(), 24);
        assert!(money.contains("<title id=\"chart-invoiced-collected-title\">"));
        assert!(money.contains("<desc id=\"chart-invoiced-collected-desc\">"));
        let subs = svg_of(h, "chart-subscribers");
        assert_eq!(subs.matches("<circle class=\"point").count(), 24);
        assert!(!h.contains("style="), "no inline style");
        // The figures as text: this month invoiced (Citra's too if three days ago is in it)
        // and collected; three active subscribers now.
        let invoiced_now = if (today - Days::new(3)).month() == today.month() {
            "Rp 300.000"
        } else {
            "Rp 200.000"
        };
        let tables: Vec<&str> = h
            .split("<table class=\"visually-hidden\">")
            .skip(1)
            .collect();
        assert_eq!(tables.len(), 2);
        let last_row = |t: &str| {
            let body = &t[..t.find("</tbody>").unwrap()];
            body.rsplit("<tr>").next().unwrap().to_owned()
        };
        let m = last_row(tables[0]);
        assert!(
            m.contains(&format!("<td>{invoiced_now}</td><td>Rp 100.000</td>")),
            "{m}"
        );
        let s = last_row(tables[1]);
        assert!(s.contains("<td>3</td><td>0</td>"), "{s}");
    }
}

backend_tests!(dashboard_shows_the_books);
