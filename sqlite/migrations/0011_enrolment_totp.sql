-- The TOTP secret the server generated for a session at the enrolment
-- stage. Only this secret can be enrolled: the browser never chooses it.
ALTER TABLE sessions ADD COLUMN totp_pending TEXT NOT NULL DEFAULT '';
