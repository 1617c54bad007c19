-- The audit trail: an append-only record of every change to money, users, settings and of
-- every router command, written in the transaction of the change. Entries are numbered
-- without gaps (seq, handed out under the lock on audit_head) and chained: each entry's hash
-- covers its content and the previous entry's hash, so an edited, removed or inserted entry
-- breaks the chain from there on (`mikronet audit verify` names the first).
CREATE TABLE audit_log (
    seq BIGINT NOT NULL PRIMARY KEY,
    at {timestamp} NOT NULL,
    actor VARCHAR(64) NOT NULL,
    action VARCHAR(32) NOT NULL,
    entity VARCHAR(32) NOT NULL,
    entity_id VARCHAR(128) NOT NULL,
    before_state {long_text} NULL,
    after_state {long_text} NULL,
    prev_hash CHAR(64) NOT NULL,
    hash CHAR(64) NOT NULL
){table_options};

CREATE INDEX ix_audit_log_entity ON audit_log (entity, entity_id, seq);
CREATE INDEX ix_audit_log_actor ON audit_log (actor, seq);
CREATE INDEX ix_audit_log_at ON audit_log (at);

-- The chain's head: the last entry's number and hash. Locked by every append, so entries are
-- chained in commit order. It also keeps where the trail began: invoices and payments that
-- existed before this migration have no entry, every later one must.
CREATE TABLE audit_head (
    id BIGINT NOT NULL PRIMARY KEY,
    last_seq BIGINT NOT NULL,
    last_hash CHAR(64) NOT NULL,
    invoices_before BIGINT NOT NULL,
    payments_before BIGINT NOT NULL
){table_options};

INSERT INTO audit_head (id, last_seq, last_hash, invoices_before, payments_before)
SELECT 1, 0, '0000000000000000000000000000000000000000000000000000000000000000',
       COALESCE(MAX(i.id), 0), (SELECT COALESCE(MAX(p.id), 0) FROM payments p)
FROM invoices i;
