-- What's on: the groups, activities and services of a network's area (the directory),
-- kept by its community builders. Organisations run entries; an entry belongs to one
-- locality or (locality_id NULL) to the whole network.
CREATE TABLE directory_organisations (
    id TEXT PRIMARY KEY,
    network_id TEXT NOT NULL REFERENCES networks(id),
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (network_id, name)
);

-- When it happens is a schedule: 'once' (on_date), 'weekly' (weekday), 'monthly' (the
-- nth weekday of each month, nth 1-5 or -1 for the last; a month without a fifth is
-- skipped), or 'open' (a service reached any time or by appointment: no dates).
-- Weekdays are 0 (Monday) to 6 (Sunday); times are minutes after midnight, local time;
-- dates are YYYY-MM-DD. `from_date`/`until_date` bound a recurring run. Flags are 0 or 1.
CREATE TABLE directory_entries (
    id TEXT PRIMARY KEY,
    network_id TEXT NOT NULL REFERENCES networks(id),
    locality_id TEXT REFERENCES localities(id),
    organisation_id TEXT NOT NULL REFERENCES directory_organisations(id),
    kind TEXT NOT NULL CHECK (kind IN ('group', 'activity', 'service')),
    theme TEXT NOT NULL CHECK (theme IN ('connect', 'active', 'notice', 'learn', 'give')),
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    schedule TEXT NOT NULL CHECK (schedule IN ('once', 'weekly', 'monthly', 'open')),
    on_date TEXT,
    weekday BIGINT,
    nth BIGINT,
    from_date TEXT,
    until_date TEXT,
    starts_minute BIGINT,
    ends_minute BIGINT,
    venue TEXT NOT NULL,
    address TEXT NOT NULL,
    postcode TEXT NOT NULL,
    step_free BIGINT NOT NULL,
    accessibility TEXT NOT NULL,
    cost TEXT NOT NULL CHECK (cost IN ('free', 'donation', 'price')),
    cost_detail TEXT NOT NULL,
    audience TEXT NOT NULL,
    how_to_join TEXT NOT NULL,
    contact TEXT NOT NULL,
    public BIGINT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('active', 'closed')),
    checked_at BIGINT NOT NULL,
    checked_by TEXT NOT NULL REFERENCES users(id),
    created_by TEXT NOT NULL REFERENCES users(id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX directory_entries_by_network ON directory_entries (network_id, status, locality_id);
CREATE INDEX directory_entries_to_check ON directory_entries (network_id, status, checked_at);
