-- The control centre's follow-up (issue 4, seed 000). A plan follows one
-- registration with a quarantine; it copies the registration's fields that
-- the work queue and the municipal lists sort and filter on. Days are
-- calendar days in Europe/Oslo; arrival_day is the Oslo day of arrival_at.
-- first_lower and last_lower are the names in lower case (as Go's
-- strings.ToLower gives them), compared byte by byte for prefix search.
CREATE TABLE followup_plans (
	id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	receipt          text NOT NULL UNIQUE REFERENCES registrations (receipt),
	municipality     text NOT NULL,
	person_key       text NOT NULL,
	first_name       text NOT NULL,
	last_name        text NOT NULL,
	first_lower   text COLLATE "C" NOT NULL,
	last_lower    text COLLATE "C" NOT NULL,
	birth_date       date,
	phone            text NOT NULL,
	email            text NOT NULL,
	language         text NOT NULL,
	arrival_at       timestamptz NOT NULL,
	arrival_day      date NOT NULL,
	first_day        date NOT NULL,
	last_day         date NOT NULL,
	rule_id          text NOT NULL,
	sms_days         integer[] NOT NULL,
	call_days        integer[] NOT NULL,
	status           text NOT NULL CHECK (status IN ('active', 'ended')),
	end_reason       text NOT NULL,
	ended_at         timestamptz,
	employer_org     text NOT NULL,
	reached          boolean NOT NULL,
	breach_suspected boolean NOT NULL,
	attempts         integer NOT NULL,
	last_report_at   timestamptz,
	next_call_at     timestamptz NOT NULL,
	claimed_by       text NOT NULL,
	lease_until      timestamptz,
	-- held_until is when the hold lapses, -infinity when nobody holds the
	-- plan, so that "free at now" is one comparison an index can test.
	held_until       timestamptz NOT NULL GENERATED ALWAYS AS (CASE WHEN claimed_by <> '' AND lease_until IS NOT NULL
		THEN lease_until ELSE '-infinity'::timestamptz END) STORED,
	created_at       timestamptz NOT NULL,
	updated_at       timestamptz NOT NULL
);

-- The work queue in its order, active plans only, with the columns a claim
-- tests as keys, so that plans held, not yet due, or of another language or
-- municipality are passed over in the index.
CREATE INDEX followup_plans_queue ON followup_plans
	(reached, breach_suspected DESC, last_day, id, next_call_at, held_until, language, municipality)
	WHERE status = 'active';
CREATE INDEX followup_plans_person ON followup_plans (person_key, id) WHERE status = 'active';
CREATE INDEX followup_plans_last_day ON followup_plans (last_day) WHERE status = 'active';
-- The municipal list: newest arrival first (keyset on arrival and receipt,
-- as in the SQLite store, so that page tokens are portable). The columns the
-- list filters on are keys too, so that a filter is tested in the index
-- without reading rows it leaves out. Name prefixes have indexes of their
-- own.
CREATE INDEX followup_plans_municipality_arrival ON followup_plans
	(municipality, arrival_at DESC, receipt DESC, status, reached, breach_suspected, language);
CREATE INDEX followup_plans_first_name ON followup_plans (municipality, first_lower);
CREATE INDEX followup_plans_last_name ON followup_plans (municipality, last_lower);
-- Statistics: days of quarantine per municipality.
CREATE INDEX followup_plans_in_force ON followup_plans (municipality, last_day, first_day);

-- The SMS outbox. id is the idempotency key sent to the provider. plan_id
-- is NULL for a message not sent for a plan.
CREATE TABLE sms_outbox (
	id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	plan_id         bigint REFERENCES followup_plans (id),
	receipt         text NOT NULL,
	to_number       text NOT NULL,
	language        text NOT NULL,
	template        text NOT NULL,
	body            text NOT NULL,
	encoding        text NOT NULL,
	segments        integer NOT NULL,
	status          text NOT NULL,
	attempts        integer NOT NULL,
	next_attempt_at timestamptz NOT NULL,
	provider_id     text NOT NULL,
	last_error      text NOT NULL,
	sent_by         text NOT NULL,
	created_at      timestamptz NOT NULL,
	updated_at      timestamptz NOT NULL,
	delivered_at    timestamptz
);

-- Messages the worker may take: queued, or sending with a lease that may
-- have lapsed.
CREATE INDEX sms_outbox_due ON sms_outbox (next_attempt_at, id) WHERE status IN ('queued', 'sending');
CREATE INDEX sms_outbox_plan ON sms_outbox (plan_id, id);
CREATE UNIQUE INDEX sms_outbox_provider ON sms_outbox (provider_id) WHERE provider_id <> '';

-- SMS texts per kind and language.
CREATE TABLE sms_templates (
	key        text COLLATE "C" NOT NULL,
	language   text COLLATE "C" NOT NULL,
	body       text NOT NULL,
	updated_by text NOT NULL,
	updated_at timestamptz NOT NULL,
	PRIMARY KEY (key, language)
);

-- Call reports are immutable. A correction is a new report naming the one
-- it corrects; a report is corrected at most once.
CREATE TABLE call_reports (
	id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	plan_id         bigint NOT NULL REFERENCES followup_plans (id),
	receipt         text NOT NULL,
	municipality    text NOT NULL,
	operator        text NOT NULL,
	outcome         text NOT NULL,
	language        text NOT NULL,
	interpreter     boolean NOT NULL,
	understood      text NOT NULL,
	staying_at      text NOT NULL,
	breaches        text[] NOT NULL,
	breach_text     text NOT NULL,
	employer_breach boolean NOT NULL,
	employer_org    text NOT NULL,
	employer_name   text NOT NULL,
	employer_text   text NOT NULL,
	corrects        bigint UNIQUE REFERENCES call_reports (id),
	created_at      timestamptz NOT NULL
);

CREATE INDEX call_reports_plan ON call_reports (plan_id, id);
CREATE INDEX call_reports_municipality ON call_reports (municipality, id);
CREATE INDEX call_reports_breaches ON call_reports (municipality, created_at) WHERE cardinality(breaches) > 0;

CREATE FUNCTION call_reports_immutable() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'call reports are immutable' USING ERRCODE = 'restrict_violation';
END
$$;

CREATE TRIGGER call_reports_no_update BEFORE UPDATE OR DELETE ON call_reports
	FOR EACH ROW EXECUTE FUNCTION call_reports_immutable();
CREATE TRIGGER call_reports_no_truncate BEFORE TRUNCATE ON call_reports
	FOR EACH STATEMENT EXECUTE FUNCTION call_reports_immutable();

-- Notices to the labour inspectorate (Arbeidstilsynet).
CREATE TABLE labour_notices (
	id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	report_id     bigint NOT NULL REFERENCES call_reports (id),
	org_number    text NOT NULL,
	employer_name text NOT NULL,
	suspicion     text NOT NULL,
	municipality  text NOT NULL,
	arrival_date  date NOT NULL,
	created_at    timestamptz NOT NULL
);

CREATE INDEX labour_notices_org ON labour_notices (org_number, id);
CREATE INDEX labour_notices_created ON labour_notices (created_at, id);

-- Municipal users' choice of e-mail digest.
CREATE TABLE digest_prefs (
	user_id        bigint PRIMARY KEY REFERENCES users (id),
	mode           text NOT NULL,
	last_report_id bigint NOT NULL,
	last_sent_at   timestamptz
);
