package retention

import (
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
