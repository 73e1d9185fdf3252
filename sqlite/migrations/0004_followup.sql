-- Control-centre follow-up (issue 4, seed 000): follow-up plans and the work
-- queue, the SMS outbox and templates, immutable call reports, notices to
-- the labour inspectorate and e-mail digest preferences. Instants are UTC
-- text written 2006-01-02T15:04:05.000000Z, as in 0001; days are
-- YYYY-MM-DD.

-- A plan copies the registration fields its lists sort and filter on.
-- arrival_day is the arrival date in Europe/Oslo; first_lower and
-- last_lower are the names in lower case (Unicode, by the store), for
-- prefix search. sms_days and call_days are JSON arrays of day numbers.
-- receipt names the registration; it is not a foreign key, so that plans
-- can be loaded (benchmarks, imports) apart from their registrations.
CREATE TABLE followup_plans (
	id               INTEGER PRIMARY KEY,
	receipt          TEXT NOT NULL UNIQUE,
	municipality     TEXT NOT NULL,
	person_key       TEXT NOT NULL,
	first_name       TEXT NOT NULL,
	last_name        TEXT NOT NULL,
	first_lower      TEXT NOT NULL,
	last_lower       TEXT NOT NULL,
	birth_date       TEXT NOT NULL,
	phone            TEXT NOT NULL,
	email            TEXT NOT NULL,
	language         TEXT NOT NULL,
	arrival_at       TEXT NOT NULL,
	arrival_day      TEXT NOT NULL,
	first_day        TEXT NOT NULL,
	last_day         TEXT NOT NULL,
	rule_id          TEXT NOT NULL,
	sms_days         TEXT NOT NULL CHECK (json_valid(sms_days)),
	call_days        TEXT NOT NULL CHECK (json_valid(call_days)),
	status           TEXT NOT NULL CHECK (status IN ('active', 'ended')),
	end_reason       TEXT NOT NULL,
	ended_at         TEXT,
	employer_org     TEXT NOT NULL,
	reached          INTEGER NOT NULL,
	breach_suspected INTEGER NOT NULL,
	attempts         INTEGER NOT NULL,
	last_report_at   TEXT,
	next_call_at     TEXT NOT NULL,
	claimed_by       TEXT NOT NULL,
	lease_until      TEXT,
	created_at       TEXT NOT NULL,
	updated_at       TEXT NOT NULL
) STRICT;

-- The work queue in priority order, active plans only (ListQueue), and the
-- plans nobody holds (ClaimNext), covering the columns a claim tests, so
-- that a claim walks the index past no held plan and reads one row. A hold
-- that lapsed is cleared by the next claim, through the index of holds.
CREATE INDEX followup_plans_queue ON followup_plans
	(reached, breach_suspected DESC, last_day, id, next_call_at, language, municipality)
	WHERE status = 'active';
CREATE INDEX followup_plans_queue_free ON followup_plans
	(reached, breach_suspected DESC, last_day, id, next_call_at, language, municipality)
	WHERE status = 'active' AND claimed_by = '';
CREATE INDEX followup_plans_holds ON followup_plans (lease_until)
	WHERE status = 'active' AND claimed_by <> '';
-- A municipality's travellers, newest arrival first (keyset pagination),
-- covering the columns the list filters on.
CREATE INDEX followup_plans_municipality_arrival ON followup_plans
	(municipality, arrival_at DESC, receipt DESC, status, reached, breach_suspected, language);
-- The same for the filters that may match few of a municipality's plans.
CREATE INDEX followup_plans_municipality_language ON followup_plans
	(municipality, language, arrival_at DESC, receipt DESC);
CREATE INDEX followup_plans_municipality_status ON followup_plans
	(municipality, status, arrival_at DESC, receipt DESC);
-- Name search: a prefix of the first or the last name.
CREATE INDEX followup_plans_first_name ON followup_plans (municipality, first_lower);
CREATE INDEX followup_plans_last_name ON followup_plans (municipality, last_lower);
-- Charts: arrivals per day and quarantines in force per day.
CREATE INDEX followup_plans_arrival_day ON followup_plans (municipality, arrival_day);
CREATE INDEX followup_plans_in_force ON followup_plans (municipality, last_day, first_day);
-- A person's active plans, and the plans whose quarantine is over.
CREATE INDEX followup_plans_person ON followup_plans (person_key, id) WHERE status = 'active';
CREATE INDEX followup_plans_last_day ON followup_plans (last_day) WHERE status = 'active';

-- The SMS outbox. plan_id is 0 for a message not sent for a plan;
-- next_attempt_at is the due time, the backoff or the lease of a message
-- being sent.
CREATE TABLE sms_outbox (
	id              INTEGER PRIMARY KEY,
	plan_id         INTEGER NOT NULL,
	receipt         TEXT NOT NULL,
	to_number       TEXT NOT NULL,
	language        TEXT NOT NULL,
	template        TEXT NOT NULL,
	body            TEXT NOT NULL,
	encoding        TEXT NOT NULL,
	segments        INTEGER NOT NULL,
	status          TEXT NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'delivered', 'failed', 'cancelled')),
	attempts        INTEGER NOT NULL,
	next_attempt_at TEXT NOT NULL,
	provider_id     TEXT NOT NULL,
	last_error      TEXT NOT NULL,
	sent_by         TEXT NOT NULL,
	created_at      TEXT NOT NULL,
	updated_at      TEXT NOT NULL,
	delivered_at    TEXT
) STRICT;

CREATE INDEX sms_outbox_due ON sms_outbox (next_attempt_at, id) WHERE status IN ('queued', 'sending');
CREATE INDEX sms_outbox_plan ON sms_outbox (plan_id, id);
CREATE INDEX sms_outbox_provider ON sms_outbox (provider_id) WHERE provider_id <> '';

CREATE TABLE sms_templates (
	key        TEXT NOT NULL,
	language   TEXT NOT NULL,
	body       TEXT NOT NULL,
	updated_by TEXT NOT NULL,
	updated_at TEXT NOT NULL,
	PRIMARY KEY (key, language)
) STRICT, WITHOUT ROWID;

-- Call reports are immutable; a correction is a new report whose corrects
-- names the one it replaces (0 when none), and a report is corrected at
-- most once. breaches is a comma-separated list of breach kinds, empty
-- when none; breach_suspected says whether it is empty.
CREATE TABLE call_reports (
	id               INTEGER PRIMARY KEY,
	plan_id          INTEGER NOT NULL REFERENCES followup_plans (id),
	receipt          TEXT NOT NULL,
	municipality     TEXT NOT NULL,
	operator         TEXT NOT NULL,
	outcome          TEXT NOT NULL,
	language         TEXT NOT NULL,
	interpreter      INTEGER NOT NULL,
	understood       TEXT NOT NULL,
	staying_at       TEXT NOT NULL,
	breaches         TEXT NOT NULL,
	breach_suspected INTEGER NOT NULL,
	breach_text      TEXT NOT NULL,
	employer_breach  INTEGER NOT NULL,
	employer_org     TEXT NOT NULL,
	employer_name    TEXT NOT NULL,
	employer_text    TEXT NOT NULL,
	corrects         INTEGER NOT NULL,
	created_at       TEXT NOT NULL
) STRICT;

CREATE INDEX call_reports_plan ON call_reports (plan_id, id);
CREATE INDEX call_reports_municipality ON call_reports (municipality, id);
CREATE UNIQUE INDEX call_reports_corrects ON call_reports (corrects) WHERE corrects <> 0;
CREATE INDEX call_reports_breaches ON call_reports (municipality, created_at) WHERE breach_suspected = 1;

CREATE TRIGGER call_reports_no_update BEFORE UPDATE ON call_reports
BEGIN
	SELECT RAISE(ABORT, 'call reports are immutable');
END;

CREATE TRIGGER call_reports_no_delete BEFORE DELETE ON call_reports
BEGIN
	SELECT RAISE(ABORT, 'call reports are immutable');
END;

-- Notices to the labour inspectorate (Arbeidstilsynet).
CREATE TABLE labour_notices (
	id            INTEGER PRIMARY KEY,
	report_id     INTEGER NOT NULL REFERENCES call_reports (id),
	org_number    TEXT NOT NULL,
	employer_name TEXT NOT NULL,
	suspicion     TEXT NOT NULL,
	municipality  TEXT NOT NULL,
	arrival_date  TEXT NOT NULL,
	created_at    TEXT NOT NULL
) STRICT;

CREATE INDEX labour_notices_created ON labour_notices (created_at, id);
CREATE INDEX labour_notices_org ON labour_notices (org_number, id);

-- A municipal user's choice of e-mail digest; last_report_id is the newest
-- report already mailed.
CREATE TABLE digest_prefs (
	user_id        INTEGER PRIMARY KEY,
	mode           TEXT NOT NULL CHECK (mode IN ('off', 'daily', 'immediate')),
	last_report_id INTEGER NOT NULL,
	last_sent_at   TEXT
) STRICT;
