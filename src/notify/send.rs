//! The channels: a WhatsApp/SMS HTTP gateway (reqwest) and an SMTP server (lettre), each
//! paced so that two messages are at least its pause apart, whichever worker sends them.

use std::time::{Duration, Instant};

use lettre::message::header::ContentType;
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::domain::notify::GatewaySpec;

/// How long one gateway request or SMTP session may take.
pub const TIMEOUT: Duration = Duration::from_secs(20);
/// The most of a gateway's answer read (kept in the delivery log, cut shorter there).
const MAX_ANSWER: usize = 64 * 1024;

/// The least time between two sends on one channel.
pub struct Pace {
    gap: Duration,
    last: tokio::sync::Mutex<Option<Instant>>,
}

impl Pace {
    pub fn new(gap: Duration) -> Pace {
        Pace {
            gap,
            last: tokio::sync::Mutex::new(None),
        }
    }

    /// Waits for this channel's turn, and takes it.
    pub async fn turn(&self) {
        let mut last = self.last.lock().await;
        if let Some(at) = *last {
            let next = at + self.gap;
            let now = Instant::now();
            if next > now {
                tokio::time::sleep(next - now).await;
            }
        }
        *last = Some(Instant::now());
    }
}

/// A WhatsApp (or SMS) gateway reached over HTTP.
pub struct WhatsApp {
    pub spec: GatewaySpec,
    http: reqwest::Client,
    pub pace: Pace,
}

impl WhatsApp {
    pub fn new(spec: GatewaySpec, pause: Duration) -> anyhow::Result<WhatsApp> {
        let http = crate::gateway::http_client(TIMEOUT)?;
        Ok(WhatsApp {
            spec,
            http,
            pace: Pace::new(pause),
        })
    }

    /// Sends `text` to `number` (international digits); the refusal is the gateway's answer
    /// or the transport's error, never the token or the URL (which may hold a key).
    pub async fn send(&self, number: &str, text: &str) -> Result<(), String> {
        let r = self.spec.request(number, text);
        let method = reqwest::Method::from_bytes(r.method.as_bytes()).map_err(|e| e.to_string())?;
        let mut req = self.http.request(method, &r.url);
        for (name, value) in &r.headers {
            req = req.header(name, value);
        }
        if let Some((content_type, body)) = r.body {
            req = req
                .header(reqwest::header::CONTENT_TYPE, content_type)
                .body(body);
        }
        self.pace.turn().await;
        let answer = req
            .send()
            .await
            .map_err(|e| format!("cannot reach the gateway: {}", e.without_url()))?;
        let status = answer.status().as_u16();
        let bytes = answer
            .bytes()
            .await
            .map_err(|e| format!("HTTP {status}, answer cut off: {}", e.without_url()))?;
        let body = String::from_utf8_lossy(&bytes[..bytes.len().min(MAX_ANSWER)]);
        self.spec.accepted(status, &body)
    }
}

/// A file sent with an email.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// An SMTP server.
pub struct Email {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    pub pace: Pace,
}

impl Email {
    /// `url` as lettre reads it (`smtp://user:pass@host:587?tls=required`, `smtps://…`).
    pub fn new(url: &str, from: &str, pause: Duration) -> anyhow::Result<Email> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|_| anyhow::anyhow!("smtp_url cannot be used (see the README, Messages)"))?
            .timeout(Some(TIMEOUT))
            .build();
        let from = from.trim().parse().map_err(|_| {
            anyhow::anyhow!("smtp_from must be an address such as Billing <billing@example.net>")
        })?;
        Ok(Email {
            transport,
            from,
            pace: Pace::new(pause),
        })
    }

    /// Sends a plain-text email, with a PDF attached when given.
    pub async fn send(
        &self,
        to: &str,
        subject: &str,
        body: &str,
        pdf: Option<Attachment>,
    ) -> Result<(), String> {
        let to: Mailbox = to
            .parse()
            .map_err(|_| format!("'{to}' is not an address email can be sent to"))?;
        let builder = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject);
        let message = match pdf {
            None => builder
                .header(ContentType::TEXT_PLAIN)
                .body(body.to_owned()),
            Some(a) => {
                let pdf = ContentType::parse("application/pdf").map_err(|e| e.to_string())?;
                builder.multipart(
                    MultiPart::mixed()
                        .singlepart(SinglePart::plain(body.to_owned()))
                        .singlepart(lettre::message::Attachment::new(a.name).body(a.bytes, pdf)),
                )
            }
        }
        .map_err(|e| e.to_string())?;
        self.pace.turn().await;
        self.transport
            .send(message)
            .await
            .map(drop)
            .map_err(|e| format!("SMTP: {e}"))
    }
}
