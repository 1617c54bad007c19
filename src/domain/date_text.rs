//! Calendar dates as `YYYY-MM-DD` text, written by hand: the database layer binds millions of
//! them in an import and every JSON answer carries some, and chrono's format-string path was a
//! measurable share of both (see the README's benchmark notes).

use chrono::{Datelike, NaiveDate};

/// `d` as the ten bytes `YYYY-MM-DD`, for years 0 to 9999 (None outside: callers fall back to
/// chrono, which writes a sign and more digits).
pub fn ymd(d: NaiveDate) -> Option<[u8; 10]> {
    let year = u32::try_from(d.year()).ok().filter(|y| *y <= 9999)?;
    let mut b = *b"0000-00-00";
    let digits = |b: &mut [u8], mut v: u32| {
        for c in b.iter_mut().rev() {
            *c = b'0' + (v % 10) as u8;
            v /= 10;
        }
    };
    digits(&mut b[0..4], year);
    digits(&mut b[5..7], d.month());
    digits(&mut b[8..10], d.day());
    Some(b)
}

/// [`ymd`] as a `&str` view of its bytes.
pub fn ymd_str(b: &[u8; 10]) -> &str {
    // Only ASCII digits and dashes are ever written.
    std::str::from_utf8(b).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_what_chrono_writes_within_four_digit_years() {
        for (y, m, d) in [
            (2024, 2, 29),
            (1, 1, 1),
            (9999, 12, 31),
            (2026, 1, 9),
            (0, 3, 4),
        ] {
            let date = NaiveDate::from_ymd_opt(y, m, d).unwrap();
            let b = ymd(date).unwrap();
            assert_eq!(ymd_str(&b), date.format("%Y-%m-%d").to_string());
        }
        assert_eq!(ymd(NaiveDate::from_ymd_opt(10_000, 1, 1).unwrap()), None);
        assert_eq!(ymd(NaiveDate::from_ymd_opt(-1, 1, 1).unwrap()), None);
    }
}
