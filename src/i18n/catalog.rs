//! The Fluent catalog: every message of every language, embedded in the binary.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::sync::LazyLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentError, FluentResource, FluentValue};
use fluent_syntax::ast;
use parking_lot::Mutex;

use super::Lang;

/// One translation file, embedded at build time.
pub(super) struct Source {
    pub lang: Lang,
    /// `en/common.ftl`
    pub file: &'static str,
    pub text: &'static str,
}

macro_rules! ftl {
    ($lang:ident, $dir:literal, $file:literal) => {
        Source {
            lang: Lang::$lang,
            file: concat!($dir, "/", $file),
            text: include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/locales/",
                $dir,
                "/",
                $file
            )),
        }
    };
}

/// Every translation file; a test checks this list against `locales/` on disk.
pub(super) const SOURCES: [Source; 10] = [
    ftl!(En, "en", "common.ftl"),
    ftl!(En, "en", "console.ftl"),
    ftl!(En, "en", "documents.ftl"),
    ftl!(En, "en", "notify.ftl"),
    ftl!(En, "en", "portal.ftl"),
    ftl!(Id, "id", "common.ftl"),
    ftl!(Id, "id", "console.ftl"),
    ftl!(Id, "id", "documents.ftl"),
    ftl!(Id, "id", "notify.ftl"),
    ftl!(Id, "id", "portal.ftl"),
];

/// How many distinct problems are logged before the catalog stops recording them, so a caller
/// that asks for ever new missing keys cannot grow memory without bound.
const MAX_WARNED: usize = 1024;

/// A value for a message's placeholder: finished text (a formatted amount, date, name, link)
/// or a whole number, which Fluent can choose plural forms by (`$days`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg<'a> {
    Text(Cow<'a, str>),
    Number(i64),
}

impl<'a> From<&'a str> for Arg<'a> {
    fn from(s: &'a str) -> Self {
        Arg::Text(Cow::Borrowed(s))
    }
}

impl<'a> From<&'a String> for Arg<'a> {
    fn from(s: &'a String) -> Self {
        Arg::Text(Cow::Borrowed(s))
    }
}

impl From<String> for Arg<'_> {
    fn from(s: String) -> Self {
        Arg::Text(Cow::Owned(s))
    }
}

macro_rules! number_arg {
    ($($t:ty),*) => {$(
        impl From<$t> for Arg<'_> {
            fn from(n: $t) -> Self {
                match i64::try_from(n) {
                    Ok(n) => Arg::Number(n),
                    Err(_) => Arg::Text(Cow::Owned(n.to_string())),
                }
            }
        }
    )*};
}
number_arg!(i8, i16, i32, i64, u8, u16, u32, u64, usize, isize);

impl Arg<'_> {
    fn to_fluent(&self) -> FluentValue<'_> {
        match self {
            Arg::Text(s) => FluentValue::from(s.as_ref()),
            Arg::Number(n) => FluentValue::from(*n),
        }
    }
}

/// Every message of every language, parsed once; `Send + Sync`, so one catalog serves all
/// threads (see [`Catalog::global`]).
///
/// Fluent's Unicode bidi isolation marks (U+2068, U+2069 around each placeable) are turned off:
/// both languages are left-to-right, and the marks would end up inside HTML attributes, URLs in
/// messages and WhatsApp texts. Lookups never fail: a missing message gives its key back and
/// logs a warning once per language and key.
pub struct Catalog {
    bundles: [FluentBundle<FluentResource>; 2],
    /// Message ids (terms with their leading `-`) of each language, with the file defining them.
    ids: [BTreeMap<String, &'static str>; 2],
    warned: Mutex<HashSet<String>>,
}

static GLOBAL: LazyLock<Catalog> = LazyLock::new(|| {
    let (catalog, problems) = Catalog::from_embedded();
    for problem in problems {
        tracing::error!(%problem, "translation file problem");
    }
    catalog
});

/// [`Catalog::t`] on the [global](Catalog::global) catalog.
pub fn t(lang: Lang, key: &str) -> String {
    Catalog::global().t(lang, key)
}

/// [`Catalog::t_args`] on the [global](Catalog::global) catalog.
pub fn t_args(lang: Lang, key: &str, args: &[(&str, Arg<'_>)]) -> String {
    Catalog::global().t_args(lang, key, args)
}

impl Catalog {
    /// The catalog of the embedded translation files, built on first use. Problems in the
    /// files (a test keeps them out of every build) are logged once, and the messages that
    /// could be read are served.
    pub fn global() -> &'static Catalog {
        &GLOBAL
    }

    /// Builds a catalog from the embedded files; also returns every problem found (parse
    /// errors with file and line, ids defined twice), empty when the files are sound.
    pub fn from_embedded() -> (Catalog, Vec<String>) {
        Catalog::from_sources(SOURCES.iter().map(|s| (s.lang, s.file, s.text)))
    }

    pub(super) fn from_sources<'s>(
        sources: impl IntoIterator<Item = (Lang, &'static str, &'s str)>,
    ) -> (Catalog, Vec<String>) {
        let mut problems = Vec::new();
        let mut bundles = Lang::ALL.map(|lang| {
            let mut bundle = FluentBundle::new_concurrent(vec![lang.langid()]);
            bundle.set_use_isolating(false);
            bundle
        });
        let mut ids: [BTreeMap<String, &'static str>; 2] = Default::default();
        for (lang, file, text) in sources {
            let resource = match FluentResource::try_new(text.to_owned()) {
                Ok(r) => r,
                Err((r, errors)) => {
                    for e in errors {
                        // The line of the entry that broke, where a reader starts looking.
                        let at = e.slice.as_ref().map_or(e.pos.start, |s| s.start);
                        let upto = &text.as_bytes()[..at.min(text.len())];
                        let line = upto.iter().filter(|b| **b == b'\n').count() + 1;
                        problems.push(format!("{file}:{line}: {e}"));
                    }
                    r
                }
            };
            for id in entry_ids(&resource) {
                if let Some(first) = ids[lang.index()].insert(id.clone(), file) {
                    problems.push(format!("{file}: {id} is also defined in {first}"));
                }
            }
            if let Err(errors) = bundles[lang.index()].add_resource(resource) {
                for e in errors {
                    if !matches!(e, FluentError::Overriding { .. }) {
                        problems.push(format!("{file}: {e}"));
                    }
                }
            }
        }
        let catalog = Catalog {
            bundles,
            ids,
            warned: Mutex::new(HashSet::new()),
        };
        (catalog, problems)
    }

    /// The message `key` in `lang`: `t(Lang::Id, "nav-invoices")` is `Tagihan`. A missing
    /// message gives `key` back.
    pub fn t(&self, lang: Lang, key: &str) -> String {
        self.render(lang, key, None)
    }

    /// The message `key` in `lang` with its placeholders filled:
    /// `t_args(Lang::Id, "doc-page", &[("page", 1.into()), ("pages", 2.into())])` is
    /// `Halaman 1 dari 2`. Amounts and dates go in formatted (see [`super::format`]); numbers
    /// that choose a plural form (`$days`) go in as numbers. A placeholder left without a
    /// value shows as `{$name}` and is logged.
    pub fn t_args(&self, lang: Lang, key: &str, args: &[(&str, Arg<'_>)]) -> String {
        let mut fluent = FluentArgs::with_capacity(args.len());
        for (name, value) in args {
            fluent.set(*name, value.to_fluent());
        }
        self.render(lang, key, Some(&fluent))
    }

    /// Whether `lang` has a message `key`.
    pub fn has(&self, lang: Lang, key: &str) -> bool {
        self.bundles[lang.index()].has_message(key)
    }

    /// The label of a domain code in a group of messages: `label(lang, "invoice-status",
    /// "partially_paid")` is the message `invoice-status-partially-paid` (underscores become
    /// dashes). Groups: `subscription-status`, `invoice-status`, `payment-status`,
    /// `payment-method`, `role`, `field`. An unknown code is given back as it is, and logged.
    pub fn label(&self, lang: Lang, group: &str, code: &str) -> String {
        self.known_label(lang, group, code).unwrap_or_else(|key| {
            self.warn_once(lang, &key, "no such message");
            code.to_owned()
        })
    }

    /// A payment method's name: the catalogue's for the methods it knows, else the method
    /// itself as the provider saved it (`gopay`), without the warning [`Self::label`] logs.
    pub fn payment_method(&self, lang: Lang, method: &str) -> String {
        self.known_label(lang, "payment-method", method)
            .unwrap_or_else(|_| method.to_owned())
    }

    /// The message of `group`'s `code` in `lang`, or the key it would have had.
    fn known_label(&self, lang: Lang, group: &str, code: &str) -> Result<String, String> {
        let key = format!("{group}-{}", code.replace('_', "-"));
        if self.has(lang, &key) {
            Ok(self.t(lang, &key))
        } else {
            Err(key)
        }
    }

    /// Every message id of `lang`, sorted; terms keep their leading `-`.
    pub fn ids(&self, lang: Lang) -> impl Iterator<Item = &str> {
        self.ids[lang.index()].keys().map(String::as_str)
    }

    /// The placeholders message `key` uses in `lang` (`client_name`, `days`…), in its value,
    /// selectors, variants and attributes; empty for a missing message.
    pub fn variables(&self, lang: Lang, key: &str) -> BTreeSet<String> {
        let mut vars = BTreeSet::new();
        if let Some(message) = self.bundles[lang.index()].get_message(key) {
            if let Some(pattern) = message.value() {
                pattern_variables(pattern, &mut vars);
            }
            for attribute in message.attributes() {
                pattern_variables(attribute.value(), &mut vars);
            }
        }
        vars
    }

    /// Formats `key`, or gives `None` when `lang` has no such message; problems while
    /// formatting go to `errors`.
    pub(super) fn format(
        &self,
        lang: Lang,
        key: &str,
        args: Option<&FluentArgs<'_>>,
        errors: &mut Vec<FluentError>,
    ) -> Option<String> {
        let bundle = &self.bundles[lang.index()];
        let pattern = bundle.get_message(key)?.value()?;
        Some(bundle.format_pattern(pattern, args, errors).into_owned())
    }

    fn render(&self, lang: Lang, key: &str, args: Option<&FluentArgs<'_>>) -> String {
        let mut errors = Vec::new();
        match self.format(lang, key, args, &mut errors) {
            None => {
                self.warn_once(lang, key, "no such message");
                key.to_owned()
            }
            Some(text) => {
                if !errors.is_empty() {
                    let problem: Vec<String> = errors.iter().map(ToString::to_string).collect();
                    self.warn_once(lang, key, &problem.join("; "));
                }
                text
            }
        }
    }

    /// Logs a translation problem the first time it is seen.
    pub(super) fn warn_once(&self, lang: Lang, key: &str, problem: &str) {
        let mut warned = self.warned.lock();
        if warned.len() < MAX_WARNED && warned.insert(format!("{lang}:{key}")) {
            tracing::warn!(
                lang = lang.code(),
                key,
                problem,
                "translation missing or broken"
            );
        }
    }
}

/// The ids a resource defines: messages as they are, terms with their `-`.
fn entry_ids(resource: &FluentResource) -> Vec<String> {
    resource
        .entries()
        .filter_map(|entry| match entry {
            ast::Entry::Message(m) => Some(m.id.name.to_owned()),
            ast::Entry::Term(t) => Some(format!("-{}", t.id.name)),
            _ => None,
        })
        .collect()
}

fn pattern_variables(pattern: &ast::Pattern<&str>, vars: &mut BTreeSet<String>) {
    for element in &pattern.elements {
        if let ast::PatternElement::Placeable { expression } = element {
            expression_variables(expression, vars);
        }
    }
}

fn expression_variables(expression: &ast::Expression<&str>, vars: &mut BTreeSet<String>) {
    match expression {
        ast::Expression::Inline(inline) => inline_variables(inline, vars),
        ast::Expression::Select { selector, variants } => {
            inline_variables(selector, vars);
            for variant in variants {
                pattern_variables(&variant.value, vars);
            }
        }
    }
}

fn inline_variables(inline: &ast::InlineExpression<&str>, vars: &mut BTreeSet<String>) {
    let arguments = match inline {
        ast::InlineExpression::VariableReference { id } => {
            vars.insert(id.name.to_owned());
            return;
        }
        ast::InlineExpression::Placeable { expression } => {
            return expression_variables(expression, vars);
        }
        ast::InlineExpression::FunctionReference { arguments, .. } => arguments,
        ast::InlineExpression::TermReference {
            arguments: Some(arguments),
            ..
        } => arguments,
        _ => return,
    };
    for arg in &arguments.positional {
        inline_variables(arg, vars);
    }
    for arg in &arguments.named {
        inline_variables(&arg.value, vars);
    }
}
