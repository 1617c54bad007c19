//! How phpNuxBill's rows map onto ours (see the README's *From phpNuxBill*): pure rules, each
//! returning what a source value becomes, or why it cannot be imported (the skip's reason).

use crate::domain::billing::invoice::DEFAULT_PAYMENT_METHODS;
use crate::domain::billing::period::{Period, PeriodUnit};
use crate::domain::billing::plan::valid_rate_limit;
use crate::domain::billing::subscription::Status;
use crate::domain::money::Money;
use crate::domain::user::Role;

/// A price as phpNuxBill stores it (a VARCHAR holding a number, e.g. `150000`, `150000.50`),
/// read exactly ([`Money::parse_decimal`]: zeros past the cents are dropped, anything else
/// past them refused); `Rp 10.000`, `abc` or a negative are refused.
pub fn price(text: &str) -> Result<Money, String> {
    match Money::parse_decimal(text) {
        Ok(m) if m >= Money::ZERO => Ok(m),
        Ok(_) => Err(format!("price '{text}' is negative")),
        Err(why) => Err(format!("price '{text}' is not a number: {why}")),
    }
}

/// One rate of `tbl_bandwidth` (`rate_down` + `rate_down_unit`) in RouterOS notation: `512k`,
/// `10M`.
fn rate(value: &str, unit: &str) -> Result<String, String> {
    let v = value.trim();
    if v.is_empty() || v.len() > 10 || !v.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("rate '{value}' is not a whole number"));
    }
    let suffix = match unit.trim().to_ascii_lowercase().as_str() {
        "kbps" | "k" => "k",
        "mbps" | "m" => "M",
        "gbps" | "g" => "G",
        "bps" | "" => "",
        _ => return Err(format!("rate unit '{unit}' is not Kbps or Mbps")),
    };
    Ok(format!("{}{suffix}", v.trim_start_matches('0').max("0")))
}

/// The RouterOS `rate-limit` of a `tbl_bandwidth` row. RouterOS reads `rx/tx` from the router's
/// side: rx is what the router receives from the client (the client's upload), tx what it
/// sends (the download), so the profile gets `up/down`, as phpNuxBill itself writes it. A
/// `burst` that is not RouterOS's burst syntax is left out, with the note saying so.
pub fn rate_limit(
    up: &str,
    up_unit: &str,
    down: &str,
    down_unit: &str,
    burst: &str,
) -> Result<(String, Option<String>), String> {
    let limit = format!("{}/{}", rate(up, up_unit)?, rate(down, down_unit)?);
    let burst = burst.trim();
    if burst.is_empty() {
        return Ok((limit, None));
    }
    let with_burst = format!("{limit} {burst}");
    if valid_rate_limit(&with_burst) {
        Ok((with_burst, None))
    } else {
        Ok((
            limit,
            Some(format!(
                "burst '{burst}' is not RouterOS's burst syntax: left out"
            )),
        ))
    }
}

/// A plan's `validity` + `validity_unit` as our billing period. `Period` (phpNuxBill's fixed
/// day of the month) becomes `validity` months: renewals run from the end date, so a
/// subscription ending on the fixed day keeps ending on it (for days 1 to 28). Minutes and
/// hours have no counterpart in a monthly billing system.
pub fn period(validity: &str, unit: &str) -> Result<(Period, Option<String>), String> {
    let count: i64 = validity
        .trim()
        .parse()
        .map_err(|_| format!("validity '{validity}' is not a whole number"))?;
    let (unit, max, note) = match unit.trim() {
        "Months" => (PeriodUnit::Month, 36, None),
        "Days" => (PeriodUnit::Day, 366, None),
        "Period" => (
            PeriodUnit::Month,
            36,
            Some(
                "a fixed day of the month: renews a month after each end date, so ends stay on \
                 that day"
                    .to_owned(),
            ),
        ),
        "Mins" | "Hrs" => {
            return Err(format!(
                "validity in {} (a hotspot-style plan) has no monthly or daily period",
                unit.trim()
            ));
        }
        other => return Err(format!("validity unit '{other}' is not known")),
    };
    if !(1..=max).contains(&count) {
        return Err(format!(
            "validity {count} {unit:?} is outside 1 to {max}",
            unit = unit.as_str()
        ));
    }
    Ok((
        Period {
            unit,
            count: count as u32,
        },
        note,
    ))
}

/// A staff member's `user_type` as our role. There is no read-only role here, so `Report`
/// becomes a cashier (who can read and record payments only), with a note.
pub fn role(user_type: &str) -> Result<(Role, Option<String>), String> {
    match user_type.trim() {
        "SuperAdmin" | "Admin" => Ok((Role::Admin, None)),
        "Sales" | "Agent" => Ok((Role::Cashier, None)),
        "Report" => Ok((
            Role::Cashier,
            Some("Report (read-only) became cashier: there is no read-only role".to_owned()),
        )),
        other => Err(format!("user type '{other}' is not known")),
    }
}

/// A customer's `status`: whether the client is held (cut off whatever billing says).
/// `Banned` and `Disabled` customers are imported held, so that nobody is reconnected by
/// the move.
pub fn held(status: &str) -> Result<bool, String> {
    match status.trim() {
        "Active" | "" => Ok(false),
        "Banned" | "Disabled" | "Inactive" => Ok(true),
        other => Err(format!("customer status '{other}' is not known")),
    }
}

/// A recharge's `status` as the subscription's: `on` is a running period, `off` an expired one.
pub fn subscription_status(status: &str) -> Result<Status, String> {
    match status.trim() {
        "on" => Ok(Status::Active),
        "off" => Ok(Status::Expired),
        other => Err(format!("recharge status '{other}' is neither on nor off")),
    }
}

/// A transaction's free-text `method` (`Admin - admin`, a gateway's name, `Customer -
/// Balance`) as one of our payment methods: a staff member's recharge was cash at the desk,
/// a bank transfer says so, everything else went through an online gateway (`e_wallet`).
pub fn payment_method(method: &str) -> &'static str {
    let m = method.trim().to_ascii_lowercase();
    let pick = if m.starts_with("admin") || m.contains("cash") || m.is_empty() {
        "cash"
    } else if m.contains("bank") || m.contains("transfer") {
        "bank_transfer"
    } else {
        "e_wallet"
    };
    DEFAULT_PAYMENT_METHODS
        .iter()
        .copied()
        .find(|p| *p == pick)
        .unwrap_or("cash")
}

/// A router's `ip_address`: `host` (the API's port, 8728) or `host:port`; an IPv6 address in
/// brackets (`[2001:db8::1]:8728`) keeps its brackets off.
pub fn host_port(text: &str) -> Result<(String, u16), String> {
    let t = text.trim();
    let bad = || format!("address '{text}' is not host or host:port");
    let (host, port) = if let Some(rest) = t.strip_prefix('[') {
        let (h, tail) = rest.split_once(']').ok_or_else(bad)?;
        match tail.strip_prefix(':') {
            Some(p) => (h, Some(p)),
            None if tail.is_empty() => (h, None),
            None => return Err(bad()),
        }
    } else if t.matches(':').count() == 1 {
        let (h, p) = t.split_once(':').ok_or_else(bad)?;
        (h, Some(p))
    } else {
        (t, None)
    };
    if host.is_empty() || host.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad());
    }
    let port = match port {
        None => 8728,
        Some(p) => p
            .parse::<u16>()
            .ok()
            .filter(|p| *p > 0)
            .ok_or_else(|| format!("port '{p}' of '{text}' is not a port number"))?,
    };
    Ok((host.to_owned(), port))
}

/// A plan's name as a RouterOS profile name of ours (ASCII letters, digits and punctuation,
/// up to 64): phpNuxBill names the router's profile after the plan, so an ASCII name is kept
/// as it is; blanks and other letters become `-`, with a note.
pub fn profile_name(plan_name: &str) -> (String, Option<String>) {
    let name: String = plan_name
        .trim()
        .chars()
        .map(|c| if c.is_ascii_graphic() { c } else { '-' })
        .take(64)
        .collect();
    let name = if name.is_empty() {
        "imported".to_owned()
    } else {
        name
    };
    if name == plan_name {
        (name, None)
    } else {
        (
            name.clone(),
            Some(format!(
                "profile named '{name}': RouterOS profile names here are ASCII without blanks"
            )),
        )
    }
}

/// Text cut to `max` characters (our columns' lengths), and whether it was cut.
pub fn fit(text: &str, max: usize) -> (String, bool) {
    let t = text.trim();
    if t.chars().count() <= max {
        (t.to_owned(), false)
    } else {
        (t.chars().take(max).collect(), true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_are_exact_and_refused_when_they_do_not_parse() {
        assert_eq!(price("150000").unwrap().minor(), 15_000_000);
        assert_eq!(price(" 150000.50 ").unwrap().minor(), 15_000_050);
        assert_eq!(price("0.10").unwrap().minor(), 10);
        assert_eq!(price("10000.500").unwrap().minor(), 1_000_050);
        assert!(price("10000.505").is_err());
        assert!(price("Rp 10.000").unwrap_err().contains("not a number"));
        assert!(price("").is_err());
        assert!(price("1e5").is_err());
        assert!(price("-5").unwrap_err().contains("negative"));
    }

    #[test]
    fn bandwidth_becomes_up_over_down_as_routeros_reads_rx_tx() {
        let (r, note) = rate_limit("2", "Mbps", "10", "Mbps", "").unwrap();
        assert_eq!((r.as_str(), note), ("2M/10M", None));
        let (r, _) = rate_limit("512", "Kbps", "2", "Mbps", "").unwrap();
        assert_eq!(r, "512k/2M");
        let (r, note) = rate_limit("1", "Mbps", "2", "Mbps", "2M/4M 1M/2M 8/8").unwrap();
        assert_eq!((r.as_str(), note), ("1M/2M 2M/4M 1M/2M 8/8", None));
        let (r, note) = rate_limit("1", "Mbps", "2", "Mbps", "fast!").unwrap();
        assert_eq!(r, "1M/2M");
        assert!(note.unwrap().contains("left out"));
        assert!(valid_rate_limit(&r));
        assert!(rate_limit("x", "Mbps", "2", "Mbps", "").is_err());
        assert!(rate_limit("1", "Tbps", "2", "Mbps", "").is_err());
    }

    #[test]
    fn validities_map_to_periods_or_say_why_not() {
        let month = |n| Period {
            unit: PeriodUnit::Month,
            count: n,
        };
        assert_eq!(period("1", "Months").unwrap(), (month(1), None));
        assert_eq!(
            period("30", "Days").unwrap().0,
            Period {
                unit: PeriodUnit::Day,
                count: 30
            }
        );
        let (p, note) = period("1", "Period").unwrap();
        assert_eq!(p, month(1));
        assert!(note.unwrap().contains("fixed day"));
        assert!(period("3", "Hrs").unwrap_err().contains("hotspot"));
        assert!(period("30", "Mins").is_err());
        assert!(period("0", "Months").unwrap_err().contains("outside"));
        assert!(period("400", "Days").is_err());
        assert!(period("1", "Weeks").is_err());
        assert!(period("one", "Months").is_err());
    }

    #[test]
    fn staff_types_map_to_roles() {
        assert_eq!(role("SuperAdmin").unwrap().0, Role::Admin);
        assert_eq!(role("Admin").unwrap().0, Role::Admin);
        assert_eq!(role("Sales").unwrap().0, Role::Cashier);
        assert_eq!(role("Agent").unwrap().0, Role::Cashier);
        let (r, note) = role("Report").unwrap();
        assert_eq!(r, Role::Cashier);
        assert!(note.unwrap().contains("read-only"));
        assert!(role("Root").is_err());
    }

    #[test]
    fn statuses_map() {
        assert_eq!(held("Active"), Ok(false));
        assert_eq!(held("Banned"), Ok(true));
        assert_eq!(held("Disabled"), Ok(true));
        assert!(held("Gone").is_err());
        assert_eq!(subscription_status("on"), Ok(Status::Active));
        assert_eq!(subscription_status("off"), Ok(Status::Expired));
        assert!(subscription_status("maybe").is_err());
        assert_eq!(payment_method("Admin - admin"), "cash");
        assert_eq!(payment_method("Bank Transfer"), "bank_transfer");
        assert_eq!(payment_method("xendit - QRIS"), "e_wallet");
    }

    #[test]
    fn router_addresses_split_into_host_and_port() {
        assert_eq!(host_port("10.0.0.1"), Ok(("10.0.0.1".into(), 8728)));
        assert_eq!(host_port("10.0.0.1:8729"), Ok(("10.0.0.1".into(), 8729)));
        assert_eq!(
            host_port("[2001:db8::1]:8000"),
            Ok(("2001:db8::1".into(), 8000))
        );
        assert_eq!(host_port("2001:db8::1"), Ok(("2001:db8::1".into(), 8728)));
        assert!(host_port("10.0.0.1:99999").is_err());
        assert!(host_port("").is_err());
        assert!(host_port("a b:1").is_err());
    }

    #[test]
    fn plan_names_become_profile_names() {
        assert_eq!(profile_name("Home-10M"), ("Home-10M".into(), None));
        let (p, note) = profile_name("Home 10 Mbps");
        assert_eq!(p, "Home-10-Mbps");
        assert!(note.is_some());
        assert_eq!(fit("abcdef", 3), ("abc".into(), true));
    }
}
