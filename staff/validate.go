package staff

import (
	"errors"
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"beredskap"
	"beredskap/auth"
	"beredskap/norway"
)

// Limits on what staff forms may hold.
const (
	maxEmailLength       = 254
	maxPositionLength    = 200
	maxServiceNeedLength = 1000
	maxReasonLength      = 1000
	maxTokenNameLength   = 100
)

// oslo is the time zone whose calendar dates orders are written in.
var oslo = mustLoadOslo()

func mustLoadOslo() *time.Location {
	loc, err := time.LoadLocation("Europe/Oslo")
	if err != nil {
		panic(err) // package norway embeds time/tzdata, so this cannot happen
	}
	return loc
}

// checkText records a problem with a text field that is missing when
// required, too long, or holds control characters, and returns it trimmed.
func checkText(ps *beredskap.Problems, field, v string, required bool, max int) string {
	v = strings.TrimSpace(v)
	switch {
	case v == "" && required:
		ps.Add(field, "required", "is required")
	case !utf8.ValidString(v) || strings.IndexFunc(v, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\r' }) >= 0:
		ps.Add(field, "format_text", "must be text without control characters")
	case utf8.RuneCountInString(v) > max:
		ps.Add(field, "too_long", fmt.Sprintf("must be at most %d characters", max))
	}
	return v
}

// checkName is checkText for a required name on one line.
func checkName(ps *beredskap.Problems, field, v string) string {
	v = checkText(ps, field, v, true, beredskap.MaxNameLength)
	if strings.ContainsAny(v, "\r\n") {
		ps.Add(field, "format_text", "must be one line")
	}
	return v
}

// checkEmail records a problem unless v is a bare e-mail address (no
// display name) of at most 254 characters, and returns it in lower case.
func checkEmail(ps *beredskap.Problems, field, v string, required bool) string {
	v = strings.ToLower(strings.TrimSpace(v))
	if v == "" {
		if required {
			ps.Add(field, "required", "is required")
		}
		return v
	}
	if len(v) > maxEmailLength {
		ps.Add(field, "too_long", fmt.Sprintf("must be at most %d characters", maxEmailLength))
		return v
	}
	addr, err := mail.ParseAddress(v)
	if err != nil || addr.Name != "" || addr.Address != v || !strings.Contains(v[strings.LastIndexByte(v, '@')+1:], ".") {
		ps.Add(field, "format_email", "must be an e-mail address such as name@example.com")
	}
	return v
}

// checkMobile records a problem unless v is a valid phone number (read as
// Norwegian without a country code), and returns it in E.164 form.
func checkMobile(ps *beredskap.Problems, field, v string, required bool) string {
	v = strings.TrimSpace(v)
	if v == "" {
		if required {
			ps.Add(field, "required", "is required")
		}
		return v
	}
	n, err := norway.NormalizePhone(v, "NO")
	if err != nil {
		ps.Add(field, norway.ReasonInvalidPhone, "must be a phone number such as +47 912 34 567")
		return v
	}
	return n
}

// checkMunicipality records a problem unless code is a municipality at
// now, and returns it.
func checkMunicipality(ps *beredskap.Problems, field, code string, now time.Time) (norway.Municipality, bool) {
	code = strings.TrimSpace(code)
	if code == "" {
		ps.Add(field, "required", "is required")
		return norway.Municipality{}, false
	}
	m, ok := norway.MunicipalityAt(code, now)
	if !ok || m.CountyCode == "" {
		ps.Add(field, "unknown_municipality", "must be the number of a municipality, such as 0301")
		return norway.Municipality{}, false
	}
	return m, true
}

// validateNewUser checks n, collecting every problem into one EINVALID
// error, and returns it normalised: e-mail in lower case, mobile in E.164,
// the scope kind that of the role.
func validateNewUser(n NewUser, now time.Time) (NewUser, error) {
	var ps beredskap.Problems
	n.Email = checkEmail(&ps, "email", n.Email, true)
	n.FirstName = checkName(&ps, "first_name", n.FirstName)
	// A person known by one name has no last name.
	n.LastName = checkText(&ps, "last_name", n.LastName, false, beredskap.MaxNameLength)
	if strings.ContainsAny(n.LastName, "\r\n") {
		ps.Add("last_name", "format_text", "must be one line")
	}
	n.Mobile = checkMobile(&ps, "mobile", n.Mobile, false)
	n.NationalID = strings.TrimSpace(n.NationalID)
	if n.NationalID != "" {
		if _, err := norway.ParseNationalID(n.NationalID, norway.IDOptions{AllowSynthetic: true}); err != nil {
			ps.Add("national_id", "invalid_national_id", "must be a valid national identity number")
		}
	}
	n.Organisation = checkText(&ps, "organisation", n.Organisation, false, maxPositionLength)
	n.Position = checkText(&ps, "position", n.Position, false, maxPositionLength)
	if !n.Role.Valid() {
		ps.Add("role", "unknown_value", "must be one of "+roleList(beredskap.Roles))
	} else {
		kind := beredskap.ScopeKindOf(n.Role)
		if n.Scope.Kind == "" {
			n.Scope.Kind = kind
		}
		n.Scope.Code = strings.TrimSpace(n.Scope.Code)
		switch {
		case n.Scope.Kind != kind:
			ps.Add("scope", "wrong_kind", fmt.Sprintf("must be %s for the role %s", kind, n.Role))
		case kind == beredskap.ScopeMunicipality:
			checkMunicipality(&ps, "municipality", n.Scope.Code, now)
		case kind == beredskap.ScopeCounty:
			if !slices.ContainsFunc(norway.Counties(now), func(c norway.County) bool { return c.Code == n.Scope.Code }) {
				ps.Add("county", "unknown_county", "must be the number of a county, such as 03")
			}
		case n.Scope.Code != "":
			ps.Add("scope", "unexpected", "takes no code for the role "+string(n.Role))
		}
	}
	if n.ValidTo != nil && !n.ValidTo.After(now) {
		ps.Add("valid_to", "past", "must be in the future")
	}
	if n.Password != "" {
		if err := checkPassword(&ps, n.Password); err != nil {
			return n, err
		}
	}
	return n, ps.Err()
}

// roleList writes roles for an error message.
func roleList(rs []beredskap.Role) string {
	s := make([]string, len(rs))
	for i, r := range rs {
		s[i] = string(r)
	}
	return strings.Join(s, ", ")
}

// orderRoles are the roles an access order may ask for.
var orderRoles = []beredskap.Role{beredskap.RoleMunicipalOfficer, beredskap.RoleMunicipalStaff, beredskap.RoleHotelCoordinator}

// validateOrder checks an access order as filed, collecting every problem
// into one EINVALID error, and returns the order it describes (without
// status or who filed it). selfFiled asks for the officer's e-mail too.
func validateOrder(in OrderInput, now time.Time, selfFiled bool) (*beredskap.AccessOrder, error) {
	var ps beredskap.Problems
	o := &beredskap.AccessOrder{Kind: in.Kind, Role: in.Role}
	switch in.Kind {
	case beredskap.OrderGrant, beredskap.OrderChange, beredskap.OrderRemove:
	case "":
		ps.Add("kind", "required", "is required")
	default:
		ps.Add("kind", "unknown_value", "must be one of order, change, remove")
	}
	o.FirstName = checkName(&ps, "first_name", in.FirstName)
	o.LastName = checkName(&ps, "last_name", in.LastName)
	o.Email = checkEmail(&ps, "email", in.Email, true)
	o.Mobile = checkMobile(&ps, "mobile", in.Mobile, true)
	if m, ok := checkMunicipality(&ps, "municipality", in.Municipality, now); ok {
		o.Municipality, o.County = m.Code, m.CountyCode
	}
	o.Position = checkText(&ps, "position", in.Position, true, maxPositionLength)
	switch {
	case in.Role == "":
		ps.Add("role", "required", "is required")
	case !slices.Contains(orderRoles, in.Role):
		ps.Add("role", "unknown_value", "must be one of "+roleList(orderRoles))
	}
	o.ServiceNeed = checkText(&ps, "service_need", in.ServiceNeed, true, maxServiceNeedLength)
	if v := strings.TrimSpace(in.ValidTo); v != "" {
		d, err := beredskap.ParseDate(v)
		today := now.In(oslo).Format(time.DateOnly)
		switch {
		case err != nil:
			ps.Add("valid_to", "format_date", "must be a date written YYYY-MM-DD")
		case v < today:
			ps.Add("valid_to", "past", "must not be in the past")
		default:
			o.ValidTo = &d
		}
	}
	if selfFiled {
		o.OfficerEmail = checkEmail(&ps, "officer_email", in.OfficerEmail, true)
	}
	return o, ps.Err()
}

// checkReason checks the reason given with a rejection or removal.
func checkReason(reason string, required bool) (string, error) {
	var ps beredskap.Problems
	reason = checkText(&ps, "reason", reason, required, maxReasonLength)
	return reason, ps.Err()
}

// grantEnd returns when a grant ordered valid to the date d (midnight UTC,
// the last day included) ends: the start of the next day in Oslo.
func grantEnd(d *time.Time) *time.Time {
	if d == nil {
		return nil
	}
	end := time.Date(d.Year(), d.Month(), d.Day()+1, 0, 0, 0, 0, oslo).UTC()
	return &end
}

// checkPassword records the password policy's problems with pw. It returns
// an error only when the policy check fails in another way.
func checkPassword(ps *beredskap.Problems, pw string) error {
	err := auth.CheckPasswordPolicy(pw)
	var e *beredskap.Error
	if !errors.As(err, &e) || e.Code != beredskap.EINVALID {
		return err
	}
	if len(e.Problems) == 0 {
		ps.Add(e.Field, e.Reason, e.Message)
	}
	for _, p := range e.Problems {
		ps.Add(p.Field, p.Reason, p.Message)
	}
	return nil
}
