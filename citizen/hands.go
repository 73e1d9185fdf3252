package citizen

import (
	"context"
	"slices"
	"strings"

	"beredskap"
)

// hands are the staff members who approved a reopen case and who printed
// its letter, as the audit trail records them: the people who may have
// seen the code, and so may not enter it.
type hands struct {
	approvedBy []string
	printedBy  []string
}

// caseHands reads from the audit trail who approved case id and who took
// its letter from the print queue.
func caseHands(ctx context.Context, tx beredskap.CitizenTx, id int64) (hands, error) {
	var h hands
	for _, q := range []struct {
		action string
		into   *[]string
	}{{"citizen_case.approve", &h.approvedBy}, {"citizen_letter.print", &h.printedBy}} {
		f := beredskap.AuditFilter{Action: q.action, Object: caseObject(id), Limit: beredskap.MaxPageSize}
		for {
			entries, next, err := tx.SearchAudit(ctx, f)
			if err != nil {
				return hands{}, beredskap.Wrap("who handled the case", err)
			}
			for _, e := range entries {
				if e.Outcome == beredskap.OutcomeOK && !slices.Contains(*q.into, e.Actor) {
					*q.into = append(*q.into, e.Actor)
				}
			}
			if next == "" {
				break
			}
			f.PageToken = next
		}
	}
	return h, nil
}

// touched reports whether the staff member named approved the case or
// printed its letter.
func (h hands) touched(name string) bool {
	return slices.Contains(h.approvedBy, name) || slices.Contains(h.printedBy, name)
}

// String names the hands for an audit entry: "approved by a; letter
// printed by b", or "letter sent to the digital mailbox" when nobody
// printed it.
func (h hands) String() string {
	s := "approved by " + strings.Join(h.approvedBy, ", ")
	if len(h.printedBy) == 0 {
		return s + "; letter not printed here (digital mailbox)"
	}
	return s + "; letter printed by " + strings.Join(h.printedBy, ", ")
}
