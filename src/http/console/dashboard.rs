//! The dashboard: what needs doing today and how the books stand.

use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use chrono::{Datelike, NaiveDate};
use maud::{Markup, html};

use super::charts::{self, Chart, Series};
use super::session::Ctx;
use super::ui::{date, error_page, money, page, raw, t, t_args};
use crate::app::AppState;
use crate::domain::money::Money;
use crate::domain::report::Tally;
use crate::i18n::Arg;
use crate::i18n::format::month_abbreviation;
use crate::service::reports::{self, Dashboard};

pub fn routes() -> Router<AppState> {
    Router::new().route("/console/", get(show))
}

/// `GET /console/`.
async fn show(State(app): State<AppState>, ctx: Ctx) -> Response {
    match reports::dashboard(&app, ctx.actor(), app.today()).await {
        Ok(d) => page(&ctx, &t(&ctx, "nav-dashboard"), body(&ctx, &d)),
        Err(e) => error_page(&ctx, &e),
    }
}

fn count(ctx: &Ctx, n: i64) -> String {
    t_args(ctx, "dash-invoices", &[("count", Arg::Number(n))])
}

/// A figure: its heading, the number, and what it is about.
fn stat(id: &str, heading: &str, value: &str, note: Option<&str>) -> Markup {
    html! {
        section.stat aria-labelledby=(format!("{id}-h")) {
            h2 id=(format!("{id}-h")) { (heading) }
            p.figure #(id) { (value) }
            @if let Some(n) = note { p.note { (n) } }
        }
    }
}

fn tally(ctx: &Ctx, id: &str, key: &str, v: Tally) -> Markup {
    html! {
        section.stat aria-labelledby=(format!("{id}-h")) {
            h2 id=(format!("{id}-h")) { (t(ctx, key)) }
            p.figure #(id) data-count=(v.count) {
                span.amount { (money(ctx, v.amount)) }
                " "
                span.count { (count(ctx, v.count)) }
            }
        }
    }
}

fn month_label(ctx: &Ctx, m: NaiveDate) -> String {
    let name = u8::try_from(m.month())
        .ok()
        .and_then(|n| chrono::Month::try_from(n).ok())
        .map(|mo| month_abbreviation(mo, ctx.lang))
        .unwrap_or("");
    format!("{name} {}", m.year() % 100)
}

fn body(ctx: &Ctx, d: &Dashboard) -> Markup {
    let f = &d.figures;
    let routers_note = (d.routers_unknown > 0).then(|| {
        t_args(
            ctx,
            "dash-routers-unknown",
            &[("count", Arg::Number(d.routers_unknown as i64))],
        )
    });
    html! {
        p.today { (t(ctx, "dash-today")) " " (date(ctx, d.today)) }
        div.stats #dashboard {
            (tally(ctx, "due-today", "dash-due-today", f.due_today))
            (tally(ctx, "due-week", "dash-due-week", f.due_week))
            (stat("overdue-count", &t(ctx, "dash-overdue-count"), &f.overdue.count.to_string(), None))
            (stat("overdue-amount", &t(ctx, "dash-overdue-amount"), &money(ctx, f.overdue.amount), None))
            (stat("collected-today", &t(ctx, "dash-collected-today"), &money(ctx, f.collected_today), None))
            (stat("collected-month", &t(ctx, "dash-collected-month"), &money(ctx, f.collected_month), None))
            (stat("suspended-clients", &t(ctx, "dash-suspended-clients"), &f.suspended_clients.to_string(), None))
            (stat("routers-up", &t(ctx, "dash-routers-up"), &d.routers_up.to_string(), routers_note.as_deref()))
            (stat("routers-down", &t(ctx, "dash-routers-down"), &d.routers_down.to_string(), None))
            (stat("failed-objects", &t(ctx, "dash-failed-objects"), &f.failed_objects.to_string(), None))
        }
        section.last-run aria-labelledby="last-run-h" {
            h2 #last-run-h { (t(ctx, "dash-last-run")) }
            p #last-run {
                @match &d.last_run {
                    Some(r) => (t_args(ctx, "dash-run-summary", &[
                        ("kind", Arg::from(t(ctx, &format!("dash-run-{}", r.kind.as_str().replace('_', "-"))).as_str())),
                        ("date", Arg::from(date(ctx, r.run_date).as_str())),
                        ("actor", Arg::from(r.actor.as_str())),
                        ("created", Arg::Number(r.created)),
                        ("suspended", Arg::Number(r.suspended)),
                    ])),
                    None => (t(ctx, "dash-no-run")),
                }
            }
        }
        (money_chart(ctx, d))
        (subscribers_chart(ctx, d))
        p.note { (t(ctx, "dash-charts-age")) }
    }
}

fn legend(ctx: &Ctx, keys: &[&str]) -> Markup {
    html! {
        ul.legend {
            @for (k, key) in keys.iter().enumerate() {
                li { span class=(format!("swatch series-{k}")) aria-hidden="true" {} (t(ctx, key)) }
            }
        }
    }
}

fn money_chart(ctx: &Ctx, d: &Dashboard) -> Markup {
    let cats: Vec<String> = d.months.iter().map(|m| month_label(ctx, m.month)).collect();
    let invoiced: Vec<i64> = d.months.iter().map(|m| m.invoiced.minor()).collect();
    let collected: Vec<i64> = d.months.iter().map(|m| m.collected.minor()).collect();
    let (title, desc) = (t(ctx, "dash-chart-money"), t(ctx, "dash-chart-money-desc"));
    let format = |v: i64| money(ctx, Money::from_minor(v));
    let svg = charts::bars(&Chart {
        id: "chart-invoiced-collected",
        title: &title,
        desc: &desc,
        categories: &cats,
        series: &[
            Series {
                name: "invoiced",
                values: &invoiced,
            },
            Series {
                name: "collected",
                values: &collected,
            },
        ],
        format: &format,
    });
    html! {
        section.chart-box aria-labelledby="chart-money-h" {
            h2 #chart-money-h { (title) }
            (raw(svg))
            (legend(ctx, &["dash-invoiced", "dash-collected"]))
            table.visually-hidden {
                caption { (title) }
                thead { tr { th scope="col" { (t(ctx, "dash-month")) } th scope="col" { (t(ctx, "dash-invoiced")) } th scope="col" { (t(ctx, "dash-collected")) } } }
                tbody {
                    @for m in &d.months {
                        tr { th scope="row" { (month_label(ctx, m.month)) } td { (money(ctx, m.invoiced)) } td { (money(ctx, m.collected)) } }
                    }
                }
            }
        }
    }
}

fn subscribers_chart(ctx: &Ctx, d: &Dashboard) -> Markup {
    let cats: Vec<String> = d
        .subscribers
        .iter()
        .map(|p| month_label(ctx, p.date))
        .collect();
    let active: Vec<i64> = d.subscribers.iter().map(|p| p.active).collect();
    let suspended: Vec<i64> = d.subscribers.iter().map(|p| p.suspended).collect();
    let (title, desc) = (t(ctx, "dash-chart-subs"), t(ctx, "dash-chart-subs-desc"));
    let format = |v: i64| v.to_string();
    let svg = charts::lines(&Chart {
        id: "chart-subscribers",
        title: &title,
        desc: &desc,
        categories: &cats,
        series: &[
            Series {
                name: "active",
                values: &active,
            },
            Series {
                name: "suspended",
                values: &suspended,
            },
        ],
        format: &format,
    });
    html! {
        section.chart-box aria-labelledby="chart-subs-h" {
            h2 #chart-subs-h { (title) }
            (raw(svg))
            (legend(ctx, &["dash-active", "dash-suspended"]))
            table.visually-hidden {
                caption { (title) }
                thead { tr { th scope="col" { (t(ctx, "dash-date")) } th scope="col" { (t(ctx, "dash-active")) } th scope="col" { (t(ctx, "dash-suspended")) } } }
                tbody {
                    @for p in &d.subscribers {
                        tr { th scope="row" { (date(ctx, p.date)) } td { (p.active) } td { (p.suspended) } }
                    }
                }
            }
        }
    }
}
