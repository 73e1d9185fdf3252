package retention

import (
	"bytes"
	"fmt"
	"strings"
)

//go:generate go run ../cmd/beredskap retention doc --out ../docs

// Generated documents: their file names under docs/.
const (
	RecordFile = "record-of-processing.md"
	DPIAFile   = "dpia-summary.md"
)

// Documents returns the generated documents of the policy by file name:
// the record of processing activities (GDPR art. 30) and the short
// data-protection impact assessment summary (GDPR art. 35).
func Documents(p *Policy) map[string][]byte {
	return map[string][]byte{RecordFile: record(p), DPIAFile: dpia(p)}
}

const generatedNote = "<!-- Generated from the retention policy (retention/policy/%s) by `go generate ./retention/`;\n     do not edit by hand: change the policy and generate again. -->\n\n"

var categoryTitles = map[string]string{
	Registrations:   "Registrations and decisions",
	FollowUp:        "Follow-up plans, call reports, SMS and delivery receipts",
	LabourNotices:   "Labour notices",
	HotelStays:      "Quarantine hotel stays",
	FeeStatements:   "Fee statements and invoice data",
	Dispensations:   "§ 6j dispensations",
	CitizenCases:    "Citizen cases, ID copies and letters",
	CitizenAccounts: "Citizen accounts (blocks) and citizen logins",
	Staff:           "Staff sessions, API tokens, enrolment links and access orders",
	Audit:           "The audit trail",
	Statistics:      "Statistics",
}

// Title returns the English title of a category.
func Title(key string) string { return categoryTitles[key] }

var fromWords = map[string]string{
	FromArrival:       "after the traveller's arrival",
	FromFiscalYearEnd: "after the end of the fiscal (calendar) year of the last night",
	FromClosed:        "after the case is closed",
	FromLastChange:    "after the last change",
	FromEnded:         "after it ends (expiry, revocation, use or decision)",
	FromEntry:         "after the entry is written",
}

var thenWords = map[string]string{
	ThenDelete:     "deleted by the daily purge",
	ThenDeidentify: "de-identified by the daily purge (name, birth date, receipt, transfer address, documents and note removed)",
	ThenKeep:       "kept; not deleted by the purge",
}

func record(p *Policy) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, generatedNote, p.File)
	fmt.Fprintf(&b, "# Record of processing activities (GDPR art. 30)\n\n")
	fmt.Fprintf(&b, "Retention policy version **%s**, in force from %s (Europe/Oslo).\n\n", p.ID, p.InForceFrom.Format("2006-01-02 15:04"))
	b.WriteString(`## Controller and processing

- **Controller** (art. 30(1)(a)): the authority that runs the register under covid-19-forskriften § 5b; its
  name, contact details and data protection officer are filled in by the operator of each deployment.
- **Purposes** (art. 30(1)(b)): to make sure the quarantine duty is kept, to strengthen infection control and
  contact tracing (covid-19-forskriften § 5b); to provide and invoice quarantine hotel stays; to handle
  citizens' requests about their own access; to show who has seen the data; statistics once anonymised.
- **Data subjects** (art. 30(1)(c)): travellers arriving in Norway, their guardians and carers; citizens who
  file cases; staff of the control centre, municipalities, hotels, the labour inspectorate and citizen support.
- **Recipients** (art. 30(1)(d)): the municipality of the traveller's quarantine address; the national control
  centre for arrivals; border officers; the quarantine hotel's contact point (of a new guest); the labour
  inspectorate (notices about employers); processors: the SMS provider, the digital mailbox provider, the
  population register (addresses for printed letters).
- **Transfers to third countries** (art. 30(1)(e)): none by the system. An SMS to a foreign phone number passes
  through that country's network.
- **Security measures** (art. 30(1)(g), art. 32): staff log in with an argon2id password and a TOTP second
  factor (or OpenID Connect); every query for people is scoped by role and municipality in the service and in
  SQL; every read of personal data is audited in the same transaction, and the audit trail is append-only and
  verifiable (` + "`beredskap audit verify`" + `); copies of ID documents and letters are encrypted at rest (AES-256-GCM)
  and the ID copy is deleted when its case closes; registrations and call reports cannot be changed, and can be
  deleted only by the purge (database triggers).

## Time limits for erasure (art. 30(1)(f)) and what the data is

| category | data | period | from | then | remains | legal basis |
|---|---|---|---|---|---|---|
`)
	for _, c := range p.Categories {
		var bases []string
		for _, ba := range c.Basis {
			v := ""
			if !ba.Verified {
				v = " (not verified)"
			}
			bases = append(bases, ba.Citation+v)
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s |\n", Title(c.Key), cell(c.Data["en"]), c.Period.In("en"),
			fromWords[c.From], thenWords[c.Then], remainsWords[c.Remains], strings.Join(bases, "; "))
	}
	fmt.Fprintf(&b, "\nBackups are kept %d days at most (see `docs/backups.md`), so that a purge reaches every backup within %d days.\n",
		p.BackupDays, p.BackupDays)
	b.WriteString("\n## Legal basis, quoted and dated\n\n")
	for _, c := range p.Categories {
		fmt.Fprintf(&b, "### %s\n\n", Title(c.Key))
		for _, ba := range c.Basis {
			status := "verified"
			if !ba.Verified {
				status = "**NOT VERIFIED**"
			}
			fmt.Fprintf(&b, "- %s — «%s» — %s, %s (%s)", ba.Citation, ba.Quote, ba.Source, ba.Date, status)
			if ba.URL != "" {
				fmt.Fprintf(&b, " <%s>", ba.URL)
			}
			b.WriteString("\n")
			if ba.Note != "" {
				fmt.Fprintf(&b, "  - %s\n", ba.Note)
			}
		}
		b.WriteString("\n")
	}
	b.WriteString("## Provenance of this policy version\n\n")
	for _, l := range strings.Split(strings.TrimSpace(p.Provenance), "\n") {
		fmt.Fprintf(&b, "> %s\n", strings.TrimSpace(l))
	}
	return b.Bytes()
}

var remainsWords = map[string]string{
	"counts":   "counts per month and municipality",
	"fee_rows": "fee rows without the person",
	"none":     "nothing",
	"audit":    "audit entries (receipts only)",
}

func cell(s string) string { return strings.ReplaceAll(s, "|", "/") }

func dpia(p *Policy) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, generatedNote, p.File)
	reg := p.Category(Registrations)
	fmt.Fprintf(&b, "# Data-protection impact assessment — summary (GDPR art. 35)\n\n")
	fmt.Fprintf(&b, "Retention policy version **%s**. The full assessment is the controller's; this summary lists what the\n", p.ID)
	b.WriteString("system does about each risk, so that the assessment can rest on it.\n\n")
	b.WriteString("## Why an assessment is required\n\n")
	b.WriteString("The register holds data about the movements and health measures (quarantine, isolation) of a large part of\n")
	b.WriteString("everyone who arrives in Norway, including national identity numbers, phone numbers and suspected breaches of\n")
	b.WriteString("quarantine, processed on a large scale by many municipalities (art. 35(3)(b); Datatilsynet's list of processing\n")
	b.WriteString("that always requires an assessment).\n\n")
	b.WriteString("## Risks and measures\n\n")
	b.WriteString("| risk | measure in the system |\n|---|---|\n")
	fmt.Fprintf(&b, "| Data kept longer than its purpose | Retention policy as data; a daily purge deletes registrations and what belongs to them %s %s; backups kept %d days at most |\n",
		reg.Period.In("en"), fromWords[reg.From], p.BackupDays)
	b.WriteString("| Staff looking up people without need | Roles and municipality scope in the service and in SQL; every read and search audited; citizens see who looked |\n")
	b.WriteString("| Audit trail altered or used to re-identify | Append-only, hash-chained trail verified by `beredskap audit verify`; entries name receipts, never names or identity numbers |\n")
	b.WriteString("| Statistics revealing a person | Only counts per month and municipality remain after the purge; counts under 5 are suppressed wherever shown |\n")
	b.WriteString("| Data needed for a police case purged too early | Legal hold by the municipal officer, with reason and end day, audited and listed for review |\n")
	b.WriteString("| Identity theft through ID copies | ID copies encrypted at rest and deleted when the case closes |\n")
	b.WriteString("| Accounting law versus erasure | Fee rows kept for the accounting period without name, birth date or receipt |\n")
	b.WriteString("| Inaccurate data | Citizens download all their data (JSON and PDF) and ask for a correction, handled as a case by staff |\n\n")
	b.WriteString("## Open points\n\n")
	for _, c := range p.Categories {
		for _, ba := range c.Basis {
			if !ba.Verified {
				fmt.Fprintf(&b, "- %s: %s — %s\n", Title(c.Key), ba.Citation, ba.Note)
			}
		}
	}
	return b.Bytes()
}
