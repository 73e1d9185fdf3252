-- expand: a new table; the previous release runs on this schema.
-- The register clock of demos (--register-now) that every process on the
-- database shares: the register instant it runs from and the server's
-- time when the first process started it.
CREATE TABLE register_clock (
	id          boolean PRIMARY KEY DEFAULT true CHECK (id),
	register_at timestamptz NOT NULL,
	started_at  timestamptz NOT NULL
);
