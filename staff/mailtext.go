package staff

import (
	"strings"
	"text/template"
	"time"

	"beredskap"
	"beredskap/internal/datefmt"
)

// The mail texts, bokmål first and English after, in one message. They
// are plain text; nothing in them is escaped.
var mailTemplates = template.Must(template.New("mail").Parse(`
{{- define "invitation" -}}
Hei {{.Name}},

{{.OrderedBy}} har bestilt tilgang for deg til Beredskapsregisteret som {{.RoleNB}} for {{.Where}}.

Åpne lenken under for å velge passord og sette opp innlogging med engangskode fra en autentiseringsapp (TOTP). Lenken kan brukes én gang og gjelder til {{.ExpiresAt}} (norsk tid):

{{.Link}}

Har du ikke ventet denne e-posten, kan du se bort fra den.

Hilsen Helfo tilgangsadministrasjon

----------------------------------------------------------------

Hello {{.Name}},

{{.OrderedBy}} has ordered access for you to the Beredskapsregisteret as {{.RoleEN}} for {{.Where}}.

Open the link above to choose a password and set up login with one-time codes from an authenticator app (TOTP). The link works once and is valid until {{.ExpiresAt}} (Norwegian time).

If you did not expect this e-mail, you may ignore it.

Helfo access administration
{{end}}

{{- define "confirm" -}}
Hei,

{{.Name}} ({{.Email}}) har bestilt {{.KindNB}} i Beredskapsregisteret som {{.RoleNB}} for {{.Where}}, og oppgitt deg som kommuneoverlege. Bestillingen går videre til Helfo først når du har bekreftet den:

{{.Link}}

Tjenstlig behov oppgitt: {{.ServiceNeed}}

Hilsen Beredskapsregisteret

----------------------------------------------------------------

Hello,

{{.Name}} ({{.Email}}) has ordered {{.KindEN}} in the Beredskapsregisteret as {{.RoleEN}} for {{.Where}}, naming you as municipal medical officer. The order goes on to Helfo only when you have confirmed it at the link above.

Service need given: {{.ServiceNeed}}

The Beredskapsregisteret
{{end}}

{{- define "rejected" -}}
Hei,

Bestillingen av {{.KindNB}} for {{.Name}} ({{.Email}}) som {{.RoleNB}} for {{.Where}} er avvist.

Begrunnelse: {{.Reason}}

Hilsen Helfo tilgangsadministrasjon

----------------------------------------------------------------

Hello,

The order of {{.KindEN}} for {{.Name}} ({{.Email}}) as {{.RoleEN}} for {{.Where}} has been rejected.

Reason: {{.Reason}}

Helfo access administration
{{end}}`))

// The subjects of the mails, bokmål / English.
const (
	subjectInvitation = "Tilgang til Beredskapsregisteret / Access to the Beredskapsregisteret"
	subjectConfirm    = "Bestilling av tilgang venter på bekreftelse / An access order awaits your confirmation"
	subjectRejected   = "Bestilling av tilgang avvist / Access order rejected"
)

// roleNames are the names of the roles in bokmål and English.
var roleNames = map[beredskap.Role][2]string{
	beredskap.RoleBorderOfficer:    {"politi ved grensen", "a border police officer"},
	beredskap.RoleControlCentre:    {"medarbeider i Nasjonalt kontrollsenter for innreisende", "a member of staff of the national control centre for arrivals"},
	beredskap.RoleMunicipalOfficer: {"kommuneoverlege", "a municipal medical officer"},
	beredskap.RoleMunicipalStaff:   {"kommunalt ansatt med tjenstlig behov", "a municipal employee with a service need"},
	beredskap.RoleLabourInspector:  {"inspektør i Arbeidstilsynet", "a labour inspector"},
	beredskap.RoleCountyGovernor:   {"medarbeider hos statsforvalteren", "a member of staff of the county governor"},
	beredskap.RoleAccessAdmin:      {"tilgangsadministrator", "an access administrator"},
	beredskap.RoleCitizenSupport:   {"veileder i Helsenorge", "a citizen support adviser"},
	beredskap.RoleHotelCoordinator: {"koordinator for karantenehotell", "a quarantine hotel coordinator"},
}

// kindNames are the names of the order kinds in bokmål and English.
var kindNames = map[beredskap.OrderKind][2]string{
	beredskap.OrderGrant:  {"ny tilgang", "new access"},
	beredskap.OrderChange: {"endret tilgang", "a change of access"},
	beredskap.OrderRemove: {"fjerning av tilgang", "removal of access"},
}

// mailData is what the mail templates fill in.
type mailData struct {
	Name, Email, OrderedBy string
	RoleNB, RoleEN         string
	KindNB, KindEN         string
	Where                  string
	Link                   string
	ExpiresAt              string
	ServiceNeed, Reason    string
}

// newMailData returns the data common to every mail about a role in a
// scope for a person.
func newMailData(name, email string, role beredskap.Role, kind beredskap.OrderKind, where string) mailData {
	r, k := roleNames[role], kindNames[kind]
	if r[0] == "" {
		r = [2]string{string(role), string(role)}
	}
	return mailData{Name: name, Email: email, RoleNB: r[0], RoleEN: r[1], KindNB: k[0], KindEN: k[1], Where: where}
}

// render fills in the named template.
func render(name string, d mailData) (string, error) {
	var b strings.Builder
	if err := mailTemplates.ExecuteTemplate(&b, name, d); err != nil {
		return "", err
	}
	return b.String(), nil
}

// osloTime writes t as a Norwegian local date and time.
func osloTime(t time.Time) string { return datefmt.Minute("nb", t) }
