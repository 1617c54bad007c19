//! Online payment through a gateway: the attempt's states, what each gateway's word for a
//! payment's state means, how a Midtrans notification is signed, and when a payment whose
//! notification never came is asked about again. No I/O (`crate::gateway` talks to them).

use chrono::Duration;
use sha2::{Digest, Sha512};

use crate::domain::money::Money;

crate::words! {
    /// The payment gateways a client can pay through.
    pub enum Gateway {
        /// Midtrans Snap (<https://docs.midtrans.com/reference/backend-integration>).
        Midtrans = "midtrans",
        /// Xendit invoices (<https://docs.xendit.co/apidocs/create-invoice>).
        Xendit = "xendit",
    }
}

crate::words! {
    /// Where an online payment attempt stands. `paid` is final: a later notification saying
    /// otherwise (out of order, replayed) changes nothing.
    pub enum AttemptStatus {
        /// Created at the gateway; the client has not paid yet.
        Pending = "pending",
        /// The gateway confirmed it; the invoice has the payment.
        Paid = "paid",
        /// Refused, cancelled or expired at the gateway.
        Failed = "failed",
    }
}

/// What a gateway reports of a payment, in our terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reported {
    Paid,
    Pending,
    Failed,
}

/// Midtrans's `transaction_status` (and `fraud_status` for cards): paid on `settlement`, or
/// `capture` accepted by fraud detection (docs.midtrans.com/docs/https-notification-webhooks,
/// "Status Definition").
/// Only an explicit refusal fails: a word not known here, or none (Midtrans answers an order
/// not yet paid on with `status_code` 404 and no status), is still pending.
pub fn midtrans_reported(transaction_status: &str, fraud_status: Option<&str>) -> Reported {
    match transaction_status {
        "settlement" => Reported::Paid,
        "capture" if fraud_status.is_none_or(|f| f == "accept") => Reported::Paid,
        "deny" | "cancel" | "expire" | "failure" => Reported::Failed,
        _ => Reported::Pending,
    }
}

/// Xendit's invoice `status`: `PAID` or `SETTLED` once paid, `EXPIRED` when it ran out
/// (docs.xendit.co/apidocs/invoice-callback).
pub fn xendit_reported(status: &str) -> Reported {
    match status {
        "PAID" | "SETTLED" => Reported::Paid,
        "EXPIRED" => Reported::Failed,
        _ => Reported::Pending,
    }
}

/// Midtrans's `signature_key`: SHA-512, in lower-case hex, of `order_id`, `status_code`,
/// `gross_amount` (as sent, e.g. `150000.00`) and the server key, concatenated
/// (docs.midtrans.com/reference/handle-notifications, "Verifying Notification Authenticity").
pub fn midtrans_signature(
    order_id: &str,
    status_code: &str,
    gross_amount: &str,
    server_key: &str,
) -> String {
    let mut h = Sha512::new();
    for part in [order_id, status_code, gross_amount, server_key] {
        h.update(part.as_bytes());
    }
    hex::encode(h.finalize())
}

/// An amount as a gateway writes it (`"150000.00"`, `150000`, `150000.5`), exactly.
pub fn gateway_amount(v: &serde_json::Value) -> Option<Money> {
    let text = match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Number(n) => n.to_string(),
        _ => return None,
    };
    Money::parse_decimal(text.trim()).ok()
}

/// What a Xendit invoice (its callback, or its `GET`) says was paid: `paid_amount`, else
/// `amount`.
pub fn xendit_amount(paid_amount: &serde_json::Value, amount: &serde_json::Value) -> Option<Money> {
    gateway_amount(if paid_amount.is_null() {
        amount
    } else {
        paid_amount
    })
}

/// An amount as gateways take it: Midtrans and Xendit want whole rupiah (no sen); an amount
/// with sen is refused rather than rounded.
pub fn whole_amount(m: Money) -> Option<i64> {
    (m.minor() % 100 == 0 && m.minor() > 0).then(|| m.minor() / 100)
}

/// The order id the gateway knows an attempt by: telling which invoice it pays, unique per
/// attempt, and with `nonce` (random) unique beyond this database too (a restored backup or a
/// staging copy on the same gateway account numbers attempts again): `MN-123-7-k3x9qa`.
pub fn order_id(invoice: i64, attempt: i64, nonce: &str) -> String {
    format!("MN-{invoice}-{attempt}-{nonce}")
}

/// After the `polls`-th status request for a pending attempt, the wait before the next: 1, 2,
/// 5, 15, 30 minutes, then hourly. `None`: stop asking (two days after creation, the gateways'
/// longest default expiry); the attempt is then failed.
pub fn next_poll(polls: u32, age: Duration) -> Option<Duration> {
    if age > Duration::days(2) {
        return None;
    }
    Some(Duration::minutes(match polls {
        0 => 1,
        1 => 2,
        2 => 5,
        3 => 15,
        4 => 30,
        _ => 60,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_midtrans_signature_is_sha512_of_the_four_fields() {
        // Computed independently: printf '%s' 'MN-1-1200150000.00SB-Mid-server-abc' | sha512sum
        assert_eq!(
            midtrans_signature("MN-1-1", "200", "150000.00", "SB-Mid-server-abc"),
            "d0875a54a3c5b0c2cb19b2cb47f4a291980d43c63cedd3ff062927aca51b5bec\
             6c00c4fabd9c0b53b64c06215d37aaaeffc82a02c7b6c98d8e1b0ff23f3c7f0b"
        );
    }

    #[test]
    fn gateway_words_mean_paid_pending_or_failed() {
        assert_eq!(midtrans_reported("settlement", None), Reported::Paid);
        assert_eq!(midtrans_reported("capture", Some("accept")), Reported::Paid);
        assert_eq!(
            midtrans_reported("capture", Some("challenge")),
            Reported::Pending
        );
        assert_eq!(midtrans_reported("pending", None), Reported::Pending);
        for failed in ["deny", "cancel", "expire", "failure"] {
            assert_eq!(midtrans_reported(failed, None), Reported::Failed);
        }
        assert_eq!(
            midtrans_reported("", None),
            Reported::Pending,
            "no status yet"
        );
        assert_eq!(midtrans_reported("something_new", None), Reported::Pending);
        assert_eq!(xendit_reported("UNKNOWN"), Reported::Pending);
        assert_eq!(xendit_reported("PAID"), Reported::Paid);
        assert_eq!(xendit_reported("SETTLED"), Reported::Paid);
        assert_eq!(xendit_reported("PENDING"), Reported::Pending);
        assert_eq!(xendit_reported("EXPIRED"), Reported::Failed);
    }

    #[test]
    fn amounts_are_read_exactly() {
        let m = |v: serde_json::Value| gateway_amount(&v);
        assert_eq!(m("150000.00".into()), Some(Money::from_minor(15_000_000)));
        assert_eq!(m(150000.into()), Some(Money::from_minor(15_000_000)));
        assert_eq!(m("150000.5".into()), Some(Money::from_minor(15_000_050)));
        assert_eq!(m("abc".into()), None);
        assert_eq!(m(serde_json::Value::Null), None);
        assert_eq!(whole_amount(Money::from_minor(15_000_000)), Some(150_000));
        assert_eq!(whole_amount(Money::from_minor(15_000_050)), None);
        assert_eq!(whole_amount(Money::ZERO), None);
    }

    #[test]
    fn pending_payments_are_asked_about_less_and_less() {
        let d = |p, h| next_poll(p, Duration::hours(h));
        assert_eq!(d(0, 0), Some(Duration::minutes(1)));
        assert_eq!(d(3, 1), Some(Duration::minutes(15)));
        assert_eq!(d(9, 30), Some(Duration::minutes(60)));
        assert_eq!(d(9, 49), None);
        assert_eq!(order_id(12, 3, "k3x9qa"), "MN-12-3-k3x9qa");
    }
}
