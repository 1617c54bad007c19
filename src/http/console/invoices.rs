//! Invoices: the listing (by status, invoice date, client, overdue), the billing run by hand,
//! and the printable invoice (A4, or 58/80 mm thermal paper).

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use maud::{Markup, html};
use serde::Deserialize;

use super::billing_kit as kit;
use super::session::{Ctx, PathId, Posted};
use super::ui::{self, FormErrors, csrf_field, page, t, t_args};
use crate::app::AppState;
use crate::domain::billing::invoice::{InvoiceFilter, InvoiceStatus};
use crate::domain::billing::online::{AttemptStatus, Gateway};
use crate::domain::ids::{ClientId, InvoiceId};
use crate::i18n::format::format_date_range;
use crate::i18n::{Arg, Catalog};
use crate::service::billing::DailyRun;
use crate::service::{billing, invoices as svc, online_payments as online};
use crate::storage::repo::online::Attempt;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/invoices", get(list))
        .route("/console/invoices/generate", post(run_billing))
        .route("/console/invoices/{id}", get(show))
        .route("/console/invoices/{id}/online-payments", post(pay_online))
}

#[derive(Deserialize, Default)]
struct OnlineForm {
    gateway: Option<String>,
}

/// `POST /console/invoices/{id}/online-payments` (admin, operator, cashier): starts paying the
/// invoice online through the gateway chosen, as `POST /invoices/{id}/online-payments` does;
/// back to the invoice, whose page then shows the payment link to send to the client.
async fn pay_online(
    State(app): State<AppState>,
    PathId(id): PathId,
    posted: Posted<OnlineForm>,
) -> Response {
    let ctx = posted.ctx;
    let chosen = posted.form.ok().and_then(|f| f.gateway);
    let Some(gateway) = chosen.as_deref().and_then(Gateway::parse) else {
        let e = crate::service::AppError::bad_request("gateway", "is out of range");
        return ui::error_page(&ctx, &e);
    };
    match online::start(&app, ctx.actor(), InvoiceId(id), gateway).await {
        Ok(_) => axum::response::IntoResponse::into_response(axum::response::Redirect::to(
            &format!("/console/invoices/{id}#online-payments"),
        )),
        Err(e) => ui::error_page(&ctx, &e),
    }
}

/// The invoice's online payments, and (open, for those who take payments) a form to start one.
fn online_section(
    ctx: &Ctx,
    invoice: &crate::domain::billing::invoice::Invoice,
    attempts: &[Attempt],
    gateways: &[Gateway],
) -> Markup {
    let can_start =
        invoice.status.is_open() && ctx.role().records_payments() && !gateways.is_empty();
    if attempts.is_empty() && !can_start {
        return html! {};
    }
    html! {
        section.no-print #online-payments aria-labelledby="online-h" {
            h2 #online-h { (t(ctx, "invoices-online")) }
            @if !attempts.is_empty() {
                ul #online-attempts {
                    @for a in attempts {
                        li data-status=(a.status.as_str()) {
                            (Catalog::global().label(ctx.lang, "online-gateway", a.gateway.as_str())) " · "
                            (ui::money(ctx, a.amount)) " · "
                            (Catalog::global().label(ctx.lang, "online-status", a.status.as_str())) " · "
                            (ui::datetime(ctx, a.created_at))
                            @if let (Some(url), true) = (&a.pay_url, a.status == AttemptStatus::Pending) {
                                " · " a href=(url) rel="noreferrer" { (t(ctx, "invoices-online-link")) }
                            }
                        }
                    }
                }
            }
            @if can_start {
                form #online-form method="post" action=(format!("/console/invoices/{}/online-payments", invoice.id)) {
                    (csrf_field(ctx))
                    @for g in gateways {
                        button type="submit" name="gateway" value=(g.as_str()) {
                            (t_args(ctx, "invoices-online-start", &[("gateway", Arg::from(Catalog::global().label(ctx.lang, "online-gateway", g.as_str())))]))
                        }
                    }
                    p.muted.hint { (t(ctx, "invoices-online-hint")) }
                }
            }
        }
    }
}

#[derive(Deserialize, Default)]
struct ListQuery {
    status: Option<String>,
    from: Option<String>,
    to: Option<String>,
    client_id: Option<String>,
    overdue: Option<String>,
    page: Option<String>,
}

/// The billing run's form and, once run, what it did.
fn billing_run(ctx: &Ctx, date: &str, result: Option<&DailyRun>, errors: &FormErrors) -> Markup {
    html! {
        section #billing-run aria-labelledby="billing-run-title" {
            h2 #billing-run-title { (t(ctx, "invoices-billing-run")) }
            form.card #billing-run-form method="post" action="/console/invoices/generate"
                hx-post="/console/invoices/generate" hx-target="#billing-run" hx-swap="outerHTML" {
                (errors.banner(ctx))
                (csrf_field(ctx))
                p.muted { (t(ctx, "invoices-billing-run-hint")) }
                (kit::input(ctx, "date", "invoices-run-date", "date", date, errors, true))
                div.actions {
                    button.primary #run-billing type="submit" { (t(ctx, "invoices-run")) }
                }
            }
            @if let Some(DailyRun { generation: s, cut, expired, reminders }) = result {
                div.card.notice #billing-result role="status" {
                    dl.facts {
                        dt { (t(ctx, "invoices-run-created")) } dd #billing-created { (s.created) }
                        dt { (t(ctx, "invoices-run-existing")) } dd { (s.already_existed) }
                        dt { (t(ctx, "invoices-run-first")) } dd #billing-first { (s.first_number().unwrap_or_else(|| "—".into())) }
                        dt { (t(ctx, "invoices-run-last")) } dd #billing-last { (s.last_number().unwrap_or_else(|| "—".into())) }
                        dt { (t(ctx, "invoices-run-total")) } dd { (ui::money(ctx, s.total)) }
                        dt { (t(ctx, "invoices-run-cut-off")) } dd #billing-cut-off { (cut.len()) }
                        @if !expired.is_empty() {
                            dt { (t(ctx, "invoices-run-expired")) } dd #billing-expired { (expired.len()) }
                        }
                        @if *reminders > 0 {
                            dt { (t(ctx, "invoices-run-reminders")) } dd #billing-reminders { (reminders) }
                        }
                    }
                    @if s.created > 0 {
                        p { a href=(kit::href("/console/invoices", &[("from", Some(&s.date.to_string())), ("to", Some(&s.date.to_string()))])) { (t(ctx, "invoices-run-show")) } }
                    }
                }
            }
        }
    }
}

/// `GET /console/invoices?status=&from=&to=&client_id=&overdue=true&page=`.
async fn list(State(app): State<AppState>, ctx: Ctx, RawQuery(raw): RawQuery) -> Response {
    let q: ListQuery = match kit::query(&ctx, raw.as_deref()) {
        Ok(q) => q,
        Err(r) => return r,
    };
    let today = ctx.settings.today();
    let mut errors = FormErrors::default();
    let status = kit::read(
        &ctx,
        &mut errors,
        "status",
        q.status.as_deref(),
        InvoiceStatus::parse,
    );
    let from = kit::read(&ctx, &mut errors, "from", q.from.as_deref(), kit::date_of);
    let to = kit::read(&ctx, &mut errors, "to", q.to.as_deref(), kit::date_of);
    let client_id = kit::read(
        &ctx,
        &mut errors,
        "client_id",
        q.client_id.as_deref(),
        ui::id_of::<ClientId>,
    );
    let overdue = kit::read(&ctx, &mut errors, "overdue", q.overdue.as_deref(), |s| {
        s.parse::<bool>().ok()
    })
    .unwrap_or(false);
    let page_no = kit::page_no(&ctx, &mut errors, q.page.as_deref());
    let (rows, total) = if errors.is_empty() {
        let filter = InvoiceFilter {
            status,
            client_id,
            subscription_id: None,
            from,
            to,
            due_before: overdue.then_some(today),
        };
        match svc::list_views(&app, filter, kit::page(page_no)).await {
            Ok(r) => r,
            Err(e) => return ui::error_page(&ctx, &e),
        }
    } else {
        (Vec::new(), 0)
    };
    let codes: Vec<&str> = InvoiceStatus::ALL.iter().map(|s| s.as_str()).collect();
    let statuses = kit::status_choices(&ctx, "invoice-status", &codes);
    let filters = [
        ("status", q.status.as_deref()),
        ("from", q.from.as_deref()),
        ("to", q.to.as_deref()),
        ("client_id", q.client_id.as_deref()),
        ("overdue", overdue.then_some("true")),
    ];
    let h = |k: &str| t(&ctx, k);
    let (h_number, h_client, h_period, h_due, h_total, h_remaining, h_status) = (
        h("billing-invoice-number"),
        h("billing-client"),
        h("billing-period"),
        h("billing-due-date"),
        h("billing-total"),
        h("billing-remaining"),
        h("billing-status"),
    );
    let v = |o: &Option<String>| o.clone().unwrap_or_default();
    page(
        &ctx,
        &t(&ctx, "nav-invoices"),
        html! {
            @if ctx.role().manages_billing() {
                (billing_run(&ctx, &today.to_string(), None, &FormErrors::default()))
            }
            section aria-labelledby="invoice-list-title" {
                h2 #invoice-list-title { (t(&ctx, "invoices-list")) }
                form.card.filters #invoice-filters method="get" action="/console/invoices" {
                    (errors.banner(&ctx))
                    (kit::select(&ctx, "status", "billing-status", &statuses, q.status.as_deref().unwrap_or(""), &errors))
                    (kit::input(&ctx, "from", "invoices-from", "date", &v(&q.from), &errors, false))
                    (kit::input(&ctx, "to", "invoices-to", "date", &v(&q.to), &errors, false))
                    (kit::input(&ctx, "client_id", "billing-client-id", "number", &v(&q.client_id), &errors, false))
                    div.field.check {
                        input #f-overdue type="checkbox" name="overdue" value="true" checked[overdue];
                        label for="f-overdue" { (t(&ctx, "invoices-overdue-only")) }
                    }
                    div.actions { button type="submit" { (t(&ctx, "billing-filter")) } }
                }
                div.table-wrap {
                    table.responsive #invoices {
                        thead { tr {
                            th scope="col" { (h_number) }
                            th scope="col" { (h_client) }
                            th scope="col" { (h_period) }
                            th scope="col" { (h_due) }
                            th.num scope="col" { (h_total) }
                            th.num scope="col" { (h_remaining) }
                            th scope="col" { (h_status) }
                        } }
                        tbody #invoice-rows {
                            @for view in &rows {
                                @let i = &view.invoice;
                                tr data-invoice=(i.id) {
                                    td data-label=(h_number) { a href=(format!("/console/invoices/{}", i.id)) { (i.number()) } }
                                    td data-label=(h_client) { a href=(format!("/console/clients/{}", i.client_id)) { (view.client_name) } }
                                    td data-label=(h_period) { (format_date_range(i.period_start, i.period_end, ctx.lang)) }
                                    td data-label=(h_due) { (ui::date(&ctx, i.due_date)) }
                                    td.num data-label=(h_total) { (ui::money(&ctx, i.total)) }
                                    td.num data-label=(h_remaining) { (ui::money(&ctx, i.outstanding())) }
                                    td data-label=(h_status) { (kit::invoice_status(&ctx, i, today)) }
                                }
                            }
                        }
                    }
                }
                @if rows.is_empty() {
                    p.muted #invoices-empty { (t(&ctx, "invoices-none")) }
                } @else {
                    (kit::pager(&ctx, "/console/invoices", &filters, page_no, total))
                }
            }
        },
    )
}

#[derive(Deserialize, Default)]
struct RunForm {
    date: Option<String>,
}

/// `POST /console/invoices/generate` (admin, operator): the daily run by hand for the date
/// (generation, then cut-offs), as `POST /billing/run` does it. Answers the run's counts: in
/// place for htmx, else on a page of their own.
async fn run_billing(State(app): State<AppState>, posted: Posted<RunForm>) -> Response {
    let ctx = posted.ctx;
    let form = posted.form.unwrap_or_default();
    let typed = form.date.clone().unwrap_or_default();
    let answer = |result: Option<&DailyRun>, errors: &FormErrors| {
        let refused = !errors.is_empty();
        let section = billing_run(&ctx, &typed, result, errors);
        if ctx.htmx {
            // htmx swaps only successful answers: a refusal comes back as 200 with its errors.
            ui::fragment(section)
        } else {
            let body = html! {
                (section)
                p { a href="/console/invoices" { (t(&ctx, "nav-invoices")) } }
            };
            let status = if refused {
                StatusCode::UNPROCESSABLE_ENTITY
            } else {
                StatusCode::OK
            };
            kit::with_status(page(&ctx, &t(&ctx, "invoices-billing-run"), body), status)
        }
    };
    let mut errors = FormErrors::default();
    let date = kit::read(
        &ctx,
        &mut errors,
        "date",
        form.date.as_deref(),
        kit::date_of,
    );
    if !errors.is_empty() {
        return answer(None, &errors);
    }
    match billing::run_by_hand(&app, ctx.actor(), date, false).await {
        Ok(result) => answer(Some(&result), &FormErrors::default()),
        Err(e) => match kit::form_refusal(&ctx, &e) {
            Some(errors) => answer(None, &errors),
            None => ui::error_page(&ctx, &e),
        },
    }
}

/// `GET /console/invoices/{id}?paper=58|80`: the printable invoice.
async fn show(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
    RawQuery(raw): RawQuery,
) -> Response {
    let (class, has_logo) = match kit::printable(&app, &ctx, raw.as_deref()).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let doc = match svc::document(&app, InvoiceId(id)).await {
        Ok(d) => d,
        Err(e) => return ui::error_page(&ctx, &e),
    };
    let attempts = match online::of_invoice(&app, InvoiceId(id)).await {
        Ok(a) => a,
        Err(e) => return ui::error_page(&ctx, &e),
    };
    let today = ctx.settings.today();
    let i = &doc.invoice;
    let c = &doc.client;
    let h = |k: &str| t(&ctx, k);
    let (h_date, h_method, h_reference, h_amount, h_status) = (
        h("doc-payment-date"),
        h("doc-payment-method"),
        h("doc-reference"),
        h("doc-amount"),
        h("billing-status"),
    );
    let body = html! {
        article.doc #invoice {
            header.doc-head {
                (kit::provider(&ctx, has_logo))
                dl.doc-meta {
                    dt { (t(&ctx, "doc-invoice-number")) } dd #invoice-number { (i.number()) }
                    dt { (t(&ctx, "doc-invoice-date")) } dd { (ui::date(&ctx, i.invoice_date)) }
                    dt { (t(&ctx, "doc-due-date")) } dd #invoice-due { (ui::date(&ctx, i.due_date)) }
                    dt { (t(&ctx, "billing-status")) } dd #invoice-status { (kit::invoice_status(&ctx, i, today)) }
                }
            }
            section.doc-to aria-labelledby="bill-to" {
                h2 #bill-to { (t(&ctx, "doc-bill-to")) }
                p { strong { (c.name) } }
                p { (c.address) }
                p { (c.phone_number) }
                p.muted { (t(&ctx, "doc-customer-id")) ": " (c.id) }
            }
            table.doc-lines {
                thead { tr {
                    th scope="col" { (t(&ctx, "doc-description")) }
                    th scope="col" { (t(&ctx, "doc-period")) }
                    th.num scope="col" { (t(&ctx, "doc-amount")) }
                } }
                tbody { tr {
                    td { (t_args(&ctx, "doc-subscription-line", &[("plan_name", Arg::from(doc.plan_name.as_str()))])) }
                    td { (format_date_range(i.period_start, i.period_end, ctx.lang)) }
                    td.num { (ui::money(&ctx, i.total)) }
                } }
                tfoot {
                    tr { th scope="row" colspan="2" { (t(&ctx, "doc-total")) } td.num #invoice-total { (ui::money(&ctx, i.total)) } }
                    tr { th scope="row" colspan="2" { (t(&ctx, "doc-amount-paid")) } td.num #invoice-paid { (ui::money(&ctx, i.paid)) } }
                    tr { th scope="row" colspan="2" { (t(&ctx, "doc-balance-due")) } td.num #invoice-remaining { (ui::money(&ctx, i.outstanding())) } }
                }
            }
            @if i.status.is_open() {
                p { (t_args(&ctx, "doc-pay-by", &[("due_date", Arg::from(ui::date(&ctx, i.due_date)))])) }
            }
            @if !doc.payments.is_empty() {
                section aria-labelledby="payments-title" {
                    h2 #payments-title { (t(&ctx, "nav-payments")) }
                    table.responsive #invoice-payments {
                        thead { tr {
                            th scope="col" { (h_date) }
                            th scope="col" { (h_method) }
                            th scope="col" { (h_reference) }
                            th.num scope="col" { (h_amount) }
                            th scope="col" { (h_status) }
                        } }
                        tbody {
                            @for p in &doc.payments {
                                tr {
                                    td data-label=(h_date) { a href=(format!("/console/payments/{}/receipt", p.id)) { (ui::date(&ctx, p.payment_date)) } }
                                    td data-label=(h_method) { (Catalog::global().payment_method(ctx.lang, &p.payment_method)) }
                                    td data-label=(h_reference) { (p.reference.as_deref().unwrap_or("—")) }
                                    td.num data-label=(h_amount) { (ui::money(&ctx, p.amount)) }
                                    td data-label=(h_status) { (ui::badge(&ctx, "payment-status", p.status.as_str())) }
                                }
                            }
                        }
                    }
                }
            }
            p.muted.doc-note { (t(&ctx, "doc-electronic")) }
        }
        (kit::print_bar(&ctx, &format!("/console/invoices/{}", i.id), class))
        @if i.status.is_open() && ctx.role().records_payments() {
            p.no-print { a.button #pay-this href=(format!("/console/cashier/invoices/{}", i.id)) { (t(&ctx, "cashier-pay")) } }
        }
        (online_section(&ctx, i, &attempts, &app.gateways.available()))
    };
    let title = format!("{} {}", t(&ctx, "doc-invoice"), i.number());
    ui::page_classed(&ctx, &title, class, body)
}
