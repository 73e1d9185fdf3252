-- Quarantine hotels (karantenehotell), their stays, § 6j dispensations and
-- their delegations, and the runs of rule-change impact (issue 5, seeds 001
-- and 004). Days are calendar days in Europe/Oslo.
CREATE TABLE quarantine_hotels (
	id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	municipality  text NOT NULL,
	name          text COLLATE "C" NOT NULL,
	address       text NOT NULL,
	postal_code   text NOT NULL,
	contact_name  text NOT NULL,
	contact_email text NOT NULL,
	contact_phone text NOT NULL,
	rooms         integer NOT NULL CHECK (rooms >= 0),
	isolation     boolean NOT NULL,
	active        boolean NOT NULL,
	created_at    timestamptz NOT NULL,
	updated_at    timestamptz NOT NULL
);

CREATE INDEX quarantine_hotels_municipality ON quarantine_hotels (municipality, name, id);
CREATE INDEX quarantine_hotels_name ON quarantine_hotels (name, id);

-- A change of a hotel's rooms for the nights from_day..to_day; the newest
-- (highest id) wins where changes overlap.
CREATE TABLE hotel_capacity_changes (
	id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	hotel_id   bigint NOT NULL REFERENCES quarantine_hotels (id),
	from_day   date NOT NULL,
	to_day     date NOT NULL CHECK (to_day >= from_day),
	rooms      integer NOT NULL CHECK (rooms >= 0),
	created_by text NOT NULL,
	created_at timestamptz NOT NULL
);

CREATE INDEX hotel_capacity_changes_hotel ON hotel_capacity_changes (hotel_id, id);

-- A guest's stay: one room on each night from from_day up to, not
-- including, to_day, unless the guest is a child sharing the room of a
-- guardian's stay (guardian_stay_id, NULL when none). carer_for is the stay
-- of the unaccompanied minor the guest cares for, NULL when none. receipt
-- names the guest's registration; it is not a foreign key, so that stays
-- can be loaded (benchmarks, imports) apart from their registrations, as in
-- the SQLite store. birth_date is NULL when unknown.
CREATE TABLE hotel_stays (
	id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	hotel_id           bigint NOT NULL REFERENCES quarantine_hotels (id),
	municipality       text NOT NULL,
	receipt            text NOT NULL,
	guest_name         text NOT NULL,
	birth_date         date,
	kind               text NOT NULL CHECK (kind IN ('quarantine', 'isolation')),
	status             text NOT NULL CHECK (status IN ('allocated', 'checked_in', 'checked_out', 'departed',
		'transferred', 'cancelled')),
	from_day           date NOT NULL,
	to_day             date NOT NULL CHECK (to_day >= from_day),
	channel            text NOT NULL,
	guardian_stay_id   bigint REFERENCES hotel_stays (id),
	carer_for          bigint REFERENCES hotel_stays (id),
	payer              text NOT NULL,
	employer_org       text NOT NULL,
	employer_name      text NOT NULL,
	checked_in_at      timestamptz,
	checked_out_at     timestamptz,
	transfer_address   text NOT NULL,
	transfer_group     integer NOT NULL,
	transfer_documents text[] NOT NULL,
	note               text NOT NULL,
	allocated_by       text NOT NULL,
	created_at         timestamptz NOT NULL,
	updated_at         timestamptz NOT NULL
);

-- Rooms taken: a hotel's open stays that take a room of their own, by the
-- nights they take.
CREATE INDEX hotel_stays_open ON hotel_stays (hotel_id, to_day, from_day)
	WHERE status IN ('allocated', 'checked_in') AND guardian_stay_id IS NULL;
-- Lists: a hotel's, a municipality's and all stays, newest first (keyset
-- pagination); a guest's stays.
CREATE INDEX hotel_stays_receipt ON hotel_stays (receipt, id);
CREATE INDEX hotel_stays_hotel ON hotel_stays (hotel_id, from_day DESC, id DESC);
CREATE INDEX hotel_stays_municipality ON hotel_stays (municipality, from_day DESC, id DESC);
CREATE INDEX hotel_stays_newest ON hotel_stays (from_day DESC, id DESC);

-- § 6j dispensations (seed 001) granted by the municipal doctor or their
-- staff as delegated. receipt is not a foreign key, as in hotel_stays.
CREATE TABLE dispensations (
	id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	receipt       text NOT NULL,
	municipality  text NOT NULL,
	purpose       text NOT NULL,
	relation      text NOT NULL,
	relation_note text NOT NULL,
	place         text NOT NULL,
	from_at       timestamptz NOT NULL,
	to_at         timestamptz NOT NULL CHECK (to_at > from_at),
	rule_id       text NOT NULL,
	status        text NOT NULL CHECK (status IN ('granted', 'ended')),
	granted_by    text NOT NULL,
	ended_at      timestamptz,
	end_reason    text NOT NULL,
	created_at    timestamptz NOT NULL
);

CREATE INDEX dispensations_receipt ON dispensations (receipt, id);
CREATE INDEX dispensations_municipality ON dispensations (municipality, created_at DESC, id DESC);

-- Delegations of the power to grant dispensations; at most one open per
-- user and municipality.
CREATE TABLE dispensation_delegations (
	id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	user_id      bigint NOT NULL REFERENCES users (id),
	municipality text NOT NULL,
	granted_by   text NOT NULL,
	created_at   timestamptz NOT NULL,
	ended_at     timestamptz
);

CREATE UNIQUE INDEX dispensation_delegations_open ON dispensation_delegations (user_id, municipality)
	WHERE ended_at IS NULL;
CREATE INDEX dispensation_delegations_municipality ON dispensation_delegations (municipality, id);

-- Re-evaluations of the active quarantines under a rule version, one per
-- version and instant, with the travellers whose obligations change. The
-- receipts of changes are not foreign keys: a run records what it found,
-- and changes are listed by receipt in byte order. A last day is NULL when
-- there is no quarantine.
CREATE TABLE impact_runs (
	id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	rule_id     text NOT NULL,
	at          timestamptz NOT NULL,
	computed_at timestamptz NOT NULL,
	evaluated   integer NOT NULL,
	changed     integer NOT NULL,
	notified_at timestamptz,
	UNIQUE (rule_id, at)
);

CREATE INDEX impact_runs_newest ON impact_runs (computed_at DESC, id DESC);

CREATE TABLE impact_changes (
	run_id          bigint NOT NULL REFERENCES impact_runs (id),
	receipt         text COLLATE "C" NOT NULL,
	municipality    text NOT NULL,
	changes         text[] NOT NULL,
	exemption_group integer NOT NULL,
	old_last_day    date,
	new_last_day    date,
	language        text NOT NULL,
	PRIMARY KEY (run_id, receipt)
);

CREATE INDEX impact_changes_municipality ON impact_changes (run_id, municipality, receipt);

-- The active quarantines that a rule change re-evaluates.
CREATE INDEX registrations_quarantine_last_day ON registrations (quarantine_last_day)
	WHERE quarantine_last_day IS NOT NULL;
