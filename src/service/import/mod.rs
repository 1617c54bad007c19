//! Moving in: imports of a provider's data from the original system, from phpNuxBill and from
//! a live router (see the README's *Moving in*).
//!
//! Every import works in two steps. First it reads its source and our database and decides, row
//! by row, what to do: the [`Plan`]. A dry run stops there and has changed nothing anywhere.
//! A real run then applies the plan with [`apply_in_batches`]: each batch in its own
//! transaction, recording every imported row in the import map (`storage::repo::imports`) in
//! that same transaction. A failure therefore leaves no half batch; a rerun plans again from
//! what is committed, finds the rows already imported (`unchanged`) and continues with the
//! rest; a second complete run creates nothing and says so.

pub mod original;
pub mod phpnuxbill;
pub mod router;

use std::sync::Arc;

use crate::app::App;
pub use crate::domain::import::{Action, Entity, Plan, Source, Step};
use crate::service::AppError;
use crate::storage::{BoxFuture, Exec};

/// Rows per transaction of a real run: large enough that a commit's cost is spread, small
/// enough that a batch's locks and memory stay small.
pub const BATCH: usize = 2_000;

/// Where an import reports how far it got (a terminal's progress bar; nothing for the API).
pub trait Progress: Send + Sync {
    /// `done` of `total` rows of the phase `what` (e.g. "clients") are applied.
    fn step(&self, what: &str, done: u64, total: u64);

    /// A one-time password an import gave `username` (an imported staff member whose old
    /// hash could not be kept): shown once, to the operator running the import, and never
    /// logged or returned in a plan. Dropped where nobody can see it.
    fn reveal(&self, _username: &str, _password: &str) {}
}

/// No progress shown.
pub struct Quiet;

impl Progress for Quiet {
    fn step(&self, _: &str, _: u64, _: u64) {}
}

/// Applies one batch of a phase inside the transaction it is given.
pub type ApplyBatch<T> = Arc<
    dyn for<'e> Fn(&'e mut dyn Exec, Vec<T>) -> BoxFuture<'e, Result<(), AppError>> + Send + Sync,
>;

/// Applies `items` (one phase of a plan, e.g. the clients to create) `batch` at a time, each
/// batch in its own write transaction, reporting progress after each commit.
pub async fn apply_in_batches<T: Send + 'static>(
    app: &App,
    what: &str,
    items: Vec<T>,
    batch: usize,
    progress: &dyn Progress,
    apply: ApplyBatch<T>,
) -> Result<(), AppError> {
    let total = items.len() as u64;
    progress.step(what, 0, total);
    let mut done = 0u64;
    apply_part(
        app,
        what,
        items,
        batch,
        (&mut done, total),
        progress,
        &apply,
    )
    .await
}

/// Of the rows decided so far, those to write now: the whole batches, leaving the rest in
/// `decided` for the next page's rows to complete; on the last page, everything.
pub fn take_ready<T>(decided: &mut Vec<T>, last_page: bool) -> Vec<T> {
    if last_page {
        return std::mem::take(decided);
    }
    let rest = decided.split_off(decided.len() - decided.len() % BATCH);
    std::mem::replace(decided, rest)
}

/// Applies part of a phase whose rows are decided as the source is read (the next page is
/// read while this part is written), as [`apply_in_batches`] applies a whole one: `done` counts
/// the phase's rows applied so far, of about `total` (the caller reports the phase as done).
pub async fn apply_part<T: Send + 'static>(
    app: &App,
    what: &str,
    items: Vec<T>,
    batch: usize,
    (done, total): (&mut u64, u64),
    progress: &dyn Progress,
    apply: &ApplyBatch<T>,
) -> Result<(), AppError> {
    let mut items = items.into_iter().peekable();
    while items.peek().is_some() {
        let chunk: Vec<T> = items.by_ref().take(batch.max(1)).collect();
        let n = chunk.len() as u64;
        let apply = apply.clone();
        app.db
            .write(move |ex| Box::pin(async move { apply(ex, chunk).await }))
            .await?;
        *done += n;
        progress.step(what, *done, total);
    }
    Ok(())
}
