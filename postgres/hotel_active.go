package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"beredskap"
)

// activeBatch is how many rows ActiveRegistrations hands from the reader to
// a decoder at once.
const activeBatch = 256

// rawRegistration is a registration row as read, its JSON not yet decoded.
type rawRegistration struct {
	receipt, municipality string
	createdAt             time.Time
	registration          []byte
	decision              []byte
}

// decodedBatch is a batch of decoded registrations, or the error that
// decoding one of them met.
type decodedBatch struct {
	regs []*beredskap.StoredRegistration
	err  error
}

// ActiveRegistrations calls fn with every registration whose quarantine
// ends on day or later and whose arrival is before until, in no set order,
// and stops at fn's first error, which it returns as it is. A day that
// does not parse is EINVALID.
//
// It reads the rows of one read-only repeatable read transaction, so that
// the walk sees one snapshot however long it takes, over the index on
// quarantine_last_day. Turning the stored JSON into text on the server and
// decoding it here cost about as much as each other, so one goroutine
// streams the rows while GOMAXPROCS others decode them, and fn is called on
// the caller's goroutine, one registration at a time. When fn fails, the
// query is cancelled rather than read to its end.
func (s *StaffStore) ActiveRegistrations(ctx context.Context, day string, until time.Time,
	fn func(*beredskap.StoredRegistration) error) error {
	d, err := requiredDate("day", day)
	if err != nil {
		return fmt.Errorf("active registrations: %w", err)
	}
	tx, err := s.db.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return fmt.Errorf("active registrations: %w", s.db.unavailable(err))
	}
	defer tx.Rollback(context.Background())
	qctx, cancel := context.WithCancel(ctx)
	defer cancel()
	rows, err := tx.Query(qctx, `SELECT receipt, municipality, created_at, registration, decision
FROM registrations
WHERE quarantine_last_day >= $1 AND arrival_at < $2`, d, stamp(until))
	if err != nil {
		return fmt.Errorf("active registrations: %w", err)
	}

	workers := runtime.GOMAXPROCS(0)
	raw := make(chan []rawRegistration, 2*workers)
	decoded := make(chan decodedBatch, 2*workers)
	var readErr error
	go func() {
		defer close(raw)
		defer rows.Close()
		readErr = readRegistrations(qctx, rows, raw)
	}()
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for batch := range raw {
				select {
				case decoded <- decodeRegistrations(batch):
				case <-qctx.Done():
				}
			}
		}()
	}
	go func() {
		wg.Wait()
		close(decoded)
	}()

	var stop error
	for b := range decoded {
		if stop != nil {
			continue // drain, so that every goroutine ends
		}
		if b.err != nil {
			stop = fmt.Errorf("active registrations: %w", b.err)
			cancel()
			continue
		}
		for _, reg := range b.regs {
			if err := fn(reg); err != nil {
				stop = err
				cancel()
				break
			}
		}
	}
	// decoded is closed only after the reader has closed raw, so readErr
	// is final here.
	if stop != nil {
		return stop
	}
	if readErr != nil {
		return fmt.Errorf("active registrations: %w", readErr)
	}
	return nil
}

// readRegistrations scans rows into batches and sends them on out until
// the rows end, ctx is done or a row fails, and returns the error that
// ended it, if any.
func readRegistrations(ctx context.Context, rows pgx.Rows, out chan<- []rawRegistration) error {
	batch := make([]rawRegistration, 0, activeBatch)
	send := func() bool {
		select {
		case out <- batch:
			batch = make([]rawRegistration, 0, activeBatch)
			return true
		case <-ctx.Done():
			return false
		}
	}
	for rows.Next() {
		var r rawRegistration
		if err := rows.Scan(&r.receipt, &r.municipality, &r.createdAt, &r.registration, &r.decision); err != nil {
			return err
		}
		batch = append(batch, r)
		if len(batch) == activeBatch && !send() {
			return ctx.Err()
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(batch) > 0 && !send() {
		return ctx.Err()
	}
	return nil
}

// decodeRegistrations decodes the JSON of a batch of rows.
func decodeRegistrations(batch []rawRegistration) decodedBatch {
	regs := make([]*beredskap.StoredRegistration, len(batch))
	for i, r := range batch {
		reg := &beredskap.StoredRegistration{Receipt: r.receipt, Municipality: r.municipality, CreatedAt: r.createdAt.UTC()}
		if err := json.Unmarshal(r.registration, &reg.Registration); err != nil {
			return decodedBatch{err: fmt.Errorf("registration %s: %w", r.receipt, err)}
		}
		if err := json.Unmarshal(r.decision, &reg.Decision); err != nil {
			return decodedBatch{err: fmt.Errorf("registration %s: %w", r.receipt, err)}
		}
		regs[i] = reg
	}
	return decodedBatch{regs: regs}
}
