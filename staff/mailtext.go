package staff

import (
	"errors"
	"strings"
	"time"

	"beredskap"
	"beredskap/internal/datefmt"
	"beredskap/norway"
)

// mailSeparator stands between the languages of a mail.
var mailSeparator = "\n\n" + strings.Repeat("-", 64) + "\n\n"

// mailData is what the mails about a person's access say.
type mailData struct {
	Name, Email, OrderedBy string
	Role                   beredskap.Role
	Kind                   beredskap.OrderKind
	Scope                  beredskap.Scope
	Link                   string
	ExpiresAt              time.Time
	ServiceNeed, Reason    string
}

// mailText returns the subject and text of the mail of kind
// ("invitation", "confirm" or "rejected") about d, in the words of the
// staff texts (staff.mail.<kind>.subject and .body, with the role, the
// order's kind and the place in words), at now. The register stores no
// staff member's language, and the people these mails go to (a new user,
// a medical officer, whoever filed an order) have chosen none, so every
// mail is in beredskap.UnknownReaderLanguages. It fails when the service
// has no texts (Config.Text).
func (s *Service) mailText(kind string, d mailData, now time.Time) (subject, text string, err error) {
	if s.cfg.Text == nil {
		return "", "", errors.New("staff mail: no texts to write it with (staff.Config.Text)")
	}
	var subjects, parts []string
	for _, lang := range beredskap.UnknownReaderLanguages() {
		t := func(key string, args ...any) string { return s.cfg.Text(lang, key, args...) }
		subjects = append(subjects, t("staff.mail."+kind+".subject"))
		parts = append(parts, t("staff.mail."+kind+".body",
			"name", d.Name, "email", d.Email, "ordered_by", d.OrderedBy,
			"role", t("staff.mail.role."+string(d.Role)), "kind", t("staff.mail.kind."+string(d.Kind)),
			"where", where(t, d.Scope, now), "link", d.Link, "expires", datefmt.Minute(lang, d.ExpiresAt),
			"service_need", d.ServiceNeed, "reason", d.Reason))
	}
	return strings.Join(subjects, " / "), strings.Join(parts, mailSeparator) + "\n", nil
}

// where names a scope in the words of t: "Oslo kommune (0301)", "hele
// landet".
func where(t func(string, ...any) string, sc beredskap.Scope, now time.Time) string {
	switch sc.Kind {
	case beredskap.ScopeMunicipality:
		if m, ok := norway.MunicipalityAt(sc.Code, now); ok {
			return t("staff.mail.where.municipality", "name", m.Name, "code", m.Code)
		}
	case beredskap.ScopeCounty:
		for _, c := range norway.Counties(now) {
			if c.Code == sc.Code {
				return t("staff.mail.where.county", "name", c.Name, "code", c.Code)
			}
		}
	case beredskap.ScopeNational, beredskap.ScopeLabourInspectorate:
		return t("staff.mail.where." + string(sc.Kind))
	}
	return sc.String()
}
