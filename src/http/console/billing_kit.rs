//! Pieces the cashier, invoice, subscription and plan pages share: query strings read as
//! text (so a bad filter is shown next to its input), inputs labelled with this section's
//! words, money typed by a cashier, pagination, invoice status badges, and the frame of a
//! printable document (provider, paper sizes, the print button).

use axum::response::Response;
use chrono::NaiveDate;
use maud::{Markup, html};
use serde::de::DeserializeOwned;

use super::session::Ctx;
use super::ui::{self, FormErrors, t, t_args};
use crate::domain::billing::invoice::Invoice;
use crate::domain::money::Money;
use crate::domain::validation::FieldErrors;
use crate::http::extract::decode_pairs;
use crate::i18n::Arg;
use crate::i18n::format::{format_amount, parse_money_input};
use crate::service::AppError;

/// Rows per page of the listings.
pub const PER_PAGE: u32 = 50;

/// The query string as `T`, whose fields are text the page reads itself (unknown parameters
/// are ignored; blank ones are absent).
#[allow(clippy::result_large_err)]
pub fn query<T: DeserializeOwned>(ctx: &Ctx, raw: Option<&str>) -> Result<T, Response> {
    decode_pairs(raw.unwrap_or_default().as_bytes(), true, "query").map_err(|(field, _)| {
        ui::error_page(ctx, &AppError::bad_request(&field, "is out of range"))
    })
}

/// A form field as typed, trimmed; blank is none.
pub fn typed(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// Reads one filter or form value with `parse`; a value that does not read is an error next
/// to its input.
pub fn read<T>(
    ctx: &Ctx,
    errors: &mut FormErrors,
    name: &str,
    value: Option<&str>,
    parse: impl Fn(&str) -> Option<T>,
) -> Option<T> {
    let v = value?;
    let parsed = parse(v);
    if parsed.is_none() {
        errors
            .fields
            .push((name.to_owned(), t(ctx, "error-invalid-value")));
    }
    parsed
}

pub fn date_of(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// An amount as a cashier types it, in the provider's currency; its refusal is the error
/// next to `field`.
pub fn money_input(ctx: &Ctx, field: &str, text: Option<&str>) -> Result<Money, FormErrors> {
    parse_money_input(text.unwrap_or_default(), ctx.currency)
        .map_err(|m| FormErrors::from_fields(ctx, &FieldErrors::single(field, m)))
}

/// An amount written for typing back into a form (`150.000`), as [`money_input`] reads it.
pub fn money_for_input(ctx: &Ctx, m: Money) -> String {
    format_amount(m, ctx.currency, ctx.lang)
}

/// A labelled `<input>` named `name` whose label is this section's word `label_key`, with
/// its error from `errors`; `kind` is the input's HTML type.
pub fn input(
    ctx: &Ctx,
    name: &str,
    label_key: &str,
    kind: &str,
    value: &str,
    errors: &FormErrors,
    required: bool,
) -> Markup {
    let kind = match kind {
        "date" => ui::Input::Date,
        "number" => ui::Input::Number,
        "search" => ui::Input::Search,
        _ => ui::Input::Text,
    };
    ui::field_labelled(&t(ctx, label_key), name, kind, value, errors, required)
}

/// A labelled `<select>` named `name`, labelled by `label_key`; `options` are (value, text).
pub fn select(
    ctx: &Ctx,
    name: &str,
    label_key: &str,
    options: &[(String, String)],
    selected: &str,
    errors: &FormErrors,
) -> Markup {
    ui::select_labelled(&t(ctx, label_key), name, options, selected, errors)
}

/// A path with its query: `pairs` with a value, in order.
pub fn href(path: &str, pairs: &[(&str, Option<&str>)]) -> String {
    let mut q = form_urlencoded::Serializer::new(String::new());
    let mut any = false;
    for (k, v) in pairs {
        if let Some(v) = v.filter(|v| !v.is_empty()) {
            q.append_pair(k, v);
            any = true;
        }
    }
    if any {
        format!("{path}?{}", q.finish())
    } else {
        path.to_owned()
    }
}

/// Previous and next links of a listing of `total` rows, with the filters in `pairs`.
pub fn pager(
    ctx: &Ctx,
    path: &str,
    pairs: &[(&str, Option<&str>)],
    page: u32,
    total: i64,
) -> Markup {
    let pages = u32::try_from((total + i64::from(PER_PAGE) - 1) / i64::from(PER_PAGE))
        .unwrap_or(u32::MAX)
        .max(1);
    let link = |p: u32| {
        let p = p.to_string();
        let mut all: Vec<(&str, Option<&str>)> = pairs.to_vec();
        all.push(("page", Some(p.as_str())));
        href(path, &all)
    };
    html! {
        nav.pager.actions aria-label=(t(ctx, "billing-pages")) {
            @if page > 1 {
                a.button href=(link(page - 1)) rel="prev" { (t(ctx, "action-previous")) }
            }
            span {
                (t_args(ctx, "doc-page", &[("page", Arg::Number(i64::from(page))), ("pages", Arg::Number(i64::from(pages)))]))
                " · " (t_args(ctx, "billing-rows", &[("count", Arg::Number(total))]))
            }
            @if page < pages {
                a.button href=(link(page + 1)) rel="next" { (t(ctx, "action-next")) }
            }
        }
    }
}

/// An invoice's status word, and "overdue" beside it when it is open past its due date.
pub fn invoice_status(ctx: &Ctx, inv: &Invoice, today: NaiveDate) -> Markup {
    html! {
        (ui::badge(ctx, "invoice-status", inv.status.as_str()))
        @if inv.overdue_on(today) {
            " " span.badge.badge-overdue { (t(ctx, "invoice-overdue")) }
        }
    }
}

/// The paper a printable page is laid out for: `?paper=58` or `?paper=80` (thermal
/// receipts), else A4; as the class on `<main>` the print style sheet narrows.
pub fn paper_class(paper: Option<&str>) -> Option<&'static str> {
    match paper {
        Some("58") => Some("paper-58"),
        Some("80") => Some("paper-80"),
        _ => None,
    }
}

/// The print button and the choice of paper, hidden on paper.
pub fn print_bar(ctx: &Ctx, path: &str, class: Option<&str>) -> Markup {
    let choices = [
        (None, "billing-paper-a4"),
        (Some("80"), "billing-paper-80"),
        (Some("58"), "billing-paper-58"),
    ];
    html! {
        div.actions.no-print.print-bar {
            button.primary type="button" data-print { (t(ctx, "billing-print")) }
            span.muted { (t(ctx, "billing-paper")) }
            @for (paper, key) in choices {
                a href=(href(path, &[("paper", paper)]))
                    aria-current=[(paper_class(paper) == class).then_some("true")] { (t(ctx, key)) }
            }
        }
    }
}

/// The provider as its documents name it: logo (when one is saved), name, address, phone,
/// email and tax number from the settings.
pub fn provider(ctx: &Ctx, has_logo: bool) -> Markup {
    let s = &ctx.settings;
    html! {
        div.doc-provider {
            @if has_logo {
                img.doc-logo src="/console/logo" alt=(t_args(ctx, "billing-logo-alt", &[("provider_name", Arg::from(s.provider_name.as_str()))]));
            }
            div {
                p.doc-provider-name { strong { (s.provider_name) } }
                @if !s.provider_address.is_empty() { p { (s.provider_address) } }
                @if !s.provider_phone.is_empty() { p { (t(ctx, "billing-phone")) ": " (s.provider_phone) } }
                @if !s.provider_email.is_empty() { p { (s.provider_email) } }
                @if let Some(npwp) = s.tax_number.as_deref().filter(|n| !n.is_empty()) {
                    p { (t(ctx, "doc-tax-id")) ": " (npwp) }
                }
            }
        }
    }
}

/// A service's refusal that concerns the form (its fields, or a conflict with what is saved):
/// shown on the form again. `None`: anything else, shown as an error page.
pub fn form_refusal(ctx: &Ctx, e: &AppError) -> Option<FormErrors> {
    matches!(
        e,
        AppError::Validation(_) | AppError::BadRequest { .. } | AppError::Conflict { .. }
    )
    .then(|| FormErrors::from_app(ctx, e))
}

/// `res` with `status` (a refused form is 422).
pub fn with_status(mut res: Response, status: axum::http::StatusCode) -> Response {
    *res.status_mut() = status;
    res
}

/// A refusal about the form's idempotency key (sent before with other values, or still being
/// recorded) concerns no field the user sees: it becomes the message above the form.
pub fn key_refusal(ctx: &Ctx, mut errors: FormErrors) -> FormErrors {
    let header = crate::service::idempotency::HEADER;
    if errors.fields.iter().any(|(f, _)| f == header) {
        errors.fields.retain(|(f, _)| f != header);
        errors.general = Some(t(ctx, "billing-form-sent"));
    }
    errors
}

/// The page number asked for (`page`, from 1), an error next to it when it is not one.
pub fn page_no(ctx: &Ctx, errors: &mut FormErrors, raw: Option<&str>) -> u32 {
    read(ctx, errors, "page", raw, |s| {
        s.parse::<u32>()
            .ok()
            .filter(|n| (1..=1_000_000).contains(n))
    })
    .unwrap_or(1)
}

/// Page `page` of [`PER_PAGE`] rows.
pub fn page(page: u32) -> crate::service::Page {
    crate::service::Page {
        page,
        per_page: PER_PAGE,
    }
}

/// A status filter's choices: "any", then each of the domain's `codes` in the user's words.
pub fn status_choices(ctx: &Ctx, group: &str, codes: &[&str]) -> Vec<(String, String)> {
    std::iter::once((String::new(), t(ctx, "billing-any")))
        .chain(codes.iter().map(|c| {
            (
                (*c).to_owned(),
                crate::i18n::Catalog::global().label(ctx.lang, group, c),
            )
        }))
        .collect()
}

/// `?paper=58|80` of a printable page.
#[derive(serde::Deserialize, Default)]
pub struct PaperQuery {
    pub paper: Option<String>,
}

/// What a printable page (invoice, receipt) needs besides its document: the paper asked for
/// (the class on `<main>`) and whether the provider has a logo.
pub async fn printable(
    app: &crate::app::App,
    ctx: &Ctx,
    raw: Option<&str>,
) -> Result<(Option<&'static str>, bool), Response> {
    let q: PaperQuery = query(ctx, raw)?;
    let has_logo = crate::service::settings::logo(app)
        .await
        .is_ok_and(|l| l.is_some());
    Ok((paper_class(q.paper.as_deref()), has_logo))
}
