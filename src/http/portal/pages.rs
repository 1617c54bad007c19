//! The portal's pages: sign-in, home (plan, standing, what is owed, invoices, payments, a
//! promise to pay), an invoice (its PDF, paying online, bank transfer), a receipt.

use axum::extract::{FromRequestParts, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{DOCTYPE, Markup, html};
use serde::Deserialize;

use super::session::{PORTAL_COOKIE, PortalCtx, Posted, portal_cookie};
use crate::app::AppState;
use crate::domain::billing::collection::OwnPromise;
use crate::domain::billing::invoice::{Invoice, InvoiceStatus};
use crate::domain::billing::online::{AttemptStatus, Gateway};
use crate::domain::billing::subscription::Status;
use crate::domain::ids::{InvoiceId, PaymentId};
use crate::domain::money::Money;
use crate::http::console::session::{CSRF_FIELD, LANG_COOKIE, secure, set_cookie};
use crate::http::console::ui::{self, head, html_response};
use crate::http::extract::Query;
use crate::http::pdf::{self, DocumentQuery};
use crate::http::signin;
use crate::i18n::format::{DateStyle, format_date, format_money};
use crate::i18n::{Arg, Catalog, Lang, t, t_args};
use crate::service::AppError;
use crate::service::portal as svc;

/// Before there is a session the sign-in form is proven ours by a random value in a cookie and
/// a hidden field, as the console's.
const PRELOGIN_COOKIE: &str = "mikronet_portal_prelogin";

fn money(ctx: &PortalCtx, m: Money) -> String {
    format_money(m, ctx.currency, ctx.lang)
}

fn date(ctx: &PortalCtx, d: chrono::NaiveDate) -> String {
    format_date(d, ctx.lang, DateStyle::Medium)
}

fn badge(lang: Lang, group: &str, code: &str) -> Markup {
    let word = Catalog::global().label(lang, group, code);
    html! { span class=(format!("badge badge-{code}")) { (word) } }
}

fn csrf(ctx: &PortalCtx) -> Markup {
    html! { input type="hidden" name=(CSRF_FIELD) value=(ctx.csrf); }
}

/// Only a path of the portal is a place to go back to.
fn safe_next(next: Option<&str>) -> &str {
    match next {
        Some(n)
            if n.starts_with("/portal/")
                && !n.starts_with("//")
                && n.bytes().all(|b| b.is_ascii_graphic() && b != b'\\') =>
        {
            n
        }
        _ => "/portal/",
    }
}

/// A whole page: the provider's name, who is signed in, the language switch and sign-out.
fn frame(ctx: &PortalCtx, title: &str, status: StatusCode, body: Markup) -> Response {
    let lang = ctx.lang;
    let markup = html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            (head(lang, title))
            body.portal {
                a.skip href="#main" { (t(lang, "console-skip-to-content")) }
                header.top {
                    a.brand href="/portal/" { (ctx.settings.provider_name) }
                    div.me {
                        span.who #portal-who { (ctx.client.name) }
                        form method="post" action="/portal/language" {
                            (csrf(ctx))
                            input type="hidden" name="next" value=(ctx.path);
                            @for l in Lang::ALL {
                                @if l != lang {
                                    button.link type="submit" name="lang" value=(l.code()) lang=(l.code()) { (l.native_name()) }
                                }
                            }
                        }
                        form method="post" action="/portal/logout" {
                            (csrf(ctx))
                            button.link type="submit" { (t(lang, "action-sign-out")) }
                        }
                    }
                }
                main #main {
                    h1 { (title) }
                    (body)
                }
            }
        }
    };
    html_response(status, markup)
}

/// A refusal as the status the API would give and what to tell the client, in `lang`.
pub(super) fn refusal(lang: Lang, e: &AppError) -> (StatusCode, String) {
    let cat = Catalog::global();
    let text = match e {
        AppError::NotFound(_) => t(lang, "console-not-found"),
        AppError::Forbidden(_) => t(lang, "console-forbidden"),
        AppError::GatewayUnavailable(_) => t(lang, "portal-gateway-unavailable"),
        AppError::Unavailable(m) => format!("{}: {m}", t(lang, "console-unavailable")),
        AppError::TooManyRequests { retry_after } | AppError::Overloaded { retry_after, .. } => {
            signin::retry_text(lang, *retry_after)
        }
        AppError::Validation(fe) | AppError::BadRequest { errors: fe, .. } => {
            fe.0.iter()
                .map(|(f, m)| format!("{} {}", cat.field_label(lang, f), cat.field_error(lang, m)))
                .collect::<Vec<_>>()
                .join("; ")
        }
        AppError::Conflict { message, .. } => cat.field_error(lang, message),
        AppError::Unauthorized(_) | AppError::Store(_) | AppError::Internal(_) => {
            tracing::error!(error = %e, "a client's page failed");
            t(lang, "console-internal-error")
        }
    };
    (crate::http::error::status_of(e), text)
}

/// A refusal as a page, with the status the API would give.
fn error_page(ctx: &PortalCtx, e: &AppError) -> Response {
    let lang = ctx.lang;
    let (status, message) = refusal(lang, e);
    frame(
        ctx,
        &t(lang, "console-error-title"),
        status,
        html! {
            p.alert role="alert" #portal-error { (message) }
            p { a href="/portal/" { (t(lang, "portal-home")) } }
        },
    )
}

fn login_page(
    app: &AppState,
    lang: Lang,
    next: &str,
    username: &str,
    error: Option<String>,
    status: StatusCode,
    secure: bool,
) -> Response {
    let prelogin = crate::security::token::generate();
    let name = &app.settings().provider_name;
    let markup = html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            (head(lang, &t(lang, "portal-title")))
            body.signin.portal {
                main #main {
                    h1 { (name) }
                    form.card method="post" action="/portal/login" {
                        h2 { (t(lang, "portal-title")) }
                        p.hint { (t(lang, "portal-sign-in-intro")) }
                        @if let Some(e) = &error { p.alert role="alert" #login-error { (e) } }
                        input type="hidden" name=(CSRF_FIELD) value=(prelogin);
                        input type="hidden" name="next" value=(next);
                        div.field {
                            label for="f-username" { (t(lang, "portal-field-username")) }
                            input #f-username name="username" value=(username) required autocomplete="username" autocapitalize="none" spellcheck="false" autofocus;
                        }
                        div.field {
                            label for="f-password" { (t(lang, "field-password")) }
                            input #f-password name="password" type="password" required autocomplete="current-password";
                        }
                        button.primary type="submit" { (t(lang, "action-sign-in")) }
                    }
                    nav.langs aria-label=(t(lang, "console-language")) {
                        @for l in Lang::ALL {
                            a href=(format!("/portal/login?lang={}", l.code())) lang=(l.code()) aria-current=[(l == lang).then_some("true")] { (l.native_name()) }
                        }
                    }
                }
            }
        }
    };
    let mut res = html_response(status, markup);
    res.headers_mut().append(
        header::SET_COOKIE,
        portal_cookie(PRELOGIN_COOKIE, &prelogin, 3600, secure),
    );
    res
}

#[derive(Deserialize, Default)]
pub struct LoginQuery {
    next: Option<String>,
    lang: Option<String>,
}

/// `GET /portal/login`.
pub async fn login_form(State(app): State<AppState>, req: Request) -> Response {
    let (mut parts, _) = req.into_parts();
    if PortalCtx::from_request_parts(&mut parts, &app)
        .await
        .is_ok()
    {
        return Redirect::to("/portal/").into_response();
    }
    let Query(q) = Query::<LoginQuery>::from_request_parts(&mut parts, &app)
        .await
        .unwrap_or(Query(LoginQuery::default()));
    let secure = secure(&parts, &app);
    let (lang, chosen) = signin::page_lang(q.lang.as_deref(), &parts.headers, &app.settings());
    let next = safe_next(q.next.as_deref()).to_owned();
    let mut res = login_page(&app, lang, &next, "", None, StatusCode::OK, secure);
    if chosen {
        signin::remember_lang(&mut res, lang, secure);
    }
    res
}

/// `POST /portal/login`: the PPP secret's name and password.
pub async fn login_submit(State(app): State<AppState>, req: Request) -> Response {
    let p = match signin::read(&app, req, PRELOGIN_COOKIE).await {
        Ok(p) => p,
        Err(signin::Unread::Refused(r)) => return r,
        Err(signin::Unread::Unreadable {
            lang,
            secure,
            status,
        }) => {
            let msg = t(lang, "console-form-has-errors");
            return login_page(&app, lang, "/portal/", "", Some(msg), status, secure);
        }
    };
    let (lang, secure) = (p.lang, p.secure);
    let next = safe_next(p.next.as_deref()).to_owned();
    match svc::login(&app, p.username.trim(), &p.password, p.addr.as_deref()).await {
        Ok(login) => {
            let ttl = (login.client.expires_at - chrono::Utc::now())
                .num_seconds()
                .max(0);
            let mut res = Redirect::to(&next).into_response();
            let h = res.headers_mut();
            h.append(
                header::SET_COOKIE,
                portal_cookie(PORTAL_COOKIE, &login.token, ttl, secure),
            );
            h.append(
                header::SET_COOKIE,
                portal_cookie(PRELOGIN_COOKIE, "", 0, secure),
            );
            h.insert(
                header::CACHE_CONTROL,
                axum::http::HeaderValue::from_static("no-store"),
            );
            res
        }
        Err(e) => {
            let (status, msg) = signin::refusal(lang, &e, "portal-login-failed");
            login_page(&app, lang, &next, &p.username, Some(msg), status, secure)
        }
    }
}

#[derive(Deserialize)]
pub struct NoFields {}

/// `POST /portal/logout`.
pub async fn logout(State(app): State<AppState>, posted: Posted<NoFields>) -> Response {
    if let Err(e) = svc::logout(&app, &posted.ctx.token).await {
        tracing::warn!(error = %e, "portal sign-out could not end the session");
    }
    let mut res = Redirect::to("/portal/login").into_response();
    res.headers_mut().append(
        header::SET_COOKIE,
        portal_cookie(PORTAL_COOKIE, "", 0, posted.ctx.secure),
    );
    res
}

#[derive(Deserialize)]
pub struct LanguageForm {
    lang: String,
    next: Option<String>,
}

/// `POST /portal/language`: the page's language, kept in a cookie.
pub async fn language(posted: Posted<LanguageForm>) -> Response {
    let ctx = posted.ctx;
    let Some(lang) = posted.form.ok().and_then(|f| {
        let next = safe_next(f.next.as_deref()).to_owned();
        Lang::parse(&f.lang).map(|l| (l, next))
    }) else {
        return error_page(&ctx, &AppError::bad_request("lang", "is out of range"));
    };
    let mut res = Redirect::to(&lang.1).into_response();
    res.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(LANG_COOKIE, lang.0.code(), 31_536_000, false, ctx.secure),
    );
    res
}

/// An invoice's row: number, period, total, what remains, status.
fn invoice_row(ctx: &PortalCtx, i: &Invoice) -> Markup {
    let lang = ctx.lang;
    let today = ctx.settings.today();
    html! {
        tr.portal-invoice {
            td data-label=(t(lang, "portal-invoice-number")) {
                a href=(format!("/portal/invoices/{}", i.id)) { (i.number()) }
            }
            td data-label=(t(lang, "portal-period")) { (date(ctx, i.period_start)) " – " (date(ctx, i.period_end)) }
            td.num data-label=(t(lang, "portal-total")) { (money(ctx, i.total)) }
            td data-label=(t(lang, "portal-status")) {
                (badge(lang, "invoice-status", i.status.as_str()))
                @if i.overdue_on(today) { " " span.badge.badge-overdue { (t(lang, "invoice-overdue")) } }
            }
        }
    }
}

/// `GET /portal/`.
pub async fn home(State(app): State<AppState>, ctx: PortalCtx) -> Response {
    let h = match svc::home(&app, &ctx.client).await {
        Ok(h) => h,
        Err(e) => return error_page(&ctx, &e),
    };
    let lang = ctx.lang;
    let today = ctx.settings.today();
    let title = t_args(
        lang,
        "portal-hello",
        &[("name", Arg::from(h.client.name.as_str()))],
    );
    let body = html! {
        section.card #portal-service {
            h2 { (t(lang, "portal-your-service")) }
            dl.facts {
                dt { (t(lang, "portal-status")) }
                dd #portal-standing { (badge(lang, "client-standing", h.standing.code())) }
                dt { (t(lang, "portal-field-username")) }
                dd { (h.client.ppp_secret_name) }
                @for p in h.plans.iter().filter(|p| matches!(p.subscription.status, Status::Active | Status::Suspended)) {
                    dt { (t(lang, "portal-plan")) }
                    dd.portal-plan {
                        (p.plan_name) " · "
                        (badge(lang, "subscription-status", p.subscription.status.as_str()))
                        " " (t_args(lang, "portal-until", &[("date", Arg::from(date(&ctx, p.subscription.end_date)))]))
                    }
                }
            }
        }
        section.card #portal-owed {
            @if h.open.is_empty() {
                p #portal-nothing-owed { (t(lang, "portal-nothing-owed")) }
            } @else {
                p.owed-total {
                    (t(lang, "portal-owed")) " "
                    strong #portal-owed-total { (money(&ctx, h.owed)) }
                }
                ul.cashier-list {
                    @for i in &h.open {
                        li {
                            a.button.primary.pay-invoice href=(format!("/portal/invoices/{}", i.id)) {
                                (t(lang, "portal-pay")) " " (i.number()) " · " (money(&ctx, i.outstanding()))
                            }
                            " " span.muted { (t_args(lang, "portal-due", &[("date", Arg::from(date(&ctx, i.due_date)))])) }
                        }
                    }
                }
            }
            (promise_part(&ctx, &h.promise, today))
        }
        section.card #portal-invoices {
            h2 { (t(lang, "portal-invoices")) }
            @if h.invoices.is_empty() {
                p.muted { (t(lang, "portal-no-invoices")) }
            } @else {
                div.table-wrap {
                    table.responsive {
                        thead { tr {
                            th scope="col" { (t(lang, "portal-invoice-number")) }
                            th scope="col" { (t(lang, "portal-period")) }
                            th.num scope="col" { (t(lang, "portal-total")) }
                            th scope="col" { (t(lang, "portal-status")) }
                        } }
                        tbody #portal-invoice-rows {
                            @for i in &h.invoices { (invoice_row(&ctx, i)) }
                        }
                    }
                }
            }
        }
        section.card #portal-payments {
            h2 { (t(lang, "portal-payments")) }
            @if h.payments.is_empty() {
                p.muted { (t(lang, "portal-no-payments")) }
            } @else {
                (payments_table(&ctx, &h.payments))
            }
        }
    };
    frame(&ctx, &title, StatusCode::OK, body)
}

fn payments_table(ctx: &PortalCtx, pays: &[crate::domain::billing::invoice::Payment]) -> Markup {
    let lang = ctx.lang;
    html! {
        div.table-wrap {
            table.responsive {
                thead { tr {
                    th scope="col" { (t(lang, "portal-date")) }
                    th.num scope="col" { (t(lang, "field-amount")) }
                    th scope="col" { (t(lang, "field-payment-method")) }
                    th scope="col" { (t(lang, "portal-status")) }
                    th scope="col" { (t(lang, "portal-receipt")) }
                } }
                tbody #portal-payment-rows {
                    @for p in pays {
                        tr {
                            td data-label=(t(lang, "portal-date")) { (date(ctx, p.payment_date)) }
                            td.num data-label=(t(lang, "field-amount")) { (money(ctx, p.amount)) }
                            td data-label=(t(lang, "field-payment-method")) { (Catalog::global().payment_method(lang, &p.payment_method)) }
                            td data-label=(t(lang, "portal-status")) { (badge(lang, "payment-status", p.status.as_str())) }
                            td data-label=(t(lang, "portal-receipt")) {
                                a.receipt-link href=(format!("/portal/payments/{}/receipt", p.id)) { (t(lang, "portal-receipt")) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The promise-to-pay part of the home: the form, or why there is none.
fn promise_part(ctx: &PortalCtx, offer: &OwnPromise, today: chrono::NaiveDate) -> Markup {
    let lang = ctx.lang;
    html! {
        @match offer {
            OwnPromise::Offered { .. } => {
                form #promise-form method="post" action="/portal/promise" {
                    h2 { (t(lang, "portal-promise-title")) }
                    p.hint { (t(lang, "portal-promise-intro")) }
                    (csrf(ctx))
                    div.field {
                        label for="f-until" { (t(lang, "field-until")) }
                        select #f-until name="until" {
                            @for d in offer.days(today) {
                                option value=(d.to_string()) { (date(ctx, d)) }
                            }
                        }
                    }
                    button type="submit" #promise { (t(lang, "portal-promise-button")) }
                }
            }
            OwnPromise::Holding(d) => {
                p.notice #promise-holding { (t_args(lang, "portal-promise-holding", &[("date", Arg::from(date(ctx, *d)))])) }
            }
            OwnPromise::Used => { p.muted #promise-used { (t(lang, "portal-promise-used")) } }
            OwnPromise::Off | OwnPromise::NotNeeded => {}
        }
    }
}

#[derive(Deserialize)]
pub struct PromiseForm {
    until: Option<chrono::NaiveDate>,
}

/// `POST /portal/promise`.
pub async fn promise(State(app): State<AppState>, posted: Posted<PromiseForm>) -> Response {
    let ctx = posted.ctx;
    let until = match posted.form {
        Ok(f) => f.until,
        Err(_) => {
            return error_page(
                &ctx,
                &AppError::Validation(crate::domain::validation::FieldErrors::single(
                    "until",
                    "must be one of the days offered",
                )),
            );
        }
    };
    match svc::promise(&app, &ctx.client, until).await {
        Ok(_) => Redirect::to("/portal/").into_response(),
        Err(e) => error_page(&ctx, &e),
    }
}

/// `GET /portal/invoices/{id}`.
pub async fn invoice(
    State(app): State<AppState>,
    ctx: PortalCtx,
    axum::extract::Path(raw): axum::extract::Path<String>,
) -> Response {
    let Some(id) = path_id::<InvoiceId>(&raw) else {
        return error_page(&ctx, &AppError::NotFound("invoice".into()));
    };
    let p = match svc::invoice(&app, &ctx.client, id).await {
        Ok(p) => p,
        Err(e) => return error_page(&ctx, &e),
    };
    let lang = ctx.lang;
    let i = &p.invoice;
    let waiting = p
        .attempts
        .iter()
        .find(|a| a.status == AttemptStatus::Pending && a.pay_url.is_some());
    let bank = app.config.portal_bank_transfer.trim();
    let title = t_args(
        lang,
        "portal-invoice-title",
        &[("number", Arg::from(i.number().as_str()))],
    );
    let body = html! {
        section.card {
            dl.facts {
                dt { (t(lang, "portal-status")) }
                dd #invoice-status { (badge(lang, "invoice-status", i.status.as_str())) }
                dt { (t(lang, "portal-plan")) }
                dd { (p.plan_name) }
                dt { (t(lang, "portal-period")) }
                dd { (date(&ctx, i.period_start)) " – " (date(&ctx, i.period_end)) }
                dt { (t(lang, "portal-due-date")) }
                dd { (date(&ctx, i.due_date)) }
                dt { (t(lang, "portal-total")) }
                dd { (money(&ctx, i.total)) }
                dt { (t(lang, "portal-paid")) }
                dd { (money(&ctx, i.paid)) }
                dt { (t(lang, "portal-remaining")) }
                dd #invoice-remaining { strong { (money(&ctx, i.outstanding())) } }
            }
            p { a.button #invoice-pdf href=(format!("/portal/invoices/{}/pdf", i.id)) { (t(lang, "portal-download-pdf")) } }
        }
        @if i.status.is_open() {
            section.card #pay-online {
                h2 { (t(lang, "portal-pay-online")) }
                @if let Some(a) = waiting {
                    p { (t(lang, "portal-payment-waiting")) }
                    p { a.button.primary.big #continue-payment href=(a.pay_url.as_deref().unwrap_or("#")) rel="noreferrer" {
                        (t(lang, "portal-continue-payment")) " · " (money(&ctx, a.amount))
                    } }
                } @else if p.gateways.is_empty() {
                    p.muted { (t(lang, "portal-no-gateway")) }
                } @else {
                    @for g in &p.gateways {
                        form.pay-form method="post" action=(format!("/portal/invoices/{}/pay", i.id)) {
                            (csrf(&ctx))
                            input type="hidden" name="gateway" value=(g.as_str());
                            button.primary.big type="submit" id=(format!("pay-{}", g.as_str())) {
                                (t_args(lang, "portal-pay-with", &[("gateway", Arg::from(Catalog::global().label(lang, "online-gateway", g.as_str())))]))
                            }
                        }
                    }
                }
            }
            @if !bank.is_empty() {
                section.card #bank-transfer {
                    h2 { (t(lang, "payment-method-bank-transfer")) }
                    p #bank-details { (bank) }
                    p.hint { (t_args(lang, "portal-bank-transfer-note", &[("number", Arg::from(i.number().as_str()))])) }
                }
            }
        }
        @if !p.payments.is_empty() {
            section.card {
                h2 { (t(lang, "portal-payments")) }
                (payments_table(&ctx, &p.payments))
            }
        }
        p { a href="/portal/" { (t(lang, "portal-home")) } }
    };
    frame(&ctx, &title, StatusCode::OK, body)
}

fn path_id<T: From<i64>>(raw: &str) -> Option<T> {
    ui::id_of::<T>(raw)
}

/// `GET /portal/invoices/{id}/pdf`: in the page's language.
pub async fn invoice_pdf(
    State(app): State<AppState>,
    ctx: PortalCtx,
    axum::extract::Path(raw): axum::extract::Path<String>,
) -> Response {
    let who = &ctx.client;
    own_pdf(&ctx, &raw, "invoice", |id: InvoiceId, q| async move {
        let doc = svc::document(&app, who, id).await?;
        pdf::invoice(&app, &doc, &q).await
    })
    .await
}

/// One of the client's documents as PDF, in the page's language: `make` finds it by the
/// path's id (theirs only) and draws it.
async fn own_pdf<Id, Made>(
    ctx: &PortalCtx,
    raw: &str,
    what: &str,
    make: impl FnOnce(Id, DocumentQuery) -> Made,
) -> Response
where
    Id: From<i64>,
    Made: std::future::Future<Output = Result<Response, AppError>>,
{
    let Some(id) = path_id::<Id>(raw) else {
        return error_page(ctx, &AppError::NotFound(what.into()));
    };
    let q = DocumentQuery {
        lang: Some(ctx.lang.code().into()),
        paper: None,
    };
    make(id, q).await.unwrap_or_else(|e| error_page(ctx, &e))
}

#[derive(Deserialize)]
pub struct PayForm {
    gateway: Gateway,
}

/// `POST /portal/invoices/{id}/pay`: starts an online payment, then back to the invoice,
/// whose page links to the gateway's (a form may only lead to this site).
pub async fn pay(
    State(app): State<AppState>,
    axum::extract::Path(raw): axum::extract::Path<String>,
    posted: Posted<PayForm>,
) -> Response {
    let ctx = posted.ctx;
    let Some(id) = path_id::<InvoiceId>(&raw) else {
        return error_page(&ctx, &AppError::NotFound("invoice".into()));
    };
    let Ok(f) = posted.form else {
        return error_page(&ctx, &AppError::bad_request("gateway", "is out of range"));
    };
    match svc::pay(&app, &ctx.client, id, f.gateway).await {
        Ok(_) => Redirect::to(&format!("/portal/invoices/{id}")).into_response(),
        Err(e) => error_page(&ctx, &e),
    }
}

/// `GET /portal/payments/{id}/receipt`: the receipt as a page, with its PDF.
pub async fn receipt(
    State(app): State<AppState>,
    ctx: PortalCtx,
    axum::extract::Path(raw): axum::extract::Path<String>,
) -> Response {
    let Some(id) = path_id::<PaymentId>(&raw) else {
        return error_page(&ctx, &AppError::NotFound("payment".into()));
    };
    let r = match svc::receipt(&app, &ctx.client, id).await {
        Ok(r) => r,
        Err(e) => return error_page(&ctx, &e),
    };
    let lang = ctx.lang;
    let p = &r.payment;
    let body = html! {
        section.card.receipt {
            dl.facts {
                dt { (t(lang, "portal-invoice-number")) }
                dd { a href=(format!("/portal/invoices/{}", r.invoice.id)) { (r.invoice.number()) } }
                dt { (t(lang, "portal-date")) }
                dd { (date(&ctx, p.payment_date)) }
                dt { (t(lang, "field-amount")) }
                dd #receipt-amount { strong { (money(&ctx, p.amount)) } }
                dt { (t(lang, "field-payment-method")) }
                dd { (Catalog::global().payment_method(lang, &p.payment_method)) }
                @if let Some(reference) = &p.reference {
                    dt { (t(lang, "portal-reference")) }
                    dd { (reference) }
                }
                dt { (t(lang, "portal-status")) }
                dd #receipt-status { (badge(lang, "payment-status", p.status.as_str())) }
                dt { (t(lang, "portal-remaining")) }
                dd #receipt-remaining { (money(&ctx, r.remaining)) " · " (badge(lang, "invoice-status", r.status.as_str())) }
            }
            @if r.status == InvoiceStatus::Paid {
                p.notice #receipt-thanks { (t(lang, "portal-thanks")) }
            }
            p { a.button #receipt-pdf href=(format!("/portal/payments/{}/receipt.pdf", p.id)) { (t(lang, "portal-download-pdf")) } }
        }
        p { a href="/portal/" { (t(lang, "portal-home")) } }
    };
    frame(&ctx, &t(lang, "portal-receipt"), StatusCode::OK, body)
}

/// `GET /portal/payments/{id}/receipt.pdf`.
pub async fn receipt_pdf(
    State(app): State<AppState>,
    ctx: PortalCtx,
    axum::extract::Path(raw): axum::extract::Path<String>,
) -> Response {
    let who = &ctx.client;
    own_pdf(&ctx, &raw, "payment", |id: PaymentId, q| async move {
        let r = svc::receipt(&app, who, id).await?;
        pdf::receipt(&app, &r, &q).await
    })
    .await
}

/// Any other `/portal/…` path: a page, not the API's JSON.
pub async fn not_found(ctx: PortalCtx) -> Response {
    error_page(&ctx, &AppError::NotFound("page".into()))
}
