-- The referral pathway (issue 6): two-step sign-in, professionals' applications, referrals
-- with separate consents, their history, wellbeing outcomes, and the access log.

-- ---- Two-step sign-in (TOTP, RFC 6238) ----

-- One authenticator per person. The secret is what the authenticator app holds; a code's
-- time step is remembered so no code works twice.
CREATE TABLE second_factors (
    user_id TEXT PRIMARY KEY REFERENCES users(id),
    secret TEXT NOT NULL,
    enabled_at BIGINT,                 -- NULL while being set up
    last_step BIGINT NOT NULL DEFAULT 0,
    pending_codes TEXT NOT NULL DEFAULT '', -- recovery codes shown while setting up; emptied when turned on
    setup_session TEXT,                     -- the session (hash) setting it up; only it may see and confirm the secret
    created_at BIGINT NOT NULL
);

-- Single-use recovery codes (only their SHA-256 is kept).
CREATE TABLE recovery_codes (
    code_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    used_at BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX recovery_codes_user ON recovery_codes (user_id);

-- Half-way through signing in: the password was right, the code is still to come. The
-- browser holds a random token; the table its hash.
CREATE TABLE sign_in_challenges (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    next_path TEXT NOT NULL DEFAULT '',
    attempts BIGINT NOT NULL DEFAULT 0,
    expires_at BIGINT NOT NULL
);

-- When this session proved a second factor (NULL: password only). Staff powers need it.
ALTER TABLE sessions ADD COLUMN second_factor_at BIGINT;

-- ---- Professionals ----

-- The work email a professional applied with, and who verified them.
ALTER TABLE professionals ADD COLUMN work_email TEXT NOT NULL DEFAULT '';
ALTER TABLE professionals ADD COLUMN verified_by TEXT REFERENCES users(id);
ALTER TABLE professionals ADD COLUMN rejected_at BIGINT;
ALTER TABLE professionals ADD COLUMN rejected_reason TEXT NOT NULL DEFAULT '';

-- ---- Network rules for referrals ----
ALTER TABLE networks ADD COLUMN first_contact_days BIGINT NOT NULL DEFAULT 5;    -- working days
ALTER TABLE networks ADD COLUMN follow_up_weeks BIGINT NOT NULL DEFAULT 12;
ALTER TABLE networks ADD COLUMN referral_retention_months BIGINT NOT NULL DEFAULT 24;

-- ---- Referrals ----
CREATE TABLE referrals (
    id TEXT PRIMARY KEY,
    network_id TEXT NOT NULL REFERENCES networks(id),
    locality_id TEXT NOT NULL REFERENCES localities(id),
    source TEXT NOT NULL CHECK (source IN ('professional', 'self', 'partner')),
    referrer_id TEXT REFERENCES users(id),              -- NULL for self-referrals and partner systems
    organisation_id TEXT REFERENCES organisations(id),
    -- the person (erased by retention or on request; erased_at says so)
    person_name TEXT NOT NULL,
    date_of_birth TEXT NOT NULL DEFAULT '',             -- YYYY-MM-DD
    email TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    contact_by TEXT NOT NULL DEFAULT 'phone' CHECK (contact_by IN ('phone', 'text', 'email', 'letter', 'through_referrer')),
    what_matters TEXT NOT NULL DEFAULT '',
    interests TEXT NOT NULL DEFAULT '',                 -- category slugs, comma-separated
    access_needs TEXT NOT NULL DEFAULT '',
    risk_notes TEXT NOT NULL DEFAULT '',
    urgency TEXT NOT NULL DEFAULT 'routine' CHECK (urgency IN ('routine', 'soon', 'urgent')),
    -- consent, recorded separately for each purpose
    consent_referral_at BIGINT NOT NULL,
    consent_sharing_at BIGINT NOT NULL,
    consent_method TEXT NOT NULL CHECK (consent_method IN ('verbal', 'written', 'online')),
    consent_recorded_by TEXT NOT NULL,                  -- a name: the professional, or "the person themselves"
    consent_withdrawn_at BIGINT,
    -- where it stands
    status TEXT NOT NULL CHECK (status IN ('submitted', 'accepted', 'declined', 'withdrawn', 'contacted', 'joined',
                                            'active', 'closed', 'on_hold', 'could_not_contact')),
    member_id TEXT REFERENCES users(id),                -- the member account made for them
    first_contact_at BIGINT,
    joined_at BIGINT,
    first_exchange_at BIGINT,
    first_exchange_supported_by TEXT NOT NULL DEFAULT '',
    closed_at BIGINT,
    outcome_summary TEXT NOT NULL DEFAULT '',
    follow_up_reminded_at BIGINT,
    invite_token_hash TEXT,                             -- an emailed join link (single use)
    invite_expires_at BIGINT,
    erased_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX referrals_queue ON referrals (network_id, locality_id, status, created_at);
CREATE INDEX referrals_referrer ON referrals (referrer_id, created_at);
CREATE INDEX referrals_organisation ON referrals (organisation_id, created_at);

-- Every change of status: who, when, from what to what, and why.
CREATE TABLE referral_events (
    id TEXT PRIMARY KEY,
    referral_id TEXT NOT NULL REFERENCES referrals(id),
    from_status TEXT NOT NULL DEFAULT '',
    to_status TEXT NOT NULL,
    by_user_id TEXT REFERENCES users(id),               -- NULL for the person themselves or a partner system
    by_label TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    at BIGINT NOT NULL
);
CREATE INDEX referral_events_referral ON referral_events (referral_id, at);

-- Wellbeing at joining and at follow-up: ONS4 (0-10 each) and the three-item UCLA
-- loneliness scale (1-3 each).
CREATE TABLE referral_outcomes (
    id TEXT PRIMARY KEY,
    referral_id TEXT NOT NULL REFERENCES referrals(id),
    stage TEXT NOT NULL CHECK (stage IN ('baseline', 'follow_up')),
    life_satisfaction BIGINT NOT NULL,
    worthwhile BIGINT NOT NULL,
    happiness BIGINT NOT NULL,
    anxiety BIGINT NOT NULL,
    lack_companionship BIGINT NOT NULL,
    left_out BIGINT NOT NULL,
    isolated BIGINT NOT NULL,
    answered_by TEXT NOT NULL CHECK (answered_by IN ('person', 'builder')),
    entered_by TEXT NOT NULL REFERENCES users(id),
    at BIGINT NOT NULL
);
CREATE INDEX referral_outcomes_referral ON referral_outcomes (referral_id, at);

-- Every read and change of a referral's details: who, when, what. Append-only (triggers
-- made at start-up, as for audit_log). user_id NULL: a partner system or the person.
CREATE TABLE referral_access_log (
    id TEXT PRIMARY KEY,
    referral_id TEXT NOT NULL,
    user_id TEXT REFERENCES users(id),
    actor_label TEXT NOT NULL DEFAULT '',
    action TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '',
    at BIGINT NOT NULL
);
CREATE INDEX referral_access_log_referral ON referral_access_log (referral_id, at);
CREATE INDEX referral_access_log_at ON referral_access_log (at);

-- Partner organisations' systems submit referrals with a bearer token (only its hash is kept).
CREATE TABLE partner_tokens (
    token_hash TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL REFERENCES organisations(id),
    label TEXT NOT NULL,
    created_by TEXT REFERENCES users(id),             -- NULL: made with the command line
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);
