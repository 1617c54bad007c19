-- A void invoice no longer holds its period: the period is billable again (the next
-- generation run, or POST /invoice, issues a replacement numbered anew), while the void
-- invoice keeps its number and its period for the record. The unique key on (subscription,
-- period start) becomes one on (subscription, the period start while the invoice is not void,
-- NULL once it is): NULLs never collide in a unique index. It is a whole index, not a partial
-- one, so it still serves every lookup of a subscription's invoices (its first column), and
-- invoices keep one index for it. PostgreSQL and SQLite index the expression; MariaDB/MySQL
-- index a generated column of it (MariaDB has no index on an expression).
@postgres ALTER TABLE invoices DROP CONSTRAINT uq_invoices_subscription_period;
@postgres CREATE UNIQUE INDEX uq_invoices_open_period ON invoices
    (subscription_id, (CASE WHEN status <> 'void' THEN period_start END));
@mysql ALTER TABLE invoices ADD COLUMN open_period_start DATE
    AS (CASE WHEN status <> 'void' THEN period_start END) VIRTUAL;
-- Created before the old key is dropped: it starts with subscription_id, so the foreign key
-- on subscription_id always has an index.
@mysql CREATE UNIQUE INDEX uq_invoices_open_period ON invoices (subscription_id, open_period_start);
@mysql DROP INDEX uq_invoices_subscription_period ON invoices;
-- SQLite cannot drop a table's own UNIQUE constraint: the table is rebuilt with the same
-- columns, checks and indexes. Its payments are set aside and put back around the swap, so
-- no foreign key ever sees a missing invoice (the migration's transaction covers it all).
@sqlite CREATE TEMP TABLE payments_kept AS SELECT * FROM payments;
@sqlite DELETE FROM payments;
@sqlite CREATE TABLE invoices_rebuilt (
    id {id},
    invoice_year INTEGER NOT NULL,
    invoice_seq BIGINT NOT NULL,
    client_id BIGINT NOT NULL,
    subscription_id BIGINT NOT NULL,
    period_start DATE NOT NULL,
    period_end DATE NOT NULL,
    invoice_date DATE NOT NULL,
    due_date DATE NOT NULL,
    total_minor BIGINT NOT NULL,
    paid_minor BIGINT NOT NULL,
    status VARCHAR(16) NOT NULL,
    voided_at {timestamp} NULL,
    voided_by VARCHAR(64) NULL,
    created_at {timestamp} NOT NULL,
    CONSTRAINT uq_invoices_number UNIQUE (invoice_year, invoice_seq),
    CONSTRAINT fk_invoices_subscription FOREIGN KEY (subscription_id) REFERENCES subscriptions (id),
    CONSTRAINT ck_invoices_status CHECK (status IN ('pending', 'partially_paid', 'paid', 'void')),
    CONSTRAINT ck_invoices_amounts CHECK (total_minor >= 0 AND paid_minor >= 0 AND paid_minor <= total_minor)
);
@sqlite INSERT INTO invoices_rebuilt (id, invoice_year, invoice_seq, client_id, subscription_id,
    period_start, period_end, invoice_date, due_date, total_minor, paid_minor, status,
    voided_at, voided_by, created_at)
    SELECT id, invoice_year, invoice_seq, client_id, subscription_id, period_start, period_end,
    invoice_date, due_date, total_minor, paid_minor, status, voided_at, voided_by, created_at
    FROM invoices;
@sqlite DROP TABLE invoices;
@sqlite ALTER TABLE invoices_rebuilt RENAME TO invoices;
@sqlite CREATE INDEX ix_invoices_overdue ON invoices (status, due_date, client_id, total_minor, paid_minor);
@sqlite CREATE INDEX ix_invoices_date_amounts ON invoices (invoice_date, status, total_minor);
@sqlite CREATE UNIQUE INDEX uq_invoices_open_period ON invoices
    (subscription_id, (CASE WHEN status <> 'void' THEN period_start END));
@sqlite INSERT INTO payments SELECT * FROM payments_kept;
@sqlite DROP TABLE payments_kept
