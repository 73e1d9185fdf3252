package beredskap

import (
	"context"
	"slices"
	"time"
)

// Role is what a staff member does in the system; DESIGN.md lists them.
type Role string

// The staff roles. A user holds one or more grants, each of a role in a scope.
const (
	RoleBorderOfficer    Role = "border_officer"    // politiet ved grensen
	RoleControlCentre    Role = "control_centre"    // Nasjonalt kontrollsenter for innreisende
	RoleMunicipalOfficer Role = "municipal_officer" // kommuneoverlege
	RoleMunicipalStaff   Role = "municipal_staff"   // kommunalt ansatt med tjenstlig behov
	RoleLabourInspector  Role = "labour_inspector"  // Arbeidstilsynet
	RoleCountyGovernor   Role = "county_governor"   // statsforvalter (legacy orders)
	RoleAccessAdmin      Role = "access_admin"      // Helfo tilgangsadministrasjon
	RoleCitizenSupport   Role = "citizen_support"   // Veiledning Helsenorge
	RoleHotelCoordinator Role = "hotel_coordinator" // kommunens koordinator for karantenehotell
)

// Roles lists every staff role, in the order pages show them.
var Roles = []Role{
	RoleBorderOfficer, RoleControlCentre, RoleMunicipalOfficer, RoleMunicipalStaff,
	RoleLabourInspector, RoleCountyGovernor, RoleAccessAdmin, RoleCitizenSupport, RoleHotelCoordinator,
}

// Valid reports whether r is one of Roles.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// ScopeKind says how far a grant reaches.
type ScopeKind string

// The scope kinds.
const (
	ScopeNational           ScopeKind = "national"
	ScopeMunicipality       ScopeKind = "municipality"        // Code is a municipality number
	ScopeCounty             ScopeKind = "county"              // Code is a county number
	ScopeLabourInspectorate ScopeKind = "labour_inspectorate" // Arbeidstilsynet
)

// Scope is the reach of a grant: national, one municipality, one county, or
// the labour inspectorate.
type Scope struct {
	Kind ScopeKind `json:"kind"`
	Code string    `json:"code,omitempty"`
}

// String writes the scope as "national", "municipality:0301", "county:03"
// or "labour_inspectorate", the form the audit trail keeps.
func (s Scope) String() string {
	if s.Code == "" {
		return string(s.Kind)
	}
	return string(s.Kind) + ":" + s.Code
}

// ScopeKindOf returns the only scope kind a role's grants may have.
func ScopeKindOf(r Role) ScopeKind {
	switch r {
	case RoleMunicipalOfficer, RoleMunicipalStaff, RoleHotelCoordinator:
		return ScopeMunicipality
	case RoleCountyGovernor:
		return ScopeCounty
	case RoleLabourInspector:
		return ScopeLabourInspectorate
	default:
		return ScopeNational
	}
}

// UserStatus is whether an account may log in.
type UserStatus string

// The user statuses. A removed user keeps their record and history.
const (
	UserActive  UserStatus = "active"
	UserRemoved UserStatus = "removed"
)

// User is a staff member's account. Secrets are kept only as hashes, except
// the TOTP secret, which the server needs to check codes.
type User struct {
	ID           int64
	Email        string // unique, lower case
	FirstName    string
	LastName     string
	Mobile       string // E.164, may be empty
	NationalID   string // for OpenID Connect matching, may be empty
	Organisation string // e.g. "Oslo kommune"
	Position     string // stilling
	Status       UserStatus

	PasswordHash string // argon2id PHC string; empty until enrolled
	TOTPSecret   string // base32; empty until enrolled
	TOTPLastStep int64  // the last time step used, so a code works once

	CreatedAt time.Time
	Grants    []Grant // every grant, ended ones too, oldest first
}

// Name returns the user's full name.
func (u *User) Name() string {
	if u.LastName == "" {
		return u.FirstName
	}
	return u.FirstName + " " + u.LastName
}

// Enrolled reports whether the user has set a password and a TOTP second
// factor.
func (u *User) Enrolled() bool { return u.PasswordHash != "" && u.TOTPSecret != "" }

// ValidGrants returns the grants in force at now.
func (u *User) ValidGrants(now time.Time) []Grant {
	var gs []Grant
	for _, g := range u.Grants {
		if g.ValidAt(now) {
			gs = append(gs, g)
		}
	}
	return gs
}

// Grant gives a user a role in a scope for a time, with where it came from.
type Grant struct {
	ID        int64
	UserID    int64
	Role      Role
	Scope     Scope
	ValidFrom time.Time
	ValidTo   *time.Time // nil: open-ended
	EndedAt   *time.Time // set when the grant was ended early (removal)
	// Provenance says where the grant came from: "access_order:12",
	// "cli", or ProvenanceCountyGovernor for grants carried over from the
	// county governors' earlier arrangement, which stay valid.
	Provenance string
	OrderedBy  string // e-mail of whoever ordered it, if known
	ApprovedBy string // e-mail of whoever approved it, if known
	CreatedAt  time.Time
}

// ProvenanceCountyGovernor marks grants ordered by a county governor
// (statsforvalter) before access orders went through Helfo.
const ProvenanceCountyGovernor = "county_governor"

// ValidAt reports whether the grant is in force at t.
func (g Grant) ValidAt(t time.Time) bool {
	if t.Before(g.ValidFrom) {
		return false
	}
	if g.ValidTo != nil && !t.Before(*g.ValidTo) {
		return false
	}
	return g.EndedAt == nil || t.Before(*g.EndedAt)
}

// Actor is who is acting in a request: a staff user in one of their grants,
// the system itself (CLI, workers), or an anonymous visitor. Address and
// RequestID go into the audit trail.
type Actor struct {
	User      *User  // nil for the system and for anonymous visitors
	Grant     *Grant // the grant acted in; nil when User is nil or has none in force
	System    bool   // the command line or a background worker
	SessionID string // the session's id (a hash, never the cookie), if any
	TokenID   int64  // the API token's id, if any
	Address   string // client address
	RequestID string
}

// Role returns the role acted in, or "" when there is none.
func (a *Actor) Role() Role {
	if a == nil || a.Grant == nil {
		return ""
	}
	return a.Grant.Role
}

// Scope returns the scope acted in, the zero Scope when there is none.
func (a *Actor) Scope() Scope {
	if a == nil || a.Grant == nil {
		return Scope{}
	}
	return a.Grant.Scope
}

// Municipality returns the municipality of a municipal scope, or "".
func (a *Actor) Municipality() string {
	if s := a.Scope(); s.Kind == ScopeMunicipality {
		return s.Code
	}
	return ""
}

// Name returns what the audit trail calls the actor: the user's e-mail,
// "system" or "anonymous".
func (a *Actor) Name() string {
	switch {
	case a == nil:
		return "anonymous"
	case a.User != nil:
		return a.User.Email
	case a.System:
		return "system"
	default:
		return "anonymous"
	}
}

type actorKey struct{}

// WithActor returns a context that carries a.
func WithActor(ctx context.Context, a *Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor ctx carries, or an anonymous actor with no
// address when it carries none.
func ActorFrom(ctx context.Context) *Actor {
	if a, ok := ctx.Value(actorKey{}).(*Actor); ok && a != nil {
		return a
	}
	return &Actor{}
}

// SystemActor returns the actor of the command line and background work.
func SystemActor() *Actor { return &Actor{System: true} }
