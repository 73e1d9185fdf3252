package retention

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"beredskap"
)

// ShownCount is a statistics count as people may see it: Shown is the
// number, or "<5" when it is below SuppressBelow, so that no one is
// recognised from a small count.
type ShownCount struct {
	Month        string `json:"month"`
	Municipality string `json:"municipality"`
	Key          string `json:"key"`
	Shown        string `json:"count"`
}

// Suppress returns counts as they may be shown.
func Suppress(counts []beredskap.StatCount) []ShownCount {
	out := make([]ShownCount, len(counts))
	for i, c := range counts {
		s := strconv.FormatInt(c.Count, 10)
		if c.Count < SuppressBelow {
			s = "<" + strconv.Itoa(SuppressBelow)
		}
		out[i] = ShownCount{Month: c.Month, Municipality: c.Municipality, Key: c.Key, Shown: s}
	}
	return out
}

// Statistics returns the counts the actor may see, suppressed, by month,
// then municipality and key: every municipality's for national reach, a
// county's municipalities' for a county governor, the own municipality's
// for municipal roles (beredskap.PermViewStatistics). Reading them is not
// audited, as they tell nothing about anyone; a refusal is.
func (s *Service) Statistics(ctx context.Context) ([]ShownCount, error) {
	a := beredskap.ActorFrom(ctx)
	scope := beredskap.StatisticsScope(a)
	if !beredskap.Can(a, beredskap.PermViewStatistics, scope) {
		return nil, s.tx.Deny(ctx, a, "statistics.view", "statistics")
	}
	var counts []beredskap.StatCount
	err := s.store.ViewRetention(ctx, func(ctx context.Context, tx beredskap.RetentionTx) error {
		var err error
		counts, err = tx.Statistics(ctx, a.Municipality())
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("statistics: %w", err)
	}
	counts = slices.DeleteFunc(counts, func(c beredskap.StatCount) bool {
		return !beredskap.Can(a, beredskap.PermViewStatistics, c.Municipality)
	})
	return Suppress(counts), nil
}
