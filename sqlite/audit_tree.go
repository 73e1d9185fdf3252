package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/mod/sumdb/tlog"

	"beredskap"
	"beredskap/internal/audittree"
)

var _ beredskap.AuditTreeStore = (*StaffStore)(nil)

// AuditTreeSize returns how many entries are leaves of the audit tree and
// how many entries the trail has, from one snapshot.
func (s *StaffStore) AuditTreeSize(ctx context.Context) (tree, entries int64, err error) {
	err = s.db.read.QueryRowContext(ctx, `SELECT (SELECT size FROM audit_tree_size WHERE id = 1),
	COALESCE((SELECT MAX(seq) FROM audit), 0)`).Scan(&tree, &entries)
	if err != nil {
		return 0, 0, fmt.Errorf("audit tree size: %w", err)
	}
	return tree, entries, nil
}

// ReadHashes reads stored hashes of the audit tree by their tlog index
// (tlog.HashReader). An index the tree does not have is an error.
func (s *StaffStore) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	return readHashes(context.Background(), s.db.read, indexes)
}

// querier is what readHashes needs of a pool or a transaction.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// readHashes reads stored hashes by index through q, in the order asked.
func readHashes(ctx context.Context, q querier, indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	if len(indexes) == 0 {
		return out, nil
	}
	args := make([]any, len(indexes))
	for i, x := range indexes {
		args[i] = x
	}
	rows, err := q.QueryContext(ctx, `SELECT idx, hash FROM audit_tree WHERE idx IN (?`+
		strings.Repeat(", ?", len(indexes)-1)+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("read audit tree hashes: %w", err)
	}
	defer rows.Close()
	found := make(map[int64]tlog.Hash, len(indexes))
	for rows.Next() {
		var idx int64
		var h []byte
		if err := rows.Scan(&idx, &h); err != nil {
			return nil, fmt.Errorf("read audit tree hashes: %w", err)
		}
		if len(h) != tlog.HashSize {
			return nil, fmt.Errorf("read audit tree hashes: hash %d has %d bytes", idx, len(h))
		}
		found[idx] = tlog.Hash(h)
	}
	if err := rows.Err(); err != nil {
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
// leaf into leaves in one write transaction, and returns the tree's size.
// An entry missing from the sequence is an error: the tree never skips
// one.
func (s *StaffStore) ExtendAuditTree(ctx context.Context, max int) (int64, error) {
	var size int64
	err := s.db.inWriteTx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT size FROM audit_tree_size WHERE id = 1`).Scan(&size); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT `+auditColumns+` FROM audit WHERE seq > ? ORDER BY seq LIMIT ?`, size, max)
		if err != nil {
			return err
		}
		var leaves []tlog.Hash
		for rows.Next() {
			e, err := scanAudit(rows)
			if err != nil {
				rows.Close()
				return err
			}
			if want := size + int64(len(leaves)) + 1; e.Seq != want {
				rows.Close()
				return fmt.Errorf("audit entry %d is missing", want)
			}
			leaves = append(leaves, e.LeafHash())
		}
		if err := rows.Err(); err != nil {
			return err
		}
		rows.Close()
		if len(leaves) == 0 {
			return nil
		}
		r := tlog.HashReaderFunc(func(indexes []int64) ([]tlog.Hash, error) { return readHashes(ctx, tx, indexes) })
		hashes, err := audittree.Extend(size, leaves, r)
		if err != nil {
			return err
		}
		if err := insertTreeHashes(ctx, tx, tlog.StoredHashIndex(0, size), hashes); err != nil {
			return err
		}
		size += int64(len(leaves))
		_, err = tx.ExecContext(ctx, `UPDATE audit_tree_size SET size = ? WHERE id = 1`, size)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("extend audit tree: %w", err)
	}
	return size, nil
}

// treeInsertRows is how many stored hashes one INSERT writes.
const treeInsertRows = 400

// insertTreeHashes stores hashes at the indexes from first on, many rows
// to a statement.
func insertTreeHashes(ctx context.Context, tx *sql.Tx, first int64, hashes []tlog.Hash) error {
	for from := 0; from < len(hashes); from += treeInsertRows {
		chunk := hashes[from:min(len(hashes), from+treeInsertRows)]
		args := make([]any, 0, 2*len(chunk))
		for i, h := range chunk {
			args = append(args, first+int64(from+i), h[:])
		}
		query := `INSERT INTO audit_tree (idx, hash) VALUES (?, ?)` + strings.Repeat(`, (?, ?)`, len(chunk)-1)
		if _, err := tx.ExecContext(ctx, query, args...); err != nil {
			return err
		}
	}
	return nil
}

// SaveCheckpoint keeps a copy of a signed checkpoint of size leaves; a
// second copy of a size is ignored.
func (s *StaffStore) SaveCheckpoint(ctx context.Context, size int64, note []byte) error {
	err := s.db.inWriteTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO audit_checkpoints (size, note) VALUES (?, ?) ON CONFLICT DO NOTHING`, size, note)
		return err
	})
	if err != nil {
		return fmt.Errorf("save checkpoint: %w", err)
	}
	return nil
}

// LatestCheckpoint returns the copy of the largest checkpoint kept, or nil.
func (s *StaffStore) LatestCheckpoint(ctx context.Context) ([]byte, error) {
	var note []byte
	err := s.db.read.QueryRowContext(ctx, `SELECT note FROM audit_checkpoints ORDER BY size DESC LIMIT 1`).Scan(&note)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("latest checkpoint: %w", err)
	}
	return note, nil
}

// AcquireSigner returns the role at once: a SQLite file has one server,
// and the tree's writes are transactions of the single writer.
func (s *StaffStore) AcquireSigner(ctx context.Context) (beredskap.SignerLease, error) {
	return soleSigner{}, nil
}

// soleSigner is the signer's role on SQLite, never lost.
type soleSigner struct{}

func (soleSigner) Check(context.Context) error { return nil }
func (soleSigner) Release()                    {}
