-- A client's history: manual connects and disconnects (who, when, why), and later more.
CREATE TABLE client_events (
    id {id},
    client_id BIGINT NOT NULL,
    kind VARCHAR(32) NOT NULL,
    actor VARCHAR(64) NOT NULL,
    reason VARCHAR(255) NULL,
    router_job_id BIGINT NULL,
    created_at {timestamp} NOT NULL,
    CONSTRAINT fk_client_events_client FOREIGN KEY (client_id) REFERENCES clients (id) ON DELETE CASCADE
){table_options};

CREATE INDEX ix_client_events_client ON client_events (client_id);
