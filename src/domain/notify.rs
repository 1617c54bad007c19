//! Messages to clients: what they are about, when reminders go out, when WhatsApp must keep
//! quiet, how a failed send is retried, and the requests each WhatsApp gateway takes. No I/O:
//! the notification worker (`crate::notify`) sends what these rules describe.

use chrono::{Duration, NaiveDateTime, NaiveTime};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};

use super::validation::{FieldErrors, double_option, is_email};

crate::words! {
    /// Where a message goes.
    pub enum Channel {
        /// Through the configured WhatsApp (or SMS) HTTP gateway, to the client's phone number.
        WhatsApp = "whatsapp",
        /// Over SMTP, to the client's email address.
        Email = "email",
    }
}

crate::words! {
    /// What a message is about; each has a template per language (`notify-…` in
    /// `locales/*/notify.ftl`).
    pub enum Event {
        InvoiceIssued = "invoice_issued",
        /// A reminder before the due date (a negative offset of the schedule).
        ReminderBeforeDue = "reminder_before_due",
        DueToday = "due_today",
        /// After the due date (a positive offset of the schedule).
        Overdue = "overdue",
        Suspended = "suspended",
        Reconnected = "reconnected",
        PaymentReceived = "payment_received",
        Welcome = "welcome",
    }
}

impl Event {
    /// The template's key; its subject line is the key with `-subject`.
    pub fn template(self) -> &'static str {
        match self {
            Event::InvoiceIssued => "notify-invoice-issued",
            Event::ReminderBeforeDue => "notify-reminder-before-due",
            Event::DueToday => "notify-due-today",
            Event::Overdue => "notify-overdue",
            Event::Suspended => "notify-suspended",
            Event::Reconnected => "notify-reconnected",
            Event::PaymentReceived => "notify-payment-received",
            Event::Welcome => "notify-welcome",
        }
    }

    /// Messages that ask for an invoice to be paid (a cut-off says how to pay to reconnect):
    /// pointless, and skipped, once it is paid or void; they link to its payment page and an
    /// email carries its PDF.
    pub fn asks_payment(self) -> bool {
        matches!(
            self,
            Event::InvoiceIssued
                | Event::ReminderBeforeDue
                | Event::DueToday
                | Event::Overdue
                | Event::Suspended
        )
    }

    /// The event of a schedule's offset: days from the due date.
    pub fn for_offset(offset: i32) -> Event {
        match offset.signum() {
            -1 => Event::ReminderBeforeDue,
            0 => Event::DueToday,
            _ => Event::Overdue,
        }
    }
}

crate::words! {
    /// Where a message stands.
    pub enum Delivery {
        /// To be sent at its next attempt.
        Pending = "pending",
        Sent = "sent",
        /// Given up after its attempts; the gateway's last answer is kept.
        Failed = "failed",
        /// Not sent: nothing to say any more (the invoice was paid) or nowhere to send it.
        Skipped = "skipped",
    }
}

/// How a client is reached: WhatsApp goes to the client's phone number, email to `email`;
/// either channel can be refused by the client (an opt-out, kept until lifted).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Contact {
    #[schema(example = "budi@example.net")]
    pub email: Option<String>,
    /// `en` or `id`; `null`: the provider's default language.
    #[schema(example = "id")]
    pub language: Option<String>,
    pub whatsapp_opt_out: bool,
    pub email_opt_out: bool,
}

/// The fields of [`Contact`] as a request carries them; `null` clears the email or language.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"email": "budi@example.net", "language": "id", "whatsapp_opt_out": false, "email_opt_out": false}))]
pub struct ContactDraft {
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, example = "budi@example.net")]
    pub email: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, example = "id")]
    pub language: Option<Option<String>>,
    pub whatsapp_opt_out: Option<bool>,
    pub email_opt_out: Option<bool>,
}

impl Contact {
    /// Applies the given fields, each checked; all or nothing.
    pub fn patch(&mut self, d: &ContactDraft) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::default();
        let mut next = self.clone();
        match d.email.as_ref().map(|m| m.as_deref().map(str::trim)) {
            Some(None | Some("")) => next.email = None,
            Some(Some(m)) if is_email(m) => next.email = Some(m.to_owned()),
            Some(Some(_)) => e.add("email", "must be an email address"),
            None => {}
        }
        match d.language.as_ref().map(|l| l.as_deref().map(str::trim)) {
            Some(None | Some("")) => next.language = None,
            Some(Some(l @ ("en" | "id"))) => next.language = Some(l.to_owned()),
            Some(Some(_)) => e.add("language", "must be en or id"),
            None => {}
        }
        if let Some(o) = d.whatsapp_opt_out {
            next.whatsapp_opt_out = o;
        }
        if let Some(o) = d.email_opt_out {
            next.email_opt_out = o;
        }
        *self = e.into_result(next)?;
        Ok(())
    }

    /// Whether `channel` may carry messages to this client (the address is checked apart).
    pub fn allows(&self, channel: Channel) -> bool {
        match channel {
            Channel::WhatsApp => !self.whatsapp_opt_out,
            Channel::Email => !self.email_opt_out && self.email.is_some(),
        }
    }
}

/// The earliest and latest offset a schedule may hold, in days from the due date.
pub const OFFSET_RANGE: (i32, i32) = (-30, 60);
/// The most offsets a schedule may hold.
pub const MAX_OFFSETS: usize = 10;

/// What a schedule that cannot be read is told.
pub const BAD_SCHEDULE: &str = "must be up to 10 different whole numbers of days from the due date, from -30 to 60, separated by commas";

/// A reminder schedule as typed (`-3, 0, 1, 3`) or listed: sorted, each offset once.
pub fn parse_offsets(text: &str) -> Result<Vec<i32>, &'static str> {
    let mut out = Vec::new();
    for part in text.split([',', ' ']).filter(|p| !p.trim().is_empty()) {
        let n: i32 = part.trim().parse().map_err(|_| BAD_SCHEDULE)?;
        out.push(n);
    }
    checked_offsets(out)
}

/// `offsets` sorted, or why they are no schedule. An empty schedule sends no reminders.
pub fn checked_offsets(mut offsets: Vec<i32>) -> Result<Vec<i32>, &'static str> {
    let (lo, hi) = OFFSET_RANGE;
    if offsets.len() > MAX_OFFSETS || offsets.iter().any(|o| *o < lo || *o > hi) {
        return Err(BAD_SCHEDULE);
    }
    offsets.sort_unstable();
    let before = offsets.len();
    offsets.dedup();
    if offsets.len() != before {
        return Err(BAD_SCHEDULE);
    }
    Ok(offsets)
}

/// A reminder schedule: days from the due date, sorted, each once (see [`checked_offsets`]).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[schema(value_type = Vec<i32>, example = json!([-3, 0, 1, 3]))]
pub struct Schedule(pub Vec<i32>);

impl Schedule {
    /// As typed (`-3, 0 1`) or as stored (`-3,0,1`).
    pub fn parse(text: &str) -> Result<Schedule, &'static str> {
        parse_offsets(text).map(Schedule)
    }

    /// As stored and shown: `-3,0,1,3`.
    pub fn text(&self) -> String {
        offsets_text(&self.0)
    }
}

/// A schedule as a request carries it: a JSON list of days, or one text of them (the
/// console's form, `-3, 0, 1`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum ScheduleInput {
    List(Vec<i64>),
    Text(String),
}

impl ScheduleInput {
    /// The schedule it gives, or why it gives none.
    pub fn schedule(&self) -> Result<Schedule, &'static str> {
        match self {
            ScheduleInput::List(l) => l
                .iter()
                .map(|n| i32::try_from(*n).map_err(|_| BAD_SCHEDULE))
                .collect::<Result<Vec<_>, _>>()
                .and_then(checked_offsets)
                .map(Schedule),
            ScheduleInput::Text(t) => Schedule::parse(t),
        }
    }
}

/// A schedule as stored and shown: `-3,0,1,3`.
pub fn offsets_text(offsets: &[i32]) -> String {
    offsets
        .iter()
        .map(i32::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

/// What quiet hours that cannot be read are told.
pub const BAD_QUIET_HOURS: &str = "must be HH:MM-HH:MM such as 21:00-07:00";

/// Local hours in which WhatsApp messages wait (gateways' users do not want a bill at night).
/// `start` may be after `end` (`21:00-07:00` spans midnight); equal times mean never quiet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuietHours {
    pub start: NaiveTime,
    pub end: NaiveTime,
}

impl QuietHours {
    /// `HH:MM-HH:MM`, or empty for none.
    pub fn parse(text: &str) -> Result<Option<QuietHours>, &'static str> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(None);
        }
        let bad = || BAD_QUIET_HOURS;
        let (a, b) = text.split_once('-').ok_or_else(bad)?;
        let time = |t: &str| NaiveTime::parse_from_str(t.trim(), "%H:%M").map_err(|_| bad());
        Ok(Some(QuietHours {
            start: time(a)?,
            end: time(b)?,
        }))
    }

    /// Whether `t` falls in the quiet hours (from `start` inclusive to `end` exclusive).
    pub fn contains(&self, t: NaiveTime) -> bool {
        if self.start <= self.end {
            self.start <= t && t < self.end
        } else {
            t >= self.start || t < self.end
        }
    }

    /// When a message due at local time `at` may go: `None` if now, else the end of the
    /// quiet hours it falls in.
    pub fn release(&self, at: NaiveDateTime) -> Option<NaiveDateTime> {
        if !self.contains(at.time()) {
            return None;
        }
        let end = at.date().and_time(self.end);
        Some(if end > at {
            end
        } else {
            end + Duration::days(1)
        })
    }
}

/// Attempts before a message is given up as failed.
pub const MAX_ATTEMPTS: u32 = 8;

/// The wait after the `attempts`-th failed attempt: 1 minute, doubling, at most 6 hours; with
/// [`MAX_ATTEMPTS`] the last attempt comes about two hours after the first.
pub fn retry_delay(attempts: u32) -> Duration {
    let minutes = 1i64 << attempts.saturating_sub(1).min(9);
    Duration::minutes(minutes.min(6 * 60))
}

crate::words! {
    /// The request shapes of the WhatsApp/SMS gateways providers use.
    pub enum GatewayKind {
        /// Fonnte (<https://docs.fonnte.com/api-send-message/>): `POST` with the device token
        /// in `Authorization` and form fields `target` and `message`; it answers 200 with JSON
        /// whose `status` is `true` when the message was queued (and `false` with a `reason`).
        Fonnte = "fonnte",
        /// A `GET` URL with `[number]` and `[text]` in it, as phpNuxBill's WhatsApp and SMS
        /// settings take (`https://gw.example/send?phone=[number]&msg=[text]`).
        GetUrl = "get",
        /// Any HTTP gateway: method, URL, headers and a body template with `[number]`,
        /// `[text]` and `[token]`, and an optional text its answer must contain.
        Generic = "generic",
    }
}

/// How one WhatsApp gateway is called, from the configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GatewaySpec {
    pub kind: GatewayKind,
    pub url: String,
    /// Never logged, never shown.
    pub token: String,
    /// `GET` or `POST` (generic gateways only).
    pub method: String,
    /// `Name: value` lines (generic gateways only); `[token]` is replaced.
    pub headers: Vec<String>,
    /// The body with `[number]`, `[text]` and `[token]`; a body starting with `{` is sent as
    /// JSON (values escaped as JSON strings), any other as a form (values URL-encoded).
    pub body: String,
    /// A text the gateway's answer must contain for the message to count as sent.
    pub success_contains: String,
}

/// One HTTP request to a gateway.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GatewayRequest {
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    /// Content type and body.
    pub body: Option<(String, String)>,
}

const FORM: &str = "application/x-www-form-urlencoded";

fn url_encoded(s: &str) -> String {
    utf8_percent_encode(s, NON_ALPHANUMERIC).to_string()
}

/// `s` as the inside of a JSON string.
fn json_escaped(s: &str) -> String {
    let quoted = serde_json::Value::String(s.to_owned()).to_string();
    quoted[1..quoted.len() - 1].to_owned()
}

impl GatewaySpec {
    /// The request that sends `text` to `number` (international digits, `628…`).
    pub fn request(&self, number: &str, text: &str) -> GatewayRequest {
        // The token first: a client's name or message holding `[token]` must stay text.
        let fill = |template: &str, enc: &dyn Fn(&str) -> String| {
            template
                .replace("[token]", &enc(&self.token))
                .replace("[number]", &enc(number))
                .replace("[text]", &enc(text))
        };
        match self.kind {
            GatewayKind::Fonnte => GatewayRequest {
                method: "POST".into(),
                url: self.url.clone(),
                headers: vec![("Authorization".into(), self.token.clone())],
                body: Some((
                    FORM.into(),
                    format!(
                        "target={}&message={}",
                        url_encoded(number),
                        url_encoded(text)
                    ),
                )),
            },
            GatewayKind::GetUrl => GatewayRequest {
                method: "GET".into(),
                url: fill(&self.url, &url_encoded),
                headers: Vec::new(),
                body: None,
            },
            GatewayKind::Generic => {
                let headers = self
                    .headers
                    .iter()
                    .filter_map(|h| h.split_once(':'))
                    .map(|(n, v)| {
                        (
                            n.trim().to_owned(),
                            v.trim().replace("[token]", &self.token),
                        )
                    })
                    .collect();
                let body = (!self.body.trim().is_empty()).then(|| {
                    if self.body.trim_start().starts_with('{') {
                        (
                            "application/json".to_owned(),
                            fill(&self.body, &json_escaped),
                        )
                    } else {
                        (FORM.to_owned(), fill(&self.body, &url_encoded))
                    }
                });
                GatewayRequest {
                    method: self.method.to_ascii_uppercase(),
                    url: fill(&self.url, &url_encoded),
                    headers,
                    body,
                }
            }
        }
    }

    /// Whether the gateway took the message, from its answer; the refusal says why, in the
    /// gateway's words (kept in the delivery log).
    pub fn accepted(&self, status: u16, body: &str) -> Result<(), String> {
        let short: String = body.chars().take(300).collect();
        if !(200..300).contains(&status) {
            return Err(format!("HTTP {status}: {short}"));
        }
        if self.kind == GatewayKind::Fonnte {
            let answer: serde_json::Value = serde_json::from_str(body)
                .map_err(|_| format!("HTTP {status}, not JSON: {short}"))?;
            if answer.get("status") != Some(&serde_json::Value::Bool(true)) {
                let reason = answer
                    .get("reason")
                    .and_then(|r| r.as_str())
                    .unwrap_or(&short);
                return Err(format!("refused: {reason}"));
            }
        }
        if !self.success_contains.is_empty() && !body.contains(&self.success_contains) {
            return Err(format!(
                "HTTP {status} without '{}': {short}",
                self.success_contains
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn contacts_patch_all_or_nothing() {
        let mut c = Contact::default();
        let d = ContactDraft {
            email: Some(Some(" budi@example.net ".into())),
            language: Some(Some("id".into())),
            whatsapp_opt_out: Some(true),
            email_opt_out: None,
        };
        c.patch(&d).unwrap();
        assert_eq!(c.email.as_deref(), Some("budi@example.net"));
        assert!(c.allows(Channel::Email) && !c.allows(Channel::WhatsApp));
        let bad = ContactDraft {
            email: Some(Some("budi at example".into())),
            language: Some(Some("fr".into())),
            email_opt_out: Some(true),
            ..Default::default()
        };
        let e = c.clone().patch(&bad).unwrap_err();
        assert_eq!(e.0["email"], "must be an email address");
        assert_eq!(e.0["language"], "must be en or id");
        let before = c.clone();
        assert!(c.patch(&bad).is_err());
        assert_eq!(c, before);
    }

    #[test]
    fn schedules_are_sorted_and_bounded() {
        assert_eq!(parse_offsets("3, -3 0,1").unwrap(), vec![-3, 0, 1, 3]);
        assert_eq!(parse_offsets("").unwrap(), Vec::<i32>::new());
        for bad in ["-31", "61", "1,1", "x", "1.5", "0,1,2,3,4,5,6,7,8,9,10"] {
            assert_eq!(parse_offsets(bad), Err(BAD_SCHEDULE), "{bad}");
        }
        assert_eq!(offsets_text(&[-3, 0, 2]), "-3,0,2");
        assert_eq!(Event::for_offset(-1), Event::ReminderBeforeDue);
        assert_eq!(Event::for_offset(0), Event::DueToday);
        assert_eq!(Event::for_offset(4), Event::Overdue);
    }

    #[test]
    fn quiet_hours_hold_until_morning() {
        let q = QuietHours::parse("21:00-07:00").unwrap().unwrap();
        assert_eq!(
            q.release(at("2026-12-01 22:30")),
            Some(at("2026-12-02 07:00"))
        );
        assert_eq!(
            q.release(at("2026-12-02 03:00")),
            Some(at("2026-12-02 07:00"))
        );
        assert_eq!(q.release(at("2026-12-02 07:00")), None);
        assert_eq!(q.release(at("2026-12-02 20:59")), None);
        let day = QuietHours::parse("12:00-13:00").unwrap().unwrap();
        assert_eq!(
            day.release(at("2026-12-02 12:10")),
            Some(at("2026-12-02 13:00"))
        );
        assert_eq!(QuietHours::parse(" ").unwrap(), None);
        assert!(QuietHours::parse("21-07").is_err());
        assert!(QuietHours::parse("25:00-07:00").is_err());
    }

    #[test]
    fn retries_back_off_to_six_hours() {
        assert_eq!(retry_delay(1), Duration::minutes(1));
        assert_eq!(retry_delay(2), Duration::minutes(2));
        assert_eq!(retry_delay(4), Duration::minutes(8));
        assert_eq!(retry_delay(30), Duration::minutes(360));
    }

    fn spec(kind: GatewayKind) -> GatewaySpec {
        GatewaySpec {
            kind,
            url: String::new(),
            token: "tok&en".into(),
            method: "POST".into(),
            headers: vec!["Authorization: Bearer [token]".into()],
            body: String::new(),
            success_contains: String::new(),
        }
    }

    #[test]
    fn fonnte_takes_a_form_and_answers_status_true() {
        let g = GatewaySpec {
            url: "https://api.fonnte.com/send".into(),
            ..spec(GatewayKind::Fonnte)
        };
        let r = g.request("628123456789", "Rp 150.000 & more\nline");
        assert_eq!(r.method, "POST");
        assert_eq!(
            r.headers,
            vec![("Authorization".to_owned(), "tok&en".to_owned())]
        );
        let (ct, body) = r.body.unwrap();
        assert_eq!(ct, FORM);
        let fields: Vec<(String, String)> = form_urlencoded::parse(body.as_bytes())
            .into_owned()
            .collect();
        assert_eq!(
            fields,
            vec![
                ("target".into(), "628123456789".into()),
                ("message".into(), "Rp 150.000 & more\nline".into())
            ]
        );
        assert!(g.accepted(200, r#"{"status":true,"id":["1"]}"#).is_ok());
        assert_eq!(
            g.accepted(200, r#"{"status":false,"reason":"invalid token"}"#),
            Err("refused: invalid token".into())
        );
        assert!(g.accepted(500, "oops").unwrap_err().starts_with("HTTP 500"));
    }

    #[test]
    fn get_and_generic_gateways_fill_their_templates() {
        let g = GatewaySpec {
            url: "http://gw/send?to=[number]&msg=[text]".into(),
            ..spec(GatewayKind::GetUrl)
        };
        let r = g.request("62812", "a b&c");
        assert_eq!(r.url, "http://gw/send?to=62812&msg=a%20b%26c");
        assert!(r.body.is_none());
        let g = GatewaySpec {
            url: "http://gw/api".into(),
            body: r#"{"phone": "[number]", "text": "[text]"}"#.into(),
            success_contains: "\"ok\"".into(),
            ..spec(GatewayKind::Generic)
        };
        let r = g.request("62812", "say \"hi\"\n");
        assert!(
            !g.request("62812", "[token]")
                .body
                .unwrap()
                .1
                .contains("tok&en"),
            "no token in a message"
        );
        assert_eq!(
            r.headers,
            vec![("Authorization".to_owned(), "Bearer tok&en".to_owned())]
        );
        let (ct, body) = r.body.unwrap();
        assert_eq!(ct, "application/json");
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["text"], "say \"hi\"\n");
        assert!(g.accepted(200, r#"{"result":"ok"}"#).is_ok());
        assert!(g.accepted(200, r#"{"result":"no"}"#).is_err());
    }
}
