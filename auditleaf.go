package beredskap

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"

	"golang.org/x/mod/sumdb/tlog"
)

// LeafVersion names the form of an audit entry's leaf in the transparency
// log, the first element of every leaf.
const LeafVersion = "beredskap-audit-leaf/1"

// AuditLeaf is what the transparency log's leaf of an audit entry shows:
// when, in which role and scope, what was done to which object and with
// which outcome, in clear; the receipts the entry touched as salted
// digests (SubjectDigest), so that a person can prove their own receipt is
// among them without learning the others; and the rest of the entry (the
// actor, user id, detail, address and request id) as one digest, so that
// a person can check a look before the staff member's name may be shown.
type AuditLeaf struct {
	Seq      int64    `json:"seq"`
	At       string   `json:"at"` // UTC, to the microsecond
	Role     string   `json:"role"`
	Scope    string   `json:"scope"`
	Action   string   `json:"action"`
	Object   string   `json:"object"`
	Outcome  string   `json:"outcome"`
	Subjects []string `json:"subjects"` // SubjectDigest of each receipt, in order
	Rest     string   `json:"rest"`     // hex SHA-256 of the other fields
}

// Leaf returns the entry's leaf.
func (e *AuditEntry) Leaf() AuditLeaf {
	subjects := make([]string, len(e.Subjects))
	for i, s := range e.Subjects {
		subjects[i] = SubjectDigest(e.Seq, s)
	}
	rest, err := json.Marshal([]any{e.Actor, e.UserID, e.Detail, e.Address, e.RequestID})
	if err != nil {
		panic(fmt.Sprintf("audit entry %d: %v", e.Seq, err)) // only strings and numbers: cannot fail
	}
	sum := sha256.Sum256(rest)
	return AuditLeaf{
		Seq: e.Seq, At: e.At.UTC().Format(auditTimeFormat), Role: string(e.Role), Scope: e.Scope,
		Action: e.Action, Object: e.Object, Outcome: e.Outcome, Subjects: subjects, Rest: hex.EncodeToString(sum[:]),
	}
}

// Data returns the leaf's bytes in the log: a JSON array of LeafVersion and
// the fields in their declared order. Its RFC 6962 leaf hash is
// tlog.RecordHash of these bytes.
func (l AuditLeaf) Data() []byte {
	subjects := l.Subjects
	if subjects == nil {
		subjects = []string{}
	}
	b, err := json.Marshal([]any{LeafVersion, l.Seq, l.At, l.Role, l.Scope, l.Action, l.Object, l.Outcome, subjects, l.Rest})
	if err != nil {
		panic(fmt.Sprintf("audit leaf %d: %v", l.Seq, err)) // only strings and numbers: cannot fail
	}
	return b
}

// ParseAuditLeaf decodes leaf bytes written by Data, and fails when they
// are not in that form exactly.
func ParseAuditLeaf(data []byte) (AuditLeaf, error) {
	var raw []json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil || len(raw) != 10 {
		return AuditLeaf{}, fmt.Errorf("audit leaf: not an array of 10 fields")
	}
	var version string
	var l AuditLeaf
	targets := []any{&version, &l.Seq, &l.At, &l.Role, &l.Scope, &l.Action, &l.Object, &l.Outcome, &l.Subjects, &l.Rest}
	for i, t := range targets {
		if err := json.Unmarshal(raw[i], t); err != nil {
			return AuditLeaf{}, fmt.Errorf("audit leaf: field %d: %w", i, err)
		}
	}
	if version != LeafVersion {
		return AuditLeaf{}, fmt.Errorf("audit leaf: unknown version %q", version)
	}
	if string(l.Data()) != string(data) {
		return AuditLeaf{}, fmt.Errorf("audit leaf %d: not in canonical form", l.Seq)
	}
	return l, nil
}

// LeafHash returns the entry's RFC 6962 leaf hash.
func (e *AuditEntry) LeafHash() tlog.Hash {
	return tlog.RecordHash(e.Leaf().Data())
}

// SubjectDigest returns the hex SHA-256 of an entry's seq, a newline and a
// receipt: the form a receipt takes in the entry's leaf.
func SubjectDigest(seq int64, receipt string) string {
	sum := sha256.Sum256([]byte(strconv.FormatInt(seq, 10) + "\n" + receipt))
	return hex.EncodeToString(sum[:])
}

// AuditTreeStore keeps the audit trail's Merkle tree (RFC 6962): the
// stored hashes of golang.org/x/mod/sumdb/tlog, which make appending a
// leaf and proving one cost a logarithmic number of hashes, and copies of
// the signed checkpoints. The tree follows the trail: ExtendAuditTree adds
// the entries that are not yet leaves, whichever process appended them.
type AuditTreeStore interface {
	// AuditTreeSize returns how many entries are leaves of the tree, and
	// how many entries the trail has.
	AuditTreeSize(ctx context.Context) (tree, entries int64, err error)
	// ReadHashes reads stored hashes by their tlog index, from the tree as
	// committed; an index beyond it is an error.
	tlog.HashReader
	// ExtendAuditTree makes up to max of the entries after the tree's
	// last leaf into leaves, in one transaction, and returns the tree's
	// new size.
	ExtendAuditTree(ctx context.Context, max int) (int64, error)
	// SaveCheckpoint keeps a copy of a signed checkpoint of size leaves,
	// unless a larger one is kept already.
	SaveCheckpoint(ctx context.Context, size int64, note []byte) error
	// LatestCheckpoint returns the copy of the largest checkpoint kept,
	// or nil when none is.
	LatestCheckpoint(ctx context.Context) ([]byte, error)
	// AcquireSigner tries to become the one process that extends the tree
	// and signs checkpoints, and returns the role, or nil when another
	// process holds it. On SQLite, whose file has one server, it always
	// succeeds.
	AcquireSigner(ctx context.Context) (SignerLease, error)
}

// SignerLease is the checkpoint signer's role, held until Release.
type SignerLease interface {
	// Check returns an error when the role may have been lost.
	Check(ctx context.Context) error
	// Release gives the role up.
	Release()
}
