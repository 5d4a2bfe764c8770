-- Onward referral: from a referral, a builder (or the referrer) refers the person on to an
-- activity or service of the directory. The organisation that runs it answers through its
-- named members, accepting or declining with a reason, within the network's number of
-- working days. And the closing summary the person agreed to send back to the referrer.

-- The people who act for an organisation of the directory, named by a community builder.
CREATE TABLE directory_org_members (
    organisation_id TEXT NOT NULL REFERENCES directory_organisations(id),
    user_id TEXT NOT NULL REFERENCES users(id),
    added_by TEXT NOT NULL REFERENCES users(id),
    added_at BIGINT NOT NULL,
    PRIMARY KEY (organisation_id, user_id)
);
CREATE INDEX directory_org_members_by_user ON directory_org_members (user_id);

-- Working days an organisation has to answer an onward referral.
ALTER TABLE networks ADD COLUMN onward_reply_days BIGINT NOT NULL DEFAULT 10;

-- What goes to the organisation is the person's name and the way they asked to be
-- contacted, always; what matters to them and their access needs only where ticked (the
-- person agreed). Read live from the referral, so withdrawn consent or erasure reaches it.
CREATE TABLE onward_referrals (
    id TEXT PRIMARY KEY,
    referral_id TEXT NOT NULL REFERENCES referrals(id),
    entry_id TEXT NOT NULL REFERENCES directory_entries(id),
    organisation_id TEXT NOT NULL REFERENCES directory_organisations(id),
    share_what_matters BIGINT NOT NULL,
    share_access_needs BIGINT NOT NULL,
    note TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('waiting', 'accepted', 'declined', 'withdrawn')),
    reason TEXT NOT NULL DEFAULT '',
    due_at BIGINT NOT NULL,
    sent_by TEXT NOT NULL REFERENCES users(id),
    sent_at BIGINT NOT NULL,
    answered_by TEXT REFERENCES users(id),
    answered_at BIGINT
);
CREATE INDEX onward_referrals_by_referral ON onward_referrals (referral_id, sent_at);
CREATE INDEX onward_referrals_by_organisation ON onward_referrals (organisation_id, status, sent_at);
-- One live onward referral per referral and entry, however many are sent at once.
CREATE UNIQUE INDEX onward_referrals_once ON onward_referrals (referral_id, entry_id) WHERE status IN ('waiting', 'accepted');

-- The person agreed that the closing summary goes back to the referrer (0 or 1).
ALTER TABLE referrals ADD COLUMN summary_shared BIGINT NOT NULL DEFAULT 0;
