//! The cashier's counter, for every role and made for a phone: find the client (search as
//! you type), see what is owed, record a payment (three clicks: the client, Pay, Record), then
//! print or share the receipt. The payment form carries an idempotency key made when it was
//! rendered, so a double click or a resubmitted form records one payment.

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use maud::{Markup, html};
use serde::Deserialize;

use super::billing_kit as kit;
use super::session::{Ctx, PathId, Posted};
use super::ui::{self, FormErrors, Input, csrf_field, page, t, t_args};
use crate::app::AppState;
use crate::domain::client::Client;
use crate::domain::ids::{ClientId, InvoiceId, PaymentId};
use crate::domain::phone::wa_me_link;
use crate::http::idempotent::form_key;
use crate::i18n::format::format_date_range;
use crate::i18n::words::amount_in_words;
use crate::i18n::{Arg, Catalog};
use crate::service::idempotency::{Answer, Once, Outcome};
use crate::service::invoices::InvoiceDocument;
use crate::service::payments::{PaymentInput, Recorded};
use crate::service::{Page, clients, invoices, payments};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/cashier", get(find))
        .route("/console/cashier/clients/{id}", get(owed))
        .route("/console/cashier/invoices/{id}", get(pay_form).post(record))
        .route("/console/payments/{id}/receipt", get(receipt))
        .route("/console/cashier/day", get(my_day))
}

#[derive(Deserialize, Default)]
struct DayQuery {
    date: Option<String>,
}

/// `GET /console/cashier/day?date=`: what the signed-in user recorded that day (today by
/// default), every payment with its time, and the successful ones by method with their total:
/// the cash to hand in (`service::reports::cashier_day`).
async fn my_day(State(app): State<AppState>, ctx: Ctx, RawQuery(raw): RawQuery) -> Response {
    let q: DayQuery = match kit::query(&ctx, raw.as_deref()) {
        Ok(q) => q,
        Err(r) => return r,
    };
    let mut errors = FormErrors::default();
    let date = kit::read(&ctx, &mut errors, "date", q.date.as_deref(), kit::date_of)
        .unwrap_or_else(|| ctx.settings.today());
    // What was typed stays in the field, next to its error.
    let shown = q.date.clone().unwrap_or_else(|| date.to_string());
    let day = match crate::service::reports::cashier_day(&app, ctx.actor(), date, None).await {
        Ok(d) => d,
        Err(e) => return ui::error_page(&ctx, &e),
    };
    let h = |k: &str| t(&ctx, k);
    let (h_time, h_number, h_client, h_method, h_status, h_amount) = (
        h("cashier-day-time"),
        h("billing-invoice-number"),
        h("cashier-day-client"),
        h("cashier-day-method"),
        h("billing-status"),
        h("cashier-day-amount"),
    );
    let method = |m: &str| Catalog::global().payment_method(ctx.lang, m);
    let title = t_args(
        &ctx,
        "cashier-day-title",
        &[("date", Arg::from(ui::date(&ctx, date)))],
    );
    page(
        &ctx,
        &title,
        html! {
            (errors.banner(&ctx))
            form.card.filters method="get" action="/console/cashier/day" {
                (kit::input(&ctx, "date", "cashier-day-date", "date", &shown, &errors, false))
                button type="submit" { (t(&ctx, "billing-filter")) }
            }
            @if day.payments.is_empty() {
                p.muted #day-none { (t(&ctx, "cashier-day-none")) }
            } @else {
                div.table-wrap {
                    table.responsive #day-payments {
                        thead { tr {
                            th scope="col" { (h_time) }
                            th scope="col" { (h_number) }
                            th scope="col" { (h_client) }
                            th scope="col" { (h_method) }
                            th scope="col" { (h_status) }
                            th.num scope="col" { (h_amount) }
                        } }
                        tbody {
                            @for p in &day.payments {
                                tr {
                                    td data-label=(h_time) { (ui::datetime(&ctx, p.recorded_at)) }
                                    td data-label=(h_number) { (p.invoice_number) }
                                    td data-label=(h_client) { (p.client_name) }
                                    td data-label=(h_method) { (method(&p.payment_method)) }
                                    td data-label=(h_status) { (Catalog::global().label(ctx.lang, "payment-status", &p.payment_status)) }
                                    td.num data-label=(h_amount) { (ui::money(&ctx, p.amount)) }
                                }
                            }
                        }
                    }
                }
                h2 { (t(&ctx, "cashier-day-by-method")) }
                div.table-wrap {
                    table #day-by-method {
                        tbody {
                            @for m in &day.by_method {
                                tr {
                                    th scope="row" { (method(&m.payment_method)) " (" (m.payments) ")" }
                                    td.num { (ui::money(&ctx, m.amount)) }
                                }
                            }
                        }
                    }
                }
                p.owed-total { (t(&ctx, "cashier-day-total")) ": " strong #day-total { (ui::money(&ctx, day.total)) } }
            }
        },
    )
}

/// How many clients a search shows.
const RESULTS: u32 = 20;

/// The route a payment's idempotency key is scoped to, as the API scopes its header.
const PAY_ROUTE: &str = "POST /console/cashier/invoices/{id}";

#[derive(Deserialize, Default)]
struct FindQuery {
    q: Option<String>,
}

fn results(ctx: &Ctx, q: &str, found: &[Client]) -> Markup {
    html! {
        @if q.is_empty() {
            p.muted { (t(ctx, "cashier-search-hint")) }
        } @else if found.is_empty() {
            p.muted #cashier-none { (t(ctx, "cashier-no-client")) }
        } @else {
            ul.cashier-list {
                @for c in found {
                    li {
                        a.cashier-client href=(format!("/console/cashier/clients/{}", c.id)) {
                            strong { (c.name) }
                            span.muted { (c.phone_number) " · " (c.ppp_secret_name) }
                        }
                    }
                }
            }
        }
    }
}

/// `GET /console/cashier?q=`: the search (htmx asks for the results alone as one types).
async fn find(State(app): State<AppState>, ctx: Ctx, RawQuery(raw): RawQuery) -> Response {
    let q: FindQuery = match kit::query(&ctx, raw.as_deref()) {
        Ok(q) => q,
        Err(r) => return r,
    };
    let text = q.q.unwrap_or_default();
    let found = if text.is_empty() {
        Vec::new()
    } else {
        let first = Page {
            page: 1,
            per_page: RESULTS,
        };
        match clients::list(&app, Some(text.clone()), first).await {
            Ok((c, _)) => c,
            Err(e) => return ui::error_page(&ctx, &e),
        }
    };
    if ctx.htmx {
        return ui::fragment(results(&ctx, &text, &found));
    }
    page(
        &ctx,
        &t(&ctx, "nav-cashier"),
        html! {
            form.card.cashier-find role="search" method="get" action="/console/cashier" {
                div.field {
                    label for="cashier-search" { (t(&ctx, "cashier-search-label")) }
                    input #cashier-search type="search" name="q" value=(text) autocomplete="off" autofocus
                        hx-get="/console/cashier" hx-trigger="input changed delay:250ms, search"
                        hx-target="#cashier-results" hx-sync="this:replace";
                }
                button type="submit" { (t(&ctx, "action-search")) }
            }
            div #cashier-results aria-live="polite" { (results(&ctx, &text, &found)) }
            p.actions { a #my-day href="/console/cashier/day" { (t(&ctx, "cashier-day-link")) } }
        },
    )
}

/// `GET /console/cashier/clients/{id}`: what the client owes, the oldest first.
async fn owed(State(app): State<AppState>, ctx: Ctx, PathId(id): PathId) -> Response {
    let owed = match invoices::owed(&app, ClientId(id)).await {
        Ok(o) => o,
        Err(e) => return ui::error_page(&ctx, &e),
    };
    let today = ctx.settings.today();
    let h = |k: &str| t(&ctx, k);
    let (h_number, h_period, h_due, h_remaining, h_status, h_pay) = (
        h("billing-invoice-number"),
        h("billing-period"),
        h("billing-due-date"),
        h("billing-remaining"),
        h("billing-status"),
        h("billing-actions"),
    );
    let c = &owed.client;
    page(
        &ctx,
        &c.name,
        html! {
            p.muted { (c.phone_number) " · " (c.ppp_secret_name) " · " (c.address) }
            @if owed.invoices.is_empty() {
                p.notice #nothing-owed role="status" { (t(&ctx, "cashier-nothing-owed")) }
            } @else {
                div.table-wrap {
                    table.responsive #owed {
                        thead { tr {
                            th scope="col" { (h_number) }
                            th scope="col" { (h_period) }
                            th scope="col" { (h_due) }
                            th.num scope="col" { (h_remaining) }
                            th scope="col" { (h_status) }
                            th scope="col" { (h_pay) }
                        } }
                        tbody {
                            @for i in &owed.invoices {
                                tr {
                                    td data-label=(h_number) { (i.number()) }
                                    td data-label=(h_period) { (format_date_range(i.period_start, i.period_end, ctx.lang)) }
                                    td data-label=(h_due) { (ui::date(&ctx, i.due_date)) }
                                    td.num data-label=(h_remaining) { (ui::money(&ctx, i.outstanding())) }
                                    td data-label=(h_status) { (kit::invoice_status(&ctx, i, today)) }
                                    td data-label=(h_pay) {
                                        a.button.primary.pay-invoice href=(format!("/console/cashier/invoices/{}", i.id)) {
                                            (t(&ctx, "cashier-pay")) span.visually-hidden { " " (i.number()) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                p.owed-total { (t(&ctx, "cashier-total-owed")) ": " strong #owed-total { (ui::money(&ctx, owed.total)) } }
            }
            p.actions {
                a href="/console/cashier" { (t(&ctx, "cashier-another")) }
                a href=(format!("/console/clients/{}", c.id)) { (t(&ctx, "cashier-client-page")) }
            }
        },
    )
}

/// The payment form as typed.
#[derive(Deserialize, Default, Clone)]
struct PaymentForm {
    amount: Option<String>,
    payment_method: Option<String>,
    reference: Option<String>,
    idempotency_key: Option<String>,
}

/// The invoice being paid and, while it is open, the payment form.
fn pay_page(
    ctx: &Ctx,
    doc: &InvoiceDocument,
    form: &PaymentForm,
    errors: &FormErrors,
    status: StatusCode,
) -> Response {
    let i = &doc.invoice;
    let today = ctx.settings.today();
    let methods: Vec<(String, String)> = ctx
        .settings
        .payment_methods
        .iter()
        .map(|m| (m.clone(), Catalog::global().payment_method(ctx.lang, m)))
        .collect();
    let amount = form
        .amount
        .clone()
        .unwrap_or_else(|| kit::money_for_input(ctx, i.outstanding()));
    let key = form
        .idempotency_key
        .clone()
        .unwrap_or_else(crate::security::token::generate);
    let body = html! {
        dl.facts #pay-invoice {
            dt { (t(ctx, "billing-client")) } dd { a href=(format!("/console/cashier/clients/{}", doc.client.id)) { (doc.client.name) } }
            dt { (t(ctx, "billing-invoice-number")) } dd { a href=(format!("/console/invoices/{}", i.id)) { (i.number()) } }
            dt { (t(ctx, "billing-period")) } dd { (format_date_range(i.period_start, i.period_end, ctx.lang)) }
            dt { (t(ctx, "billing-due-date")) } dd { (ui::date(ctx, i.due_date)) }
            dt { (t(ctx, "billing-total")) } dd { (ui::money(ctx, i.total)) }
            dt { (t(ctx, "doc-amount-paid")) } dd { (ui::money(ctx, i.paid)) }
            dt { (t(ctx, "billing-remaining")) } dd #invoice-remaining { (ui::money(ctx, i.outstanding())) }
            dt { (t(ctx, "billing-status")) } dd #invoice-status { (kit::invoice_status(ctx, i, today)) }
        }
        @if i.status.is_open() {
            form.card #payment-form method="post" action=(format!("/console/cashier/invoices/{}", i.id)) {
                (errors.banner(ctx))
                (csrf_field(ctx))
                input type="hidden" name="idempotency_key" value=(key);
                (ui::field(ctx, "amount", Input::Text, &amount, errors, true))
                (ui::select(ctx, "payment_method", &methods, form.payment_method.as_deref().unwrap_or("cash"), errors))
                (kit::input(ctx, "reference", "cashier-reference", "text", form.reference.as_deref().unwrap_or(""), errors, false))
                div.actions {
                    button.primary.big #record-payment type="submit" { (t(ctx, "cashier-record")) }
                }
            }
        } @else {
            p.notice role="status" { (t(ctx, "cashier-not-open")) }
        }
    };
    let title = t_args(
        ctx,
        "cashier-pay-title",
        &[("invoice_number", Arg::from(i.number()))],
    );
    kit::with_status(page(ctx, &title, body), status)
}

/// `GET /console/cashier/invoices/{id}`: the payment form, its key made now.
async fn pay_form(State(app): State<AppState>, ctx: Ctx, PathId(id): PathId) -> Response {
    match invoices::document(&app, InvoiceId(id)).await {
        Ok(doc) => pay_page(
            &ctx,
            &doc,
            &PaymentForm::default(),
            &FormErrors::default(),
            StatusCode::OK,
        ),
        Err(e) => ui::error_page(&ctx, &e),
    }
}

/// `POST /console/cashier/invoices/{id}`: the payment through `service::payments::record`,
/// once per form; then the receipt (a resubmission lands on the first one's receipt).
async fn record(
    State(app): State<AppState>,
    PathId(id): PathId,
    posted: Posted<PaymentForm>,
) -> Response {
    let ctx = posted.ctx;
    let invoice_id = InvoiceId(id);
    let form = posted.form.unwrap_or_default();
    let refused = |errors: FormErrors| {
        let (app, ctx, form) = (app.clone(), ctx.clone(), form.clone());
        async move {
            match invoices::document(&app, invoice_id).await {
                Ok(doc) => pay_page(&ctx, &doc, &form, &errors, StatusCode::UNPROCESSABLE_ENTITY),
                Err(e) => ui::error_page(&ctx, &e),
            }
        }
    };
    let amount = match kit::money_input(&ctx, "amount", form.amount.as_deref()) {
        Ok(m) => m,
        Err(errors) => return refused(errors).await,
    };
    let method = form.payment_method.clone();
    let reference = form.reference.clone();
    let key = match form.idempotency_key.as_deref().map(|k| {
        let minor = amount.minor().to_string();
        let fields = [
            ("amount", minor.as_str()),
            ("payment_method", method.as_deref().unwrap_or_default()),
            ("reference", reference.as_deref().unwrap_or_default()),
        ];
        form_key(k, PAY_ROUTE, &ctx.path, &fields)
    }) {
        None => None,
        Some(Ok(k)) => Some(k),
        Some(Err(e)) => return refused(FormErrors::from_app(&ctx, &e)).await,
    };
    let once = Once::new(key, |r: &Recorded| Answer {
        status: 303,
        body: r.payment.id.to_string(),
    });
    let input = PaymentInput {
        amount: Some(amount),
        payment_date: None,
        payment_method: method,
        reference,
        status: None,
    };
    let to_receipt = |p: PaymentId| Redirect::to(&format!("/console/payments/{p}/receipt"));
    match payments::record(&app, ctx.actor(), invoice_id, input, once).await {
        Ok(Outcome::Created(r, _)) => to_receipt(r.payment.id).into_response(),
        Ok(Outcome::Replayed(a)) => match a.body.parse::<i64>() {
            Ok(p) => to_receipt(PaymentId(p)).into_response(),
            Err(_) => ui::error_page(
                &ctx,
                &crate::service::AppError::Internal("a stored answer is not a payment".into()),
            ),
        },
        Err(e) => match kit::form_refusal(&ctx, &e) {
            Some(errors) => refused(kit::key_refusal(&ctx, errors)).await,
            None => ui::error_page(&ctx, &e),
        },
    }
}

/// The client's number as WhatsApp takes it, or none (wa.me then lets the cashier choose the
/// chat).
fn whatsapp_number(ctx: &Ctx, phone: &str) -> String {
    ui::whatsapp_number(ctx, phone).unwrap_or_default()
}

/// `GET /console/payments/{id}/receipt?paper=58|80`: the receipt, printable and shareable.
async fn receipt(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
    RawQuery(raw): RawQuery,
) -> Response {
    let (class, has_logo) = match kit::printable(&app, &ctx, raw.as_deref()).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let r = match payments::receipt(&app, PaymentId(id)).await {
        Ok(r) => r,
        Err(e) => return ui::error_page(&ctx, &e),
    };
    let p = &r.payment;
    let method = Catalog::global().payment_method(ctx.lang, &p.payment_method);
    let status_word = Catalog::global().label(ctx.lang, "invoice-status", r.status.as_str());
    let (paid, remaining, date) = (
        ui::money(&ctx, p.amount),
        ui::money(&ctx, r.remaining),
        ui::date(&ctx, p.payment_date),
    );
    let share = t_args(
        &ctx,
        "cashier-receipt-share",
        &[
            (
                "provider_name",
                Arg::from(ctx.settings.provider_name.as_str()),
            ),
            ("client_name", Arg::from(r.client.name.as_str())),
            ("invoice_number", Arg::from(r.invoice.number())),
            ("amount", Arg::from(paid.as_str())),
            ("payment_date", Arg::from(date.as_str())),
            ("remaining", Arg::from(remaining.as_str())),
            ("status", Arg::from(status_word.as_str())),
            ("receipt_number", Arg::from(p.id.to_string())),
        ],
    );
    let share_link = wa_me_link(&whatsapp_number(&ctx, &r.client.phone_number), &share);
    let body = html! {
        article.doc.receipt #receipt {
            header.doc-head { (kit::provider(&ctx, has_logo)) }
            dl.doc-fields {
                dt { (t(&ctx, "doc-receipt-number")) } dd #receipt-number { (p.id) }
                dt { (t(&ctx, "doc-payment-date")) } dd { (date) }
                dt { (t(&ctx, "doc-received-from")) } dd #receipt-client { (r.client.name) }
                dt { (t(&ctx, "doc-invoice-number")) } dd #receipt-invoice { (r.invoice.number()) }
                dt { (t(&ctx, "doc-period")) } dd { (format_date_range(r.invoice.period_start, r.invoice.period_end, ctx.lang)) }
                dt { (t(&ctx, "doc-amount-paid")) } dd #receipt-amount { strong { (paid) } }
                dt { (t(&ctx, "doc-amount-in-words")) } dd { (amount_in_words(p.amount, ctx.currency, ctx.lang)) }
                dt { (t(&ctx, "doc-payment-method")) } dd #receipt-method { (method) }
                @if let Some(reference) = &p.reference {
                    dt { (t(&ctx, "doc-reference")) } dd { (reference) }
                }
                dt { (t(&ctx, "doc-balance-due")) } dd #receipt-remaining { (remaining) }
                dt { (t(&ctx, "billing-status")) } dd #invoice-status { (ui::badge(&ctx, "invoice-status", r.status.as_str())) }
                dt { (t(&ctx, "doc-cashier")) } dd { (p.recorded_by) }
            }
            @if p.status != crate::domain::billing::invoice::PaymentStatus::Success {
                p.alert { (ui::badge(&ctx, "payment-status", p.status.as_str())) }
            }
            p.doc-note { (t(&ctx, "doc-thank-you-payment")) }
        }
        (kit::print_bar(&ctx, &format!("/console/payments/{}/receipt", p.id), class))
        p.actions.no-print {
            a.button #share-receipt href=(share_link) target="_blank" rel="noopener noreferrer" { (t(&ctx, "cashier-share")) }
            a href="/console/cashier" { (t(&ctx, "cashier-another")) }
            a href=(format!("/console/cashier/clients/{}", r.client.id)) { (t(&ctx, "cashier-back-to-client")) }
        }
    };
    ui::page_classed(&ctx, &t(&ctx, "doc-receipt"), class, body)
}
