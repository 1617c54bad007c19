-- Sign-ins to the customer portal: a client signs in with their PPP secret's name and
-- password and gets a session token, kept here as its SHA-256 only (as staff tokens are).
-- A client's sessions go with the client.
CREATE TABLE portal_sessions (
    id {id},
    token_hash CHAR(64) NOT NULL,
    client_id BIGINT NOT NULL,
    created_at {timestamp} NOT NULL,
    expires_at {timestamp} NOT NULL,
    revoked_at {timestamp} NULL,
    CONSTRAINT uq_portal_sessions_token_hash UNIQUE (token_hash),
    CONSTRAINT fk_portal_sessions_client FOREIGN KEY (client_id) REFERENCES clients (id) ON DELETE CASCADE
){table_options};

CREATE INDEX ix_portal_sessions_client ON portal_sessions (client_id);
CREATE INDEX ix_portal_sessions_expires ON portal_sessions (expires_at);
