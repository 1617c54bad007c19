//! The audit trail's storage: appending under the head's lock, listing, and reading it whole
//! in order for verification.

use chrono::{DateTime, Utc};

use super::Conditions;
use crate::domain::audit::{AuditEntity, AuditEntry, NewAudit};
use crate::params;
use crate::storage::row::columns;
use crate::storage::{Exec, StoreError, Value};

crate::record!(AuditEntry {
    seq,
    at,
    actor,
    action,
    entity,
    entity_id,
    before = "before_state",
    after = "after_state",
    prev_hash,
    hash
});

/// The chain's head, and where the trail began.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    pub last_seq: i64,
    pub last_hash: String,
    /// Invoices with an id up to this existed before the trail began.
    pub invoices_before: i64,
    /// Payments with an id up to this existed before the trail began.
    pub payments_before: i64,
}
crate::record!(Head {
    last_seq,
    last_hash,
    invoices_before,
    payments_before
});

const HEAD: &str = "SELECT last_seq, last_hash, invoices_before, payments_before FROM audit_head \
                    WHERE id = 1";

/// Entries per INSERT statement (10 parameters each, well under every backend's limit).
const ROWS_PER_INSERT: usize = 200;

/// Appends `entries` after the chain's head, in order, inside the caller's write transaction.
/// The head is locked until the transaction ends, so concurrent appends chain one after the
/// other in commit order; a transaction rolled back takes its entries with it. Call it as the
/// transaction's last step: a lock taken after the head's could deadlock with another
/// transaction that holds it and waits for the head.
pub async fn append(
    ex: &mut dyn Exec,
    entries: Vec<NewAudit>,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    if entries.is_empty() {
        return Ok(());
    }
    let head: Head = ex.one(&format!("{HEAD}{{for_update}}"), &[]).await?;
    let (mut seq, mut hash) = (head.last_seq, head.last_hash);
    let chained: Vec<AuditEntry> = entries
        .into_iter()
        .map(|new| {
            let e = AuditEntry::chained(new, seq, &hash, at);
            (seq, hash) = (e.seq, e.hash.clone());
            e
        })
        .collect();
    let cols = columns::<AuditEntry>();
    let marks = format!("({})", vec!["?"; cols.len()].join(", "));
    for rows in chained.chunks(ROWS_PER_INSERT) {
        let mut params: Vec<Value> = Vec::with_capacity(rows.len() * cols.len());
        for e in rows {
            crate::storage::Field::write(e, &mut params);
        }
        ex.execute(
            &format!(
                "INSERT INTO audit_log ({}) VALUES {}",
                cols.join(", "),
                vec![marks.as_str(); rows.len()].join(", ")
            ),
            &params,
        )
        .await?;
    }
    ex.execute(
        "UPDATE audit_head SET last_seq = ?, last_hash = ? WHERE id = 1",
        params![seq, hash],
    )
    .await?;
    Ok(())
}

pub async fn head(ex: &mut dyn Exec) -> Result<Head, StoreError> {
    ex.one(HEAD, &[]).await
}

/// What a listing may be narrowed to.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub entity: Option<AuditEntity>,
    pub entity_id: Option<String>,
    pub actor: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

/// One page of entries, newest first, and how many match.
pub async fn page(
    ex: &mut dyn Exec,
    f: &AuditFilter,
    limit: i64,
    offset: i64,
) -> Result<(Vec<AuditEntry>, i64), StoreError> {
    let mut conds = Conditions::default();
    conds
        .add("a.entity = ?", f.entity)
        .add("a.entity_id = ?", f.entity_id.clone())
        .add("a.actor = ?", f.actor.clone())
        .add("a.at >= ?", f.from)
        .add("a.at < ?", f.to);
    let cols = columns::<AuditEntry>()
        .iter()
        .map(|c| format!("a.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    super::page(
        ex,
        "audit_log a",
        &cols,
        "a.seq DESC",
        conds,
        (limit, offset),
    )
    .await
}

/// Up to `limit` entries after the one numbered `after`, in order.
pub async fn after(
    ex: &mut dyn Exec,
    after: i64,
    limit: i64,
) -> Result<Vec<AuditEntry>, StoreError> {
    ex.all(
        &format!(
            "SELECT {} FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?",
            columns::<AuditEntry>().join(", ")
        ),
        params![after, limit],
    )
    .await
}
