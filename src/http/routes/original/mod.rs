//! The original PHP system's later routes (`/plan`, `/subscription`, `/invoice`, `POST /client`,
//! `PUT|DELETE /client/{id}`): thin adapters that read the original bodies, call the same
//! services as our own routes, and answer in the original envelopes, field names and status
//! words. The mapping is described in the README, "The original system's routes".

pub mod clients;
pub mod invoices;
pub mod plans;
pub mod subscriptions;

use chrono::NaiveDate;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::AppState;
use crate::domain::billing::invoice::{Invoice, InvoiceStatus};
use crate::domain::billing::subscription::Status;

/// The original routes that share no path with ours. (`/client`, `/client/{id}` and
/// `/client/{id}/connection/{action}` are registered beside the README's routes.)
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(plans::list, plans::create))
        .routes(routes!(plans::get, plans::update, plans::delete))
        .routes(routes!(subscriptions::list, subscriptions::create))
        .routes(routes!(
            subscriptions::get,
            subscriptions::update,
            subscriptions::delete
        ))
        .routes(routes!(invoices::list, invoices::create))
        .routes(routes!(invoices::auto))
        .routes(routes!(invoices::get, invoices::update))
        .routes(routes!(invoices::delete))
}

/// The original system knew only `active` and `inactive`: whatever is not running is the latter.
pub fn subscription_status_out(s: Status) -> &'static str {
    if s == Status::Active {
        "active"
    } else {
        "inactive"
    }
}

/// An incoming status word in our vocabulary. `inactive` is an operator's hold, `suspended`;
/// a word that the subscription already shows (`inactive` on an expired one) changes nothing.
/// Our own words pass through to the service's rules.
pub fn subscription_status_in(word: Option<String>, current: Option<Status>) -> Option<String> {
    let word = word?;
    if current.is_some_and(|c| subscription_status_out(c) == word) {
        return None;
    }
    Some(if word == "inactive" {
        Status::Suspended.as_str().to_owned()
    } else {
        word
    })
}

/// The original's invoice words: `overdue` is derived from the due date, and part-payment is
/// still `pending` to a client that knows nothing else.
pub fn invoice_status_out(i: &Invoice, today: NaiveDate) -> &'static str {
    match i.status {
        _ if i.overdue_on(today) => "overdue",
        InvoiceStatus::Pending | InvoiceStatus::PartiallyPaid => "pending",
        s => s.as_str(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn subscription_words() {
        let out: Vec<_> = Status::ALL
            .iter()
            .map(|s| subscription_status_out(*s))
            .collect();
        assert_eq!(out, ["active", "inactive", "inactive", "inactive"]);
        let inc = |w: &str, c| subscription_status_in(Some(w.to_owned()), c);
        assert_eq!(inc("inactive", None).as_deref(), Some("suspended"));
        assert_eq!(
            inc("inactive", Some(Status::Active)).as_deref(),
            Some("suspended")
        );
        assert_eq!(inc("inactive", Some(Status::Expired)), None);
        assert_eq!(inc("active", Some(Status::Active)), None);
        assert_eq!(
            inc("active", Some(Status::Suspended)).as_deref(),
            Some("active")
        );
        assert_eq!(
            inc("cancelled", Some(Status::Active)).as_deref(),
            Some("cancelled")
        );
        assert_eq!(subscription_status_in(None, Some(Status::Active)), None);
    }

    #[test]
    fn invoice_words() {
        let today = d("2025-01-10");
        let w = |status, due: &str| {
            let i = Invoice {
                id: crate::domain::ids::InvoiceId(1),
                year: 2025,
                seq: 1,
                client_id: crate::domain::ids::ClientId(1),
                subscription_id: crate::domain::ids::SubscriptionId(1),
                period_start: d("2025-01-01"),
                period_end: d("2025-01-31"),
                invoice_date: d("2025-01-01"),
                due_date: d(due),
                total: crate::domain::money::Money::from_minor(100),
                paid: crate::domain::money::Money::ZERO,
                status,
            };
            invoice_status_out(&i, today)
        };
        assert_eq!(w(InvoiceStatus::Pending, "2025-01-10"), "pending");
        assert_eq!(w(InvoiceStatus::Pending, "2025-01-09"), "overdue");
        assert_eq!(w(InvoiceStatus::PartiallyPaid, "2025-01-11"), "pending");
        assert_eq!(w(InvoiceStatus::PartiallyPaid, "2025-01-01"), "overdue");
        assert_eq!(w(InvoiceStatus::Paid, "2025-01-01"), "paid");
        assert_eq!(w(InvoiceStatus::Void, "2025-01-01"), "void");
    }
}
