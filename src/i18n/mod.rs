//! Languages, translations and the formatting of money and dates, shared by the operator
//! console, the customer portal, PDF documents and notifications.
//!
//! - [`Lang`]: the languages the server speaks, English and Indonesian (Bahasa Indonesia).
//! - [`Catalog`] and the shortcuts [`t`] and [`t_args`]: Fluent translations from `locales/`,
//!   embedded in the binary. Keys are kebab-case, grouped by file: `common.ftl` (navigation,
//!   actions, status words, field names, validation messages), `documents.ftl` (invoices and
//!   receipts, `doc-…`), `notify.ftl` (WhatsApp and email texts, `notify-…`).
//! - [`format`](mod@format): money in integer minor units and calendar dates, written the
//!   way each language writes them, and money typed by a cashier read back.
//! - [`words`]: amounts spelled out for a receipt's "Terbilang" line.
//!
//! Translation here sits beside the domain: it reads domain values (statuses, money) and the
//! domain's English validation messages, and the domain knows nothing of it.

mod catalog;
#[cfg(test)]
mod catalog_tests;
mod field_errors;
pub mod format;
pub mod words;

use std::fmt;
use std::str::FromStr;

use unic_langid::LanguageIdentifier;

pub use catalog::{Arg, Catalog, t, t_args};

/// A language the server speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Lang {
    /// English.
    En,
    /// Indonesian (Bahasa Indonesia).
    Id,
}

impl Lang {
    /// Every language, English first.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Id];

    /// The ISO 639-1 code: `en`, `id`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Id => "id",
        }
    }

    /// The language's name in itself, for a language switcher: `English`, `Bahasa Indonesia`.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Id => "Bahasa Indonesia",
        }
    }

    /// Reads a language tag, ignoring case, region and script: `en`, `EN`, `en-US`, `en_GB`,
    /// `id`, `id-ID`, and the old codes for Indonesian, `in` (still Java's and Android's) and
    /// `ind` (ISO 639-2). `None` for anything else, malformed tags included.
    pub fn parse(tag: &str) -> Option<Lang> {
        let id: LanguageIdentifier = tag.trim().parse().ok()?;
        match id.language.as_str() {
            "en" | "eng" => Some(Lang::En),
            "id" | "in" | "ind" => Some(Lang::Id),
            _ => None,
        }
    }

    /// The language a browser prefers most among ours, from an `Accept-Language` header
    /// (RFC 9110 section 12.5.4): `id-ID,id;q=0.9,en-US;q=0.8` gives `Id`. Entries with `q=0`
    /// are refused languages; a wildcard or nothing we speak gives `None`, so the caller
    /// applies the provider's default. Ties go to the entry listed first.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        let mut best: Option<(u32, Lang)> = None;
        for entry in header.split(',') {
            let mut parts = entry.split(';');
            let Some(lang) = parts.next().and_then(Lang::parse) else {
                continue;
            };
            let q = parts
                .find_map(|p| {
                    let (k, v) = p.split_once('=')?;
                    (k.trim().eq_ignore_ascii_case("q")).then(|| parse_qvalue(v.trim()))
                })
                .unwrap_or(Some(1000));
            match q {
                Some(q) if q > 0 && best.is_none_or(|(b, _)| q > b) => best = Some((q, lang)),
                _ => {}
            }
        }
        best.map(|(_, lang)| lang)
    }

    /// The Fluent language identifier.
    pub fn langid(self) -> LanguageIdentifier {
        let id: Result<LanguageIdentifier, _> = self.code().parse();
        id.unwrap_or_default()
    }

    fn index(self) -> usize {
        match self {
            Lang::En => 0,
            Lang::Id => 1,
        }
    }
}

/// An RFC 9110 qvalue (`0`, `0.5`, `1.000`) in thousandths; `None` when malformed.
fn parse_qvalue(v: &str) -> Option<u32> {
    let (whole, frac) = v.split_once('.').unwrap_or((v, ""));
    if frac.len() > 3 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let frac: u32 = format!("{frac:0<3}").parse().ok()?;
    match whole {
        "0" => Some(frac),
        "1" if frac == 0 => Some(1000),
        _ => None,
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Lang {
    type Err = &'static str;

    fn from_str(s: &str) -> Result<Lang, &'static str> {
        Lang::parse(s).ok_or("must be en or id")
    }
}

impl serde::Serialize for Lang {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl<'de> serde::Deserialize<'de> for Lang {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Lang, D::Error> {
        let s = String::deserialize(d)?;
        Lang::parse(&s).ok_or_else(|| serde::de::Error::custom("must be en or id"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_parse_to_languages() {
        for (tag, lang) in [
            ("en", Lang::En),
            ("EN", Lang::En),
            ("en-US", Lang::En),
            ("en_GB", Lang::En),
            (" id ", Lang::Id),
            ("id-ID", Lang::Id),
            ("ID_id", Lang::Id),
            ("in", Lang::Id),
            ("in-ID", Lang::Id),
            ("ind", Lang::Id),
        ] {
            assert_eq!(Lang::parse(tag), Some(lang), "{tag}");
        }
        for bad in ["", "fr", "ms-MY", "english", "e", "en--US", "*"] {
            assert_eq!(Lang::parse(bad), None, "{bad}");
        }
        for lang in Lang::ALL {
            assert_eq!(Lang::parse(lang.code()), Some(lang));
            assert_eq!(lang.to_string(), lang.code());
            assert_eq!(lang.langid().to_string(), lang.code());
            assert_eq!(Lang::ALL[lang.index()], lang);
        }
        assert_eq!("id".parse::<Lang>(), Ok(Lang::Id));
        assert_eq!("xx".parse::<Lang>(), Err("must be en or id"));
        assert_eq!(serde_json::to_string(&Lang::Id).unwrap(), r#""id""#);
        assert_eq!(
            serde_json::from_str::<Lang>(r#""en-US""#).unwrap(),
            Lang::En
        );
        assert!(serde_json::from_str::<Lang>(r#""fr""#).is_err());
    }

    #[test]
    fn accept_language_picks_the_most_preferred_of_ours() {
        for (header, want) in [
            ("id-ID,id;q=0.9,en-US;q=0.8,en;q=0.7", Some(Lang::Id)),
            ("en-GB,en;q=0.9,id;q=0.8", Some(Lang::En)),
            ("fr-FR, id;q=0.5, en;q=0.4", Some(Lang::Id)),
            ("en;q=0.2, id;q=0.9", Some(Lang::Id)),
            ("en;q=0, id;q=0.001", Some(Lang::Id)),
            ("id, en", Some(Lang::Id)),
            ("en;q=0.5, id;q=0.5", Some(Lang::En)),
            ("en; Q=1.000", Some(Lang::En)),
            ("en;q=0", None),
            ("en;q=2, id;q=abc", None),
            ("fr, de;q=0.5", None),
            ("*", None),
            ("", None),
        ] {
            assert_eq!(Lang::from_accept_language(header), want, "{header:?}");
        }
    }
}
