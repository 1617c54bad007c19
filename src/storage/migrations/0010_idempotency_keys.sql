-- The answers of creates sent with an `Idempotency-Key`, so that a retried request gets the
-- first answer (status and body, byte for byte) instead of creating twice. A key belongs to
-- one user (0: the anonymous first registration) and one route; the row is written in the
-- create's own transaction, first as a claim (status 0) that makes a concurrent duplicate
-- wait, then with the answer. Rows older than a day are purged.
CREATE TABLE idempotency_keys (
    id {id},
    user_id BIGINT NOT NULL,
    route VARCHAR(128){binary} NOT NULL,
    idempotency_key VARCHAR(128){binary} NOT NULL,
    request_hash VARCHAR(64) NOT NULL,
    status BIGINT NOT NULL,
    body {long_text} NOT NULL,
    created_at {timestamp} NOT NULL,
    CONSTRAINT uq_idempotency_keys UNIQUE (user_id, route, idempotency_key)
){table_options};

CREATE INDEX ix_idempotency_keys_created ON idempotency_keys (created_at);
