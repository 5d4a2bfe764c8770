-- A member's phone number, so a community builder can find them by it (digits only, UK
-- numbers in their national form: "07700900123"; '' when not known). Kept when a builder
-- signs someone up on paper or a referred person joins; seen only by builders.
ALTER TABLE users ADD COLUMN phone TEXT NOT NULL DEFAULT '';
