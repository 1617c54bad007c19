//! Plans: what a provider sells.

use serde::Deserialize;
use utoipa::ToSchema;

use super::collection::{OverdueAction, Terms};
use super::period::{Period, PeriodUnit};
use crate::domain::ids::PlanId;
use crate::domain::money::Money;
use crate::domain::notify::{Schedule, ScheduleInput};
use crate::domain::validation::{FieldErrors, checked_text, double_option};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub id: PlanId,
    pub name: String,
    pub price: Money,
    pub period: Period,
    /// The RouterOS `/ppp/profile` the plan's clients get.
    pub ppp_profile: String,
    /// RouterOS rate limit, e.g. `10M/10M`; `None` leaves the profile unlimited.
    pub rate_limit: Option<String>,
    pub active: bool,
    /// Grace and cut-off action for the plan's clients (a client's own terms come first).
    pub terms: Terms,
    /// The low-rate `/ppp/profile` a throttled client gets: one on the router, or another
    /// plan's (which the server creates).
    pub throttle_profile: Option<String>,
    /// The plan's own reminder schedule; `None`: the global one (`reminder_offsets`).
    pub reminders: Option<Schedule>,
}

/// A plan's fields as a request carries them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"plan_name": "Home 10M", "price": 150000, "period_unit": "month", "period_count": 1, "ppp_profile_name": "home-10m", "rate_limit": "10M/10M", "active": true}))]
pub struct PlanDraft {
    #[schema(example = "Home 10M")]
    pub plan_name: Option<String>,
    /// A number or a string with at most two decimals.
    pub price: Option<Money>,
    /// `month` (default) or `day`.
    #[schema(example = "month")]
    pub period_unit: Option<String>,
    /// How many units one period lasts (default 1).
    #[schema(example = 1)]
    pub period_count: Option<i64>,
    #[schema(example = "home-10m")]
    pub ppp_profile_name: Option<String>,
    /// RouterOS rate limit, e.g. `10M/10M`; `null` clears it.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, example = "10M/10M")]
    pub rate_limit: Option<Option<String>>,
    pub active: Option<bool>,
    /// Days after the due date before the cut-off; `null`: the global setting.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i64>, example = 3)]
    pub grace_days: Option<Option<i64>>,
    /// `cut_off` (default) or `throttle`: what the cut-off does to this plan's clients.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, example = "cut_off")]
    pub overdue_action: Option<Option<String>>,
    /// The low-rate profile a throttled client gets; required for `throttle`.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, example = "throttle-1m")]
    pub throttle_profile: Option<Option<String>>,
    /// The plan's own reminder days from the due date (`[-3, 0, 1, 3]`, or a text `-3,0,1,3`;
    /// `[]` sends none); `null`: the global schedule.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Vec<i64>>, example = json!([-3, 0, 2]))]
    pub reminder_offsets: Option<Option<ScheduleInput>>,
}

impl crate::domain::Draft for PlanDraft {
    const REQUIRED: &'static [&'static str] = &["plan_name", "price", "ppp_profile_name"];
}

/// RouterOS rate limits: `rx/tx` with optional bursts, e.g. `10M/10M`, `512k/2M 1M/4M 768k/3M 8/8`.
pub fn valid_rate_limit(s: &str) -> bool {
    let rate = |r: &str| {
        let digits = r.trim_end_matches(['k', 'K', 'M', 'G']);
        !digits.is_empty()
            && digits.len() <= 10
            && digits.bytes().all(|b| b.is_ascii_digit())
            && r.len() - digits.len() <= 1
    };
    let pair = |p: &str| p.split_once('/').is_some_and(|(a, b)| rate(a) && rate(b));
    let parts: Vec<_> = s.split(' ').collect();
    !parts.is_empty()
        && parts.len() <= 5
        && parts.iter().all(|p| pair(p) || (p.len() <= 3 && rate(p)))
        && pair(parts[0])
}

fn check_profile(e: &mut FieldErrors, field: &str, v: &str) -> Option<String> {
    let v = checked_text(e, field, v, 1, 64)?;
    if v.chars().all(|c| c.is_ascii_graphic()) {
        Some(v)
    } else {
        e.add(
            field,
            "may contain only ASCII letters, digits and punctuation",
        );
        None
    }
}

fn check_price(e: &mut FieldErrors, price: Money) -> Option<Money> {
    if price < Money::ZERO {
        e.add("price", "must not be negative");
        None
    } else {
        Some(price)
    }
}

fn check_period(e: &mut FieldErrors, unit: &str, count: i64) -> Option<Period> {
    let unit = match unit {
        "month" | "months" => PeriodUnit::Month,
        "day" | "days" => PeriodUnit::Day,
        _ => {
            e.add("period_unit", "must be month or day");
            return None;
        }
    };
    let max = if unit == PeriodUnit::Month { 36 } else { 366 };
    match count {
        n if (1..=max).contains(&n) => Some(Period {
            unit,
            count: n as u32,
        }),
        _ => {
            e.add("period_count", format!("must be from 1 to {max}"));
            None
        }
    }
}

fn check_rate_limit(e: &mut FieldErrors, v: Option<&str>) -> Option<Option<String>> {
    match v.map(str::trim) {
        None | Some("") => Some(None),
        Some(r) if valid_rate_limit(r) => Some(Some(r.to_owned())),
        Some(_) => {
            e.add(
                "rate_limit",
                "must be a RouterOS rate limit such as 10M/10M",
            );
            None
        }
    }
}

impl Plan {
    /// Validates a new plan: name, price and profile are required.
    pub fn validate(d: &PlanDraft) -> Result<Plan, FieldErrors> {
        let mut e = FieldErrors::default();
        for (field, given) in [
            ("plan_name", d.plan_name.is_some()),
            ("price", d.price.is_some()),
            ("ppp_profile_name", d.ppp_profile_name.is_some()),
        ] {
            if !given {
                e.add(field, "is required");
            }
        }
        let blank = Plan {
            id: PlanId(0),
            name: String::new(),
            price: Money::ZERO,
            period: Period::MONTHLY,
            ppp_profile: String::new(),
            rate_limit: None,
            active: true,
            terms: Terms::default(),
            throttle_profile: None,
            reminders: None,
        };
        blank.merged(d, e)
    }

    /// Applies the given fields, each validated; all or nothing.
    pub fn patch(&mut self, d: &PlanDraft) -> Result<(), FieldErrors> {
        *self = self.clone().merged(d, FieldErrors::default())?;
        Ok(())
    }

    fn merged(mut self, d: &PlanDraft, mut e: FieldErrors) -> Result<Plan, FieldErrors> {
        if let Some(n) = d
            .plan_name
            .as_deref()
            .and_then(|n| checked_text(&mut e, "plan_name", n, 3, 100))
        {
            self.name = n;
        }
        if let Some(p) = d.price.and_then(|p| check_price(&mut e, p)) {
            self.price = p;
        }
        if (d.period_unit.is_some() || d.period_count.is_some())
            && let Some(p) = check_period(
                &mut e,
                d.period_unit
                    .as_deref()
                    .unwrap_or(self.period.unit.as_str()),
                d.period_count.unwrap_or(i64::from(self.period.count)),
            )
        {
            self.period = p;
        }
        if let Some(p) = d
            .ppp_profile_name
            .as_deref()
            .and_then(|p| check_profile(&mut e, "ppp_profile_name", p))
        {
            self.ppp_profile = p;
        }
        if let Some(r) = &d.rate_limit
            && let Some(r) = check_rate_limit(&mut e, r.as_deref())
        {
            self.rate_limit = r;
        }
        if let Some(a) = d.active {
            self.active = a;
        }
        self.terms
            .merge(&mut e, d.grace_days, d.overdue_action.as_ref());
        match d
            .throttle_profile
            .as_ref()
            .map(|p| p.as_deref().map(str::trim))
        {
            Some(None | Some("")) => self.throttle_profile = None,
            Some(Some(p)) => {
                if let Some(p) = check_profile(&mut e, "throttle_profile", p) {
                    self.throttle_profile = Some(p);
                }
            }
            None => {}
        }
        match &d.reminder_offsets {
            Some(None) => self.reminders = None,
            Some(Some(given)) => match given.schedule() {
                Ok(s) => self.reminders = Some(s),
                Err(m) => e.add("reminder_offsets", m),
            },
            None => {}
        }
        if self.terms.overdue_action == Some(OverdueAction::Throttle)
            && self.throttle_profile.is_none()
            && !e.0.contains_key("throttle_profile")
        {
            e.add(
                "throttle_profile",
                "is required when overdue_action is throttle",
            );
        }
        e.into_result(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_limits_as_routeros_writes_them() {
        for ok in [
            "10M/10M",
            "512k/2M",
            "1G/1G",
            "512k/2M 1M/4M 768k/3M 8/8",
            "64000/64000",
        ] {
            assert!(valid_rate_limit(ok), "{ok}");
        }
        for bad in [
            "", "10M", "10X/10M", "fast", "10M/", "/10M", "10M/10M;", "1.5M/1M",
        ] {
            assert!(!valid_rate_limit(bad), "{bad}");
        }
    }

    #[test]
    fn a_plan_needs_name_price_and_profile() {
        let e = Plan::validate(&PlanDraft::default()).unwrap_err();
        let fields: Vec<_> = e.0.keys().map(String::as_str).collect();
        assert_eq!(fields, ["plan_name", "ppp_profile_name", "price"]);
        let p = Plan::validate(&PlanDraft {
            plan_name: Some("Home 10M".into()),
            price: Some(Money::parse("100000.00").unwrap()),
            ppp_profile_name: Some("home-10m".into()),
            rate_limit: Some(Some("10M/10M".into())),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(p.period, Period::MONTHLY);
        assert!(p.active);
        assert_eq!(p.price.minor(), 10_000_000);
    }

    #[test]
    fn changes_validate_each_field() {
        let mut p = Plan::validate(&PlanDraft {
            plan_name: Some("Home 10M".into()),
            price: Some(Money::from_minor(100)),
            ppp_profile_name: Some("home".into()),
            ..Default::default()
        })
        .unwrap();
        let before = p.clone();
        let e = p
            .patch(&PlanDraft {
                price: Some(Money::from_minor(-1)),
                period_count: Some(0),
                ..Default::default()
            })
            .unwrap_err();
        assert!(e.0.contains_key("price") && e.0.contains_key("period_count"));
        assert_eq!(p, before, "a refused patch changes nothing");
        p.patch(&PlanDraft {
            period_unit: Some("day".into()),
            period_count: Some(30),
            rate_limit: Some(None),
            active: Some(false),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(
            p.period,
            Period {
                unit: PeriodUnit::Day,
                count: 30
            }
        );
        assert!(!p.active);
    }
}
