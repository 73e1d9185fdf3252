-- The audit trail's search indexes leave the commit path (issue 3: the
-- overhead of audit on a registration list). Appending an entry used to
-- write the audit table's last page and the last pages of four indexes, and
-- the background indexer wrote a row of audit_subjects for every receipt of
-- every entry. Now an append writes the audit table alone; the background
-- indexer fills, in batches, audit_keys for the actor, action, object and
-- time, and audit_subject_blocks for the receipts. As before, audit_indexed
-- says how far both reach, and a search reads the few later entries
-- directly.
DROP INDEX audit_actor;
DROP INDEX audit_action;
DROP INDEX audit_object;
DROP INDEX audit_at;

-- audit_keys holds a row per entry for each of 'actor:' || actor,
-- 'action:' || action, 'object:' || object and 'at:' || at. The keys of an
-- actor, action or object are appended where earlier ones of the same key
-- end, so a batch of entries rewrites few pages.
CREATE TABLE audit_keys (
	key TEXT NOT NULL,
	seq INTEGER NOT NULL,
	PRIMARY KEY (key, seq)
) STRICT, WITHOUT ROWID;

INSERT INTO audit_keys (key, seq)
SELECT 'actor:' || actor, seq FROM audit WHERE seq <= (SELECT seq FROM audit_indexed WHERE id = 1)
UNION ALL
SELECT 'action:' || action, seq FROM audit WHERE seq <= (SELECT seq FROM audit_indexed WHERE id = 1)
UNION ALL
SELECT 'object:' || object, seq FROM audit WHERE seq <= (SELECT seq FROM audit_indexed WHERE id = 1)
UNION ALL
SELECT 'at:' || at, seq FROM audit WHERE seq <= (SELECT seq FROM audit_indexed WHERE id = 1);

-- audit_subject_blocks says which blocks of 256 entries (block = seq / 256)
-- name a receipt among their subjects; a search reads the block's entries
-- and keeps those that name it. A receipt shown again and again, as the
-- first page of a municipality's list is, costs one row per block rather
-- than one per entry.
CREATE TABLE audit_subject_blocks (
	receipt TEXT NOT NULL,
	block   INTEGER NOT NULL,
	PRIMARY KEY (receipt, block)
) STRICT, WITHOUT ROWID;

INSERT INTO audit_subject_blocks (receipt, block)
SELECT DISTINCT receipt, seq / 256 FROM audit_subjects;

DROP TRIGGER audit_subjects_no_update;
DROP TRIGGER audit_subjects_no_delete;
DROP TABLE audit_subjects;

CREATE TRIGGER audit_keys_no_update BEFORE UPDATE ON audit_keys
BEGIN
	SELECT RAISE(ABORT, 'the audit trail is append-only');
END;

CREATE TRIGGER audit_keys_no_delete BEFORE DELETE ON audit_keys
BEGIN
	SELECT RAISE(ABORT, 'the audit trail is append-only');
END;

CREATE TRIGGER audit_subject_blocks_no_update BEFORE UPDATE ON audit_subject_blocks
BEGIN
	SELECT RAISE(ABORT, 'the audit trail is append-only');
END;

CREATE TRIGGER audit_subject_blocks_no_delete BEFORE DELETE ON audit_subject_blocks
BEGIN
	SELECT RAISE(ABORT, 'the audit trail is append-only');
END;
