package web

import (
	"net/url"
	"slices"
	"strings"
	"time"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"beredskap"
	"beredskap/norway"
)

// staffInputs says how the text-like fields of the staff forms are
// rendered. Fields about someone else are never filled in by the browser.
var staffInputs = map[string]inputSpec{
	"first_name":    {Type: "text", Autocomplete: "off", MaxLength: beredskap.MaxNameLength},
	"last_name":     {Type: "text", Autocomplete: "off", MaxLength: beredskap.MaxNameLength},
	"email":         {Type: "email", Autocomplete: "off", MaxLength: 254},
	"mobile":        {Type: "tel", Autocomplete: "off", MaxLength: 32, Class: "w-id"},
	"position":      {Type: "text", Autocomplete: "off", MaxLength: beredskap.MaxTextLength},
	"valid_to":      {Type: "date", Autocomplete: "off", Optional: true, Class: "w-date"},
	"officer_email": {Type: "email", Autocomplete: "off", MaxLength: 254},
	"service_need":  {Type: "textarea", MaxLength: beredskap.MaxTextLength},
	"reason":        {Type: "textarea", MaxLength: beredskap.MaxTextLength},
	"reset_reason":  {Type: "textarea", MaxLength: beredskap.MaxTextLength},
	"q":             {Type: "search", Autocomplete: "off", Optional: true, MaxLength: 254},
	"receipt":       {Type: "text", Autocomplete: "off", Optional: true, MaxLength: 20, Class: "w-id"},
	"actor":         {Type: "email", Autocomplete: "off", Optional: true, MaxLength: 254},
	"from":          {Type: "date", Autocomplete: "off", Optional: true, Class: "w-date"},
	"to":            {Type: "date", Autocomplete: "off", Optional: true, Class: "w-date"},
}

// selfAutocomplete are the autocomplete tokens of the fields a person
// fills in about themselves when they request access (WCAG 1.3.5).
var selfAutocomplete = map[string]string{
	"first_name": "given-name", "last_name": "family-name", "email": "email", "mobile": "tel",
	"position": "organization-title",
}

// staffChoiceFields are the select and radio fields of the staff forms;
// true marks those that may be left empty (filters).
var staffChoiceFields = map[string]bool{
	"kind": false, "role": false, "municipality": false, "status": true, "filter_municipality": true,
	"action": true,
}

// orderStatusFilters are the choices of the access-order status filter:
// "open" (the queue) first.
var orderStatusFilters = []string{"open", "pending", "awaiting_confirmation", "approved", "rejected", "all"}

// staffForm is the state of the form on a staff page: the values sent,
// the messages next to wrong fields, and the error summary.
type staffForm struct {
	Values   url.Values
	Errors   map[string]string
	Summary  []SummaryItem
	Conflict bool
	// Self marks a form a person fills in about themselves.
	Self bool
	// Municipalities are the choices of the municipality field; an
	// officer is offered only their own.
	Municipalities []string

	text staffText
}

// base returns the parts every field has: id, name, label, hint, value
// and error, with the texts in the page's language.
func (f *staffForm) base(name string) Field { return f.field("staff", name) }

// field returns the parts every field of a staff page has: id, name, the
// label and hint of the locale keys prefix.label.NAME and prefix.hint.NAME,
// the value sent and the message next to it. Each area of the staff pages
// (staff, centre, muni, hotel) keeps its labels under its own prefix.
func (f *staffForm) field(prefix, name string) Field {
	fd := Field{
		ID:           fieldID(name),
		Name:         name,
		Label:        f.text.T(prefix + ".label." + name),
		Value:        f.Values.Get(name),
		Error:        f.Errors[name],
		OptionalText: f.text.T("form.optional"),
		ChooseText:   f.text.T("form.choose"),
	}
	if f.text.Has(prefix + ".hint." + name) {
		fd.Hint, fd.HintID = f.text.T(prefix+".hint."+name), fd.ID+"-hint"
	}
	if fd.Error != "" {
		fd.ErrorID = fd.ID + "-error"
	}
	fd.DescribedBy = strings.TrimSpace(fd.HintID + " " + fd.ErrorID)
	return fd
}

// withInput returns fd as the text-like field spec describes.
func withInput(fd Field, spec inputSpec) Field {
	fd.Type, fd.Autocomplete, fd.Inputmode = spec.Type, spec.Autocomplete, spec.Inputmode
	fd.Optional, fd.MaxLength, fd.Class = spec.Optional, spec.MaxLength, spec.Class
	return fd
}

// withChoices returns fd as a drop-down list (typ ""), a radio group or a
// checkbox group of opts, with the options the form holds checked.
func (f *staffForm) withChoices(fd Field, typ string, optional bool, opts []Option) Field {
	fd.Type, fd.Optional = typ, optional
	for _, o := range opts {
		o.ID = fd.ID + "-" + strings.ToLower(o.Value)
		o.Checked = slices.Contains(f.Values[fd.Name], o.Value)
		fd.Options = append(fd.Options, o)
	}
	return fd
}

// yesNo returns fd as one checkbox, checked when the value is "true".
func yesNo(fd Field) Field {
	fd.Type, fd.Optional = "checkbox", true
	fd.Options = []Option{{ID: fd.ID, Value: "true", Label: fd.Label, Checked: fd.Value == "true"}}
	return fd
}

// Input returns a text, e-mail, telephone, date, search or multi-line
// field.
func (f *staffForm) Input(name string) Field {
	fd := withInput(f.base(name), staffInputs[name])
	if ac, ok := selfAutocomplete[name]; ok && f.Self {
		fd.Autocomplete = ac
	}
	return fd
}

// Select returns a drop-down list.
func (f *staffForm) Select(name string) Field {
	return f.choice(name, "")
}

// Radios returns a group of radio buttons.
func (f *staffForm) Radios(name string) Field {
	return f.choice(name, "radio")
}

func (f *staffForm) choice(name, typ string) Field {
	return f.withChoices(f.base(name), typ, staffChoiceFields[name], f.options(name))
}

// options returns the choices of a select or radio field.
func (f *staffForm) options(name string) []Option {
	var out []Option
	switch name {
	case "kind":
		for _, k := range []beredskap.OrderKind{beredskap.OrderGrant, beredskap.OrderChange, beredskap.OrderRemove} {
			out = append(out, Option{Value: string(k), Label: f.text.T("staff.kind." + string(k)), Hint: f.text.T("staff.kind." + string(k) + ".hint")})
		}
	case "role":
		for _, r := range []beredskap.Role{beredskap.RoleMunicipalStaff, beredskap.RoleMunicipalOfficer, beredskap.RoleHotelCoordinator} {
			out = append(out, Option{Value: string(r), Label: f.text.T("staff.role." + string(r))})
		}
	case "municipality", "filter_municipality":
		for _, code := range f.Municipalities {
			out = append(out, Option{Value: code, Label: municipalityName(code)})
		}
	case "status":
		for _, st := range orderStatusFilters {
			out = append(out, Option{Value: st, Label: f.text.T("staff.status." + st)})
		}
	case "action":
		const prefix = "staff.action."
		for _, key := range f.text.staff.Keys(prefix) {
			out = append(out, Option{Value: strings.TrimPrefix(key, prefix), Label: f.text.T(key)})
		}
		c := collate.New(language.Make(f.text.staff.Code))
		slices.SortFunc(out, func(a, b Option) int { return c.CompareString(a.Label, b.Label) })
	}
	return out
}

// allMunicipalities returns the numbers of today's municipalities, in the
// order of the reference data.
func allMunicipalities() []string {
	var codes []string
	for _, m := range norway.Municipalities(time.Now()) {
		codes = append(codes, m.Code)
	}
	return codes
}

// setProblems puts the problems of an EINVALID error next to their fields
// and into the error summary. A problem with a field the form does not
// show is listed in the summary, linking to the form formID.
func (f *staffForm) setProblems(problems []beredskap.Problem, formID string) {
	f.Errors = map[string]string{}
	for _, p := range problems {
		field := p.Field
		msg := f.reasonText(p)
		href := "#" + fieldID(field)
		if opts := f.options(field); len(opts) > 0 && field == "kind" {
			href += "-" + strings.ToLower(opts[0].Value)
		}
		label := f.text.T("staff.label." + field)
		_, input := staffInputs[field]
		_, choice := staffChoiceFields[field]
		if !input && !choice {
			label, href = f.text.T("staff.form.other_problem"), "#"+formID
		} else if prev, ok := f.Errors[field]; ok {
			if !strings.Contains(prev, msg) {
				f.Errors[field] = prev + " " + msg
			}
		} else {
			f.Errors[field] = msg
		}
		f.Summary = append(f.Summary, SummaryItem{Href: href, Text: label + ": " + msg})
	}
}

// reasonText translates a problem's reason key, falling back to its
// English message.
func (f *staffForm) reasonText(p beredskap.Problem) string {
	for _, key := range []string{"staff.reason." + p.Reason, "reason." + p.Reason} {
		if f.text.Has(key) {
			return f.text.T(key)
		}
	}
	return p.Message
}
