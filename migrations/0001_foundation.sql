-- Foundation: people, networks, localities, memberships, roles, sessions, email.
-- Portable SQL: runs unchanged on SQLite and PostgreSQL through sqlx's Any driver.
-- Ids are application-generated text; times are Unix epoch seconds (BIGINT);
-- flags are BIGINT 0/1 (the Any driver has no portable bool).

CREATE TABLE users (
    id TEXT PRIMARY KEY,
    email TEXT UNIQUE,                 -- lower-cased; NULL for members joined on paper by a builder
    display_name TEXT NOT NULL,
    password_hash TEXT,                -- argon2id PHC string; NULL when the person cannot sign in
    email_confirmed_at BIGINT,
    is_site_admin BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);

CREATE TABLE networks (
    id TEXT PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    council_area TEXT NOT NULL DEFAULT '',
    requires_approval BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL
);

CREATE TABLE localities (
    id TEXT PRIMARY KEY,
    network_id TEXT NOT NULL REFERENCES networks(id),
    slug TEXT NOT NULL,
    name TEXT NOT NULL,
    population BIGINT,
    created_at BIGINT NOT NULL,
    UNIQUE (network_id, slug)
);

CREATE TABLE memberships (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    network_id TEXT NOT NULL REFERENCES networks(id),
    locality_id TEXT NOT NULL REFERENCES localities(id),
    status TEXT NOT NULL CHECK (status IN ('pending', 'active', 'suspended')),
    about TEXT NOT NULL DEFAULT '',
    code_of_conduct_agreed_at BIGINT,
    created_at BIGINT NOT NULL,
    UNIQUE (user_id, network_id)
);
CREATE INDEX memberships_locality ON memberships (locality_id, status);

-- A community builder looks after a whole network (locality_id NULL) or one locality.
CREATE TABLE builder_roles (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    network_id TEXT NOT NULL REFERENCES networks(id),
    locality_id TEXT REFERENCES localities(id),
    created_at BIGINT NOT NULL
);
CREATE INDEX builder_roles_user ON builder_roles (user_id);

CREATE TABLE organisations (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

-- Health and care staff who refer people in; verified by a site admin before they may refer.
CREATE TABLE professionals (
    user_id TEXT PRIMARY KEY REFERENCES users(id),
    organisation_id TEXT NOT NULL REFERENCES organisations(id),
    job_title TEXT NOT NULL,
    is_org_lead BIGINT NOT NULL DEFAULT 0,
    verified_at BIGINT,
    created_at BIGINT NOT NULL
);

-- Server-side sessions: the cookie holds a random token, the table only its SHA-256.
CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Single-use emailed links (confirm email, reset password); only the hash is stored.
CREATE TABLE email_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    purpose TEXT NOT NULL CHECK (purpose IN ('confirm_email', 'reset_password')),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);
CREATE INDEX email_tokens_user ON email_tokens (user_id, purpose);

-- Every email the app sends; delivered by SMTP when configured, otherwise kept here for the demo outbox.
CREATE TABLE outbox (
    id TEXT PRIMARY KEY,
    to_address TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    sent_at BIGINT,
    last_error TEXT
);
CREATE INDEX outbox_created ON outbox (created_at);

-- Failed sign-in attempts, for throttling per account and per client address across all servers.
CREATE TABLE sign_in_failures (
    id TEXT PRIMARY KEY,
    account_key TEXT NOT NULL,
    client_key TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX sign_in_failures_account ON sign_in_failures (account_key, at);
CREATE INDEX sign_in_failures_client ON sign_in_failures (client_key, at);
