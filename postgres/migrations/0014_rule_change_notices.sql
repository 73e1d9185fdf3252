-- A rule change reaches everyone it concerns, once. An impact run keeps
-- looking at the registrations made after it was computed (swept_to is the
-- creation instant it has looked up to, added how many changes it found
-- among them), and a final run at or after the instant the version takes
-- effect re-evaluates every active quarantine once more (final_at,
-- final_evaluated).
ALTER TABLE impact_runs ADD COLUMN swept_to timestamptz;
ALTER TABLE impact_runs ADD COLUMN added integer NOT NULL DEFAULT 0;
ALTER TABLE impact_runs ADD COLUMN final_at timestamptz;
ALTER TABLE impact_runs ADD COLUMN final_evaluated integer NOT NULL DEFAULT 0;

UPDATE impact_runs SET swept_to = computed_at;

-- One rule-change SMS per registration and rule version: a traveller is
-- told by whichever run and process inserts the notice first, in the
-- transaction that puts the SMS on the outbox; a concurrent insert of the
-- same key waits for that transaction and then finds the key taken
-- (ON CONFLICT DO NOTHING). Runs notified before this table existed are
-- recorded here.
CREATE TABLE rule_change_notices (
	rule_id    text NOT NULL,
	receipt    text COLLATE "C" NOT NULL,
	run_id     bigint NOT NULL REFERENCES impact_runs (id),
	created_at timestamptz NOT NULL,
	PRIMARY KEY (rule_id, receipt)
);

INSERT INTO rule_change_notices (rule_id, receipt, run_id, created_at)
SELECT r.rule_id, c.receipt, MIN(r.id), MIN(r.notified_at)
FROM impact_runs r JOIN impact_changes c ON c.run_id = r.id
WHERE r.notified_at IS NOT NULL
GROUP BY r.rule_id, c.receipt;
