package web

import (
	"strings"

	"beredskap"
	"beredskap/followup"
	"beredskap/sms"
)

// followUpInputs says how the text-like fields of the control centre's
// and the labour inspectorate's forms are rendered.
var followUpInputs = map[string]inputSpec{
	"staying_at":    {Type: "text", Autocomplete: "off", Optional: true, MaxLength: beredskap.MaxTextLength},
	"breach_text":   {Type: "textarea", Optional: true, MaxLength: followup.MaxBreachText},
	"employer_org":  {Type: "text", Autocomplete: "off", Inputmode: "numeric", Optional: true, MaxLength: 12, Class: "w-id"},
	"employer_name": {Type: "text", Autocomplete: "off", Optional: true, MaxLength: beredskap.MaxTextLength},
	"employer_text": {Type: "textarea", Optional: true, MaxLength: followup.MaxEmployerText},
	"body":          {Type: "textarea", MaxLength: 1000},
	"org_number":    {Type: "text", Autocomplete: "off", Inputmode: "numeric", Optional: true, MaxLength: 12, Class: "w-id"},
	"from":          {Type: "date", Autocomplete: "off", Optional: true, Class: "w-date"},
	"to":            {Type: "date", Autocomplete: "off", Optional: true, Class: "w-date"},
}

// followUpChoices are the select, radio, checkbox and yes/no fields of
// those forms; true marks those that may be left empty.
var followUpChoices = map[string]bool{
	"outcome": false, "understood": true, "language": false, "interpreter": true, "breaches": true,
	"employer_breach": true, "employer_suspected": true, "sms_template": false, "sms_language": true, "municipality": true,
}

// followUpForm builds the controls of a follow-up form from the state of
// its page's frame: the values sent, the messages next to wrong fields.
type followUpForm struct {
	frame *staffFrame
}

// base returns the parts every field has, with texts in the page's
// language.
func (f followUpForm) base(name string) Field {
	return f.frame.field("centre", name)
}

// Text returns a text, date or multi-line field.
func (f followUpForm) Text(name string) Field {
	return withInput(f.base(name), followUpInputs[name])
}

// Select returns a drop-down list.
func (f followUpForm) Select(name string) Field { return f.choice(name, "") }

// Filter returns a drop-down list that may be left empty, for the
// filters of a list.
func (f followUpForm) Filter(name string) Field {
	fd := f.choice(name, "")
	fd.Optional = true
	return fd
}

// Radios returns a group of radio buttons.
func (f followUpForm) Radios(name string) Field { return f.choice(name, "radio") }

// Checks returns a group of checkboxes.
func (f followUpForm) Checks(name string) Field { return f.choice(name, "checkbox") }

// Check returns one yes/no checkbox, checked when the value is "true".
func (f followUpForm) Check(name string) Field {
	return yesNo(f.base(name))
}

func (f followUpForm) choice(name, typ string) Field {
	return f.frame.withChoices(f.base(name), typ, followUpChoices[name], f.options(name))
}

// options returns the choices of a select, radio or checkbox field.
func (f followUpForm) options(name string) []Option {
	x := f.frame.text
	var out []Option
	switch name {
	case "outcome":
		for _, o := range []beredskap.CallOutcome{beredskap.CallReached, beredskap.CallNotReached, beredskap.CallWrongNumber} {
			out = append(out, Option{Value: string(o), Label: x.T("centre.outcome." + string(o))})
		}
	case "understood":
		for _, u := range []beredskap.Understood{beredskap.UnderstoodYes, beredskap.UnderstoodPartly, beredskap.UnderstoodNo} {
			out = append(out, Option{Value: string(u), Label: x.T("centre.understood." + string(u))})
		}
	case "breaches":
		for _, k := range beredskap.BreachKinds {
			out = append(out, Option{Value: string(k), Label: x.T("centre.breach." + string(k))})
		}
	case "employer_suspected":
		for _, k := range beredskap.EmployerSuspicions {
			out = append(out, Option{Value: string(k), Label: x.T("centre.suspected." + string(k))})
		}
	case "language", "sms_language":
		for _, v := range beredskap.Enumerations["traveller.language"] {
			out = append(out, Option{Value: v, Label: autonym(v), Lang: v})
		}
	case "sms_template":
		for _, k := range smsTemplateKeys {
			out = append(out, Option{Value: k, Label: x.T("centre.template." + k)})
		}
	case "municipality":
		for _, code := range allMunicipalities() {
			out = append(out, Option{Value: code, Label: municipalityName(code)})
		}
	}
	return out
}

// smsTemplateKeys are the kinds of SMS an operator may send, in the order
// the form offers them.
var smsTemplateKeys = sms.Keys

// setProblems puts the problems of an EINVALID error next to their fields
// of the form formID and into the page's error summary. rename maps the
// service's field names to the form's where they differ; a problem with a
// field the form does not show is listed in the summary, linking to the
// form.
func (f followUpForm) setProblems(problems []beredskap.Problem, formID string, rename map[string]string) {
	fr := f.frame
	fr.Errors = map[string]string{}
	for _, p := range problems {
		field, _, _ := strings.Cut(p.Field, "[")
		if to, ok := rename[field]; ok {
			field = to
		}
		msg := f.reasonText(p)
		href := "#" + fieldID(field)
		_, input := followUpInputs[field]
		_, choice := followUpChoices[field]
		label := fr.text.T("centre.label." + field)
		switch {
		case !input && !choice:
			label, href = fr.text.T("staff.form.other_problem"), "#"+formID
		case choice && len(f.options(field)) > 0 && field != "language" && field != "sms_language" &&
			field != "sms_template" && field != "municipality":
			href += "-" + strings.ToLower(f.options(field)[0].Value)
		}
		if input || choice {
			if prev, ok := fr.Errors[field]; ok {
				if !strings.Contains(prev, msg) {
					fr.Errors[field] = prev + " " + msg
				}
			} else {
				fr.Errors[field] = msg
			}
		}
		fr.Summary = append(fr.Summary, SummaryItem{Href: href, Text: label + ": " + msg})
	}
	fr.Title = fr.T("staff.form.title_errors", "title", fr.Title)
}

// reasonText translates a problem's reason key, falling back to its
// English message.
func (f followUpForm) reasonText(p beredskap.Problem) string {
	x := f.frame.text
	if p.Reason == "unknown_placeholder" {
		_, what, _ := strings.Cut(p.Message, ": ")
		return x.T("centre.reason.unknown_placeholder", "what", what)
	}
	for _, key := range []string{"centre.reason." + p.Reason, "staff.reason." + p.Reason, "reason." + p.Reason} {
		if x.Has(key) {
			return x.T(key)
		}
	}
	return p.Message
}
