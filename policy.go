package beredskap

import "strings"

// Permission names something an actor may be allowed to do.
type Permission string

// The permissions. Which role holds which is decided by Can, the one place
// that knows; the service layer asks it before every action, and the
// queries behind it are scoped by the same municipality.
const (
	// PermListRegistrations lists registrations (of the actor's
	// municipality for municipal roles, of all for the control centre).
	PermListRegistrations Permission = "registrations.list"
	// PermReadRegistration reads one registration with its decision.
	PermReadRegistration Permission = "registrations.read"
	// PermSearchAudit searches the audit trail.
	PermSearchAudit Permission = "audit.search"
	// PermOrderAccess files an access order (bestilling) for a municipality.
	PermOrderAccess Permission = "access.order"
	// PermConfirmAccessOrder confirms an order an employee filed with the
	// municipal officer on copy.
	PermConfirmAccessOrder Permission = "access.confirm"
	// PermViewAccessOrders lists and reads access orders of a municipality
	// (all municipalities for access administrators).
	PermViewAccessOrders Permission = "access.view"
	// PermProcessAccessOrders approves or rejects access orders.
	PermProcessAccessOrders Permission = "access.process"
	// PermManageUsers lists users and grants, removes users, resends
	// invitations and creates API tokens.
	PermManageUsers Permission = "users.manage"
	// PermProcessCitizenCases registers, approves and rejects citizens'
	// block and reopen cases and enters reopen codes (seed 003).
	PermProcessCitizenCases Permission = "citizen_cases.process"
	// PermFollowUp works the control centre's queue: claims travellers,
	// files call reports and sends SMS.
	PermFollowUp Permission = "followup.work"
	// PermManageTemplates changes the SMS templates.
	PermManageTemplates Permission = "sms_templates.manage"
	// PermViewReports reads a municipality's follow-up: the travellers,
	// their timelines and reports, exports and charts (all municipalities
	// for the control centre), and sets one's own e-mail digest.
	PermViewReports Permission = "reports.view"
	// PermViewLabourNotices reads and exports the notices of suspected
	// employer breaches.
	PermViewLabourNotices Permission = "labour_notices.view"
	// PermManageHotels adds and changes a municipality's quarantine hotels
	// and their capacity.
	PermManageHotels Permission = "hotels.manage"
	// PermAllocateStay assigns a traveller to a quarantine hotel: border
	// officers for land and sea arrivals, the hotel municipality's
	// coordinator for air arrivals (seed 004).
	PermAllocateStay Permission = "stays.allocate"
	// PermManageStays checks guests in and out, records early departures,
	// transfers and isolation stays, and reads fee statements and employer
	// invoice data of the municipality's hotels.
	PermManageStays Permission = "stays.manage"
	// PermGrantDispensation grants § 6j dispensations (municipal staff
	// only when the officer has delegated it to them).
	PermGrantDispensation Permission = "dispensations.grant"
	// PermDelegateDispensations lets the municipal officer delegate
	// dispensations to their staff.
	PermDelegateDispensations Permission = "dispensations.delegate"
	// PermEndDispensation ends a dispensation at once when symptoms are
	// reported.
	PermEndDispensation Permission = "dispensations.end"
	// PermReadDispensations reads the § 6j dispensations of the
	// quarantine municipality (a dying relative, a funeral): its municipal
	// officer and staff only, who grant and end them.
	PermReadDispensations Permission = "dispensations.read"
	// PermRuleImpact reads who a rule change affects and how.
	PermRuleImpact Permission = "rules.impact"
	// PermLegalHold holds a person's data past its retention period
	// (rettslig hold), releases holds and lists them for review.
	PermLegalHold Permission = "legal_holds.manage"
	// PermViewStatistics reads the counts that remain after the purge,
	// small counts suppressed: every municipality's for the control
	// centre, the county's municipalities' for a county governor, the own
	// municipality's for municipal officers and staff.
	PermViewStatistics Permission = "statistics.view"
)

// Permissions lists every permission.
var Permissions = []Permission{
	PermListRegistrations, PermReadRegistration, PermSearchAudit, PermOrderAccess,
	PermConfirmAccessOrder, PermViewAccessOrders, PermProcessAccessOrders, PermManageUsers,
	PermProcessCitizenCases, PermFollowUp, PermManageTemplates, PermViewReports, PermViewLabourNotices,
	PermManageHotels, PermAllocateStay, PermManageStays, PermGrantDispensation, PermDelegateDispensations,
	PermEndDispensation, PermReadDispensations, PermRuleImpact, PermLegalHold, PermViewStatistics,
}

// Can reports whether a may do p to things of municipality, which is ""
// when the action concerns no one municipality (such as listing across
// all). Municipal roles may act only on their own municipality, and never
// on "" where a municipality could be named. The system actor may do
// everything; an anonymous actor nothing.
func Can(a *Actor, p Permission, municipality string) bool {
	if a == nil {
		return false
	}
	if a.System {
		return true
	}
	if a.User == nil || a.Grant == nil || a.User.Status != UserActive {
		return false
	}
	own := municipality != "" && municipality == a.Municipality()
	switch a.Role() {
	case RoleControlCentre:
		switch p {
		case PermListRegistrations, PermReadRegistration, PermFollowUp, PermManageTemplates,
			PermViewReports, PermViewLabourNotices, PermRuleImpact, PermViewStatistics:
			return true
		}
	case RoleBorderOfficer:
		return p == PermReadRegistration || p == PermAllocateStay
	case RoleMunicipalOfficer:
		switch p {
		case PermListRegistrations, PermReadRegistration, PermOrderAccess,
			PermConfirmAccessOrder, PermViewAccessOrders, PermViewReports, PermGrantDispensation,
			PermDelegateDispensations, PermEndDispensation, PermReadDispensations, PermRuleImpact, PermLegalHold,
			PermViewStatistics:
			return own
		}
	case RoleMunicipalStaff:
		switch p {
		case PermListRegistrations, PermReadRegistration, PermViewReports, PermGrantDispensation,
			PermEndDispensation, PermReadDispensations, PermViewStatistics:
			return own
		}
	case RoleHotelCoordinator:
		switch p {
		case PermReadRegistration, PermManageHotels, PermAllocateStay, PermManageStays, PermRuleImpact:
			return own
		}
	case RoleLabourInspector:
		return p == PermViewLabourNotices
	case RoleCountyGovernor:
		// A municipality's number begins with its county's.
		county := a.Scope()
		return p == PermViewStatistics && county.Kind == ScopeCounty && county.Code != "" &&
			municipality != "" && strings.HasPrefix(municipality, county.Code)
	case RoleAccessAdmin:
		switch p {
		case PermSearchAudit, PermViewAccessOrders, PermProcessAccessOrders, PermManageUsers:
			return true
		}
	case RoleCitizenSupport:
		return p == PermProcessCitizenCases
	}
	return false
}

// StatisticsScope returns the code of a's scope as Can judges it for
// PermViewStatistics: "" for national reach, else the municipality's or
// the county's number.
func StatisticsScope(a *Actor) string {
	if a == nil || a.System {
		return ""
	}
	return a.Scope().Code
}

// RegistrationScope returns the municipality a's queries for registrations
// are limited to: the actor's own for municipal roles, "" (all) for roles
// with national reach. ok is false when a may not see registrations at all.
func RegistrationScope(a *Actor) (municipality string, ok bool) {
	switch {
	case a == nil:
		return "", false
	case a.System:
		return "", true
	case a.Role() == RoleMunicipalOfficer || a.Role() == RoleMunicipalStaff || a.Role() == RoleHotelCoordinator:
		m := a.Municipality()
		return m, m != "" && Can(a, PermReadRegistration, m)
	default:
		return "", Can(a, PermReadRegistration, "")
	}
}
