-- Looking before joining: whether people who are not (yet) members may browse a
-- network's open listings, shown with first names only. On unless a network turns it off.
ALTER TABLE networks ADD COLUMN visitors_browse BIGINT NOT NULL DEFAULT 1;

-- "New near you" on Home: an area's open listings newest first, stopping after a few.
CREATE INDEX listings_area_newest ON listings (network_id, locality_id, status, created_at, id);
