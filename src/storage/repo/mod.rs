//! Repository functions: one per statement or small group, each written once for all backends.

pub mod billing;
pub mod clients;
pub mod invoices;
pub mod jobs;
pub mod payments;
pub mod plans;
pub mod routers;
pub mod subscriptions;
pub mod tokens;
pub mod users;

use super::{Exec, Row, StoreError, Value};

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

    pub fn add_all(&mut self, cond: &'static str, args: Vec<Value>) -> &mut Self {
        self.sql.push(cond);
        self.args.extend(args);
        self
    }

    fn clause(&self) -> String {
        if self.sql.is_empty() {
            String::new()
        } else {
            format!(" WHERE ({})", self.sql.join(") AND ("))
        }
    }
}

/// One page of `SELECT columns FROM from WHERE … ORDER BY order`, and the count of all rows.
pub(crate) async fn page<T>(
    ex: &mut dyn Exec,
    from: &str,
    columns: &str,
    order: &str,
    conds: Conditions,
    (limit, offset): (i64, i64),
    map: fn(&Row) -> Result<T, StoreError>,
) -> Result<(Vec<T>, i64), StoreError> {
    let clause = conds.clause();
    let mut args = conds.args;
    let total = ex
        .fetch_one(&format!("SELECT COUNT(*) FROM {from}{clause}"), &args)
        .await?
        .i64(0)?;
    args.push(limit.into());
    args.push(offset.into());
    let rows = ex
        .fetch_all(
            &format!("SELECT {columns} FROM {from}{clause} ORDER BY {order} LIMIT ? OFFSET ?"),
            &args,
        )
        .await?;
    Ok((rows.iter().map(map).collect::<Result<_, _>>()?, total))
}
