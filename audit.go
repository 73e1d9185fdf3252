package beredskap

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"
)

// Audit outcomes.
const (
	OutcomeOK       = "ok"        // the action was done, the data shown
	OutcomeDenied   = "denied"    // the policy refused it
	OutcomeNotFound = "not_found" // nothing matched (or nothing the actor may see)
	OutcomeFailed   = "failed"    // e.g. a wrong password
)

// AuditRecord is one audited action as the service layer describes it. The
// store gives it a sequence number, a time and a hash, and writes it in the
// same transaction as the work it describes.
type AuditRecord struct {
	Actor     string // user e-mail, "system" or "anonymous"
	UserID    int64  // 0 when no user
	Role      Role
	Scope     string // Scope.String() of the grant acted in
	Action    string // such as "registration.list", "access_order.approve", "login"
	Object    string // what was acted on: "registration:R", "access_order:12", "user:7", "municipality:0301"
	Subjects  []string
	Outcome   string // OutcomeOK, OutcomeDenied, ...
	Detail    string // short free text: a rejection reason, the filter used; never a secret
	Address   string
	RequestID string
}

// Subjects are the receipts of the registrations whose personal data the
// action touched, so that a person's own entries can be found.

// RecordFor returns an AuditRecord of a's action on object, with a's
// identity, grant, address and request id filled in.
func RecordFor(a *Actor, action, object, outcome string) AuditRecord {
	rec := AuditRecord{
		Actor:     a.Name(),
		Role:      a.Role(),
		Action:    action,
		Object:    object,
		Outcome:   outcome,
		Address:   a.Address,
		RequestID: a.RequestID,
	}
	if a.User != nil {
		rec.UserID = a.User.ID
	}
	if a.Grant != nil {
		rec.Scope = a.Grant.Scope.String()
	}
	return rec
}

// AuditEntry is a stored audit record. Hash is the SHA-256 of PrevHash and
// the entry's other fields (see ChainHash), so that changing, removing or
// reordering any entry breaks every hash after it.
type AuditEntry struct {
	Seq int64
	At  time.Time
	AuditRecord
	PrevHash string
	Hash     string
}

// GenesisHash is the PrevHash of the first entry.
const GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000"

// auditTimeFormat writes At in the hashed form: UTC, microseconds.
const auditTimeFormat = "2006-01-02T15:04:05.000000Z"

// ChainHash returns the hash e should carry given its PrevHash: the
// hexadecimal SHA-256 of the PrevHash, a newline, and a JSON array of the
// entry's fields in a fixed order. At is hashed in UTC to the microsecond,
// which both stores keep exactly.
func (e *AuditEntry) ChainHash() string {
	subjects := e.Subjects
	if subjects == nil {
		subjects = []string{}
	}
	fields := []any{
		e.Seq, e.At.UTC().Format(auditTimeFormat), e.Actor, e.UserID, string(e.Role), e.Scope,
		e.Action, e.Object, subjects, e.Outcome, e.Detail, e.Address, e.RequestID,
	}
	b, err := json.Marshal(fields)
	if err != nil {
		panic(fmt.Sprintf("audit entry %d: %v", e.Seq, err)) // only strings and numbers: cannot fail
	}
	h := sha256.New()
	h.Write([]byte(e.PrevHash))
	h.Write([]byte("\n"))
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil))
}

// AuditFilter selects audit entries. Empty fields match everything. Entries
// come oldest first.
type AuditFilter struct {
	Receipt   string // entries whose Subjects hold this receipt
	Actor     string // exact e-mail
	Action    string // exact action
	Object    string // exact object
	From, To  time.Time
	Limit     int // at most MaxPageSize; 50 when 0
	PageToken string
}

// ChainBreak describes the first entry where the audit chain fails.
type ChainBreak struct {
	Seq    int64  // the entry's sequence number (or the missing one)
	Reason string // "hash", "prev_hash" or "sequence"
}

// Error describes the break in a sentence.
func (b *ChainBreak) Error() string {
	switch b.Reason {
	case "sequence":
		return fmt.Sprintf("audit entry %d: the sequence is broken (an entry was removed or reordered)", b.Seq)
	case "prev_hash":
		return fmt.Sprintf("audit entry %d: it does not follow the entry before it (an entry was removed, inserted or reordered)", b.Seq)
	default:
		return fmt.Sprintf("audit entry %d: its contents do not match its hash (the entry was altered)", b.Seq)
	}
}

// ChainVerifier checks audit entries fed to it in sequence order.
type ChainVerifier struct {
	prevSeq  int64
	prevHash string
	count    int64
	broken   *ChainBreak
}

// NewChainVerifier returns a verifier that expects the first entry.
func NewChainVerifier() *ChainVerifier {
	return &ChainVerifier{prevHash: GenesisHash}
}

// Add checks the next entry and returns the first break found so far, or nil.
func (v *ChainVerifier) Add(e *AuditEntry) *ChainBreak {
	if v.broken != nil {
		return v.broken
	}
	v.count++
	switch {
	case e.Seq != v.prevSeq+1:
		v.broken = &ChainBreak{Seq: v.prevSeq + 1, Reason: "sequence"}
	case e.PrevHash != v.prevHash:
		v.broken = &ChainBreak{Seq: e.Seq, Reason: "prev_hash"}
	case e.ChainHash() != e.Hash:
		v.broken = &ChainBreak{Seq: e.Seq, Reason: "hash"}
	}
	v.prevSeq, v.prevHash = e.Seq, e.Hash
	return v.broken
}

// Count returns how many entries were checked.
func (v *ChainVerifier) Count() int64 { return v.count }

// Result returns the first break, or nil when the chain is intact.
func (v *ChainVerifier) Result() *ChainBreak { return v.broken }
