package web

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"beredskap"
)

// The details of an audit entry are stored as the service wrote them, in
// English or as key=value pairs, because the entries are hash-chained and
// never change. The audit page reads them back into words: a detail is a
// list of clauses separated by "; ", and each clause is either one of the
// phrases below, a list of key=value pairs (and flags), an instant or an
// object. Whatever is none of these is shown as it is, never an error.

// auditPhrase is one form of a detail clause: the English the service
// writes, with {name:kind} standing for a value, and its words in the
// locales under staff.audit.phrase.<name>, where {name} is the value
// written in the page's language.
type auditPhrase struct {
	name    string
	re      *regexp.Regexp
	args    []string // the placeholders' names, in order
	kinds   []string // and kinds
	literal int      // the length of the form's fixed text
}

// auditPhraseForms are the forms of the clauses the services write, by
// the name of their words. Kinds: text (as written, the default), n (a
// number), email, instant, day, role, scope, muni (a municipality number),
// object, q (a quoted text), prov (a grant's provenance), clause (a
// clause of its own), kv (key=value pairs), and code.<prefix> (the words
// of the key <prefix><value>).
var auditPhraseForms = [][2]string{
	// Staff logins and enrolment.
	{"login_wait", "failed attempts on this account from this address wait until {until:instant}"},
	{"login_wait_started", "attempts on this account from this address wait until {until:instant}"},
	{"no_access", "no access in force"},
	{"not_enrolled", "not enrolled"},
	{"unknown_account", "unknown account"},
	{"wrong_password", "wrong password"},
	{"wrong_recovery", "wrong recovery code"},
	{"wrong_totp", "wrong totp"},
	{"password_accepted", "password accepted"},
	{"next_step", "next: {step:code.staff.audit.value.stage.}"},
	{"totp_accepted", "totp accepted"},
	{"recovery_accepted", "recovery code accepted"},
	{"acting_as", "acting as {role:role} {scope:scope}"},
	{"no_oidc_match", "no active user with access matches the {claim} claim"},
	{"password_set", "password set"},
	{"links_used", "every enrolment link of the user used up"},
	{"totp_exists", "the account has a TOTP secret already"},
	{"totp_enrolled", "TOTP enrolled"},
	{"new_recovery", "new recovery codes"},
	{"sessions_ended", "{sessions:n} sessions ended, {tokens:n} tokens revoked"},
	{"other_sessions_ended", "{sessions:n} other sessions ended, {tokens:n} tokens revoked"},
	{"credentials_cleared", "password, TOTP and recovery codes cleared"},
	{"new_link", "new enrolment link"},
	{"link_direct", "link handed out directly, valid until {until:instant}"},
	{"link_sent", "enrolment link to {to:email}, valid until {until:instant}"},
	{"sending_failed", "sending failed"},
	{"reason", "reason: {reason}"},
	{"rate_limited", "rate_limited"},
	{"blocked", "blocked"},
	// Users, grants, tokens and access orders.
	{"provenance", "provenance {prov:prov}"},
	{"grant", "grant {id:n}: {role:role} {scope:scope}, provenance {prov:prov}"},
	{"grant_to", "grant {id:n}: {role:role} {scope:scope}, provenance {prov:prov}, valid to {to:instant}"},
	{"token", "for {user:object} in {grant:clause}, name {name:q}"},
	{"token_expires", "for {user:object} in {grant:clause}, name {name:q}, expires {expires:instant}"},
	{"order", "{kind:code.staff.kind.} {role:role} in {muni:muni} for {email:email}"},
	{"order_to", "{kind:code.staff.kind.} {role:role} in {muni:muni} for {email:email} to {to:day}"},
	{"officer", "officer {email:email}"},
	{"not_filed", "not filed: {why:clause}"},
	{"why_not_officer", "not the municipality's officer"},
	{"why_no_access", "holds no access in the municipality"},
	{"why_open", "an order for the person is open"},
	{"filed_by_person", "filed by the person, officer {email:email}"},
	{"copy_to_officer", "copy to officer {email:email}"},
	{"rejection_to", "rejection to {email:email}, order {id:n}"},
	{"link_made", "enrolment link made"},
	{"user_removed", "user removed"},
	{"active_again", "made active again by {order:object}"},
	// Citizens' cases and letters.
	{"case", "{kind:code.case.kind.} case {number} via {channel:code.case.channel.}"},
	{"case_misuse", "{kind:code.case.kind.} case {number} via {channel:code.case.channel.}, suspected misuse"},
	{"case_reason", "{kind:code.case.kind.} case {number} via {channel:code.case.channel.}: {reason}"},
	{"case_misuse_reason", "{kind:code.case.kind.} case {number} via {channel:code.case.channel.}, suspected misuse: {reason}"},
	{"cases", "{n:n} cases"},
	{"cases_of", "{n:n} cases of {person:object}"},
	{"unknown_case", "unknown case number"},
	{"case_not_awaiting", "case {number} is {status:code.case.status.}, not awaiting a code"},
	{"case_second_person", "case {number}: {who:email} approved the case or printed its letter and may not enter the code ({hands:clause})"},
	{"wrong_code", "wrong code for case {number} (attempt {n:n} of {max:n})"},
	{"code_dead", "the code is dead and the case rejected"},
	{"code_expired", "expired code for case {number}"},
	{"case_rejected", "the case is rejected"},
	{"code_accepted", "code accepted"},
	{"access_reopened", "access reopened for case {number}"},
	{"code_entered_by", "code entered by {who:email}"},
	{"approved_by", "approved by {who}"},
	{"letter_not_printed", "letter not printed here (digital mailbox)"},
	{"letter_printed_by", "letter printed by {who}"},
	{"letter_to_print", "letter for case {number} to print and post to the registered address"},
	{"letter_to_print_unknown", "letter for case {number} to print and post"},
	{"address_unknown", "the registered address is unknown and must be added by hand"},
	{"address_unknown_write", "the registered address is unknown and must be written by hand"},
	{"delivery_failed", "delivery of the letter for case {number} failed"},
	{"queued_for_print", "queued for print"},
	{"letter_delivered", "letter for case {number} delivered to the digital mailbox"},
	{"letters", "{n:n} letters"},
	{"first_download", "first download"},
	{"downloaded_again", "downloaded again (download {n:n})"},
	{"reference", "reference {reference}"},
	// Follow-up.
	{"digest", "{kind:code.staff.audit.value.digest.} to {to:email}: {counts:kv}"},
	// Hotels, stays and rule changes.
	{"wrong_channel", "arrival.mode {mode:code.staff.audit.value.mode.}"},
	{"no_hotel_required", "the decision requires no quarantine hotel and the traveller has no stay to be moved from"},
	{"stay_nights", "hotel {hotel:n}, nights {from:day}..{to:day}"},
	{"fee_total", "total {n:n} NOK"},
	{"days", "{from:day}..{to:day}"},
	{"rooms", "{from:day}..{to:day}: {n:n} rooms"},
	{"impact", "at {at:instant}: {evaluated:n} evaluated, {changed:n} changed"},
	{"sms_due", "SMS due {at:instant}"},
	{"sms_due_n", "{n:n} SMS due {at:instant}"},
	{"sweep", "{evaluated:n} evaluated, {added:n} added"},
	{"sweep_final", "final run at {at:instant}: {evaluated:n} evaluated, {added:n} added"},
	{"after", "{muni:object} after:{after}"},
	// Retention.
	{"open", "{n:n} open"},
	{"until", "until {day:day}"},
	{"held", "{n:n} registrations held"},
	{"holds", "{n:n} holds"},
	{"policy", "policy {policy}: arrived before {before:instant}"},
	{"purged", "{registrations:n} registrations, {plans:n} follow-up plans, {reports:n} call reports, {sms:n} SMS, {notices:n} labour notices, {dispensations:n} dispensations deleted"},
	{"deidentified", "{n:n} hotel stays de-identified"},
	{"rows", "{n:n} rows: {what:clause}"},
	{"last_night_before", "last night before {day:day}"},
	{"closed_before", "closed before {at:instant}"},
	{"unchanged_since", "not blocked, unchanged since {at:instant}"},
	{"ended_before", "ended before {at:instant}"},
	// Follow-up refusals, written as the refusal's message.
	{"report_corrected", "report {old:n} was corrected by report {new:n}"},
	{"correct_newest", "correct the newest one"},
	{"followup_ended_no_report", "the follow-up of this traveller has ended: the traveller is no longer in the queue, and a report is refused"},
	{"not_claimed", "you do not hold this traveller (never claimed, claim expired or held by another operator): claim the traveller before filing a report"},
	{"followup_ended", "the follow-up of this traveller has ended"},
	{"no_phone", "the traveller has no phone number"},
	{"held_by_other", "another operator holds this traveller"},
	// Dispensations.
	{"dispensation", "{purpose:code.hotel.purpose.}, {relation:code.hotel.relation.}, {from:instant}..{to:instant}"},
	{"symptoms", "symptoms"},
	{"revoked", "revoked"},
}

// auditPhrases are auditPhraseForms compiled, the longest fixed text
// first, so that a form is tried before any shorter one it contains.
var auditPhrases = compileAuditPhrases(auditPhraseForms)

// placeholder finds {name} and {name:kind} in a phrase's form.
var placeholder = regexp.MustCompile(`\{([a-z_]+)(?::([a-z.]+))?\}`)

// compileAuditPhrases compiles the forms to anchored expressions.
func compileAuditPhrases(forms [][2]string) []auditPhrase {
	out := make([]auditPhrase, 0, len(forms))
	for _, f := range forms {
		p := auditPhrase{name: f[0]}
		var re strings.Builder
		re.WriteString("^")
		i := 0
		for _, m := range placeholder.FindAllStringSubmatchIndex(f[1], -1) {
			re.WriteString(regexp.QuoteMeta(f[1][i:m[0]]))
			p.literal += m[0] - i
			kind := "text"
			if m[4] >= 0 {
				kind = f[1][m[4]:m[5]]
			}
			p.args = append(p.args, f[1][m[2]:m[3]])
			p.kinds = append(p.kinds, kind)
			re.WriteString("(.+?)")
			i = m[1]
		}
		re.WriteString(regexp.QuoteMeta(f[1][i:]) + "$")
		p.literal += len(f[1]) - i
		p.re = regexp.MustCompile(re.String())
		out = append(out, p)
	}
	slices.SortStableFunc(out, func(a, b auditPhrase) int { return b.literal - a.literal })
	return out
}

// auditDetail writes an audit entry's detail in the page's language, one
// line for each of its clauses.
func (f *staffFrame) auditDetail(detail string) []string {
	if detail == "" {
		return nil
	}
	var lines []string
	for _, c := range strings.Split(detail, "; ") {
		text, _ := f.auditClause(c)
		lines = append(lines, text)
	}
	return lines
}

// auditClause writes one clause of a detail in the page's language and
// reports whether it knew the clause's form and had words for all of it;
// a clause it does not know it returns readably, as written.
func (f *staffFrame) auditClause(c string) (string, bool) {
	c = strings.TrimSpace(c)
	if c == "" {
		return "", true
	}
	for _, p := range auditPhrases {
		m := p.re.FindStringSubmatch(c)
		if m == nil {
			continue
		}
		key := "staff.audit.phrase." + p.name
		known := f.text.Own(key)
		args := make([]any, 0, 2*len(p.args))
		for i, name := range p.args {
			v, ok := f.auditValue(p.kinds[i], m[i+1])
			known = known && ok
			args = append(args, name, v)
		}
		return f.T(key, args...), known
	}
	if text, ok := f.auditPairs(c); ok {
		return text, f.auditPairsKnown(c)
	}
	if t, err := time.Parse(time.RFC3339, c); err == nil {
		return f.Time(t), true
	}
	if _, err := time.Parse(time.DateOnly, c); err == nil {
		return f.DateOf(c), true
	}
	if auditObjectForm.MatchString(c) {
		return f.auditObjectOf(c).Text, f.text.Own("staff.audit.object." + strings.SplitN(c, ":", 2)[0])
	}
	return c, false
}

// auditObjectForm is the form of an object named in a detail.
var auditObjectForm = regexp.MustCompile(`^[a-z_]+:[A-Za-z0-9_/.-]+$`)

// auditValue writes a value of a phrase by its kind. It reports false
// only for a list of pairs within the phrase that it has no words for; a
// code without words is written readably.
func (f *staffFrame) auditValue(kind, v string) (string, bool) {
	switch {
	case kind == "instant":
		if t, err := time.Parse(time.RFC3339, v); err == nil {
			return f.Time(t), true
		}
		if _, err := time.Parse(time.DateOnly, v); err == nil {
			return f.DateOf(v), true
		}
	case kind == "day":
		return f.DateOf(v), true
	case kind == "role":
		return f.auditCode("staff.role.", v), true
	case kind == "scope":
		k, code, _ := strings.Cut(v, ":")
		if k == string(beredskap.ScopeMunicipality) || k == string(beredskap.ScopeCounty) || f.text.Has("staff.scope."+k) {
			return f.Scope(beredskap.Scope{Kind: beredskap.ScopeKind(k), Code: code}), true
		}
		return readableCode(v), true
	case kind == "muni":
		return municipalityName(v), true
	case kind == "object":
		return f.auditObjectOf(v).Text, true
	case kind == "q":
		if s, err := strconv.Unquote(v); err == nil {
			return s, true
		}
	case kind == "prov":
		text, _ := f.provenance(v)
		return text, true
	case kind == "clause":
		// A clause within a phrase may be free text (a reason the
		// service gives in its own words), shown as written.
		text, _ := f.auditClause(v)
		return text, true
	case kind == "kv":
		if text, ok := f.auditPairs(v); ok {
			return text, f.auditPairsKnown(v)
		}
		return v, false
	case strings.HasPrefix(kind, "code."):
		return f.auditCode(strings.TrimPrefix(kind, "code."), v), true
	}
	return v, true
}
