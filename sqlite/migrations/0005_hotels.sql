-- Quarantine hotels (karantenehotell), their capacity and stays, § 6j
-- dispensations and their delegations, and the runs of rule-change impact
-- (issue 5, seeds 001 and 004). Instants are UTC text written
-- 2006-01-02T15:04:05.000000Z, as in 0001; days are YYYY-MM-DD in
-- Europe/Oslo.
CREATE TABLE quarantine_hotels (
	id            INTEGER PRIMARY KEY,
	municipality  TEXT NOT NULL,
	name          TEXT NOT NULL,
	address       TEXT NOT NULL,
	postal_code   TEXT NOT NULL,
	contact_name  TEXT NOT NULL,
	contact_email TEXT NOT NULL,
	contact_phone TEXT NOT NULL,
	rooms         INTEGER NOT NULL CHECK (rooms >= 0),
	isolation     INTEGER NOT NULL,
	active        INTEGER NOT NULL,
	created_at    TEXT NOT NULL,
	updated_at    TEXT NOT NULL
) STRICT;

CREATE INDEX quarantine_hotels_municipality ON quarantine_hotels (municipality, name, id);
CREATE INDEX quarantine_hotels_name ON quarantine_hotels (name, id);

-- A change of a hotel's rooms for the nights from_day..to_day, both
-- included; the newest (highest id) wins where changes overlap.
CREATE TABLE hotel_capacity_changes (
	id         INTEGER PRIMARY KEY,
	hotel_id   INTEGER NOT NULL REFERENCES quarantine_hotels (id),
	from_day   TEXT NOT NULL,
	to_day     TEXT NOT NULL CHECK (to_day >= from_day),
	rooms      INTEGER NOT NULL CHECK (rooms >= 0),
	created_by TEXT NOT NULL,
	created_at TEXT NOT NULL
) STRICT;

CREATE INDEX hotel_capacity_changes_hotel ON hotel_capacity_changes (hotel_id, id);

-- A guest's stay: one room on each night from from_day up to, not
-- including, to_day, unless the guest is a child sharing the room of a
-- guardian's stay (guardian_stay_id, 0 when none). carer_for is the stay of
-- the unaccompanied minor the guest cares for, 0 when none. receipt names
-- the guest's registration; it is not a foreign key, so that stays can be
-- loaded (benchmarks, imports) apart from their registrations.
-- transfer_documents is a JSON array of document codes.
CREATE TABLE hotel_stays (
	id                 INTEGER PRIMARY KEY,
	hotel_id           INTEGER NOT NULL REFERENCES quarantine_hotels (id),
	municipality       TEXT NOT NULL,
	receipt            TEXT NOT NULL,
	guest_name         TEXT NOT NULL,
	birth_date         TEXT NOT NULL,
	kind               TEXT NOT NULL CHECK (kind IN ('quarantine', 'isolation')),
	status             TEXT NOT NULL CHECK (status IN ('allocated', 'checked_in', 'checked_out', 'departed',
		'transferred', 'cancelled')),
	from_day           TEXT NOT NULL,
	to_day             TEXT NOT NULL CHECK (to_day >= from_day),
	channel            TEXT NOT NULL,
	guardian_stay_id   INTEGER NOT NULL,
	carer_for          INTEGER NOT NULL,
	payer              TEXT NOT NULL,
	employer_org       TEXT NOT NULL,
	employer_name      TEXT NOT NULL,
	checked_in_at      TEXT,
	checked_out_at     TEXT,
	transfer_address   TEXT NOT NULL,
	transfer_group     INTEGER NOT NULL,
	transfer_documents TEXT NOT NULL CHECK (json_valid(transfer_documents)),
	note               TEXT NOT NULL,
	allocated_by       TEXT NOT NULL,
	created_at         TEXT NOT NULL,
	updated_at         TEXT NOT NULL
) STRICT;

-- Rooms taken: a hotel's open stays that take a room of their own, by the
-- nights they take.
CREATE INDEX hotel_stays_open ON hotel_stays (hotel_id, to_day, from_day)
	WHERE status IN ('allocated', 'checked_in') AND guardian_stay_id = 0;
-- Lists: a hotel's, a municipality's and all stays, newest first (keyset
-- pagination); a guest's stays.
CREATE INDEX hotel_stays_hotel ON hotel_stays (hotel_id, from_day DESC, id DESC);
CREATE INDEX hotel_stays_municipality ON hotel_stays (municipality, from_day DESC, id DESC);
CREATE INDEX hotel_stays_newest ON hotel_stays (from_day DESC, id DESC);
CREATE INDEX hotel_stays_receipt ON hotel_stays (receipt, id);

-- § 6j dispensations (seed 001) granted by the municipal doctor or their
-- staff as delegated.
CREATE TABLE dispensations (
	id            INTEGER PRIMARY KEY,
	receipt       TEXT NOT NULL,
	municipality  TEXT NOT NULL,
	purpose       TEXT NOT NULL,
	relation      TEXT NOT NULL,
	relation_note TEXT NOT NULL,
	place         TEXT NOT NULL,
	from_at       TEXT NOT NULL,
	to_at         TEXT NOT NULL,
	rule_id       TEXT NOT NULL,
	status        TEXT NOT NULL CHECK (status IN ('granted', 'ended')),
	granted_by    TEXT NOT NULL,
	ended_at      TEXT,
	end_reason    TEXT NOT NULL,
	created_at    TEXT NOT NULL
) STRICT;

CREATE INDEX dispensations_receipt ON dispensations (receipt, id);
CREATE INDEX dispensations_municipality ON dispensations (municipality, created_at DESC, id DESC);

-- Delegations of the power to grant dispensations; at most one open per
-- user and municipality.
CREATE TABLE dispensation_delegations (
	id           INTEGER PRIMARY KEY,
	user_id      INTEGER NOT NULL REFERENCES users (id),
	municipality TEXT NOT NULL,
	granted_by   TEXT NOT NULL,
	created_at   TEXT NOT NULL,
	ended_at     TEXT
) STRICT;

CREATE UNIQUE INDEX dispensation_delegations_open ON dispensation_delegations (user_id, municipality)
	WHERE ended_at IS NULL;
CREATE INDEX dispensation_delegations_municipality ON dispensation_delegations (municipality, id);

-- Re-evaluations of the active quarantines under a rule version, one per
-- version and instant, with the travellers whose obligations change.
-- changes is a JSON array of change codes.
CREATE TABLE impact_runs (
	id          INTEGER PRIMARY KEY,
	rule_id     TEXT NOT NULL,
	at          TEXT NOT NULL,
	computed_at TEXT NOT NULL,
	evaluated   INTEGER NOT NULL,
	changed     INTEGER NOT NULL,
	notified_at TEXT,
	UNIQUE (rule_id, at)
) STRICT;

CREATE INDEX impact_runs_newest ON impact_runs (computed_at DESC, id DESC);

CREATE TABLE impact_changes (
	run_id          INTEGER NOT NULL REFERENCES impact_runs (id),
	receipt         TEXT NOT NULL,
	municipality    TEXT NOT NULL,
	changes         TEXT NOT NULL CHECK (json_valid(changes)),
	exemption_group INTEGER NOT NULL,
	old_last_day    TEXT NOT NULL,
	new_last_day    TEXT NOT NULL,
	language        TEXT NOT NULL,
	PRIMARY KEY (run_id, receipt)
) STRICT, WITHOUT ROWID;

CREATE INDEX impact_changes_municipality ON impact_changes (run_id, municipality, receipt);

-- The active quarantines that a rule change re-evaluates.
CREATE INDEX registrations_quarantine_last_day ON registrations (quarantine_last_day)
	WHERE quarantine_last_day IS NOT NULL;
