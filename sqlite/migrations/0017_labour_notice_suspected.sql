-- expand: new columns with defaults; the previous release runs on this schema.
-- What the operator suspected of an employer, chosen from a fixed list
-- (beredskap.EmployerSuspicions), comma-separated, empty when none: on the
-- call report, and on the labour notice made from it. A notice made before
-- has none, and its operator's words stay in suspicion.
ALTER TABLE call_reports ADD COLUMN employer_suspected TEXT NOT NULL DEFAULT '';
ALTER TABLE labour_notices ADD COLUMN suspected TEXT NOT NULL DEFAULT '';
