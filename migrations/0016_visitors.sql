-- Looking before joining: whether people who are not (yet) members may browse a
-- network's open listings, shown with first names only. On unless a network turns it off.
ALTER TABLE networks ADD COLUMN visitors_browse BIGINT NOT NULL DEFAULT 1;
