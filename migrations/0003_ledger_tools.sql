-- Ledger tools: where a network's welcome hours come from, organisations' named members,
-- and an append-only record of every change to an account's limits (who, when, why,
-- before and after).

ALTER TABLE networks ADD COLUMN starting_credit_source TEXT NOT NULL DEFAULT 'network'
    CHECK (starting_credit_source IN ('network', 'pool'));

-- People who act for an organisation's account in a network (a care home's volunteer
-- coordinator, a charity's worker).
CREATE TABLE organisation_members (
    network_id TEXT NOT NULL REFERENCES networks(id),
    organisation_id TEXT NOT NULL REFERENCES organisations(id),
    user_id TEXT NOT NULL REFERENCES users(id),
    named_by TEXT REFERENCES users(id),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (network_id, organisation_id, user_id)
);
CREATE INDEX organisation_members_user ON organisation_members (user_id);

CREATE TABLE account_limit_changes (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id),
    floor_before BIGINT,
    ceiling_before BIGINT,
    floor_after BIGINT,
    ceiling_after BIGINT,
    reason TEXT NOT NULL,
    changed_by TEXT NOT NULL REFERENCES users(id),
    changed_at BIGINT NOT NULL
);
CREATE INDEX account_limit_changes_account ON account_limit_changes (account_id, changed_at);

CREATE INDEX transfers_network_recorded ON transfers (network_id, recorded_at);
