-- Insight (issue 7): the dashboard reads the ledger, listings and referrals directly; these
-- indexes keep its grouped queries fast. No figures are stored.

-- "Was this request answered within 30 days?" looks up exchanges by listing.
CREATE INDEX exchanges_listing ON exchanges (listing_id, created_at);
-- Follow-ups recorded in a period.
CREATE INDEX referral_outcomes_stage ON referral_outcomes (stage, at);
-- New members in a period.
CREATE INDEX memberships_network_created ON memberships (network_id, created_at);

-- A derived index of the ledger for the dashboard, like listing_terms is of listings: one
-- row per transfer saying what it counts as (a reversal: the kind it undoes), where (the
-- locality of the member with the largest credit in the original transfer; for a gift to
-- the pool, the member who gave), its category (from the exchange's listing) and its size.
-- Filled from `transfers` and `entries` before every dashboard read (every transfer with
-- a higher seq than the last one indexed), so it never misses one; it holds nothing that
-- cannot be rebuilt from the ledger.
CREATE TABLE transfer_facts (
    transfer_id TEXT PRIMARY KEY REFERENCES transfers(id),
    network_id TEXT NOT NULL,
    seq BIGINT NOT NULL,
    recorded_at BIGINT NOT NULL,
    day BIGINT NOT NULL,
    kind TEXT NOT NULL,
    reversal BIGINT NOT NULL,
    reversed BIGINT NOT NULL DEFAULT 0,            -- undone later by a reversal
    locality_id TEXT NOT NULL,
    category_id TEXT NOT NULL,
    minutes BIGINT NOT NULL
);
CREATE INDEX transfer_facts_period ON transfer_facts (network_id, recorded_at, kind, reversal, reversed, locality_id, category_id, minutes, day);
CREATE INDEX transfer_facts_seq ON transfer_facts (network_id, seq);
-- Who took part in help in a window (active members): read from the indexes alone.
CREATE INDEX transfers_network_recorded_kind ON transfers (network_id, recorded_at, kind, id);
CREATE INDEX entries_transfer_amount ON entries (transfer_id, account_id, amount_minutes);
