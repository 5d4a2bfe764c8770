-- Community builders (issue 5): network rules, vetting, suspension, moderation, notes,
-- announcements, assisted joining and the audit trail.

-- Network rules a builder sets (the others are already columns: requires_approval,
-- starting credit, default limits, auto_confirm_days).
ALTER TABLE networks ADD COLUMN listing_expiry_days BIGINT NOT NULL DEFAULT 60;
ALTER TABLE networks ADD COLUMN see_other_localities BIGINT NOT NULL DEFAULT 1;

-- Why a member was suspended or reinstated (the history is in the audit log).
ALTER TABLE memberships ADD COLUMN status_reason TEXT NOT NULL DEFAULT '';
-- Assisted joining: a builder signed the person up on paper.
ALTER TABLE memberships ADD COLUMN joined_by TEXT REFERENCES users(id);
ALTER TABLE memberships ADD COLUMN paper_consent_at BIGINT;

-- The vetting checklist, one row per membership; what is ticked shows as badges.
CREATE TABLE vetting (
    user_id TEXT NOT NULL REFERENCES users(id),
    network_id TEXT NOT NULL REFERENCES networks(id),
    met_coordinator_at BIGINT,
    references_checked BIGINT NOT NULL DEFAULT 0,
    code_signed_at BIGINT,
    id_seen_at BIGINT,
    disclosure_kind TEXT NOT NULL DEFAULT '' CHECK (disclosure_kind IN ('', 'pvg', 'dbs')),
    disclosure_date TEXT NOT NULL DEFAULT '',
    updated_by TEXT REFERENCES users(id),
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, network_id)
);

-- A listing hidden by a moderator leaves search (a suspended owner's listings leave it too,
-- by the owner's membership status, so reinstating brings them back untouched).
ALTER TABLE listings ADD COLUMN hidden_at BIGINT;

-- Reports from members about a listing, a profile or a message.
CREATE TABLE reports (
    id TEXT PRIMARY KEY,
    network_id TEXT NOT NULL REFERENCES networks(id),
    locality_id TEXT NOT NULL REFERENCES localities(id),   -- the reported member's locality: who handles it
    reporter_id TEXT NOT NULL REFERENCES users(id),
    subject_kind TEXT NOT NULL CHECK (subject_kind IN ('listing', 'profile', 'message')),
    subject_id TEXT NOT NULL,
    subject_user_id TEXT NOT NULL REFERENCES users(id),
    reason TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'in_review', 'resolved')),
    outcome TEXT NOT NULL DEFAULT '',
    handled_by TEXT REFERENCES users(id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX reports_queue ON reports (network_id, status, created_at);

-- Private notes builders keep on a member (never shown to the member).
CREATE TABLE member_notes (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    network_id TEXT NOT NULL REFERENCES networks(id),
    body TEXT NOT NULL,
    written_by TEXT NOT NULL REFERENCES users(id),
    created_at BIGINT NOT NULL
);
CREATE INDEX member_notes_user ON member_notes (user_id, created_at);

-- The noticeboard: for a whole network (locality_id NULL) or one locality.
CREATE TABLE announcements (
    id TEXT PRIMARY KEY,
    network_id TEXT NOT NULL REFERENCES networks(id),
    locality_id TEXT REFERENCES localities(id),
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    posted_by TEXT NOT NULL REFERENCES users(id),
    emailed BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    ended_at BIGINT
);
CREATE INDEX announcements_network ON announcements (network_id, created_at);

-- Every builder and admin action, written in the same transaction as the action.
-- Append-only: the app never updates or deletes it, and triggers (made at start-up,
-- per engine, in platform::db) refuse it at the database too.
CREATE TABLE audit_log (
    id TEXT PRIMARY KEY,
    network_id TEXT REFERENCES networks(id),
    locality_id TEXT REFERENCES localities(id),
    actor_id TEXT NOT NULL REFERENCES users(id),
    action TEXT NOT NULL,
    subject_user_id TEXT REFERENCES users(id),
    subject TEXT NOT NULL DEFAULT '',
    reason TEXT NOT NULL DEFAULT '',
    before_value TEXT NOT NULL DEFAULT '',
    after_value TEXT NOT NULL DEFAULT '',
    at BIGINT NOT NULL
);
CREATE INDEX audit_log_network ON audit_log (network_id, at);
CREATE INDEX audit_log_subject ON audit_log (subject_user_id, at);
CREATE INDEX audit_log_actor ON audit_log (actor_id, at);
