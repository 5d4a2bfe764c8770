-- Browsing newest first walks this index in order and stops after one page: the id
-- breaks ties between listings posted in the same second, so no sort step is needed.
CREATE INDEX listings_browse_newest ON listings (network_id, status, created_at, id);
DROP INDEX listings_browse;
