-- Users can be disabled (no login, no token works) and deleted (kept, so the name that
-- histories record is never given to someone else).
ALTER TABLE users ADD COLUMN disabled {bool} NOT NULL DEFAULT FALSE;
ALTER TABLE users ADD COLUMN deleted_at {timestamp} NULL;

-- Who started each billing run, for which date, from where, and what it did.
CREATE TABLE billing_runs (
    id {id},
    kind VARCHAR(16) NOT NULL,
    run_date DATE NOT NULL,
    actor VARCHAR(64) NOT NULL,
    forced {bool} NOT NULL,
    created BIGINT NOT NULL,
    suspended BIGINT NOT NULL,
    started_at {timestamp} NOT NULL,
    CONSTRAINT ck_billing_runs_kind CHECK (kind IN ('generation', 'cut_off'))
){table_options};

CREATE INDEX ix_billing_runs_started ON billing_runs (started_at);
