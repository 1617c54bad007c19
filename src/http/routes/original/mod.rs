//! The original PHP system's later routes (`/plan`, `/subscription`, `/invoice`, `POST /client`,
//! `PUT|DELETE /client/{id}`): thin adapters that read the original bodies, call the same
//! services as our own routes, and answer in the original envelopes, field names and status
//! words. The mapping is described in the README, "The original system's routes".

pub mod clients;
pub mod invoices;
pub mod plans;
pub mod subscriptions;

use axum::Router;
use axum::routing::{delete, get};
use chrono::NaiveDate;

use crate::app::AppState;
use crate::domain::billing::invoice::InvoiceStatus;
use crate::domain::billing::subscription::Status;
use crate::storage::repo::invoices::Invoice;

/// The original routes that share no path with ours. (`/client` and `/client/{id}` are
/// registered beside the README's routes on the same paths.)
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/plan", get(plans::list).post(plans::create))
        .route(
            "/plan/{id}",
            get(plans::get).put(plans::update).delete(plans::delete),
        )
        .route(
            "/subscription",
            get(subscriptions::list).post(subscriptions::create),
        )
        .route(
            "/subscription/{id}",
            get(subscriptions::get)
                .put(subscriptions::update)
                .delete(subscriptions::delete),
        )
        .route("/invoice", get(invoices::list).post(invoices::create))
        .route("/invoice/auto", get(invoices::auto).post(invoices::auto))
        .route("/invoice/{id}", get(invoices::get).put(invoices::update))
        .route("/invoice/delete/{id}", delete(invoices::delete))
        .route(
            "/client/{id}/connection/{action}",
            get(clients::connection).post(clients::connection),
        )
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
            .into_iter()
            .map(subscription_status_out)
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
                id: 1,
                year: 2025,
                seq: 1,
                client_id: 1,
                subscription_id: 1,
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
