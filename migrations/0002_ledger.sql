-- The hour ledger: accounts, an append-only journal of transfers with a hash chain per
-- network, and entries (legs). Balances are kept on the account row and updated in the
-- same transaction as the entries. Amounts are whole minutes.

ALTER TABLE networks ADD COLUMN default_floor_minutes BIGINT NOT NULL DEFAULT -600;
ALTER TABLE networks ADD COLUMN default_ceiling_minutes BIGINT NOT NULL DEFAULT 6000;
ALTER TABLE networks ADD COLUMN max_transfer_minutes BIGINT NOT NULL DEFAULT 1440;
ALTER TABLE networks ADD COLUMN starting_credit_minutes BIGINT NOT NULL DEFAULT 0;

-- Ids are deterministic: network:<net>, pool:<net>, member:<net>:<user>, org:<net>:<org>,
-- so the accounts of a network can be opened on first use by any server.
CREATE TABLE accounts (
    id TEXT PRIMARY KEY,
    network_id TEXT NOT NULL REFERENCES networks(id),
    kind TEXT NOT NULL CHECK (kind IN ('member', 'network', 'pool', 'organisation')),
    user_id TEXT REFERENCES users(id),
    organisation_id TEXT REFERENCES organisations(id),
    floor_minutes BIGINT,              -- per-account override of the network default
    ceiling_minutes BIGINT,
    balance_minutes BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);
CREATE INDEX accounts_network ON accounts (network_id);

-- The head of each network's chain: the row every transfer of that network updates first,
-- which orders the network's transfers (seq) and serialises their hash chain.
CREATE TABLE ledger_heads (
    network_id TEXT PRIMARY KEY REFERENCES networks(id),
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);

CREATE TABLE transfers (
    id TEXT PRIMARY KEY,               -- chosen by the client: a retry reuses it
    network_id TEXT NOT NULL REFERENCES networks(id),
    seq BIGINT NOT NULL,
    kind TEXT NOT NULL,
    memo TEXT NOT NULL DEFAULT '',
    category TEXT,
    exchange_id TEXT,
    reverses_id TEXT REFERENCES transfers(id),
    reason TEXT,
    recorded_by TEXT REFERENCES users(id),
    recorded_at BIGINT NOT NULL,
    content_hash TEXT NOT NULL,        -- SHA-256 of what was asked for (idempotency and tamper check)
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,                -- SHA-256(prev_hash, seq, content_hash, recorded_at)
    UNIQUE (network_id, seq)
);
CREATE UNIQUE INDEX transfers_reverses ON transfers (reverses_id);

CREATE TABLE entries (
    transfer_id TEXT NOT NULL REFERENCES transfers(id),
    account_id TEXT NOT NULL REFERENCES accounts(id),
    amount_minutes BIGINT NOT NULL CHECK (amount_minutes <> 0),
    balance_after_minutes BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    PRIMARY KEY (transfer_id, account_id)
);
CREATE INDEX entries_account ON entries (account_id, seq);
