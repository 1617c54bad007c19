//! Subscriptions: the listing (by status and client), a new subscription for a client, and a
//! subscription's page with its history and the status changes the domain allows.

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use maud::{Markup, html};
use serde::Deserialize;

use super::billing_kit as kit;
use super::session::{Ctx, PathId, Posted};
use super::ui::{self, FormErrors, Input, csrf_field, page, t, t_args};
use crate::app::AppState;
use crate::domain::billing::subscription::{
    Event, NamedSubscription, Status, SubscriptionDraft, SubscriptionFilter,
};
use crate::domain::ids::{ClientId, PlanId, SubscriptionId};
use crate::domain::user::Role;
use crate::http::idempotent::form_key;
use crate::i18n::Arg;
use crate::service::idempotency::{Answer, Once, Outcome};
use crate::service::subscriptions as svc;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/subscriptions", get(list))
        .route("/console/subscriptions/new", get(new_form).post(create))
        .route("/console/subscriptions/{id}", get(show))
        .route("/console/subscriptions/{id}/status", post(change_status))
}

#[derive(Deserialize, Default)]
struct ListQuery {
    status: Option<String>,
    client_id: Option<String>,
    page: Option<String>,
}

/// `GET /console/subscriptions?status=&client_id=&page=`.
async fn list(State(app): State<AppState>, ctx: Ctx, RawQuery(raw): RawQuery) -> Response {
    let q: ListQuery = match kit::query(&ctx, raw.as_deref()) {
        Ok(q) => q,
        Err(r) => return r,
    };
    let mut errors = FormErrors::default();
    let status = kit::read(
        &ctx,
        &mut errors,
        "status",
        q.status.as_deref(),
        Status::parse,
    );
    let client_id = kit::read(
        &ctx,
        &mut errors,
        "client_id",
        q.client_id.as_deref(),
        ui::id_of::<ClientId>,
    );
    let page_no = kit::page_no(&ctx, &mut errors, q.page.as_deref());
    let (rows, total) = if errors.is_empty() {
        let filter = SubscriptionFilter { client_id, status };
        match svc::list_named(&app, filter, kit::page(page_no)).await {
            Ok(r) => r,
            Err(e) => return ui::error_page(&ctx, &e),
        }
    } else {
        (Vec::new(), 0)
    };
    let codes: Vec<&str> = Status::ALL.iter().map(|s| s.as_str()).collect();
    let statuses = kit::status_choices(&ctx, "subscription-status", &codes);
    let filters = [
        ("status", q.status.as_deref()),
        ("client_id", q.client_id.as_deref()),
    ];
    let h = |k: &str| t(&ctx, k);
    let (h_id, h_client, h_plan, h_price, h_start, h_end, h_status) = (
        h("subscriptions-number"),
        h("billing-client"),
        h("billing-plan"),
        h("billing-price"),
        h("billing-start"),
        h("billing-end"),
        h("billing-status"),
    );
    page(
        &ctx,
        &t(&ctx, "nav-subscriptions"),
        html! {
            @if ctx.role().manages_billing() {
                p.actions { a.button.primary #new-subscription href="/console/subscriptions/new" { (t(&ctx, "subscriptions-new")) } }
            }
            form.card.filters #subscription-filters method="get" action="/console/subscriptions" {
                (errors.banner(&ctx))
                (kit::select(&ctx, "status", "billing-status", &statuses, q.status.as_deref().unwrap_or(""), &errors))
                (kit::input(&ctx, "client_id", "billing-client-id", "number", q.client_id.as_deref().unwrap_or(""), &errors, false))
                div.actions { button type="submit" { (t(&ctx, "billing-filter")) } }
            }
            @if rows.is_empty() {
                p.muted #subscriptions-empty { (t(&ctx, "subscriptions-none")) }
            } @else {
                div.table-wrap {
                    table.responsive #subscriptions {
                        thead { tr {
                            th scope="col" { (h_id) }
                            th scope="col" { (h_client) }
                            th scope="col" { (h_plan) }
                            th.num scope="col" { (h_price) }
                            th scope="col" { (h_start) }
                            th scope="col" { (h_end) }
                            th scope="col" { (h_status) }
                        } }
                        tbody #subscription-rows {
                            @for n in &rows {
                                @let s = &n.subscription;
                                tr {
                                    td data-label=(h_id) { a href=(format!("/console/subscriptions/{}", s.id)) { "#" (s.id) } }
                                    td data-label=(h_client) { a href=(format!("/console/clients/{}", s.client_id)) { (n.client_name) } }
                                    td data-label=(h_plan) { (n.plan_name) }
                                    td.num data-label=(h_price) { (ui::money(&ctx, n.price)) }
                                    td data-label=(h_start) { (ui::date(&ctx, s.start_date)) }
                                    td data-label=(h_end) { (ui::date(&ctx, s.end_date)) }
                                    td data-label=(h_status) { (ui::badge(&ctx, "subscription-status", s.status.as_str())) }
                                }
                            }
                        }
                    }
                }
                (kit::pager(&ctx, "/console/subscriptions", &filters, page_no, total))
            }
        },
    )
}

#[derive(Deserialize, Default)]
struct NewQuery {
    client_id: Option<String>,
}

/// The new subscription's form as typed.
#[derive(Deserialize, Default, Clone)]
struct NewForm {
    client_id: Option<String>,
    plan_id: Option<String>,
    start_date: Option<String>,
    end_date: Option<String>,
    idempotency_key: Option<String>,
}

impl NewForm {
    fn draft(&self, ctx: &Ctx) -> Result<SubscriptionDraft, FormErrors> {
        let mut errors = FormErrors::default();
        let client_id = kit::read(
            ctx,
            &mut errors,
            "client_id",
            self.client_id.as_deref(),
            ui::id_of::<ClientId>,
        );
        let plan_id = kit::read(
            ctx,
            &mut errors,
            "plan_id",
            self.plan_id.as_deref(),
            ui::id_of::<PlanId>,
        );
        let start_date = kit::read(
            ctx,
            &mut errors,
            "start_date",
            self.start_date.as_deref(),
            kit::date_of,
        );
        let end_date = kit::read(
            ctx,
            &mut errors,
            "end_date",
            self.end_date.as_deref(),
            kit::date_of,
        );
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(SubscriptionDraft {
            client_id,
            plan_id,
            start_date,
            end_date,
            ..Default::default()
        })
    }
}

/// The new subscription's form, with the client's name and the plans on sale.
async fn new_page(
    app: &AppState,
    ctx: &Ctx,
    form: &NewForm,
    errors: &FormErrors,
    status: StatusCode,
) -> Response {
    let client_id = form.client_id.as_deref().and_then(ui::id_of::<ClientId>);
    let data = match svc::new_form(app, client_id).await {
        Ok(d) => d,
        Err(e) => return ui::error_page(ctx, &e),
    };
    let plans: Vec<(String, String)> = std::iter::once((String::new(), t(ctx, "billing-choose")))
        .chain(data.plans.iter().map(|p| {
            (
                p.id.to_string(),
                format!(
                    "{} · {} / {}",
                    p.name,
                    ui::money(ctx, p.price),
                    super::plans::period_text(ctx, p.period)
                ),
            )
        }))
        .collect();
    let key = form
        .idempotency_key
        .clone()
        .unwrap_or_else(crate::security::token::generate);
    let today = ctx.settings.today().to_string();
    let v = |o: &Option<String>| o.clone().unwrap_or_default();
    let body = html! {
        @if data.plans.is_empty() {
            p.alert role="alert" { (t(ctx, "subscriptions-no-plans")) " " a href="/console/plans" { (t(ctx, "nav-plans")) } }
        }
        form.card #subscription-form method="post" action="/console/subscriptions/new" {
            (errors.banner(ctx))
            (csrf_field(ctx))
            input type="hidden" name="idempotency_key" value=(key);
            (kit::input(ctx, "client_id", "billing-client-id", "number", &v(&form.client_id), errors, true))
            @if let Some(c) = &data.client {
                p #subscription-client { (t(ctx, "subscriptions-for")) " " a href=(format!("/console/clients/{}", c.id)) { strong { (c.name) } } }
            }
            (kit::select(ctx, "plan_id", "billing-plan", &plans, form.plan_id.as_deref().unwrap_or(""), errors))
            (ui::field(ctx, "start_date", Input::Date, form.start_date.as_deref().unwrap_or(&today), errors, true))
            (ui::field(ctx, "end_date", Input::Date, &v(&form.end_date), errors, false))
            p.muted.hint { (t(ctx, "subscriptions-end-hint")) }
            div.actions {
                button.primary #save-subscription type="submit" { (t(ctx, "action-save")) }
                a href="/console/subscriptions" { (t(ctx, "action-cancel")) }
            }
        }
    };
    kit::with_status(page(ctx, &t(ctx, "subscriptions-new"), body), status)
}

/// `GET /console/subscriptions/new?client_id=N` (admin, operator).
async fn new_form(State(app): State<AppState>, ctx: Ctx, RawQuery(raw): RawQuery) -> Response {
    if let Err(r) = ui::allowed(&ctx, Role::manages_billing) {
        return r;
    }
    let q: NewQuery = match kit::query(&ctx, raw.as_deref()) {
        Ok(q) => q,
        Err(r) => return r,
    };
    let form = NewForm {
        client_id: q.client_id,
        ..Default::default()
    };
    new_page(&app, &ctx, &form, &FormErrors::default(), StatusCode::OK).await
}

/// `POST /console/subscriptions/new`: `service::subscriptions::create`, once per form (its
/// idempotency key), then the client's page.
async fn create(State(app): State<AppState>, posted: Posted<NewForm>) -> Response {
    let ctx = posted.ctx;
    if let Err(r) = ui::allowed(&ctx, Role::manages_billing) {
        return r;
    }
    let form = match posted.form {
        Ok(f) => f,
        Err(e) => {
            let errors = FormErrors::from_parse(&ctx, &e);
            return new_page(
                &app,
                &ctx,
                &NewForm::default(),
                &errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let draft = match form.draft(&ctx) {
        Ok(d) => d,
        Err(errors) => {
            return new_page(&app, &ctx, &form, &errors, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    let key = match form.idempotency_key.as_deref().map(|k| {
        let fields = [
            ("client_id", form.client_id.as_deref().unwrap_or_default()),
            ("plan_id", form.plan_id.as_deref().unwrap_or_default()),
            ("start_date", form.start_date.as_deref().unwrap_or_default()),
            ("end_date", form.end_date.as_deref().unwrap_or_default()),
        ];
        form_key(k, "POST /console/subscriptions/new", &ctx.path, &fields)
    }) {
        None => None,
        Some(Ok(k)) => Some(k),
        Some(Err(e)) => return ui::error_page(&ctx, &e),
    };
    let once = Once::new(
        key,
        |s: &crate::domain::billing::subscription::Subscription| Answer {
            status: 303,
            body: s.client_id.to_string(),
        },
    );
    match svc::create(&app, ctx.actor(), &draft, once).await {
        Ok(Outcome::Created(s, _)) => {
            Redirect::to(&format!("/console/clients/{}", s.client_id)).into_response()
        }
        Ok(Outcome::Replayed(a)) => match a.body.parse::<i64>() {
            Ok(client) => Redirect::to(&format!("/console/clients/{client}")).into_response(),
            Err(_) => Redirect::to("/console/subscriptions").into_response(),
        },
        Err(e) => match kit::form_refusal(&ctx, &e) {
            Some(errors) => {
                new_page(
                    &app,
                    &ctx,
                    &form,
                    &kit::key_refusal(&ctx, errors),
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .await
            }
            None => ui::error_page(&ctx, &e),
        },
    }
}

/// The status changes an operator may ask for, with the button's word: those the domain
/// allows from the current status are offered.
const CHANGES: &[(Status, &str)] = &[
    (Status::Suspended, "subscriptions-suspend"),
    (Status::Active, "subscriptions-reactivate"),
    (Status::Cancelled, "subscriptions-cancel"),
];

fn event_line(ctx: &Ctx, e: &Event) -> Markup {
    html! {
        li {
            strong { (t(ctx, &format!("subscriptions-event-{}", e.kind.as_str().replace('_', "-")))) }
            " · " (ui::datetime(ctx, e.at))
            " · " (e.actor)
            @if let (Some(from), Some(to)) = (e.from_status, e.to_status) {
                @if from != to {
                    br;
                    (ui::badge(ctx, "subscription-status", from.as_str())) " → " (ui::badge(ctx, "subscription-status", to.as_str()))
                }
            }
            @if let (Some(old), Some(new)) = (e.old_end_date, e.new_end_date) {
                @if old != new {
                    br;
                    (t_args(ctx, "subscriptions-end-moved", &[("from", Arg::from(ui::date(ctx, old))), ("to", Arg::from(ui::date(ctx, new)))]))
                }
            }
            @if let Some(r) = &e.reason {
                br; span.muted { (t(ctx, "subscriptions-reason")) ": " (r) }
            }
        }
    }
}

#[derive(Deserialize, Default, Clone)]
struct StatusForm {
    status: Option<String>,
    reason: Option<String>,
}

fn show_page(
    ctx: &Ctx,
    n: &NamedSubscription,
    events: &[Event],
    form: &StatusForm,
    errors: &FormErrors,
    status: StatusCode,
) -> Response {
    let s = &n.subscription;
    let changes: Vec<_> = CHANGES
        .iter()
        .filter(|(to, _)| s.status.may_become(*to))
        .collect();
    let body = html! {
        dl.facts #subscription {
            dt { (t(ctx, "billing-client")) } dd { a href=(format!("/console/clients/{}", s.client_id)) { (n.client_name) } }
            dt { (t(ctx, "billing-plan")) } dd { (n.plan_name) " · " (ui::money(ctx, n.price)) }
            dt { (t(ctx, "billing-start")) } dd { (ui::date(ctx, s.start_date)) }
            dt { (t(ctx, "billing-end")) } dd { (ui::date(ctx, s.end_date)) }
            dt { (t(ctx, "billing-status")) } dd #subscription-status { (ui::badge(ctx, "subscription-status", s.status.as_str())) }
        }
        p.actions {
            a href=(kit::href("/console/invoices", &[("client_id", Some(&s.client_id.to_string()))])) { (t(ctx, "subscriptions-invoices")) }
        }
        @if ctx.role().manages_billing() && !changes.is_empty() {
            section aria-labelledby="status-title" {
                h2 #status-title { (t(ctx, "subscriptions-change-status")) }
                form.card #status-form method="post" action=(format!("/console/subscriptions/{}/status", s.id)) {
                    (errors.banner(ctx))
                    (csrf_field(ctx))
                    (kit::input(ctx, "reason", "subscriptions-reason", "text", form.reason.as_deref().unwrap_or(""), errors, false))
                    @if let Some(e) = errors.get("status") {
                        p.field-error #f-status-error { (e) }
                    }
                    div.actions {
                        @for (to, key) in &changes {
                            button type="submit" name="status" value=(to.as_str()) id=(format!("to-{}", to.as_str()))
                                class=[(*to == Status::Cancelled).then_some("danger")] { (t(ctx, key)) }
                        }
                    }
                }
            }
        }
        section aria-labelledby="history-title" {
            h2 #history-title { (t(ctx, "subscriptions-history")) }
            ol.timeline #subscription-history {
                @for e in events.iter().rev() { (event_line(ctx, e)) }
            }
        }
    };
    let title = t_args(
        ctx,
        "subscriptions-title",
        &[("number", Arg::from(s.id.to_string()))],
    );
    kit::with_status(page(ctx, &title, body), status)
}

/// `GET /console/subscriptions/{id}`.
async fn show(State(app): State<AppState>, ctx: Ctx, PathId(id): PathId) -> Response {
    match svc::details(&app, SubscriptionId(id)).await {
        Ok((n, events)) => show_page(
            &ctx,
            &n,
            &events,
            &StatusForm::default(),
            &FormErrors::default(),
            StatusCode::OK,
        ),
        Err(e) => ui::error_page(&ctx, &e),
    }
}

/// `POST /console/subscriptions/{id}/status`: the status change through
/// `service::subscriptions::update` (the domain decides which changes are allowed).
async fn change_status(
    State(app): State<AppState>,
    PathId(id): PathId,
    posted: Posted<StatusForm>,
) -> Response {
    let ctx = posted.ctx;
    let id = SubscriptionId(id);
    let form = posted.form.unwrap_or_default();
    let draft = SubscriptionDraft {
        status: form.status.clone(),
        reason: form.reason.clone(),
        ..Default::default()
    };
    match svc::update(&app, ctx.actor(), id, &draft).await {
        Ok(_) => Redirect::to(&format!("/console/subscriptions/{id}")).into_response(),
        Err(e) => match kit::form_refusal(&ctx, &e) {
            Some(errors) => match svc::details(&app, id).await {
                Ok((n, events)) => show_page(
                    &ctx,
                    &n,
                    &events,
                    &form,
                    &errors,
                    StatusCode::UNPROCESSABLE_ENTITY,
                ),
                Err(e) => ui::error_page(&ctx, &e),
            },
            None => ui::error_page(&ctx, &e),
        },
    }
}
