package staff

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"beredskap"
)

// record returns the audit record of a's action on object. When a is not a
// user (an anonymous login step), the user the step concerns, if any, is
// named instead.
func record(a *beredskap.Actor, u *beredskap.User, action, object, outcome string) beredskap.AuditRecord {
	rec := beredskap.RecordFor(a, action, object, outcome)
	if a.User == nil && !a.System && u != nil {
		rec.Actor = u.Email
		rec.UserID = u.ID
	}
	return rec
}

// unauthorized returns an EUNAUTHORIZED error with a reason key.
func unauthorized(reason, message string) error {
	return &beredskap.Error{Code: beredskap.EUNAUTHORIZED, Reason: reason, Message: message}
}

// SearchAudit returns audit entries matching f, oldest first, and the next
// page's token. It needs PermSearchAudit (EFORBIDDEN otherwise, audited) and
// is itself audited as "audit.search". A malformed page token is EINVALID.
func (s *Service) SearchAudit(ctx context.Context, f beredskap.AuditFilter) ([]*beredskap.AuditEntry, string, error) {
	a := beredskap.ActorFrom(ctx)
	if !beredskap.Can(a, beredskap.PermSearchAudit, "") {
		return nil, "", s.tx.Deny(ctx, a, "audit.search", "audit")
	}
	if f.Receipt != "" {
		if r, ok := beredskap.NormalizeReceipt(f.Receipt); ok {
			f.Receipt = r
		}
	}
	var entries []*beredskap.AuditEntry
	var next string
	err := s.store.Update(ctx, func(ctx context.Context, tx beredskap.StaffTx) error {
		var err error
		entries, next, err = tx.SearchAudit(ctx, f)
		if err != nil {
			return err
		}
		rec := beredskap.RecordFor(a, "audit.search", "audit", beredskap.OutcomeOK)
		rec.Detail = describeAuditFilter(f)
		return beredskap.AppendAudit(ctx, tx, rec)
	})
	if err != nil {
		return nil, "", beredskap.Wrap("search audit", err)
	}
	return entries, next, nil
}

// describeAuditFilter writes the filter for an audit entry's Detail.
func describeAuditFilter(f beredskap.AuditFilter) string {
	var parts []string
	add := func(k, v string) {
		if v != "" {
			parts = append(parts, k+"="+v)
		}
	}
	add("receipt", f.Receipt)
	add("actor", f.Actor)
	add("action", f.Action)
	add("object", f.Object)
	if !f.From.IsZero() {
		add("from", f.From.UTC().Format(time.RFC3339))
	}
	if !f.To.IsZero() {
		add("to", f.To.UTC().Format(time.RFC3339))
	}
	if f.Limit != 0 {
		add("limit", strconv.Itoa(f.Limit))
	}
	if f.PageToken != "" {
		add("page", "next")
	}
	return strings.Join(parts, " ")
}

// errChainBroken stops the scan of VerifyAudit at the first break.
var errChainBroken = errors.New("audit chain broken")

// VerifyAudit checks the hash chain of the whole audit trail and returns
// how many entries it checked and the first break, nil when the chain is
// intact. Only the system actor (the command line) may run it; anyone else
// gets EFORBIDDEN, audited.
func (s *Service) VerifyAudit(ctx context.Context) (int64, *beredskap.ChainBreak, error) {
	a := beredskap.ActorFrom(ctx)
	if !a.System {
		return 0, nil, s.tx.Deny(ctx, a, "audit.verify", "audit")
	}
	v := beredskap.NewChainVerifier()
	err := s.store.ScanAudit(ctx, func(e *beredskap.AuditEntry) error {
		if v.Add(e) != nil {
			return errChainBroken
		}
		return nil
	})
	if err != nil && !errors.Is(err, errChainBroken) {
		return v.Count(), nil, fmt.Errorf("verify audit: %w", err)
	}
	return v.Count(), v.Result(), nil
}
