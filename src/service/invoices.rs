//! Reading and voiding invoices. Invoices are created only by generation.

use chrono::Utc;

use super::{AppError, Page, require};
use crate::app::App;
use crate::domain::billing::invoice::InvoiceStatus;
use crate::domain::money::Money;
use crate::domain::user::Role;
use crate::domain::validation::FieldErrors;
use crate::read;
use crate::security::token_cache::AuthUser;
use crate::storage::repo::invoices::{self as repo, Filter, Invoice};
use crate::storage::repo::payments::{self, Payment};

fn not_found(id: i64) -> AppError {
    AppError::NotFound(format!("invoice {id}"))
}

pub async fn get(app: &App, id: i64) -> Result<(Invoice, Vec<Payment>), AppError> {
    app.db
        .read(move |ex| {
            Box::pin(async move {
                let invoice = repo::get(ex, id).await?.ok_or_else(|| not_found(id))?;
                let payments = payments::for_invoice(ex, id).await?;
                Ok::<_, AppError>((invoice, payments))
            })
        })
        .await
}

pub async fn list(app: &App, filter: Filter, page: Page) -> Result<(Vec<Invoice>, i64), AppError> {
    let (limit, offset) = page.limit_offset();
    read!(app, |ex| repo::page(ex, &filter, limit, offset)).await
}

/// Voids an invoice that no money has settled (admin). Its number stays used.
pub async fn void(app: &App, actor: &AuthUser, id: i64) -> Result<Invoice, AppError> {
    require(
        actor,
        Role::voids_invoices,
        "only an admin may void invoices",
    )?;
    let by = actor.username.clone();
    app.db
        .write(move |ex| {
            Box::pin(async move {
                let mut inv = repo::get_for_update(ex, id)
                    .await?
                    .ok_or_else(|| not_found(id))?;
                let refuse = |m: &str| Err(FieldErrors::single("invoice_status", m).into());
                if inv.status == InvoiceStatus::Void {
                    return refuse("the invoice is already void");
                }
                if inv.paid > Money::ZERO {
                    return refuse("payments were recorded on this invoice; it cannot be voided");
                }
                if payments::pending_total(ex, id).await? > Money::ZERO {
                    return refuse(
                        "a pending payment is recorded on this invoice; settle or fail it first",
                    );
                }
                repo::void(ex, id, &by, Utc::now()).await?;
                inv.status = InvoiceStatus::Void;
                Ok::<_, AppError>(inv)
            })
        })
        .await
}
