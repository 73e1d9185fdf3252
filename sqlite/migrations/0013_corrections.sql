-- Requests from citizens to correct their data (GDPR art. 16), each a case
-- for citizen support. receipt names the registration concerned ('' for
-- none); closed requests are deleted with citizen cases (retention policy).
CREATE TABLE correction_requests (
	id          INTEGER PRIMARY KEY,
	national_id TEXT NOT NULL,
	receipt     TEXT NOT NULL,
	text        TEXT NOT NULL,
	status      TEXT NOT NULL CHECK (status IN ('open', 'closed')),
	answer      TEXT NOT NULL,
	closed_by   TEXT NOT NULL,
	created_at  TEXT NOT NULL,
	closed_at   TEXT
) STRICT;

CREATE INDEX correction_requests_open ON correction_requests (created_at) WHERE status = 'open';
CREATE INDEX correction_requests_person ON correction_requests (national_id);
