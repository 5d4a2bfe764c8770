-- A member closing their own account: `closing_at` when they asked (they may change their
-- mind until the network's grace period ends); `erased_at` when their personal details
-- were erased (the name becomes "Former member"; hours, exchanges and messages stay, so
-- the ledger and the other person's history hold).
ALTER TABLE users ADD COLUMN closing_at BIGINT;
ALTER TABLE users ADD COLUMN erased_at BIGINT;
-- Days between asking to close and the erasure (the longest of the member's networks').
ALTER TABLE networks ADD COLUMN closure_grace_days BIGINT NOT NULL DEFAULT 30;
CREATE INDEX users_closing ON users (closing_at) WHERE closing_at IS NOT NULL;
