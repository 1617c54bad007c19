//! Closed sets of words (statuses, kinds, methods): one enum each, spelled once.
//!
//! [`words!`] declares the enum with its wire and database spelling; the same text is used in
//! JSON (serde), in the OpenAPI document, in query strings and in database columns.

/// An enum whose values are a fixed set of words.
pub trait Word: Copy + Eq + 'static {
    const ALL: &'static [Self];
    fn as_str(self) -> &'static str;

    fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|w| w.as_str() == s)
    }

    /// `a, b or c`, for error messages.
    fn choices() -> String {
        let words: Vec<&str> = Self::ALL.iter().map(|w| w.as_str()).collect();
        match words.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
            _ => words.join(""),
        }
    }
}

/// `words! { pub enum Status { Active = "active", … } }`: the enum, [`Word`], `Display`, serde
/// and an OpenAPI string enum, all from one list. (`$text` is a `tt`, not a `literal`: a
/// `literal` fragment reaches derive macros wrapped in an invisible group, which utoipa does
/// not read as a rename, so the document listed the Rust names instead of the wire words.)
#[macro_export]
macro_rules! words {
    ($(#[$meta:meta])* pub enum $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:tt),* $(,)? }) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash,
            serde::Serialize, serde::Deserialize, utoipa::ToSchema,
        )]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $text)] $variant),*
        }

        impl $crate::domain::words::Word for $name {
            const ALL: &'static [$name] = &[$($name::$variant),*];
            fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),*
                }
            }
        }

        #[allow(dead_code)]
        impl $name {
            pub const ALL: &'static [$name] = <$name as $crate::domain::words::Word>::ALL;

            pub fn as_str(self) -> &'static str {
                $crate::domain::words::Word::as_str(self)
            }

            pub fn parse(s: &str) -> Option<$name> {
                <$name as $crate::domain::words::Word>::parse(s)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::Word;

    crate::words! {
        pub enum Colour { Red = "red", DarkBlue = "dark_blue", Green = "green" }
    }

    #[test]
    fn the_openapi_enum_lists_the_wire_words() {
        let schema = serde_json::to_value(<Colour as utoipa::PartialSchema>::schema()).unwrap();
        assert_eq!(
            schema["enum"],
            serde_json::json!(["red", "dark_blue", "green"])
        );
    }

    #[test]
    fn one_list_spells_everything() {
        assert_eq!(Colour::DarkBlue.as_str(), "dark_blue");
        assert_eq!(Colour::parse("green"), Some(Colour::Green));
        assert_eq!(Colour::parse("Green"), None);
        assert_eq!(Colour::choices(), "red, dark_blue or green");
        assert_eq!(
            serde_json::to_string(&Colour::DarkBlue).unwrap(),
            "\"dark_blue\""
        );
        assert_eq!(Colour::Red.to_string(), "red");
    }
}
