-- Routers, the router each client's PPP secret lives on, and the outbox of router changes.

CREATE TABLE routers (
    id {id},
    name VARCHAR(100) NOT NULL,
    host VARCHAR(255) NOT NULL,
    port INTEGER NOT NULL,
    transport VARCHAR(16) NOT NULL,
    username VARCHAR(100) NOT NULL,
    password_enc VARCHAR(512) NOT NULL,
    tls_fingerprint VARCHAR(64) NULL,
    suspend_mode VARCHAR(16) NOT NULL,
    isolation_profile VARCHAR(64) NULL,
    is_default {bool} NOT NULL,
    created_at {timestamp} NOT NULL,
    updated_at {timestamp} NOT NULL,
    CONSTRAINT uq_routers_name UNIQUE (name),
    CONSTRAINT ck_routers_transport CHECK (transport IN ('api', 'api-ssl', 'rest', 'rest-http')),
    CONSTRAINT ck_routers_suspend_mode CHECK (suspend_mode IN ('disable', 'isolate'))
){table_options};

-- SQLite cannot add a constraint to an existing table but takes a column-level reference;
-- MySQL ignores column-level references, so the servers get a named constraint.
@sqlite ALTER TABLE clients ADD COLUMN router_id BIGINT NULL REFERENCES routers (id);
@servers ALTER TABLE clients ADD COLUMN router_id BIGINT NULL;
@servers ALTER TABLE clients ADD CONSTRAINT fk_clients_router FOREIGN KEY (router_id) REFERENCES routers (id);

CREATE INDEX ix_clients_router ON clients (router_id);

-- An operator's hold: the client stays cut off whatever billing says, until released.
ALTER TABLE clients ADD COLUMN held {bool} NOT NULL DEFAULT FALSE;

-- Router changes, written in the same transaction as the change that causes them, applied by
-- the provisioning worker in order per client, retried until the router takes them.
CREATE TABLE router_jobs (
    id {id},
    router_id BIGINT NOT NULL,
    client_id BIGINT NULL,
    kind VARCHAR(16) NOT NULL,
    payload TEXT NOT NULL,
    status VARCHAR(16) NOT NULL,
    attempts INTEGER NOT NULL,
    next_attempt_at {timestamp} NOT NULL,
    leased_until {timestamp} NULL,
    last_error VARCHAR(1000) NULL,
    created_at {timestamp} NOT NULL,
    done_at {timestamp} NULL,
    CONSTRAINT fk_router_jobs_router FOREIGN KEY (router_id) REFERENCES routers (id) ON DELETE CASCADE,
    CONSTRAINT ck_router_jobs_status CHECK (status IN ('pending', 'done', 'failed'))
){table_options};

CREATE INDEX ix_router_jobs_due ON router_jobs (status, next_attempt_at);
CREATE INDEX ix_router_jobs_client ON router_jobs (client_id, status, id);
CREATE INDEX ix_router_jobs_router ON router_jobs (router_id, status);
