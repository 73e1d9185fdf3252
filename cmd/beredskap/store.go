package main

import (
	"context"
	"log/slog"
	"strings"
	"time"

	"beredskap"
	"beredskap/auditlog"
	"beredskap/postgres"
	"beredskap/sqlite"
)

// store is an open database and the services built on it.
type store struct {
	registrations beredskap.RegistrationService
	staff         beredskap.StaffStore
	citizens      beredskap.CitizenStore
	followUp      beredskap.FollowUpStore
	hotels        beredskap.HotelStore
	audit         auditlog.Source
	retention     beredskap.RetentionStore
	// backup writes a copy of a SQLite database to a file; nil for
	// PostgreSQL, whose backups are the operator's (docs/backups.md).
	backup func(ctx context.Context, path string) error
	// now is the real time the stores run on: PostgreSQL's server time
	// as this process sees it (shared by every instance), or the local
	// clock for SQLite.
	now beredskap.Clock
	// registerClock, when not nil, returns a clock running from an
	// instant, shared by every process on the database (--register-now).
	registerClock func(context.Context, time.Time) (beredskap.Clock, error)
	// leader chooses the one process that runs each background job.
	leader        beredskap.Leadership
	ping          func(context.Context) error
	schemaVersion func(context.Context) (int, error)
	close         func() error
	kind          string
}

// openStore opens a PostgreSQL database for a postgres:// or postgresql://
// URL, and a SQLite file otherwise; both run their migrations on open.
// The stores run on clock; nil means the real time, which for PostgreSQL
// is the server's clock (postgres.DB.Now), so that every instance agrees
// on leases. logger (nil: none) logs the store's background work.
func openStore(ctx context.Context, dsn string, clock beredskap.Clock, logger *slog.Logger) (*store, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		db, err := postgres.Open(ctx, dsn)
		if err != nil {
			return nil, err
		}
		db.Logger = logger
		if clock == nil {
			clock = db.Now
		}
		staffStore := postgres.NewStaffStore(db, clock)
		return &store{
			registrations: postgres.NewRegistrationService(db, clock),
			staff:         staffStore,
			citizens:      staffStore,
			followUp:      staffStore,
			hotels:        staffStore,
			audit:         staffStore,
			retention:     staffStore,
			now:           clock,
			registerClock: db.RegisterClock,
			leader:        db,
			ping:          db.Ping,
			schemaVersion: db.SchemaVersion,
			close:         db.Close,
			kind:          "postgres",
		}, nil
	}
	db, err := sqlite.Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	if clock == nil {
		clock = time.Now
	}
	staffStore := sqlite.NewStaffStore(db, clock)
	return &store{
		registrations: sqlite.NewRegistrationService(db, clock),
		staff:         staffStore,
		citizens:      staffStore,
		followUp:      staffStore,
		hotels:        staffStore,
		audit:         staffStore,
		retention:     staffStore,
		backup:        db.Backup,
		now:           clock,
		leader:        db,
		ping:          db.Ping,
		schemaVersion: db.SchemaVersion,
		close:         db.Close,
		kind:          "sqlite",
	}, nil
}

// redactDSN hides the password of a database URL so that it can be logged.
func redactDSN(dsn string) string {
	scheme, rest, ok := strings.Cut(dsn, "://")
	if !ok {
		return dsn
	}
	userinfo, host, ok := strings.Cut(rest, "@")
	if !ok {
		return dsn
	}
	user, _, hasPass := strings.Cut(userinfo, ":")
	if !hasPass {
		return dsn
	}
	return scheme + "://" + user + ":xxxxx@" + host
}
