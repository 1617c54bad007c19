//! Console page: chasing, the clients with open invoices past their due date, the longest
//! overdue first, each with one-click actions (call, WhatsApp with a prepared message, record
//! a payment, disconnect).

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::response::Response;
use axum::routing::get;
use chrono::NaiveDate;
use maud::{Markup, html};
use serde::Deserialize;

use super::clients::{page_number, pager, query_of};
use super::session::Ctx;
use super::ui::{self, csrf_field, date, money, t, t_args};
use crate::app::AppState;
use crate::domain::phone::wa_me_link;
use crate::i18n::format::format_money;
use crate::i18n::{Arg, Lang};
use crate::service::Page;
use crate::service::clients::{self as svc, OverdueClient};

/// Clients per page of the list.
const PER_PAGE: u32 = 25;

pub fn routes() -> Router<AppState> {
    Router::new().route("/console/chasing", get(list))
}

#[derive(Deserialize, Default)]
struct ChasingQuery {
    page: Option<String>,
    /// Overdue as of this day (`YYYY-MM-DD`); today when absent.
    date: Option<String>,
}

/// The WhatsApp link with the reminder, in the provider's language; `None` for a number that
/// cannot be read as one.
fn whatsapp(ctx: &Ctx, o: &OverdueClient) -> Option<String> {
    let number = super::ui::whatsapp_number(ctx, &o.overdue.phone_number)?;
    let lang = Lang::parse(&ctx.settings.default_language).unwrap_or(ctx.lang);
    let text = crate::i18n::t_args(
        lang,
        "chasing-whatsapp-message",
        &[
            ("client_name", Arg::from(o.overdue.name.as_str())),
            (
                "provider_name",
                Arg::from(ctx.settings.provider_name.as_str()),
            ),
            ("invoice_number", Arg::from(o.oldest.number())),
            ("count", Arg::from(o.overdue.invoices)),
            (
                "amount",
                Arg::from(format_money(o.overdue.owed, ctx.currency, lang)),
            ),
            (
                "due_date",
                Arg::from(crate::i18n::format::format_date(
                    o.oldest.due_date,
                    lang,
                    crate::i18n::format::DateStyle::Medium,
                )),
            ),
        ],
    );
    Some(wa_me_link(&number, &text))
}

fn row(ctx: &Ctx, o: &OverdueClient, heads: &[String; 5]) -> Markup {
    let c = &o.overdue;
    let connection = format!("/console/clients/{}/connection", c.client_id);
    html! {
        tr.overdue-row data-client-id=(c.client_id) {
            td data-label=(heads[0]) {
                a.client-link href=(format!("/console/clients/{}", c.client_id)) { (c.name) }
            }
            td data-label=(heads[1]) { (c.phone_number) }
            td.num.owed data-label=(heads[2]) {
                (money(ctx, c.owed))
                @if c.invoices > 1 {
                    br; span.muted { (t_args(ctx, "chasing-invoices", &[("count", Arg::from(c.invoices))])) }
                }
            }
            td.num.days data-label=(heads[3]) data-days=(o.days) {
                (t_args(ctx, "chasing-days", &[("days", Arg::from(o.days))]))
                br; span.muted { (t_args(ctx, "chasing-due-since", &[("date", Arg::from(date(ctx, c.oldest_due)))])) }
            }
            td data-label=(heads[4]) {
                div.actions.row-actions {
                    a.button.call href=(format!("tel:{}", c.phone_number)) {
                        (t(ctx, "chasing-call")) span.visually-hidden { " " (c.name) }
                    }
                    @if let Some(link) = whatsapp(ctx, o) {
                        a.button.whatsapp href=(link) target="_blank" rel="noopener noreferrer" {
                            (t(ctx, "chasing-whatsapp")) span.visually-hidden { " " (c.name) }
                        }
                    }
                    a.button.primary.record-payment href=(format!("/console/cashier/invoices/{}", o.oldest.id)) {
                        (t(ctx, "clients-record-payment")) span.visually-hidden { " " (o.oldest.number()) }
                    }
                    @if ctx.role().manages_clients() {
                        form.disconnect-form method="post" action=(connection)
                            hx-post=(connection) hx-target="closest td" hx-swap="beforeend"
                            hx-confirm=(t_args(ctx, "chasing-disconnect-confirm", &[("name", Arg::from(c.name.as_str()))])) {
                            (csrf_field(ctx))
                            input type="hidden" name="action" value="disable";
                            input type="hidden" name="reason" value=(t_args(ctx, "chasing-reason", &[("number", Arg::from(o.oldest.number()))]));
                            button.danger.disconnect type="submit" {
                                (t(ctx, "clients-disconnect")) span.visually-hidden { " " (c.name) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// `GET /console/chasing?page=N[&date=YYYY-MM-DD]`: the overdue list.
async fn list(State(app): State<AppState>, ctx: Ctx, RawQuery(raw): RawQuery) -> Response {
    let q: ChasingQuery = query_of(raw);
    let page = page_number(q.page.as_deref());
    let on = q
        .date
        .as_deref()
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
    let found = svc::overdue(
        &app,
        on,
        Page {
            page,
            per_page: PER_PAGE,
        },
    )
    .await;
    let (rows, total) = match found {
        Ok(f) => f,
        Err(e) => return ui::error_page(&ctx, &e),
    };
    let heads = [
        t(&ctx, "field-name"),
        t(&ctx, "field-phone-number"),
        t(&ctx, "chasing-owed"),
        t(&ctx, "chasing-overdue"),
        t(&ctx, "chasing-actions"),
    ];
    let day = on.unwrap_or_else(|| ctx.settings.today());
    let href = |n: u32| match on {
        Some(d) => format!("/console/chasing?date={d}&page={n}"),
        None => format!("/console/chasing?page={n}"),
    };
    ui::page(
        &ctx,
        &t(&ctx, "nav-chasing"),
        html! {
            p #chasing-summary {
                (t_args(&ctx, "chasing-summary", &[("count", Arg::from(total)), ("date", Arg::from(date(&ctx, day)))]))
            }
            div.table-wrap {
                table.responsive #overdue-table {
                    caption.visually-hidden { (t(&ctx, "nav-chasing")) }
                    thead { tr {
                        th scope="col" { (heads[0]) }
                        th scope="col" { (heads[1]) }
                        th.num scope="col" { (heads[2]) }
                        th.num scope="col" { (heads[3]) }
                        th scope="col" { (heads[4]) }
                    } }
                    tbody #overdue-rows {
                        @for o in &rows { (row(&ctx, o, &heads)) }
                        @if rows.is_empty() {
                            tr { td colspan="5" { (t(&ctx, "chasing-none")) } }
                        }
                    }
                }
            }
            (pager(&ctx, page, PER_PAGE, total, href))
        },
    )
}
