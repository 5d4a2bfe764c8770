-- Exchanges between two members about a listing, and their messages (issue 4, second part).
CREATE TABLE exchanges (
    id TEXT PRIMARY KEY,
    network_id TEXT NOT NULL REFERENCES networks(id),
    listing_id TEXT NOT NULL REFERENCES listings(id),
    title TEXT NOT NULL,                                -- the listing's title when the exchange began
    owner_id TEXT NOT NULL REFERENCES users(id),        -- the listing's owner
    asker_id TEXT NOT NULL REFERENCES users(id),        -- who responded to it
    provider_id TEXT NOT NULL REFERENCES users(id),     -- who gives the help (earns the hours)
    receiver_id TEXT NOT NULL REFERENCES users(id),     -- who is helped (pays the hours)
    status TEXT NOT NULL CHECK (status IN ('requested', 'accepted', 'declined', 'cancelled', 'recorded', 'confirmed', 'disputed')),
    agreed_date TEXT,
    recorded_minutes BIGINT,
    recorded_by TEXT REFERENCES users(id),
    recorded_at BIGINT,
    transfer_id TEXT REFERENCES transfers(id),
    reason TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX exchanges_owner ON exchanges (owner_id, updated_at);
CREATE INDEX exchanges_asker ON exchanges (asker_id, updated_at);

CREATE TABLE exchange_messages (
    id TEXT PRIMARY KEY,
    exchange_id TEXT NOT NULL REFERENCES exchanges(id),
    author_id TEXT NOT NULL REFERENCES users(id),
    body TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT 'message' CHECK (kind IN ('message', 'contact')),
    created_at BIGINT NOT NULL
);
CREATE INDEX exchange_messages_exchange ON exchange_messages (exchange_id, created_at);
