-- Offers and requests (issue 4, first part): categories, listings and the search index.
--
-- Categories with network_id NULL belong to every network (seeded here from the seed
-- papers: the skills they name and the wellbeing themes health partners refer for);
-- builders can add their own later. Retired categories stay on old listings.
CREATE TABLE categories (
    id TEXT PRIMARY KEY,
    network_id TEXT REFERENCES networks(id),
    name TEXT NOT NULL,
    theme TEXT NOT NULL CHECK (theme IN ('skill', 'wellbeing')),
    position BIGINT NOT NULL,
    retired_at BIGINT,
    created_at BIGINT NOT NULL
);

INSERT INTO categories (id, network_id, name, theme, position, retired_at, created_at) VALUES
('reading', NULL, 'Reading', 'skill', 1, NULL, 0),
('baking', NULL, 'Baking', 'skill', 2, NULL, 0),
('gardening', NULL, 'Gardening', 'skill', 3, NULL, 0),
('cleaning', NULL, 'Cleaning', 'skill', 4, NULL, 0),
('befriending-and-company', NULL, 'Befriending and company', 'skill', 5, NULL, 0),
('shopping', NULL, 'Shopping', 'skill', 6, NULL, 0),
('lifts', NULL, 'Lifts', 'skill', 7, NULL, 0),
('cooking', NULL, 'Cooking', 'skill', 8, NULL, 0),
('repairs-and-diy', NULL, 'Repairs and DIY', 'skill', 9, NULL, 0),
('computer-and-phone-help', NULL, 'Computer and phone help', 'skill', 10, NULL, 0),
('conversation-and-languages', NULL, 'Conversation and languages', 'skill', 11, NULL, 0),
('form-filling', NULL, 'Form filling', 'skill', 12, NULL, 0),
('pet-care', NULL, 'Pet care', 'skill', 13, NULL, 0),
('crafts', NULL, 'Crafts', 'skill', 14, NULL, 0),
('music', NULL, 'Music', 'skill', 15, NULL, 0),
('walking-and-sport', NULL, 'Walking and sport', 'skill', 16, NULL, 0),
('social-connection', NULL, 'Social connection', 'wellbeing', 17, NULL, 0),
('physical-activity', NULL, 'Physical activity', 'wellbeing', 18, NULL, 0),
('active-travel', NULL, 'Active travel', 'wellbeing', 19, NULL, 0),
('healthy-eating', NULL, 'Healthy eating', 'wellbeing', 20, NULL, 0),
('good-sleep', NULL, 'Good sleep', 'wellbeing', 21, NULL, 0),
('nature', NULL, 'Nature', 'wellbeing', 22, NULL, 0),
('cutting-down-alcohol-or-smoking', NULL, 'Cutting down alcohol or smoking', 'wellbeing', 23, NULL, 0);

CREATE TABLE listings (
    id TEXT PRIMARY KEY,
    network_id TEXT NOT NULL REFERENCES networks(id),
    owner_id TEXT NOT NULL REFERENCES users(id),
    kind TEXT NOT NULL CHECK (kind IN ('offer', 'request')),
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    category_id TEXT NOT NULL REFERENCES categories(id),
    tags TEXT NOT NULL DEFAULT '',
    locality_id TEXT NOT NULL REFERENCES localities(id),
    place TEXT NOT NULL CHECK (place IN ('home', 'venue', 'online', 'outdoors')),
    availability TEXT NOT NULL DEFAULT '',
    estimate_minutes BIGINT,
    status TEXT NOT NULL CHECK (status IN ('open', 'paused', 'closed')),
    expires_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX listings_browse ON listings (network_id, status, created_at);
CREATE INDEX listings_owner ON listings (owner_id, created_at);
CREATE INDEX listings_category ON listings (network_id, category_id, status);

-- The search index: one row per (term, listing) with the weight of where the term appears.
-- Filled by the application in the same transaction as the listing, the same way on both engines.
CREATE TABLE listing_terms (
    term TEXT NOT NULL,
    listing_id TEXT NOT NULL REFERENCES listings(id),
    weight BIGINT NOT NULL,
    PRIMARY KEY (term, listing_id)
);
CREATE INDEX listing_terms_listing ON listing_terms (listing_id);
