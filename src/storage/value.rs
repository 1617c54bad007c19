//! Backend-neutral parameter and row values.
//!
//! Statements are written once and executed by rusqlite (SQLite) or sqlx (MariaDB/MySQL,
//! PostgreSQL); parameters and rows cross that boundary as these values so that a repository
//! function never knows which driver ran it.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

/// The SQL type of a NULL parameter: PostgreSQL refuses a NULL typed as the wrong kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Int,
    Text,
    Date,
    Timestamp,
    Bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null(Kind),
    Int(i64),
    Text(String),
    Date(NaiveDate),
    Timestamp(DateTime<Utc>),
    Bool(bool),
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int(v)
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Text(v.to_owned())
    }
}
impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Text(v)
    }
}
impl From<&String> for Value {
    fn from(v: &String) -> Self {
        Value::Text(v.clone())
    }
}
impl From<NaiveDate> for Value {
    fn from(v: NaiveDate) -> Self {
        Value::Date(v)
    }
}
impl From<DateTime<Utc>> for Value {
    fn from(v: DateTime<Utc>) -> Self {
        Value::Timestamp(v)
    }
}
impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Bool(v)
    }
}

/// Types whose NULL has a known SQL kind.
pub trait HasKind {
    const KIND: Kind;
}
impl HasKind for i64 {
    const KIND: Kind = Kind::Int;
}
impl HasKind for String {
    const KIND: Kind = Kind::Text;
}
impl HasKind for &str {
    const KIND: Kind = Kind::Text;
}
impl HasKind for NaiveDate {
    const KIND: Kind = Kind::Date;
}
impl HasKind for DateTime<Utc> {
    const KIND: Kind = Kind::Timestamp;
}
impl HasKind for bool {
    const KIND: Kind = Kind::Bool;
}

impl<T: HasKind + Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        match v {
            Some(v) => v.into(),
            None => Value::Null(T::KIND),
        }
    }
}

/// Builds a parameter list: `params![a, b, c]`.
#[macro_export]
macro_rules! params {
    ($($v:expr),* $(,)?) => {
        &[$($crate::storage::Value::from($v)),*][..]
    };
}

/// SQLite keeps timestamps as text; this fixed-width UTC form sorts like the instant it names.
pub const TIMESTAMP_TEXT: &str = "%Y-%m-%dT%H:%M:%S%.6fZ";

fn digits(b: &[u8]) -> Option<u32> {
    b.iter().try_fold(0u32, |n, d| {
        d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
    })
}

/// `YYYY-MM-DD`, as SQLite stores dates. Hand-parsed: chrono's format-string parser was a
/// tenth of the CPU time of the client details route.
pub(crate) fn parse_date(t: &str) -> Option<NaiveDate> {
    let b = t.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let year = i32::try_from(digits(&b[0..4])?).ok()?;
    NaiveDate::from_ymd_opt(year, digits(&b[5..7])?, digits(&b[8..10])?)
}

/// [`TIMESTAMP_TEXT`] (`YYYY-MM-DDTHH:MM:SS.ffffffZ`), hand-parsed like [`parse_date`].
pub(crate) fn parse_timestamp(t: &str) -> Option<NaiveDateTime> {
    let b = t.as_bytes();
    if b.len() != 27
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b':'
        || b[19] != b'.'
        || b[26] != b'Z'
    {
        return None;
    }
    parse_date(&t[..10])?.and_hms_micro_opt(
        digits(&b[11..13])?,
        digits(&b[14..16])?,
        digits(&b[17..19])?,
        digits(&b[20..26])?,
    )
}

/// `YYYY-MM-DD`, as SQLite stores dates. Hand-written like [`parse_date`]: an import binds
/// millions of dates, and chrono's format-string path cost several seconds of them.
pub(crate) fn format_date(d: NaiveDate) -> String {
    let mut out = String::with_capacity(10);
    if !push_date(&mut out, d) {
        return d.format("%Y-%m-%d").to_string();
    }
    out
}

/// [`TIMESTAMP_TEXT`], hand-written like [`format_date`] (chrono for what is outside the
/// fixed width: years past 9999, a leap second).
pub(crate) fn format_timestamp(t: DateTime<Utc>) -> String {
    use chrono::Timelike;
    let nanos = t.nanosecond();
    let mut out = String::with_capacity(27);
    if nanos >= 1_000_000_000 || !push_date(&mut out, t.date_naive()) {
        return t.format(TIMESTAMP_TEXT).to_string();
    }
    out.push('T');
    push_digits(&mut out, t.hour(), 2);
    out.push(':');
    push_digits(&mut out, t.minute(), 2);
    out.push(':');
    push_digits(&mut out, t.second(), 2);
    out.push('.');
    push_digits(&mut out, nanos / 1_000, 6);
    out.push('Z');
    out
}

/// Appends `YYYY-MM-DD`; false (nothing appended) for a year outside 0..=9999.
fn push_date(out: &mut String, d: NaiveDate) -> bool {
    match crate::domain::date_text::ymd(d) {
        Some(b) => {
            out.push_str(crate::domain::date_text::ymd_str(&b));
            true
        }
        None => false,
    }
}

/// Appends `n` as exactly `width` decimal digits (n < 10^width).
fn push_digits(out: &mut String, n: u32, width: u32) {
    let mut div = 10u32.pow(width - 1);
    while div > 0 {
        out.push(char::from(b'0' + ((n / div) % 10) as u8));
        div /= 10;
    }
}

/// One result row, its columns in SELECT order; read it through a [`super::Cursor`].
#[derive(Debug, Clone)]
pub struct Row(pub(crate) Vec<Value>);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_parsers_agree_with_chrono() {
        for d in ["2024-02-29", "1999-12-31", "2026-01-01"] {
            assert_eq!(
                parse_date(d),
                NaiveDate::parse_from_str(d, "%Y-%m-%d").ok(),
                "{d}"
            );
        }
        for bad in [
            "2023-02-29",
            "2024-13-01",
            "2024-1-01",
            "20240101xx",
            "2024-01-0a",
            "",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
        let ts = "2026-11-25T14:48:37.000123Z";
        assert_eq!(
            parse_timestamp(ts),
            NaiveDateTime::parse_from_str(ts, TIMESTAMP_TEXT).ok()
        );
        assert_eq!(parse_timestamp("2026-11-25T24:00:00.000000Z"), None);
        for d in ["2024-02-29", "0001-01-01", "9999-12-31", "2026-01-09"] {
            let d = parse_date(d).unwrap_or_default();
            assert_eq!(format_date(d), d.format("%Y-%m-%d").to_string());
        }
        for ts in [
            "2026-11-25T14:48:37.000123Z",
            "2026-01-01T00:00:00.000000Z",
            "1999-12-31T23:59:59.999999Z",
        ] {
            let t = parse_timestamp(ts).unwrap_or_default().and_utc();
            assert_eq!(format_timestamp(t), t.format(TIMESTAMP_TEXT).to_string());
            assert_eq!(format_timestamp(t), ts);
        }
        let far = NaiveDate::from_ymd_opt(12_345, 1, 2).unwrap_or_default();
        assert_eq!(format_date(far), far.format("%Y-%m-%d").to_string());
    }

    #[test]
    fn option_none_keeps_its_kind() {
        assert_eq!(Value::from(None::<NaiveDate>), Value::Null(Kind::Date));
        assert_eq!(Value::from(Some(5i64)), Value::Int(5));
    }
}
