package postgres

import (
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5/pgconn"

	"beredskap"
)

// SQLSTATEs and classes that mean the server cannot take the work now: it
// is a standby or read-only (read_only_sql_transaction), shutting down or
// starting (operator intervention), or the connection failed.
const (
	readOnlyTransaction = "25006"
	classConnection     = "08"
	classOperator       = "57P"
	tooManyConnections  = "53300"
)

// errUnavailable is the domain error of a database that cannot take work
// now; the HTTP layer answers it with 503 and Retry-After.
var errUnavailable = &beredskap.Error{Code: beredskap.EUNAVAILABLE,
	Message: "the database is not available at the moment; try again shortly"}

// isUnavailable reports whether err means that the server cannot take work
// now (see the SQLSTATEs above) or could not be reached, as opposed to a
// fault in the work itself.
func isUnavailable(err error) bool {
	if err == nil {
		return false
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == readOnlyTransaction || pe.Code == tooManyConnections ||
			strings.HasPrefix(pe.Code, classConnection) || strings.HasPrefix(pe.Code, classOperator)
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	return errors.As(err, &ce) || errors.As(err, &ne) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, net.ErrClosed) || pgconn.SafeToRetry(err) || strings.Contains(err.Error(), "conn closed")
}

// unavailable returns err marked EUNAVAILABLE when it means that the
// database cannot take work now and is not a domain error already, and
// err otherwise. A read-only server means the pool holds connections to a
// demoted primary: they are dropped, so that new ones go to the primary.
func (db *DB) unavailable(err error) error {
	if err == nil || beredskap.ErrorCode(err) != beredskap.EINTERNAL || !isUnavailable(err) {
		return err
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == readOnlyTransaction {
		db.pool.Reset()
	}
	return fmt.Errorf("%w: %w", errUnavailable, err)
}

// syncWaits remembers the connections whose last commit's wait for the
// synchronous standby was cancelled: such a commit stands on the primary
// but may be missing on the standby that a failover promotes.
type syncWaits struct {
	mu        sync.Mutex
	cancelled map[*pgconn.PgConn]bool
}

// notice is the pool's notice handler: it records the warning PostgreSQL
// sends when the wait for the synchronous standby is cancelled.
func (w *syncWaits) notice(c *pgconn.PgConn, n *pgconn.Notice) {
	if n.Severity != "WARNING" || !strings.Contains(n.Message, "wait for synchronous replication") {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.cancelled == nil {
		w.cancelled = map[*pgconn.PgConn]bool{}
	}
	w.cancelled[c] = true
}

// take reports whether the wait of c's last commit was cancelled, and
// forgets it.
func (w *syncWaits) take(c *pgconn.PgConn) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	was := w.cancelled[c]
	delete(w.cancelled, c)
	return was
}
