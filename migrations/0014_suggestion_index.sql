-- Suggestions in the viewer's own area ("offers you might like" and the matches on a
-- listing) walk each of their categories inside the area newest first and stop at the
-- limit. With this index each walk is one seek; without it the read walked the whole
-- network's open listings whenever the area held few matches.
CREATE INDEX listings_match_area ON listings (network_id, kind, status, locality_id, category_id, created_at, id);
