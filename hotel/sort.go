package hotel

import "sort"

// sortAvailability orders hotels by most free rooms, then by name.
func sortAvailability(as []*Availability) {
	sort.SliceStable(as, func(i, j int) bool {
		if as[i].MinFree != as[j].MinFree {
			return as[i].MinFree > as[j].MinFree
		}
		return as[i].Hotel.Name < as[j].Hotel.Name
	})
}
