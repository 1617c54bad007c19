//! Amounts in words, for the "Terbilang" line of an Indonesian receipt (kuitansi):
//! `Rp 150.000` is "Seratus lima puluh ribu rupiah".

use super::Lang;
use super::format::Currency;
use crate::domain::money::Money;

/// `money` spelled out in `lang` with the currency's name, first letter capitalised, ready to
/// print after [`doc-amount-in-words`](super::Catalog):
///
/// - Indonesian: `Seratus lima puluh ribu rupiah`, `Seribu sembilan belas rupiah`,
///   `Satu juta seratus ribu rupiah`, `Dua puluh satu dolar AS lima sen`.
/// - English (short scale, no "and" between hundreds and tens, as on cheques):
///   `One hundred fifty thousand rupiah`, `Twenty-one US dollars and one cent`.
///
/// Minor units are spelled only when there are any; negative amounts start with `Minus`.
pub fn amount_in_words(money: Money, currency: Currency, lang: Lang) -> String {
    let abs = money.minor().unsigned_abs();
    let (whole, minor) = (abs / 100, abs % 100);
    let (major_name, minor_name) = names(currency, lang, whole, minor);
    let mut out = String::new();
    if money.minor() < 0 {
        out.push_str("minus ");
    }
    out.push_str(&number_in_words(whole, lang));
    out.push(' ');
    out.push_str(major_name);
    if minor != 0 {
        out.push_str(if lang == Lang::En { " and " } else { " " });
        out.push_str(&number_in_words(minor, lang));
        out.push(' ');
        out.push_str(minor_name);
    }
    capitalised(&out)
}

/// A whole number in words, lower case: `seratus lima puluh ribu`, `one hundred fifty thousand`.
pub fn number_in_words(n: u64, lang: Lang) -> String {
    if n == 0 {
        return match lang {
            Lang::En => "zero",
            Lang::Id => "nol",
        }
        .to_owned();
    }
    let scales: [&str; 7] = match lang {
        Lang::En => [
            "",
            "thousand",
            "million",
            "billion",
            "trillion",
            "quadrillion",
            "quintillion",
        ],
        Lang::Id => [
            "",
            "ribu",
            "juta",
            "miliar",
            "triliun",
            "kuadriliun",
            "kuintiliun",
        ],
    };
    let mut groups = Vec::new();
    let mut rest = n;
    while rest > 0 {
        groups.push(rest % 1000);
        rest /= 1000;
    }
    let mut words: Vec<String> = Vec::new();
    for (scale, group) in groups.iter().enumerate().rev() {
        let group = *group;
        if group == 0 {
            continue;
        }
        if lang == Lang::Id && scale == 1 && group == 1 {
            words.push("seribu".to_owned());
            continue;
        }
        words.push(below_thousand(group, lang));
        if scale > 0 {
            words.push(scales[scale].to_owned());
        }
    }
    words.join(" ")
}

const DIGITS_ID: [&str; 10] = [
    "", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan",
];
const BELOW_TWENTY_EN: [&str; 20] = [
    "",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
];
const TENS_EN: [&str; 10] = [
    "", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
];

/// 1..=999 in words.
fn below_thousand(n: u64, lang: Lang) -> String {
    let (hundreds, rest) = ((n / 100) as usize, (n % 100) as usize);
    let mut words: Vec<String> = Vec::new();
    match lang {
        Lang::Id => {
            match hundreds {
                0 => {}
                1 => words.push("seratus".into()),
                h => words.push(format!("{} ratus", DIGITS_ID[h])),
            }
            match rest {
                0 => {}
                10 => words.push("sepuluh".into()),
                11 => words.push("sebelas".into()),
                12..=19 => words.push(format!("{} belas", DIGITS_ID[rest - 10])),
                1..=9 => words.push(DIGITS_ID[rest].into()),
                _ => {
                    words.push(format!("{} puluh", DIGITS_ID[rest / 10]));
                    if rest % 10 != 0 {
                        words.push(DIGITS_ID[rest % 10].into());
                    }
                }
            }
        }
        Lang::En => {
            if hundreds > 0 {
                words.push(format!("{} hundred", BELOW_TWENTY_EN[hundreds]));
            }
            match rest {
                0 => {}
                1..=19 => words.push(BELOW_TWENTY_EN[rest].into()),
                _ if rest % 10 == 0 => words.push(TENS_EN[rest / 10].into()),
                _ => words.push(format!(
                    "{}-{}",
                    TENS_EN[rest / 10],
                    BELOW_TWENTY_EN[rest % 10]
                )),
            }
        }
    }
    words.join(" ")
}

/// The names of the major and minor unit for these counts.
fn names(currency: Currency, lang: Lang, whole: u64, minor: u64) -> (&'static str, &'static str) {
    match lang {
        Lang::Id => match currency {
            Currency::Idr => ("rupiah", "sen"),
            Currency::Usd => ("dolar AS", "sen"),
            Currency::Eur => ("euro", "sen"),
            Currency::Sgd => ("dolar Singapura", "sen"),
            Currency::Myr => ("ringgit", "sen"),
        },
        Lang::En => {
            let (one, many, cent, cents) = match currency {
                Currency::Idr => ("rupiah", "rupiah", "sen", "sen"),
                Currency::Usd => ("US dollar", "US dollars", "cent", "cents"),
                Currency::Eur => ("euro", "euros", "cent", "cents"),
                Currency::Sgd => ("Singapore dollar", "Singapore dollars", "cent", "cents"),
                Currency::Myr => ("ringgit", "ringgit", "sen", "sen"),
            };
            (
                if whole == 1 { one } else { many },
                if minor == 1 { cent } else { cents },
            )
        }
    }
}

fn capitalised(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn rupiah(whole: i64) -> Money {
        Money::from_minor(whole * 100)
    }

    #[test]
    fn indonesian_as_a_kuitansi_spells_it() {
        for (whole, want) in [
            (0, "Nol rupiah"),
            (1, "Satu rupiah"),
            (10, "Sepuluh rupiah"),
            (11, "Sebelas rupiah"),
            (15, "Lima belas rupiah"),
            (20, "Dua puluh rupiah"),
            (21, "Dua puluh satu rupiah"),
            (100, "Seratus rupiah"),
            (111, "Seratus sebelas rupiah"),
            (250, "Dua ratus lima puluh rupiah"),
            (1_000, "Seribu rupiah"),
            (1_019, "Seribu sembilan belas rupiah"),
            (2_000, "Dua ribu rupiah"),
            (10_000, "Sepuluh ribu rupiah"),
            (101_000, "Seratus satu ribu rupiah"),
            (150_000, "Seratus lima puluh ribu rupiah"),
            (1_000_000, "Satu juta rupiah"),
            (1_001_000, "Satu juta seribu rupiah"),
            (1_100_000, "Satu juta seratus ribu rupiah"),
            (
                12_345_678,
                "Dua belas juta tiga ratus empat puluh lima ribu enam ratus tujuh puluh delapan rupiah",
            ),
            (1_000_000_000, "Satu miliar rupiah"),
            (2_000_000_000_001, "Dua triliun satu rupiah"),
        ] {
            assert_eq!(
                amount_in_words(rupiah(whole), Currency::Idr, Lang::Id),
                want,
                "{whole}"
            );
        }
        assert_eq!(
            amount_in_words(Money::from_minor(15_000_050), Currency::Idr, Lang::Id),
            "Seratus lima puluh ribu rupiah lima puluh sen"
        );
        assert_eq!(
            amount_in_words(Money::from_minor(-500_000), Currency::Idr, Lang::Id),
            "Minus lima ribu rupiah"
        );
        assert_eq!(
            amount_in_words(Money::from_minor(2_105), Currency::Usd, Lang::Id),
            "Dua puluh satu dolar AS lima sen"
        );
    }

    #[test]
    fn english_in_the_short_scale() {
        for (minor, cur, want) in [
            (
                15_000_000,
                Currency::Idr,
                "One hundred fifty thousand rupiah",
            ),
            (100, Currency::Usd, "One US dollar"),
            (2_101, Currency::Usd, "Twenty-one US dollars and one cent"),
            (5, Currency::Eur, "Zero euros and five cents"),
            (
                123_456_700,
                Currency::Sgd,
                "One million two hundred thirty-four thousand five hundred sixty-seven Singapore dollars",
            ),
            (9_000, Currency::Myr, "Ninety ringgit"),
            (100_000_000_000, Currency::Idr, "One billion rupiah"),
            (-100, Currency::Usd, "Minus one US dollar"),
        ] {
            assert_eq!(
                amount_in_words(Money::from_minor(minor), cur, Lang::En),
                want
            );
        }
    }

    proptest! {
        #[test]
        fn every_amount_is_spelled_without_panicking(minor in any::<i64>()) {
            for lang in Lang::ALL {
                let words = amount_in_words(Money::from_minor(minor), Currency::Idr, lang);
                prop_assert!(words.ends_with("rupiah") || words.ends_with("sen"));
                prop_assert!(!words.contains("  "), "{}", words);
                prop_assert!(!words.contains("satu ratus") && !words.contains("satu puluh"));
            }
        }
    }
}
