-- Level-triggered router sync: one row per router object (a client's secret, a plan's
-- profile) meaning "make this object on this router match the database now". A change bumps
-- `version`; the worker computes the desired state when it applies it and records the version
-- it applied, so nothing stale can be replayed and at most one pending row exists per object.
CREATE TABLE router_sync (
    id {id},
    router_id BIGINT NOT NULL,
    kind VARCHAR(16) NOT NULL,
    object_id BIGINT NOT NULL,
    version BIGINT NOT NULL,
    applied_version BIGINT NOT NULL,
    status VARCHAR(16) NOT NULL,
    refusals INTEGER NOT NULL,
    next_attempt_at {timestamp} NOT NULL,
    leased_by VARCHAR(64) NULL,
    leased_until {timestamp} NULL,
    leased_version BIGINT NULL,
    last_error VARCHAR(1000) NULL,
    changed_at {timestamp} NOT NULL,
    applied_at {timestamp} NULL,
    CONSTRAINT uq_router_sync_object UNIQUE (router_id, kind, object_id),
    CONSTRAINT fk_router_sync_router FOREIGN KEY (router_id) REFERENCES routers (id) ON DELETE CASCADE,
    CONSTRAINT ck_router_sync_kind CHECK (kind IN ('secret', 'profile')),
    CONSTRAINT ck_router_sync_status CHECK (status IN ('pending', 'done', 'failed'))
){table_options};

CREATE INDEX ix_router_sync_due ON router_sync (status, next_attempt_at);
CREATE INDEX ix_router_sync_router ON router_sync (router_id, status);

-- What the workers know of each router: reachable or not since when, the last error, when to
-- try again after an outage, and when it was last compared with the database.
ALTER TABLE routers ADD COLUMN reachable {bool} NULL;
ALTER TABLE routers ADD COLUMN state_since {timestamp} NULL;
ALTER TABLE routers ADD COLUMN last_error VARCHAR(1000) NULL;
ALTER TABLE routers ADD COLUMN retry_at {timestamp} NULL;
ALTER TABLE routers ADD COLUMN outages INTEGER NOT NULL DEFAULT 0;
ALTER TABLE routers ADD COLUMN last_contact_at {timestamp} NULL;
ALTER TABLE routers ADD COLUMN uptime_seconds BIGINT NULL;
ALTER TABLE routers ADD COLUMN last_reconcile_at {timestamp} NULL;

-- The old queue's snapshots are not carried over: every client on a router and every plan's
-- profile is marked to be made as the database says, which is what the pending jobs wanted.
INSERT INTO router_sync (router_id, kind, object_id, version, applied_version, status, refusals,
    next_attempt_at, changed_at)
SELECT c.router_id, 'secret', c.id, 1, 0, 'pending', 0, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP
FROM clients c WHERE c.router_id IS NOT NULL;

INSERT INTO router_sync (router_id, kind, object_id, version, applied_version, status, refusals,
    next_attempt_at, changed_at)
SELECT r.id, 'profile', p.id, 1, 0, 'pending', 0, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP
FROM routers r CROSS JOIN plans p;

DROP TABLE router_jobs;
