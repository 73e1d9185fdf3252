-- A rule change reaches everyone it concerns, once. An impact run keeps
-- looking at the registrations made after it was computed (swept_to is the
-- creation instant it has looked up to, added how many changes it found
-- among them), and a final run at or after the instant the version takes
-- effect re-evaluates every active quarantine once more (final_at,
-- final_evaluated).
ALTER TABLE impact_runs ADD COLUMN swept_to TEXT;
ALTER TABLE impact_runs ADD COLUMN added INTEGER NOT NULL DEFAULT 0;
ALTER TABLE impact_runs ADD COLUMN final_at TEXT;
ALTER TABLE impact_runs ADD COLUMN final_evaluated INTEGER NOT NULL DEFAULT 0;

UPDATE impact_runs SET swept_to = computed_at;

-- One rule-change SMS per registration and rule version: a traveller is
-- told by whichever run and process records the notice first, in the
-- transaction that puts the SMS on the outbox; everyone else finds the
-- key taken. Runs notified before this table existed are recorded here.
CREATE TABLE rule_change_notices (
	rule_id    TEXT NOT NULL,
	receipt    TEXT NOT NULL,
	run_id     INTEGER NOT NULL REFERENCES impact_runs (id),
	created_at TEXT NOT NULL,
	PRIMARY KEY (rule_id, receipt)
) STRICT, WITHOUT ROWID;

INSERT INTO rule_change_notices (rule_id, receipt, run_id, created_at)
SELECT r.rule_id, c.receipt, MIN(r.id), MIN(r.notified_at)
FROM impact_runs r JOIN impact_changes c ON c.run_id = r.id
WHERE r.notified_at IS NOT NULL
GROUP BY r.rule_id, c.receipt;
