-- Profiles, thanks, notifications and automatic confirmation (issue 4, third part).
ALTER TABLE users ADD COLUMN about TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN email_frequency TEXT NOT NULL DEFAULT 'immediately'
    CHECK (email_frequency IN ('immediately', 'daily', 'never'));
ALTER TABLE users ADD COLUMN last_digest_at BIGINT;

ALTER TABLE networks ADD COLUMN auto_confirm_days BIGINT NOT NULL DEFAULT 7;
-- When the "this will be confirmed automatically tomorrow" notice went out.
ALTER TABLE exchanges ADD COLUMN warned_at BIGINT;

-- A short thank-you from one side of a finished exchange to the other.
CREATE TABLE thanks (
    exchange_id TEXT NOT NULL REFERENCES exchanges(id),
    from_id TEXT NOT NULL REFERENCES users(id),
    to_id TEXT NOT NULL REFERENCES users(id),
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (exchange_id, from_id)
);
CREATE INDEX thanks_to ON thanks (to_id, created_at);

CREATE TABLE notifications (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    text TEXT NOT NULL,
    link TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    read_at BIGINT
);
CREATE INDEX notifications_user ON notifications (user_id, read_at, created_at);
