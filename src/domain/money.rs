//! Exact money: an integer count of minor units (cents, sen), never a float.
//!
//! On the wire an amount is a JSON number with two decimals (`100000.00`), as the original
//! system's clients read it; it is written from the integer, digit by digit, so no binary
//! fraction ever enters. Parsing accepts a JSON number or string with at most two decimals.

use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Money(i64);

/// Largest amount accepted from input: 10^15 minor units, far above any invoice, far below
/// where sums of many amounts could overflow an i64.
const MAX_MINOR: i64 = 1_000_000_000_000_000;

impl Money {
    pub const ZERO: Money = Money(0);

    pub fn from_minor(minor: i64) -> Money {
        Money(minor)
    }

    pub fn minor(self) -> i64 {
        self.0
    }

    pub fn checked_add(self, other: Money) -> Option<Money> {
        self.0.checked_add(other.0).map(Money)
    }

    pub fn checked_sub(self, other: Money) -> Option<Money> {
        self.0.checked_sub(other.0).map(Money)
    }

    /// Parses `123`, `123.4`, `123.45`, `-5.00`; refuses more decimals, exponents, blanks.
    pub fn parse(s: &str) -> Result<Money, &'static str> {
        const BAD: &str = "must be an amount with at most two decimals";
        let (neg, digits) = match s.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, s),
        };
        let (whole, frac) = match digits.split_once('.') {
            Some((w, f)) => (w, f),
            None => (digits, ""),
        };
        if whole.is_empty()
            || !whole.bytes().all(|b| b.is_ascii_digit())
            || !frac.bytes().all(|b| b.is_ascii_digit())
            || (digits.contains('.') && frac.is_empty())
        {
            return Err(BAD);
        }
        if frac.len() > 2 {
            return Err("must have at most two decimals");
        }
        let whole: i64 = whole.parse().map_err(|_| "is too large")?;
        let frac: i64 = format!("{frac:0<2}").parse().map_err(|_| BAD)?;
        let minor = whole
            .checked_mul(100)
            .and_then(|w| w.checked_add(frac))
            .filter(|m| *m <= MAX_MINOR)
            .ok_or("is too large")?;
        Ok(Money(if neg { -minor } else { minor }))
    }
}

impl Money {
    /// Parses a database's exact DECIMAL text (`150000.50`, `150000.5000`, `-3`, `7.`):
    /// decimals past the second must be zeros, since an amount is never rounded on the way in.
    pub fn parse_decimal(s: &str) -> Result<Money, &'static str> {
        let s = s.trim();
        let s = s.strip_prefix('+').unwrap_or(s);
        match s.split_once('.') {
            Some((whole, frac)) if frac.len() > 2 => {
                let (kept, rest) = frac.split_at(2);
                if !rest.bytes().all(|b| b == b'0') {
                    return Err("must have at most two decimals");
                }
                Money::parse(&format!("{whole}.{kept}"))
            }
            Some((whole, "")) => Money::parse(whole),
            _ => Money::parse(s),
        }
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // A raw JSON number keeps the two decimals that a float would drop (100000.00).
        match RawValue::from_string(self.to_string()) {
            Ok(raw) => raw.serialize(s),
            Err(e) => Err(serde::ser::Error::custom(e)),
        }
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Money, D::Error> {
        struct V;
        impl<'a> Visitor<'a> for V {
            type Value = Money;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an amount with at most two decimals")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Money, E> {
                Money::parse(&v.to_string()).map_err(E::custom)
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Money, E> {
                Money::parse(&v.to_string()).map_err(E::custom)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Money, E> {
                Money::parse(v.trim()).map_err(E::custom)
            }
            fn visit_map<A: de::MapAccess<'a>>(self, mut map: A) -> Result<Money, A::Error> {
                // serde_json's arbitrary-precision numbers arrive as a one-entry map holding
                // the number's exact text.
                let (_, text): (String, String) = map
                    .next_entry()?
                    .ok_or_else(|| de::Error::custom("expected a number"))?;
                Money::parse(&text).map_err(de::Error::custom)
            }
        }
        d.deserialize_any(V)
    }
}

/// In the OpenAPI document an amount is a number with at most two decimals (a string of one is
/// accepted on input too).
impl utoipa::PartialSchema for Money {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, SchemaType, Type};
        ObjectBuilder::new()
            .schema_type(SchemaType::Type(Type::Number))
            .description(Some(
                "An exact amount with at most two decimals, e.g. 150000.50",
            ))
            .examples([serde_json::json!(100000.00)])
            .into()
    }
}

impl utoipa::ToSchema for Money {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_of_a_database_stay_exact() {
        assert_eq!(Money::parse_decimal("150000.50"), Ok(Money(15_000_050)));
        assert_eq!(Money::parse_decimal("150000.5000"), Ok(Money(15_000_050)));
        assert_eq!(Money::parse_decimal("7."), Ok(Money(700)));
        assert_eq!(Money::parse_decimal(" -3 "), Ok(Money(-300)));
        assert_eq!(Money::parse_decimal("0.00"), Ok(Money(0)));
        assert!(Money::parse_decimal("1.005").is_err());
        assert!(Money::parse_decimal("abc").is_err());
        assert!(Money::parse_decimal("").is_err());
        assert!(Money::parse_decimal("1e5").is_err());
    }

    #[test]
    fn parse_and_display_are_exact() {
        for (text, minor, shown) in [
            ("100000", 10_000_000, "100000.00"),
            ("100000.00", 10_000_000, "100000.00"),
            ("0.1", 10, "0.10"),
            ("0.07", 7, "0.07"),
            ("-5.5", -550, "-5.50"),
            ("0", 0, "0.00"),
        ] {
            let m = Money::parse(text).unwrap();
            assert_eq!(m.minor(), minor, "{text}");
            assert_eq!(m.to_string(), shown, "{text}");
        }
        for bad in [
            "",
            ".5",
            "5.",
            "1.234",
            "1e3",
            "abc",
            " 5",
            "--5",
            "99999999999999999999",
        ] {
            assert!(Money::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn serializes_as_a_number_with_two_decimals() {
        let json = serde_json::to_string(&serde_json::json!({ "a": 1 })).unwrap();
        assert_eq!(json, r#"{"a":1}"#);
        #[derive(Serialize)]
        struct T {
            total_amount: Money,
        }
        let t = T {
            total_amount: Money::from_minor(10_000_000),
        };
        assert_eq!(
            serde_json::to_string(&t).unwrap(),
            r#"{"total_amount":100000.00}"#
        );
    }

    #[test]
    fn deserializes_numbers_and_strings() {
        let m: Money = serde_json::from_str("\"250000.50\"").unwrap();
        assert_eq!(m.minor(), 25_000_050);
        let m: Money = serde_json::from_str("42").unwrap();
        assert_eq!(m.minor(), 4200);
        assert!(serde_json::from_str::<Money>("true").is_err());
    }
}
