// Package postgres stores the register in PostgreSQL through pgx and its
// connection pool: jsonb for the registration and decision, timestamptz for
// instants, triggers that refuse UPDATE, DELETE and TRUNCATE of
// registrations and of the audit trail, and embedded migrations
// (migrations/*.sql) recorded in schema_migrations and run under an advisory
// lock. Idempotency keys are claimed with INSERT ... ON CONFLICT DO NOTHING,
// so concurrent retries with one key store one registration. The staff store
// numbers audit entries from a one-row head locked with SELECT ... FOR
// UPDATE, so that concurrent appends serialise without gaps, and refuses
// duplicates with ON CONFLICT DO NOTHING so that a conflict leaves the
// transaction usable.
package postgres
