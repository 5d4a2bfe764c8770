-- Alerts on a member's phone (Web Push). A browser that said yes gives us where to send
-- (its push service's address) and the keys to encrypt for it; one person may have several
-- (a phone and a tablet). An address is one browser's, so it is unique.
CREATE TABLE push_subscriptions (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    endpoint TEXT NOT NULL UNIQUE,
    p256dh TEXT NOT NULL,
    auth TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_sent_at BIGINT
);
CREATE INDEX push_subscriptions_by_user ON push_subscriptions (user_id);

-- What waits to be pushed: written with the notification, in its transaction, only for
-- people with a subscription; a background task sends it and deletes it. `claimed_at`
-- lets several servers share the work (each row is claimed by one).
CREATE TABLE push_outbox (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    text TEXT NOT NULL,
    link TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    claimed_at BIGINT,
    attempts BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX push_outbox_waiting ON push_outbox (claimed_at, created_at);
