package web

import (
	"beredskap/citizen"
)

// lookView is one look at a person's data, named in the page's language.
type lookView struct {
	citizen.Look
	// Who is the body that looked and RoleName the role it acted in, in
	// the page's language; automatic processing is named as such.
	Who, RoleName string
}

// viewLooks names the looks in the language of l.
func viewLooks(l *Locale, looks []citizen.Look) []lookView {
	out := make([]lookView, len(looks))
	for i, k := range looks {
		out[i] = lookView{Look: k, Who: lookBody(l, k), RoleName: lookRole(l, k)}
	}
	return out
}

// lookBody names the body that looked: the municipality by its name at
// the time of the look, or the agency.
func lookBody(l *Locale, k citizen.Look) string {
	if k.Body == citizen.BodyMunicipality && k.Municipality != "" {
		return l.T("citizen.body.municipality_named", "name", k.Municipality)
	}
	if msg, ok := l.Lookup("citizen.body." + k.Body); ok {
		return msg
	}
	return k.Organisation
}

// lookRole names the role a look was made in; a look by the system itself
// is named as automatic processing.
func lookRole(l *Locale, k citizen.Look) string {
	if k.Body == citizen.BodyAutomatic || k.Role == "" {
		return l.T("citizen.role.automatic")
	}
	if msg, ok := l.Lookup("citizen.role." + string(k.Role)); ok {
		return msg
	}
	return string(k.Role)
}

// lookJSON is a look as the person's downloads carry it: the organisation
// in Norwegian, and the body and role as codes ("" for automatic
// processing).
func lookJSON(l citizen.Look) citizenLookJSON {
	return citizenLookJSON{Seq: l.Seq, At: l.At, Organisation: l.Organisation, Body: l.Body, Role: string(l.Role),
		Name: l.Name, Proven: l.Proven}
}
