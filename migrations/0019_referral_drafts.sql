-- A referral being written over several short pages. What was typed is kept here, sealed
-- (it holds health details), and never in a page's address; the browser holds only a random
-- token in a cookie, stored here as its hash. Deleted when sent, or a day after last use.
CREATE TABLE referral_drafts (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT REFERENCES users(id),   -- the professional writing it; NULL: a self-referral
    self_referral BIGINT NOT NULL,
    sealed TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX referral_drafts_updated ON referral_drafts (updated_at);
