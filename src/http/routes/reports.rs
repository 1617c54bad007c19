//! `/reports/…`: finance reports, each as JSON or as CSV (`Accept: text/csv`, or the path
//! with `.csv` appended: see [`csv_suffix`]).

use axum::http::{HeaderMap, HeaderValue, Request, header};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use serde::Deserialize;

use super::billing::RangeQuery;
use super::stream::{self, CHUNK};
use super::{Envelope, envelope};
use crate::app::AppState;
use crate::domain::billing::invoice::{InvoiceView, Payment};
use crate::domain::client::Client;
use crate::domain::report::{Aging, CashierDay, CollectionRow, CollectionsBy, PlanRevenue};
use crate::http::error::ApiError;
use crate::http::extract::{Auth, Query};
use crate::service::{AppError, reports};
use axum::extract::State;

const CSV: &str = "text/csv; charset=utf-8";

/// Whether the caller asked for CSV.
fn wants_csv(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.split(',').any(|t| t.trim().starts_with("text/csv")))
}

/// `/reports/NAME.csv` is `/reports/NAME` with `Accept: text/csv` (and `/export/NAME.csv`
/// `/export/NAME`): rewritten before routing, so each report is registered (served and
/// documented) once.
pub fn csv_suffix<B>(mut req: Request<B>) -> Request<B> {
    let path = req.uri().path();
    let found = ["/reports/", "/export/"].into_iter().find_map(|prefix| {
        let base = path.strip_prefix(prefix)?.strip_suffix(".csv")?;
        (!base.is_empty() && !base.contains('/')).then(|| format!("{prefix}{base}"))
    });
    if let Some(mut target) = found {
        if let Some(q) = req.uri().query() {
            target.push('?');
            target.push_str(q);
        }
        if let Ok(uri) = target.parse() {
            *req.uri_mut() = uri;
            req.headers_mut()
                .insert(header::ACCEPT, HeaderValue::from_static("text/csv"));
        }
    }
    req
}

/// A text cell as a spreadsheet will not run it: one starting with `=`, `+`, `-`, `@`, a tab
/// or a carriage return gets a leading `'` (OWASP's advice against CSV injection). Every cell
/// is also quoted, so a spreadsheet that splits on `;` (the Indonesian locale's separator)
/// cannot start a new cell inside one.
fn text_cell(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_owned()
    }
}

/// A CSV answer: a header line, then the rows (RFC 4180 quoting, by the `csv` crate), as an
/// attachment named `name`.
fn csv_answer(name: &str, head: &[&str], rows: Vec<Vec<String>>) -> Result<Response, ApiError> {
    let mut body = Vec::new();
    stream::csv_lines(&mut body, [head])
        .and_then(|()| stream::csv_lines(&mut body, rows))
        .map_err(|e| AppError::Internal(format!("csv: {e}")))?;
    let res = ([(header::CONTENT_TYPE, CSV)], body).into_response();
    Ok(attachment(res, name))
}

/// `res` as a download named `name.csv` (letters, digits, `.`, `_` and `-` kept; anything
/// else, a user name's `:` or a quote, becomes `-`).
fn attachment(mut res: Response, name: &str) -> Response {
    let name: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '-'
            }
        })
        .collect();
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}.csv\"")) {
        res.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    res
}

fn money_cell(m: crate::domain::money::Money) -> String {
    m.to_string()
}

/// Open invoices now by days past due: current (not yet due), 1–30, 31–60, 61–90 and over 90
/// days, each with how many and what is still owed (admin).
#[utoipa::path(get, path = "/reports/aging", tag = "reports",
    responses((status = 200,
        description = "JSON, or CSV (`bucket,invoices,outstanding`) for `Accept: text/csv` or `/reports/aging.csv`",
        content((Envelope<Aging> = "application/json"), (String = "text/csv")))))]
pub async fn aging(
    State(app): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let a = reports::aging(&app, &auth.actor).await?;
    if wants_csv(&headers) {
        let rows = a
            .buckets
            .iter()
            .map(|b| {
                vec![
                    b.bucket.as_str().to_owned(),
                    b.invoices.to_string(),
                    money_cell(b.outstanding),
                ]
            })
            .collect();
        let name = format!("aging-{}", a.date);
        return csv_answer(&name, &["bucket", "invoices", "outstanding"], rows);
    }
    Ok(envelope("Aging retrieved successfully", a).into_response())
}

/// What `/reports/collections` takes.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CollectionsQuery {
    /// First payment date (default: the first of `to`'s month).
    pub from: Option<NaiveDate>,
    /// Last payment date (default: today).
    pub to: Option<NaiveDate>,
    /// Groups, comma-separated, from `day` or `month`, `method`, `cashier`, `router`
    /// (default `day,method`).
    #[param(example = "month,method")]
    pub by: Option<String>,
    /// Only the payments this user recorded (admin; a cashier always sees only their own).
    pub cashier: Option<String>,
}

/// Successful payments by payment date, grouped by day or month, payment method, cashier
/// (who recorded it) and the client's router (admin; a cashier sees their own).
#[utoipa::path(get, path = "/reports/collections", tag = "reports", params(CollectionsQuery),
    responses((status = 200,
        description = "JSON, or CSV (the groups asked for, then `payments,amount`) for `Accept: text/csv` or `/reports/collections.csv`",
        content((Envelope<Vec<CollectionRow>> = "application/json"), (String = "text/csv")))))]
pub async fn collections(
    State(app): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Query(q): Query<CollectionsQuery>,
) -> Result<Response, ApiError> {
    let by = CollectionsBy::parse_list(q.by.as_deref().unwrap_or("day,method"))
        .map_err(|m| AppError::bad_request("by", &m))?;
    let range = RangeQuery {
        from: q.from,
        to: q.to,
    };
    let (from, to) = range.dates(app.today());
    let rows = reports::collections(&app, &auth.actor, from, to, &by, q.cashier.as_deref()).await?;
    if !wants_csv(&headers) {
        return Ok(envelope("Collections retrieved successfully", rows).into_response());
    }
    let mut head: Vec<&str> = by
        .iter()
        .flat_map(|b| match b {
            CollectionsBy::Day => vec!["day"],
            CollectionsBy::Month => vec!["month"],
            CollectionsBy::Method => vec!["payment_method"],
            CollectionsBy::Cashier => vec!["cashier"],
            CollectionsBy::Router => vec!["router_id", "router_name"],
        })
        .collect();
    head.extend(["payments", "amount"]);
    let cells = rows
        .iter()
        .map(|r| {
            let mut c = Vec::with_capacity(head.len());
            for b in &by {
                match b {
                    CollectionsBy::Day => c.push(r.day.map(|d| d.to_string()).unwrap_or_default()),
                    CollectionsBy::Month => c.push(r.month.clone().unwrap_or_default()),
                    CollectionsBy::Method => {
                        c.push(text_cell(r.payment_method.as_deref().unwrap_or_default()))
                    }
                    CollectionsBy::Cashier => {
                        c.push(text_cell(r.cashier.as_deref().unwrap_or_default()))
                    }
                    CollectionsBy::Router => {
                        c.push(
                            r.router_id
                                .flatten()
                                .map(|i| i.to_string())
                                .unwrap_or_default(),
                        );
                        c.push(text_cell(
                            r.router_name
                                .clone()
                                .flatten()
                                .as_deref()
                                .unwrap_or_default(),
                        ));
                    }
                }
            }
            c.push(r.payments.to_string());
            c.push(money_cell(r.amount));
            c
        })
        .collect();
    csv_answer(&format!("collections-{from}-{to}"), &head, cells)
}

/// Invoices dated in the range (void ones excluded) per plan of their subscription: how many,
/// invoiced and paid so far (admin).
#[utoipa::path(get, path = "/reports/revenue", tag = "reports", params(RangeQuery),
    responses((status = 200,
        description = "JSON, or CSV (`plan_id,plan_name,invoices,invoiced,paid`) for `Accept: text/csv` or `/reports/revenue.csv`",
        content((Envelope<Vec<PlanRevenue>> = "application/json"), (String = "text/csv")))))]
pub async fn revenue(
    State(app): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Query(q): Query<RangeQuery>,
) -> Result<Response, ApiError> {
    let (from, to) = q.dates(app.today());
    let rows = reports::revenue(&app, &auth.actor, from, to).await?;
    if !wants_csv(&headers) {
        return Ok(envelope("Revenue retrieved successfully", rows).into_response());
    }
    let cells = rows
        .iter()
        .map(|r| {
            vec![
                r.plan_id.to_string(),
                text_cell(&r.plan_name),
                r.invoices.to_string(),
                money_cell(r.invoiced),
                money_cell(r.paid),
            ]
        })
        .collect();
    let head = ["plan_id", "plan_name", "invoices", "invoiced", "paid"];
    csv_answer(&format!("revenue-{from}-{to}"), &head, cells)
}

/// What `/reports/cashier-day` takes.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CashierDayQuery {
    /// The day, in the provider's time zone (default: today).
    pub date: Option<NaiveDate>,
    /// Whose day (admin; default and for a cashier: the caller).
    pub cashier: Option<String>,
}

/// A cashier's day, for handing in the cash: every payment they recorded that day (by when it
/// was recorded, whatever its payment date), and the successful ones by method.
#[utoipa::path(get, path = "/reports/cashier-day", tag = "reports", params(CashierDayQuery),
    responses((status = 200,
        description = "JSON, or CSV (one line per payment) for `Accept: text/csv` or `/reports/cashier-day.csv`",
        content((Envelope<CashierDay> = "application/json"), (String = "text/csv")))))]
pub async fn cashier_day(
    State(app): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Query(q): Query<CashierDayQuery>,
) -> Result<Response, ApiError> {
    let date = q.date.unwrap_or_else(|| app.today());
    let day = reports::cashier_day(&app, &auth.actor, date, q.cashier.as_deref()).await?;
    if !wants_csv(&headers) {
        return Ok(envelope("Cashier's day retrieved successfully", day).into_response());
    }
    let cells = day
        .payments
        .iter()
        .map(|p| {
            vec![
                p.payment_id.to_string(),
                p.invoice_number.clone(),
                text_cell(&p.client_name),
                money_cell(p.amount),
                text_cell(&p.payment_method),
                p.payment_status.clone(),
                text_cell(p.reference.as_deref().unwrap_or_default()),
                p.payment_date.to_string(),
                p.recorded_at.to_rfc3339(),
            ]
        })
        .collect();
    let head = [
        "payment_id",
        "invoice_number",
        "client_name",
        "amount",
        "payment_method",
        "payment_status",
        "reference",
        "payment_date",
        "recorded_at",
    ];
    csv_answer(&format!("cashier-day-{}-{date}", day.cashier), &head, cells)
}

const CLIENT_COLUMNS: [&str; 6] = [
    "client_id",
    "name",
    "phone_number",
    "address",
    "ppp_secret_name",
    "router_id",
];

fn client_cells(c: &Client) -> Vec<String> {
    vec![
        c.id.to_string(),
        text_cell(&c.name),
        text_cell(&c.phone_number),
        text_cell(&c.address),
        text_cell(&c.ppp_secret_name),
        c.router_id.map(|r| r.to_string()).unwrap_or_default(),
    ]
}

const INVOICE_COLUMNS: [&str; 12] = [
    "invoice_id",
    "invoice_number",
    "client_id",
    "client_name",
    "subscription_id",
    "period_start",
    "period_end",
    "invoice_date",
    "due_date",
    "total_amount",
    "paid_amount",
    "invoice_status",
];

fn invoice_cells(v: &InvoiceView) -> Vec<String> {
    let i = &v.invoice;
    vec![
        i.id.to_string(),
        i.number(),
        i.client_id.to_string(),
        text_cell(&v.client_name),
        i.subscription_id.to_string(),
        i.period_start.to_string(),
        i.period_end.to_string(),
        i.invoice_date.to_string(),
        i.due_date.to_string(),
        money_cell(i.total),
        money_cell(i.paid),
        i.status.as_str().to_owned(),
    ]
}

const PAYMENT_COLUMNS: [&str; 9] = [
    "payment_id",
    "invoice_id",
    "amount",
    "payment_date",
    "payment_method",
    "reference",
    "payment_status",
    "recorded_by",
    "created_at",
];

fn payment_cells(p: &Payment) -> Vec<String> {
    vec![
        p.id.to_string(),
        p.invoice_id.to_string(),
        money_cell(p.amount),
        p.payment_date.to_string(),
        text_cell(&p.payment_method),
        text_cell(p.reference.as_deref().unwrap_or_default()),
        p.status.as_str().to_owned(),
        text_cell(&p.recorded_by),
        p.created_at.to_rfc3339(),
    ]
}

/// The export `name`: the first chunk read before the answer starts (so a refusal is an
/// ordinary error answer), then every later one as the body is sent.
async fn export<T, K, F, Fut>(
    name: &str,
    columns: &[&str],
    cells: fn(&T) -> Vec<String>,
    key: fn(&T) -> K,
    fetch: F,
) -> Result<Response, ApiError>
where
    T: Send + 'static,
    K: Send + 'static,
    F: Fn(Option<K>) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = Result<Vec<T>, AppError>> + Send + 'static,
{
    let first = fetch(None).await?;
    let res = stream::csv_rows(columns, cells, first, CHUNK, key, move |after| {
        fetch(Some(after))
    });
    Ok(attachment(res, name))
}

/// Every client as CSV, streamed in id order (admin): `client_id, name, phone_number,
/// address, ppp_secret_name, router_id`. No passwords.
#[utoipa::path(get, path = "/export/clients", tag = "reports",
    responses((status = 200, description = "CSV, streamed (also at `/export/clients.csv`)",
        content((String = "text/csv")))))]
pub async fn export_clients(State(app): State<AppState>, auth: Auth) -> Result<Response, ApiError> {
    export(
        "clients",
        &CLIENT_COLUMNS,
        client_cells,
        |c| c.id,
        move |after| {
            let (app, actor) = (app.clone(), auth.actor.clone());
            async move { reports::export_clients(&app, &actor, after, CHUNK).await }
        },
    )
    .await
}

/// Every invoice as CSV, void ones included, streamed in id order (admin).
#[utoipa::path(get, path = "/export/invoices", tag = "reports",
    responses((status = 200, description = "CSV, streamed (also at `/export/invoices.csv`)",
        content((String = "text/csv")))))]
pub async fn export_invoices(
    State(app): State<AppState>,
    auth: Auth,
) -> Result<Response, ApiError> {
    export(
        "invoices",
        &INVOICE_COLUMNS,
        invoice_cells,
        |v| v.invoice.id,
        move |after| {
            let (app, actor) = (app.clone(), auth.actor.clone());
            async move { reports::export_invoices(&app, &actor, after, CHUNK).await }
        },
    )
    .await
}

/// Every payment as CSV, whatever its status, streamed in id order (admin).
#[utoipa::path(get, path = "/export/payments", tag = "reports",
    responses((status = 200, description = "CSV, streamed (also at `/export/payments.csv`)",
        content((String = "text/csv")))))]
pub async fn export_payments(
    State(app): State<AppState>,
    auth: Auth,
) -> Result<Response, ApiError> {
    export(
        "payments",
        &PAYMENT_COLUMNS,
        payment_cells,
        |p| p.id,
        move |after| {
            let (app, actor) = (app.clone(), auth.actor.clone());
            async move { reports::export_payments(&app, &actor, after, CHUNK).await }
        },
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_paths_become_the_report_with_accept_csv() {
        let req = Request::builder()
            .uri("/reports/collections.csv?from=2024-01-01&by=month")
            .body(())
            .unwrap();
        let req = csv_suffix(req);
        assert_eq!(
            req.uri().to_string(),
            "/reports/collections?from=2024-01-01&by=month"
        );
        assert!(wants_csv(req.headers()));
        let req = csv_suffix(
            Request::builder()
                .uri("/export/clients.csv")
                .body(())
                .unwrap(),
        );
        assert_eq!(req.uri(), "/export/clients");
        for other in [
            "/reports/.csv",
            "/reports/a/b.csv",
            "/clients.csv",
            "/reports/aging",
        ] {
            let req = csv_suffix(Request::builder().uri(other).body(()).unwrap());
            assert_eq!(req.uri().path(), other);
            assert!(!wants_csv(req.headers()));
        }
    }

    #[test]
    fn formulas_are_not_left_for_spreadsheets_to_run() {
        assert_eq!(text_cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(text_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(text_cell("John Doe"), "John Doe");
    }
}
