// Package audittree computes the stored hashes of the audit trail's Merkle
// tree with golang.org/x/mod/sumdb/tlog, for the stores that keep them and
// for a verifier that rebuilds the tree in memory.
package audittree

import (
	"fmt"

	"golang.org/x/mod/sumdb/tlog"
)

// Extend returns the stored hashes that make the leaf hashes leaves the
// leaves numbered size, size+1, … of a tree of size leaves whose stored
// hashes r reads: they belong at tlog indexes from
// tlog.StoredHashIndex(0, size) on, in order.
func Extend(size int64, leaves []tlog.Hash, r tlog.HashReader) ([]tlog.Hash, error) {
	first := tlog.StoredHashIndex(0, size)
	var added []tlog.Hash
	// Every leaf of the batch needs the roots of the complete subtrees
	// to its left; those older than the batch are few and the same for
	// many leaves, so they are read once.
	cached := map[int64]tlog.Hash{}
	read := tlog.HashReaderFunc(func(indexes []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(indexes))
		var old []int64
		for _, x := range indexes {
			if _, ok := cached[x]; x < first && !ok {
				old = append(old, x)
			}
		}
		if len(old) > 0 {
			hashes, err := r.ReadHashes(old)
			if err != nil {
				return nil, err
			}
			if len(hashes) != len(old) {
				return nil, fmt.Errorf("read %d stored hashes, want %d", len(hashes), len(old))
			}
			for i, x := range old {
				cached[x] = hashes[i]
			}
		}
		for i, x := range indexes {
			switch {
			case x < first:
				out[i] = cached[x]
			case x-first < int64(len(added)):
				out[i] = added[x-first]
			default:
				return nil, fmt.Errorf("stored hash %d is not yet computed", x)
			}
		}
		return out, nil
	})
	for i, h := range leaves {
		hs, err := tlog.StoredHashesForRecordHash(size+int64(i), h, read)
		if err != nil {
			return nil, fmt.Errorf("leaf %d: %w", size+int64(i), err)
		}
		added = append(added, hs...)
	}
	return added, nil
}

// Memory is a tree whose stored hashes are held in memory: 64 bytes per
// leaf. The zero Memory is an empty tree.
type Memory struct {
	hashes []tlog.Hash
	size   int64
}

// Append adds a leaf with the leaf hash h.
func (m *Memory) Append(h tlog.Hash) {
	hs, err := tlog.StoredHashesForRecordHash(m.size, h, m)
	if err != nil {
		panic(fmt.Sprintf("audit tree in memory: %v", err)) // it reads only hashes it holds
	}
	m.hashes = append(m.hashes, hs...)
	m.size++
}

// Size returns the number of leaves.
func (m *Memory) Size() int64 { return m.size }

// Stored returns the stored hash at a tlog index, and false beyond the
// tree.
func (m *Memory) Stored(index int64) (tlog.Hash, bool) {
	if index < 0 || index >= int64(len(m.hashes)) {
		return tlog.Hash{}, false
	}
	return m.hashes[index], true
}

// ReadHashes is tlog.HashReader.
func (m *Memory) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	for i, x := range indexes {
		h, ok := m.Stored(x)
		if !ok {
			return nil, fmt.Errorf("stored hash %d is beyond the tree", x)
		}
		out[i] = h
	}
	return out, nil
}
