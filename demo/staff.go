package demo

import (
	"context"
	"fmt"

	"beredskap"
	"beredskap/staff"
)

// StaffPassword is the password of every demo staff user.
const StaffPassword = "beredskap-demo"

// StaffTOTPSecret is the TOTP secret (base32) of every demo staff user, so
// that one authenticator entry, or `oathtool --totp -b SECRET`, serves all.
const StaffTOTPSecret = "BEREDSKAPDEMOTOTPSECRETFORSTAFFA"

// StaffUser is a demo staff user: an e-mail and what they may do.
type StaffUser struct {
	Email      string
	FirstName  string
	LastName   string
	Role       beredskap.Role
	Scope      beredskap.Scope
	Provenance string
}

// StaffUsers are the demo staff: one of every role, two municipalities'
// medical officers (Oslo and Bergen), and a municipal employee whose
// access the county governor ordered under the earlier arrangement.
var StaffUsers = []StaffUser{
	{"admin@demo.beredskap.no", "Astrid", "Tilgang", beredskap.RoleAccessAdmin, beredskap.Scope{Kind: beredskap.ScopeNational}, ""},
	{"overlege.oslo@demo.beredskap.no", "Ola", "Overlege", beredskap.RoleMunicipalOfficer, municipality("0301"), ""},
	{"ansatt.oslo@demo.beredskap.no", "Kari", "Ansatt", beredskap.RoleMunicipalStaff, municipality("0301"), beredskap.ProvenanceCountyGovernor},
	{"overlege.bergen@demo.beredskap.no", "Berit", "Bergensen", beredskap.RoleMunicipalOfficer, municipality("4601"), ""},
	{"kontrollsenter@demo.beredskap.no", "Kim", "Kontroll", beredskap.RoleControlCentre, beredskap.Scope{Kind: beredskap.ScopeNational}, ""},
	{"grense@demo.beredskap.no", "Per", "Politi", beredskap.RoleBorderOfficer, beredskap.Scope{Kind: beredskap.ScopeNational}, ""},
	{"arbeidstilsynet@demo.beredskap.no", "Arne", "Tilsyn", beredskap.RoleLabourInspector, beredskap.Scope{Kind: beredskap.ScopeLabourInspectorate}, ""},
	{"veiledning@demo.beredskap.no", "Vera", "Veileder", beredskap.RoleCitizenSupport, beredskap.Scope{Kind: beredskap.ScopeNational}, ""},
	{"hotell.oslo@demo.beredskap.no", "Hans", "Hotellkoordinator", beredskap.RoleHotelCoordinator, municipality("0301"), ""},
	{"statsforvalter.oslo@demo.beredskap.no", "Siri", "Statsforvalter", beredskap.RoleCountyGovernor,
		beredskap.Scope{Kind: beredskap.ScopeCounty, Code: "03"}, ""},
}

func municipality(code string) beredskap.Scope {
	return beredskap.Scope{Kind: beredskap.ScopeMunicipality, Code: code}
}

// SeedStaff creates the demo staff users that do not exist yet, ready to log
// in with StaffPassword and StaffTOTPSecret, and returns how many it created.
// ctx must carry the system actor.
func SeedStaff(ctx context.Context, svc *staff.Service) (int, error) {
	created := 0
	for _, u := range StaffUsers {
		_, err := svc.AddUser(ctx, staff.NewUser{
			Email:      u.Email,
			FirstName:  u.FirstName,
			LastName:   u.LastName,
			Role:       u.Role,
			Scope:      u.Scope,
			Provenance: u.Provenance,
			Password:   StaffPassword,
			TOTPSecret: StaffTOTPSecret,
		})
		switch {
		case err == nil:
			created++
		case beredskap.ErrorCode(err) == beredskap.ECONFLICT:
			// made by an earlier run
		default:
			return created, fmt.Errorf("seed staff user %s: %w", u.Email, err)
		}
	}
	return created, nil
}
