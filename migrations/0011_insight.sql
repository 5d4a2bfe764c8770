-- Insight (issue 7): the dashboard reads the ledger, listings and referrals directly; these
-- indexes keep its grouped queries fast. No figures are stored.

-- "Was this request answered within 30 days?" looks up exchanges by listing.
CREATE INDEX exchanges_listing ON exchanges (listing_id, created_at);
-- Follow-ups recorded in a period.
CREATE INDEX referral_outcomes_stage ON referral_outcomes (stage, at);
-- New members in a period.
CREATE INDEX memberships_network_created ON memberships (network_id, created_at);
