//! `/invoice`, `/invoice/{id}`, `/invoice/delete/{id}` and `/invoice/auto`: invoices in the
//! original fields and status words, over the same services as `/invoices` and `/payments`.

use axum::Json;
use axum::extract::State;
use axum::response::Response;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::invoice_status_out;
use crate::app::AppState;
use crate::domain::billing::invoice::{Invoice, InvoiceFilter, InvoiceStatus, InvoiceView};
use crate::domain::ids::{InvoiceId, SubscriptionId};
use crate::domain::money::Money;
use crate::domain::validation::FieldErrors;
use crate::http::error::{ApiError, ErrorBody};
use crate::http::extract::{Auth, Id, Query};
use crate::http::form::FormOrJson;
use crate::http::idempotent::{IdempotencyKey, Keyed, created, respond};
use crate::http::routes::billing::DateQuery;
use crate::http::routes::stream::{self, CHUNK};
use crate::http::routes::{
    Data, Envelope, Message, PageQuery, envelope, message, page_of, paged, unpaged,
};
use crate::service::invoices::{self as svc, NewInvoice};
use crate::service::{AppError, billing, payments};

/// An invoice as the original system listed it: the client's name instead of the
/// subscription, and the method and date of the latest successful payment (null if none).
#[derive(Debug, Serialize, ToSchema)]
pub struct OriginalInvoice {
    pub invoice_id: InvoiceId,
    #[schema(example = "John Doe")]
    pub client_name: String,
    pub invoice_date: NaiveDate,
    pub due_date: NaiveDate,
    pub total_amount: Money,
    /// `pending`, `paid`, `overdue` (open and past its due date) or `void`.
    #[schema(example = "pending")]
    pub invoice_status: &'static str,
    #[schema(example = "cash")]
    pub payment_method: Option<String>,
    pub payment_date: Option<NaiveDate>,
}

impl OriginalInvoice {
    fn new(v: InvoiceView, today: NaiveDate) -> Self {
        let (payment_method, payment_date) = v.last_payment.unzip();
        OriginalInvoice {
            invoice_id: v.invoice.id,
            invoice_status: invoice_status_out(&v.invoice, today),
            client_name: v.client_name,
            invoice_date: v.invoice.invoice_date,
            due_date: v.invoice.due_date,
            total_amount: v.invoice.total,
            payment_method,
            payment_date,
        }
    }
}

fn rows(app: &AppState, views: Vec<InvoiceView>) -> Vec<OriginalInvoice> {
    let today = app.today();
    views
        .into_iter()
        .map(|v| OriginalInvoice::new(v, today))
        .collect()
}

async fn one(app: &AppState, id: InvoiceId) -> Result<OriginalInvoice, AppError> {
    Ok(OriginalInvoice::new(
        svc::get_view(app, id).await?,
        app.today(),
    ))
}

/// The original invoice columns. On create, what is not given follows the generation rules;
/// on update, `invoice_status` does the work and the other columns may only repeat their value.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"subscription_id": 1, "invoice_date": "2024-01-01", "due_date": "2024-01-08", "total_amount": 150000, "invoice_status": "pending"}))]
pub struct InvoiceBody {
    pub subscription_id: Option<SubscriptionId>,
    pub invoice_date: Option<NaiveDate>,
    pub due_date: Option<NaiveDate>,
    /// Default: the plan's price.
    pub total_amount: Option<Money>,
    /// `pending`, `paid`, `overdue` or `void`.
    pub invoice_status: Option<String>,
    /// With `invoice_status` `paid`: one of the setting `payment_methods` (default `cash`).
    pub payment_method: Option<String>,
    /// With `invoice_status` `paid`; default today.
    pub payment_date: Option<NaiveDate>,
}

fn invalid(field: &str, message: impl Into<String>) -> AppError {
    FieldErrors::single(field, message).into()
}

/// Invoices with client names and latest payments (original shape).
///
/// Kept for compatibility with the original PHP API; modern equivalent: `GET /invoices`.
/// Without `page` and `per_page`, every invoice, streamed, as the original answered; with
/// either, paginated like `GET /client` (`page`, `per_page`, totals in headers).
#[utoipa::path(get, path = "/invoice", tag = "original",
    params(PageQuery),
    responses((status = 200, body = Data<Vec<OriginalInvoice>>)))]
pub async fn list(
    State(app): State<AppState>,
    Query(q): Query<PageQuery>,
) -> Result<Response, ApiError> {
    if unpaged(&q) {
        let first = svc::list_views_after(&app, InvoiceFilter::default(), None, CHUNK).await?;
        let first = rows(&app, first);
        return Ok(stream::json_rows(
            stream::data_head(),
            first,
            CHUNK,
            |i| i.invoice_id,
            move |after| {
                let app = app.clone();
                async move {
                    let views =
                        svc::list_views_after(&app, InvoiceFilter::default(), Some(after), CHUNK)
                            .await?;
                    Ok(rows(&app, views))
                }
            },
        ));
    }
    let page = page_of(&app, &q)?;
    let (views, total) = svc::list_views(&app, InvoiceFilter::default(), page).await?;
    Ok(paged(
        page,
        total,
        Json(Data {
            data: rows(&app, views),
        }),
    ))
}

/// One invoice (original shape).
///
/// Kept for compatibility with the original PHP API; modern equivalent: `GET /invoices/{id}`.
#[utoipa::path(get, path = "/invoice/{id}", tag = "original",
    params(("id" = i64, Path, description = "invoice id")),
    responses((status = 200, body = Data<OriginalInvoice>), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(app): State<AppState>,
    Id(id): Id<InvoiceId>,
) -> Result<Json<Data<OriginalInvoice>>, ApiError> {
    Ok(Json(Data {
        data: one(&app, id).await?,
    }))
}

/// Issues one subscription's next invoice (original shape).
///
/// Kept for compatibility with the original PHP API; modern equivalent: `POST /invoices/generate`
/// (which issues these for every due subscription). Issues one subscription's next invoice now
/// (admin, operator); a new invoice is `pending`: record its payment with `PUT /invoice/{id}`.
#[utoipa::path(post, path = "/invoice", tag = "original", request_body = InvoiceBody,
    params(IdempotencyKey),
    responses((status = 201, body = Envelope<OriginalInvoice>),
        (status = 409, body = ErrorBody, description = "the next period is already invoiced")))]
pub async fn create(
    State(app): State<AppState>,
    auth: Auth,
    Keyed(retry, FormOrJson(b)): Keyed<FormOrJson<InvoiceBody>>,
) -> Result<Response, ApiError> {
    if b.invoice_status.as_deref().is_some_and(|s| s != "pending") {
        return Err(invalid(
            "invoice_status",
            "a new invoice is pending; mark it paid with PUT /invoice/{id}",
        )
        .into());
    }
    if b.payment_method.is_some() || b.payment_date.is_some() {
        return Err(invalid("payment_method", "is taken only with invoice_status paid").into());
    }
    let input = NewInvoice {
        subscription_id: b.subscription_id,
        invoice_date: b.invoice_date,
        due_date: b.due_date,
        total: b.total_amount,
    };
    let today = app.today();
    let once = retry.answer(move |v: &InvoiceView| {
        created(
            "Invoice created successfully",
            OriginalInvoice::new(v.clone(), today),
        )
    });
    Ok(respond(svc::create(&app, &auth.actor, input, once).await?))
}

/// What was fixed when the invoice was issued may be sent back, but not changed.
fn check_unchanged(inv: &Invoice, b: &InvoiceBody) -> Result<(), AppError> {
    let fixed = "is set when the invoice is issued; void the invoice and issue another";
    let mut e = FieldErrors::default();
    for (field, changed) in [
        (
            "subscription_id",
            b.subscription_id.is_some_and(|v| v != inv.subscription_id),
        ),
        (
            "invoice_date",
            b.invoice_date.is_some_and(|v| v != inv.invoice_date),
        ),
        ("due_date", b.due_date.is_some_and(|v| v != inv.due_date)),
        (
            "total_amount",
            b.total_amount.is_some_and(|v| v != inv.total),
        ),
    ] {
        if changed {
            e.add(field, fixed);
        }
    }
    Ok(e.into_result(())?)
}

/// The original status words as actions: `paid` settles what is owed (once), `void` voids;
/// `pending` and `overdue` describe an open invoice (overdue follows from the due date) and
/// change nothing.
async fn apply_status(
    app: &AppState,
    auth: &Auth,
    inv: &Invoice,
    b: InvoiceBody,
) -> Result<(), AppError> {
    let word = b.invoice_status.as_deref();
    if word != Some("paid") && (b.payment_method.is_some() || b.payment_date.is_some()) {
        return Err(invalid(
            "payment_method",
            "is taken only with invoice_status paid",
        ));
    }
    match word {
        None => Ok(()),
        Some("paid") => {
            payments::settle_in_full(app, &auth.actor, inv.id, b.payment_method, b.payment_date)
                .await?;
            Ok(())
        }
        Some("void") if inv.status == InvoiceStatus::Void => Ok(()),
        Some("void") => svc::void(app, &auth.actor, inv.id).await.map(drop),
        Some("pending" | "overdue") if inv.status.is_open() => Ok(()),
        Some(w @ ("pending" | "overdue")) => Err(invalid(
            "invoice_status",
            format!("a {} invoice cannot become {w}", inv.status.as_str()),
        )),
        Some(_) => Err(invalid(
            "invoice_status",
            "must be one of pending, paid, overdue, void",
        )),
    }
}

/// Marks an invoice paid or void (original shape).
///
/// Kept for compatibility with the original PHP API; modern equivalents:
/// `POST /invoices/{id}/payments` and `POST /invoices/{id}/void`. `invoice_status` `paid`
/// records a payment of the amount still owed (`payment_method` default `cash`,
/// `payment_date` default today), once: a repeat changes nothing. `void` voids (admin).
#[utoipa::path(put, path = "/invoice/{id}", tag = "original", request_body = InvoiceBody,
    params(("id" = i64, Path, description = "invoice id")),
    responses((status = 200, body = Envelope<OriginalInvoice>), (status = 404, body = ErrorBody)))]
pub async fn update(
    State(app): State<AppState>,
    auth: Auth,
    Id(id): Id<InvoiceId>,
    FormOrJson(b): FormOrJson<InvoiceBody>,
) -> Result<Json<Envelope<OriginalInvoice>>, ApiError> {
    let current = svc::get_view(&app, id).await?.invoice;
    check_unchanged(&current, &b)?;
    apply_status(&app, &auth, &current, b).await?;
    Ok(envelope(
        "Invoice updated successfully",
        one(&app, id).await?,
    ))
}

/// Voids an invoice (original path).
///
/// Kept for compatibility with the original PHP API; modern equivalent:
/// `POST /invoices/{id}/void`. Invoices are never deleted: this voids it (admin), which
/// only an invoice without recorded payments allows; its number stays used.
#[utoipa::path(delete, path = "/invoice/delete/{id}", tag = "original",
    params(("id" = i64, Path, description = "invoice id")),
    responses((status = 200, body = Message), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "already void, or money was recorded")))]
pub async fn delete(
    State(app): State<AppState>,
    auth: Auth,
    Id(id): Id<InvoiceId>,
) -> Result<Json<Message>, ApiError> {
    svc::void(&app, &auth.actor, id).await?;
    Ok(message("Invoice deleted successfully"))
}

/// Generates the invoices due (original path).
///
/// Kept for compatibility with the original PHP API; modern equivalent:
/// `POST /invoices/generate`. The same idempotent generation (admin, operator) for `date`
/// (default today) with the configured window (default 4 days, not the old code's 5); answers
/// the invoices this run created.
#[utoipa::path(method(get, post), path = "/invoice/auto", tag = "original", params(DateQuery),
    responses((status = 200, body = Envelope<Vec<OriginalInvoice>>),
        (status = 400, body = ErrorBody, description = "date outside the window")))]
pub async fn auto(
    State(app): State<AppState>,
    auth: Auth,
    Query(q): Query<DateQuery>,
) -> Result<Json<Envelope<Vec<OriginalInvoice>>>, ApiError> {
    // No dry run here: what a rehearsal "created" is not there to report.
    let (date, forced) = q.run().date(&app, &auth)?;
    let summary = billing::generate_as(&app, &auth.actor, date, false, forced).await?;
    let created = billing::created_by(&app, &summary, summary.created).await?;
    let views = svc::views_of(&app, created.iter().map(|i| i.id).collect()).await?;
    Ok(envelope(
        "Invoices generated successfully",
        rows(&app, views),
    ))
}
