-- Security: attempts counted before they are checked, trusted devices, security events,
-- site flags, and partner idempotency keys.

-- Every attempt that a limit counts (sign-in, codes, joining, resets, self-referral). An
-- attempt is written *before* it is checked, one row per key it counts against, and then
-- the keys are counted: of any number of parallel guesses at most the limit see a count
-- within it. A checked attempt that succeeded is deleted again.
CREATE TABLE attempts (
    id TEXT NOT NULL,          -- one attempt: the same id on each of its rows
    key TEXT NOT NULL,         -- e.g. 'signin:account:<email>', 'join:client:<address>'
    at BIGINT NOT NULL
);
CREATE INDEX attempts_key_at ON attempts (key, at);
CREATE INDEX attempts_id ON attempts (id);
CREATE INDEX attempts_at ON attempts (at);

-- A browser that signed in to an account before (or opened an emailed unlock link): the
-- account-wide limit on wrong passwords does not apply to it, so a stranger's wrong
-- guesses cannot lock the member out of their own phone (OWASP "device cookies").
CREATE TABLE trusted_devices (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX trusted_devices_user ON trusted_devices (user_id);

-- Security events: failed and throttled sign-ins, lockouts, wrong codes, two-step changes,
-- refused cross-origin requests, refusals (403), partner-token use. No secrets.
CREATE TABLE security_events (
    id TEXT PRIMARY KEY,
    at BIGINT NOT NULL,
    kind TEXT NOT NULL,
    user_id TEXT,
    subject TEXT NOT NULL DEFAULT '',  -- the email tried, the path refused, the partner token's label
    client TEXT NOT NULL DEFAULT '',
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX security_events_at ON security_events (at);
CREATE INDEX security_events_kind_at ON security_events (kind, at);

-- Facts about this database itself, e.g. 'demo' when `serve --demo` created it.
CREATE TABLE site_flags (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    set_at BIGINT NOT NULL
);

-- POST /partner/v1/referrals with an Idempotency-Key: the first referral made with a key.
CREATE TABLE partner_idempotency (
    organisation_id TEXT NOT NULL,
    idem_key TEXT NOT NULL,
    body_hash TEXT NOT NULL,
    referral_id TEXT,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (organisation_id, idem_key)
);

-- Replaced by attempts (counted before checking, not after).
DROP TABLE sign_in_failures;

-- Emailed single-use links gain a purpose: unlocking sign-in for one device (the CHECK
-- is rebuilt the portable way: a new table, the rows copied, the old one dropped).
CREATE TABLE email_tokens_new (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    purpose TEXT NOT NULL CHECK (purpose IN ('confirm_email', 'reset_password', 'unlock_sign_in')),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);
INSERT INTO email_tokens_new (token_hash, user_id, purpose, created_at, expires_at, used_at)
    SELECT token_hash, user_id, purpose, created_at, expires_at, used_at FROM email_tokens;
DROP TABLE email_tokens;
ALTER TABLE email_tokens_new RENAME TO email_tokens;
CREATE INDEX email_tokens_user ON email_tokens (user_id, purpose);
