//! The audit trail's entries and the chain that makes them tamper-evident.
//!
//! Every entry names who did what to which entity, with the entity's state before and after
//! as JSON, and carries a SHA-256 hash over its own content and the previous entry's hash
//! ([`chain_hash`]). Editing, removing or inserting an entry changes a hash that the next
//! entry, or the chain's head, no longer agrees with.

use chrono::{DateTime, SubsecRound, Utc};
use sha2::{Digest, Sha256};

use crate::domain::billing::invoice::{Invoice, Payment};
use crate::domain::billing::plan::Plan;
use crate::words;

words! {
    /// What happened.
    pub enum AuditAction {
        /// One invoice created by hand (the API's or the original system's create).
        InvoiceIssued = "invoice_issued",
        /// One generation run: its date and the range of invoice numbers it handed out.
        InvoicesGenerated = "invoices_generated",
        InvoiceVoided = "invoice_voided",
        /// One batch of an import: the invoices it numbered in one year (a range of numbers,
        /// as a generation run's), with their count and total.
        InvoicesImported = "invoices_imported",
        /// One batch of an import: the payments it recorded (a range of payment ids), with
        /// their count and total.
        PaymentsImported = "payments_imported",
        /// One cut-off run: which subscriptions it suspended.
        CutOffRun = "cut_off_run",
        /// One expiry step of a daily run: which suspended subscriptions became expired.
        SubscriptionsExpired = "subscriptions_expired",
        PaymentRecorded = "payment_recorded",
        /// A pending payment confirmed (`success`) or rejected (`failed`).
        PaymentStatusChanged = "payment_status_changed",
        UserCreated = "user_created",
        UserUpdated = "user_updated",
        UserDeleted = "user_deleted",
        UserPasswordChanged = "user_password_changed",
        UserTokensRevoked = "user_tokens_revoked",
        PlanCreated = "plan_created",
        /// A plan changed (its price among others; invoices already issued keep theirs).
        PlanUpdated = "plan_updated",
        PlanDeleted = "plan_deleted",
        SettingsUpdated = "settings_updated",
        /// A client's own grace or cut-off action, exemption or promise to pay changed.
        CollectionChanged = "collection_changed",
        LogoChanged = "logo_changed",
        /// Commands sent to a router for one object, and the router's answer.
        RouterCommand = "router_command",
    }
}

words! {
    /// What kind of thing an entry is about; with the entry's `entity_id` it names one thing.
    pub enum AuditEntity {
        Invoice = "invoice",
        BillingRun = "billing_run",
        Subscription = "subscription",
        Payment = "payment",
        User = "user",
        Plan = "plan",
        Settings = "settings",
        Client = "client",
        RouterObject = "router_object",
    }
}

/// The hash before the first entry.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// An entry as it is about to be appended (its number and hashes come from the chain).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAudit {
    pub actor: String,
    pub action: AuditAction,
    pub entity: AuditEntity,
    pub entity_id: String,
    /// The entity's state before the change, as JSON (None for a creation).
    pub before: Option<String>,
    /// Its state after the change, as JSON (None for a deletion).
    pub after: Option<String>,
}

impl NewAudit {
    pub fn new(
        actor: &str,
        action: AuditAction,
        entity: AuditEntity,
        entity_id: impl ToString,
    ) -> NewAudit {
        NewAudit {
            actor: actor.to_owned(),
            action,
            entity,
            entity_id: entity_id.to_string(),
            before: None,
            after: None,
        }
    }

    pub fn before(mut self, state: serde_json::Value) -> NewAudit {
        self.before = Some(state.to_string());
        self
    }

    pub fn after(mut self, state: serde_json::Value) -> NewAudit {
        self.after = Some(state.to_string());
        self
    }
}

/// One stored entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// Entries are numbered 1, 2, 3, … without gaps.
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub action: AuditAction,
    pub entity: AuditEntity,
    pub entity_id: String,
    /// JSON text of the state before.
    pub before: Option<String>,
    /// JSON text of the state after.
    pub after: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

impl AuditEntry {
    /// Chains `new` after the entry numbered `prev_seq` with hash `prev_hash`.
    pub fn chained(new: NewAudit, prev_seq: i64, prev_hash: &str, at: DateTime<Utc>) -> AuditEntry {
        let mut e = AuditEntry {
            seq: prev_seq + 1,
            // Stored to the microsecond on every backend: hash what is stored.
            at: at.trunc_subsecs(6),
            actor: new.actor,
            action: new.action,
            entity: new.entity,
            entity_id: new.entity_id,
            before: new.before,
            after: new.after,
            prev_hash: prev_hash.to_owned(),
            hash: String::new(),
        };
        e.hash = e.expected_hash();
        e
    }

    /// The hash this entry's content and `prev_hash` give.
    pub fn expected_hash(&self) -> String {
        chain_hash(self)
    }

    /// The `after` state parsed (None when absent or not JSON).
    pub fn after_json(&self) -> Option<serde_json::Value> {
        serde_json::from_str(self.after.as_deref()?).ok()
    }
}

/// What the trail keeps of an invoice: the money, the period and the state.
pub fn invoice_state(i: &Invoice) -> serde_json::Value {
    serde_json::json!({
        "number": i.number(),
        "client_id": i.client_id.0,
        "subscription_id": i.subscription_id.0,
        "period_start": i.period_start,
        "period_end": i.period_end,
        "due_date": i.due_date,
        "total_minor": i.total.minor(),
        "paid_minor": i.paid.minor(),
        "status": i.status.as_str(),
    })
}

/// What the trail keeps of a plan: its price and what it sells.
pub fn plan_state(p: &Plan) -> serde_json::Value {
    serde_json::json!({
        "name": p.name,
        "price_minor": p.price.minor(),
        "period_unit": p.period.unit.as_str(),
        "period_count": p.period.count,
        "ppp_profile": p.ppp_profile,
        "rate_limit": p.rate_limit,
        "active": p.active,
        "grace_days": p.terms.grace_days,
        "overdue_action": p.terms.overdue_action.map(|a| a.as_str()),
        "throttle_profile": p.throttle_profile,
    })
}

/// What the trail keeps of a client's collection terms.
pub fn collection_state(c: &crate::domain::billing::collection::Collection) -> serde_json::Value {
    serde_json::json!({
        "grace_days": c.terms.grace_days,
        "overdue_action": c.terms.overdue_action.map(|a| a.as_str()),
        "cutoff_exempt": c.exempt,
        "promised_until": c.promised_until,
    })
}

/// What the trail keeps of a payment.
pub fn payment_state(p: &Payment) -> serde_json::Value {
    serde_json::json!({
        "invoice_id": p.invoice_id.0,
        "amount_minor": p.amount.minor(),
        "payment_date": p.payment_date,
        "payment_method": p.payment_method,
        "reference": p.reference,
        "status": p.status.as_str(),
    })
}

/// The money fields of a payment state as [`payment_state`] wrote them: (invoice id, amount
/// in minor units, status).
pub fn payment_money(state: &serde_json::Value) -> Option<(i64, i64, &str)> {
    Some((
        state.get("invoice_id")?.as_i64()?,
        state.get("amount_minor")?.as_i64()?,
        state.get("status")?.as_str()?,
    ))
}

/// SHA-256 over every field but the hash itself, each length-prefixed so that no two
/// different entries encode alike, ending with the previous entry's hash.
pub fn chain_hash(e: &AuditEntry) -> String {
    fn part(h: &mut Sha256, bytes: &[u8]) {
        h.update((bytes.len() as u64).to_le_bytes());
        h.update(bytes);
    }
    fn optional(h: &mut Sha256, s: Option<&str>) {
        match s {
            None => h.update([0u8]),
            Some(s) => {
                h.update([1u8]);
                part(h, s.as_bytes());
            }
        }
    }
    let mut h = Sha256::new();
    h.update(b"mikronet-audit-v1\0");
    part(&mut h, &e.seq.to_le_bytes());
    part(
        &mut h,
        e.at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
            .as_bytes(),
    );
    part(&mut h, e.actor.as_bytes());
    part(&mut h, e.action.as_str().as_bytes());
    part(&mut h, e.entity.as_str().as_bytes());
    part(&mut h, e.entity_id.as_bytes());
    optional(&mut h, e.before.as_deref());
    optional(&mut h, e.after.as_deref());
    part(&mut h, e.prev_hash.as_bytes());
    hex::encode(h.finalize())
}

/// Where a chain read in order first goes wrong: `entries` must be consecutive, starting
/// after the entry numbered `prev_seq` whose hash is `prev_hash`.
pub fn first_break<'a>(
    entries: &'a [AuditEntry],
    mut prev_seq: i64,
    mut prev_hash: &'a str,
) -> Option<(i64, String)> {
    for e in entries {
        if e.seq != prev_seq + 1 {
            return Some((
                prev_seq + 1,
                format!(
                    "entry {} is missing (the next stored is {})",
                    prev_seq + 1,
                    e.seq
                ),
            ));
        }
        if e.prev_hash != prev_hash {
            return Some((
                e.seq,
                format!(
                    "entry {} does not follow entry {prev_seq}: the chain was broken",
                    e.seq
                ),
            ));
        }
        if e.hash != e.expected_hash() {
            return Some((
                e.seq,
                format!(
                    "entry {}'s content does not match its hash: it was edited",
                    e.seq
                ),
            ));
        }
        prev_seq = e.seq;
        prev_hash = &e.hash;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: usize) -> Vec<AuditEntry> {
        let at = DateTime::parse_from_rfc3339("2026-12-01T10:00:00.123456789Z")
            .unwrap()
            .with_timezone(&Utc);
        let mut out: Vec<AuditEntry> = Vec::new();
        for i in 0..n {
            let (seq, hash) = out
                .last()
                .map_or((0, GENESIS_HASH.to_owned()), |e| (e.seq, e.hash.clone()));
            let new = NewAudit::new(
                "kasir",
                AuditAction::PaymentRecorded,
                AuditEntity::Payment,
                i,
            )
            .after(serde_json::json!({"amount_minor": 15_000_050 + i}));
            out.push(AuditEntry::chained(new, seq, &hash, at));
        }
        out
    }

    #[test]
    fn an_intact_chain_has_no_break_and_instants_are_kept_to_the_microsecond() {
        let c = chain(4);
        assert_eq!(first_break(&c, 0, GENESIS_HASH), None);
        assert_eq!(c[0].at.timestamp_subsec_nanos(), 123_456_000);
        assert_eq!(c[3].seq, 4);
        assert_eq!(c[3].prev_hash, c[2].hash);
        assert_eq!(c[0].hash.len(), 64);
    }

    #[test]
    fn an_edited_entry_is_named() {
        let mut c = chain(4);
        c[2].after = Some(r#"{"amount_minor":1}"#.into());
        let (seq, why) = first_break(&c, 0, GENESIS_HASH).unwrap();
        assert_eq!(seq, 3);
        assert!(why.contains("edited"), "{why}");
    }

    #[test]
    fn a_rehashed_edit_breaks_the_next_link_and_a_removed_entry_is_missing() {
        let mut c = chain(4);
        c[1].actor = "someone else".into();
        c[1].hash = c[1].expected_hash();
        let (seq, why) = first_break(&c, 0, GENESIS_HASH).unwrap();
        assert_eq!(seq, 3, "{why}");
        let mut c = chain(4);
        c.remove(1);
        assert_eq!(first_break(&c, 0, GENESIS_HASH).unwrap().0, 2);
    }

    #[test]
    fn every_field_is_covered_by_the_hash() {
        let base = chain(1).remove(0);
        let variants = [
            AuditEntry {
                seq: 2,
                ..base.clone()
            },
            AuditEntry {
                at: base.at + chrono::Duration::microseconds(1),
                ..base.clone()
            },
            AuditEntry {
                action: AuditAction::PaymentStatusChanged,
                ..base.clone()
            },
            AuditEntry {
                entity: AuditEntity::Invoice,
                ..base.clone()
            },
            AuditEntry {
                entity_id: "9".into(),
                ..base.clone()
            },
            AuditEntry {
                before: Some("{}".into()),
                ..base.clone()
            },
            AuditEntry {
                after: None,
                ..base.clone()
            },
            AuditEntry {
                prev_hash: "1".repeat(64),
                ..base.clone()
            },
        ];
        for v in variants {
            assert_ne!(v.expected_hash(), base.hash, "{v:?}");
        }
    }
}
