//! Online payment: `/invoices/{id}/online-payments` (staff start one through a gateway, and
//! see an invoice's attempts), `/online-payments/{id}` (an attempt with every exchange with
//! the gateway), and the gateways' notifications, which need no login: each is verified
//! (Midtrans's `signature_key`, Xendit's `x-callback-token`) before anything is read from it.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{Envelope, Message, envelope, message};
use crate::app::AppState;
use crate::domain::billing::online::Gateway;
use crate::domain::ids::InvoiceId;
use crate::domain::validation::FieldErrors;
use crate::http::error::{ApiError, ErrorBody};
use crate::http::extract::{Auth, Id, JsonBody};
use crate::service::AppError;
use crate::service::online_payments::{self as svc, MidtransNotification, Verdict, XenditCallback};
use crate::storage::repo::online::{Attempt, GatewayEvent};

/// Which gateway to pay through.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"gateway": "midtrans"}))]
pub struct StartBody {
    pub gateway: Gateway,
}

/// Starts paying the invoice online (admin, operator, cashier): what is still owed, at the
/// gateway, whose payment page is `pay_url` (send it to the client). 502 when the gateway
/// refuses or cannot be reached (the attempt is then `failed`).
#[utoipa::path(post, path = "/invoices/{id}/online-payments", tag = "payments", request_body = StartBody,
    params(("id" = i64, Path, description = "invoice id")),
    responses((status = 201, body = Envelope<Attempt>), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody), (status = 502, body = ErrorBody)))]
pub async fn start(
    State(app): State<AppState>,
    auth: Auth,
    Id(id): Id<InvoiceId>,
    JsonBody(body): JsonBody<StartBody>,
) -> Result<Response, ApiError> {
    let a = svc::start(&app, &auth.actor, id, body.gateway).await?;
    Ok((StatusCode::CREATED, envelope("Online payment started", a)).into_response())
}

/// The invoice's online payment attempts, newest first.
#[utoipa::path(get, path = "/invoices/{id}/online-payments", tag = "payments",
    params(("id" = i64, Path, description = "invoice id")),
    responses((status = 200, body = Envelope<Vec<Attempt>>), (status = 404, body = ErrorBody)))]
pub async fn of_invoice(
    State(app): State<AppState>,
    Id(id): Id<InvoiceId>,
) -> Result<Json<Envelope<Vec<Attempt>>>, ApiError> {
    let list = svc::of_invoice(&app, id).await?;
    Ok(envelope("Online payments retrieved successfully", list))
}

/// An attempt and its exchanges with the gateway.
#[derive(Debug, Serialize, ToSchema)]
pub struct AttemptJson {
    pub attempt: Attempt,
    /// Every request, answer and notification, with what was concluded of each.
    pub events: Vec<GatewayEvent>,
}

/// An online payment attempt with every exchange with its gateway (for disputes).
#[utoipa::path(get, path = "/online-payments/{id}", tag = "payments",
    params(("id" = i64, Path, description = "attempt id")),
    responses((status = 200, body = Envelope<AttemptJson>), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(app): State<AppState>,
    Id(id): Id<i64>,
) -> Result<Json<Envelope<AttemptJson>>, ApiError> {
    let (attempt, events) = svc::get(&app, id).await?;
    Ok(envelope(
        "Online payment retrieved successfully",
        AttemptJson { attempt, events },
    ))
}

/// A refusal as an answer: 401 for what is not believed, 422 for what is not what was asked.
fn answered(v: Verdict) -> Result<Json<Message>, ApiError> {
    match v {
        Verdict::Applied(t) | Verdict::Ignored(t) => Ok(message(t)),
        Verdict::Refused(t) if t.contains("signature") || t.contains("token") => {
            Err(AppError::Unauthorized("the notification's signature or token is not right").into())
        }
        Verdict::Refused(t) => Err(AppError::from(FieldErrors::single("notification", t)).into()),
    }
}

/// Midtrans's HTTP notification (set as the Payment Notification URL in the Midtrans
/// dashboard). Verified by `signature_key`, then confirmed by Midtrans's status API.
#[utoipa::path(post, path = "/payments/notify/midtrans", tag = "payments",
    request_body = MidtransNotification,
    responses((status = 200, body = Message), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody),
        (status = 502, body = ErrorBody)))]
pub async fn midtrans(State(app): State<AppState>, body: Bytes) -> Result<Json<Message>, ApiError> {
    answered(svc::midtrans_notification(&app, &body).await?)
}

/// Xendit's invoice callback (set as the Invoices webhook URL in the Xendit dashboard).
/// Verified by `x-callback-token`; a `webhook-id` seen before is ignored.
#[utoipa::path(post, path = "/payments/notify/xendit", tag = "payments",
    request_body = XenditCallback,
    params(("x-callback-token" = Option<String>, Header, description = "the dashboard's verification token"),
        ("webhook-id" = Option<String>, Header, description = "the delivery's id")),
    responses((status = 200, body = Message), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn xendit(
    State(app): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Message>, ApiError> {
    let header = |n: &str| headers.get(n).and_then(|v| v.to_str().ok());
    answered(
        svc::xendit_callback(
            &app,
            header("x-callback-token"),
            header("webhook-id"),
            &body,
        )
        .await?,
    )
}
