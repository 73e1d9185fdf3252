package beredskap_test

import (
	"testing"
	"time"

	"beredskap"
)

// The municipalities of the policy table: the actor's own (for municipal
// roles; any one for the others), another, and none.
const (
	ownMunicipality   = "0301"
	otherMunicipality = "4601"
)

// policy is what Can answers for each role and permission, on the actor's
// own municipality, another, and none (""), written "y" or "-" in that
// order. A role or permission missing here fails the test.
var policy = map[beredskap.Role]map[beredskap.Permission]string{
	beredskap.RoleBorderOfficer: {
		beredskap.PermListRegistrations:     "---",
		beredskap.PermReadRegistration:      "yyy",
		beredskap.PermSearchAudit:           "---",
		beredskap.PermOrderAccess:           "---",
		beredskap.PermConfirmAccessOrder:    "---",
		beredskap.PermViewAccessOrders:      "---",
		beredskap.PermProcessAccessOrders:   "---",
		beredskap.PermManageUsers:           "---",
		beredskap.PermProcessCitizenCases:   "---",
		beredskap.PermFollowUp:              "---",
		beredskap.PermManageTemplates:       "---",
		beredskap.PermViewReports:           "---",
		beredskap.PermViewLabourNotices:     "---",
		beredskap.PermManageHotels:          "---",
		beredskap.PermAllocateStay:          "yyy",
		beredskap.PermManageStays:           "---",
		beredskap.PermGrantDispensation:     "---",
		beredskap.PermDelegateDispensations: "---",
		beredskap.PermEndDispensation:       "---",
		beredskap.PermReadDispensations:     "---",
		beredskap.PermRuleImpact:            "---",
		beredskap.PermLegalHold:             "---",
		beredskap.PermViewStatistics:        "---",
	},
	beredskap.RoleControlCentre: {
		beredskap.PermListRegistrations:     "yyy",
		beredskap.PermReadRegistration:      "yyy",
		beredskap.PermSearchAudit:           "---",
		beredskap.PermOrderAccess:           "---",
		beredskap.PermConfirmAccessOrder:    "---",
		beredskap.PermViewAccessOrders:      "---",
		beredskap.PermProcessAccessOrders:   "---",
		beredskap.PermManageUsers:           "---",
		beredskap.PermProcessCitizenCases:   "---",
		beredskap.PermFollowUp:              "yyy",
		beredskap.PermManageTemplates:       "yyy",
		beredskap.PermViewReports:           "yyy",
		beredskap.PermViewLabourNotices:     "yyy",
		beredskap.PermManageHotels:          "---",
		beredskap.PermAllocateStay:          "---",
		beredskap.PermManageStays:           "---",
		beredskap.PermGrantDispensation:     "---",
		beredskap.PermDelegateDispensations: "---",
		beredskap.PermEndDispensation:       "---",
		beredskap.PermReadDispensations:     "---",
		beredskap.PermRuleImpact:            "yyy",
		beredskap.PermLegalHold:             "---",
		beredskap.PermViewStatistics:        "yyy",
	},
	beredskap.RoleMunicipalOfficer: {
		beredskap.PermListRegistrations:     "y--",
		beredskap.PermReadRegistration:      "y--",
		beredskap.PermSearchAudit:           "---",
		beredskap.PermOrderAccess:           "y--",
		beredskap.PermConfirmAccessOrder:    "y--",
		beredskap.PermViewAccessOrders:      "y--",
		beredskap.PermProcessAccessOrders:   "---",
		beredskap.PermManageUsers:           "---",
		beredskap.PermProcessCitizenCases:   "---",
		beredskap.PermFollowUp:              "---",
		beredskap.PermManageTemplates:       "---",
		beredskap.PermViewReports:           "y--",
		beredskap.PermViewLabourNotices:     "---",
		beredskap.PermManageHotels:          "---",
		beredskap.PermAllocateStay:          "---",
		beredskap.PermManageStays:           "---",
		beredskap.PermGrantDispensation:     "y--",
		beredskap.PermDelegateDispensations: "y--",
		beredskap.PermEndDispensation:       "y--",
		beredskap.PermReadDispensations:     "y--",
		beredskap.PermRuleImpact:            "y--",
		beredskap.PermLegalHold:             "y--",
		beredskap.PermViewStatistics:        "y--",
	},
	beredskap.RoleMunicipalStaff: {
		beredskap.PermListRegistrations:     "y--",
		beredskap.PermReadRegistration:      "y--",
		beredskap.PermSearchAudit:           "---",
		beredskap.PermOrderAccess:           "---",
		beredskap.PermConfirmAccessOrder:    "---",
		beredskap.PermViewAccessOrders:      "---",
		beredskap.PermProcessAccessOrders:   "---",
		beredskap.PermManageUsers:           "---",
		beredskap.PermProcessCitizenCases:   "---",
		beredskap.PermFollowUp:              "---",
		beredskap.PermManageTemplates:       "---",
		beredskap.PermViewReports:           "y--",
		beredskap.PermViewLabourNotices:     "---",
		beredskap.PermManageHotels:          "---",
		beredskap.PermAllocateStay:          "---",
		beredskap.PermManageStays:           "---",
		beredskap.PermGrantDispensation:     "y--",
		beredskap.PermDelegateDispensations: "---",
		beredskap.PermEndDispensation:       "y--",
		beredskap.PermReadDispensations:     "y--",
		beredskap.PermRuleImpact:            "---",
		beredskap.PermLegalHold:             "---",
		beredskap.PermViewStatistics:        "y--",
	},
	beredskap.RoleLabourInspector: {
		beredskap.PermListRegistrations:     "---",
		beredskap.PermReadRegistration:      "---",
		beredskap.PermSearchAudit:           "---",
		beredskap.PermOrderAccess:           "---",
		beredskap.PermConfirmAccessOrder:    "---",
		beredskap.PermViewAccessOrders:      "---",
		beredskap.PermProcessAccessOrders:   "---",
		beredskap.PermManageUsers:           "---",
		beredskap.PermProcessCitizenCases:   "---",
		beredskap.PermFollowUp:              "---",
		beredskap.PermManageTemplates:       "---",
		beredskap.PermViewReports:           "---",
		beredskap.PermViewLabourNotices:     "yyy",
		beredskap.PermManageHotels:          "---",
		beredskap.PermAllocateStay:          "---",
		beredskap.PermManageStays:           "---",
		beredskap.PermGrantDispensation:     "---",
		beredskap.PermDelegateDispensations: "---",
		beredskap.PermEndDispensation:       "---",
		beredskap.PermReadDispensations:     "---",
		beredskap.PermRuleImpact:            "---",
		beredskap.PermLegalHold:             "---",
		beredskap.PermViewStatistics:        "---",
	},
	beredskap.RoleCountyGovernor: {
		beredskap.PermListRegistrations:     "---",
		beredskap.PermReadRegistration:      "---",
		beredskap.PermSearchAudit:           "---",
		beredskap.PermOrderAccess:           "---",
		beredskap.PermConfirmAccessOrder:    "---",
		beredskap.PermViewAccessOrders:      "---",
		beredskap.PermProcessAccessOrders:   "---",
		beredskap.PermManageUsers:           "---",
		beredskap.PermProcessCitizenCases:   "---",
		beredskap.PermFollowUp:              "---",
		beredskap.PermManageTemplates:       "---",
		beredskap.PermViewReports:           "---",
		beredskap.PermViewLabourNotices:     "---",
		beredskap.PermManageHotels:          "---",
		beredskap.PermAllocateStay:          "---",
		beredskap.PermManageStays:           "---",
		beredskap.PermGrantDispensation:     "---",
		beredskap.PermDelegateDispensations: "---",
		beredskap.PermEndDispensation:       "---",
		beredskap.PermReadDispensations:     "---",
		beredskap.PermRuleImpact:            "---",
		beredskap.PermLegalHold:             "---",
		beredskap.PermViewStatistics:        "y--",
	},
	beredskap.RoleAccessAdmin: {
		beredskap.PermListRegistrations:     "---",
		beredskap.PermReadRegistration:      "---",
		beredskap.PermSearchAudit:           "yyy",
		beredskap.PermOrderAccess:           "---",
		beredskap.PermConfirmAccessOrder:    "---",
		beredskap.PermViewAccessOrders:      "yyy",
		beredskap.PermProcessAccessOrders:   "yyy",
		beredskap.PermManageUsers:           "yyy",
		beredskap.PermProcessCitizenCases:   "---",
		beredskap.PermFollowUp:              "---",
		beredskap.PermManageTemplates:       "---",
		beredskap.PermViewReports:           "---",
		beredskap.PermViewLabourNotices:     "---",
		beredskap.PermManageHotels:          "---",
		beredskap.PermAllocateStay:          "---",
		beredskap.PermManageStays:           "---",
		beredskap.PermGrantDispensation:     "---",
		beredskap.PermDelegateDispensations: "---",
		beredskap.PermEndDispensation:       "---",
		beredskap.PermReadDispensations:     "---",
		beredskap.PermRuleImpact:            "---",
		beredskap.PermLegalHold:             "---",
		beredskap.PermViewStatistics:        "---",
	},
	beredskap.RoleCitizenSupport: {
		beredskap.PermListRegistrations:     "---",
		beredskap.PermReadRegistration:      "---",
		beredskap.PermSearchAudit:           "---",
		beredskap.PermOrderAccess:           "---",
		beredskap.PermConfirmAccessOrder:    "---",
		beredskap.PermViewAccessOrders:      "---",
		beredskap.PermProcessAccessOrders:   "---",
		beredskap.PermManageUsers:           "---",
		beredskap.PermProcessCitizenCases:   "yyy",
		beredskap.PermFollowUp:              "---",
		beredskap.PermManageTemplates:       "---",
		beredskap.PermViewReports:           "---",
		beredskap.PermViewLabourNotices:     "---",
		beredskap.PermManageHotels:          "---",
		beredskap.PermAllocateStay:          "---",
		beredskap.PermManageStays:           "---",
		beredskap.PermGrantDispensation:     "---",
		beredskap.PermDelegateDispensations: "---",
		beredskap.PermEndDispensation:       "---",
		beredskap.PermReadDispensations:     "---",
		beredskap.PermRuleImpact:            "---",
		beredskap.PermLegalHold:             "---",
		beredskap.PermViewStatistics:        "---",
	},
	beredskap.RoleHotelCoordinator: {
		beredskap.PermListRegistrations:     "---",
		beredskap.PermReadRegistration:      "y--",
		beredskap.PermSearchAudit:           "---",
		beredskap.PermOrderAccess:           "---",
		beredskap.PermConfirmAccessOrder:    "---",
		beredskap.PermViewAccessOrders:      "---",
		beredskap.PermProcessAccessOrders:   "---",
		beredskap.PermManageUsers:           "---",
		beredskap.PermProcessCitizenCases:   "---",
		beredskap.PermFollowUp:              "---",
		beredskap.PermManageTemplates:       "---",
		beredskap.PermViewReports:           "---",
		beredskap.PermViewLabourNotices:     "---",
		beredskap.PermManageHotels:          "y--",
		beredskap.PermAllocateStay:          "y--",
		beredskap.PermManageStays:           "y--",
		beredskap.PermGrantDispensation:     "---",
		beredskap.PermDelegateDispensations: "---",
		beredskap.PermEndDispensation:       "---",
		beredskap.PermReadDispensations:     "---",
		beredskap.PermRuleImpact:            "y--",
		beredskap.PermLegalHold:             "---",
		beredskap.PermViewStatistics:        "---",
	},
}

// registrationScope is what RegistrationScope answers for each role.
var registrationScope = map[beredskap.Role]struct {
	municipality string
	ok           bool
}{
	beredskap.RoleBorderOfficer:    {"", true},
	beredskap.RoleControlCentre:    {"", true},
	beredskap.RoleMunicipalOfficer: {ownMunicipality, true},
	beredskap.RoleMunicipalStaff:   {ownMunicipality, true},
	beredskap.RoleLabourInspector:  {"", false},
	beredskap.RoleCountyGovernor:   {"", false},
	beredskap.RoleAccessAdmin:      {"", false},
	beredskap.RoleCitizenSupport:   {"", false},
	beredskap.RoleHotelCoordinator: {ownMunicipality, true},
}

// actorFor returns an active user acting in a grant of the role, scoped
// as the role's grants are: municipal roles to ownMunicipality.
func actorFor(r beredskap.Role) *beredskap.Actor {
	sc := beredskap.Scope{Kind: beredskap.ScopeKindOf(r)}
	switch sc.Kind {
	case beredskap.ScopeMunicipality:
		sc.Code = ownMunicipality
	case beredskap.ScopeCounty:
		sc.Code = ownMunicipality[:2]
	}
	g := &beredskap.Grant{ID: 1, UserID: 1, Role: r, Scope: sc, ValidFrom: time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)}
	u := &beredskap.User{ID: 1, Email: string(r) + "@example.no", Status: beredskap.UserActive, Grants: []beredskap.Grant{*g}}
	return &beredskap.Actor{User: u, Grant: g}
}

func TestCanMatrix(t *testing.T) {
	if len(policy) != len(beredskap.Roles) {
		t.Errorf("the policy table names %d roles; beredskap.Roles has %d", len(policy), len(beredskap.Roles))
	}
	municipalities := []struct{ name, code string }{
		{"own", ownMunicipality}, {"other", otherMunicipality}, {"none", ""},
	}
	for _, r := range beredskap.Roles {
		row, ok := policy[r]
		if !ok {
			t.Errorf("role %s is missing from the policy table", r)
			continue
		}
		if len(row) != len(beredskap.Permissions) {
			t.Errorf("role %s: the table names %d permissions; beredskap.Permissions has %d", r, len(row), len(beredskap.Permissions))
		}
		a := actorFor(r)
		for _, p := range beredskap.Permissions {
			want, ok := row[p]
			if !ok || len(want) != len(municipalities) {
				t.Errorf("role %s, permission %s: missing or malformed in the policy table", r, p)
				continue
			}
			for i, m := range municipalities {
				got := beredskap.Can(a, p, m.code)
				if got != (want[i] == 'y') {
					t.Errorf("Can(%s, %s, %s municipality %q) = %v, want %v", r, p, m.name, m.code, got, !got)
				}
			}
		}
	}
}

func TestCanOthers(t *testing.T) {
	removed := actorFor(beredskap.RoleControlCentre)
	removed.User.Status = beredskap.UserRemoved
	noGrant := actorFor(beredskap.RoleAccessAdmin)
	noGrant.Grant = nil
	tests := []struct {
		name  string
		actor *beredskap.Actor
		want  bool
	}{
		{"system", beredskap.SystemActor(), true},
		{"nil", nil, false},
		{"anonymous", &beredskap.Actor{}, false},
		{"removed user", removed, false},
		{"user acting in no grant", noGrant, false},
	}
	for _, tt := range tests {
		for _, p := range beredskap.Permissions {
			for _, m := range []string{ownMunicipality, otherMunicipality, ""} {
				if got := beredskap.Can(tt.actor, p, m); got != tt.want {
					t.Errorf("Can(%s, %s, %q) = %v, want %v", tt.name, p, m, got, tt.want)
				}
			}
		}
	}
}

func TestRegistrationScope(t *testing.T) {
	for _, r := range beredskap.Roles {
		want, ok := registrationScope[r]
		if !ok {
			t.Errorf("role %s is missing from the registration scope table", r)
			continue
		}
		m, got := beredskap.RegistrationScope(actorFor(r))
		if m != want.municipality || got != want.ok {
			t.Errorf("RegistrationScope(%s) = %q, %v; want %q, %v", r, m, got, want.municipality, want.ok)
		}
	}
	noCode := actorFor(beredskap.RoleMunicipalStaff)
	noCode.Grant.Scope.Code = ""
	removed := actorFor(beredskap.RoleMunicipalOfficer)
	removed.User.Status = beredskap.UserRemoved
	tests := []struct {
		name   string
		actor  *beredskap.Actor
		wantM  string
		wantOK bool
	}{
		{"system", beredskap.SystemActor(), "", true},
		{"nil", nil, "", false},
		{"anonymous", &beredskap.Actor{}, "", false},
		{"municipal grant without a code", noCode, "", false},
		{"removed municipal officer", removed, ownMunicipality, false},
	}
	for _, tt := range tests {
		m, ok := beredskap.RegistrationScope(tt.actor)
		if m != tt.wantM || ok != tt.wantOK {
			t.Errorf("RegistrationScope(%s) = %q, %v; want %q, %v", tt.name, m, ok, tt.wantM, tt.wantOK)
		}
	}
}
