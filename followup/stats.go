package followup

import (
	"context"
	"fmt"

	"beredskap"
)

// Stats returns the chart numbers of the municipality over the days
// from..to (YYYY-MM-DD). Needs PermViewReports; audited.
//
// Municipal roles see their own municipality (an empty municipality means
// it; another is EFORBIDDEN, audited as denied); the control centre names
// one. from and to are required dates with from not after to and at most
// 366 days from the first to the last (EINVALID "from" or "to"). The
// numbers are counted in a read-only snapshot and the aggregate read is
// audited as "followup.stats" without subjects, since no person's data is
// shown.
func (s *Service) Stats(ctx context.Context, municipality, from, to string) (*beredskap.FollowUpStats, error) {
	const action = "followup.stats"
	a := beredskap.ActorFrom(ctx)
	m, err := s.reportMunicipality(ctx, a, municipality, action)
	if err != nil {
		return nil, err
	}
	var ps beredskap.Problems
	first, firstOK := checkDay(&ps, "from", from, true)
	last, lastOK := checkDay(&ps, "to", to, true)
	if firstOK && lastOK {
		switch days := int(last.Sub(first).Hours()/24) + 1; {
		case days < 1:
			ps.Add("to", "before_from", "must not be before from")
		case days > maxStatsDays:
			ps.Add("to", "range_too_long", fmt.Sprintf("the range may cover at most %d days", maxStatsDays))
		}
	}
	if err := ps.Err(); err != nil {
		return nil, err
	}
	var st *beredskap.FollowUpStats
	err = s.store.ViewFollowUp(ctx, func(ctx context.Context, tx beredskap.FollowUpTx) error {
		var err error
		st, err = tx.FollowUpStats(ctx, m, from, to)
		return err
	})
	if err != nil {
		return nil, beredskap.Wrap("follow-up stats", err)
	}
	rec := beredskap.RecordFor(a, action, municipalityObject(m), beredskap.OutcomeOK)
	rec.Detail = "from=" + from + " to=" + to
	if err := s.commitAudit(ctx, rec); err != nil {
		return nil, beredskap.Wrap("follow-up stats", err)
	}
	return st, nil
}
