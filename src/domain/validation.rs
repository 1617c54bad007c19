//! Field-level validation errors, collected so that one answer names every bad field.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer};

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct FieldErrors(pub BTreeMap<String, String>);

impl FieldErrors {
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0
            .entry(field.to_owned())
            .or_insert_with(|| message.into());
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok(v)` when nothing was added, else the errors.
    pub fn into_result<T>(self, v: T) -> Result<T, FieldErrors> {
        if self.is_empty() { Ok(v) } else { Err(self) }
    }

    pub fn single(field: &str, message: impl Into<String>) -> Self {
        let mut e = FieldErrors::default();
        e.add(field, message);
        e
    }
}

/// A password or other secret sealed with the server's key: opaque here, and never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct Sealed(pub String);

impl std::fmt::Debug for Sealed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<sealed>")
    }
}

/// For fields where `null` means "clear it" and absence means "leave it": with
/// `#[serde(default, deserialize_with = "double_option")]`.
pub fn double_option<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// A number of days from 0 to 366 (a grace, how far ahead to invoice, how long to pay).
pub fn checked_days(e: &mut FieldErrors, field: &str, n: i64) -> Option<u32> {
    match u32::try_from(n) {
        Ok(d) if d <= 366 => Some(d),
        _ => {
            e.add(field, "must be from 0 to 366 days");
            None
        }
    }
}

/// An email address as far as a form can tell: `local@domain.tld`, no spaces, at most 254
/// characters (RFC 5321's path limit). Whether mail arrives only sending tells.
pub fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.rsplit_once('@') else {
        return false;
    };
    s.len() <= 254
        && !local.is_empty()
        && !s
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '<' || c == '>')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
}

/// A reason given for a change (kept in a history): at most 255 characters; blank is none.
pub fn reason(e: &mut FieldErrors, field: &str, v: Option<&str>) -> Option<String> {
    let v = v.map(str::trim).filter(|r| !r.is_empty())?;
    checked_text(e, field, v, 1, 255)
}

/// A required text field, trimmed, with its length in characters checked.
pub fn required_text(
    errors: &mut FieldErrors,
    field: &str,
    value: Option<&str>,
    min: usize,
    max: usize,
) -> Option<String> {
    match value {
        None => {
            errors.add(field, "is required");
            None
        }
        Some(v) => checked_text(errors, field, v, min, max),
    }
}

/// A text field that is present, trimmed, with its length in characters checked.
pub fn checked_text(
    errors: &mut FieldErrors,
    field: &str,
    value: &str,
    min: usize,
    max: usize,
) -> Option<String> {
    let v = value.trim();
    let len = v.chars().count();
    if v.chars().any(char::is_control) {
        errors.add(field, "must not contain control characters");
        None
    } else if len < min {
        errors.add(
            field,
            if min == 1 {
                "must not be empty".to_owned()
            } else {
                format!("must be at least {min} characters")
            },
        );
        None
    } else if len > max {
        errors.add(field, format!("must be at most {max} characters"));
        None
    } else {
        Some(v.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collects_first_error_per_field() {
        let mut e = FieldErrors::default();
        assert_eq!(required_text(&mut e, "name", None, 3, 10), None);
        assert_eq!(required_text(&mut e, "address", Some("  ab "), 3, 10), None);
        assert_eq!(
            required_text(&mut e, "city", Some(" Bandung "), 3, 10),
            Some("Bandung".into())
        );
        e.add("name", "second message is ignored");
        assert_eq!(e.0["name"], "is required");
        assert_eq!(e.0["address"], "must be at least 3 characters");
        assert!(!e.0.contains_key("city"));
    }

    #[test]
    fn length_counts_characters_not_bytes() {
        let mut e = FieldErrors::default();
        assert!(checked_text(&mut e, "n", "ééé", 3, 3).is_some());
        assert!(checked_text(&mut e, "m", "a\u{0}b", 1, 9).is_none());
        assert_eq!(e.0["m"], "must not contain control characters");
    }
}
