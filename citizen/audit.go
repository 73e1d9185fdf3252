package citizen

import (
	"context"
	"strconv"

	"beredskap"
)

// caseObject returns the audit object of an access case.
func caseObject(id int64) string { return "citizen_case:" + strconv.FormatInt(id, 10) }

// citizenRecord returns the audit record of a citizen's own action: the
// actor is "citizen" and the object the person's pseudonym, with the
// address and request id of the context's actor.
func (s *Service) citizenRecord(ctx context.Context, action, nationalID, outcome string) beredskap.AuditRecord {
	rec := beredskap.RecordFor(beredskap.ActorFrom(ctx), action, s.citizenObject(nationalID), outcome)
	rec.Actor, rec.UserID, rec.Role, rec.Scope = "citizen", 0, "", ""
	return rec
}

// may returns nil when the context's actor may process citizen cases, and
// otherwise the audited EFORBIDDEN of deny.
func (s *Service) may(ctx context.Context, action, object string) (*beredskap.Actor, error) {
	a := beredskap.ActorFrom(ctx)
	if !beredskap.Can(a, beredskap.PermProcessCitizenCases, "") {
		return nil, s.tx.Deny(ctx, a, action, object)
	}
	return a, nil
}

// unauthorized returns an EUNAUTHORIZED error with a reason key.
func unauthorized(reason, message string) error {
	return &beredskap.Error{Code: beredskap.EUNAUTHORIZED, Reason: reason, Message: message}
}
