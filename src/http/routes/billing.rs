//! `/invoices`, `/payments`, `/invoices/generate` and `/reports`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{Envelope, envelope, page_of, paged};
use crate::app::AppState;
use crate::domain::billing::invoice::{
    Invoice, InvoiceFilter, InvoiceStatus, Payment, PaymentFilter, PaymentStatus,
};
use crate::domain::ids::{ClientId, InvoiceId, PaymentId, SubscriptionId};
use crate::domain::money::Money;
use crate::domain::report::Summary;
use crate::http::error::{ApiError, ErrorBody};
use crate::http::extract::{Auth, Id, JsonBody, Query};
use crate::http::idempotent::{self, IdempotencyKey, Keyed, Retry};
use crate::http::pdf::{self, DocumentQuery};
use crate::service::billing::{self, DailyRun, GenerationSummary};
use crate::service::payments::{PaymentInput, Recorded};
use crate::service::{AppError, invoices, payments, reports};

#[derive(Debug, Serialize, ToSchema)]
pub struct PaymentJson {
    pub payment_id: PaymentId,
    pub invoice_id: InvoiceId,
    pub amount: Money,
    pub payment_date: NaiveDate,
    #[schema(example = "bank_transfer")]
    pub payment_method: String,
    pub reference: Option<String>,
    pub payment_status: PaymentStatus,
    pub recorded_by: String,
    pub created_at: DateTime<Utc>,
}

impl From<Payment> for PaymentJson {
    fn from(p: Payment) -> Self {
        PaymentJson {
            payment_id: p.id,
            invoice_id: p.invoice_id,
            amount: p.amount,
            payment_date: p.payment_date,
            payment_method: p.payment_method,
            reference: p.reference,
            payment_status: p.status,
            recorded_by: p.recorded_by,
            created_at: p.created_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InvoiceJson {
    pub invoice_id: InvoiceId,
    #[schema(example = "INV-2026-000123")]
    pub invoice_number: String,
    pub client_id: ClientId,
    pub subscription_id: SubscriptionId,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub invoice_date: NaiveDate,
    pub due_date: NaiveDate,
    pub total_amount: Money,
    pub paid_amount: Money,
    pub outstanding_amount: Money,
    pub invoice_status: InvoiceStatus,
    /// Open and past its due date.
    pub overdue: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payments: Option<Vec<PaymentJson>>,
}

impl InvoiceJson {
    pub fn new(i: Invoice, today: NaiveDate) -> Self {
        InvoiceJson {
            invoice_number: i.number(),
            outstanding_amount: i.outstanding(),
            overdue: i.overdue_on(today),
            invoice_id: i.id,
            client_id: i.client_id,
            subscription_id: i.subscription_id,
            period_start: i.period_start,
            period_end: i.period_end,
            invoice_date: i.invoice_date,
            due_date: i.due_date,
            total_amount: i.total,
            paid_amount: i.paid,
            invoice_status: i.status,
            payments: None,
        }
    }
}

crate::paged_query! {
    pub struct InvoiceQuery {
        pub status: Option<InvoiceStatus>,
        pub client_id: Option<ClientId>,
        pub subscription_id: Option<SubscriptionId>,
        /// Invoice dates from this day (inclusive).
        pub from: Option<NaiveDate>,
        /// Invoice dates up to this day (inclusive).
        pub to: Option<NaiveDate>,
        /// Only open invoices past their due date.
        pub overdue: Option<bool>,
    }
}

impl InvoiceQuery {
    fn filter(&self, today: NaiveDate) -> InvoiceFilter {
        InvoiceFilter {
            status: self.status,
            client_id: self.client_id,
            subscription_id: self.subscription_id,
            from: self.from,
            to: self.to,
            due_before: self.overdue.filter(|o| *o).map(|_| today),
        }
    }
}

/// Invoices, filtered by `status`, `client_id`, `subscription_id`, invoice date range
/// (`from`, `to`) and `overdue=true`, a page at a time.
#[utoipa::path(get, path = "/invoices", tag = "invoices", params(InvoiceQuery),
    responses((status = 200, body = Envelope<Vec<InvoiceJson>>)))]
pub async fn list_invoices(
    State(app): State<AppState>,
    Query(q): Query<InvoiceQuery>,
) -> Result<Response, ApiError> {
    let today = app.today();
    let page = page_of(&app, &q)?;
    let (rows, total) = invoices::list(&app, q.filter(today), page).await?;
    let data: Vec<_> = rows
        .into_iter()
        .map(|i| InvoiceJson::new(i, today))
        .collect();
    Ok(paged(
        page,
        total,
        envelope("Invoices retrieved successfully", data),
    ))
}

/// One invoice with its payments.
#[utoipa::path(get, path = "/invoices/{id}", tag = "invoices",
    params(("id" = i64, Path, description = "invoice id")),
    responses((status = 200, body = Envelope<InvoiceJson>), (status = 404, body = ErrorBody)))]
pub async fn get_invoice(
    State(app): State<AppState>,
    Id(id): Id<InvoiceId>,
) -> Result<Json<Envelope<InvoiceJson>>, ApiError> {
    let (inv, pays) = invoices::get(&app, id).await?;
    let mut json = InvoiceJson::new(inv, app.today());
    json.payments = Some(pays.into_iter().map(PaymentJson::from).collect());
    Ok(envelope("Invoice retrieved successfully", json))
}

/// The invoice as PDF (A4, or a 58/80 mm thermal roll), in the reader's language: provider,
/// client, number, lines, total, amount paid, balance due, due date and how to pay.
#[utoipa::path(get, path = "/invoices/{id}/pdf", tag = "invoices",
    params(("id" = i64, Path, description = "invoice id"), DocumentQuery),
    responses((status = 200, description = "the invoice", content_type = "application/pdf", body = Vec<u8>),
        (status = 400, body = ErrorBody, description = "`lang` or `paper` is not one of its choices"),
        (status = 404, body = ErrorBody)))]
pub async fn invoice_pdf(
    State(app): State<AppState>,
    Id(id): Id<InvoiceId>,
    Query(q): Query<DocumentQuery>,
) -> Result<Response, ApiError> {
    q.choice(&app.settings())?;
    let doc = invoices::document(&app, id).await?;
    Ok(pdf::invoice(&app, &doc, &q).await?)
}

/// Voids an invoice on which no money was recorded (admin). The number is not reused. The
/// period is billable again: the next generation run issues a replacement, numbered anew (or
/// `POST /invoice` at once).
#[utoipa::path(post, path = "/invoices/{id}/void", tag = "invoices",
    params(("id" = i64, Path, description = "invoice id")),
    responses((status = 200, body = Envelope<InvoiceJson>), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "already void, or money was recorded")))]
pub async fn void_invoice(
    State(app): State<AppState>,
    auth: Auth,
    Id(id): Id<InvoiceId>,
) -> Result<Json<Envelope<InvoiceJson>>, ApiError> {
    let inv = invoices::void(&app, &auth.actor, id).await?;
    Ok(envelope(
        "Invoice voided successfully",
        InvoiceJson::new(inv, app.today()),
    ))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct GenerationJson {
    /// The run's date (invoice date of what it created).
    pub date: NaiveDate,
    pub window_days: u32,
    /// Active subscriptions ending on or before this date were due.
    pub window_end: NaiveDate,
    pub created: i64,
    pub already_existed: i64,
    /// The sum of the invoices created.
    pub total_amount: Money,
    pub first_invoice_number: Option<String>,
    pub last_invoice_number: Option<String>,
    /// True when nothing was saved.
    pub dry_run: bool,
}

impl From<&GenerationSummary> for GenerationJson {
    fn from(s: &GenerationSummary) -> Self {
        GenerationJson {
            date: s.date,
            window_days: s.window_days,
            window_end: s.window_end,
            created: s.created,
            already_existed: s.already_existed,
            total_amount: s.total,
            first_invoice_number: s.first_number(),
            last_invoice_number: s.last_number(),
            dry_run: s.dry_run,
        }
    }
}

/// The parameters of a generation run.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RunQuery {
    /// The run's date (default: today in the provider's time zone); within
    /// `billing_date_window_days` (default 31) of today unless an admin sends `force=true`.
    pub date: Option<NaiveDate>,
    /// Report what would be created, and save nothing (any date).
    pub dry_run: Option<bool>,
    /// An admin's run for a date outside the window.
    pub force: Option<bool>,
}

impl RunQuery {
    /// The run's date, checked against the window; and whether it was forced.
    pub fn date(&self, app: &AppState, auth: &Auth) -> Result<(NaiveDate, bool), AppError> {
        billing::run_date(
            app,
            &auth.actor,
            self.date,
            self.force.unwrap_or(false),
            self.dry_run.unwrap_or(false),
        )
    }
}

/// Generates the invoices due (admin, operator): the next period of every active subscription
/// ending within the configured window (default 4 days) of `date` (default today). Running it
/// again creates nothing new. `GET` is the original system's cron path.
#[utoipa::path(method(get, post), path = "/invoices/generate", tag = "invoices", params(RunQuery),
    responses((status = 200, body = Envelope<GenerationJson>)))]
pub async fn generate(
    State(app): State<AppState>,
    auth: Auth,
    Query(q): Query<RunQuery>,
) -> Result<Json<Envelope<GenerationJson>>, ApiError> {
    let (date, forced) = q.date(&app, &auth)?;
    let dry_run = q.dry_run.unwrap_or(false);
    let summary = billing::generate_as(&app, &auth.actor, date, dry_run, forced).await?;
    Ok(envelope(
        "Invoices generated successfully",
        (&summary).into(),
    ))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BillingRunJson {
    pub generation: GenerationJson,
    /// Subscriptions cut off for invoices unpaid past their due date and grace.
    pub suspended_subscription_ids: Vec<SubscriptionId>,
    /// Subscriptions suspended `expire_after_days` (configuration) that became expired.
    pub expired_subscription_ids: Vec<SubscriptionId>,
    /// Messages to clients the reminder run queued (invoice issued, reminders, overdue).
    pub reminders_queued: u64,
}

/// The daily billing run by hand (admin, operator): generation as `/invoices/generate`, then
/// cut-offs of subscriptions with invoices unpaid past due date plus grace on `date`, then
/// expiry of subscriptions suspended `expire_after_days` (when configured), then the reminder
/// run (messages about invoices issued, coming due, due and overdue on `date`, once each).
#[utoipa::path(post, path = "/billing/run", tag = "invoices", params(DateQuery),
    responses((status = 200, body = Envelope<BillingRunJson>),
        (status = 400, body = ErrorBody, description = "date outside the window"),
        (status = 403, body = ErrorBody, description = "force=true by someone not an admin")))]
pub async fn run(
    State(app): State<AppState>,
    auth: Auth,
    Query(q): Query<DateQuery>,
) -> Result<Json<Envelope<BillingRunJson>>, ApiError> {
    let run = billing::run_by_hand(&app, &auth.actor, q.date, q.force.unwrap_or(false)).await?;
    Ok(envelope(
        "Billing run completed",
        BillingRunJson {
            generation: (&run.generation).into(),
            suspended_subscription_ids: DailyRun::ids(&run.cut),
            expired_subscription_ids: DailyRun::ids(&run.expired),
            reminders_queued: run.reminders,
        },
    ))
}

/// A run that saves: a date and, for an admin, `force`.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DateQuery {
    /// The run's date (default today); within `billing_date_window_days` (default 31) of
    /// today unless an admin sends `force=true`.
    pub date: Option<NaiveDate>,
    /// An admin's run for a date outside the window.
    pub force: Option<bool>,
}

impl DateQuery {
    pub fn run(&self) -> RunQuery {
        RunQuery {
            date: self.date,
            dry_run: None,
            force: self.force,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BillingRunRecord {
    pub run_id: i64,
    /// `generation` or `cut_off`.
    #[schema(example = "generation")]
    pub kind: &'static str,
    pub date: NaiveDate,
    /// Who started it: a user name, `system:scheduler` or `system:cli`.
    pub started_by: String,
    pub forced: bool,
    pub invoices_created: i64,
    pub subscriptions_suspended: i64,
    pub started_at: DateTime<Utc>,
}

/// The latest 100 billing runs, newest first (admin, operator): who ran which date, when,
/// and what each did.
#[utoipa::path(get, path = "/billing/runs", tag = "invoices",
    responses((status = 200, body = Envelope<Vec<BillingRunRecord>>)))]
pub async fn runs(
    State(app): State<AppState>,
    auth: Auth,
) -> Result<Json<Envelope<Vec<BillingRunRecord>>>, ApiError> {
    let runs = billing::runs(&app, &auth.actor, 100).await?;
    Ok(envelope(
        "Billing runs retrieved successfully",
        runs.into_iter()
            .map(|r| BillingRunRecord {
                run_id: r.id,
                kind: r.kind.as_str(),
                date: r.run_date,
                started_by: r.actor,
                forced: r.forced,
                invoices_created: r.created,
                subscriptions_suspended: r.suspended,
                started_at: r.started_at,
            })
            .collect(),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"invoice_id": 1, "amount": 150000, "payment_date": "2024-01-05", "payment_method": "bank_transfer", "reference": "TRX-0001"}))]
pub struct PaymentBody {
    /// Required on `POST /payments`; taken from the path on `/invoices/{id}/payments`.
    pub invoice_id: Option<InvoiceId>,
    /// A number or string with at most two decimals.
    pub amount: Option<Money>,
    /// Defaults to today.
    pub payment_date: Option<NaiveDate>,
    /// One of the setting `payment_methods` (default `cash`, `bank_transfer`, `credit_card`,
    /// `e_wallet`, `qris`, `virtual_account`).
    #[schema(example = "bank_transfer")]
    pub payment_method: Option<String>,
    pub reference: Option<String>,
    /// `success` (default), `pending` (counted once confirmed) or `failed`.
    pub payment_status: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PaymentResultJson {
    pub payment: PaymentJson,
    pub invoice: InvoiceJson,
}

fn recorded_json(r: Recorded, today: NaiveDate) -> Envelope<PaymentResultJson> {
    Envelope {
        message: "Payment recorded successfully".to_owned(),
        data: PaymentResultJson {
            payment: r.payment.into(),
            invoice: InvoiceJson::new(r.invoice, today),
        },
    }
}

async fn pay(
    app: &AppState,
    auth: &Auth,
    invoice_id: InvoiceId,
    retry: Retry,
    b: PaymentBody,
) -> Result<Response, ApiError> {
    let input = PaymentInput {
        amount: b.amount,
        payment_date: b.payment_date,
        payment_method: b.payment_method,
        reference: b.reference,
        status: b.payment_status,
    };
    let today = app.today();
    let once = retry.answer(move |r: &Recorded| {
        idempotent::json(StatusCode::CREATED, &recorded_json(r.clone(), today))
    });
    let out = payments::record(app, &auth.actor, invoice_id, input, once).await?;
    Ok(idempotent::respond(out))
}

/// Records a payment of the invoice (any role). Partial payments add up; more than is owed is
/// refused. Send an `Idempotency-Key` header to make retries safe: a repeat returns the first
/// answer (201, byte for byte, with `Idempotent-Replayed: true`) and records nothing.
#[utoipa::path(post, path = "/invoices/{id}/payments", tag = "payments", request_body = PaymentBody,
    params(("id" = i64, Path, description = "invoice id"), IdempotencyKey),
    responses((status = 201, body = Envelope<PaymentResultJson>),
        (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody, description = "overpayment, void or paid invoice, bad fields, \
            or an Idempotency-Key already used for a different request")))]
pub async fn pay_invoice(
    State(app): State<AppState>,
    auth: Auth,
    Id(id): Id<InvoiceId>,
    Keyed(retry, JsonBody(body)): Keyed<JsonBody<PaymentBody>>,
) -> Result<Response, ApiError> {
    if body.invoice_id.is_some_and(|i| i != id) {
        return Err(
            AppError::bad_request("invoice_id", "differs from the invoice in the path").into(),
        );
    }
    pay(&app, &auth, id, retry, body).await
}

/// Records a payment of `invoice_id` (any role); as `POST /invoices/{id}/payments`.
#[utoipa::path(post, path = "/payments", tag = "payments", request_body = PaymentBody,
    params(IdempotencyKey),
    responses((status = 201, body = Envelope<PaymentResultJson>),
        (status = 422, body = ErrorBody)))]
pub async fn create_payment(
    State(app): State<AppState>,
    auth: Auth,
    Keyed(retry, JsonBody(body)): Keyed<JsonBody<PaymentBody>>,
) -> Result<Response, ApiError> {
    let id = body.invoice_id.ok_or_else(|| {
        AppError::from(crate::domain::validation::FieldErrors::single(
            "invoice_id",
            "is required",
        ))
    })?;
    pay(&app, &auth, id, retry, body).await
}

crate::paged_query! {
    pub struct PaymentQuery {
        pub invoice_id: Option<InvoiceId>,
        pub status: Option<PaymentStatus>,
        /// Payment dates from this day (inclusive).
        pub from: Option<NaiveDate>,
        /// Payment dates up to this day (inclusive).
        pub to: Option<NaiveDate>,
    }
}

async fn payments_page(
    app: &AppState,
    q: &PaymentQuery,
    invoice_id: Option<InvoiceId>,
) -> Result<Response, ApiError> {
    let page = page_of(app, q)?;
    let filter = PaymentFilter {
        invoice_id: invoice_id.or(q.invoice_id),
        status: q.status,
        from: q.from,
        to: q.to,
    };
    let (rows, total) = payments::list(app, filter, page).await?;
    let data: Vec<PaymentJson> = rows.into_iter().map(PaymentJson::from).collect();
    Ok(paged(
        page,
        total,
        envelope("Payments retrieved successfully", data),
    ))
}

/// Payments, filtered by `invoice_id`, `status` and payment date range (`from`, `to`).
#[utoipa::path(get, path = "/payments", tag = "payments", params(PaymentQuery),
    responses((status = 200, body = Envelope<Vec<PaymentJson>>)))]
pub async fn list_payments(
    State(app): State<AppState>,
    Query(q): Query<PaymentQuery>,
) -> Result<Response, ApiError> {
    payments_page(&app, &q, None).await
}

/// The payments of one invoice.
#[utoipa::path(get, path = "/invoices/{id}/payments", tag = "payments",
    params(("id" = i64, Path, description = "invoice id"), PaymentQuery),
    responses((status = 200, body = Envelope<Vec<PaymentJson>>), (status = 404, body = ErrorBody)))]
pub async fn invoice_payments(
    State(app): State<AppState>,
    Id(id): Id<InvoiceId>,
    Query(q): Query<PaymentQuery>,
) -> Result<Response, ApiError> {
    invoices::get(&app, id).await?;
    payments_page(&app, &q, Some(id)).await
}

#[utoipa::path(get, path = "/payments/{id}", tag = "payments",
    params(("id" = i64, Path, description = "payment id")),
    responses((status = 200, body = Envelope<PaymentJson>), (status = 404, body = ErrorBody)))]
pub async fn get_payment(
    State(app): State<AppState>,
    Id(id): Id<PaymentId>,
) -> Result<Json<Envelope<PaymentJson>>, ApiError> {
    let p = payments::get(&app, id).await?;
    Ok(envelope("Payment retrieved successfully", p.into()))
}

/// The payment's receipt as PDF (A4, or a 58/80 mm thermal roll), in the reader's language.
#[utoipa::path(get, path = "/payments/{id}/receipt", tag = "payments",
    params(("id" = i64, Path, description = "payment id"), DocumentQuery),
    responses((status = 200, description = "the receipt", content_type = "application/pdf", body = Vec<u8>),
        (status = 400, body = ErrorBody, description = "`lang` or `paper` is not one of its choices"),
        (status = 404, body = ErrorBody)))]
pub async fn payment_receipt(
    State(app): State<AppState>,
    Id(id): Id<PaymentId>,
    Query(q): Query<DocumentQuery>,
) -> Result<Response, ApiError> {
    q.choice(&app.settings())?;
    let r = payments::receipt(&app, id).await?;
    Ok(pdf::receipt(&app, &r, &q).await?)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"payment_status": "success"}))]
pub struct PaymentStatusBody {
    /// `success` to confirm a pending payment, `failed` to reject it.
    pub payment_status: String,
}

/// Confirms or rejects a pending payment (any role).
#[utoipa::path(put, path = "/payments/{id}", tag = "payments", request_body = PaymentStatusBody,
    params(("id" = i64, Path, description = "payment id")),
    responses((status = 200, body = Envelope<PaymentResultJson>), (status = 404, body = ErrorBody)))]
pub async fn set_payment_status(
    State(app): State<AppState>,
    auth: Auth,
    Id(id): Id<PaymentId>,
    JsonBody(body): JsonBody<PaymentStatusBody>,
) -> Result<Response, ApiError> {
    let r = payments::set_status(&app, &auth.actor, id, &body.payment_status).await?;
    Ok(Json(recorded_json(r, app.today())).into_response())
}

/// A date range.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RangeQuery {
    /// First day (default: the first of `to`'s month).
    pub from: Option<NaiveDate>,
    /// Last day (default: today).
    pub to: Option<NaiveDate>,
}

impl RangeQuery {
    /// (from, to) with the defaults filled in: to today, from the first of `to`'s month.
    pub fn dates(&self, today: NaiveDate) -> (NaiveDate, NaiveDate) {
        let to = self.to.unwrap_or(today);
        (
            self.from.unwrap_or_else(|| to.with_day(1).unwrap_or(to)),
            to,
        )
    }
}

/// Invoiced and collected in `from`..`to` (default: this month so far), and outstanding,
/// overdue and subscriptions now (admin).
#[utoipa::path(get, path = "/reports/summary", tag = "reports", params(RangeQuery),
    responses((status = 200, body = Envelope<Summary>)))]
pub async fn summary(
    State(app): State<AppState>,
    auth: Auth,
    Query(q): Query<RangeQuery>,
) -> Result<Json<Envelope<Summary>>, ApiError> {
    let (from, to) = q.dates(app.today());
    let s = reports::summary(&app, &auth.actor, from, to).await?;
    Ok(envelope("Summary retrieved successfully", s))
}
