-- A member asks to move to another area (locality) of their network, and a community
-- builder confirms it: the member's area, and their open listings, move only then. One
-- request waits at a time per member and network; decided ones stay as the history.
CREATE TABLE area_moves (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    network_id TEXT NOT NULL REFERENCES networks(id),
    from_locality_id TEXT NOT NULL REFERENCES localities(id),
    to_locality_id TEXT NOT NULL REFERENCES localities(id),
    reason TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('waiting', 'moved', 'declined', 'withdrawn')),
    asked_at BIGINT NOT NULL,
    decided_by TEXT REFERENCES users(id),
    decided_at BIGINT,
    answer TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX area_moves_one_waiting ON area_moves (user_id, network_id) WHERE status = 'waiting';
CREATE INDEX area_moves_by_status ON area_moves (network_id, status, asked_at);

-- A member's photo, as the server re-encoded it (a square JPEG, no metadata). Kept in the
-- database so every server sees it and backups hold it. `token` is part of the photo's
-- address and changes with every new photo, so a browser may keep a copy for good.
CREATE TABLE member_photos (
    user_id TEXT PRIMARY KEY REFERENCES users(id),
    token TEXT NOT NULL UNIQUE,
    image BYTEA NOT NULL,
    updated_at BIGINT NOT NULL
);
