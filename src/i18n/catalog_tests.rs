//! Tests of the translation files and the catalog built from them.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;

use chrono::NaiveDate;
use fluent_bundle::{FluentArgs, FluentResource};
use parking_lot::Mutex;

use super::catalog::SOURCES;
use super::format::{Currency, DateStyle, format_date, format_money, refusal};
use super::{Arg, Catalog, Lang};
use crate::domain::billing::invoice::{DEFAULT_PAYMENT_METHODS, InvoiceStatus, PaymentStatus};
use crate::domain::billing::subscription::Status;
use crate::domain::money::Money;
use crate::domain::user::Role;

fn catalog() -> Catalog {
    let (catalog, problems) = Catalog::from_embedded();
    assert!(problems.is_empty(), "{problems:#?}");
    catalog
}

/// Sample values for every placeholder the files use.
fn sample(name: &str, lang: Lang, days: i64) -> Arg<'static> {
    let due = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    match name {
        "days" | "page" | "pages" | "min" | "max" => Arg::Number(days),
        "client_name" => "Budi Santoso".into(),
        "provider_name" => "NetDesa Wireless".into(),
        "invoice_number" => "INV-2026-000123".into(),
        "amount" => format_money(Money::from_minor(15_000_050), Currency::Idr, lang).into(),
        "outstanding" => format_money(Money::from_minor(6_000_000), Currency::Idr, lang).into(),
        "due_date" => format_date(due, lang, DateStyle::Long).into(),
        "payment_link" => "https://pay.netdesa.example/i/7Hq2".into(),
        "portal_link" => "https://portal.netdesa.example/".into(),
        "receipt_link" => "https://portal.netdesa.example/r/9Kd3".into(),
        "plan_name" => "Home 10M".into(),
        "rate" => "12".into(),
        other => Arg::from(format!("<{other}>")),
    }
}

fn shown(arg: &Arg<'_>) -> String {
    match arg {
        Arg::Text(s) => s.to_string(),
        Arg::Number(n) => n.to_string(),
    }
}

#[test]
fn every_file_parses() {
    let mut problems = Vec::new();
    for source in &SOURCES {
        if let Err((_, errors)) = FluentResource::try_new(source.text.to_owned()) {
            for e in errors {
                let at = e.slice.as_ref().map_or(e.pos.start, |s| s.start);
                let line = source.text[..at].matches('\n').count() + 1;
                problems.push(format!("{}:{line}: {e}", source.file));
            }
        }
    }
    assert!(problems.is_empty(), "Fluent parse errors: {problems:#?}");
    let (_, problems) = Catalog::from_embedded();
    assert!(problems.is_empty(), "catalog problems: {problems:#?}");
}

#[test]
fn a_broken_file_is_reported_with_its_line_and_the_rest_still_served() {
    let (catalog, problems) = Catalog::from_sources([
        (
            Lang::En,
            "en/a.ftl",
            "good = Good\nbad = { $x\nfine = Fine\n",
        ),
        (Lang::En, "en/b.ftl", "good = Again\n"),
    ]);
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(problems[0].starts_with("en/a.ftl:2: "), "{problems:?}");
    assert_eq!(problems[1], "en/b.ftl: good is also defined in en/a.ftl");
    assert_eq!(catalog.t(Lang::En, "good"), "Good");
    assert_eq!(catalog.t(Lang::En, "fine"), "Fine");
    assert_eq!(catalog.t(Lang::En, "bad"), "bad");
}

#[test]
fn every_file_on_disk_is_embedded_for_both_languages() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("locales");
    let mut on_disk = BTreeSet::new();
    for dir in std::fs::read_dir(&root).unwrap() {
        let dir = dir.unwrap();
        for file in std::fs::read_dir(dir.path()).unwrap() {
            let name = file.unwrap().file_name().into_string().unwrap();
            if name.ends_with(".ftl") {
                on_disk.insert(format!("{}/{name}", dir.file_name().into_string().unwrap()));
            }
        }
    }
    let embedded: BTreeSet<String> = SOURCES.iter().map(|s| s.file.to_owned()).collect();
    assert_eq!(on_disk, embedded, "locales/ and SOURCES differ");
    for source in &SOURCES {
        assert!(source.file.starts_with(&format!("{}/", source.lang.code())));
        let name = source.file.split_once('/').unwrap().1;
        for lang in Lang::ALL {
            assert!(
                embedded.contains(&format!("{}/{name}", lang.code())),
                "{name} is missing for {lang}"
            );
        }
    }
}

#[test]
fn both_languages_have_the_same_message_ids_in_the_same_files() {
    let c = catalog();
    let files = |lang: Lang| -> BTreeMap<String, String> {
        SOURCES
            .iter()
            .filter(|s| s.lang == lang)
            .flat_map(|s| {
                let file = s.file.split_once('/').unwrap().1.to_owned();
                let resource = FluentResource::try_new(s.text.to_owned()).unwrap();
                let ids: Vec<String> = resource
                    .entries()
                    .filter_map(|e| match e {
                        fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_owned()),
                        fluent_syntax::ast::Entry::Term(t) => Some(format!("-{}", t.id.name)),
                        _ => None,
                    })
                    .collect();
                ids.into_iter().map(move |id| (id, file.clone()))
            })
            .collect()
    };
    let (en, id) = (files(Lang::En), files(Lang::Id));
    let only_en: Vec<_> = en.keys().filter(|k| !id.contains_key(*k)).collect();
    let only_id: Vec<_> = id.keys().filter(|k| !en.contains_key(*k)).collect();
    assert!(only_en.is_empty(), "only in English: {only_en:?}");
    assert!(only_id.is_empty(), "only in Indonesian: {only_id:?}");
    for (key, file) in &en {
        assert_eq!(&id[key], file, "{key} is in different files");
    }
    let ids: Vec<&str> = c.ids(Lang::En).collect();
    assert_eq!(ids, en.keys().map(String::as_str).collect::<Vec<_>>());
    assert!(ids.len() > 150, "{}", ids.len());
}

#[test]
fn both_languages_use_the_same_placeholders_per_message() {
    let c = catalog();
    let mut differ = Vec::new();
    for key in c.ids(Lang::En) {
        let (en, id) = (c.variables(Lang::En, key), c.variables(Lang::Id, key));
        if en != id {
            differ.push(format!("{key}: en {en:?}, id {id:?}"));
        }
    }
    assert!(differ.is_empty(), "placeholders differ: {differ:#?}");
    let vars: Vec<_> = c
        .variables(Lang::En, "notify-reminder-before-due")
        .into_iter()
        .collect();
    assert_eq!(
        vars,
        [
            "amount",
            "client_name",
            "days",
            "due_date",
            "invoice_number",
            "payment_link",
            "provider_name"
        ]
    );
}

#[test]
fn ids_are_kebab_case_and_grouped_by_file() {
    for source in &SOURCES {
        let resource = FluentResource::try_new(source.text.to_owned()).unwrap();
        for entry in resource.entries() {
            let fluent_syntax::ast::Entry::Message(m) = entry else {
                continue;
            };
            let id = m.id.name;
            let kebab = id.starts_with(|c: char| c.is_ascii_lowercase())
                && !id.ends_with('-')
                && !id.contains("--")
                && id
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
            assert!(kebab, "{}: {id} is not kebab-case", source.file);
            let prefix_ok = match source.file.split_once('/').unwrap().1 {
                "documents.ftl" => id.starts_with("doc-"),
                "notify.ftl" => id.starts_with("notify-"),
                "portal.ftl" => id.starts_with("portal-"),
                _ => ["doc-", "notify-", "portal-"]
                    .iter()
                    .all(|p| !id.starts_with(p)),
            };
            assert!(prefix_ok, "{}: {id} belongs in another file", source.file);
        }
    }
}

#[test]
fn every_message_formats_without_errors_or_bidi_marks() {
    let c = catalog();
    for lang in Lang::ALL {
        for key in c.ids(lang).filter(|k| !k.starts_with('-')) {
            let mut args = FluentArgs::new();
            let samples: Vec<(String, Arg<'_>)> = c
                .variables(lang, key)
                .into_iter()
                .map(|v| {
                    let s = sample(&v, lang, 3);
                    (v, s)
                })
                .collect();
            for (name, value) in &samples {
                let value = match value {
                    Arg::Text(s) => fluent_bundle::FluentValue::from(s.as_ref()),
                    Arg::Number(n) => fluent_bundle::FluentValue::from(*n),
                };
                args.set(name.as_str(), value);
            }
            let mut errors = Vec::new();
            let text = c.format(lang, key, Some(&args), &mut errors).unwrap();
            assert!(errors.is_empty(), "{lang} {key}: {errors:?}");
            assert!(!text.trim().is_empty(), "{lang} {key} is empty");
            assert!(
                !text.contains(['\u{2068}', '\u{2069}']),
                "{lang} {key} has bidi isolation marks"
            );
            assert_eq!(text.trim(), text, "{lang} {key} has outer white space");
        }
    }
}

#[test]
fn notify_templates_fill_every_placeholder_in_both_languages() {
    let c = catalog();
    let names = [
        "client_name",
        "invoice_number",
        "amount",
        "due_date",
        "payment_link",
        "portal_link",
        "provider_name",
        "days",
        "receipt_link",
    ];
    let keys: Vec<&str> = c
        .ids(Lang::En)
        .filter(|k| k.starts_with("notify-"))
        .collect();
    assert_eq!(keys.len(), 16, "{keys:?}");
    for lang in Lang::ALL {
        for days in [1, 3] {
            let args: Vec<(&str, Arg<'_>)> =
                names.iter().map(|n| (*n, sample(n, lang, days))).collect();
            for key in &keys {
                let text = c.t_args(lang, key, &args);
                let used = c.variables(lang, key);
                assert!(!used.is_empty(), "{lang} {key} uses no placeholder");
                for name in &used {
                    let (_, value) = args.iter().find(|(n, _)| n == name).unwrap();
                    assert!(
                        text.contains(&shown(value)),
                        "{lang} {key}: ${name} not filled in {text:?}"
                    );
                }
                assert!(
                    !text.contains(['{', '}', '$', '\u{2068}', '\u{2069}']),
                    "{lang} {key}: {text:?}"
                );
                if key.ends_with("-subject") {
                    assert!(
                        !text.contains('\n') && text.chars().count() <= 100,
                        "{text:?}"
                    );
                } else {
                    // WhatsApp Business message templates allow 1,024 characters.
                    assert!(text.chars().count() <= 1024, "{lang} {key} is too long");
                    let greeting = if lang == Lang::En {
                        "Dear Budi Santoso,\n\n"
                    } else {
                        "Yth. Budi Santoso,\n\n"
                    };
                    assert!(text.starts_with(greeting), "{lang} {key}: {text:?}");
                    assert!(text.ends_with("NetDesa Wireless"), "{lang} {key}: {text:?}");
                }
            }
        }
    }
    let en = |key: &str, days: i64| {
        let args: Vec<(&str, Arg<'_>)> = names
            .iter()
            .map(|n| (*n, sample(n, Lang::En, days)))
            .collect();
        c.t_args(Lang::En, key, &args)
    };
    assert!(en("notify-reminder-before-due", 1).contains("is due tomorrow, on 1 December 2026."));
    assert!(en("notify-reminder-before-due", 3).contains("is due in 3 days, on 1 December 2026."));
    assert!(en("notify-overdue", 1).contains("is 1 day overdue."));
    assert!(en("notify-overdue", 3).contains("is 3 days overdue."));
    let id = c.t_args(
        Lang::Id,
        "notify-overdue",
        &names
            .iter()
            .map(|n| (*n, sample(n, Lang::Id, 5)))
            .collect::<Vec<_>>(),
    );
    assert_eq!(
        id,
        "Yth. Budi Santoso,\n\n\
         Tagihan internet Anda INV-2026-000123 sebesar Rp 150.000,50 sudah lewat jatuh tempo \
         5 hari (jatuh tempo 1 Desember 2026). Mohon segera lakukan pembayaran agar layanan \
         internet Anda tidak diisolir.\n\n\
         Bayar online: https://pay.netdesa.example/i/7Hq2\n\n\
         Terima kasih,\nNetDesa Wireless"
    );
}

#[test]
fn lookups_translate_and_never_panic() {
    let c = catalog();
    assert_eq!(c.t(Lang::Id, "nav-invoices"), "Tagihan");
    assert_eq!(c.t(Lang::En, "nav-invoices"), "Invoices");
    assert_eq!(
        c.t_args(
            Lang::Id,
            "doc-page",
            &[("page", 1.into()), ("pages", 2.into())]
        ),
        "Halaman 1 dari 2"
    );
    assert_eq!(
        c.t_args(Lang::En, "doc-vat-rate", &[("rate", "12".into())]),
        "VAT (PPN) 12%"
    );
    assert_eq!(c.t(Lang::En, "no-such-key"), "no-such-key");
    assert_eq!(c.t(Lang::Id, ""), "");
    assert_eq!(
        c.t(Lang::En, "doc-page"),
        "Page {$page} of {$pages}",
        "a placeholder without a value is shown, not dropped"
    );
    assert_eq!(super::t(Lang::Id, "answer-yes"), "Ya");
    assert_eq!(
        super::t_args(Lang::En, "error-min-chars", &[("min", 8u32.into())]),
        "must be at least 8 characters"
    );
    let huge: Arg<'_> = u64::MAX.into();
    assert_eq!(huge, Arg::Text(u64::MAX.to_string().into()));
    fn send_sync<T: Send + Sync>() {}
    send_sync::<Catalog>();
}

#[test]
fn a_missing_key_is_logged_once_per_language() {
    #[derive(Clone, Default)]
    struct Log(Arc<Mutex<Vec<u8>>>);
    impl std::io::Write for Log {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let log = Log::default();
    let writer = log.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let c = catalog();
    tracing::subscriber::with_default(subscriber, || {
        for _ in 0..3 {
            assert_eq!(c.t(Lang::En, "nav-nowhere"), "nav-nowhere");
            assert_eq!(c.t(Lang::Id, "nav-nowhere"), "nav-nowhere");
            assert_eq!(c.label(Lang::Id, "role", "root"), "root");
            c.t(Lang::En, "nav-clients");
        }
    });
    let text = String::from_utf8(log.0.lock().clone()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(lines.iter().all(|l| l.contains("WARN")), "{text}");
    assert_eq!(
        lines.iter().filter(|l| l.contains("nav-nowhere")).count(),
        2
    );
    assert!(lines[2].contains("role-root"), "{text}");
}

#[test]
fn every_domain_code_has_a_label() {
    let c = catalog();
    let mut codes: Vec<(&str, &str)> = Vec::new();
    codes.extend(
        Status::ALL
            .iter()
            .map(|s| ("subscription-status", s.as_str())),
    );
    codes.extend(
        InvoiceStatus::ALL
            .iter()
            .map(|s| ("invoice-status", s.as_str())),
    );
    for s in ["success", "pending", "failed"] {
        let status = PaymentStatus::parse(s).unwrap();
        codes.push(("payment-status", status.as_str()));
    }
    for m in DEFAULT_PAYMENT_METHODS {
        codes.push(("payment-method", m));
    }
    for r in [Role::Admin, Role::Operator, Role::Cashier] {
        codes.push(("role", r.as_str()));
    }
    use crate::domain::notify::{Channel, Delivery, Event};
    codes.extend(Event::ALL.iter().map(|e| ("message-event", e.as_str())));
    codes.extend(Channel::ALL.iter().map(|e| ("message-channel", e.as_str())));
    codes.extend(Delivery::ALL.iter().map(|e| ("message-status", e.as_str())));
    use crate::domain::billing::online::{AttemptStatus, Gateway};
    codes.extend(Gateway::ALL.iter().map(|e| ("online-gateway", e.as_str())));
    codes.extend(
        AttemptStatus::ALL
            .iter()
            .map(|e| ("online-status", e.as_str())),
    );
    for (group, code) in codes {
        for lang in Lang::ALL {
            let key = format!("{group}-{}", code.replace('_', "-"));
            assert!(c.has(lang, &key), "{lang}: no {key}");
        }
    }
    assert_eq!(
        c.label(Lang::Id, "invoice-status", "partially_paid"),
        "Dibayar sebagian"
    );
    assert_eq!(
        c.label(Lang::Id, "subscription-status", "suspended"),
        "Diisolir"
    );
    assert_eq!(c.label(Lang::En, "payment-method", "e_wallet"), "E-wallet");
    assert_eq!(c.payment_method(Lang::Id, "qris"), "QRIS");
    assert_eq!(
        c.payment_method(Lang::Id, "gopay"),
        "gopay",
        "a provider's own method is shown as saved"
    );
    assert_eq!(c.field_label(Lang::Id, "phone_number"), "Nomor telepon");
    assert_eq!(c.field_label(Lang::En, "router_id"), "Router");
    assert_eq!(
        c.field_label(Lang::Id, "favourite_colour"),
        "favourite_colour"
    );
}

#[test]
fn domain_validation_messages_in_both_languages() {
    let c = catalog();
    for (message, en, id) in [
        ("is required", "is required", "wajib diisi"),
        (
            "must be at least 3 characters",
            "must be at least 3 characters",
            "minimal 3 karakter",
        ),
        (
            "must be at most 64 characters",
            "must be at most 64 characters",
            "maksimal 64 karakter",
        ),
        (
            "must be 6 to 64 characters",
            "must be 6 to 64 characters",
            "harus 6 sampai 64 karakter",
        ),
        (
            "must be 1 to 256 characters, without control characters",
            "must be 1 to 256 characters, without control characters",
            "harus 1 sampai 256 karakter, tanpa karakter kontrol",
        ),
        (
            "must be from 1 to 65535",
            "must be from 1 to 65535",
            "harus dari 1 sampai 65535",
        ),
        (
            "must be a whole number from 1 to 500",
            "must be a whole number from 1 to 500",
            "harus bilangan bulat dari 1 sampai 500",
        ),
        (
            "must be one of admin, operator, cashier",
            "must be one of admin, operator, cashier",
            "harus salah satu dari admin, operator, cashier",
        ),
        (
            "must be month or day",
            "must be month or day",
            "harus month atau day",
        ),
        (
            "must be a host name or IP address",
            "must be a host name or IP address",
            "harus berupa nama host atau alamat IP",
        ),
        (
            "exceeds the amount outstanding (60000.00)",
            "exceeds the amount outstanding (60000.00)",
            "melebihi sisa tagihan (60000.00)",
        ),
        (
            "must not be before start_date",
            "must not be before the start date",
            "tidak boleh sebelum tanggal mulai",
        ),
        ("has too few digits", "has too few digits", "terlalu pendek"),
        (
            "must name 1 to 20 payment methods",
            "must name 1 to 20 payment methods",
            "harus berisi 1 sampai 20 metode pembayaran",
        ),
        (
            "'Go Pay' is not a lower-case word of letters, digits and _ of at most 32 characters",
            "'Go Pay' is not a lower-case word of letters, digits and _ of at most 32 characters",
            "'Go Pay' bukan satu kata huruf kecil dari huruf, angka dan _ (paling banyak 32 karakter)",
        ),
        (
            "names 'qris' twice",
            "names 'qris' twice",
            "menyebut 'qris' dua kali",
        ),
        (
            refusal::AMBIGUOUS,
            refusal::AMBIGUOUS,
            "tidak jelas: kelompokkan ribuan per tiga angka (1.500.000) dan tulis paling banyak dua desimal (1.500.000,50)",
        ),
        (
            "must be {expected}",
            "must be {expected}",
            "must be {expected}",
        ),
        (
            "must be at least x characters",
            "must be at least x characters",
            "must be at least x characters",
        ),
    ] {
        assert_eq!(c.field_error(Lang::En, message), en, "{message}");
        assert_eq!(c.field_error(Lang::Id, message), id, "{message}");
    }
    for r in [
        refusal::REQUIRED,
        refusal::FORMAT,
        refusal::AMBIGUOUS,
        refusal::OTHER_CURRENCY,
    ] {
        assert!(Catalog::knows_field_error(r), "{r}");
    }
}

/// String literals of a Rust source, line by line (enough for the domain's messages).
fn string_literals(source: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in source.lines() {
        if line.trim_start().starts_with("//") {
            continue;
        }
        let mut current: Option<String> = None;
        let mut chars = line.chars();
        while let Some(ch) = chars.next() {
            match (current.as_mut(), ch) {
                (None, '"') => current = Some(String::new()),
                (None, _) => {}
                (Some(s), '\\') => {
                    if let Some(escaped) = chars.next() {
                        s.push(escaped);
                    }
                }
                (Some(_), '"') => out.extend(current.take()),
                (Some(s), ch) => s.push(ch),
            }
        }
    }
    out
}

/// `must be at least {min} characters` as the domain would fill it in.
fn filled(format: &str) -> String {
    let mut out = String::new();
    let mut rest = format;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        match rest[start..].find('}') {
            Some(end) => {
                out.push('7');
                rest = &rest[start + end + 1..];
            }
            None => {
                rest = &rest[start..];
                break;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Reads `src/domain` as it is at test time, so a new validation message in the domain that
/// has no translation fails here, whatever file it is in.
#[test]
fn every_validation_message_in_the_domain_has_a_translation() {
    const PHRASES: [&str; 7] = [
        "is ",
        "must ",
        "may ",
        "has ",
        "exceeds ",
        "the invoice ",
        "name at least ",
    ];
    fn walk(dir: &Path, files: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, files);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    let mut files = Vec::new();
    walk(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src/domain"),
        &mut files,
    );
    assert!(files.len() >= 5, "{files:?}");
    let mut seen = 0;
    let mut unknown = BTreeSet::new();
    for file in files {
        let source = std::fs::read_to_string(&file).unwrap();
        for literal in string_literals(&source) {
            if PHRASES.iter().any(|p| literal.starts_with(p)) {
                seen += 1;
                let message = filled(&literal);
                if !Catalog::knows_field_error(&message) {
                    unknown.insert(format!("{}: {literal:?}", file.display()));
                }
            }
        }
    }
    assert!(seen > 30, "the scan found only {seen} messages");
    assert!(
        unknown.is_empty(),
        "domain messages without a translation (add them to i18n/field_errors.rs and \
         common.ftl): {unknown:#?}"
    );
}

/// Every key the console's and the portal's code names literally (`t(&ctx, "key")`, `t_args(lang, "key", …)`)
/// is in both languages' files: a page never shows a bare key.
#[test]
fn every_key_the_console_names_exists_in_both_languages() {
    let cat = catalog();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut missing = Vec::new();
    let mut seen = 0;
    let files = ["src/http/console", "src/http/portal"]
        .iter()
        .flat_map(|d| std::fs::read_dir(root.join(d)).unwrap());
    for entry in files {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let calls = text
            .match_indices("t(")
            .map(|(i, _)| (i, 2))
            .chain(text.match_indices("t_args(").map(|(i, _)| (i, 7)));
        for (i, len) in calls {
            // `t(` and `t_args(` themselves, not `format(` or `list_t(`.
            if text[..i]
                .chars()
                .last()
                .is_some_and(|c| c.is_alphanumeric() || c == '_')
            {
                continue;
            }
            let Some((_, rest)) = text[i + len..].split_once(',') else {
                continue;
            };
            let Some(rest) = rest.trim_start().strip_prefix('"') else {
                continue;
            };
            let Some(key) = rest.split('"').next() else {
                continue;
            };
            if key.is_empty()
                || !key
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            {
                continue;
            }
            seen += 1;
            for lang in Lang::ALL {
                if !cat.has(lang, key) {
                    missing.push(format!("{}: {key} ({})", path.display(), lang.code()));
                }
            }
        }
    }
    assert!(seen > 10, "the scan found the console's keys ({seen})");
    assert_eq!(missing, Vec::<String>::new());
}
