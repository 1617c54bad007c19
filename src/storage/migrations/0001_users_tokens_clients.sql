-- Users of the API and their bearer tokens, and the provider's clients.
-- Written once for SQLite, MariaDB/MySQL and PostgreSQL: {tokens} are spelled per backend.

CREATE TABLE users (
    id {id},
    username VARCHAR(64){binary} NOT NULL,
    password_hash VARCHAR(255) NOT NULL,
    role VARCHAR(16) NOT NULL,
    created_at {timestamp} NOT NULL,
    updated_at {timestamp} NOT NULL,
    CONSTRAINT uq_users_username UNIQUE (username),
    CONSTRAINT ck_users_role CHECK (role IN ('admin', 'operator', 'cashier'))
){table_options};

-- One-off facts of the installation. The row 'bootstrap' is written with the first user, so two
-- concurrent first registrations cannot both create an administrator.
CREATE TABLE settings (
    name VARCHAR(64) NOT NULL PRIMARY KEY,
    value VARCHAR(255) NOT NULL
){table_options};

-- Only a SHA-256 of each token is kept: a copy of the database grants no session.
CREATE TABLE auth_tokens (
    id {id},
    token_hash CHAR(64) NOT NULL,
    user_id BIGINT NOT NULL,
    created_at {timestamp} NOT NULL,
    expires_at {timestamp} NOT NULL,
    revoked_at {timestamp} NULL,
    CONSTRAINT uq_auth_tokens_token_hash UNIQUE (token_hash),
    CONSTRAINT fk_auth_tokens_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
){table_options};

CREATE INDEX ix_auth_tokens_user ON auth_tokens (user_id);

-- ppp_password_enc holds the PPP secret's password sealed with the server's secret key: it
-- must reach the router again (re-provisioning, reconcile), so it cannot be a one-way hash.
CREATE TABLE clients (
    id {id},
    name VARCHAR(100) NOT NULL,
    phone_number VARCHAR(20) NOT NULL,
    address VARCHAR(255) NOT NULL,
    ppp_secret_name VARCHAR(64){binary} NOT NULL,
    ppp_password_enc VARCHAR(255) NOT NULL,
    created_at {timestamp} NOT NULL,
    updated_at {timestamp} NOT NULL,
    CONSTRAINT uq_clients_ppp_secret_name UNIQUE (ppp_secret_name)
){table_options};

CREATE INDEX ix_clients_name ON clients (name);
CREATE INDEX ix_clients_phone_number ON clients (phone_number);
