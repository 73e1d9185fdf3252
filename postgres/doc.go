// Package postgres stores the register in PostgreSQL through pgx and its
// connection pool: jsonb for the registration and decision, timestamptz for
// instants, triggers that refuse UPDATE, DELETE and TRUNCATE of
// registrations, and embedded migrations (migrations/*.sql) recorded in
// schema_migrations and run under an advisory lock. Idempotency keys are
// claimed with INSERT ... ON CONFLICT DO NOTHING, so concurrent retries with
// one key store one registration.
package postgres
