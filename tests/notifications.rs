//! Messages to clients (issue 14, item 1), on every backend, against stand-ins written here:
//! a WhatsApp gateway speaking Fonnte's API and an SMTP sink. A reminder run twice sends once;
//! a gateway that fails gets the message later, once; the throttle spaces messages; quiet
//! hours hold WhatsApp until morning; each message is in the client's language with exact
//! money; payments, cut-offs and reconnections message the client; opt-outs are kept.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Instant;

use chrono::{DateTime, Duration, Utc};
use common::{TestApp, day};
use mikronet::notify::worker::{Round, run_once};
use mikronet::storage::Backend;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

/// One message the gateway stand-in took.
#[derive(Debug, Clone)]
struct Sent {
    at: Instant,
    token: String,
    target: String,
    message: String,
}

/// A WhatsApp gateway as Fonnte's API describes it (<https://docs.fonnte.com/api-send-message/>):
/// `POST /send` with the device token in `Authorization` and the form fields `target` and
/// `message`, answered 200 with `{"status": true, …}` when queued. `failures` first answers
/// are HTTP 500, as a gateway that is down.
#[derive(Clone, Default)]
struct Gateway {
    taken: Arc<Mutex<Vec<Sent>>>,
    attempts: Arc<Mutex<u32>>,
    failures: Arc<Mutex<u32>>,
}

impl Gateway {
    async fn start(&self) -> String {
        let me = self.clone();
        let app = axum::Router::new().route(
            "/send",
            axum::routing::post(
                move |headers: axum::http::HeaderMap, body: String| async move {
                    *me.attempts.lock().unwrap() += 1;
                    {
                        let mut f = me.failures.lock().unwrap();
                        if *f > 0 {
                            *f -= 1;
                            return (
                                axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                                "upstream down".to_owned(),
                            );
                        }
                    }
                    let field = |name: &str| {
                        form_urlencoded::parse(body.as_bytes())
                            .find(|(k, _)| k == name)
                            .map(|(_, v)| v.into_owned())
                            .unwrap_or_default()
                    };
                    let sent = Sent {
                        at: Instant::now(),
                        token: headers
                            .get("authorization")
                            .and_then(|v| v.to_str().ok())
                            .unwrap_or_default()
                            .to_owned(),
                        target: field("target"),
                        message: field("message"),
                    };
                    let target = sent.target.clone();
                    me.taken.lock().unwrap().push(sent);
                    (
                        axum::http::StatusCode::OK,
                        json!({"detail": "success! message in queue", "id": ["80367170"],
                               "process": "pending", "status": true, "target": [target]})
                        .to_string(),
                    )
                },
            ),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        format!("http://{addr}/send")
    }

    fn taken(&self) -> Vec<Sent> {
        self.taken.lock().unwrap().clone()
    }
}

/// One email the sink took: the envelope's recipient and the message as sent.
#[derive(Debug, Clone)]
struct Mail {
    to: String,
    data: String,
}

/// An SMTP server that accepts every message (RFC 5321: greeting 220; EHLO, MAIL, RCPT,
/// RSET, NOOP answered 250; DATA 354 then the message up to a line with a single dot; QUIT 221).
#[derive(Clone, Default)]
struct Sink {
    mails: Arc<Mutex<Vec<Mail>>>,
}

/// A message as a person reads it: dot-stuffing (RFC 5321, 4.5.2) and quoted-printable soft
/// breaks and escapes (RFC 2045, 6.7) undone.
fn readable(data: &str) -> String {
    let unstuffed: String = data
        .lines()
        .map(|l| {
            l.strip_prefix('.')
                .filter(|_| l.starts_with(".."))
                .unwrap_or(l)
        })
        .collect::<Vec<_>>()
        .join("\n");
    if !unstuffed.contains("Content-Transfer-Encoding: quoted-printable") {
        return unstuffed;
    }
    let joined = unstuffed.replace("=\n", "");
    let mut out = Vec::new();
    let b = joined.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'='
            && let Some(Ok(v)) = joined.get(i + 1..i + 3).map(|h| u8::from_str_radix(h, 16))
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

impl Sink {
    async fn start(&self) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let mails = self.mails.clone();
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let mails = mails.clone();
                tokio::spawn(async move {
                    let (r, mut w) = stream.into_split();
                    let mut lines = BufReader::new(r).lines();
                    w.write_all(b"220 sink ESMTP\r\n").await.unwrap();
                    let mut to = String::new();
                    while let Ok(Some(line)) = lines.next_line().await {
                        let verb = line.get(..4).unwrap_or("").to_ascii_uppercase();
                        let answer: &[u8] = match verb.as_str() {
                            "EHLO" | "HELO" => b"250-sink\r\n250 8BITMIME\r\n",
                            "RCPT" => {
                                to = line[line.find('<').unwrap_or(0)..]
                                    .trim_matches(['<', '>'])
                                    .to_owned();
                                b"250 OK\r\n"
                            }
                            "DATA" => {
                                w.write_all(b"354 go on\r\n").await.unwrap();
                                let mut data = String::new();
                                while let Ok(Some(l)) = lines.next_line().await {
                                    if l == "." {
                                        break;
                                    }
                                    data.push_str(&l);
                                    data.push('\n');
                                }
                                mails.lock().unwrap().push(Mail {
                                    to: to.clone(),
                                    data: readable(&data),
                                });
                                b"250 queued\r\n"
                            }
                            "QUIT" => {
                                let _ = w.write_all(b"221 bye\r\n").await;
                                return;
                            }
                            _ => b"250 OK\r\n",
                        };
                        if w.write_all(answer).await.is_err() {
                            return;
                        }
                    }
                });
            }
        });
        format!("smtp://{addr}")
    }

    fn mails(&self) -> Vec<Mail> {
        self.mails.lock().unwrap().clone()
    }
}

/// An app whose WhatsApp goes to `gateway` and email to `sink`, with no pauses and no quiet
/// hours unless `tweak` sets them.
async fn app_with(
    backend: Backend,
    gateway: &Gateway,
    sink: &Sink,
    tweak: impl FnOnce(&mut mikronet::config::Config),
) -> Option<TestApp> {
    let (wa, smtp) = (gateway.start().await, sink.start().await);
    TestApp::with_config(backend, move |c| {
        c.whatsapp_gateway = "fonnte".into();
        c.whatsapp_url = wa;
        c.whatsapp_token = "device-token-123".into();
        c.whatsapp_pause_ms = 0;
        c.smtp_url = smtp;
        c.smtp_from = "NetDesa Billing <billing@netdesa.example>".into();
        c.email_pause_ms = 0;
        c.notify_quiet_hours = String::new();
        c.public_url = "https://billing.netdesa.example".into();
        tweak(c);
    })
    .await
}

async fn deliver(app: &TestApp, now: DateTime<Utc>) -> Round {
    run_once(&app.app, now).await.unwrap()
}

/// Rounds until nothing more is due at `now`.
async fn deliver_all(app: &TestApp, now: DateTime<Utc>) {
    for _ in 0..20 {
        if deliver(app, now).await.leased == 0 {
            return;
        }
    }
    panic!("messages kept coming");
}

async fn log(app: &TestApp, admin: &str, client: i64) -> Vec<Value> {
    app.get(&format!("/client/{client}/notifications"), admin)
        .await
        .expect(200)
        .json["data"]
        .as_array()
        .unwrap()
        .clone()
}

/// A client on a 150,000.50 plan whose invoice (dated four days ago) is due in three days:
/// (client, invoice number).
async fn due_in_three_days(
    app: &TestApp,
    admin: &str,
    plan: i64,
    name: &str,
    ppp: &str,
    contact: &str,
) -> (i64, String) {
    let client = app.create_client(admin, name, ppp).await;
    app.put(&format!("/client/{client}/contact"), admin, contact)
        .await
        .expect(200);
    let sub = app
        .subscribe(
            admin,
            client,
            plan,
            &day(-30).to_string(),
            &day(0).to_string(),
        )
        .await;
    app.generate(admin, &day(-4).to_string()).await;
    let inv = app.invoices_of(admin, sub).await[0].clone();
    assert_eq!(inv["due_date"], json!(day(3).to_string()), "{inv}");
    (client, inv["invoice_number"].as_str().unwrap().to_owned())
}

/// The reminder three days before the due date goes once on each channel, in each client's
/// language with the exact amount, however often the run repeats.
async fn a_reminder_run_twice_sends_once(backend: Backend) {
    let (gateway, sink) = (Gateway::default(), Sink::default());
    let Some(app) = app_with(backend, &gateway, &sink, |_| {}).await else {
        return;
    };
    let admin = app.admin().await;
    let plan = app.create_plan(&admin, "Home", "150000.50").await;
    let (budi, budi_invoice) = due_in_three_days(
        &app,
        &admin,
        plan,
        "Budi Santoso",
        "budi",
        r#"{"email":"budi@example.net","language":"id"}"#,
    )
    .await;
    let (anna, anna_invoice) = due_in_three_days(
        &app,
        &admin,
        plan,
        "Anna Smith",
        "anna",
        r#"{"email":"anna@example.net","language":"en"}"#,
    )
    .await;
    // The welcomes of registration, on WhatsApp (no email address was known then).
    deliver_all(&app, Utc::now()).await;
    assert_eq!(gateway.taken().len(), 2);
    assert!(gateway.taken()[0].message.starts_with("Yth. Budi Santoso,"));
    assert!(sink.mails().is_empty());

    let first = app.billing_run(&admin, day(0)).await;
    assert_eq!(first["reminders_queued"], 4, "{first}");
    let again = app.billing_run(&admin, day(0)).await;
    assert_eq!(again["reminders_queued"], 0, "{again}");
    deliver_all(&app, Utc::now()).await;
    app.billing_run(&admin, day(0)).await;
    deliver_all(&app, Utc::now() + Duration::hours(1)).await;

    let wa = gateway.taken();
    assert_eq!(wa.len(), 4, "{wa:?}");
    let due = day(3);
    for s in &wa {
        assert_eq!(s.token, "device-token-123");
        assert_eq!(s.target, "628123456789");
    }
    let id_text = &wa
        .iter()
        .find(|s| s.message.contains(&budi_invoice))
        .expect("Budi's reminder")
        .message;
    assert!(id_text.starts_with("Yth. Budi Santoso,"), "{id_text}");
    assert!(
        id_text.contains(&format!("{budi_invoice} sebesar Rp 150.000,50")),
        "{id_text}"
    );
    assert!(id_text.contains("https://billing.netdesa.example/portal/invoices/"));
    let en_text = &wa
        .iter()
        .find(|s| s.message.contains(&anna_invoice))
        .expect("Anna's reminder")
        .message;
    assert!(en_text.starts_with("Dear Anna Smith,"), "{en_text}");
    assert!(
        en_text.contains(&format!(
            "invoice {anna_invoice} for Rp 150.000,50 is due in 3 days, on {} {} {}.",
            chrono::Datelike::day(&due),
            due.format("%B"),
            chrono::Datelike::year(&due)
        )),
        "{en_text}"
    );

    let mails = sink.mails();
    assert_eq!(mails.len(), 2, "{mails:?}");
    let mut to: Vec<&str> = mails.iter().map(|m| m.to.as_str()).collect();
    to.sort();
    assert_eq!(to, ["anna@example.net", "budi@example.net"]);
    let anna_mail = mails.iter().find(|m| m.to == "anna@example.net").unwrap();
    assert!(
        anna_mail.data.contains(&format!(
            "Subject: Reminder: invoice {anna_invoice} is due on"
        )),
        "{}",
        anna_mail.data
    );
    assert!(
        anna_mail
            .data
            .contains("From: \"NetDesa Billing\" <billing@netdesa.example>"),
        "{}",
        anna_mail.data
    );

    // The invoice goes with it, as the PDF `GET /invoices/{id}/pdf` gives.
    assert!(
        anna_mail.data.contains("Content-Type: application/pdf"),
        "{}",
        anna_mail.data
    );
    assert!(
        anna_mail
            .data
            .contains(&format!("filename=\"{anna_invoice}.pdf\"")),
        "{}",
        anna_mail.data
    );
    let entries = log(&app, &admin, anna).await;
    let reminders: Vec<&Value> = entries
        .iter()
        .filter(|e| e["event"] == "reminder_before_due")
        .collect();
    assert_eq!(reminders.len(), 2, "{entries:?}");
    for r in reminders {
        assert_eq!(r["status"], "sent");
        assert_eq!(r["attempts"], 1);
        assert!(r["sent_at"].is_string());
    }
    let budi_log = log(&app, &admin, budi).await;
    assert!(
        budi_log
            .iter()
            .any(|e| e["channel"] == "email" && e["recipient"] == "budi@example.net")
    );
    app.get("/client/999999/notifications", &admin)
        .await
        .expect(404);
}

/// A gateway that answers 500 gets the message again after the backoff, and once.
async fn a_failing_gateway_gets_it_later_once(backend: Backend) {
    let (gateway, sink) = (Gateway::default(), Sink::default());
    *gateway.failures.lock().unwrap() = 1;
    let Some(app) = app_with(backend, &gateway, &sink, |_| {}).await else {
        return;
    };
    let admin = app.admin().await;
    let client = app.create_client(&admin, "Budi Santoso", "budi").await;
    let now = Utc::now();
    let r = deliver(&app, now).await;
    assert_eq!((r.leased, r.failed, r.sent), (1, 1, 0));
    let entry = log(&app, &admin, client).await[0].clone();
    assert_eq!(entry["status"], "pending", "{entry}");
    assert_eq!(entry["attempts"], 1);
    assert_eq!(entry["last_error"], "HTTP 500: upstream down");
    // Not before its time.
    assert_eq!(deliver(&app, now + Duration::seconds(30)).await.leased, 0);
    let r = deliver(&app, now + Duration::minutes(2)).await;
    assert_eq!((r.leased, r.sent), (1, 1));
    assert_eq!(deliver(&app, now + Duration::hours(5)).await.leased, 0);
    assert_eq!(*gateway.attempts.lock().unwrap(), 2);
    assert_eq!(gateway.taken().len(), 1);
    let entry = log(&app, &admin, client).await[0].clone();
    assert_eq!(
        (&entry["status"], &entry["attempts"], &entry["last_error"]),
        (&json!("sent"), &json!(2), &Value::Null)
    );
}

/// With a pause of 300 ms, three messages arrive at least 300 ms apart.
async fn the_throttle_spaces_messages(backend: Backend) {
    let (gateway, sink) = (Gateway::default(), Sink::default());
    let Some(app) = app_with(backend, &gateway, &sink, |c| c.whatsapp_pause_ms = 300).await else {
        return;
    };
    let admin = app.admin().await;
    for (name, ppp) in [("Client A", "a"), ("Client B", "b"), ("Client C", "c")] {
        app.create_client(&admin, name, ppp).await;
    }
    deliver_all(&app, Utc::now()).await;
    let taken = gateway.taken();
    assert_eq!(taken.len(), 3);
    for pair in taken.windows(2) {
        let gap = pair[1].at - pair[0].at;
        assert!(gap.as_millis() >= 290, "{gap:?} between two messages");
    }
}

/// Quiet hours 21:00–07:00 (the provider's time): a WhatsApp message due at 22:30 waits
/// until 07:00 the next morning, while email goes at once.
async fn quiet_hours_hold_whatsapp_until_morning(backend: Backend) {
    let (gateway, sink) = (Gateway::default(), Sink::default());
    let Some(app) = app_with(backend, &gateway, &sink, |c| {
        c.notify_quiet_hours = "21:00-07:00".into()
    })
    .await
    else {
        return;
    };
    let admin = app.admin().await;
    app.put("/settings", &admin, r#"{"time_zone":"Asia/Jakarta"}"#)
        .await
        .expect(200);
    let client = app.create_client(&admin, "Budi Santoso", "budi").await;
    let tomorrow = day(1);
    let jakarta = |h: u32, m: u32| {
        tomorrow
            .and_hms_opt(h, m, 0)
            .unwrap()
            .and_utc()
            .checked_sub_signed(Duration::hours(7))
            .unwrap()
    };
    let r = deliver(&app, jakarta(22, 30)).await;
    assert_eq!((r.leased, r.held, r.sent), (1, 1, 0));
    let entry = log(&app, &admin, client).await[0].clone();
    assert_eq!(entry["status"], "pending");
    assert_eq!(entry["attempts"], 0);
    let morning = (tomorrow + chrono::Days::new(1))
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc();
    assert_eq!(
        entry["next_attempt_at"].as_str().unwrap()[..19],
        morning.format("%Y-%m-%dT%H:%M:%S").to_string(),
        "07:00 in Jakarta is midnight UTC"
    );
    assert_eq!(
        deliver(&app, morning - Duration::minutes(1)).await.leased,
        0
    );
    assert!(gateway.taken().is_empty());
    let r = deliver(&app, morning + Duration::seconds(30)).await;
    assert_eq!(r.sent, 1);
    assert_eq!(gateway.taken().len(), 1);
}

/// A cut-off tells the client how to pay; the payment thanks them with the receipt link and
/// says they are back; an opted-out channel carries nothing; bad contact details are refused
/// naming the field, with nothing changed.
async fn payments_and_cutoffs_message_the_client(backend: Backend) {
    let (gateway, sink) = (Gateway::default(), Sink::default());
    let Some(app) = app_with(backend, &gateway, &sink, |_| {}).await else {
        return;
    };
    let admin = app.admin().await;
    let plan = app.create_plan(&admin, "Home", "150000").await;
    let client = app.create_client(&admin, "Anna Smith", "anna").await;
    let r = app
        .put(
            &format!("/client/{client}/contact"),
            &admin,
            r#"{"email":"anna at example","language":"fr","whatsapp_opt_out":true}"#,
        )
        .await
        .expect(422);
    assert!(
        r.text.contains("email") && r.text.contains("language"),
        "{}",
        r.text
    );
    let c = app
        .get(&format!("/client/{client}/contact"), &admin)
        .await
        .expect(200);
    assert_eq!(
        c.json["data"],
        json!({"email": null, "language": null, "whatsapp_opt_out": false, "email_opt_out": false})
    );
    app.put(
        &format!("/client/{client}/contact"),
        &admin,
        r#"{"email":"anna@example.net","language":"en"}"#,
    )
    .await
    .expect(200);
    let sub = app
        .subscribe(
            &admin,
            client,
            plan,
            &day(-40).to_string(),
            &day(-10).to_string(),
        )
        .await;
    app.generate(&admin, &day(-14).to_string()).await;
    let invoice = app.invoices_of(&admin, sub).await[0]["invoice_id"]
        .as_i64()
        .unwrap();
    let cut = app.billing_run(&admin, day(0)).await;
    assert_eq!(cut["suspended_subscription_ids"], json!([sub]));
    deliver_all(&app, Utc::now()).await;
    let wa = gateway.taken();
    assert_eq!(wa.len(), 2, "welcome and cut-off: {wa:?}");
    assert!(
        wa[1].message.contains("has been suspended"),
        "{}",
        wa[1].message
    );
    assert!(wa[1].message.contains("Rp 150.000"));
    let mails = sink.mails();
    assert_eq!(mails.len(), 1);
    assert!(mails[0].data.contains("your internet service is suspended"));

    app.put(
        &format!("/client/{client}/contact"),
        &admin,
        r#"{"whatsapp_opt_out":true}"#,
    )
    .await
    .expect(200);
    let paid = app
        .pay(
            &admin,
            invoice,
            r#"{"amount":150000,"payment_method":"cash"}"#,
        )
        .await
        .expect(201);
    let payment = paid.json["data"]["payment"]["payment_id"]
        .as_i64()
        .expect(&paid.text);
    deliver_all(&app, Utc::now()).await;
    assert_eq!(gateway.taken().len(), 2, "opted out of WhatsApp");
    let mails = sink.mails();
    assert_eq!(mails.len(), 3, "{mails:?}");
    let thanks = mails
        .iter()
        .find(|m| m.data.contains("Subject: Payment received"))
        .expect("a receipt");
    assert!(
        !thanks.data.contains("application/pdf"),
        "a receipt links, attaches nothing"
    );
    assert!(
        thanks.data.contains("payment of Rp 150.000"),
        "{}",
        thanks.data
    );
    assert!(thanks.data.contains(&format!(
        "https://billing.netdesa.example/portal/payments/{payment}/receipt"
    )));
    assert!(mails.iter().any(|m| m.data.contains("is active again")));
    let entries = log(&app, &admin, client).await;
    let events: Vec<(&str, &str, &str)> = entries
        .iter()
        .map(|e| {
            (
                e["event"].as_str().unwrap(),
                e["channel"].as_str().unwrap(),
                e["status"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        events,
        [
            ("payment_received", "email", "sent"),
            ("reconnected", "email", "sent"),
            ("suspended", "email", "sent"),
            ("suspended", "whatsapp", "sent"),
            ("welcome", "whatsapp", "sent"),
        ]
    );
}

/// The client page's messages section: the contact form refuses a bad address next to its
/// field (in Indonesian, the console's default) with nothing changed, saves a good one, and
/// the delivery log shows each message with what became of it.
async fn the_console_keeps_contacts_and_shows_the_log(backend: Backend) {
    let (gateway, sink) = (Gateway::default(), Sink::default());
    *gateway.failures.lock().unwrap() = 1;
    let Some(app) = app_with(backend, &gateway, &sink, |_| {}).await else {
        return;
    };
    let admin = app.admin().await;
    let operator = app.user(Some(&admin), "operator1", "operator").await;
    let client = app.create_client(&admin, "Budi Santoso", "budi").await;
    deliver(&app, Utc::now()).await;
    let page_path = format!("/console/clients/{client}");
    let page = app.page(&page_path, &operator).await.expect(200);
    assert!(page.text.contains(r#"id="contact-form""#), "{}", page.text);
    assert!(
        page.text.contains(r#"data-status="pending""#),
        "{}",
        page.text
    );
    assert!(
        page.text.contains("HTTP 500: upstream down"),
        "{}",
        page.text
    );
    assert!(page.text.contains("Selamat datang"), "the event's label");

    let path = format!("/console/clients/{client}/contact");
    let r = app
        .submit(
            &path,
            &operator,
            &[
                ("email", "budi at example"),
                ("language", "en"),
                ("whatsapp_opt_out", "true"),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(
        r.text
            .contains(r#"id="f-email-error">Email harus berupa alamat email"#),
        "{}",
        r.text
    );
    assert!(
        r.text.contains("budi at example"),
        "the form keeps what was typed"
    );
    let c = app
        .get(&format!("/client/{client}/contact"), &admin)
        .await
        .expect(200);
    assert_eq!(c.json["data"]["whatsapp_opt_out"], false, "nothing changed");

    let r = app
        .submit(
            &path,
            &operator,
            &[
                ("email", "budi@example.net"),
                ("language", "en"),
                ("whatsapp_opt_out", "true"),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.text);
    let c = app
        .get(&format!("/client/{client}/contact"), &admin)
        .await
        .expect(200);
    assert_eq!(
        c.json["data"],
        json!({"email": "budi@example.net", "language": "en", "whatsapp_opt_out": true, "email_opt_out": false})
    );
    // The welcome waiting for its retry is not sent now that WhatsApp is refused.
    let r = deliver(&app, Utc::now() + Duration::minutes(5)).await;
    assert_eq!((r.leased, r.skipped), (1, 1));
    assert!(gateway.taken().is_empty());
    let page = app.page(&page_path, &operator).await.expect(200);
    assert!(
        page.text.contains(r#"data-status="skipped""#),
        "{}",
        page.text
    );
    assert!(page.text.contains("the client opted out of WhatsApp"));
    let cashier = app.user(Some(&admin), "cashier1", "cashier").await;
    let page = app.page(&page_path, &cashier).await.expect(200);
    assert!(
        !page.text.contains(r#"id="contact-form""#),
        "a cashier only reads"
    );
    let r = app
        .put(
            &format!("/client/{client}/contact"),
            &cashier,
            r#"{"email_opt_out":true}"#,
        )
        .await;
    assert_eq!(r.status, 403);
}

per_backend!(
    the_console_keeps_contacts_and_shows_the_log,
    a_reminder_run_twice_sends_once,
    a_failing_gateway_gets_it_later_once,
    the_throttle_spaces_messages,
    quiet_hours_hold_whatsapp_until_morning,
    payments_and_cutoffs_message_the_client,
);
