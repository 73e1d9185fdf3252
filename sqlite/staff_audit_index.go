package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// indexBatch is how many audit entries wait before the background indexer
// copies their keys into audit_keys and their subjects into
// audit_subject_blocks, and indexChunk how many entries one of its
// transactions indexes at most: few enough that a request waiting for the
// writer waits briefly, many enough that the pages a transaction rewrites
// are shared by many entries. indexSubjects bounds a transaction by the
// subjects its entries name as well: each is a row in a random place of
// audit_subject_blocks, and the retention purge's entries name dozens of
// receipts each: 256 of them made a transaction of thousands of rows,
// which held back the registrations arriving during a purge.
// subjectBlock is how many consecutive entries share a row of
// audit_subject_blocks per receipt (migration 0006); a search by receipt
// reads at most that many entries per block it finds.
const (
	indexBatch    = 256
	indexChunk    = 256
	indexSubjects = 256
	subjectBlock  = 256
)

// wakeIndexer starts the indexer unless it runs already, in which case it
// looks again once it is done. The indexer indexes the entries after
// audit_indexed, up to indexChunk entries per write transaction, while at
// least indexBatch are waiting, and stops when the database closes.
// Searches read the entries it has not reached directly, so an indexer
// that is behind, or has failed, leaves them complete; the next wake
// retries after a failure.
func (s *StaffStore) wakeIndexer() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.again = true
	if s.indexing {
		return
	}
	s.indexing = s.db.goBackground(s.runIndexer)
}

// runIndexer indexes until no Update has asked for it since it last looked.
func (s *StaffStore) runIndexer(ctx context.Context) {
	for {
		s.mu.Lock()
		if !s.again || ctx.Err() != nil {
			s.indexing = false
			s.mu.Unlock()
			return
		}
		s.again = false
		s.mu.Unlock()
		for {
			left, err := s.indexChunk(ctx)
			if err != nil || left < indexBatch {
				break
			}
		}
	}
}

// Statements of the indexer, prepared at Open. The index statements take
// the last indexed entry and the last entry to index. Rows go in in key
// order, which keeps a B-tree's inserts together.
const (
	// indexHeadQuery reads the last indexed entry and the last entry.
	indexHeadQuery = `SELECT i.seq, COALESCE((SELECT MAX(seq) FROM audit), 0)
FROM audit_indexed i WHERE i.id = 1`
	// indexKeysQuery adds the entries' actor, action, object and time
	// keys to audit_keys.
	indexKeysQuery = `INSERT INTO audit_keys (key, seq)
SELECT k, seq FROM (
	SELECT 'actor:' || actor AS k, seq FROM audit WHERE seq > ?1 AND seq <= ?2
	UNION ALL SELECT 'action:' || action, seq FROM audit WHERE seq > ?1 AND seq <= ?2
	UNION ALL SELECT 'object:' || object, seq FROM audit WHERE seq > ?1 AND seq <= ?2
	UNION ALL SELECT 'at:' || at, seq FROM audit WHERE seq > ?1 AND seq <= ?2)
ORDER BY k, seq`
	// indexSubjectsQuery reads the entries' subjects, and
	// indexBlockQuery records that a receipt appears in a block.
	indexSubjectsQuery = `SELECT seq, subjects FROM audit WHERE seq > ?1 AND seq <= ?2`
	// indexCountQuery counts the subjects of the entries.
	indexCountQuery = `SELECT seq, json_array_length(subjects) FROM audit WHERE seq > ?1 AND seq <= ?2 ORDER BY seq`
	indexBlockQuery = `INSERT OR IGNORE INTO audit_subject_blocks (receipt, block) VALUES (?, ?)`
	// indexMarkQuery records how far the indexes reach.
	indexMarkQuery = `UPDATE audit_indexed SET seq = ? WHERE id = 1`
)

// indexChunk indexes up to indexChunk entries after the last indexed one
// in one write transaction, when at least indexBatch are waiting, and
// returns how many entries are left unindexed.
func (s *StaffStore) indexChunk(ctx context.Context) (int64, error) {
	var left, indexedTo int64
	err := s.db.inWriteTx(ctx, func(tx *sql.Tx) error {
		var indexed, last int64
		err := tx.StmtContext(ctx, s.db.stmts.write[indexHeadQuery]).QueryRowContext(ctx).Scan(&indexed, &last)
		if err != nil {
			return err
		}
		indexedTo = indexed
		if last-indexed < indexBatch {
			left = last - indexed
			return nil
		}
		seq, err := chunkEnd(ctx, tx, s.db, indexed, min(last, indexed+indexChunk))
		if err != nil {
			return err
		}
		left = last - seq
		indexedTo = seq
		return indexEntries(ctx, tx, s.db, indexed, seq)
	})
	if err != nil {
		return 0, fmt.Errorf("index audit entries: %w", err)
	}
	s.db.indexedUpTo(indexedTo)
	return left, nil
}

// chunkEnd returns the last entry up to most that one transaction of the
// indexer indexes after indexed: the entries up to most, or the first ones
// that name indexSubjects subjects together (at least one entry).
func chunkEnd(ctx context.Context, tx *sql.Tx, db *DB, indexed, most int64) (int64, error) {
	rows, err := tx.StmtContext(ctx, db.stmts.write[indexCountQuery]).QueryContext(ctx, indexed, most)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	subjects := 0
	for rows.Next() {
		var seq int64
		var n int
		if err := rows.Scan(&seq, &n); err != nil {
			return 0, err
		}
		if subjects += n; subjects >= indexSubjects {
			return seq, rows.Close()
		}
	}
	return most, rows.Err()
}

// indexEntries indexes the entries after indexed, the last indexed one, up
// to seq, and records seq as indexed.
func indexEntries(ctx context.Context, tx *sql.Tx, db *DB, indexed, seq int64) error {
	if _, err := tx.StmtContext(ctx, db.stmts.write[indexKeysQuery]).ExecContext(ctx, indexed, seq); err != nil {
		return err
	}
	if err := indexSubjectBlocks(ctx, tx, db, indexed, seq); err != nil {
		return err
	}
	_, err := tx.StmtContext(ctx, db.stmts.write[indexMarkQuery]).ExecContext(ctx, seq)
	return err
}

// subjectBlockRow is a row of audit_subject_blocks.
type subjectBlockRow struct {
	receipt string
	block   int64
}

// indexSubjectBlocks records in audit_subject_blocks the blocks in which
// the entries after indexed up to seq name each receipt. The subjects are
// decoded here rather than by json_each, which took about four times as
// long, and the rows go in in key order, once each.
func indexSubjectBlocks(ctx context.Context, tx *sql.Tx, db *DB, indexed, seq int64) error {
	rows, err := tx.StmtContext(ctx, db.stmts.write[indexSubjectsQuery]).QueryContext(ctx, indexed, seq)
	if err != nil {
		return err
	}
	defer rows.Close()
	seen := map[subjectBlockRow]bool{}
	var subjects []string
	for rows.Next() {
		var s int64
		var data []byte
		if err := rows.Scan(&s, &data); err != nil {
			return err
		}
		subjects = subjects[:0]
		if err := unmarshalStored(data, &subjects); err != nil {
			return fmt.Errorf("audit entry %d: subjects: %w", s, err)
		}
		for _, r := range subjects {
			if r != "" {
				seen[subjectBlockRow{r, s / subjectBlock}] = true
			}
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	keys := slices.SortedFunc(maps.Keys(seen), func(a, b subjectBlockRow) int {
		return cmp.Or(strings.Compare(a.receipt, b.receipt), cmp.Compare(a.block, b.block))
	})
	insert := tx.StmtContext(ctx, db.stmts.write[indexBlockQuery])
	for _, k := range keys {
		if _, err := insert.ExecContext(ctx, k.receipt, k.block); err != nil {
			return err
		}
	}
	return nil
}
