-- The receipts an audit entry names are found through a GIN index on
-- audit.subjects instead of a row per receipt in audit_subjects (issue 3:
-- the overhead of audit on a registration list). A list of 50 wrote 50
-- rows and 50 index entries at scattered places in the same transaction;
-- the GIN index takes an entry's receipts into its pending list in one
-- write, and autovacuum merges them into the index later. Searches ask for
-- subjects @> ARRAY[receipt].
CREATE INDEX audit_subjects_gin ON audit USING gin (subjects);

DROP TABLE audit_subjects;
