//! Summary figures for a date range (admin).

use chrono::NaiveDate;

use super::{AppError, require};
use crate::app::App;
use crate::domain::report::Summary;
use crate::domain::user::{Actor, Role};
use crate::storage::repo::reports;
use crate::tx;

pub async fn summary(
    app: &App,
    actor: &Actor,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Summary, AppError> {
    require(actor, Role::reads_reports, "only an admin may read reports")?;
    if to < from {
        return Err(AppError::bad_request("to", "must not be before from"));
    }
    let today = app.today();
    tx!(app, read, |ex| reports::summary(ex, from, to, today)).await
}
