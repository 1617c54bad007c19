//! Subscriptions: a client on a plan for a run of periods, and the status rules.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;
use utoipa::ToSchema;

use super::invoice::Invoice;
use super::period::Period;
use crate::domain::ids::{ClientId, PlanId, SubscriptionId};
use crate::domain::validation::FieldErrors;
use crate::words;

words! {
    pub enum Status {
        Active = "active",
        /// Cut off for non-payment (or held by an operator).
        Suspended = "suspended",
        Expired = "expired",
        Cancelled = "cancelled",
    }
}

impl Status {
    /// Whether an operator may move a subscription from `self` to `to`. Cancellation is final:
    /// a cancelled client who returns gets a new subscription, so the history stays readable.
    pub fn may_become(self, to: Status) -> bool {
        self != to && self != Status::Cancelled
    }

    /// Whether a subscription in this status keeps its client's secret cut off.
    pub fn cuts_off(self) -> bool {
        matches!(
            self,
            Status::Suspended | Status::Expired | Status::Cancelled
        )
    }
}

/// The subscription that decides a client's secret, as the router sync picks it: the active
/// one (the latest of several), else the latest.
pub fn deciding(subs: &[Subscription]) -> Option<&Subscription> {
    subs.iter()
        .filter(|s| s.status == Status::Active)
        .max_by_key(|s| s.id)
        .or_else(|| subs.iter().max_by_key(|s| s.id))
}

/// Why `end_date` may not become `new_end`, given the subscription's invoices that are not
/// void: invoiced periods must never overlap. The next period starts the day after the end
/// date, so while an invoice is open the end date stays (that invoice is the next period), and
/// it never moves back into a period already invoiced. Moving it later is always fine.
pub fn end_date_conflict(billed: &[Invoice], new_end: NaiveDate) -> Option<String> {
    if let Some(open) = billed.iter().find(|i| i.status.is_open()) {
        return Some(format!(
            "invoice {} for {} to {} is open; record its payment or void it before changing \
             end_date",
            open.number(),
            open.period_start,
            open.period_end
        ));
    }
    let last = billed.iter().max_by_key(|i| i.period_end)?;
    (new_end < last.period_end).then(|| {
        format!(
            "the subscription is invoiced to {} (invoice {}); end_date cannot be earlier",
            last.period_end,
            last.number()
        )
    })
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscription {
    pub id: SubscriptionId,
    pub client_id: ClientId,
    pub plan_id: PlanId,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub status: Status,
}

/// A subscription's fields as a request carries them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"client_id": 1, "plan_id": 1, "start_date": "2024-01-01", "end_date": "2024-01-31", "status": "active", "reason": "signed up at the office"}))]
pub struct SubscriptionDraft {
    pub client_id: Option<ClientId>,
    pub plan_id: Option<PlanId>,
    #[schema(example = "2024-01-01")]
    pub start_date: Option<NaiveDate>,
    /// Defaults to one billing period after `start_date`.
    #[schema(example = "2024-12-31")]
    pub end_date: Option<NaiveDate>,
    /// `active` (default), `suspended`, `expired` or `cancelled`.
    #[schema(example = "active")]
    pub status: Option<String>,
    /// Why the status changes, kept in the history.
    pub reason: Option<String>,
}

impl crate::domain::Draft for SubscriptionDraft {
    const REQUIRED: &'static [&'static str] = &["client_id", "plan_id", "start_date"];
}

fn parse_status(e: &mut FieldErrors, s: Option<&str>) -> Option<Status> {
    let s = s?;
    let st = Status::parse(s);
    if st.is_none() {
        e.add(
            "status",
            "must be one of active, suspended, expired, cancelled",
        );
    }
    st
}

impl Subscription {
    /// Validates a new subscription on a plan whose billing period is `period` (the caller
    /// looked up `d.plan_id`). Without an end date it runs one period.
    pub fn validate(d: &SubscriptionDraft, period: Period) -> Result<Subscription, FieldErrors> {
        let mut e = FieldErrors::default();
        for (field, given) in [
            ("client_id", d.client_id.is_some()),
            ("plan_id", d.plan_id.is_some()),
            ("start_date", d.start_date.is_some()),
        ] {
            if !given {
                e.add(field, "is required");
            }
        }
        let status = parse_status(&mut e, d.status.as_deref()).unwrap_or(Status::Active);
        if status == Status::Cancelled {
            e.add("status", "a new subscription cannot be cancelled");
        }
        crate::domain::validation::reason(&mut e, "reason", d.reason.as_deref());
        let (Some(client_id), Some(plan_id)) = (d.client_id, d.plan_id) else {
            return Err(e);
        };
        let (start_date, end_date) = dates(d.start_date, d.end_date, period)?;
        e.into_result(Subscription {
            id: SubscriptionId(0),
            client_id,
            plan_id,
            start_date,
            end_date,
            status,
        })
    }

    /// Applies the given fields: plan, dates, a status the rules allow. `client_id` may be
    /// sent back unchanged but never changed. All or nothing; returns the reason given.
    pub fn patch(&mut self, d: &SubscriptionDraft) -> Result<Option<String>, FieldErrors> {
        let mut e = FieldErrors::default();
        if d.client_id.is_some_and(|c| c != self.client_id) {
            e.add(
                "client_id",
                "a subscription cannot move to another client; create a new one",
            );
        }
        let mut next = self.clone();
        if let Some(p) = d.plan_id {
            next.plan_id = p;
        }
        next.start_date = d.start_date.unwrap_or(next.start_date);
        next.end_date = d.end_date.unwrap_or(next.end_date);
        if next.end_date < next.start_date {
            e.add("end_date", "must not be before start_date");
        }
        if let Some(to) = parse_status(&mut e, d.status.as_deref())
            && to != next.status
        {
            if next.status.may_become(to) {
                next.status = to;
            } else {
                e.add(
                    "status",
                    format!(
                        "a {} subscription cannot become {}",
                        next.status.as_str(),
                        to.as_str()
                    ),
                );
            }
        }
        let reason = crate::domain::validation::reason(&mut e, "reason", d.reason.as_deref());
        e.into_result(())?;
        *self = next;
        Ok(reason)
    }
}

/// A subscription with its client's name and its plan's name and price, as the original
/// system's routes show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedSubscription {
    pub subscription: Subscription,
    pub client_name: String,
    pub plan_name: String,
    pub price: crate::domain::money::Money,
}

/// What a listing of subscriptions asks for.
#[derive(Debug, Clone, Default)]
pub struct SubscriptionFilter {
    pub client_id: Option<ClientId>,
    pub status: Option<Status>,
}

words! {
    /// What a subscription's history records.
    pub enum EventKind {
        Created = "created",
        Updated = "updated",
        StatusChanged = "status_changed",
        Renewed = "renewed",
        Suspended = "suspended",
        Reactivated = "reactivated",
    }
}

/// One entry of a subscription's history: who (a username, or `system:…`), when, why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub subscription_id: SubscriptionId,
    pub client_id: ClientId,
    pub kind: EventKind,
    pub from_status: Option<Status>,
    pub to_status: Option<Status>,
    pub old_end_date: Option<NaiveDate>,
    pub new_end_date: Option<NaiveDate>,
    pub actor: String,
    pub reason: Option<String>,
    pub at: DateTime<Utc>,
}

/// Checks the dates of a new subscription; without an end date it runs one period.
pub fn dates(
    start: Option<NaiveDate>,
    end: Option<NaiveDate>,
    period: Period,
) -> Result<(NaiveDate, NaiveDate), FieldErrors> {
    let Some(start) = start else {
        return Err(FieldErrors::single("start_date", "is required"));
    };
    let end = match end {
        Some(end) => end,
        None => period
            .first_end(start)
            .ok_or_else(|| FieldErrors::single("start_date", "is out of range"))?,
    };
    if end < start {
        return Err(FieldErrors::single(
            "end_date",
            "must not be before start_date",
        ));
    }
    Ok((start, end))
}

/// The instant before which a suspension must have begun for the subscription to expire in
/// `date`'s run, counting calendar days in `tz`: suspended on local day D, it expires on day
/// D + `days`. None for `days` 0 (never).
pub fn expiry_cutoff(date: NaiveDate, days: u32, tz: chrono_tz::Tz) -> Option<DateTime<Utc>> {
    if days == 0 {
        return None;
    }
    let first_kept = date.checked_sub_days(chrono::Days::new(u64::from(days) - 1))?;
    super::period::day_start(first_kept, tz)
}

/// What happens to a subscription when one of its invoices becomes fully paid: the end date
/// moves to the end of the period that invoice covered (never backwards), and a subscription
/// cut off for non-payment comes back unless something else still holds it.
pub fn on_invoice_paid(
    sub: &Subscription,
    period_end: NaiveDate,
    still_overdue: bool,
) -> (NaiveDate, Status) {
    let end = sub.end_date.max(period_end);
    let status = if sub.status == Status::Suspended && !still_overdue {
        Status::Active
    } else {
        sub.status
    };
    (end, status)
}

/// What happens to a subscription when one of its invoices, due on `due`, is voided: a
/// subscription cut off while that invoice was past due (`due` on or before `cutoff`) comes
/// back unless another invoice is still past due. The end date stays: the voided period is
/// billable again, and generation issues it anew.
pub fn on_invoice_voided(
    sub: &Subscription,
    due: NaiveDate,
    cutoff: Option<NaiveDate>,
    still_overdue: bool,
) -> (NaiveDate, Status) {
    let was_past_due = cutoff.is_some_and(|c| due <= c);
    let status = if sub.status == Status::Suspended && was_past_due && !still_overdue {
        Status::Active
    } else {
        sub.status
    };
    (sub.end_date, status)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_counts_calendar_days_in_the_providers_zone() {
        let jakarta = chrono_tz::Asia::Jakarta;
        assert_eq!(expiry_cutoff(d("2024-04-02"), 0, jakarta), None, "never");
        // Suspended on 3 March (Jakarta) with 30 days: expires in the run of 2 April.
        let cutoff = expiry_cutoff(d("2024-04-02"), 30, jakarta).unwrap();
        assert_eq!(cutoff.to_rfc3339(), "2024-03-03T17:00:00+00:00");
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        assert!(at("2024-03-03T23:59:00+07:00") < cutoff, "3 March expires");
        assert!(
            at("2024-03-04T00:00:00+07:00") >= cutoff,
            "4 March waits a day"
        );
        // One day: suspended yesterday expires today; across a leap day too.
        let cutoff = expiry_cutoff(d("2024-03-01"), 1, chrono_tz::UTC).unwrap();
        assert_eq!(cutoff.to_rfc3339(), "2024-03-01T00:00:00+00:00");
        // A zone whose midnight is skipped (Santiago, 2024-09-08) starts that day at 01:00.
        let cutoff = expiry_cutoff(d("2024-09-08"), 1, chrono_tz::America::Santiago).unwrap();
        assert_eq!(cutoff.to_rfc3339(), "2024-09-08T04:00:00+00:00");
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn sub(status: Status) -> Subscription {
        Subscription {
            id: SubscriptionId(1),
            client_id: ClientId(1),
            plan_id: PlanId(1),
            start_date: d("2024-01-01"),
            end_date: d("2024-12-31"),
            status,
        }
    }

    #[test]
    fn statuses_and_transitions() {
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Some(*s));
        }
        assert_eq!(Status::parse("inactive"), None);
        assert!(Status::Active.may_become(Status::Suspended));
        assert!(Status::Suspended.may_become(Status::Active));
        assert!(!Status::Cancelled.may_become(Status::Active));
        assert!(!Status::Active.may_become(Status::Active));
    }

    #[test]
    fn end_date_moves_only_where_no_period_overlaps() {
        use crate::domain::billing::invoice::InvoiceStatus;
        use crate::domain::ids::InvoiceId;
        use crate::domain::money::Money;
        let inv = |seq: i64, start: &str, end: &str, status: InvoiceStatus| Invoice {
            id: InvoiceId(seq),
            year: 2024,
            seq,
            client_id: ClientId(1),
            subscription_id: SubscriptionId(1),
            period_start: d(start),
            period_end: d(end),
            invoice_date: d("2024-01-27"),
            due_date: d("2024-02-03"),
            total: Money::from_minor(100),
            paid: Money::ZERO,
            status,
        };
        assert_eq!(end_date_conflict(&[], d("2020-01-01")), None);
        let open = [inv(
            1,
            "2024-02-01",
            "2024-02-29",
            InvoiceStatus::PartiallyPaid,
        )];
        let why = end_date_conflict(&open, d("2024-03-31")).unwrap();
        assert!(
            why.contains("INV-2024-000001") && why.contains("open"),
            "{why}"
        );
        let paid = [
            inv(1, "2024-02-01", "2024-02-29", InvoiceStatus::Paid),
            inv(2, "2024-01-01", "2024-01-31", InvoiceStatus::Paid),
        ];
        let why = end_date_conflict(&paid, d("2024-02-28")).unwrap();
        assert!(why.contains("2024-02-29"), "{why}");
        assert_eq!(end_date_conflict(&paid, d("2024-02-29")), None);
        assert_eq!(end_date_conflict(&paid, d("2024-03-10")), None);
        assert!(Status::Suspended.cuts_off() && Status::Cancelled.cuts_off());
        assert!(!Status::Active.cuts_off());
    }

    #[test]
    fn default_end_is_one_period() {
        assert_eq!(
            dates(Some(d("2024-01-01")), None, Period::MONTHLY).unwrap(),
            (d("2024-01-01"), d("2024-01-31"))
        );
        assert_eq!(
            dates(
                Some(d("2024-01-01")),
                Some(d("2024-12-31")),
                Period::MONTHLY
            )
            .unwrap()
            .1,
            d("2024-12-31")
        );
        assert!(
            dates(None, None, Period::MONTHLY)
                .unwrap_err()
                .0
                .contains_key("start_date")
        );
        assert!(
            dates(
                Some(d("2024-02-01")),
                Some(d("2024-01-31")),
                Period::MONTHLY
            )
            .unwrap_err()
            .0
            .contains_key("end_date")
        );
    }

    #[test]
    fn voiding_the_invoice_past_due_lifts_its_cut_off_only() {
        let s = sub(Status::Suspended);
        let c = Some(d("2024-02-10"));
        assert_eq!(
            on_invoice_voided(&s, d("2024-02-04"), c, false).1,
            Status::Active
        );
        assert_eq!(
            on_invoice_voided(&s, d("2024-02-04"), c, false).0,
            s.end_date
        );
        // Another invoice still past due, or this one not yet due: it stays cut off.
        assert_eq!(
            on_invoice_voided(&s, d("2024-02-04"), c, true).1,
            Status::Suspended
        );
        assert_eq!(
            on_invoice_voided(&s, d("2024-02-20"), c, false).1,
            Status::Suspended
        );
        let active = sub(Status::Active);
        assert_eq!(
            on_invoice_voided(&active, d("2024-02-04"), c, false).1,
            Status::Active
        );
    }

    #[test]
    fn payment_renews_from_the_old_end_date_and_lifts_a_cut_off() {
        let (end, status) = on_invoice_paid(&sub(Status::Suspended), d("2025-01-31"), false);
        assert_eq!((end, status), (d("2025-01-31"), Status::Active));
        let (_, status) = on_invoice_paid(&sub(Status::Suspended), d("2025-01-31"), true);
        assert_eq!(
            status,
            Status::Suspended,
            "another overdue invoice keeps it cut off"
        );
        let (end, _) = on_invoice_paid(&sub(Status::Active), d("2024-06-30"), false);
        assert_eq!(
            end,
            d("2024-12-31"),
            "an old invoice paid late never moves the end back"
        );
        let (_, status) = on_invoice_paid(&sub(Status::Cancelled), d("2025-01-31"), false);
        assert_eq!(status, Status::Cancelled);
    }
}
