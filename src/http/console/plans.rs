//! Plans: what the provider sells. Everyone reads the list; an admin creates and changes
//! plans (`Role::manages_plans`), through the same service as `/plans`.

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use maud::html;
use serde::Deserialize;

use super::billing_kit as kit;
use super::session::{Ctx, PathId, Posted};
use super::ui::{self, FormErrors, Input, csrf_field, page, t, t_args};
use crate::app::AppState;
use crate::domain::billing::period::{Period, PeriodUnit};
use crate::domain::billing::plan::{Plan, PlanDraft};
use crate::domain::ids::PlanId;
use crate::domain::notify::{Schedule, ScheduleInput};
use crate::domain::user::Role;
use crate::i18n::{Arg, Catalog};
use crate::service::idempotency::Once;
use crate::service::plans as svc;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/plans", get(list))
        .route("/console/plans/new", get(new_form).post(create))
        .route("/console/plans/{id}/edit", get(edit_form).post(update))
}

/// "1 month", "30 days", in the user's language.
pub fn period_text(ctx: &Ctx, p: Period) -> String {
    let key = match p.unit {
        PeriodUnit::Month => "plans-period-month",
        PeriodUnit::Day => "plans-period-day",
    };
    t_args(ctx, key, &[("count", Arg::Number(i64::from(p.count)))])
}

#[derive(Deserialize, Default)]
struct ListQuery {
    saved: Option<String>,
}

/// `GET /console/plans`.
async fn list(State(app): State<AppState>, ctx: Ctx, RawQuery(raw): RawQuery) -> Response {
    let q: ListQuery = match kit::query(&ctx, raw.as_deref()) {
        Ok(q) => q,
        Err(r) => return r,
    };
    let plans = match svc::list(&app).await {
        Ok(p) => p,
        Err(e) => return ui::error_page(&ctx, &e),
    };
    let admin = ctx.role().manages_plans();
    let label = |f: &str| Catalog::global().field_label(ctx.lang, f);
    let (h_name, h_price, h_profile, h_rate) = (
        label("plan_name"),
        label("price"),
        label("ppp_profile_name"),
        label("rate_limit"),
    );
    let (h_period, h_active, h_actions) = (
        t(&ctx, "plans-period"),
        t(&ctx, "plans-active"),
        t(&ctx, "billing-actions"),
    );
    page(
        &ctx,
        &t(&ctx, "nav-plans"),
        html! {
            @if q.saved.is_some() { p.notice role="status" { (t(&ctx, "plans-saved")) } }
            @if admin {
                p.actions { a.button.primary #new-plan href="/console/plans/new" { (t(&ctx, "plans-new")) } }
            }
            @if plans.is_empty() {
                p.muted { (t(&ctx, "plans-none")) }
            } @else {
                div.table-wrap {
                    table.responsive #plans {
                        thead { tr {
                            th scope="col" { (h_name) }
                            th.num scope="col" { (h_price) }
                            th scope="col" { (h_period) }
                            th scope="col" { (h_profile) }
                            th scope="col" { (h_rate) }
                            th scope="col" { (h_active) }
                            @if admin { th scope="col" { (h_actions) } }
                        } }
                        tbody {
                            @for p in &plans {
                                tr #(format!("plan-{}", p.id)) {
                                    td data-label=(h_name) { (p.name) }
                                    td.num data-label=(h_price) { (ui::money(&ctx, p.price)) }
                                    td data-label=(h_period) { (period_text(&ctx, p.period)) }
                                    td data-label=(h_profile) { code { (p.ppp_profile) } }
                                    td data-label=(h_rate) { (p.rate_limit.as_deref().unwrap_or("—")) }
                                    td data-label=(h_active) {
                                        @if p.active { (t(&ctx, "answer-yes")) } @else { (t(&ctx, "answer-no")) }
                                    }
                                    @if admin {
                                        td data-label=(h_actions) {
                                            a href=(format!("/console/plans/{}/edit", p.id)) {
                                                (t(&ctx, "action-edit")) span.visually-hidden { " " (p.name) }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        },
    )
}

/// A plan's form as typed: text, read here (the price as a cashier writes money).
#[derive(Deserialize, Default, Clone)]
pub struct PlanForm {
    plan_name: Option<String>,
    price: Option<String>,
    period_unit: Option<String>,
    period_count: Option<String>,
    ppp_profile_name: Option<String>,
    rate_limit: Option<String>,
    active: Option<String>,
    grace_days: Option<String>,
    overdue_action: Option<String>,
    throttle_profile: Option<String>,
    reminder_offsets: Option<String>,
}

impl PlanForm {
    fn of(ctx: &Ctx, p: &Plan) -> PlanForm {
        PlanForm {
            plan_name: Some(p.name.clone()),
            price: Some(kit::money_for_input(ctx, p.price)),
            period_unit: Some(p.period.unit.as_str().to_owned()),
            period_count: Some(p.period.count.to_string()),
            ppp_profile_name: Some(p.ppp_profile.clone()),
            rate_limit: p.rate_limit.clone(),
            active: Some(p.active.to_string()),
            grace_days: p.terms.grace_days.map(|d| d.to_string()),
            overdue_action: p.terms.overdue_action.map(|a| a.as_str().to_owned()),
            throttle_profile: p.throttle_profile.clone(),
            reminder_offsets: p.reminders.as_ref().map(Schedule::text),
        }
    }

    /// The draft the service validates; what does not even read is an error next to its
    /// field. A blank rate limit clears it.
    fn draft(&self, ctx: &Ctx) -> Result<PlanDraft, FormErrors> {
        let mut errors = FormErrors::default();
        let price = match self.price.as_deref() {
            None => None,
            Some(text) => match kit::money_input(ctx, "price", Some(text)) {
                Ok(m) => Some(m),
                Err(e) => {
                    errors.fields.extend(e.fields);
                    None
                }
            },
        };
        let period_count = kit::read(
            ctx,
            &mut errors,
            "period_count",
            self.period_count.as_deref(),
            |s| s.parse::<i64>().ok(),
        );
        let active = kit::read(ctx, &mut errors, "active", self.active.as_deref(), |s| {
            s.parse::<bool>().ok()
        });
        // Blank: the global setting decides.
        let grace = kit::typed(&self.grace_days);
        let grace_days = kit::read(ctx, &mut errors, "grace_days", grace, |s| {
            s.parse::<i64>().ok()
        });
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(PlanDraft {
            plan_name: self.plan_name.clone(),
            price,
            period_unit: self.period_unit.clone(),
            period_count,
            ppp_profile_name: self.ppp_profile_name.clone(),
            rate_limit: Some(self.rate_limit.clone()),
            active,
            grace_days: Some(grace_days),
            overdue_action: Some(self.overdue_action.clone()),
            throttle_profile: Some(self.throttle_profile.clone()),
            // Blank: the global schedule.
            reminder_offsets: Some(
                kit::typed(&self.reminder_offsets).map(|t| ScheduleInput::Text(t.to_owned())),
            ),
        })
    }
}

/// The plan form: new (`editing` none) or the plan's.
fn form_page(
    ctx: &Ctx,
    editing: Option<PlanId>,
    form: &PlanForm,
    errors: &FormErrors,
    status: StatusCode,
) -> Response {
    let (title, action) = match editing {
        Some(id) => (t(ctx, "plans-edit"), format!("/console/plans/{id}/edit")),
        None => (t(ctx, "plans-new"), "/console/plans/new".to_owned()),
    };
    let v = |o: &Option<String>| o.clone().unwrap_or_default();
    let units: Vec<(String, String)> = PeriodUnit::ALL
        .iter()
        .rev()
        .map(|u| {
            (
                u.as_str().to_owned(),
                t(ctx, &format!("plans-unit-{}", u.as_str())),
            )
        })
        .collect();
    let actions = super::collection::overdue_actions(ctx);
    let yes_no = vec![
        ("true".to_owned(), t(ctx, "answer-yes")),
        ("false".to_owned(), t(ctx, "answer-no")),
    ];
    let body = html! {
        form.card #plan-form method="post" action=(action) {
            (errors.banner(ctx))
            (csrf_field(ctx))
            (ui::field(ctx, "plan_name", Input::Text, &v(&form.plan_name), errors, true))
            (ui::field(ctx, "price", Input::Text, &v(&form.price), errors, true))
            p.muted.hint { (t_args(ctx, "plans-price-hint", &[("currency", Arg::from(ctx.currency.code()))])) }
            (ui::select(ctx, "period_unit", &units, form.period_unit.as_deref().unwrap_or("month"), errors))
            (ui::field(ctx, "period_count", Input::Number, form.period_count.as_deref().unwrap_or("1"), errors, false))
            (ui::field(ctx, "ppp_profile_name", Input::Text, &v(&form.ppp_profile_name), errors, true))
            (ui::field(ctx, "rate_limit", Input::Text, &v(&form.rate_limit), errors, false))
            @if editing.is_some() {
                (kit::select(ctx, "active", "plans-active", &yes_no, form.active.as_deref().unwrap_or("true"), errors))
            }
            fieldset #plan-collection {
                legend { (t(ctx, "plans-collection")) }
                (ui::field(ctx, "grace_days", Input::Number, &v(&form.grace_days), errors, false))
                p.muted.hint { (t(ctx, "plans-grace-hint")) }
                (ui::select(ctx, "overdue_action", &actions, form.overdue_action.as_deref().unwrap_or("cut_off"), errors))
                (ui::field(ctx, "throttle_profile", Input::Text, &v(&form.throttle_profile), errors, false))
                p.muted.hint { (t(ctx, "plans-throttle-hint")) }
                (ui::field(ctx, "reminder_offsets", Input::Text, &v(&form.reminder_offsets), errors, false))
                p.muted.hint { (t(ctx, "plans-reminders-hint")) }
            }
            div.actions {
                button.primary #save-plan type="submit" { (t(ctx, "action-save")) }
                a href="/console/plans" { (t(ctx, "action-cancel")) }
            }
        }
    };
    kit::with_status(page(ctx, &title, body), status)
}

/// `GET /console/plans/new` (admin).
async fn new_form(ctx: Ctx) -> Response {
    if let Err(r) = ui::allowed(&ctx, Role::manages_plans) {
        return r;
    }
    form_page(
        &ctx,
        None,
        &PlanForm::default(),
        &FormErrors::default(),
        StatusCode::OK,
    )
}

/// `POST /console/plans/new` (admin): the plan through `service::plans::create`.
async fn create(State(app): State<AppState>, posted: Posted<PlanForm>) -> Response {
    let ctx = posted.ctx;
    if let Err(r) = ui::allowed(&ctx, Role::manages_plans) {
        return r;
    }
    let refused = |form: &PlanForm, errors: FormErrors| {
        form_page(&ctx, None, form, &errors, StatusCode::UNPROCESSABLE_ENTITY)
    };
    let form = match posted.form {
        Ok(f) => f,
        Err(e) => return refused(&PlanForm::default(), FormErrors::from_parse(&ctx, &e)),
    };
    let draft = match form.draft(&ctx) {
        Ok(d) => d,
        Err(errors) => return refused(&form, errors),
    };
    let once = Once::unkeyed();
    match svc::create(&app, ctx.actor(), &draft, once).await {
        Ok(_) => Redirect::to("/console/plans?saved=1").into_response(),
        Err(e) => match kit::form_refusal(&ctx, &e) {
            Some(errors) => refused(&form, errors),
            None => ui::error_page(&ctx, &e),
        },
    }
}

/// `GET /console/plans/{id}/edit` (admin).
async fn edit_form(State(app): State<AppState>, ctx: Ctx, PathId(id): PathId) -> Response {
    if let Err(r) = ui::allowed(&ctx, Role::manages_plans) {
        return r;
    }
    let id = PlanId(id);
    match svc::get(&app, id).await {
        Ok(p) => form_page(
            &ctx,
            Some(id),
            &PlanForm::of(&ctx, &p),
            &FormErrors::default(),
            StatusCode::OK,
        ),
        Err(e) => ui::error_page(&ctx, &e),
    }
}

/// `POST /console/plans/{id}/edit` (admin): the fields through `service::plans::update`.
async fn update(
    State(app): State<AppState>,
    PathId(id): PathId,
    posted: Posted<PlanForm>,
) -> Response {
    let ctx = posted.ctx;
    if let Err(r) = ui::allowed(&ctx, Role::manages_plans) {
        return r;
    }
    let id = PlanId(id);
    let refused = |form: &PlanForm, errors: FormErrors| {
        form_page(
            &ctx,
            Some(id),
            form,
            &errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
    };
    let form = match posted.form {
        Ok(f) => f,
        Err(e) => return refused(&PlanForm::default(), FormErrors::from_parse(&ctx, &e)),
    };
    let draft = match form.draft(&ctx) {
        Ok(d) => d,
        Err(errors) => return refused(&form, errors),
    };
    match svc::update(&app, ctx.actor(), id, &draft).await {
        Ok(_) => Redirect::to("/console/plans?saved=1").into_response(),
        Err(e) => match kit::form_refusal(&ctx, &e) {
            Some(errors) => refused(&form, errors),
            None => ui::error_page(&ctx, &e),
        },
    }
}
