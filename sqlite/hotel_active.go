package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"runtime"
	"time"

	"beredskap"
)

// activeBatch is how many rows ActiveRegistrations hands a decoder at once.
const activeBatch = 256

// rawRegistration is a row of selectRegistration, not yet decoded. The
// driver gives TEXT columns as strings, so that scanning them into strings
// copies them once.
type rawRegistration struct {
	receipt, municipality, createdAt string
	registration, decision           string
}

// decodedBatch is a batch of registrations a decoder made, or the error
// it met.
type decodedBatch struct {
	regs []*beredskap.StoredRegistration
	err  error
}

// ActiveRegistrations calls fn with every registration whose quarantine's
// last day is day or later, whose arrival is before until and which was
// created at or after since (all when since is zero), in no set order,
// one call at a time. One goroutine reads the rows in one read transaction
// on the read pool, so that it sees one snapshot and holds up no writer;
// decoders, one per processor, decode them (the JSON is most of the work)
// while fn runs on the caller's goroutine. At most a few batches are in
// memory at once. It stops at fn's first error and returns it as it is,
// after the reader and decoders have ended. A day that is not a date
// is EINVALID.
func (s *StaffStore) ActiveRegistrations(ctx context.Context, day string, until, since time.Time, fn func(*beredskap.StoredRegistration) error) error {
	if _, err := time.Parse(time.DateOnly, day); err != nil {
		return fmt.Errorf("active registrations: %w", beredskap.Invalid("day", "malformed", "is not a date written YYYY-MM-DD"))
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	workers := max(1, runtime.GOMAXPROCS(0))
	raw := make(chan []rawRegistration, workers)
	decoded := make(chan decodedBatch, workers)
	var readErr error
	go func() {
		defer close(raw)
		readErr = s.readActive(ctx, day, until, since, raw)
	}()
	done := make(chan struct{})
	for range workers {
		go func() {
			defer func() { done <- struct{}{} }()
			var dec activeDecoder
			for batch := range raw {
				if ctx.Err() != nil {
					continue // drain until the reader stops
				}
				d := dec.decode(batch)
				select {
				case decoded <- d:
				case <-ctx.Done():
				}
			}
		}()
	}
	go func() {
		for range workers {
			<-done
		}
		close(decoded)
	}()

	var err error
	for d := range decoded {
		if err != nil {
			continue // drain until the decoders stop
		}
		if d.err != nil {
			err = fmt.Errorf("active registrations: %w", d.err)
			cancel()
			continue
		}
		for _, reg := range d.regs {
			if err = fn(reg); err != nil {
				cancel()
				break
			}
		}
	}
	if err != nil {
		return err
	}
	if readErr != nil {
		return fmt.Errorf("active registrations: %w", readErr)
	}
	return nil
}

// readActive reads the rows of ActiveRegistrations in one read transaction
// and sends them to out in batches, until they end or ctx is done.
func (s *StaffStore) readActive(ctx context.Context, day string, until, since time.Time, out chan<- []rawRegistration) error {
	tx, err := s.db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	defer tx.Rollback()
	query, args := selectRegistration+`
WHERE quarantine_last_day >= ? AND arrival_at < ?`, []any{day, fmtTime(until)}
	if !since.IsZero() {
		query += ` AND created_at >= ?`
		args = append(args, fmtTime(since))
	}
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	batch := make([]rawRegistration, 0, activeBatch)
	send := func() error {
		select {
		case out <- batch:
			batch = make([]rawRegistration, 0, activeBatch)
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	for rows.Next() {
		var r rawRegistration
		if err := rows.Scan(&r.receipt, &r.municipality, &r.createdAt, &r.registration, &r.decision); err != nil {
			return err
		}
		batch = append(batch, r)
		if len(batch) == activeBatch {
			if err := send(); err != nil {
				return err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(batch) > 0 {
		return send()
	}
	return nil
}

// activeDecoder decodes batches of rows, reusing its buffers for the JSON
// columns (the decoded values keep no reference to them).
type activeDecoder struct {
	r, d []byte
}

// decode decodes a batch of rows.
func (a *activeDecoder) decode(batch []rawRegistration) decodedBatch {
	regs := make([]beredskap.StoredRegistration, len(batch))
	out := make([]*beredskap.StoredRegistration, len(batch))
	for i := range batch {
		raw, reg := &batch[i], &regs[i]
		reg.Receipt, reg.Municipality = raw.receipt, raw.municipality
		a.r, a.d = append(a.r[:0], raw.registration...), append(a.d[:0], raw.decision...)
		if err := decodeRegistration(reg, raw.createdAt, a.r, a.d); err != nil {
			return decodedBatch{err: err}
		}
		out[i] = reg
	}
	return decodedBatch{regs: out}
}
