-- Online payment attempts: one per click on "pay online" (an invoice may have several, each
-- with its own order id at the gateway). Written before the gateway is asked, so a
-- notification for an attempt is always for a known row. `status` moves from `pending` to
-- `paid` (final: the payment row is `payment_id`, recorded in the transaction that marked it)
-- or `failed`. A pending attempt is asked about at `next_poll_at` (missed notifications).
CREATE TABLE online_payments (
    id {id},
    invoice_id BIGINT NOT NULL,
    client_id BIGINT NOT NULL,
    gateway VARCHAR(16) NOT NULL,
    order_id VARCHAR(64) NOT NULL,
    amount_minor BIGINT NOT NULL,
    currency VARCHAR(3) NOT NULL,
    status VARCHAR(16) NOT NULL,
    gateway_ref VARCHAR(128) NULL,
    pay_url VARCHAR(1000) NULL,
    payment_id BIGINT NULL,
    polls INTEGER NOT NULL,
    next_poll_at {timestamp} NULL,
    created_by VARCHAR(64) NOT NULL,
    created_at {timestamp} NOT NULL,
    updated_at {timestamp} NOT NULL,
    CONSTRAINT uq_online_payments_order UNIQUE (order_id),
    CONSTRAINT fk_online_payments_invoice FOREIGN KEY (invoice_id) REFERENCES invoices (id),
    CONSTRAINT ck_online_payments_status CHECK (status IN ('pending', 'paid', 'failed'))
){table_options};

CREATE INDEX ix_online_payments_poll ON online_payments (status, next_poll_at);
CREATE INDEX ix_online_payments_invoice ON online_payments (invoice_id);

-- Every exchange with a gateway, for disputes: what was sent or received (secrets left out),
-- the answer, and what was concluded (`verdict`: applied, ignored and why, refused and why).
-- `delivery_id` is the gateway's id of a notification delivery (Xendit's webhook-id), so a
-- delivery seen before is recognised.
CREATE TABLE gateway_events (
    id {id},
    online_payment_id BIGINT NULL,
    gateway VARCHAR(16) NOT NULL,
    kind VARCHAR(16) NOT NULL,
    delivery_id VARCHAR(128) NULL,
    request {long_text} NULL,
    answer {long_text} NULL,
    verdict VARCHAR(255) NOT NULL,
    at {timestamp} NOT NULL
){table_options};

CREATE INDEX ix_gateway_events_payment ON gateway_events (online_payment_id, id);
CREATE INDEX ix_gateway_events_delivery ON gateway_events (gateway, delivery_id)
