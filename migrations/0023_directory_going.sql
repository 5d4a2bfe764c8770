-- Going along: members say they are going to one date of a What's on entry. An entry may
-- have a limited number of places per date (NULL: no limit); when they are taken, members
-- join the date's waiting list, and the first waiting takes a place that frees up.
-- Afterwards the organisers record who came (`attended`: NULL until recorded, then 0 or 1).
ALTER TABLE directory_entries ADD COLUMN places BIGINT;

CREATE TABLE directory_going (
    entry_id TEXT NOT NULL REFERENCES directory_entries(id),
    -- The date, YYYY-MM-DD.
    occurs_on TEXT NOT NULL,
    user_id TEXT NOT NULL REFERENCES users(id),
    status TEXT NOT NULL CHECK (status IN ('going', 'waiting')),
    signed_at BIGINT NOT NULL,
    attended BIGINT,
    PRIMARY KEY (entry_id, occurs_on, user_id)
);
CREATE INDEX directory_going_by_date ON directory_going (entry_id, occurs_on, status, signed_at);
CREATE INDEX directory_going_by_member ON directory_going (user_id);
