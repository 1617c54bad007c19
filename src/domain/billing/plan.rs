//! Plans: what a provider sells.

use super::period::{Period, PeriodUnit};
use crate::domain::money::Money;
use crate::domain::validation::{FieldErrors, checked_text};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub id: i64,
    pub name: String,
    pub price: Money,
    pub period: Period,
    /// The RouterOS `/ppp/profile` the plan's clients get.
    pub ppp_profile: String,
    /// RouterOS rate limit, e.g. `10M/10M`; `None` leaves the profile unlimited.
    pub rate_limit: Option<String>,
    pub active: bool,
}

/// Plan fields as a request carries them; `None` is "not given".
#[derive(Debug, Clone, Default)]
pub struct PlanInput {
    pub name: Option<String>,
    pub price: Option<Money>,
    pub period_unit: Option<String>,
    pub period_count: Option<i64>,
    pub ppp_profile: Option<String>,
    /// `Some(None)`: clear it.
    pub rate_limit: Option<Option<String>>,
    pub active: Option<bool>,
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

fn check_profile(e: &mut FieldErrors, v: &str) -> Option<String> {
    let v = checked_text(e, "ppp_profile_name", v, 1, 64)?;
    if v.chars().all(|c| c.is_ascii_graphic()) {
        Some(v)
    } else {
        e.add(
            "ppp_profile_name",
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

fn check_period(e: &mut FieldErrors, unit: Option<&str>, count: Option<i64>) -> Option<Period> {
    let unit = match unit.map(PeriodUnit::parse) {
        None => PeriodUnit::Month,
        Some(Some(u)) => u,
        Some(None) => {
            e.add("period_unit", "must be month or day");
            return None;
        }
    };
    let max = if unit == PeriodUnit::Month { 36 } else { 366 };
    match count.unwrap_or(1) {
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

pub fn validate_new(i: &PlanInput) -> Result<Plan, FieldErrors> {
    let mut e = FieldErrors::default();
    let name = match i.name.as_deref() {
        Some(n) => checked_text(&mut e, "plan_name", n, 3, 100),
        None => {
            e.add("plan_name", "is required");
            None
        }
    };
    let price = match i.price {
        Some(p) => check_price(&mut e, p),
        None => {
            e.add("price", "is required");
            None
        }
    };
    let period = check_period(&mut e, i.period_unit.as_deref(), i.period_count);
    let profile = match i.ppp_profile.as_deref() {
        Some(p) => check_profile(&mut e, p),
        None => {
            e.add("ppp_profile_name", "is required");
            None
        }
    };
    let rate_limit = check_rate_limit(&mut e, i.rate_limit.clone().flatten().as_deref());
    match (name, price, period, profile, rate_limit) {
        (Some(name), Some(price), Some(period), Some(ppp_profile), Some(rate_limit))
            if e.is_empty() =>
        {
            Ok(Plan {
                id: 0,
                name,
                price,
                period,
                ppp_profile,
                rate_limit,
                active: i.active.unwrap_or(true),
            })
        }
        _ => Err(e),
    }
}

/// Applies the given fields to `plan`, validating each.
pub fn apply_changes(plan: &mut Plan, i: &PlanInput) -> Result<(), FieldErrors> {
    let mut e = FieldErrors::default();
    if let Some(n) = i
        .name
        .as_deref()
        .and_then(|n| checked_text(&mut e, "plan_name", n, 3, 100))
    {
        plan.name = n;
    }
    if let Some(p) = i.price.and_then(|p| check_price(&mut e, p)) {
        plan.price = p;
    }
    if (i.period_unit.is_some() || i.period_count.is_some())
        && let Some(p) = check_period(
            &mut e,
            i.period_unit.as_deref().or(Some(plan.period.unit.as_str())),
            i.period_count.or(Some(i64::from(plan.period.count))),
        )
    {
        plan.period = p;
    }
    if let Some(p) = i
        .ppp_profile
        .as_deref()
        .and_then(|p| check_profile(&mut e, p))
    {
        plan.ppp_profile = p;
    }
    if let Some(r) = &i.rate_limit
        && let Some(r) = check_rate_limit(&mut e, r.as_deref())
    {
        plan.rate_limit = r;
    }
    if let Some(a) = i.active {
        plan.active = a;
    }
    e.into_result(())
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
        let e = validate_new(&PlanInput::default()).unwrap_err();
        let fields: Vec<_> = e.0.keys().map(String::as_str).collect();
        assert_eq!(fields, ["plan_name", "ppp_profile_name", "price"]);
        let p = validate_new(&PlanInput {
            name: Some("Home 10M".into()),
            price: Some(Money::parse("100000.00").unwrap()),
            ppp_profile: Some("home-10m".into()),
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
        let mut p = validate_new(&PlanInput {
            name: Some("Home 10M".into()),
            price: Some(Money::from_minor(100)),
            ppp_profile: Some("home".into()),
            ..Default::default()
        })
        .unwrap();
        let e = apply_changes(
            &mut p,
            &PlanInput {
                price: Some(Money::from_minor(-1)),
                period_count: Some(0),
                ..Default::default()
            },
        )
        .unwrap_err();
        assert!(e.0.contains_key("price") && e.0.contains_key("period_count"));
        apply_changes(
            &mut p,
            &PlanInput {
                period_unit: Some("day".into()),
                period_count: Some(30),
                rate_limit: Some(None),
                active: Some(false),
                ..Default::default()
            },
        )
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
