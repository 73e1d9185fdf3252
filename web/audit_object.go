package web

import (
	"net/url"
	"strings"

	"beredskap"
)

// auditObject is what an audit entry acted on, in words, with the page
// that shows it when the viewer may open that page.
type auditObject struct {
	Text, Href string
}

// auditObjectKind describes a kind of audit object: the page that shows
// one (its path before the id) and the permission that opens it.
type auditObjectKind struct {
	path string
	perm beredskap.Permission
}

// auditObjectKinds are the kinds of audit object that have a page. Every
// kind, with a page or not, is named by the key staff.audit.object.<kind>
// ({id} the rest of the object), or staff.audit.object.<kind>.<id> for a
// fixed one such as "user:unknown".
var auditObjectKinds = map[string]auditObjectKind{
	"user":         {"/staff/users/", beredskap.PermManageUsers},
	"access_order": {"/staff/access-orders/", beredskap.PermViewAccessOrders},
	"citizen_case": {"/staff/cases/", beredskap.PermProcessCitizenCases},
	"registration": {"/staff/registrations/", beredskap.PermReadRegistration},
	"hotel":        {"/staff/hotels/", beredskap.PermManageHotels},
	"stay":         {"/staff/stays/", beredskap.PermManageStays},
}

// auditObjectOf writes an audit entry's object, such as "plan:7",
// "rule_version:2021-02-23" or "queue", in the page's language: the kind
// in words with the id, a municipality by its name, a rule version by its
// day. An object of a kind without words is written with its kind's
// underscores as spaces.
func (f *staffFrame) auditObjectOf(object string) auditObject {
	if object == "" {
		return auditObject{}
	}
	kind, id, hasID := strings.Cut(object, ":")
	if key := "staff.audit.object." + kind + "." + id; hasID && f.text.Has(key) {
		return auditObject{Text: f.T(key)}
	}
	key := "staff.audit.object." + kind
	if !f.text.Has(key) {
		return auditObject{Text: readableCode(object)}
	}
	shown := id
	switch kind {
	case "municipality":
		shown = municipalityName(id)
	case "rule_version":
		shown = f.RuleVersion(id)
	case "retention":
		shown = f.auditCode("staff.audit.value.category.", id)
	case "template":
		name, lang, _ := strings.Cut(id, "/")
		shown = f.templateName(name)
		if lang != "" {
			shown += " (" + autonym(lang) + ")"
		}
	}
	o := auditObject{Text: f.T(key, "id", shown)}
	if k, ok := auditObjectKinds[kind]; ok && hasID && f.Actor != nil && beredskap.Can(f.Actor, k.perm, "") {
		o.Href = f.Href(k.path + url.PathEscape(id))
	}
	return o
}

// readableCode writes a code without a word for it as words: underscores
// and dots as spaces, a colon as a colon and a space.
func readableCode(code string) string {
	return strings.NewReplacer("_", " ", ".", " ", ":", ": ").Replace(code)
}

// auditCode names a code by the key prefix+code, or writes it readably
// when there is no such key.
func (f *staffFrame) auditCode(prefix, code string) string {
	if f.text.Has(prefix + code) {
		return f.T(prefix + code)
	}
	return readableCode(code)
}
