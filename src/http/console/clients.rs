//! Console pages: the client list with search as you type, the client form (new and edit), and
//! the client page (contact details, subscriptions, a timeline of invoices, payments and
//! history). The router state and the connect/disconnect form are in [`super::clients_live`].

use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use maud::{Markup, html};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::clients_live;
use super::collection::{self, CollectionForm};
use super::messages::{self, ContactForm};
use super::session::{Ctx, Posted};
use super::ui::{self, FormErrors, Input, badge, csrf_field, date, money, t, t_args};
use crate::app::AppState;
use crate::domain::client::{Client, ClientDraft, ClientEventKind, Standing};
use crate::domain::ids::ClientId;
use crate::http::extract::decode_pairs;
use crate::i18n::Arg;
use crate::i18n::format::format_date_range;
use crate::service::clients::{self as svc, ClientOverview, RouterChoice, TimelineEntry};
use crate::service::idempotency::Once;
use crate::service::{AppError, Page};

/// Clients per page of the list.
const PER_PAGE: u32 = 25;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/clients", get(list))
        .route("/console/clients/rows", get(rows))
        .route("/console/clients/new", get(new_form).post(create))
        .route("/console/clients/{id}", get(show))
        .route("/console/clients/{id}/edit", get(edit_form).post(update))
        .route("/console/clients/{id}/delete", post(delete))
        .merge(clients_live::routes())
}

/// A query string read leniently: what does not parse is as if not given (a page of the
/// console never answers a typed URL with an error about its query).
pub(super) fn query_of<T: DeserializeOwned + Default>(raw: Option<String>) -> T {
    raw.and_then(|q| decode_pairs(q.as_bytes(), true, "query").ok())
        .unwrap_or_default()
}

/// A 1-based page number as typed, or the first page.
pub(super) fn page_number(raw: Option<&str>) -> u32 {
    raw.and_then(|p| p.parse().ok())
        .filter(|p| (1..=1_000_000).contains(p))
        .unwrap_or(1)
}

/// Links to the previous and next pages of a listing: `href(n)` is page `n`'s address.
pub(super) fn pager(
    ctx: &Ctx,
    page: u32,
    per_page: u32,
    total: i64,
    href: impl Fn(u32) -> String,
) -> Markup {
    let pages = u32::try_from((total.max(0) + i64::from(per_page) - 1) / i64::from(per_page))
        .unwrap_or(u32::MAX)
        .max(1);
    html! {
        nav.pager aria-label=(t(ctx, "clients-pages")) {
            span.muted {
                (t_args(ctx, "clients-page-of", &[("page", Arg::from(i64::from(page))), ("pages", Arg::from(i64::from(pages))), ("total", Arg::from(total))]))
            }
            @if page > 1 {
                a.button rel="prev" href=(href(page - 1)) { (t(ctx, "action-previous")) }
            }
            @if page < pages {
                a.button rel="next" href=(href(page + 1)) { (t(ctx, "action-next")) }
            }
        }
    }
}

fn encode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// A page of clients with how each stands, and how many match; or why not.
type Found = Result<(Vec<(Client, Standing)>, i64), AppError>;

#[derive(Deserialize, Default)]
struct ListQuery {
    q: Option<String>,
    page: Option<String>,
}

/// The list's address for a search and a page.
fn list_href(q: Option<&str>, page: u32) -> String {
    match q {
        Some(q) => format!("/console/clients?q={}&page={page}", encode(q)),
        None => format!("/console/clients?page={page}"),
    }
}

/// The list's rows: a client each, and a last row with the count and the pages.
fn rows_markup(ctx: &Ctx, q: Option<&str>, page: u32, found: &Found) -> Markup {
    let (h_name, h_phone, h_ppp, h_status) = (
        t(ctx, "field-name"),
        t(ctx, "field-phone-number"),
        t(ctx, "field-ppp-secret-name"),
        t(ctx, "clients-status"),
    );
    html! {
        tbody #client-rows {
            @match found {
                Err(e) => {
                    tr { td colspan="4" { p.alert role="alert" { (ui::general_message(ctx, e)) } } }
                }
                Ok((clients, total)) => {
                    @for (c, standing) in clients {
                        tr {
                            td data-label=(h_name) {
                                a.client-link href=(format!("/console/clients/{}", c.id)) { (c.name) }
                            }
                            td data-label=(h_phone) { (c.phone_number) }
                            td data-label=(h_ppp) { code { (c.ppp_secret_name) } }
                            td data-label=(h_status) { (badge(ctx, "client-standing", standing.code())) }
                        }
                    }
                    @if clients.is_empty() {
                        tr { td colspan="4" { (t(ctx, if q.is_some() { "clients-none-found" } else { "clients-none-yet" })) } }
                    }
                    tr.pager-row {
                        td colspan="4" {
                            (pager(ctx, page, PER_PAGE, *total, |n| list_href(q, n)))
                        }
                    }
                }
            }
        }
    }
}

async fn search(
    app: &AppState,
    raw: Option<String>,
) -> (
    Option<String>,
    u32,
    Result<(Vec<(Client, Standing)>, i64), AppError>,
) {
    let lq: ListQuery = query_of(raw);
    let q = lq.q.filter(|q| !q.trim().is_empty());
    let page = page_number(lq.page.as_deref());
    let found = svc::list_with_standing(
        app,
        q.clone(),
        Page {
            page,
            per_page: PER_PAGE,
        },
    )
    .await;
    (q, page, found)
}

/// `GET /console/clients?q=…&page=N`: the list, narrowed by a search; works without script.
async fn list(State(app): State<AppState>, ctx: Ctx, RawQuery(raw): RawQuery) -> Response {
    let (q, page, found) = search(&app, raw).await;
    ui::page(
        &ctx,
        &t(&ctx, "nav-clients"),
        html! {
            div.toolbar {
                form.search role="search" method="get" action="/console/clients" {
                    label for="client-search" { (t(&ctx, "clients-search-label")) }
                    div.search-row {
                        input #client-search type="search" name="q" value=[q.as_deref()]
                            autocomplete="off"
                            hx-get="/console/clients/rows"
                            hx-trigger="input changed delay:250ms, search"
                            hx-target="#client-rows" hx-swap="outerHTML"
                            aria-controls="client-rows";
                        button type="submit" { (t(&ctx, "action-search")) }
                    }
                }
                @if ctx.role().manages_clients() {
                    a #new-client .button.primary href="/console/clients/new" { (t(&ctx, "clients-new")) }
                }
            }
            div.table-wrap {
                table.responsive #client-table {
                    caption.visually-hidden { (t(&ctx, "nav-clients")) }
                    thead {
                        tr {
                            th scope="col" { (t(&ctx, "field-name")) }
                            th scope="col" { (t(&ctx, "field-phone-number")) }
                            th scope="col" { (t(&ctx, "field-ppp-secret-name")) }
                            th scope="col" { (t(&ctx, "clients-status")) }
                        }
                    }
                    (rows_markup(&ctx, q.as_deref(), page, &found))
                }
            }
        },
    )
}

/// `GET /console/clients/rows?q=…&page=N`: the rows alone, for search as you type.
async fn rows(State(app): State<AppState>, ctx: Ctx, RawQuery(raw): RawQuery) -> Response {
    let (q, page, found) = search(&app, raw).await;
    ui::fragment(rows_markup(&ctx, q.as_deref(), page, &found))
}

/// The client form, new (`client` `None`) or edit, with the values typed and the errors.
fn form_page(
    ctx: &Ctx,
    client: Option<&Client>,
    values: &ClientDraft,
    routers: &[RouterChoice],
    errors: &FormErrors,
    status: StatusCode,
) -> Response {
    let (title, action) = match client {
        Some(c) => (
            t_args(
                ctx,
                "clients-edit-title",
                &[("name", Arg::from(c.name.as_str()))],
            ),
            format!("/console/clients/{}/edit", c.id),
        ),
        None => (t(ctx, "clients-new"), "/console/clients/new".to_owned()),
    };
    let v = |o: &Option<String>| o.clone().unwrap_or_default();
    let selected = values.router_id.map(|r| r.to_string()).unwrap_or_default();
    let mut options = vec![(
        String::new(),
        match client {
            Some(_) => t(ctx, "clients-router-unchanged"),
            None => t(ctx, "clients-router-default"),
        },
    )];
    options.extend(routers.iter().map(|r| (r.id.to_string(), r.name.clone())));
    let cancel = match client {
        Some(c) => format!("/console/clients/{}", c.id),
        None => "/console/clients".to_owned(),
    };
    let mut res = ui::page(
        ctx,
        &title,
        html! {
            form #client-form .card method="post" action=(action) novalidate {
                (errors.banner(ctx))
                (csrf_field(ctx))
                (ui::field(ctx, "name", Input::Text, &v(&values.name), errors, client.is_none()))
                (ui::field(ctx, "phone_number", Input::Tel, &v(&values.phone_number), errors, client.is_none()))
                (ui::field(ctx, "address", Input::Text, &v(&values.address), errors, client.is_none()))
                (ui::field(ctx, "ppp_secret_name", Input::Text, &v(&values.ppp_secret_name), errors, client.is_none()))
                (ui::field(ctx, "password", Input::Password, "", errors, client.is_none()))
                @if client.is_some() {
                    p.hint #password-hint { (t(ctx, "clients-password-unchanged")) }
                }
                @if routers.len() > 1 {
                    (ui::select(ctx, "router_id", &options, &selected, errors))
                }
                div.actions {
                    button #save-client .primary type="submit" { (t(ctx, "action-save")) }
                    a.button href=(cancel) { (t(ctx, "action-cancel")) }
                }
            }
        },
    );
    *res.status_mut() = status;
    res
}

/// `GET /console/clients/new` (for who manages clients: the service refuses the others).
async fn new_form(State(app): State<AppState>, ctx: Ctx) -> Response {
    match svc::router_choices(&app, ctx.actor()).await {
        Ok(routers) => form_page(
            &ctx,
            None,
            &ClientDraft::default(),
            &routers,
            &FormErrors::default(),
            StatusCode::OK,
        ),
        Err(e) => ui::error_page(&ctx, &e),
    }
}

/// A refused form, shown again with what was typed (the password is never sent back).
async fn refused(
    app: &AppState,
    ctx: &Ctx,
    client: Option<&Client>,
    mut draft: ClientDraft,
    errors: FormErrors,
) -> Response {
    draft.password = None;
    let routers = svc::router_choices(app, ctx.actor())
        .await
        .unwrap_or_default();
    form_page(
        ctx,
        client,
        &draft,
        &routers,
        &errors,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
}

/// `POST /console/clients/new`: registers the client through the service; to its page.
async fn create(State(app): State<AppState>, posted: Posted<ClientDraft>) -> Response {
    let ctx = posted.ctx;
    let draft = match posted.form {
        Ok(d) => d,
        Err(e) => {
            return refused(
                &app,
                &ctx,
                None,
                ClientDraft::default(),
                FormErrors::from_parse(&ctx, &e),
            )
            .await;
        }
    };
    let once = Once::unkeyed();
    match svc::create(&app, ctx.actor(), &draft, once).await {
        Ok(out) => {
            let id = match out.created() {
                Some(c) => c.id.to_string(),
                None => out.into_answer().body,
            };
            Redirect::to(&format!("/console/clients/{id}")).into_response()
        }
        Err(e @ AppError::Forbidden(_)) => ui::error_page(&ctx, &e),
        Err(e) => {
            let errors = FormErrors::from_app(&ctx, &e);
            refused(&app, &ctx, None, draft, errors).await
        }
    }
}

/// The client of a path's `{id}`; any other text is a client that does not exist.
pub(super) fn id_of(raw: &str) -> Result<ClientId, AppError> {
    ui::id_of(raw).ok_or_else(|| AppError::NotFound(format!("client {raw}")))
}

fn draft_of(c: &Client) -> ClientDraft {
    ClientDraft {
        name: Some(c.name.clone()),
        phone_number: Some(c.phone_number.clone()),
        address: Some(c.address.clone()),
        ppp_secret_name: Some(c.ppp_secret_name.clone()),
        password: None,
        router_id: c.router_id,
    }
}

/// `GET /console/clients/{id}/edit`.
async fn edit_form(State(app): State<AppState>, ctx: Ctx, Path(raw): Path<String>) -> Response {
    let found = match id_of(&raw) {
        Ok(id) => svc::editing(&app, ctx.actor(), id).await,
        Err(e) => Err(e),
    };
    match found {
        Ok((client, routers)) => form_page(
            &ctx,
            Some(&client),
            &draft_of(&client),
            &routers,
            &FormErrors::default(),
            StatusCode::OK,
        ),
        Err(e) => ui::error_page(&ctx, &e),
    }
}

/// `POST /console/clients/{id}/edit`: the fields sent change (an empty password keeps the
/// current one); to the client's page.
async fn update(
    State(app): State<AppState>,
    Path(raw): Path<String>,
    posted: Posted<ClientDraft>,
) -> Response {
    let ctx = posted.ctx;
    let id = match id_of(&raw) {
        Ok(id) => id,
        Err(e) => return ui::error_page(&ctx, &e),
    };
    let draft = match posted.form {
        Ok(d) => d,
        Err(e) => {
            let current = svc::get(&app, id).await;
            return match current {
                Ok(c) => {
                    refused(
                        &app,
                        &ctx,
                        Some(&c),
                        draft_of(&c),
                        FormErrors::from_parse(&ctx, &e),
                    )
                    .await
                }
                Err(e) => ui::error_page(&ctx, &e),
            };
        }
    };
    match svc::update(&app, ctx.actor(), id, &draft).await {
        Ok(c) => Redirect::to(&format!("/console/clients/{}", c.id)).into_response(),
        Err(e @ (AppError::Forbidden(_) | AppError::NotFound(_))) => ui::error_page(&ctx, &e),
        Err(e) => {
            let errors = FormErrors::from_app(&ctx, &e);
            match svc::get(&app, id).await {
                Ok(c) => refused(&app, &ctx, Some(&c), draft, errors).await,
                Err(e) => ui::error_page(&ctx, &e),
            }
        }
    }
}

/// `POST /console/clients/{id}/delete` (asked to confirm first, with htmx): refused by the
/// service while the client has subscriptions; to the list.
async fn delete(
    State(app): State<AppState>,
    Path(raw): Path<String>,
    posted: Posted<NoFields>,
) -> Response {
    let ctx = posted.ctx;
    let result = match id_of(&raw) {
        Ok(id) => svc::delete(&app, ctx.actor(), id).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(()) if ctx.htmx => {
            let mut res = StatusCode::OK.into_response();
            res.headers_mut()
                .insert("hx-redirect", HeaderValue::from_static("/console/clients"));
            res
        }
        Ok(()) => Redirect::to("/console/clients").into_response(),
        Err(e @ AppError::Conflict { .. }) if ctx.htmx => {
            let mut res =
                ui::fragment(html! { p.alert role="alert" { (ui::general_message(&ctx, &e)) } });
            *res.status_mut() = StatusCode::OK;
            res
        }
        Err(e) => ui::error_page(&ctx, &e),
    }
}

#[derive(Deserialize)]
pub(super) struct NoFields {}

/// The client's contact details.
fn contact(ctx: &Ctx, o: &ClientOverview) -> Markup {
    let c = &o.details.client;
    html! {
        section.card #contact aria-labelledby="contact-h" {
            h2 #contact-h { (t(ctx, "clients-contact")) }
            dl.facts {
                dt { (t(ctx, "field-phone-number")) }
                dd #client-phone { a href=(format!("tel:{}", c.phone_number)) { (c.phone_number) } }
                dt { (t(ctx, "field-address")) }
                dd #client-address { (c.address) }
                dt { (t(ctx, "field-ppp-secret-name")) }
                dd #client-ppp { code { (c.ppp_secret_name) } }
                dt { (t(ctx, "field-router-id")) }
                dd #client-router {
                    @match &o.router_name {
                        Some(n) => (n),
                        None => span.muted { (t(ctx, "clients-no-router")) },
                    }
                }
                dt { (t(ctx, "clients-status")) }
                dd { (badge(ctx, "client-standing", o.standing.code())) }
            }
            @if ctx.role().manages_clients() {
                div.actions {
                    a #edit-client .button href=(format!("/console/clients/{}/edit", c.id)) { (t(ctx, "action-edit")) }
                    form #delete-form method="post" action=(format!("/console/clients/{}/delete", c.id))
                        hx-post=(format!("/console/clients/{}/delete", c.id))
                        hx-confirm=(t_args(ctx, "clients-delete-confirm", &[("name", Arg::from(c.name.as_str()))]))
                        hx-target="#delete-result" {
                        (csrf_field(ctx))
                        button #delete-client .danger type="submit" { (t(ctx, "action-delete")) }
                    }
                }
                div #delete-result aria-live="polite" {}
            }
        }
    }
}

fn subscriptions(ctx: &Ctx, o: &ClientOverview) -> Markup {
    let c = &o.details.client;
    let (h_plan, h_period, h_status) = (
        t(ctx, "clients-plan"),
        t(ctx, "clients-period"),
        t(ctx, "clients-status"),
    );
    html! {
        section #subscriptions aria-labelledby="subscriptions-h" {
            h2 #subscriptions-h { (t(ctx, "nav-subscriptions")) }
            @if o.details.subscriptions.is_empty() {
                p.muted { (t(ctx, "clients-no-subscriptions")) }
            } @else {
                div.table-wrap {
                    table.responsive {
                        thead { tr {
                            th scope="col" { (h_plan) }
                            th scope="col" { (h_period) }
                            th scope="col" { (h_status) }
                        } }
                        tbody {
                            @for s in &o.details.subscriptions {
                                @let sub = &s.subscription;
                                @let plan = o.plan_names.get(&sub.plan_id).cloned().unwrap_or_else(|| sub.plan_id.to_string());
                                tr.subscription {
                                    td data-label=(h_plan) {
                                        @if ctx.role().manages_billing() {
                                            a href=(format!("/console/subscriptions/{}", sub.id)) { (plan) }
                                        } @else {
                                            (plan)
                                        }
                                    }
                                    td data-label=(h_period) { (format_date_range(sub.start_date, sub.end_date, ctx.lang)) }
                                    td data-label=(h_status) { (badge(ctx, "subscription-status", sub.status.as_str())) }
                                }
                            }
                        }
                    }
                }
            }
            @if ctx.role().manages_billing() {
                p { a #new-subscription .button href=(format!("/console/subscriptions/new?client_id={}", c.id)) { (t(ctx, "clients-new-subscription")) } }
            }
        }
    }
}

fn timeline(ctx: &Ctx, o: &ClientOverview, today: chrono::NaiveDate) -> Markup {
    let entries = o.timeline();
    html! {
        section #timeline-section aria-labelledby="timeline-h" {
            h2 #timeline-h { (t(ctx, "clients-timeline")) }
            @if entries.is_empty() {
                p.muted { (t(ctx, "clients-timeline-empty")) }
            }
            ol.timeline #timeline {
                @for e in &entries {
                    @match e {
                        TimelineEntry::Invoice(inv) => {
                            li.invoice data-invoice-id=(inv.id) {
                                time datetime=(inv.invoice_date.to_string()) { (date(ctx, inv.invoice_date)) }
                                " · "
                                (t_args(ctx, "clients-timeline-invoice", &[
                                    ("number", Arg::from(inv.number())),
                                    ("amount", Arg::from(money(ctx, inv.total))),
                                    ("due", Arg::from(date(ctx, inv.due_date))),
                                ]))
                                " "
                                (badge(ctx, "invoice-status", inv.status.as_str()))
                                @if inv.overdue_on(today) {
                                    " " span.badge.badge-overdue { (t(ctx, "invoice-overdue")) }
                                }
                                @if inv.status.is_open() {
                                    " "
                                    a.record-payment href=(format!("/console/cashier/invoices/{}", inv.id)) {
                                        (t(ctx, "clients-record-payment"))
                                        span.visually-hidden { " " (inv.number()) }
                                    }
                                }
                            }
                        }
                        TimelineEntry::Payment(p, inv) => {
                            li.payment {
                                time datetime=(p.payment_date.to_string()) { (date(ctx, p.payment_date)) }
                                " · "
                                (t_args(ctx, "clients-timeline-payment", &[
                                    ("amount", Arg::from(money(ctx, p.amount))),
                                    ("number", Arg::from(inv.number())),
                                    ("method", Arg::from(crate::i18n::Catalog::global().payment_method(ctx.lang, &p.payment_method))),
                                    ("by", Arg::from(p.recorded_by.as_str())),
                                ]))
                                " "
                                (badge(ctx, "payment-status", p.status.as_str()))
                            }
                        }
                        TimelineEntry::Event(ev) => {
                            li.event {
                                time datetime=(ev.at.to_rfc3339()) { (ui::datetime(ctx, ev.at)) }
                                " · "
                                (t_args(ctx, match ev.kind {
                                    ClientEventKind::ConnectionDisabled => "clients-event-disabled",
                                    ClientEventKind::ConnectionEnabled => "clients-event-enabled",
                                    ClientEventKind::CutoffExempted => "clients-event-exempted",
                                    ClientEventKind::ExemptionLifted => "clients-event-exemption-lifted",
                                    ClientEventKind::PromiseGranted => "clients-event-promise",
                                    ClientEventKind::PromiseWithdrawn => "clients-event-promise-withdrawn",
                                    ClientEventKind::TermsChanged => "clients-event-terms",
                                }, &[("by", Arg::from(ev.actor.as_str()))]))
                                @if let Some(r) = &ev.reason {
                                    ": " q { (r) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// `GET /console/clients/{id}`: the client's page.
async fn show(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(raw): Path<String>,
    RawQuery(q): RawQuery,
) -> Response {
    let id = match id_of(&raw) {
        Ok(id) => id,
        Err(e) => return ui::error_page(&ctx, &e),
    };
    let switched: clients_live::SwitchedQuery = query_of(q);
    render(&app, &ctx, id, switched.notice(&ctx), None).await
}

/// A change the client page's forms sent that was refused: the form as sent, and its errors.
pub(super) enum Refused {
    Collection(CollectionForm, FormErrors),
    Contact(ContactForm, FormErrors),
}

/// The client and the form one of the client page's forms posted; or, when the id or the
/// form does not read, the answer: the error page, or the page with the form's errors.
pub(super) async fn posted_to<F: Default>(
    app: &AppState,
    ctx: &Ctx,
    raw: &str,
    form: Result<F, (String, String)>,
    refused: impl FnOnce(F, FormErrors) -> Refused,
) -> Result<(ClientId, F), Response> {
    let id = id_of(raw).map_err(|e| ui::error_page(ctx, &e))?;
    match form {
        Ok(f) => Ok((id, f)),
        Err(e) => {
            let errors = FormErrors::from_parse(ctx, &e);
            Err(page_for(app, ctx, id, Some(refused(F::default(), errors))).await)
        }
    }
}

/// What a change sent by one of the client page's forms answers: back to the page at
/// `anchor`; the error page when the client is gone or the change not the user's to make;
/// else the page again with the errors next to the form's fields (`refused`).
pub(super) async fn answered<T>(
    app: &AppState,
    ctx: &Ctx,
    id: ClientId,
    result: Result<T, crate::service::AppError>,
    anchor: &str,
    refused: impl FnOnce(FormErrors) -> Refused,
) -> Response {
    use crate::service::AppError;
    match result {
        Ok(_) => {
            axum::response::Redirect::to(&format!("/console/clients/{id}#{anchor}")).into_response()
        }
        Err(e @ (AppError::Forbidden(_) | AppError::NotFound(_))) => ui::error_page(ctx, &e),
        Err(e) => {
            let errors = FormErrors::from_app(ctx, &e);
            page_for(app, ctx, id, Some(refused(errors))).await
        }
    }
}

/// The client's page again after a refused change: its form as sent, the errors next to
/// their fields, status 422.
pub(super) async fn page_for(
    app: &AppState,
    ctx: &Ctx,
    id: ClientId,
    failed: Option<Refused>,
) -> Response {
    let refused = failed.is_some();
    let mut res = render(app, ctx, id, html! {}, failed).await;
    if refused && res.status() == StatusCode::OK {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    res
}

async fn render(
    app: &AppState,
    ctx: &Ctx,
    id: ClientId,
    notice: Markup,
    failed: Option<Refused>,
) -> Response {
    let o = match svc::overview(app, id).await {
        Ok(o) => o,
        Err(e) => return ui::error_page(ctx, &e),
    };
    let today = ctx.settings.today();
    let c = &o.details.client;
    let (mut collection_form, mut contact_form) = (None, None);
    match failed {
        Some(Refused::Collection(f, e)) => collection_form = Some((f, e)),
        Some(Refused::Contact(f, e)) => contact_form = Some((f, e)),
        None => {}
    }
    let (form, errors) = collection_form
        .unwrap_or_else(|| (CollectionForm::of(&o.collection), FormErrors::default()));
    let (contact_form, contact_errors) =
        contact_form.unwrap_or_else(|| (ContactForm::of(&o.contact), FormErrors::default()));
    ui::page_with_h1(
        ctx,
        &c.name,
        Some("client-name"),
        html! {
            (notice)
            div.client-grid {
                (contact(ctx, &o))
                (clients_live::section(ctx, c.id))
                (collection::section(ctx, c.id, &o.collection, &form, &errors))
            }
            (messages::section(ctx, c.id, &o.messages, &contact_form, &contact_errors))
            (subscriptions(ctx, &o))
            (timeline(ctx, &o, today))
            p.no-print { a href="/console/clients" { (t(ctx, "clients-back-to-list")) } }
        },
    )
}
