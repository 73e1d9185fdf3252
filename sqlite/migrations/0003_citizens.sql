-- Citizens (issue 6): access cases to block or reopen one's own access (seed
-- 003) with their encrypted attachments and letters, citizen accounts and
-- citizen sessions, and an index that finds a person's registrations by
-- national identity number. Instants are UTC text written
-- 2006-01-02T15:04:05.000000Z, as in 0001.

-- number is the case number, "<year>-<id, six digits>", given by the store.
-- code_hash is the SHA-256 of a reopen letter's one-time code.
CREATE TABLE access_cases (
	id               INTEGER PRIMARY KEY,
	number           TEXT NOT NULL UNIQUE,
	kind             TEXT NOT NULL,
	status           TEXT NOT NULL,
	national_id      TEXT NOT NULL,
	name             TEXT NOT NULL,
	channel          TEXT NOT NULL,
	suspected_misuse INTEGER NOT NULL,
	document_kind    TEXT NOT NULL,
	document_expires TEXT NOT NULL,
	deadline         TEXT NOT NULL,
	filed_by         TEXT NOT NULL,
	decided_by       TEXT NOT NULL,
	reason           TEXT NOT NULL,
	code_hash        TEXT NOT NULL,
	code_expires_at  TEXT,
	code_attempts    INTEGER NOT NULL,
	created_at       TEXT NOT NULL,
	updated_at       TEXT NOT NULL,
	closed_at        TEXT
) STRICT;

-- One open case of each kind per person; a closed one frees the slot.
CREATE UNIQUE INDEX access_cases_open ON access_cases (national_id, kind)
	WHERE status IN ('received', 'awaiting_code');
-- The staff queue, earliest deadline first.
CREATE INDEX access_cases_deadline ON access_cases (deadline, id);
CREATE INDEX access_cases_national_id ON access_cases (national_id);

-- The copy of a case's identity document, AES-GCM encrypted; size is the
-- plain file's. It is deleted when the case closes.
CREATE TABLE case_attachments (
	case_id    INTEGER PRIMARY KEY REFERENCES access_cases (id),
	media_type TEXT NOT NULL,
	size       INTEGER NOT NULL,
	nonce      BLOB NOT NULL,
	ciphertext BLOB NOT NULL
) STRICT;

-- Letters waiting to be printed and posted, encrypted like attachments;
-- taking one removes it.
CREATE TABLE print_letters (
	case_id    INTEGER PRIMARY KEY REFERENCES access_cases (id),
	media_type TEXT NOT NULL,
	size       INTEGER NOT NULL,
	nonce      BLOB NOT NULL,
	ciphertext BLOB NOT NULL,
	created_at TEXT NOT NULL
) STRICT;

CREATE INDEX print_letters_oldest ON print_letters (created_at, case_id);

-- What the citizen services keep about a person. block_case_id is the case
-- that blocked or reopened access last (0 when none), a record of the
-- workflow rather than a reference the database enforces.
CREATE TABLE citizen_accounts (
	national_id          TEXT PRIMARY KEY,
	blocked              INTEGER NOT NULL,
	blocked_at           TEXT,
	block_case_id        INTEGER NOT NULL,
	language             TEXT NOT NULL,
	consent_withdrawn_at TEXT,
	updated_at           TEXT NOT NULL
) STRICT;

-- A citizen session's id is the SHA-256 of its cookie.
CREATE TABLE citizen_sessions (
	id           TEXT PRIMARY KEY,
	national_id  TEXT NOT NULL,
	name         TEXT NOT NULL,
	csrf_token   TEXT NOT NULL,
	created_at   TEXT NOT NULL,
	last_seen_at TEXT NOT NULL,
	expires_at   TEXT NOT NULL
) STRICT;

CREATE INDEX citizen_sessions_national_id ON citizen_sessions (national_id);

-- A person's registrations, newest first, by the traveller's national
-- identity number inside the stored JSON. Queries must use the same
-- expression for SQLite to use the index.
CREATE INDEX registrations_national_id
	ON registrations (json_extract(registration, '$.traveller.national_id'), created_at DESC, receipt DESC);
