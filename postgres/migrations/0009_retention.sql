-- Retention (issue 19): registrations and call reports may be deleted only
-- by the purge, which sets beredskap.purge to 'on' for its own transaction
-- (SET LOCAL). UPDATE and TRUNCATE stay refused.
CREATE OR REPLACE FUNCTION registrations_immutable() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'DELETE' AND current_setting('beredskap.purge', true) = 'on' THEN
		RETURN OLD;
	END IF;
	RAISE EXCEPTION 'registrations are immutable; only the retention purge deletes them' USING ERRCODE = 'restrict_violation';
END
$$;

CREATE OR REPLACE FUNCTION call_reports_immutable() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'DELETE' AND current_setting('beredskap.purge', true) = 'on' THEN
		RETURN OLD;
	END IF;
	RAISE EXCEPTION 'call reports are immutable; only the retention purge deletes them' USING ERRCODE = 'restrict_violation';
END
$$;

-- The purge finds registrations by arrival, and what belongs to them by
-- receipt.
CREATE INDEX registrations_arrival ON registrations (arrival_at);
CREATE INDEX idempotency_receipt ON idempotency (receipt);
CREATE INDEX labour_notices_report ON labour_notices (report_id);
CREATE INDEX impact_changes_receipt ON impact_changes (receipt);
CREATE INDEX call_reports_receipt ON call_reports (receipt);
CREATE INDEX sms_outbox_receipt ON sms_outbox (receipt);
CREATE INDEX access_cases_closed ON access_cases (closed_at) WHERE closed_at IS NOT NULL;

-- Counts of what the purge deleted, per arrival month (UTC) and
-- municipality, so that statistics still add up: live rows plus these.
CREATE TABLE retention_counts (
	month        text NOT NULL,
	municipality text NOT NULL,
	key          text NOT NULL,
	count        bigint NOT NULL,
	PRIMARY KEY (month, municipality, key)
);

-- One purge per day across every instance: the instance that claims the
-- day runs it; another may take it over once the lease has lapsed.
CREATE TABLE purge_days (
	day         date PRIMARY KEY,
	runner      text NOT NULL,
	lease_until timestamptz NOT NULL,
	started_at  timestamptz NOT NULL,
	finished_at timestamptz,
	purged      bigint NOT NULL
);

-- Legal holds (rettslig hold): the municipal officer keeps one person's
-- data past its period, with a reason and an end day. The receipts held
-- are every registration of the person when the hold was made.
CREATE TABLE legal_holds (
	id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	municipality text NOT NULL,
	receipt      text NOT NULL,
	reason       text NOT NULL,
	until_day    date NOT NULL,
	created_by   text NOT NULL,
	created_at   timestamptz NOT NULL,
	released_by  text NOT NULL,
	released_at  timestamptz
);

CREATE INDEX legal_holds_municipality ON legal_holds (municipality, until_day, id);

CREATE TABLE legal_hold_receipts (
	hold_id bigint NOT NULL REFERENCES legal_holds (id),
	receipt text NOT NULL,
	PRIMARY KEY (receipt, hold_id)
);

CREATE INDEX legal_hold_receipts_hold ON legal_hold_receipts (hold_id);
