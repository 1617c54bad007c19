//! `/client/*`: the original README's client routes, byte for byte.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{Data, Envelope, Message, envelope, message, page_of, paged};
use crate::app::AppState;
use crate::domain::client::{Client, ClientInput};
use crate::domain::money::Money;
use crate::http::error::{ApiError, ErrorBody};
use crate::http::extract::{Auth, Id, JsonBody, QueryParams};
use crate::service::AppError;
use crate::service::clients as svc;

/// A client as the original system shows it. The PPP password is never shown.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClientJson {
    #[schema(example = 1)]
    pub client_id: i64,
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

/// The body of a client registration or update. On update every field is optional and only
/// the given ones change.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClientBody {
    #[schema(example = "John Doe")]
    pub name: Option<String>,
    #[schema(example = "08123456789")]
    pub phone_number: Option<String>,
    #[schema(example = "Jl. Merdeka No.1")]
    pub address: Option<String>,
    #[schema(example = "abc123")]
    pub ppp_secret_name: Option<String>,
    /// The PPP secret's password: stored sealed, never returned.
    #[schema(example = "securepassword")]
    pub password: Option<String>,
    /// The router the PPP secret lives on; the default router when omitted at registration.
    pub router_id: Option<i64>,
}

impl ClientBody {
    fn input(&self) -> ClientInput<'_> {
        ClientInput {
            name: self.name.as_deref(),
            phone_number: self.phone_number.as_deref(),
            address: self.address.as_deref(),
            ppp_secret_name: self.ppp_secret_name.as_deref(),
            password: self.password.as_deref(),
            router_id: self.router_id,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // documents the parameters; they are read by `page_of`
pub struct PageParams {
    /// 1-based page number (default 1).
    page: Option<u32>,
    /// Rows per page (default 100, at most 1000; see configuration).
    per_page: Option<u32>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // documents the parameters; they are read by the handler
pub struct SearchParams {
    /// Case-insensitive substring of the name, phone number or PPP secret name.
    query: String,
    page: Option<u32>,
    per_page: Option<u32>,
}

fn clients_json(clients: Vec<Client>) -> Vec<ClientJson> {
    clients.into_iter().map(ClientJson::from).collect()
}

/// All clients, a page at a time (`X-Total-Count` tells how many in all).
#[utoipa::path(get, path = "/client", tag = "clients", params(PageParams),
    responses((status = 200, body = Envelope<Vec<ClientJson>>,
        headers(("x-total-count" = i64, description = "clients in all")))),
    security(("bearer" = [])))]
pub async fn list(
    State(app): State<AppState>,
    _auth: Auth,
    q: QueryParams,
) -> Result<Response, ApiError> {
    let page = page_of(&app, &q)?;
    let (clients, total) = svc::list(&app, None, page).await?;
    Ok(paged(
        page,
        total,
        envelope("Clients retrieved successfully", clients_json(clients)),
    ))
}

/// Clients whose name, phone number or PPP secret name contains `query`, ignoring case.
#[utoipa::path(get, path = "/client/search", tag = "clients", params(SearchParams),
    responses((status = 200, body = Envelope<Vec<ClientJson>>),
        (status = 400, body = ErrorBody, description = "no query given")),
    security(("bearer" = [])))]
pub async fn search(
    State(app): State<AppState>,
    _auth: Auth,
    q: QueryParams,
) -> Result<Response, ApiError> {
    let query =
        q.0.get("query")
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .ok_or_else(|| AppError::bad_request("query", "is required"))?;
    if query.chars().count() > 100 {
        return Err(AppError::bad_request("query", "must be at most 100 characters").into());
    }
    let page = page_of(&app, &q)?;
    let (clients, total) = svc::list(&app, Some(query), page).await?;
    let msg = if total == 0 {
        "No clients found matching your search criteria"
    } else {
        "Clients retrieved successfully"
    };
    Ok(paged(page, total, envelope(msg, clients_json(clients))))
}

/// One client.
#[utoipa::path(get, path = "/client/{id}", tag = "clients",
    params(("id" = i64, Path, description = "client id")),
    responses((status = 200, body = Envelope<ClientJson>), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn get(
    State(app): State<AppState>,
    _auth: Auth,
    Id(id): Id,
) -> Result<Json<Envelope<ClientJson>>, ApiError> {
    let c = svc::get(&app, id).await?;
    Ok(envelope("Client retrieved successfully", c.into()))
}

/// Registers a client (admin, operator).
#[utoipa::path(post, path = "/client/register", tag = "clients", request_body = ClientBody,
    responses((status = 201, body = Envelope<ClientJson>),
        (status = 409, body = ErrorBody, description = "ppp_secret_name taken"),
        (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn register(
    State(app): State<AppState>,
    auth: Auth,
    JsonBody(body): JsonBody<ClientBody>,
) -> Result<(StatusCode, Json<Envelope<ClientJson>>), ApiError> {
    let c = svc::create(&app, &auth.user, &body.input()).await?;
    Ok((
        StatusCode::CREATED,
        envelope("Client created successfully", c.into()),
    ))
}

/// Changes the given fields of a client (admin, operator).
#[utoipa::path(put, path = "/client/update/{id}", tag = "clients", request_body = ClientBody,
    params(("id" = i64, Path, description = "client id")),
    responses((status = 200, body = Envelope<ClientJson>), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update(
    State(app): State<AppState>,
    auth: Auth,
    Id(id): Id,
    JsonBody(body): JsonBody<ClientBody>,
) -> Result<Json<Envelope<ClientJson>>, ApiError> {
    let c = svc::update(&app, &auth.user, id, &body.input()).await?;
    Ok(envelope(
        format!("Client with ID {id} updated successfully"),
        c.into(),
    ))
}

/// Deletes a client (admin, operator).
#[utoipa::path(delete, path = "/client/delete/{id}", tag = "clients",
    params(("id" = i64, Path, description = "client id")),
    responses((status = 200, body = Message), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn delete(
    State(app): State<AppState>,
    auth: Auth,
    Id(id): Id,
) -> Result<Json<Message>, ApiError> {
    svc::delete(&app, &auth.user, id).await?;
    Ok(message(format!("Client with ID {id} deleted successfully")))
}

/// A payment as the README's details show it.
#[derive(Debug, Serialize, ToSchema)]
pub struct DetailPaymentJson {
    #[schema(example = "success")]
    pub payment_status: &'static str,
    pub payment_date: NaiveDate,
    #[schema(example = "credit_card")]
    pub payment_method: String,
}

/// An invoice as the README's details show it.
#[derive(Debug, Serialize, ToSchema)]
pub struct DetailInvoiceJson {
    pub invoice_id: i64,
    pub invoice_date: NaiveDate,
    pub due_date: NaiveDate,
    /// A JSON number with two decimals, e.g. `100000.00`.
    #[schema(value_type = f64, example = 100000.00)]
    pub total_amount: Money,
    #[schema(example = "pending")]
    pub invoice_status: &'static str,
    pub payments: Vec<DetailPaymentJson>,
}

/// A subscription as the README's details show it.
#[derive(Debug, Serialize, ToSchema)]
pub struct DetailSubscriptionJson {
    pub subscription_id: i64,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    #[schema(example = "active")]
    pub status: &'static str,
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
                    status: s.subscription.status.as_str(),
                    invoices: s
                        .invoices
                        .into_iter()
                        .map(|(i, pays)| DetailInvoiceJson {
                            invoice_id: i.id,
                            invoice_date: i.invoice_date,
                            due_date: i.due_date,
                            total_amount: i.total,
                            invoice_status: i.status.as_str(),
                            payments: pays
                                .into_iter()
                                .map(|p| DetailPaymentJson {
                                    payment_status: p.status.as_str(),
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
    responses((status = 200, body = Data<DetailsJson>), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn details(
    State(app): State<AppState>,
    _auth: Auth,
    Id(id): Id,
) -> Result<Json<Data<DetailsJson>>, ApiError> {
    let d = svc::details(&app, id).await?;
    Ok(Json(Data { data: d.into() }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ClientEventJson {
    /// `connection_disabled`, `connection_enabled`.
    pub kind: String,
    pub actor: String,
    pub reason: Option<String>,
    pub router_job_id: Option<i64>,
    pub at: chrono::DateTime<chrono::Utc>,
}

/// The client's history: manual connects and disconnects, who, when and why.
#[utoipa::path(get, path = "/client/{id}/history", tag = "clients",
    params(("id" = i64, Path, description = "client id")),
    responses((status = 200, body = Data<Vec<ClientEventJson>>), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn history(
    State(app): State<AppState>,
    _auth: Auth,
    Id(id): Id,
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
