-- Plans, subscriptions, invoices and payments.
-- Money is BIGINT minor units. Dates are calendar dates in the provider's time zone.

CREATE TABLE plans (
    id {id},
    name VARCHAR(100) NOT NULL,
    price_minor BIGINT NOT NULL,
    period_unit VARCHAR(8) NOT NULL,
    period_count INTEGER NOT NULL,
    ppp_profile VARCHAR(64) NOT NULL,
    rate_limit VARCHAR(100) NULL,
    active {bool} NOT NULL,
    created_at {timestamp} NOT NULL,
    updated_at {timestamp} NOT NULL,
    CONSTRAINT uq_plans_name UNIQUE (name),
    CONSTRAINT ck_plans_price CHECK (price_minor >= 0),
    CONSTRAINT ck_plans_period CHECK (period_unit IN ('day', 'month') AND period_count > 0)
){table_options};

CREATE TABLE subscriptions (
    id {id},
    client_id BIGINT NOT NULL,
    plan_id BIGINT NOT NULL,
    start_date DATE NOT NULL,
    end_date DATE NOT NULL,
    status VARCHAR(16) NOT NULL,
    created_at {timestamp} NOT NULL,
    updated_at {timestamp} NOT NULL,
    CONSTRAINT fk_subscriptions_client FOREIGN KEY (client_id) REFERENCES clients (id),
    CONSTRAINT fk_subscriptions_plan FOREIGN KEY (plan_id) REFERENCES plans (id),
    CONSTRAINT ck_subscriptions_status CHECK (status IN ('active', 'suspended', 'expired', 'cancelled')),
    CONSTRAINT ck_subscriptions_dates CHECK (end_date >= start_date)
){table_options};

CREATE INDEX ix_subscriptions_client ON subscriptions (client_id);
-- Invoice generation scans active subscriptions by end date; plan_id makes the scan covering.
CREATE INDEX ix_subscriptions_status_end ON subscriptions (status, end_date, plan_id);

-- Every status change and renewal: who (a username, or 'system'), when, why.
-- These rows are also the lifecycle events that router provisioning acts on.
CREATE TABLE subscription_events (
    id {id},
    subscription_id BIGINT NOT NULL,
    client_id BIGINT NOT NULL,
    kind VARCHAR(16) NOT NULL,
    from_status VARCHAR(16) NULL,
    to_status VARCHAR(16) NULL,
    old_end_date DATE NULL,
    new_end_date DATE NULL,
    actor VARCHAR(64) NOT NULL,
    reason VARCHAR(255) NULL,
    created_at {timestamp} NOT NULL,
    CONSTRAINT fk_subscription_events_subscription FOREIGN KEY (subscription_id) REFERENCES subscriptions (id) ON DELETE CASCADE
){table_options};

CREATE INDEX ix_subscription_events_subscription ON subscription_events (subscription_id);

-- The next period of service after a given end date, per billing period, as computed by the
-- domain rules (month-end clamping). Generation joins it instead of doing date arithmetic in
-- three SQL dialects.
CREATE TABLE billing_periods (
    end_date DATE NOT NULL,
    period_unit VARCHAR(8) NOT NULL,
    period_count INTEGER NOT NULL,
    period_start DATE NOT NULL,
    period_end DATE NOT NULL,
    PRIMARY KEY (end_date, period_unit, period_count)
){table_options};

-- The last invoice number used in each year. Its row is locked while numbers are handed out.
CREATE TABLE invoice_counters (
    year INTEGER NOT NULL PRIMARY KEY,
    last_seq BIGINT NOT NULL
){table_options};

CREATE TABLE invoices (
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
    -- Generation's guarantee: one invoice per subscription and period, whoever runs it.
    CONSTRAINT uq_invoices_subscription_period UNIQUE (subscription_id, period_start),
    CONSTRAINT fk_invoices_subscription FOREIGN KEY (subscription_id) REFERENCES subscriptions (id),
    CONSTRAINT ck_invoices_status CHECK (status IN ('pending', 'partially_paid', 'paid', 'void')),
    CONSTRAINT ck_invoices_amounts CHECK (total_minor >= 0 AND paid_minor >= 0 AND paid_minor <= total_minor)
){table_options};

CREATE INDEX ix_invoices_status_due ON invoices (status, due_date);

CREATE TABLE payments (
    id {id},
    invoice_id BIGINT NOT NULL,
    amount_minor BIGINT NOT NULL,
    payment_date DATE NOT NULL,
    payment_method VARCHAR(32) NOT NULL,
    reference VARCHAR(100) NULL,
    status VARCHAR(16) NOT NULL,
    idempotency_key VARCHAR(128) NULL,
    request_hash CHAR(64) NULL,
    recorded_by VARCHAR(64) NOT NULL,
    created_at {timestamp} NOT NULL,
    CONSTRAINT uq_payments_idempotency_key UNIQUE (idempotency_key),
    CONSTRAINT fk_payments_invoice FOREIGN KEY (invoice_id) REFERENCES invoices (id),
    CONSTRAINT ck_payments_status CHECK (status IN ('success', 'pending', 'failed')),
    CONSTRAINT ck_payments_amount CHECK (amount_minor > 0)
){table_options};

CREATE INDEX ix_payments_invoice ON payments (invoice_id);
CREATE INDEX ix_payments_date ON payments (payment_date);
