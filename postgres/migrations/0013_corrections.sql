-- Requests from citizens to correct their data (GDPR art. 16), each a case
-- for citizen support. receipt names the registration concerned ('' for
-- none); closed requests are deleted with citizen cases (retention policy).
CREATE TABLE correction_requests (
	id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	national_id text NOT NULL,
	receipt     text NOT NULL,
	text        text NOT NULL,
	status      text NOT NULL CHECK (status IN ('open', 'closed')),
	answer      text NOT NULL,
	closed_by   text NOT NULL,
	created_at  timestamptz NOT NULL,
	closed_at   timestamptz
);

CREATE INDEX correction_requests_open ON correction_requests (created_at) WHERE status = 'open';
CREATE INDEX correction_requests_person ON correction_requests (national_id);
