-- An organisation's own people keep its What's on entries: they change them, mark them
-- checked and take them down. A new entry one of them adds is a proposal (`proposed` = 1)
-- that members do not see until a community builder of its area approves it.
ALTER TABLE directory_entries ADD COLUMN proposed BIGINT NOT NULL DEFAULT 0;
-- When the keepers were last reminded that nobody had checked the entry for six months
-- (a reminder is due again only after a check older than the reminder).
ALTER TABLE directory_entries ADD COLUMN review_reminded_at BIGINT;
CREATE INDEX directory_entries_proposed ON directory_entries (network_id, created_at) WHERE proposed = 1;

-- When the organisation was reminded that an onward referral is past its answer date
-- (once per onward referral).
ALTER TABLE onward_referrals ADD COLUMN reminded_at BIGINT;
CREATE INDEX onward_referrals_due ON onward_referrals (status, due_at);
