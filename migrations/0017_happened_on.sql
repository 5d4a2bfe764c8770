-- The day help happened, when it was not the day its hours were recorded (an ISO date,
-- YYYY-MM-DD; NULL: the day it was recorded). On an exchange from when its hours are
-- recorded, and on the ledger transfer that moves them (part of the transfer's content
-- hash when given).
ALTER TABLE exchanges ADD COLUMN happened_on TEXT;
ALTER TABLE transfers ADD COLUMN happened_on TEXT;

-- How many days back members and builders may date the help they record.
ALTER TABLE networks ADD COLUMN record_days_back BIGINT NOT NULL DEFAULT 60;
