//! Client management.

use chrono::Utc;

use crate::app::App;
use crate::domain::client::{self, Client, ClientInput};
use crate::security::token_cache::AuthUser;
use crate::storage::StoreError;
use crate::storage::repo::clients;

use super::AppError;

/// A page of a listing, 1-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub page: u32,
    pub per_page: u32,
}

impl Page {
    fn limit_offset(self) -> (i64, i64) {
        let per = i64::from(self.per_page);
        (per, (i64::from(self.page) - 1) * per)
    }
}

/// Everything known about one client, as `/client/{id}/details` shows it.
#[derive(Debug, Clone)]
pub struct ClientDetails {
    pub client: Client,
}

fn may_manage(actor: &AuthUser) -> Result<(), AppError> {
    if actor.role.manages_clients() {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "only an admin or operator may change clients",
        ))
    }
}

fn not_found(id: i64) -> AppError {
    AppError::NotFound(format!("client {id}"))
}

fn taken(name: &str) -> impl Fn(StoreError) -> AppError + '_ {
    move |e| {
        if e.is_unique_on("ppp_secret_name") {
            AppError::Conflict {
                field: "ppp_secret_name",
                message: format!("ppp_secret_name '{name}' is already taken"),
            }
        } else {
            e.into()
        }
    }
}

pub async fn create(
    app: &App,
    actor: &AuthUser,
    input: &ClientInput<'_>,
) -> Result<Client, AppError> {
    may_manage(actor)?;
    let new = client::validate_new(input)?;
    let sealed = app.secrets.seal(&new.password);
    let mut c = Client {
        id: 0,
        name: new.name,
        phone_number: new.phone_number,
        address: new.address,
        ppp_secret_name: new.ppp_secret_name,
    };
    let row = c.clone();
    c.id = app
        .db
        .write(move |ex| {
            Box::pin(async move {
                clients::insert(ex, &row, &sealed, Utc::now())
                    .await
                    .map_err(taken(&row.ppp_secret_name))
            })
        })
        .await?;
    tracing::info!(client_id = c.id, by = %actor.username, "client created");
    Ok(c)
}

pub async fn get(app: &App, id: i64) -> Result<Client, AppError> {
    app.db
        .read(move |ex| Box::pin(async move { Ok::<_, AppError>(clients::get(ex, id).await?) }))
        .await?
        .ok_or_else(|| not_found(id))
}

/// A page of clients, narrowed by `query` when given; and the total count.
pub async fn list(
    app: &App,
    query: Option<String>,
    page: Page,
) -> Result<(Vec<Client>, i64), AppError> {
    let (limit, offset) = page.limit_offset();
    app.db
        .read(move |ex| {
            Box::pin(async move {
                Ok::<_, AppError>(clients::page(ex, query.as_deref(), limit, offset).await?)
            })
        })
        .await
}

pub async fn update(
    app: &App,
    actor: &AuthUser,
    id: i64,
    input: &ClientInput<'_>,
) -> Result<Client, AppError> {
    may_manage(actor)?;
    let changes = client::validate_changes(input)?;
    let sealed = changes.password.as_deref().map(|p| app.secrets.seal(p));
    let updated = app
        .db
        .write(move |ex| {
            Box::pin(async move {
                let mut c = clients::get(ex, id).await?.ok_or_else(|| not_found(id))?;
                c.apply(&changes);
                clients::update(ex, &c, sealed.as_deref(), Utc::now())
                    .await
                    .map_err(taken(&c.ppp_secret_name))?;
                Ok::<_, AppError>(c)
            })
        })
        .await?;
    tracing::info!(client_id = id, by = %actor.username, "client updated");
    Ok(updated)
}

pub async fn delete(app: &App, actor: &AuthUser, id: i64) -> Result<(), AppError> {
    may_manage(actor)?;
    let deleted = app
        .db
        .write(move |ex| Box::pin(async move { Ok::<_, AppError>(clients::delete(ex, id).await?) }))
        .await?;
    if !deleted {
        return Err(not_found(id));
    }
    tracing::info!(client_id = id, by = %actor.username, "client deleted");
    Ok(())
}

pub async fn details(app: &App, id: i64) -> Result<ClientDetails, AppError> {
    let client = get(app, id).await?;
    Ok(ClientDetails { client })
}
