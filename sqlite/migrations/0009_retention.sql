-- Retention (issue 19): registrations and call reports may be deleted only
-- by the purge, which inserts the one row of purge_gate at the start of its
-- transaction and removes it before committing. With one writer connection
-- no other statement ever sees the row.
CREATE TABLE purge_gate (
	id INTEGER PRIMARY KEY CHECK (id = 1)
) STRICT;

DROP TRIGGER registrations_no_delete;
CREATE TRIGGER registrations_no_delete BEFORE DELETE ON registrations
WHEN NOT EXISTS (SELECT 1 FROM purge_gate)
BEGIN
	SELECT RAISE(ABORT, 'registrations are immutable; only the retention purge deletes them');
END;

DROP TRIGGER call_reports_no_delete;
CREATE TRIGGER call_reports_no_delete BEFORE DELETE ON call_reports
WHEN NOT EXISTS (SELECT 1 FROM purge_gate)
BEGIN
	SELECT RAISE(ABORT, 'call reports are immutable; only the retention purge deletes them');
END;

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
	month        TEXT NOT NULL,
	municipality TEXT NOT NULL,
	key          TEXT NOT NULL,
	count        INTEGER NOT NULL,
	PRIMARY KEY (month, municipality, key)
) STRICT, WITHOUT ROWID;

-- One purge per day across every instance: the instance that claims the
-- day runs it; another may take it over once the lease has lapsed.
CREATE TABLE purge_days (
	day         TEXT PRIMARY KEY,
	runner      TEXT NOT NULL,
	lease_until TEXT NOT NULL,
	started_at  TEXT NOT NULL,
	finished_at TEXT,
	purged      INTEGER NOT NULL
) STRICT;

-- Legal holds (rettslig hold): the municipal officer keeps one person's
-- data past its period, with a reason and an end day. The receipts held
-- are every registration of the person when the hold was made.
CREATE TABLE legal_holds (
	id           INTEGER PRIMARY KEY,
	municipality TEXT NOT NULL,
	receipt      TEXT NOT NULL,
	reason       TEXT NOT NULL,
	until_day    TEXT NOT NULL,
	created_by   TEXT NOT NULL,
	created_at   TEXT NOT NULL,
	released_by  TEXT NOT NULL,
	released_at  TEXT
) STRICT;

CREATE INDEX legal_holds_municipality ON legal_holds (municipality, until_day, id);

CREATE TABLE legal_hold_receipts (
	hold_id INTEGER NOT NULL REFERENCES legal_holds (id),
	receipt TEXT NOT NULL,
	PRIMARY KEY (receipt, hold_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX legal_hold_receipts_hold ON legal_hold_receipts (hold_id);
