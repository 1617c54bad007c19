//! Money and dates, written as each language writes them, and money read back from a form.
//!
//! Amounts are [`Money`]: an integer count of hundredths. Formatting works on that integer,
//! digit by digit; no float is involved anywhere.
//!
//! | amount (minor units) | IDR, both languages | USD, English   | USD, Indonesian   |
//! |----------------------|---------------------|----------------|-------------------|
//! | `10_000_000`         | `Rp 100.000`        | `$100,000.00`  | `US$ 100.000,00`  |
//! | `15_000_050`         | `Rp 150.000,50`     | `$150,000.50`  | `US$ 150.000,50`  |
//! | `-500_000`           | `-Rp 5.000`         | `-$5,000.00`   | `-US$ 5.000,00`   |
//!
//! Rupiah is written the Indonesian way in English text too (`Rp 100.000`), as Indonesian
//! businesses do in English documents, so an amount reads the same on both languages' invoices.
//! Sen are shown only when there are any.
//!
//! Dates are day first in both languages (`01/12/2026`, `1 December 2026`): Indonesia and
//! British English write them so, and a month-first `12/01/2026` on a due date would be misread
//! by every Indonesian reader.

use chrono::{Datelike, Month, NaiveDate, Weekday};

use super::Lang;
use crate::domain::money::Money;

/// A currency an amount is kept in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Currency {
    /// Indonesian rupiah.
    Idr,
    /// United States dollar.
    Usd,
    /// Euro.
    Eur,
    /// Singapore dollar.
    Sgd,
    /// Malaysian ringgit.
    Myr,
}

impl Currency {
    /// Every supported currency.
    pub const ALL: [Currency; 5] = [
        Currency::Idr,
        Currency::Usd,
        Currency::Eur,
        Currency::Sgd,
        Currency::Myr,
    ];

    /// The ISO 4217 code: `IDR`, `USD`, `EUR`, `SGD`, `MYR`.
    pub fn code(self) -> &'static str {
        match self {
            Currency::Idr => "IDR",
            Currency::Usd => "USD",
            Currency::Eur => "EUR",
            Currency::Sgd => "SGD",
            Currency::Myr => "MYR",
        }
    }

    /// Reads an ISO 4217 code, ignoring case and surrounding spaces: `IDR`, `idr`.
    pub fn parse(code: &str) -> Option<Currency> {
        let code = code.trim();
        Currency::ALL
            .into_iter()
            .find(|c| c.code().eq_ignore_ascii_case(code))
    }

    /// The ISO 4217 exponent: how many decimal digits the minor unit has. It is 2 for every
    /// supported currency, which is also [`Money`]'s scale (hundredths); the rupiah's sen exist
    /// in ISO 4217 though not in daily use (see [`Currency::everyday_digits`]).
    pub fn minor_digits(self) -> u32 {
        2
    }

    /// The decimals shown when an amount has no minor part: 0 for the rupiah (`Rp 100.000`),
    /// 2 for the others (`$100.00`). An amount with a minor part always shows two.
    pub fn everyday_digits(self) -> u32 {
        match self {
            Currency::Idr => 0,
            _ => 2,
        }
    }

    /// The symbol written before amounts in `lang`: `Rp`, `$` (English) or `US$` (Indonesian,
    /// where a bare `$` could be any dollar), `€`, `S$`, `RM`.
    pub fn symbol(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Currency::Idr, _) => "Rp",
            (Currency::Usd, Lang::En) => "$",
            (Currency::Usd, Lang::Id) => "US$",
            (Currency::Eur, _) => "€",
            (Currency::Sgd, _) => "S$",
            (Currency::Myr, _) => "RM",
        }
    }

    /// How amounts are written: (thousands separator, decimal separator, space after symbol).
    fn style(self, lang: Lang) -> (char, char, bool) {
        match (self, lang) {
            (Currency::Idr, _) | (_, Lang::Id) => ('.', ',', true),
            (_, Lang::En) => (',', '.', false),
        }
    }

    /// Every prefix a cashier may type for this currency, longest first.
    fn prefixes(self) -> Vec<&'static str> {
        let mut p = vec![self.code(), self.symbol(Lang::En), self.symbol(Lang::Id)];
        if self == Currency::Idr {
            p.push("Rp.");
        }
        p.sort_by_key(|s| std::cmp::Reverse(s.len()));
        p.dedup();
        p
    }
}

/// `money` with the currency's symbol, as `lang` writes it: `Rp 150.000`, `$1,500.00`,
/// `US$ 1.500,00`, `-Rp 5.000`. See the [module](self) for the conventions.
pub fn format_money(money: Money, currency: Currency, lang: Lang) -> String {
    let (_, _, space) = currency.style(lang);
    let sign = if money.minor() < 0 { "-" } else { "" };
    let sep = if space { " " } else { "" };
    format!(
        "{sign}{}{sep}{}",
        currency.symbol(lang),
        digits(money, currency, lang)
    )
}

/// `money` without a symbol, for table columns headed by the currency: `150.000`, `-5.000`,
/// `1,500.00`. [`parse_money_input`] reads it back.
pub fn format_amount(money: Money, currency: Currency, lang: Lang) -> String {
    let sign = if money.minor() < 0 { "-" } else { "" };
    format!("{sign}{}", digits(money, currency, lang))
}

/// The absolute value of `money`, grouped by thousands, with decimals where due.
fn digits(money: Money, currency: Currency, lang: Lang) -> String {
    let (group, decimal, _) = currency.style(lang);
    let abs = money.minor().unsigned_abs();
    let (whole, minor) = (abs / 100, abs % 100);
    let raw = whole.to_string();
    let mut out = String::with_capacity(raw.len() + raw.len() / 3 + 4);
    for (i, d) in raw.chars().enumerate() {
        if i > 0 && (raw.len() - i) % 3 == 0 {
            out.push(group);
        }
        out.push(d);
    }
    if minor != 0 || currency.everyday_digits() > 0 {
        out.push(decimal);
        out.push_str(&format!("{minor:02}"));
    }
    out
}

/// Refusals of [`parse_money_input`], phrased to follow the field's name.
pub(crate) mod refusal {
    pub const REQUIRED: &str = "is required";
    pub const FORMAT: &str = "must be an amount such as 150000, 150.000 or 150.000,50";
    pub const AMBIGUOUS: &str = "is ambiguous: group thousands in threes (1.500.000) and write at most two decimals (1.500.000,50)";
    pub const OTHER_CURRENCY: &str = "is in a different currency";
}

/// Reads an amount as a cashier types it into a console form.
///
/// Accepted, for IDR: `150000`, `150.000` and `1.500.000` (Indonesian thousands dots),
/// `150.000,50`, `150000,50`, `150000.50` (a lone separator followed by one or two digits is the
/// decimal separator), `150,000` and `150,000.50` (English grouping), `Rp 150.000`, `Rp150.000`,
/// `Rp. 150.000`, `IDR 150000`, `Rp 150.000,-` (the Indonesian "no sen" dash), and a leading
/// `-`. The same holds for other currencies with their symbols and codes (`$`, `US$`, `USD`…);
/// everything [`format_money`] and [`format_amount`] write is read back to the same amount.
///
/// Refused, with a reason: blanks, other characters, another currency's symbol, and
/// ambiguity: thousands not grouped in threes (`1.50.000`, `1234.567`, `0.500`), a separator
/// used for both roles (`1.500.50`), three or more decimals (`1,234.567`). Amounts above
/// [`Money::parse`]'s limit are refused too.
pub fn parse_money_input(text: &str, currency: Currency) -> Result<Money, &'static str> {
    let mut rest = text.trim();
    if rest.is_empty() {
        return Err(refusal::REQUIRED);
    }
    let mut negative = false;
    if let Some(r) = rest.strip_prefix('-') {
        negative = true;
        rest = r.trim_start();
    }
    rest = strip_symbol(rest, currency)?;
    if !negative && let Some(r) = rest.strip_prefix('-') {
        negative = true;
        rest = r.trim_start();
    }
    let number = rest
        .strip_suffix(",-")
        .or_else(|| rest.strip_suffix(".-"))
        .unwrap_or(rest);
    let canonical = canonical_number(number)?;
    let signed = if negative {
        format!("-{canonical}")
    } else {
        canonical
    };
    Money::parse(&signed)
}

/// `text` without a leading symbol or code of `currency`; an error for another currency's.
fn strip_symbol(text: &str, currency: Currency) -> Result<&str, &'static str> {
    let starts = |prefix: &str| {
        text.get(..prefix.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
    };
    if let Some(p) = currency.prefixes().into_iter().find(|p| starts(p)) {
        return Ok(text[p.len()..].trim_start());
    }
    let foreign = Currency::ALL
        .into_iter()
        .filter(|c| *c != currency)
        .flat_map(Currency::prefixes)
        .any(starts);
    if foreign {
        Err(refusal::OTHER_CURRENCY)
    } else {
        Ok(text)
    }
}

/// `1.500.000,50` and its kin as `1500000.50`, the form [`Money::parse`] reads.
fn canonical_number(text: &str) -> Result<String, &'static str> {
    let is_sep = |c: char| c == '.' || c == ',';
    if text.is_empty()
        || !text.chars().all(|c| c.is_ascii_digit() || is_sep(c))
        || !text.starts_with(|c: char| c.is_ascii_digit())
        || !text.ends_with(|c: char| c.is_ascii_digit())
        || text.contains("..")
        || text.contains(",,")
    {
        return Err(refusal::FORMAT);
    }
    let Some(last_sep) = text.rfind(is_sep) else {
        return Ok(text.to_owned());
    };
    let last = text[last_sep..].chars().next().unwrap_or('.');
    let other = if last == '.' { ',' } else { '.' };
    let (int, frac) = (&text[..last_sep], &text[last_sep + 1..]);
    if int.contains(other) || int.contains(last) {
        // Two kinds of separator (the last one is the decimal one), or one kind used several
        // times (all grouping). Either way the part before the last separator is grouped.
        let group = if int.contains(other) { other } else { last };
        if int.contains(other) && int.contains(last) {
            return Err(refusal::AMBIGUOUS);
        }
        let whole = grouped(int, group).ok_or(refusal::AMBIGUOUS)?;
        return if group == last {
            // `1.500.000`: the last separator groups as well.
            if frac.len() == 3 {
                Ok(format!("{whole}{frac}"))
            } else {
                Err(refusal::AMBIGUOUS)
            }
        } else if frac.len() <= 2 {
            Ok(format!("{whole}.{frac}"))
        } else {
            Err(refusal::AMBIGUOUS)
        };
    }
    // One separator, once: decimals when one or two digits follow, thousands when three do.
    match frac.len() {
        1 | 2 => Ok(format!("{int}.{frac}")),
        3 if grouped(int, last).is_some() => Ok(format!("{int}{frac}")),
        _ => Err(refusal::AMBIGUOUS),
    }
}

/// `1.500.000` split on `sep` as digits when it is grouped in threes, else `None`. Grouping
/// always has a group after the first, so the first has 1–3 digits and no leading zero
/// (`0.500` and `012.345` are not thousands).
fn grouped(text: &str, sep: char) -> Option<String> {
    let mut groups = text.split(sep);
    let first = groups.next()?;
    if first.is_empty() || first.len() > 3 || first.starts_with('0') {
        return None;
    }
    let mut out = first.to_owned();
    for g in groups {
        if g.len() != 3 {
            return None;
        }
        out.push_str(g);
    }
    Some(out)
}

/// How much of a date [`format_date`] writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DateStyle {
    /// `01/12/2026` in both languages (day, month, year), for tables and forms.
    Short,
    /// `1 Dec 2026`, `1 Des 2026`.
    Medium,
    /// `1 December 2026`, `1 Desember 2026`, for documents and messages.
    Long,
    /// `Tuesday, 1 December 2026`, `Selasa, 1 Desember 2026`.
    Full,
}

/// `date` in `lang`, day first; see [`DateStyle`] for each style.
pub fn format_date(date: NaiveDate, lang: Lang, style: DateStyle) -> String {
    let (d, y) = (date.day(), date.year());
    let month = month_of(date);
    match style {
        DateStyle::Short => format!("{d:02}/{:02}/{y:04}", date.month()),
        DateStyle::Medium => format!("{d} {} {y}", month_abbreviation(month, lang)),
        DateStyle::Long => format!("{d} {} {y}", month_name(month, lang)),
        DateStyle::Full => format!(
            "{}, {d} {} {y}",
            weekday_name(date.weekday(), lang),
            month_name(month, lang)
        ),
    }
}

/// A period of service, both ends included, in the long style without repeating what the ends
/// share: `1–31 December 2026`, `15 November – 14 December 2026`,
/// `15 December 2026 – 14 January 2027`; one date when both ends are the same day. Ends given
/// in the wrong order are written as given.
pub fn format_date_range(start: NaiveDate, end: NaiveDate, lang: Lang) -> String {
    let long = |d: NaiveDate| format_date(d, lang, DateStyle::Long);
    if start == end {
        long(end)
    } else if start.year() != end.year() || start > end {
        format!("{} – {}", long(start), long(end))
    } else if start.month() != end.month() {
        format!(
            "{} {} – {}",
            start.day(),
            month_name(month_of(start), lang),
            long(end)
        )
    } else {
        format!("{}–{}", start.day(), long(end))
    }
}

fn month_of(date: NaiveDate) -> Month {
    // `month()` is 1..=12 for every NaiveDate; January stands in for the impossible rest.
    Month::try_from(date.month() as u8).unwrap_or(Month::January)
}

const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const MONTHS_ID: [&str; 12] = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
];
const MONTHS_ABBR_EN: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const MONTHS_ABBR_ID: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des",
];

/// The month's name: `December`, `Desember`.
pub fn month_name(month: Month, lang: Lang) -> &'static str {
    let i = month.number_from_month() as usize - 1;
    match lang {
        Lang::En => MONTHS_EN[i],
        Lang::Id => MONTHS_ID[i],
    }
}

/// The month's three-letter abbreviation, without a dot: `Dec`, `Des`, `Aug`, `Agu`.
pub fn month_abbreviation(month: Month, lang: Lang) -> &'static str {
    let i = month.number_from_month() as usize - 1;
    match lang {
        Lang::En => MONTHS_ABBR_EN[i],
        Lang::Id => MONTHS_ABBR_ID[i],
    }
}

/// The weekday's name: `Tuesday`, `Selasa`.
pub fn weekday_name(day: Weekday, lang: Lang) -> &'static str {
    let i = day.num_days_from_monday() as usize;
    match lang {
        Lang::En => [
            "Monday",
            "Tuesday",
            "Wednesday",
            "Thursday",
            "Friday",
            "Saturday",
            "Sunday",
        ][i],
        Lang::Id => [
            "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu",
        ][i],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn m(minor: i64) -> Money {
        Money::from_minor(minor)
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn currencies_parse_by_code() {
        for c in Currency::ALL {
            assert_eq!(Currency::parse(c.code()), Some(c));
            assert_eq!(Currency::parse(&c.code().to_lowercase()), Some(c));
            assert_eq!(c.minor_digits(), 2);
        }
        assert_eq!(Currency::parse(" idr "), Some(Currency::Idr));
        assert_eq!(Currency::parse("Rp"), None);
        assert_eq!(Currency::parse(""), None);
        assert_eq!(Currency::Idr.everyday_digits(), 0);
        assert_eq!(Currency::Usd.everyday_digits(), 2);
    }

    #[test]
    fn rupiah_is_written_the_indonesian_way_in_both_languages() {
        for lang in Lang::ALL {
            for (minor, want) in [
                (10_000_000, "Rp 100.000"),
                (15_000_050, "Rp 150.000,50"),
                (-500_000, "-Rp 5.000"),
                (0, "Rp 0"),
                (5, "Rp 0,05"),
                (99_900, "Rp 999"),
                (100_000, "Rp 1.000"),
                (123_456_789_000, "Rp 1.234.567.890"),
                (i64::MIN, "-Rp 92.233.720.368.547.758,08"),
                (i64::MAX, "Rp 92.233.720.368.547.758,07"),
            ] {
                assert_eq!(format_money(m(minor), Currency::Idr, lang), want, "{minor}");
            }
        }
        assert_eq!(
            format_amount(m(-15_000_050), Currency::Idr, Lang::En),
            "-150.000,50"
        );
    }

    #[test]
    fn other_currencies_follow_the_language() {
        for (minor, cur, en, id) in [
            (10_000_000, Currency::Usd, "$100,000.00", "US$ 100.000,00"),
            (150, Currency::Usd, "$1.50", "US$ 1,50"),
            (-500_000, Currency::Usd, "-$5,000.00", "-US$ 5.000,00"),
            (
                123_456_789,
                Currency::Eur,
                "€1,234,567.89",
                "€ 1.234.567,89",
            ),
            (0, Currency::Sgd, "S$0.00", "S$ 0,00"),
            (9_999_999, Currency::Myr, "RM99,999.99", "RM 99.999,99"),
        ] {
            assert_eq!(format_money(m(minor), cur, Lang::En), en);
            assert_eq!(format_money(m(minor), cur, Lang::Id), id);
        }
        assert_eq!(
            format_amount(m(123_456_789), Currency::Usd, Lang::En),
            "1,234,567.89"
        );
        assert_eq!(
            format_amount(m(123_456_789), Currency::Usd, Lang::Id),
            "1.234.567,89"
        );
    }

    #[test]
    fn what_cashiers_type_is_read() {
        let idr = Currency::Idr;
        for (typed, minor) in [
            ("150000", 15_000_000),
            ("150.000", 15_000_000),
            ("1.500.000", 150_000_000),
            ("150.000,50", 15_000_050),
            ("150.000,5", 15_000_050),
            ("150000,50", 15_000_050),
            ("150000.50", 15_000_050),
            ("150000.5", 15_000_050),
            ("150,000", 15_000_000),
            ("150,000.50", 15_000_050),
            ("1,500,000", 150_000_000),
            ("Rp 150.000", 15_000_000),
            ("Rp150.000", 15_000_000),
            ("rp 150.000", 15_000_000),
            ("Rp. 150.000", 15_000_000),
            ("IDR 150000", 15_000_000),
            ("Rp 150.000,-", 15_000_000),
            ("150.000,-", 15_000_000),
            ("  150.000  ", 15_000_000),
            ("-Rp 5.000", -500_000),
            ("Rp -5.000", -500_000),
            ("-5000", -500_000),
            ("0", 0),
            ("0,05", 5),
            ("0.5", 50),
            ("999", 99_900),
            ("1.000", 100_000),
        ] {
            assert_eq!(parse_money_input(typed, idr), Ok(m(minor)), "{typed:?}");
        }
        assert_eq!(
            parse_money_input("$1,500.00", Currency::Usd),
            Ok(m(150_000))
        );
        assert_eq!(
            parse_money_input("US$ 1.500,00", Currency::Usd),
            Ok(m(150_000))
        );
        assert_eq!(parse_money_input("usd 12.5", Currency::Usd), Ok(m(1_250)));
        assert_eq!(parse_money_input("S$ 10", Currency::Sgd), Ok(m(1_000)));
        assert_eq!(parse_money_input("€10,00", Currency::Eur), Ok(m(1_000)));
    }

    #[test]
    fn ambiguous_and_malformed_amounts_are_refused() {
        use refusal::*;
        for (typed, why) in [
            ("", REQUIRED),
            ("   ", REQUIRED),
            ("Rp", FORMAT),
            ("-", FORMAT),
            ("abc", FORMAT),
            ("150 000", FORMAT),
            ("1e5", FORMAT),
            (".5", FORMAT),
            ("5.", FORMAT),
            ("5,", FORMAT),
            ("1..5", FORMAT),
            ("--5", FORMAT),
            ("+5", FORMAT),
            ("١٥٠", FORMAT),
            ("150.000 IDR", FORMAT),
            ("1.50.000", AMBIGUOUS),
            ("15.00.00", AMBIGUOUS),
            ("1.500.50", AMBIGUOUS),
            ("1234.567", AMBIGUOUS),
            ("1234,567", AMBIGUOUS),
            ("0.500", AMBIGUOUS),
            ("0,500", AMBIGUOUS),
            ("012.345", AMBIGUOUS),
            ("1,234.567", AMBIGUOUS),
            ("1.234,567", AMBIGUOUS),
            ("1.234,56.7", AMBIGUOUS),
            ("1,234.567,89", AMBIGUOUS),
            ("1.5000", AMBIGUOUS),
            ("$150", OTHER_CURRENCY),
            ("RM 150", OTHER_CURRENCY),
            ("USD 150", OTHER_CURRENCY),
            ("99999999999999999999", "is too large"),
            ("10.000.000.000.001", "is too large"),
        ] {
            assert_eq!(
                parse_money_input(typed, Currency::Idr),
                Err(why),
                "{typed:?}"
            );
        }
        assert_eq!(
            parse_money_input("Rp 5", Currency::Usd),
            Err(OTHER_CURRENCY)
        );
        assert_eq!(parse_money_input("S$5", Currency::Usd), Err(OTHER_CURRENCY));
    }

    #[test]
    fn dates_in_each_style() {
        let date = d("2026-12-01");
        for (style, en, id) in [
            (DateStyle::Short, "01/12/2026", "01/12/2026"),
            (DateStyle::Medium, "1 Dec 2026", "1 Des 2026"),
            (DateStyle::Long, "1 December 2026", "1 Desember 2026"),
            (
                DateStyle::Full,
                "Tuesday, 1 December 2026",
                "Selasa, 1 Desember 2026",
            ),
        ] {
            assert_eq!(format_date(date, Lang::En, style), en);
            assert_eq!(format_date(date, Lang::Id, style), id);
        }
        assert_eq!(
            format_date(d("2026-08-17"), Lang::Id, DateStyle::Full),
            "Senin, 17 Agustus 2026"
        );
        assert_eq!(
            format_date(d("0999-03-05"), Lang::En, DateStyle::Short),
            "05/03/0999"
        );
        let months: Vec<_> = (1..=12u8)
            .map(|n| month_name(Month::try_from(n).unwrap(), Lang::Id))
            .collect();
        assert_eq!(months, MONTHS_ID);
        assert_eq!(month_abbreviation(Month::August, Lang::Id), "Agu");
        assert_eq!(weekday_name(Weekday::Sun, Lang::Id), "Minggu");
        assert_eq!(weekday_name(Weekday::Fri, Lang::En), "Friday");
    }

    #[test]
    fn periods_do_not_repeat_what_their_ends_share() {
        for (start, end, en, id) in [
            (
                "2026-12-01",
                "2026-12-31",
                "1–31 December 2026",
                "1–31 Desember 2026",
            ),
            (
                "2026-11-15",
                "2026-12-14",
                "15 November – 14 December 2026",
                "15 November – 14 Desember 2026",
            ),
            (
                "2026-12-15",
                "2027-01-14",
                "15 December 2026 – 14 January 2027",
                "15 Desember 2026 – 14 Januari 2027",
            ),
            ("2026-05-01", "2026-05-01", "1 May 2026", "1 Mei 2026"),
            (
                "2026-05-09",
                "2026-05-01",
                "9 May 2026 – 1 May 2026",
                "9 Mei 2026 – 1 Mei 2026",
            ),
        ] {
            assert_eq!(format_date_range(d(start), d(end), Lang::En), en);
            assert_eq!(format_date_range(d(start), d(end), Lang::Id), id);
        }
    }

    /// The amounts input may hold: Money::parse's limit of 10^15 minor units either way.
    const LIMIT: i64 = 1_000_000_000_000_000;

    proptest! {
        #[test]
        fn formatted_money_reads_back(
            minor in -LIMIT..=LIMIT,
            cur in prop::sample::select(vec![Currency::Idr, Currency::Usd, Currency::Eur]),
            lang in prop::sample::select(Lang::ALL.to_vec()),
        ) {
            let money = m(minor);
            let shown = format_money(money, cur, lang);
            prop_assert_eq!(parse_money_input(&shown, cur), Ok(money), "{}", shown);
            let bare = format_amount(money, cur, lang);
            prop_assert_eq!(parse_money_input(&bare, cur), Ok(money), "{}", bare);
        }

        #[test]
        fn small_amounts_read_back(minor in -1_000_000i64..=1_000_000, lang in prop::sample::select(Lang::ALL.to_vec())) {
            for cur in [Currency::Idr, Currency::Usd] {
                let shown = format_money(m(minor), cur, lang);
                prop_assert_eq!(parse_money_input(&shown, cur), Ok(m(minor)), "{}", shown);
            }
        }

        #[test]
        fn any_text_is_read_or_refused_without_panicking(text in ".{0,40}") {
            if let Ok(money) = parse_money_input(&text, Currency::Idr) {
                prop_assert!(money.minor().abs() <= LIMIT);
            }
            let _ = parse_money_input(&text, Currency::Usd);
        }

        #[test]
        fn money_like_text_is_read_or_refused_without_panicking(text in "[-Rp$ .,0-9]{0,24}") {
            if let Ok(money) = parse_money_input(&text, Currency::Idr) {
                prop_assert!(money.minor().abs() <= LIMIT);
            }
        }
    }
}
