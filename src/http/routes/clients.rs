//! `/client/*`: the original README's client routes, byte for byte.

use axum::Json;
use axum::extract::State;
use axum::response::Response;
use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;

use super::stream::{self, CHUNK};
use super::{Data, Envelope, Message, PageQuery, envelope, message, page_of, paged, unpaged};
use crate::app::AppState;
use crate::domain::billing::invoice::{InvoiceStatus, PaymentStatus};
use crate::domain::billing::subscription::Status;
use crate::domain::client::{Client, ClientDraft, ClientEventKind};
use crate::domain::ids::{ClientId, InvoiceId, JobId, SubscriptionId};
use crate::domain::money::Money;
use crate::http::error::{ApiError, ErrorBody};
use crate::http::extract::{Auth, Id, JsonBody, Query};
use crate::http::idempotent::{IdempotencyKey, Keyed, Retry, created, respond};
use crate::http::openapi::ClientCreate;
use crate::service::AppError;
use crate::service::clients as svc;

/// A client as the original system shows it. The PPP password is never shown.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClientJson {
    #[schema(example = 1)]
    pub client_id: ClientId,
    #[schema(example = "John Doe")]
    pub name: String,
    #[schema(example = "08123456789")]
    pub phone_number: String,
    #[schema(example = "Jl. Merdeka No.1")]
    pub address: String,
    #[schema(example = "abc123")]
    pub ppp_secret_name: String,
}

impl From<Client> for ClientJson {
    fn from(c: Client) -> Self {
        ClientJson {
            client_id: c.id,
            name: c.name,
            phone_number: c.phone_number,
            address: c.address,
            ppp_secret_name: c.ppp_secret_name,
        }
    }
}

crate::paged_query! {
    pub struct SearchQuery {
        /// Case-insensitive substring of the name, phone number or PPP secret name.
        pub query: Option<String>,
    }
}

fn clients_json(clients: Vec<Client>) -> Vec<ClientJson> {
    clients.into_iter().map(ClientJson::from).collect()
}

/// Every client (or every match of `query`), streamed: the original system's "retrieve all".
async fn all_clients(
    app: AppState,
    query: Option<String>,
    found: &str,
    none: &str,
) -> Result<Response, ApiError> {
    let first = svc::list_after(&app, query.clone(), None, CHUNK).await?;
    let head = stream::envelope_head(if first.is_empty() { none } else { found });
    Ok(stream::json_rows(
        head,
        clients_json(first),
        CHUNK,
        |c| c.client_id,
        move |after| {
            let (app, query) = (app.clone(), query.clone());
            async move {
                svc::list_after(&app, query, Some(after), CHUNK)
                    .await
                    .map(clients_json)
            }
        },
    ))
}

/// All clients. Without `page` and `per_page`, every client, streamed (as the original system's
/// "retrieve all clients"); with either, that page (`X-Total-Count` tells how many in all).
#[utoipa::path(get, path = "/client", tag = "clients", params(PageQuery),
    responses((status = 200, body = Envelope<Vec<ClientJson>>,
        headers(("x-total-count" = i64, description = "clients in all (when paged)")))))]
pub async fn list(
    State(app): State<AppState>,
    Query(q): Query<PageQuery>,
) -> Result<Response, ApiError> {
    if unpaged(&q) {
        const FOUND: &str = "Clients retrieved successfully";
        return all_clients(app, None, FOUND, FOUND).await;
    }
    let page = page_of(&app, &q)?;
    let (clients, total) = svc::list(&app, None, page).await?;
    Ok(paged(
        page,
        total,
        envelope("Clients retrieved successfully", clients_json(clients)),
    ))
}

/// Clients whose name, phone number or PPP secret name contains `query`, ignoring case.
/// Without `page` and `per_page`, every match, streamed; with either, that page.
#[utoipa::path(get, path = "/client/search", tag = "clients", params(SearchQuery),
    responses((status = 200, body = Envelope<Vec<ClientJson>>),
        (status = 400, body = ErrorBody, description = "no query given")))]
pub async fn search(
    State(app): State<AppState>,
    Query(q): Query<SearchQuery>,
) -> Result<Response, ApiError> {
    let query = q
        .query
        .clone()
        .ok_or_else(|| AppError::bad_request("query", "is required"))?;
    const FOUND: &str = "Clients retrieved successfully";
    const NONE: &str = "No clients found matching your search criteria";
    if unpaged(&q) {
        return all_clients(app, Some(query), FOUND, NONE).await;
    }
    let page = page_of(&app, &q)?;
    let (clients, total) = svc::list(&app, Some(query), page).await?;
    let msg = if total == 0 { NONE } else { FOUND };
    Ok(paged(page, total, envelope(msg, clients_json(clients))))
}

/// One client.
#[utoipa::path(get, path = "/client/{id}", tag = "clients",
    params(("id" = i64, Path, description = "client id")),
    responses((status = 200, body = Envelope<ClientJson>), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(app): State<AppState>,
    Id(id): Id<ClientId>,
) -> Result<Json<Envelope<ClientJson>>, ApiError> {
    let c = svc::get(&app, id).await?;
    Ok(envelope("Client retrieved successfully", c.into()))
}

/// Registers a client (admin, operator).
#[utoipa::path(post, path = "/client/register", tag = "clients", request_body = ClientCreate,
    params(IdempotencyKey),
    responses((status = 201, body = Envelope<ClientJson>),
        (status = 409, body = ErrorBody, description = "ppp_secret_name taken")))]
pub async fn register(
    State(app): State<AppState>,
    auth: Auth,
    Keyed(retry, JsonBody(body)): Keyed<JsonBody<ClientDraft>>,
) -> Result<Response, ApiError> {
    registered(&app, &auth, retry, &body).await
}

/// Registers a client and answers as `/client/register` does (also `POST /client`).
pub(crate) async fn registered(
    app: &AppState,
    auth: &Auth,
    retry: Retry,
    body: &ClientDraft,
) -> Result<Response, ApiError> {
    let once = retry
        .answer(|c: &Client| created("Client created successfully", ClientJson::from(c.clone())));
    Ok(respond(svc::create(app, &auth.actor, body, once).await?))
}

/// Changes the given fields of a client (admin, operator).
#[utoipa::path(put, path = "/client/update/{id}", tag = "clients", request_body = ClientDraft,
    params(("id" = i64, Path, description = "client id")),
    responses((status = 200, body = Envelope<ClientJson>), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
pub async fn update(
    State(app): State<AppState>,
    auth: Auth,
    Id(id): Id<ClientId>,
    JsonBody(body): JsonBody<ClientDraft>,
) -> Result<Json<Envelope<ClientJson>>, ApiError> {
    let c = svc::update(&app, &auth.actor, id, &body).await?;
    Ok(updated(id, c))
}

/// The answer of a client update.
pub(crate) fn updated(id: ClientId, c: Client) -> Json<Envelope<ClientJson>> {
    envelope(
        format!("Client with ID {id} updated successfully"),
        c.into(),
    )
}

/// Deletes a client (admin, operator).
#[utoipa::path(delete, path = "/client/delete/{id}", tag = "clients",
    params(("id" = i64, Path, description = "client id")),
    responses((status = 200, body = Message), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "the client has subscriptions")))]
pub async fn delete(
    State(app): State<AppState>,
    auth: Auth,
    Id(id): Id<ClientId>,
) -> Result<Json<Message>, ApiError> {
    svc::delete(&app, &auth.actor, id).await?;
    Ok(message(format!("Client with ID {id} deleted successfully")))
}

/// A payment as the README's details show it.
#[derive(Debug, Serialize, ToSchema)]
pub struct DetailPaymentJson {
    pub payment_status: PaymentStatus,
    #[serde(serialize_with = "super::iso_date")]
    pub payment_date: NaiveDate,
    #[schema(example = "credit_card")]
    pub payment_method: String,
}

/// An invoice as the README's details show it.
#[derive(Debug, Serialize, ToSchema)]
pub struct DetailInvoiceJson {
    pub invoice_id: InvoiceId,
    #[serde(serialize_with = "super::iso_date")]
    pub invoice_date: NaiveDate,
    #[serde(serialize_with = "super::iso_date")]
    pub due_date: NaiveDate,
    /// A JSON number with two decimals, e.g. `100000.00`.
    pub total_amount: Money,
    pub invoice_status: InvoiceStatus,
    pub payments: Vec<DetailPaymentJson>,
}

/// A subscription as the README's details show it.
#[derive(Debug, Serialize, ToSchema)]
pub struct DetailSubscriptionJson {
    pub subscription_id: SubscriptionId,
    #[serde(serialize_with = "super::iso_date")]
    pub start_date: NaiveDate,
    #[serde(serialize_with = "super::iso_date")]
    pub end_date: NaiveDate,
    pub status: Status,
    pub invoices: Vec<DetailInvoiceJson>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DetailsJson {
    pub client: ClientJson,
    pub subscriptions: Vec<DetailSubscriptionJson>,
}

impl From<svc::ClientDetails> for DetailsJson {
    fn from(d: svc::ClientDetails) -> Self {
        DetailsJson {
            client: d.client.into(),
            subscriptions: d
                .subscriptions
                .into_iter()
                .map(|s| DetailSubscriptionJson {
                    subscription_id: s.subscription.id,
                    start_date: s.subscription.start_date,
                    end_date: s.subscription.end_date,
                    status: s.subscription.status,
                    invoices: s
                        .invoices
                        .into_iter()
                        .map(|(i, pays)| DetailInvoiceJson {
                            invoice_id: i.id,
                            invoice_date: i.invoice_date,
                            due_date: i.due_date,
                            total_amount: i.total,
                            invoice_status: i.status,
                            payments: pays
                                .into_iter()
                                .map(|p| DetailPaymentJson {
                                    payment_status: p.status,
                                    payment_date: p.payment_date,
                                    payment_method: p.payment_method,
                                })
                                .collect(),
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}

/// A client with its subscriptions, their invoices and the invoices' payments.
#[utoipa::path(get, path = "/client/{id}/details", tag = "clients",
    params(("id" = i64, Path, description = "client id")),
    responses((status = 200, body = Data<DetailsJson>), (status = 404, body = ErrorBody)))]
pub async fn details(
    State(app): State<AppState>,
    Id(id): Id<ClientId>,
) -> Result<Json<Data<DetailsJson>>, ApiError> {
    let d = svc::details(&app, id).await?;
    Ok(Json(Data { data: d.into() }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ClientEventJson {
    pub kind: ClientEventKind,
    pub actor: String,
    pub reason: Option<String>,
    pub router_job_id: Option<JobId>,
    pub at: chrono::DateTime<chrono::Utc>,
}

/// The client's history: manual connects and disconnects, who, when and why.
#[utoipa::path(get, path = "/client/{id}/history", tag = "clients",
    params(("id" = i64, Path, description = "client id")),
    responses((status = 200, body = Data<Vec<ClientEventJson>>), (status = 404, body = ErrorBody)))]
pub async fn history(
    State(app): State<AppState>,
    Id(id): Id<ClientId>,
) -> Result<Json<Data<Vec<ClientEventJson>>>, ApiError> {
    let events = svc::history(&app, id).await?;
    Ok(Json(Data {
        data: events
            .into_iter()
            .map(|e| ClientEventJson {
                kind: e.kind,
                actor: e.actor,
                reason: e.reason,
                router_job_id: e.router_job_id,
                at: e.at,
            })
            .collect(),
    }))
}
