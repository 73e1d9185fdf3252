-- expand: a new table; the previous release runs on this schema.
-- The counters that slow down logins and self-filed access requests, per
-- client address and per account (the e-mail typed, hashed) and address,
-- shared by every instance on the database. hits counts the attempts of the
-- window that began at window_start; blocked_until refuses the key's
-- attempts until then; a row is forgotten once expires_at (the end of both
-- its window and its block) has passed. users.failed_logins and
-- users.locked_until are no longer used.
CREATE TABLE login_throttles (
	key           TEXT PRIMARY KEY,
	hits          INTEGER NOT NULL,
	window_start  TEXT NOT NULL,
	blocked_until TEXT,
	expires_at    TEXT NOT NULL
) STRICT;

CREATE INDEX login_throttles_expires ON login_throttles (expires_at);
