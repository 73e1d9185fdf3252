package auditlog

import (
	"context"
	"encoding/base64"
	"fmt"
	"slices"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"beredskap"
)

// Bundle is what a person gets to check the looks at their data outside
// our system: a signed checkpoint, the log's verifier key, and each entry's
// leaf with its RFC 6962 inclusion proof in the checkpoint's tree.
type Bundle struct {
	Checkpoint string        `json:"checkpoint"` // the signed note
	LogKey     string        `json:"log_key"`    // the verifier key, name+hash+key
	Entries    []ProvenEntry `json:"entries"`
}

// ProvenEntry is an entry's leaf and its inclusion proof.
type ProvenEntry struct {
	Index int64 `json:"index"` // the leaf's index: the entry's seq less one
	// Receipt is the receipt of the person's that the entry names among
	// its subjects, when the bundle is a person's.
	Receipt string   `json:"receipt,omitempty"`
	Leaf    string   `json:"leaf"`  // the leaf's bytes (beredskap.AuditLeaf.Data)
	Proof   []string `json:"proof"` // base64 hashes, from the leaf up
}

// Prove returns the inclusion proofs of entries in the tree of the
// checkpoint, which must cover them, reading stored hashes from r.
func Prove(r tlog.HashReader, cp *Checkpoint, entries []*beredskap.AuditEntry) ([]ProvenEntry, error) {
	out := make([]ProvenEntry, 0, len(entries))
	for _, e := range entries {
		if e.Seq < 1 || e.Seq > cp.Size {
			return nil, fmt.Errorf("audit entry %d is not in %s", e.Seq, cp)
		}
		proof, err := tlog.ProveRecord(cp.Size, e.Seq-1, r)
		if err != nil {
			return nil, fmt.Errorf("prove audit entry %d: %w", e.Seq, err)
		}
		p := ProvenEntry{Index: e.Seq - 1, Leaf: string(e.Leaf().Data()), Proof: make([]string, len(proof))}
		for i, h := range proof {
			p.Proof[i] = base64.StdEncoding.EncodeToString(h[:])
		}
		out = append(out, p)
	}
	return out, nil
}

// CheckBundle checks a bundle against the log's verifier key (the
// bundle's own key is not trusted): the checkpoint's signature, each
// leaf's form and inclusion proof, and, when receipt is not "", that each
// leaf names the receipt among its subjects. It returns the checkpoint and
// the leaves.
func CheckBundle(b Bundle, logKey note.Verifier, receipt string) (*Checkpoint, []beredskap.AuditLeaf, error) {
	cp, err := Open([]byte(b.Checkpoint), logKey)
	if err != nil {
		return nil, nil, fmt.Errorf("the checkpoint: %w", err)
	}
	leaves := make([]beredskap.AuditLeaf, 0, len(b.Entries))
	for _, p := range b.Entries {
		leaf, err := beredskap.ParseAuditLeaf([]byte(p.Leaf))
		if err != nil {
			return nil, nil, fmt.Errorf("leaf %d: %w", p.Index, err)
		}
		if leaf.Seq != p.Index+1 {
			return nil, nil, fmt.Errorf("leaf %d: it holds entry %d", p.Index, leaf.Seq)
		}
		proof := make(tlog.RecordProof, len(p.Proof))
		for i, s := range p.Proof {
			h, err := base64.StdEncoding.DecodeString(s)
			if err != nil || len(h) != tlog.HashSize {
				return nil, nil, fmt.Errorf("leaf %d: proof hash %d is not a base64 hash", p.Index, i)
			}
			proof[i] = tlog.Hash(h)
		}
		if err := tlog.CheckRecord(proof, cp.Size, cp.Root, p.Index, tlog.RecordHash([]byte(p.Leaf))); err != nil {
			return nil, nil, fmt.Errorf("entry %d is not in %s: %w", leaf.Seq, cp, err)
		}
		for _, r := range []string{receipt, p.Receipt} {
			if r != "" && !slices.Contains(leaf.Subjects, beredskap.SubjectDigest(leaf.Seq, r)) {
				return nil, nil, fmt.Errorf("entry %d does not name the receipt %s", leaf.Seq, r)
			}
		}
		leaves = append(leaves, leaf)
	}
	return cp, leaves, nil
}

// Prover proves audit entries against the newest signed checkpoint kept in
// the database (a copy of one kept outside it; the signature is checked
// here, and by whoever checks the proofs).
type Prover struct {
	Store  beredskap.AuditTreeStore
	LogKey note.Verifier
	VKey   string // LogKey in text form, handed out with the proofs
}

// Prove returns a bundle of the inclusion proofs of the entries the
// newest checkpoint covers, each with the receipt receipts names for it,
// and the checkpoint; a nil checkpoint and bundle when none is signed yet.
func (p *Prover) Prove(ctx context.Context, entries []*beredskap.AuditEntry, receipts map[int64]string) (*Checkpoint, *Bundle, error) {
	msg, err := p.Store.LatestCheckpoint(ctx)
	if err != nil || msg == nil {
		return nil, nil, err
	}
	cp, err := Open(msg, p.LogKey)
	if err != nil {
		return nil, nil, fmt.Errorf("the newest checkpoint: %w", err)
	}
	var covered []*beredskap.AuditEntry
	for _, e := range entries {
		if e.Seq <= cp.Size {
			covered = append(covered, e)
		}
	}
	proven, err := Prove(p.Store, cp, covered)
	if err != nil {
		return nil, nil, err
	}
	for i := range proven {
		proven[i].Receipt = receipts[proven[i].Index+1]
	}
	return cp, &Bundle{Checkpoint: string(cp.Note), LogKey: p.VKey, Entries: proven}, nil
}
