package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sync"

	"beredskap"
)

// maxBatch bounds how many registrations share one transaction.
const maxBatch = 64

// createOp is one registration waiting to be written.
type createOp struct {
	ctx context.Context
	n   beredskap.NewRegistration
	// cols are n's derived columns, made before the op waits for the
	// writer, so that the writer's turn holds only the writes.
	cols    columns
	reg     *beredskap.StoredRegistration
	created bool
	err     error
	// wake is signalled (buffered, never blocking the sender) when the op
	// is finished or it is the op's turn to lead.
	wake chan struct{}
	// taken and finished are guarded by groupCommit.mu: the op is in a
	// batch being written, and its result is set.
	taken, finished bool
}

// newCreateOp returns the op of writing n, whose columns are cols, for a
// caller with ctx.
func newCreateOp(ctx context.Context, n beredskap.NewRegistration, cols columns) *createOp {
	return &createOp{ctx: ctx, n: n, cols: cols, wake: make(chan struct{}, 1)}
}

// signal wakes the op's caller without blocking.
func (op *createOp) signal() {
	select {
	case op.wake <- struct{}{}:
	default: // a wake is pending already; the caller rechecks its state
	}
}

// groupCommit writes concurrent registrations in shared transactions (group
// commit). SQLite has one writer, and most of a one-row transaction's cost
// is the commit, so registrations that arrive while a transaction runs are
// written together in the next one, each under its own savepoint so that
// one failing registration leaves the others intact. There is no background
// goroutine: the first caller to find no transaction running leads. A
// leader writes one batch, the oldest waiting registrations (its own
// first), and hands the lead to the oldest caller still waiting, so that no
// caller writes others' batches while its own answer waits. A caller whose
// context ends before its registration is taken into a batch leaves the
// queue; one already taken waits for its batch, which one transaction
// bounds. A panic while writing fails the batch and still hands the lead
// on, then goes on up the leader's stack.
type groupCommit struct {
	mu      sync.Mutex
	pending []*createOp
	// leader is the op whose caller writes the next batch, nil when no
	// batch is being written.
	leader *createOp
}

// do writes op, alone or with others, and returns when it is committed or
// has failed; op.err holds the context's error when op's context ended
// before it was taken into a batch.
func (g *groupCommit) do(op *createOp, write func([]*createOp)) {
	g.mu.Lock()
	g.pending = append(g.pending, op)
	if g.leader == nil {
		g.leader = op
	}
	for g.leader != op && !op.finished {
		g.mu.Unlock()
		select {
		case <-op.wake:
		case <-op.ctx.Done():
			g.mu.Lock()
			if !op.taken && !op.finished && g.leader != op {
				g.pending = slices.DeleteFunc(g.pending, func(o *createOp) bool { return o == op })
				op.err, op.finished = op.ctx.Err(), true
				g.mu.Unlock()
				return
			}
			g.mu.Unlock()
			<-op.wake // taken (its batch ends within one transaction) or leading now
		}
		g.mu.Lock()
	}
	if op.finished {
		g.mu.Unlock()
		return
	}
	g.lead(op, write)
}

// lead writes batches, with g.mu held on entry, until op (the leader's own)
// is written, then hands the lead on and unlocks g.mu.
func (g *groupCommit) lead(op *createOp, write func([]*createOp)) {
	var panicked any
	for !op.finished && panicked == nil {
		batch := g.pending[:min(len(g.pending), maxBatch)]
		g.pending = g.pending[len(batch):]
		for _, o := range batch {
			o.taken = true
		}
		g.mu.Unlock()
		panicked = writeRecovering(batch, write)
		g.mu.Lock()
		for _, o := range batch {
			o.finished = true
			if o != op {
				o.signal()
			}
		}
	}
	g.leader = nil
	if len(g.pending) > 0 {
		g.leader = g.pending[0]
		g.leader.signal()
	}
	g.mu.Unlock()
	if panicked != nil {
		panic(panicked)
	}
}

// writeRecovering calls write(batch) and returns what it panicked with,
// after failing every registration of the batch, or nil.
func writeRecovering(batch []*createOp, write func([]*createOp)) (panicked any) {
	defer func() {
		if panicked = recover(); panicked != nil {
			for _, o := range batch {
				o.reg, o.created, o.err = nil, false, fmt.Errorf("write registrations: panic: %v", panicked)
			}
		}
	}()
	write(batch)
	return nil
}

// writeBatch writes a batch in one transaction. A registration refused
// before it writes anything (its idempotency key was used for another
// registration) fails alone. Any other failure rolls the transaction back,
// and each registration of the batch is then written again in a
// transaction of its own, so that one failing registration neither undoes
// nor fails the others. (A savepoint around each registration did the same
// at the price of two more statements, and their journal, for every
// registration of every batch.)
func (s *RegistrationService) writeBatch(batch []*createOp) {
	// One caller's cancelled context must not undo the others' writes.
	ctx := context.WithoutCancel(batch[0].ctx)
	err := s.db.inWriteTx(ctx, func(tx *sql.Tx) error {
		stmts := s.db.txStatements(ctx, tx)
		for _, op := range batch {
			if op.err = op.ctx.Err(); op.err != nil {
				continue
			}
			op.reg, op.created, op.err = s.create(ctx, stmts, op.n, op.cols)
			var refused *beredskap.Error
			if op.err != nil && !errors.As(op.err, &refused) {
				return op.err
			}
		}
		return nil
	})
	if err == nil {
		return
	}
	if len(batch) == 1 {
		op := batch[0]
		op.reg, op.created, op.err = nil, false, err
		return
	}
	for _, op := range batch {
		op.reg, op.created, op.err = nil, false, nil
		s.writeBatch([]*createOp{op})
	}
}
