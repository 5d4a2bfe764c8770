-- Background work across several servers on one database. `jobs`: the lease on the
-- once-a-minute pass; the server holding it (`holder`, until `held_until`) runs it, and
-- when it stops renewing (it died, or was stopped), another takes over once the lease
-- runs out. `backup`: when the last scheduled backup started, claimed by a conditional
-- UPDATE so one server makes it.
CREATE TABLE job_runs (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    held_until BIGINT NOT NULL,
    last_started_at BIGINT NOT NULL
);
INSERT INTO job_runs (name, holder, held_until, last_started_at) VALUES ('jobs', '', 0, 0);
INSERT INTO job_runs (name, holder, held_until, last_started_at) VALUES ('backup', '', 0, 0);
