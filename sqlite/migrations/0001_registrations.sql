-- Registrations are immutable records: what the traveller sent, the decision
-- made when it was stored, and a few columns copied out of them for lists and
-- follow-up. Instants are UTC text written 2006-01-02T15:04:05.000000Z, so
-- that text order is time order.
CREATE TABLE registrations (
	receipt             TEXT PRIMARY KEY,
	municipality        TEXT NOT NULL,
	arrival_at          TEXT NOT NULL,
	created_at          TEXT NOT NULL,
	first_name          TEXT NOT NULL,
	last_name           TEXT NOT NULL,
	birth_date          TEXT NOT NULL,
	language            TEXT NOT NULL,
	rule_id             TEXT NOT NULL,
	rule_hash           TEXT NOT NULL,
	quarantine_last_day TEXT,
	registration        TEXT NOT NULL CHECK (json_valid(registration)),
	decision            TEXT NOT NULL CHECK (json_valid(decision))
) STRICT;

-- Newest first, per municipality and overall (keyset pagination).
CREATE INDEX registrations_municipality_newest ON registrations (municipality, created_at DESC, receipt DESC);
CREATE INDEX registrations_newest ON registrations (created_at DESC, receipt DESC);

-- Registrations may be neither changed nor removed here. Retention and
-- erasure (sletting) will come later through a dedicated, audited path that
-- is not ordinary UPDATE or DELETE.
CREATE TRIGGER registrations_no_update BEFORE UPDATE ON registrations
BEGIN
	SELECT RAISE(ABORT, 'registrations are immutable');
END;

CREATE TRIGGER registrations_no_delete BEFORE DELETE ON registrations
BEGIN
	SELECT RAISE(ABORT, 'registrations are immutable');
END;

-- An idempotency key names the registration its first request created;
-- request_hash tells a true retry from another request under the same key.
CREATE TABLE idempotency (
	key          TEXT PRIMARY KEY,
	receipt      TEXT NOT NULL REFERENCES registrations (receipt),
	request_hash TEXT NOT NULL,
	created_at   TEXT NOT NULL
) STRICT;
