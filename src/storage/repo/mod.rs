//! Repository functions: one per statement or small group, each written once for all backends.
//! Every entity's columns are declared once, with [`crate::table!`] or [`crate::record!`],
//! beside the functions that store it.

pub mod audit;
pub mod billing;
pub mod clients;
pub mod idempotency;
pub mod imports;
pub mod invoices;
pub mod notifications;
pub mod online;
pub mod payments;
pub mod plans;
pub mod portal;
pub mod reports;
pub mod routers;
pub mod sealed;
pub mod settings;
pub mod subscriptions;
pub mod sync;
pub mod tokens;
pub mod users;

use super::{Exec, Field, StoreError, Value};
use crate::domain::audit::{AuditAction, AuditEntity};
use crate::domain::billing::collection::OverdueAction;
use crate::domain::billing::invoice::{InvoiceStatus, PaymentStatus};
use crate::domain::billing::online::{AttemptStatus, Gateway};
use crate::domain::billing::period::PeriodUnit;
use crate::domain::billing::run::RunKind;
use crate::domain::billing::subscription::{EventKind, Status};
use crate::domain::client::ClientEventKind;
use crate::domain::import::{Entity as ImportEntity, Source as ImportSource};
use crate::domain::notify::{Channel, Delivery, Event};
use crate::domain::router::{SuspendMode, Transport};
use crate::domain::secret::{SyncKind, SyncStatus};
use crate::domain::user::Role;

crate::word_fields!(
    Role,
    Status,
    EventKind,
    InvoiceStatus,
    PaymentStatus,
    PeriodUnit,
    ClientEventKind,
    SyncKind,
    SyncStatus,
    Transport,
    SuspendMode,
    RunKind,
    AuditAction,
    AuditEntity,
    ImportSource,
    ImportEntity,
    OverdueAction,
    Channel,
    Event,
    Delivery,
    Gateway,
    AttemptStatus,
);

/// A WHERE clause built from optional filters, with its parameters in order.
#[derive(Default)]
pub(crate) struct Conditions {
    sql: Vec<&'static str>,
    args: Vec<Value>,
}

impl Conditions {
    /// Adds `cond` (holding one `?` per value in `args`) when `args` is `Some`.
    pub fn add<V: Into<Value>>(&mut self, cond: &'static str, arg: Option<V>) -> &mut Self {
        if let Some(v) = arg {
            self.sql.push(cond);
            self.args.push(v.into());
        }
        self
    }

    pub(crate) fn clause(&self) -> String {
        if self.sql.is_empty() {
            String::new()
        } else {
            format!(" WHERE ({})", self.sql.join(") AND ("))
        }
    }
}

/// One page of `SELECT columns FROM from WHERE … ORDER BY order`, and the count of all rows.
pub(crate) async fn page<T: Field>(
    ex: &mut dyn Exec,
    from: &str,
    columns: &str,
    order: &str,
    conds: Conditions,
    (limit, offset): (i64, i64),
) -> Result<(Vec<T>, i64), StoreError> {
    let clause = conds.clause();
    let mut args = conds.args;
    let total: i64 = ex
        .one(&format!("SELECT COUNT(*) FROM {from}{clause}"), &args)
        .await?;
    args.push(limit.into());
    args.push(offset.into());
    let rows = ex
        .all(
            &format!("SELECT {columns} FROM {from}{clause} ORDER BY {order} LIMIT ? OFFSET ?"),
            &args,
        )
        .await?;
    Ok((rows, total))
}

/// Up to `limit` rows of `SELECT columns FROM from WHERE … AND key > after ORDER BY key`: a
/// chunk of a listing read whole, key range by key range (`after_cond` is `key > ?`).
pub(crate) async fn chunk<T: Field>(
    ex: &mut dyn Exec,
    from: &str,
    columns: &str,
    (key, after_cond): (&str, &'static str),
    mut conds: Conditions,
    after: Option<i64>,
    limit: i64,
) -> Result<Vec<T>, StoreError> {
    conds.add(after_cond, after);
    let clause = conds.clause();
    let mut args = conds.args;
    args.push(limit.into());
    ex.all(
        &format!("SELECT {columns} FROM {from}{clause} ORDER BY {key} LIMIT ?"),
        &args,
    )
    .await
}
