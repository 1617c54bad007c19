//! How an overdue invoice is collected: the grace before the cut-off, what the cut-off does
//! (cut off, or throttle to a low-rate profile), and the two things that hold it off (an
//! exemption, a promise to pay). Per plan and per client: the client's terms override the
//! plan's, the plan's the global grace setting.

use chrono::{Days, NaiveDate};
use serde::Deserialize;
use utoipa::ToSchema;

use super::invoice::overdue_cutoff;
use crate::domain::validation::{FieldErrors, checked_days, double_option};
use crate::words;

words! {
    /// What the cut-off run does to a subscription past due plus grace. Either way the
    /// subscription is `suspended` (billing treats both alike: a payment brings it back);
    /// only the router differs.
    pub enum OverdueAction {
        /// The router's suspend mode: the secret disabled, or moved to its isolation profile.
        CutOff = "cut_off",
        /// The secret stays enabled, moved to the plan's `throttle_profile` (a low rate).
        Throttle = "throttle",
    }
}

/// The furthest ahead a promise to pay may hold a cut-off off.
pub const MAX_PROMISE_DAYS: u64 = 60;

/// Grace and cut-off action, each `None` where the next level decides (client → plan →
/// global setting; the action defaults to `cut_off`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Terms {
    pub grace_days: Option<u32>,
    pub overdue_action: Option<OverdueAction>,
}

/// The fields of [`Terms`] as a request carries them; `null` clears one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"grace_days": 5, "overdue_action": "throttle"}))]
pub struct TermsDraft {
    /// Days after the due date before the cut-off; `null`: the plan's, else the global one.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i64>, example = 5)]
    pub grace_days: Option<Option<i64>>,
    /// `cut_off` or `throttle`; `null`: the plan's, else `cut_off`.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, example = "throttle")]
    pub overdue_action: Option<Option<String>>,
}

impl Terms {
    /// Applies the given fields, each validated into `e` (under their own names).
    pub fn merge(
        &mut self,
        e: &mut FieldErrors,
        grace_days: Option<Option<i64>>,
        action: Option<&Option<String>>,
    ) {
        match grace_days {
            Some(None) => self.grace_days = None,
            Some(Some(n)) => {
                if let Some(d) = checked_days(e, "grace_days", n) {
                    self.grace_days = Some(d);
                }
            }
            None => {}
        }
        if let Some(a) = action {
            match a.as_deref().map(str::trim) {
                None | Some("") => self.overdue_action = None,
                Some(w) => match OverdueAction::parse(w) {
                    Some(a) => self.overdue_action = Some(a),
                    None => e.add("overdue_action", "must be cut_off or throttle"),
                },
            }
        }
    }

    /// Applies a draft; all or nothing.
    pub fn patch(&mut self, d: &TermsDraft) -> Result<(), FieldErrors> {
        let mut e = FieldErrors::default();
        let mut next = *self;
        next.merge(&mut e, d.grace_days, d.overdue_action.as_ref());
        *self = e.into_result(next)?;
        Ok(())
    }

    /// These terms where set, else `under`'s.
    pub fn over(self, under: Terms) -> Terms {
        Terms {
            grace_days: self.grace_days.or(under.grace_days),
            overdue_action: self.overdue_action.or(under.overdue_action),
        }
    }
}

/// What decides a subscription's cut-off: its client's terms over its plan's, the client's
/// exemption and promise.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Collection {
    pub terms: Terms,
    pub exempt: bool,
    pub promised_until: Option<NaiveDate>,
}

impl Collection {
    /// The grace that applies, given the global setting.
    pub fn grace_days(&self, global: u32) -> u32 {
        self.terms.grace_days.unwrap_or(global)
    }

    /// Whether an exemption or a promise holds the cut-off off on `today`.
    pub fn held_off(&self, today: NaiveDate) -> bool {
        self.exempt || self.promised_until.is_some_and(|p| p >= today)
    }

    /// The latest due date that is past grace on `today`, or `None` when nothing is (also
    /// while an exemption or promise holds the cut-off off).
    pub fn cutoff(&self, today: NaiveDate, global_grace: u32) -> Option<NaiveDate> {
        if self.held_off(today) {
            return None;
        }
        overdue_cutoff(today, self.grace_days(global_grace))
    }

    /// Whether the oldest open invoice, due `oldest_due`, cuts the subscription off on `today`.
    pub fn cuts_off(&self, oldest_due: NaiveDate, today: NaiveDate, global_grace: u32) -> bool {
        self.cutoff(today, global_grace)
            .is_some_and(|c| oldest_due <= c)
    }
}

/// The day a cut-off, payment or void is decided on, with the global grace setting; each
/// subscription's [`Collection`] then decides its own cut-off date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GraceRule {
    pub today: NaiveDate,
    pub global_days: u32,
}

impl GraceRule {
    /// The latest due date past grace for a subscription with `collection`, if any.
    pub fn cutoff(self, collection: &Collection) -> Option<NaiveDate> {
        collection.cutoff(self.today, self.global_days)
    }
}

/// Checks a promise date: after `today`, at most [`MAX_PROMISE_DAYS`] ahead.
pub fn check_promise(
    e: &mut FieldErrors,
    until: Option<NaiveDate>,
    today: NaiveDate,
) -> Option<NaiveDate> {
    let Some(until) = until else {
        e.add("until", "is required");
        return None;
    };
    let latest = today.checked_add_days(Days::new(MAX_PROMISE_DAYS))?;
    if until < today || until > latest {
        e.add("until", "must be from today to 60 days ahead");
        return None;
    }
    Some(until)
}

/// What the customer portal offers a client about promising to pay: once per unpaid invoice
/// (the oldest), through a day at most `days` ahead, never over a promise that holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OwnPromise {
    /// The provider offers none (`portal_promise_days` is 0).
    Off,
    /// Nothing is owed, or the client is exempt from cut-off.
    NotNeeded,
    /// A promise holds the cut-off off through this day.
    Holding(NaiveDate),
    /// The client promised once already for the invoice they owe.
    Used,
    /// The client may promise through any day from tomorrow to `latest`.
    Offered { latest: NaiveDate },
}

impl OwnPromise {
    /// The offer for a client with `collection` on `today`: `owed` whether an invoice is open,
    /// `promised` whether the client promised for the oldest of them already.
    pub fn of(
        collection: &Collection,
        owed: bool,
        promised: bool,
        today: NaiveDate,
        days: u32,
    ) -> OwnPromise {
        if days == 0 {
            return OwnPromise::Off;
        }
        if !owed || collection.exempt {
            return OwnPromise::NotNeeded;
        }
        if let Some(d) = collection.promised_until.filter(|d| *d >= today) {
            return OwnPromise::Holding(d);
        }
        if promised {
            return OwnPromise::Used;
        }
        match today.checked_add_days(Days::new(u64::from(days))) {
            Some(latest) => OwnPromise::Offered { latest },
            None => OwnPromise::Off,
        }
    }

    /// The days offered, tomorrow first.
    pub fn days(&self, today: NaiveDate) -> Vec<NaiveDate> {
        match self {
            OwnPromise::Offered { latest } => today
                .iter_days()
                .skip(1)
                .take_while(|d| d <= latest)
                .collect(),
            _ => Vec::new(),
        }
    }

    /// Checks the day a client chose (`until`).
    pub fn check(
        &self,
        until: Option<NaiveDate>,
        today: NaiveDate,
    ) -> Result<NaiveDate, FieldErrors> {
        let refusal = match (self, until) {
            (OwnPromise::Offered { latest }, Some(u)) if u > today && u <= *latest => return Ok(u),
            (OwnPromise::Offered { .. }, Some(_)) => "must be one of the days offered",
            (OwnPromise::Offered { .. }, None) => "is required",
            (OwnPromise::Off, _) => "is not offered by the provider",
            (OwnPromise::NotNeeded, _) => "is not needed: nothing is due",
            (OwnPromise::Holding(_), _) => "is already promised",
            (OwnPromise::Used, _) => "may be promised only once per invoice",
        };
        Err(FieldErrors::single("until", refusal))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn the_clients_terms_over_the_plans_over_the_global_grace() {
        let plan = Terms {
            grace_days: Some(5),
            overdue_action: Some(OverdueAction::Throttle),
        };
        let client = Terms {
            grace_days: Some(0),
            overdue_action: None,
        };
        let both = client.over(plan);
        assert_eq!(both.grace_days, Some(0));
        assert_eq!(both.overdue_action, Some(OverdueAction::Throttle));
        let c = Collection {
            terms: Terms::default().over(plan),
            ..Default::default()
        };
        assert_eq!(c.grace_days(3), 5);
        assert_eq!(Collection::default().grace_days(3), 3);
        // Due 1 March, grace 5: 6 March is the last day to pay, 7 March cuts off.
        assert!(!c.cuts_off(d("2026-03-01"), d("2026-03-06"), 3));
        assert!(c.cuts_off(d("2026-03-01"), d("2026-03-07"), 3));
    }

    #[test]
    fn an_exemption_or_a_promise_holds_the_cut_off_off() {
        let due = d("2026-03-01");
        let exempt = Collection {
            exempt: true,
            ..Default::default()
        };
        assert!(!exempt.cuts_off(due, d("2027-01-01"), 0));
        let promised = Collection {
            promised_until: Some(d("2026-03-10")),
            ..Default::default()
        };
        assert!(
            !promised.cuts_off(due, d("2026-03-10"), 0),
            "through the day"
        );
        assert!(promised.cuts_off(due, d("2026-03-11"), 0), "then as before");
    }

    #[test]
    fn terms_validate_each_field_and_change_nothing_on_error() {
        let mut t = Terms::default();
        let e = t
            .patch(&TermsDraft {
                grace_days: Some(Some(400)),
                overdue_action: Some(Some("slow".into())),
            })
            .unwrap_err();
        assert!(e.0.contains_key("grace_days") && e.0.contains_key("overdue_action"));
        assert_eq!(t, Terms::default());
        t.patch(&TermsDraft {
            grace_days: Some(Some(2)),
            overdue_action: Some(Some("throttle".into())),
        })
        .unwrap();
        assert_eq!(t.grace_days, Some(2));
        t.patch(&TermsDraft {
            grace_days: Some(None),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(
            t,
            Terms {
                grace_days: None,
                overdue_action: Some(OverdueAction::Throttle)
            }
        );
    }

    #[test]
    fn a_client_promises_once_per_invoice_from_tomorrow_to_the_days_offered() {
        let today = d("2026-12-02");
        let owed = true;
        let plain = Collection::default();
        let offer = OwnPromise::of(&plain, owed, false, today, 3);
        assert_eq!(
            offer,
            OwnPromise::Offered {
                latest: d("2026-12-05")
            }
        );
        assert_eq!(
            offer.days(today),
            vec![d("2026-12-03"), d("2026-12-04"), d("2026-12-05")]
        );
        assert_eq!(
            offer.check(Some(d("2026-12-05")), today),
            Ok(d("2026-12-05"))
        );
        for bad in [d("2026-12-02"), d("2026-12-06")] {
            assert_eq!(
                offer.check(Some(bad), today).unwrap_err().0["until"],
                "must be one of the days offered"
            );
        }
        // Promised for this invoice already.
        assert_eq!(
            OwnPromise::of(&plain, owed, true, today, 3),
            OwnPromise::Used
        );
        let held = Collection {
            promised_until: Some(d("2026-12-02")),
            ..plain
        };
        assert_eq!(
            OwnPromise::of(&held, owed, false, today, 3),
            OwnPromise::Holding(d("2026-12-02"))
        );
        let exempt = Collection {
            exempt: true,
            ..plain
        };
        assert_eq!(
            OwnPromise::of(&exempt, owed, false, today, 3),
            OwnPromise::NotNeeded
        );
        assert_eq!(
            OwnPromise::of(&plain, false, false, today, 3),
            OwnPromise::NotNeeded
        );
        assert_eq!(
            OwnPromise::of(&plain, owed, false, today, 0),
            OwnPromise::Off
        );
        assert!(
            OwnPromise::Used
                .check(Some(d("2026-12-03")), today)
                .is_err()
        );
    }

    #[test]
    fn a_promise_is_from_today_to_sixty_days_ahead() {
        let today = d("2026-12-02");
        let mut e = FieldErrors::default();
        assert_eq!(
            check_promise(&mut e, Some(d("2026-12-09")), today),
            Some(d("2026-12-09"))
        );
        assert_eq!(check_promise(&mut e, Some(d("2026-12-01")), today), None);
        assert_eq!(check_promise(&mut e, Some(d("2027-02-01")), today), None);
        assert_eq!(check_promise(&mut e, None, today), None);
        assert!(e.0.contains_key("until"));
    }
}
