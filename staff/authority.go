package staff

import (
	"slices"
	"time"

	"beredskap"
)

// sameAuthority reports whether b acts with the same token, the same user
// (as the auth epoch covers it: identity and status) and the same grants
// as a, so that what was decided for a holds for b.
func sameAuthority(a, b *beredskap.Actor) bool {
	if a.TokenID != b.TokenID || a.SessionID != b.SessionID || (a.User == nil) != (b.User == nil) ||
		(a.Grant == nil) != (b.Grant == nil) {
		return false
	}
	if a.User != nil && !sameUser(a.User, b.User) {
		return false
	}
	return a.Grant == nil || sameGrant(*a.Grant, *b.Grant)
}

// sameUser reports whether u and v are the same user with the same
// identity, status and grants.
func sameUser(u, v *beredskap.User) bool {
	return u.ID == v.ID && u.Email == v.Email && u.FirstName == v.FirstName && u.LastName == v.LastName &&
		u.Mobile == v.Mobile && u.NationalID == v.NationalID && u.Organisation == v.Organisation &&
		u.Position == v.Position && u.Status == v.Status && slices.EqualFunc(u.Grants, v.Grants, sameGrant)
}

// sameGrant reports whether g and h are the same grant, unchanged.
func sameGrant(g, h beredskap.Grant) bool {
	return g.ID == h.ID && g.UserID == h.UserID && g.Role == h.Role && g.Scope == h.Scope &&
		g.ValidFrom.Equal(h.ValidFrom) && sameInstant(g.ValidTo, h.ValidTo) && sameInstant(g.EndedAt, h.EndedAt) &&
		g.Provenance == h.Provenance && g.OrderedBy == h.OrderedBy && g.ApprovedBy == h.ApprovedBy &&
		g.CreatedAt.Equal(h.CreatedAt)
}

// sameInstant reports whether two optional times are both unset or equal.
func sameInstant(t, u *time.Time) bool {
	if t == nil || u == nil {
		return t == u
	}
	return t.Equal(*u)
}
