package sqlite

import (
	"context"
	"database/sql"
	"sync"

	"beredskap"
)

// maxBatch bounds how many registrations share one transaction.
const maxBatch = 64

// createOp is one registration waiting to be written.
type createOp struct {
	ctx     context.Context
	n       beredskap.NewRegistration
	reg     *beredskap.StoredRegistration
	created bool
	err     error
	done    chan struct{}
}

// groupCommit writes concurrent registrations in shared transactions (group
// commit). SQLite has one writer, and most of a one-row transaction's cost
// is the commit, so registrations that arrive while a transaction runs are
// written together in the next one, each under its own savepoint so that
// one failing registration leaves the others intact. There is no background
// goroutine: the first caller to find no transaction running leads, and
// writes batches until none are waiting.
type groupCommit struct {
	mu      sync.Mutex
	pending []*createOp
	leading bool
}

// do writes op, alone or with others, and returns when it is committed or
// has failed.
func (g *groupCommit) do(op *createOp, write func([]*createOp)) {
	g.mu.Lock()
	g.pending = append(g.pending, op)
	if g.leading {
		g.mu.Unlock()
		<-op.done
		return
	}
	g.leading = true
	for len(g.pending) > 0 {
		batch := g.pending
		if len(batch) > maxBatch {
			batch = batch[:maxBatch]
		}
		g.pending = g.pending[len(batch):]
		g.mu.Unlock()
		write(batch)
		for _, o := range batch {
			close(o.done)
		}
		g.mu.Lock()
	}
	g.leading = false
	g.mu.Unlock()
}

// writeBatch writes a batch in one transaction, each registration under a
// savepoint. When the commit fails, every registration of the batch fails.
func (s *RegistrationService) writeBatch(batch []*createOp) {
	// One caller's cancelled context must not undo the others' writes.
	ctx := context.WithoutCancel(batch[0].ctx)
	err := s.db.inWriteTx(ctx, func(tx *sql.Tx) error {
		for _, op := range batch {
			if op.err = op.ctx.Err(); op.err != nil {
				continue
			}
			op.reg, op.created, op.err = s.createSavepoint(ctx, tx, op.n)
		}
		return nil
	})
	if err != nil {
		for _, op := range batch {
			op.reg, op.created, op.err = nil, false, err
		}
	}
}

// createSavepoint runs create under a savepoint and rolls back to it when
// create fails, so that the transaction stays usable for the rest.
func (s *RegistrationService) createSavepoint(ctx context.Context, tx *sql.Tx, n beredskap.NewRegistration) (*beredskap.StoredRegistration, bool, error) {
	if _, err := tx.ExecContext(ctx, "SAVEPOINT registration"); err != nil {
		return nil, false, err
	}
	reg, created, err := s.create(ctx, tx, n)
	if err != nil {
		if _, rbErr := tx.ExecContext(ctx, "ROLLBACK TO registration"); rbErr != nil {
			return nil, false, rbErr
		}
	}
	if _, relErr := tx.ExecContext(ctx, "RELEASE registration"); relErr != nil && err == nil {
		return nil, false, relErr
	}
	return reg, created, err
}
