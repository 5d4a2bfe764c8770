-- Issue 4: the browse cache. A number per network that every write able to change what
-- browsing shows moves on (listings, their owners' names and suspensions, areas,
-- categories, the network's "see other areas" setting). Servers keep recent browse
-- results in memory under this number and use them only while it is unchanged, so several
-- servers on one database never show each other stale pages. The triggers that move it
-- are made per engine at start-up (`platform::db::keep_browse_versions`).
CREATE TABLE browse_versions (
    network_id TEXT PRIMARY KEY,
    version BIGINT NOT NULL
);
INSERT INTO browse_versions (network_id, version) SELECT id, 1 FROM networks;

-- When the first open listing of a network expires: how long a cached page stays true.
CREATE INDEX listings_open_expiry ON listings (network_id, status, expires_at);
