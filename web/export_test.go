package web

import "strings"

// OpenAPIJSON returns the OpenAPI document a server serves, with the SMS
// provider's webhook when smsReceipts, without a server URL, for the tests
// that check answers against it.
func OpenAPIJSON(smsReceipts bool) []byte { return mustOpenAPI("test", "", smsReceipts) }

// AuditClause writes one clause of an audit entry's detail in the staff
// pages' language lang, and reports whether that language has words for
// its form and every part of it.
func AuditClause(lang, clause string) (string, bool) {
	f := auditFrame(lang)
	return f.auditClause(clause)
}

// AuditObject writes an audit entry's object in the staff pages'
// language lang, and reports whether that language names its kind.
func AuditObject(lang, object string) (string, bool) {
	f := auditFrame(lang)
	kind, id, _ := strings.Cut(object, ":")
	known := f.text.Own("staff.audit.object."+kind) || f.text.Own("staff.audit.object."+kind+"."+id)
	return f.auditObjectOf(object).Text, known
}

// auditFrame is a staff page's frame in lang, without a request.
func auditFrame(lang string) *staffFrame {
	l := staffLocales.get(lang)
	return &staffFrame{Page: Page{L: l, Lang: lang}, text: staffText{staff: l, public: allLocales.get(lang)}}
}
