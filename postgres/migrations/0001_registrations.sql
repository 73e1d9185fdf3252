-- Registrations are immutable records: what the traveller sent, the decision
-- made when it was stored, and a few columns copied out of them for lists and
-- follow-up.
CREATE TABLE registrations (
	receipt             text PRIMARY KEY,
	municipality        text NOT NULL,
	arrival_at          timestamptz NOT NULL,
	created_at          timestamptz NOT NULL,
	first_name          text NOT NULL,
	last_name           text NOT NULL,
	birth_date          date NOT NULL,
	language            text NOT NULL,
	rule_id             text NOT NULL,
	rule_hash           text NOT NULL,
	quarantine_last_day date,
	registration        jsonb NOT NULL,
	decision            jsonb NOT NULL
);

-- Newest first, per municipality and overall (keyset pagination).
CREATE INDEX registrations_municipality_newest ON registrations (municipality, created_at DESC, receipt DESC);
CREATE INDEX registrations_newest ON registrations (created_at DESC, receipt DESC);

-- Registrations may be neither changed nor removed here. Retention and
-- erasure (sletting) will come later through a dedicated, audited path that
-- is not ordinary UPDATE, DELETE or TRUNCATE.
CREATE FUNCTION registrations_immutable() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'registrations are immutable' USING ERRCODE = 'restrict_violation';
END
$$;

CREATE TRIGGER registrations_no_update BEFORE UPDATE OR DELETE ON registrations
	FOR EACH ROW EXECUTE FUNCTION registrations_immutable();
CREATE TRIGGER registrations_no_truncate BEFORE TRUNCATE ON registrations
	FOR EACH STATEMENT EXECUTE FUNCTION registrations_immutable();

-- An idempotency key names the registration its first request created;
-- request_hash tells a true retry from another request under the same key.
-- The key is claimed before the registration is written, in the same
-- transaction, so the reference is checked at commit.
CREATE TABLE idempotency (
	key          text PRIMARY KEY,
	receipt      text NOT NULL REFERENCES registrations (receipt) DEFERRABLE INITIALLY DEFERRED,
	request_hash text NOT NULL,
	created_at   timestamptz NOT NULL
);
