-- Staff users. E-mail is kept in lower case and is unique; a national
-- identity number, when given, is unique too (OpenID Connect matches on it).
CREATE TABLE users (
	id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	email          text NOT NULL UNIQUE CHECK (email = lower(email)),
	first_name     text NOT NULL,
	last_name      text NOT NULL,
	mobile         text NOT NULL,
	national_id    text NOT NULL,
	organisation   text NOT NULL,
	position       text NOT NULL,
	status         text NOT NULL,
	password_hash  text NOT NULL,
	totp_secret    text NOT NULL,
	totp_last_step bigint NOT NULL,
	failed_logins  integer NOT NULL,
	locked_until   timestamptz,
	created_at     timestamptz NOT NULL
);

CREATE UNIQUE INDEX users_national_id ON users (national_id) WHERE national_id <> '';

-- A grant gives a user a role in a scope for a time. Grants are ended, never
-- removed, so that the history of who could see what stays.
CREATE TABLE grants (
	id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	user_id     bigint NOT NULL REFERENCES users (id),
	role        text NOT NULL,
	scope_kind  text NOT NULL,
	scope_code  text NOT NULL,
	valid_from  timestamptz NOT NULL,
	valid_to    timestamptz,
	ended_at    timestamptz,
	provenance  text NOT NULL,
	ordered_by  text NOT NULL,
	approved_by text NOT NULL,
	created_at  timestamptz NOT NULL
);

CREATE INDEX grants_user ON grants (user_id, id);
CREATE INDEX grants_scope ON grants (scope_kind, scope_code, user_id);

-- Recovery codes, kept as SHA-256 hashes.
CREATE TABLE recovery_codes (
	user_id bigint NOT NULL REFERENCES users (id),
	hash    text NOT NULL,
	used_at timestamptz,
	PRIMARY KEY (user_id, hash)
);

-- One-time enrolment links, kept as the SHA-256 of their secret.
CREATE TABLE enrolments (
	hash       text PRIMARY KEY,
	user_id    bigint NOT NULL REFERENCES users (id),
	created_at timestamptz NOT NULL,
	expires_at timestamptz NOT NULL,
	used_at    timestamptz
);

CREATE INDEX enrolments_user ON enrolments (user_id);

-- Server-side sessions, keyed by the SHA-256 of the cookie's value. grant_id
-- is NULL until the second factor is done.
CREATE TABLE sessions (
	id           text PRIMARY KEY,
	user_id      bigint NOT NULL REFERENCES users (id),
	grant_id     bigint REFERENCES grants (id),
	stage        text NOT NULL,
	csrf_token   text NOT NULL,
	created_at   timestamptz NOT NULL,
	last_seen_at timestamptz NOT NULL,
	expires_at   timestamptz NOT NULL,
	address      text NOT NULL
);

CREATE INDEX sessions_user ON sessions (user_id);

-- API bearer tokens, kept as SHA-256 hashes.
CREATE TABLE api_tokens (
	id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	user_id      bigint NOT NULL REFERENCES users (id),
	grant_id     bigint REFERENCES grants (id),
	name         text NOT NULL,
	hash         text NOT NULL UNIQUE,
	created_at   timestamptz NOT NULL,
	expires_at   timestamptz,
	revoked_at   timestamptz,
	last_used_at timestamptz
);

CREATE INDEX api_tokens_user ON api_tokens (user_id, id);

-- Access orders (seed 000). At most one order per e-mail and municipality
-- may be open at a time; a decided order frees the pair again. user_id is
-- the user an approval created or changed; it is a record of the workflow,
-- not a reference the database enforces.
CREATE TABLE access_orders (
	id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	kind          text NOT NULL,
	status        text NOT NULL,
	first_name    text NOT NULL,
	last_name     text NOT NULL,
	email         text NOT NULL,
	mobile        text NOT NULL,
	county        text NOT NULL,
	municipality  text NOT NULL,
	position      text NOT NULL,
	role          text NOT NULL,
	service_need  text NOT NULL,
	valid_to      timestamptz,
	ordered_by    text NOT NULL,
	self_filed    boolean NOT NULL,
	officer_email text NOT NULL,
	confirmed_by  text NOT NULL,
	decided_by    text NOT NULL,
	reason        text NOT NULL,
	user_id       bigint,
	created_at    timestamptz NOT NULL,
	updated_at    timestamptz NOT NULL
);

CREATE UNIQUE INDEX access_orders_open ON access_orders (email, municipality)
	WHERE status IN ('awaiting_confirmation', 'pending');
CREATE INDEX access_orders_newest ON access_orders (created_at DESC, id DESC);
CREATE INDEX access_orders_municipality_newest ON access_orders (municipality, created_at DESC, id DESC);

-- The audit trail. Each entry's hash covers the hash before it (see
-- beredskap.AuditEntry.ChainHash). seq is given by the store from
-- audit_head, never by a sequence object, so that it has no gaps.
CREATE TABLE audit (
	seq        bigint PRIMARY KEY,
	at         timestamptz NOT NULL,
	actor      text NOT NULL,
	user_id    bigint NOT NULL,
	role       text NOT NULL,
	scope      text NOT NULL,
	action     text NOT NULL,
	object     text NOT NULL,
	subjects   text[] NOT NULL,
	outcome    text NOT NULL,
	detail     text NOT NULL,
	address    text NOT NULL,
	request_id text NOT NULL,
	prev_hash  text NOT NULL,
	hash       text NOT NULL
);

CREATE INDEX audit_actor ON audit (actor, seq);
CREATE INDEX audit_object ON audit (object, seq);
CREATE INDEX audit_action ON audit (action, seq);
CREATE INDEX audit_at ON audit (at, seq);

-- The receipts each entry touched, so that a person's entries are found
-- without reading the whole trail.
CREATE TABLE audit_subjects (
	receipt text NOT NULL,
	seq     bigint NOT NULL,
	PRIMARY KEY (receipt, seq)
);

-- The last entry's number and hash. Appending locks this one row, which
-- serialises appends in commit order.
CREATE TABLE audit_head (
	id   boolean PRIMARY KEY DEFAULT true CHECK (id),
	seq  bigint NOT NULL,
	hash text NOT NULL
);

INSERT INTO audit_head (id, seq, hash)
VALUES (true, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- The audit trail is append-only: no UPDATE, DELETE or TRUNCATE.
CREATE FUNCTION audit_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'the audit trail is append-only' USING ERRCODE = 'restrict_violation';
END
$$;

CREATE TRIGGER audit_no_update BEFORE UPDATE OR DELETE ON audit
	FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit
	FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_subjects_no_update BEFORE UPDATE OR DELETE ON audit_subjects
	FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_subjects_no_truncate BEFORE TRUNCATE ON audit_subjects
	FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head
	FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_head_no_truncate BEFORE TRUNCATE ON audit_head
	FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
