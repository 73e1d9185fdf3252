package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/mod/sumdb/tlog"

	"beredskap"
	"beredskap/internal/audittree"
)

var _ beredskap.AuditTreeStore = (*StaffStore)(nil)

// signerLock is the key of the session advisory lock held by the one
// server that extends the audit tree and signs checkpoints.
const signerLock int64 = 0x6265726564_17

// AuditTreeSize returns how many entries are leaves of the audit tree and
// how many entries the trail has, from one snapshot.
func (s *StaffStore) AuditTreeSize(ctx context.Context) (tree, entries int64, err error) {
	err = s.db.pool.QueryRow(ctx, `SELECT (SELECT size FROM audit_tree_size), (SELECT seq FROM audit_head)`).Scan(&tree, &entries)
	if err != nil {
		return 0, 0, fmt.Errorf("audit tree size: %w", err)
	}
	return tree, entries, nil
}

// ReadHashes reads stored hashes of the audit tree by their tlog index
// (tlog.HashReader). An index the tree does not have is an error.
func (s *StaffStore) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	return readHashes(context.Background(), s.db.pool, indexes)
}

// querier is what readHashes needs of a pool or a transaction.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// readHashes reads stored hashes by index through q, in the order asked.
func readHashes(ctx context.Context, q querier, indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	if len(indexes) == 0 {
		return out, nil
	}
	rows, err := q.Query(ctx, `SELECT idx, hash FROM audit_tree WHERE idx = ANY($1)`, indexes)
	if err != nil {
		return nil, fmt.Errorf("read audit tree hashes: %w", err)
	}
	found := make(map[int64]tlog.Hash, len(indexes))
	var idx int64
	var h []byte
	_, err = pgx.ForEachRow(rows, []any{&idx, &h}, func() error {
		if len(h) != tlog.HashSize {
			return fmt.Errorf("hash %d has %d bytes", idx, len(h))
		}
		found[idx] = tlog.Hash(h)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read audit tree hashes: %w", err)
	}
	for i, x := range indexes {
		h, ok := found[x]
		if !ok {
			return nil, fmt.Errorf("read audit tree hashes: the tree has no hash %d", x)
		}
		out[i] = h
	}
	return out, nil
}

// ExtendAuditTree makes up to max of the entries after the tree's last
// leaf into leaves in one transaction, which locks the tree's size, and
// returns the tree's size. Entries commit in sequence order (appends
// serialise on audit_head), so the entries a snapshot sees have no gaps;
// a gap is an error all the same.
func (s *StaffStore) ExtendAuditTree(ctx context.Context, max int) (int64, error) {
	var size int64
	err := pgx.BeginFunc(ctx, s.db.pool, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `SELECT size FROM audit_tree_size FOR UPDATE`).Scan(&size); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT `+auditColumns+` FROM audit WHERE seq > $1 ORDER BY seq LIMIT $2`, size, max)
		if err != nil {
			return err
		}
		entries, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (*beredskap.AuditEntry, error) { return scanAudit(row) })
		if err != nil {
			return err
		}
		if len(entries) == 0 {
			return nil
		}
		leaves := make([]tlog.Hash, len(entries))
		for i, e := range entries {
			if want := size + int64(i) + 1; e.Seq != want {
				return fmt.Errorf("audit entry %d is missing", want)
			}
			leaves[i] = e.LeafHash()
		}
		r := tlog.HashReaderFunc(func(indexes []int64) ([]tlog.Hash, error) { return readHashes(ctx, tx, indexes) })
		hashes, err := audittree.Extend(size, leaves, r)
		if err != nil {
			return err
		}
		first := tlog.StoredHashIndex(0, size)
		idx := make([]int64, len(hashes))
		data := make([][]byte, len(hashes))
		for i := range hashes {
			idx[i], data[i] = first+int64(i), hashes[i][:]
		}
		if _, err := tx.Exec(ctx, `INSERT INTO audit_tree (idx, hash) SELECT * FROM unnest($1::bigint[], $2::bytea[])`, idx, data); err != nil {
			return err
		}
		size += int64(len(entries))
		_, err = tx.Exec(ctx, `UPDATE audit_tree_size SET size = $1`, size)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("extend audit tree: %w", err)
	}
	return size, nil
}

// SaveCheckpoint keeps a copy of a signed checkpoint of size leaves; a
// second copy of a size is ignored.
func (s *StaffStore) SaveCheckpoint(ctx context.Context, size int64, note []byte) error {
	if _, err := s.db.pool.Exec(ctx, `INSERT INTO audit_checkpoints (size, note) VALUES ($1, $2) ON CONFLICT DO NOTHING`, size, note); err != nil {
		return fmt.Errorf("save checkpoint: %w", err)
	}
	return nil
}

// LatestCheckpoint returns the copy of the largest checkpoint kept, or nil.
func (s *StaffStore) LatestCheckpoint(ctx context.Context) ([]byte, error) {
	var note []byte
	err := s.db.pool.QueryRow(ctx, `SELECT note FROM audit_checkpoints ORDER BY size DESC LIMIT 1`).Scan(&note)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("latest checkpoint: %w", err)
	}
	return note, nil
}

// AcquireSigner tries to take the signer's session advisory lock on a
// connection of its own, and returns the role, or nil when another server
// holds it. The lock lasts until Release, or until the connection ends
// (the server dies or loses the database), when another server can take
// it.
func (s *StaffStore) AcquireSigner(ctx context.Context) (beredskap.SignerLease, error) {
	conn, err := s.db.pool.Acquire(ctx)
	if err != nil {
		return nil, fmt.Errorf("acquire signer: %w", err)
	}
	var ok bool
	if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock($1)`, signerLock).Scan(&ok); err != nil {
		conn.Release()
		return nil, fmt.Errorf("acquire signer: %w", err)
	}
	if !ok {
		conn.Release()
		return nil, nil
	}
	return &signerLease{conn: conn}, nil
}

// signerLease holds the signer's advisory lock on its connection.
type signerLease struct {
	conn *pgxpool.Conn
}

// Check asks the lock's session whether it still holds the lock: an error
// when the connection broke, or the lock is gone.
func (l *signerLease) Check(ctx context.Context) error {
	var held bool
	err := l.conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory'
	AND pid = pg_backend_pid() AND objid = ($1::bigint & 4294967295)::oid AND granted)`, signerLock).Scan(&held)
	if err != nil {
		return fmt.Errorf("signer lock: %w", err)
	}
	if !held {
		return errors.New("signer lock: lost")
	}
	return nil
}

// Release unlocks the lock and returns the connection to the pool; when
// the unlock cannot be sent it closes the connection, which ends its
// session and so the lock.
func (l *signerLease) Release() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := l.conn.Exec(ctx, `SELECT pg_advisory_unlock($1)`, signerLock); err != nil {
		l.conn.Conn().Close(ctx)
	}
	l.conn.Release()
}
