-- Staff: users and their grants, login secrets (stored as hashes), sessions,
-- API tokens, access orders (seed 000) and the audit trail. Instants are UTC
-- text written 2006-01-02T15:04:05.000000Z, as in 0001.

-- E-mail is stored in lower case, so that UNIQUE makes it unique regardless
-- of case. search is the e-mail and name in lower case (folded by the
-- program, which knows more letters than SQLite's lower()), for ListUsers.
CREATE TABLE users (
	id             INTEGER PRIMARY KEY,
	email          TEXT NOT NULL UNIQUE,
	first_name     TEXT NOT NULL,
	last_name      TEXT NOT NULL,
	mobile         TEXT NOT NULL,
	national_id    TEXT NOT NULL,
	organisation   TEXT NOT NULL,
	position       TEXT NOT NULL,
	status         TEXT NOT NULL,
	password_hash  TEXT NOT NULL,
	totp_secret    TEXT NOT NULL,
	totp_last_step INTEGER NOT NULL,
	failed_logins  INTEGER NOT NULL,
	locked_until   TEXT,
	created_at     TEXT NOT NULL,
	search         TEXT NOT NULL
) STRICT;

CREATE INDEX users_national_id ON users (national_id) WHERE national_id <> '';

CREATE TABLE grants (
	id          INTEGER PRIMARY KEY,
	user_id     INTEGER NOT NULL REFERENCES users (id),
	role        TEXT NOT NULL,
	scope_kind  TEXT NOT NULL,
	scope_code  TEXT NOT NULL,
	valid_from  TEXT NOT NULL,
	valid_to    TEXT,
	ended_at    TEXT,
	provenance  TEXT NOT NULL,
	ordered_by  TEXT NOT NULL,
	approved_by TEXT NOT NULL,
	created_at  TEXT NOT NULL
) STRICT;

CREATE INDEX grants_user ON grants (user_id, id);
CREATE INDEX grants_municipality ON grants (scope_code, user_id) WHERE scope_kind = 'municipality';

CREATE TABLE recovery_codes (
	user_id INTEGER NOT NULL REFERENCES users (id),
	hash    TEXT NOT NULL,
	used_at TEXT,
	PRIMARY KEY (user_id, hash)
) STRICT, WITHOUT ROWID;

CREATE TABLE enrolments (
	hash       TEXT PRIMARY KEY,
	user_id    INTEGER NOT NULL REFERENCES users (id),
	created_at TEXT NOT NULL,
	expires_at TEXT NOT NULL,
	used_at    TEXT
) STRICT;

CREATE INDEX enrolments_user ON enrolments (user_id);

-- A session's id is the SHA-256 of its cookie; grant_id is 0 before the
-- second factor.
CREATE TABLE sessions (
	id           TEXT PRIMARY KEY,
	user_id      INTEGER NOT NULL REFERENCES users (id),
	grant_id     INTEGER NOT NULL,
	stage        TEXT NOT NULL,
	csrf_token   TEXT NOT NULL,
	created_at   TEXT NOT NULL,
	last_seen_at TEXT NOT NULL,
	expires_at   TEXT NOT NULL,
	address      TEXT NOT NULL
) STRICT;

CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
	id           INTEGER PRIMARY KEY,
	user_id      INTEGER NOT NULL REFERENCES users (id),
	grant_id     INTEGER NOT NULL,
	name         TEXT NOT NULL,
	hash         TEXT NOT NULL UNIQUE,
	created_at   TEXT NOT NULL,
	expires_at   TEXT,
	revoked_at   TEXT,
	last_used_at TEXT
) STRICT;

CREATE INDEX api_tokens_user ON api_tokens (user_id, id);

-- user_id is 0 until an approval creates or changes a user.
CREATE TABLE access_orders (
	id            INTEGER PRIMARY KEY,
	kind          TEXT NOT NULL,
	status        TEXT NOT NULL,
	first_name    TEXT NOT NULL,
	last_name     TEXT NOT NULL,
	email         TEXT NOT NULL,
	mobile        TEXT NOT NULL,
	county        TEXT NOT NULL,
	municipality  TEXT NOT NULL,
	position      TEXT NOT NULL,
	role          TEXT NOT NULL,
	service_need  TEXT NOT NULL,
	valid_to      TEXT,
	ordered_by    TEXT NOT NULL,
	self_filed    INTEGER NOT NULL,
	officer_email TEXT NOT NULL,
	confirmed_by  TEXT NOT NULL,
	decided_by    TEXT NOT NULL,
	reason        TEXT NOT NULL,
	user_id       INTEGER NOT NULL,
	created_at    TEXT NOT NULL,
	updated_at    TEXT NOT NULL
) STRICT;

-- One open order per person and municipality; a decided one frees the slot.
CREATE UNIQUE INDEX access_orders_open ON access_orders (email, municipality)
	WHERE status IN ('awaiting_confirmation', 'pending');
CREATE INDEX access_orders_newest ON access_orders (created_at DESC, id DESC);
CREATE INDEX access_orders_municipality_newest ON access_orders (municipality, created_at DESC, id DESC);

-- The audit trail: append-only, each entry chained to the one before by
-- prev_hash and hash (see beredskap.AuditEntry.ChainHash). subjects is a
-- JSON array of receipts, copied to audit_subjects for search.
CREATE TABLE audit (
	seq        INTEGER PRIMARY KEY,
	at         TEXT NOT NULL,
	actor      TEXT NOT NULL,
	user_id    INTEGER NOT NULL,
	role       TEXT NOT NULL,
	scope      TEXT NOT NULL,
	action     TEXT NOT NULL,
	object     TEXT NOT NULL,
	subjects   TEXT NOT NULL CHECK (json_valid(subjects)),
	outcome    TEXT NOT NULL,
	detail     TEXT NOT NULL,
	address    TEXT NOT NULL,
	request_id TEXT NOT NULL,
	prev_hash  TEXT NOT NULL,
	hash       TEXT NOT NULL
) STRICT;

CREATE INDEX audit_actor ON audit (actor, seq);
CREATE INDEX audit_action ON audit (action, seq);
CREATE INDEX audit_object ON audit (object, seq);
CREATE INDEX audit_at ON audit (at, seq);

-- audit_subjects indexes audit.subjects by receipt. It is derived data,
-- filled in batches: entries up to audit_indexed.seq are in it, and a search
-- reads the few later entries' subjects directly. Writing 50 index rows with
-- random receipts on every list request would touch 50 pages per commit.
CREATE TABLE audit_subjects (
	receipt TEXT NOT NULL,
	seq     INTEGER NOT NULL,
	PRIMARY KEY (receipt, seq)
) STRICT, WITHOUT ROWID;

CREATE TABLE audit_indexed (
	id  INTEGER PRIMARY KEY CHECK (id = 1),
	seq INTEGER NOT NULL
) STRICT;

INSERT INTO audit_indexed (id, seq) VALUES (1, 0);

CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN
	SELECT RAISE(ABORT, 'the audit trail is append-only');
END;

CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN
	SELECT RAISE(ABORT, 'the audit trail is append-only');
END;

CREATE TRIGGER audit_subjects_no_update BEFORE UPDATE ON audit_subjects
BEGIN
	SELECT RAISE(ABORT, 'the audit trail is append-only');
END;

CREATE TRIGGER audit_subjects_no_delete BEFORE DELETE ON audit_subjects
BEGIN
	SELECT RAISE(ABORT, 'the audit trail is append-only');
END;
