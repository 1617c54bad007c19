//! The audit trail: entries written by every use case that changes money, users, settings or
//! a router, in the change's own transaction; the admin's listing; and the verification that
//! re-computes the chain and compares the books with it.

use std::collections::{HashMap, HashSet};

use chrono::Utc;

use super::{AppError, Page, require};
use crate::domain::audit::{
    AuditAction, AuditEntry, GENESIS_HASH, NewAudit, first_break, payment_money,
};
use crate::domain::billing::invoice::{InvoiceStatus, PaymentStatus};
use crate::domain::ids::{InvoiceId, PaymentId};
use crate::domain::user::{Actor, Role};
use crate::storage::repo::audit as repo;
use crate::storage::repo::{invoices, payments};
use crate::storage::{Backend, Db, Exec, StoreError};
use crate::tx;

pub use crate::storage::repo::audit::AuditFilter as Filter;

/// Appends one entry in the caller's transaction, as its last step (see [`repo::append`]).
pub(crate) async fn record_tx(ex: &mut dyn Exec, entry: NewAudit) -> Result<(), StoreError> {
    repo::append(ex, vec![entry], Utc::now()).await
}

/// One page of entries, newest first (admin).
pub async fn list(
    app: &crate::app::App,
    actor: &Actor,
    filter: Filter,
    page: Page,
) -> Result<(Vec<AuditEntry>, i64), AppError> {
    require(
        actor,
        Role::reads_audit,
        "only an admin may read the audit trail",
    )?;
    let (limit, offset) = page.limit_offset();
    tx!(app, read, |ex| repo::page(ex, &filter, limit, offset)).await
}

/// What a verification found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Verification {
    /// Entries read.
    pub entries: i64,
    /// The first entry where the chain breaks, and why.
    pub broken_at: Option<(i64, String)>,
    /// Where the books disagree with the trail (or with their own ledger), each naming the
    /// invoice or payment and the entry.
    pub mismatches: Vec<String>,
    pub invoices_checked: usize,
    pub payments_checked: usize,
    /// Invoices and payments from before the trail began (not compared with it).
    pub before_trail: (usize, usize),
}

impl Verification {
    pub fn ok(&self) -> bool {
        self.broken_at.is_none() && self.mismatches.is_empty()
    }
}

const CHUNK: i64 = 5_000;

/// The latest audited state of every payment, what hand-issued invoices and generation runs
/// said they issued, and which invoices were voided.
#[derive(Default)]
struct Audited {
    payments: HashMap<i64, (i64, i64, i64, String)>,
    issued: HashMap<i64, (i64, i64)>,
    runs: Vec<Run>,
    /// Imports' batches of payments: `year` 0, the range is of payment ids.
    payment_runs: Vec<Run>,
    voided: HashSet<i64>,
}

struct Run {
    entry: i64,
    year: i64,
    from_seq: i64,
    to_seq: i64,
    created: i64,
    total: i64,
    seen: (i64, i64),
}

impl Audited {
    fn note(&mut self, e: &AuditEntry) {
        let id: Option<i64> = e.entity_id.parse().ok();
        let after = e.after_json();
        let field = |k: &str| after.as_ref().and_then(|a| a.get(k)?.as_i64());
        match (e.action, id) {
            (AuditAction::PaymentRecorded | AuditAction::PaymentStatusChanged, Some(id)) => {
                if let Some((invoice, amount, status)) = after.as_ref().and_then(payment_money) {
                    self.payments
                        .insert(id, (e.seq, invoice, amount, status.to_owned()));
                }
            }
            (AuditAction::InvoiceIssued, Some(id)) => {
                if let Some(total) = field("total_minor") {
                    self.issued.insert(id, (e.seq, total));
                }
            }
            (AuditAction::InvoiceVoided, Some(id)) => {
                self.voided.insert(id);
            }
            (AuditAction::InvoicesGenerated | AuditAction::InvoicesImported, _)
            | (AuditAction::PaymentsImported, _) => {
                if let (Some(year), Some(from_seq), Some(to_seq), Some(created), Some(total)) = (
                    field("year").or(Some(0)),
                    field("after_seq"),
                    field("last_seq"),
                    field("created"),
                    field("total_minor"),
                ) {
                    let runs = if e.action == AuditAction::PaymentsImported {
                        &mut self.payment_runs
                    } else {
                        &mut self.runs
                    };
                    runs.push(Run {
                        entry: e.seq,
                        year,
                        from_seq,
                        to_seq,
                        created,
                        total,
                        seen: (0, 0),
                    });
                }
            }
            _ => {}
        }
    }
}

/// Reads the chain from the start to its end, noting the states; returns the last entry's
/// number and hash.
async fn scan(
    ex: &mut dyn Exec,
    v: &mut Verification,
    audited: &mut Audited,
) -> Result<(i64, String), StoreError> {
    let (mut seq, mut hash) = (0, GENESIS_HASH.to_owned());
    loop {
        let chunk = repo::after(ex, seq, CHUNK).await?;
        let Some(last) = chunk.last() else {
            return Ok((seq, hash));
        };
        if v.broken_at.is_none() {
            v.broken_at = first_break(&chunk, seq, &hash);
        }
        for e in &chunk {
            audited.note(e);
        }
        v.entries += chunk.len() as i64;
        (seq, hash) = (last.seq, last.hash.clone());
    }
}

/// Re-computes the chain and names the first entry that does not hold; then compares every
/// invoice and payment made since the trail began with what the trail says of it, and every
/// invoice's paid amount with the sum of its successful payments. Safe on a serving
/// database: everything is read in one transaction, at one moment (PostgreSQL's repeatable
/// read; MariaDB's and SQLite's read transactions are snapshots already).
pub async fn verify(db: &Db) -> Result<Verification, AppError> {
    Ok(db.read(|ex| Box::pin(verify_tx(ex))).await?)
}

async fn verify_tx(ex: &mut dyn Exec) -> Result<Verification, StoreError> {
    if ex.backend() == Backend::Postgres {
        ex.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ", &[])
            .await?;
    }
    let mut v = Verification::default();
    let mut audited = Audited::default();
    let head = repo::head(ex).await?;
    let end = scan(ex, &mut v, &mut audited).await?;
    let mut pays = Vec::new();
    let mut after = PaymentId(0);
    loop {
        let chunk = payments::after(ex, after, CHUNK).await?;
        let Some(last) = chunk.last() else { break };
        after = last.id;
        pays.extend(chunk);
    }
    let mut invs = Vec::new();
    let mut after = InvoiceId(0);
    loop {
        let chunk = invoices::after(ex, after, CHUNK).await?;
        let Some(last) = chunk.last() else { break };
        after = last.id;
        invs.extend(chunk);
    }
    if v.broken_at.is_none() && (head.last_seq, head.last_hash.as_str()) != (end.0, &*end.1) {
        v.broken_at = Some((
            end.0 + 1,
            format!(
                "the chain ends at entry {} but its head names entry {}: entries were removed \
                 or the head was edited",
                end.0, head.last_seq
            ),
        ));
    }

    let mut ledger: HashMap<i64, i64> = HashMap::new();
    for p in &pays {
        if p.status == PaymentStatus::Success {
            *ledger.entry(p.invoice_id.0).or_default() += p.amount.minor();
        }
        if p.id.0 <= head.payments_before {
            v.before_trail.1 += 1;
            continue;
        }
        v.payments_checked += 1;
        match audited.payments.get(&p.id.0) {
            None => match audited
                .payment_runs
                .iter_mut()
                .find(|r| r.from_seq < p.id.0 && p.id.0 <= r.to_seq)
            {
                Some(r) => {
                    r.seen.0 += 1;
                    r.seen.1 += p.amount.minor();
                }
                None => v
                    .mismatches
                    .push(format!("payment {} has no audit entry", p.id)),
            },
            Some((entry, invoice, amount, status)) => {
                if (*invoice, *amount, status.as_str())
                    != (p.invoice_id.0, p.amount.minor(), p.status.as_str())
                {
                    v.mismatches.push(format!(
                        "payment {} is {} on invoice {} ({}), but audit entry {entry} says \
                         {} on invoice {invoice} ({status})",
                        p.id,
                        p.amount,
                        p.invoice_id,
                        p.status.as_str(),
                        crate::domain::money::Money::from_minor(*amount),
                    ));
                }
            }
        }
    }
    let present: HashSet<i64> = pays.iter().map(|p| p.id.0).collect();
    let mut gone: Vec<_> = audited
        .payments
        .iter()
        .filter(|(id, _)| !present.contains(id))
        .collect();
    gone.sort();
    for (id, (entry, ..)) in gone {
        v.mismatches.push(format!(
            "payment {id}, recorded in audit entry {entry}, is missing from the books"
        ));
    }

    for i in &invs {
        let paid = ledger.get(&i.id.0).copied().unwrap_or(0);
        if paid != i.paid.minor() {
            v.mismatches.push(format!(
                "invoice {} ({}) shows {} paid, but its successful payments add up to {}",
                i.id,
                i.number(),
                i.paid,
                crate::domain::money::Money::from_minor(paid)
            ));
        }
        if i.id.0 <= head.invoices_before {
            v.before_trail.0 += 1;
            continue;
        }
        v.invoices_checked += 1;
        if i.status == InvoiceStatus::Void && !audited.voided.contains(&i.id.0) {
            v.mismatches.push(format!(
                "invoice {} ({}) is void without an audit entry",
                i.id,
                i.number()
            ));
        }
        if let Some((entry, total)) = audited.issued.get(&i.id.0) {
            if *total != i.total.minor() {
                v.mismatches.push(format!(
                    "invoice {} ({}) totals {}, but audit entry {entry} issued it for {}",
                    i.id,
                    i.number(),
                    i.total,
                    crate::domain::money::Money::from_minor(*total)
                ));
            }
            continue;
        }
        let run = audited
            .runs
            .iter_mut()
            .find(|r| r.year == i64::from(i.year) && r.from_seq < i.seq && i.seq <= r.to_seq);
        match run {
            Some(r) => {
                r.seen.0 += 1;
                r.seen.1 += i.total.minor();
            }
            None => v.mismatches.push(format!(
                "invoice {} ({}) has no audit entry",
                i.id,
                i.number()
            )),
        }
    }
    let payment_runs = audited.payment_runs.iter().map(|r| {
        let what = format!(
            "the payments of import entry {} (ids {}..={})",
            r.entry,
            r.from_seq + 1,
            r.to_seq
        );
        (r, what)
    });
    let invoice_runs = audited.runs.iter().map(|r| {
        let what = format!(
            "the invoices of generation run entry {} ({} numbers {}..={})",
            r.entry,
            r.year,
            r.from_seq + 1,
            r.to_seq
        );
        (r, what)
    });
    for (r, what) in payment_runs.chain(invoice_runs) {
        if r.seen != (r.created, r.total) {
            v.mismatches.push(format!(
                "{what} are {} totalling {}, but the entry says {} totalling {}",
                r.seen.0,
                crate::domain::money::Money::from_minor(r.seen.1),
                r.created,
                crate::domain::money::Money::from_minor(r.total),
            ));
        }
    }
    Ok(v)
}
