package web

import (
	"errors"
	"net/url"
	"strings"

	"beredskap"
)

// municipalFilterNames are the query parameters of the municipal list's
// filters, in the order of the form; exports carry the same ones.
var municipalFilterNames = []string{
	"municipality", "arrival_from", "arrival_to", "status", "not_reached", "breach", "language", "name",
}

// municipalInputs says how the text-like filter fields are rendered.
var municipalInputs = map[string]inputSpec{
	"arrival_from": {Type: "date", Autocomplete: "off", Optional: true, Class: "w-date"},
	"arrival_to":   {Type: "date", Autocomplete: "off", Optional: true, Class: "w-date"},
	"name":         {Type: "search", Autocomplete: "off", Optional: true, MaxLength: 100},
}

// municipalChoices are the select, checkbox and radio fields of the
// municipal forms; true marks those that may be left empty.
var municipalChoices = map[string]bool{
	"municipality": true, "status": true, "not_reached": true, "breach": true, "language": true, "mode": false,
}

// reportFilter reads the list's filters from q into a report filter;
// municipality is the one the list shows ("" lets the service choose the
// actor's own). The yes/no filters take true, false or nothing; anything
// else is EINVALID naming the field. The other filters are checked by the
// service.
func muniReportFilter(q url.Values, municipality string) (beredskap.ReportFilter, error) {
	f := beredskap.ReportFilter{
		Municipality: municipality,
		ArrivalFrom:  strings.TrimSpace(q.Get("arrival_from")),
		ArrivalTo:    strings.TrimSpace(q.Get("arrival_to")),
		Status:       beredskap.PlanStatus(strings.TrimSpace(q.Get("status"))),
		Language:     strings.TrimSpace(q.Get("language")),
		Name:         q.Get("name"),
		PageToken:    q.Get("page_token"),
	}
	var ps beredskap.Problems
	for _, flag := range []struct {
		name string
		v    *bool
	}{{"not_reached", &f.NotReached}, {"breach", &f.Breach}} {
		switch strings.TrimSpace(q.Get(flag.name)) {
		case "", "false":
		case "true":
			*flag.v = true
		default:
			ps.Add(flag.name, "unknown_value", "must be true or false")
		}
	}
	return f, ps.Err()
}

// muniFilterQuery returns the filters of f as query parameters (name, value
// pairs for staffFrame.Href), with the municipality when withMunicipality.
func muniFilterQuery(f beredskap.ReportFilter, withMunicipality bool) []string {
	flag := func(b bool) string {
		if b {
			return "true"
		}
		return ""
	}
	q := []string{
		"arrival_from", f.ArrivalFrom, "arrival_to", f.ArrivalTo, "status", string(f.Status),
		"not_reached", flag(f.NotReached), "breach", flag(f.Breach), "language", f.Language, "name", f.Name,
	}
	if withMunicipality {
		q = append(q, "municipality", f.Municipality)
	}
	return q
}

// municipalForm builds the controls of a municipal page's form from the
// state of the page's frame: the values sent and the messages next to
// wrong fields.
type municipalForm struct {
	frame *staffFrame
}

// base returns the parts every field has, with texts in the page's
// language.
func (f municipalForm) base(name string) Field {
	fd := f.frame.field("muni", name)
	fd.ChooseText = f.frame.text.T("muni.choose." + name)
	return fd
}

// Input returns a date or search field.
func (f municipalForm) Input(name string) Field {
	return withInput(f.base(name), municipalInputs[name])
}

// Select returns a drop-down list.
func (f municipalForm) Select(name string) Field { return f.choice(name, "") }

// Radios returns a group of radio buttons.
func (f municipalForm) Radios(name string) Field { return f.choice(name, "radio") }

// Check returns one yes/no checkbox, checked when the value is "true".
func (f municipalForm) Check(name string) Field {
	return yesNo(f.base(name))
}

func (f municipalForm) choice(name, typ string) Field {
	return f.frame.withChoices(f.base(name), typ, municipalChoices[name], f.options(name))
}

// options returns the choices of a select or radio field.
func (f municipalForm) options(name string) []Option {
	x := f.frame.text
	var out []Option
	switch name {
	case "status":
		for _, st := range []beredskap.PlanStatus{beredskap.PlanActive, beredskap.PlanEnded} {
			out = append(out, Option{Value: string(st), Label: x.T("muni.status." + string(st))})
		}
	case "language":
		for _, v := range beredskap.Enumerations["traveller.language"] {
			out = append(out, Option{Value: v, Label: autonym(v), Lang: v})
		}
	case "municipality":
		for _, code := range allMunicipalities() {
			out = append(out, Option{Value: code, Label: municipalityName(code)})
		}
	case "mode":
		for _, m := range []beredskap.DigestMode{beredskap.DigestOff, beredskap.DigestDaily, beredskap.DigestImmediate} {
			out = append(out, Option{Value: string(m), Label: x.T("muni.digest.mode." + string(m)),
				Hint: x.T("muni.digest.mode." + string(m) + ".hint")})
		}
	}
	return out
}

// setProblems puts the problems of an EINVALID error next to their fields
// of the form formID and into the page's error summary, in the page's
// language. A problem with a field the form does not show is listed in
// the summary, linking to the form.
func (f municipalForm) setProblems(problems []beredskap.Problem, formID string) {
	fr := f.frame
	fr.Errors = map[string]string{}
	for _, p := range problems {
		field := p.Field
		msg := f.reasonText(p)
		_, input := municipalInputs[field]
		_, choice := municipalChoices[field]
		shown := (input || choice) && (field != "municipality" || fr.Values.Has("municipality"))
		label, href := fr.text.T("muni.label."+field), "#"+fieldID(field)
		if field == "mode" {
			href += "-" + string(beredskap.DigestOff)
		}
		if !shown {
			label, href = fr.text.T("staff.form.other_problem"), "#"+formID
		} else if prev, ok := fr.Errors[field]; ok {
			if !strings.Contains(prev, msg) {
				fr.Errors[field] = prev + " " + msg
			}
		} else {
			fr.Errors[field] = msg
		}
		fr.Summary = append(fr.Summary, SummaryItem{Href: href, Text: label + ": " + msg})
	}
	fr.Title = fr.T("staff.form.title_errors", "title", fr.Title)
}

// reasonText translates a problem's reason key, falling back to its
// English message.
func (f municipalForm) reasonText(p beredskap.Problem) string {
	x := f.frame.text
	for _, key := range []string{"muni.reason." + p.Reason, "staff.reason." + p.Reason, "reason." + p.Reason} {
		if x.Has(key) {
			return x.T(key)
		}
	}
	return p.Message
}

// municipalProblems returns the problems of an EINVALID error, and false
// for any other error.
func municipalProblems(err error) ([]beredskap.Problem, bool) {
	var e *beredskap.Error
	if !errors.As(err, &e) || e.Code != beredskap.EINVALID {
		return nil, false
	}
	if len(e.Problems) == 0 {
		return []beredskap.Problem{{Field: e.Field, Reason: e.Reason, Message: e.Message}}, true
	}
	return e.Problems, true
}
