package web

import (
	"errors"
	"strings"

	"beredskap"
)

// hotelInputs says how the text-like fields of the hotel, stay,
// dispensation and rule-impact forms are rendered.
var hotelInputs = map[string]inputSpec{
	"name":             {Type: "text", Autocomplete: "off", MaxLength: 200},
	"address":          {Type: "text", Autocomplete: "off", MaxLength: 200},
	"postal_code":      {Type: "text", Autocomplete: "off", Inputmode: "numeric", MaxLength: 4, Class: "w-short"},
	"contact_name":     {Type: "text", Autocomplete: "off", MaxLength: 200},
	"contact_email":    {Type: "email", Autocomplete: "off", MaxLength: 254},
	"contact_phone":    {Type: "tel", Autocomplete: "off", Optional: true, MaxLength: 32, Class: "w-id"},
	"rooms":            {Type: "number", Autocomplete: "off", Inputmode: "numeric", MaxLength: 5, Class: "w-short"},
	"from":             {Type: "date", Autocomplete: "off", Class: "w-date"},
	"to":               {Type: "date", Autocomplete: "off", Class: "w-date"},
	"cap_from":         {Type: "date", Autocomplete: "off", Class: "w-date"},
	"cap_to":           {Type: "date", Autocomplete: "off", Class: "w-date"},
	"cap_rooms":        {Type: "number", Autocomplete: "off", Inputmode: "numeric", MaxLength: 5, Class: "w-short"},
	"checkin_at":       {Type: "datetime-local", Autocomplete: "off", Optional: true, Class: "w-date"},
	"checkout_at":      {Type: "datetime-local", Autocomplete: "off", Optional: true, Class: "w-date"},
	"depart_at":        {Type: "datetime-local", Autocomplete: "off", Optional: true, Class: "w-date"},
	"transfer_at":      {Type: "datetime-local", Autocomplete: "off", Optional: true, Class: "w-date"},
	"cancel_note":      {Type: "textarea", Optional: true, MaxLength: 1000},
	"iso_from_day":     {Type: "date", Autocomplete: "off", Optional: true, Class: "w-date"},
	"iso_to_day":       {Type: "date", Autocomplete: "off", Class: "w-date"},
	"receipt":          {Type: "text", Autocomplete: "off", MaxLength: 20, Class: "w-id"},
	"from_day":         {Type: "date", Autocomplete: "off", Optional: true, Class: "w-date"},
	"to_day":           {Type: "date", Autocomplete: "off", Optional: true, Class: "w-date"},
	"guardian_stay_id": {Type: "text", Autocomplete: "off", Inputmode: "numeric", Optional: true, MaxLength: 12, Class: "w-short"},
	"carer_for":        {Type: "text", Autocomplete: "off", Inputmode: "numeric", Optional: true, MaxLength: 12, Class: "w-short"},
	"note":             {Type: "textarea", Optional: true, MaxLength: 1000},
	"at":               {Type: "datetime-local", Autocomplete: "off", Optional: true, Class: "w-date"},
	"transfer_address": {Type: "text", Autocomplete: "off", MaxLength: 200},
	"transfer_postal":  {Type: "text", Autocomplete: "off", Inputmode: "numeric", Optional: true, MaxLength: 4, Class: "w-short"},
	"org_number":       {Type: "text", Autocomplete: "off", Inputmode: "numeric", Optional: true, MaxLength: 12, Class: "w-id"},
	"night":            {Type: "date", Autocomplete: "off", Optional: true, Class: "w-date"},
	"relation_note":    {Type: "text", Autocomplete: "off", Optional: true, MaxLength: 200},
	"place":            {Type: "text", Autocomplete: "off", MaxLength: 200},
	"from_time":        {Type: "datetime-local", Autocomplete: "off", Class: "w-date"},
	"to_time":          {Type: "datetime-local", Autocomplete: "off", Class: "w-date"},
	"user_id":          {Type: "text", Autocomplete: "off", Inputmode: "numeric", MaxLength: 12, Class: "w-short"},
	"impact_at":        {Type: "datetime-local", Autocomplete: "off", Class: "w-date"},
}

// hotelChoices are the select, radio, checkbox and yes/no fields of those
// forms; true marks those that may be left empty.
var hotelChoices = map[string]bool{
	"isolation": true, "active": true, "hotel_id": false, "status": true, "filter_hotel": true,
	"group": false, "documents": true, "accommodation_type": true, "purpose": false, "relation": false,
	"reason": false, "municipality": true, "kind": true, "iso_hotel_id": false,
}

// hotelAliases are fields the service names that a form shows as another
// field: the problem goes next to that field.
var hotelAliases = map[string]string{
	"arrival.mode": "receipt", "checked_out_at": "at",
}

// hotelForm builds the controls of a hotel page's form from the state of
// its frame, with the choices the page fills in.
type hotelForm struct {
	frame *staffFrame
	opts  map[string][]Option
	// rename maps the service's field names to this form's.
	rename map[string]string
}

// newHotelForm returns the form of frame.
func newHotelForm(frame *staffFrame) hotelForm {
	return hotelForm{frame: frame, opts: map[string][]Option{}, rename: map[string]string{}}
}

// base returns the parts every field has, with texts in the page's
// language.
func (f hotelForm) base(name string) Field {
	return f.frame.field("hotel", name)
}

// Text returns a text, number, date or multi-line field.
func (f hotelForm) Text(name string) Field {
	return withInput(f.base(name), hotelInputs[name])
}

// Select returns a drop-down list.
func (f hotelForm) Select(name string) Field { return f.choice(name, "") }

// Radios returns a group of radio buttons.
func (f hotelForm) Radios(name string) Field { return f.choice(name, "radio") }

// Checks returns a group of checkboxes.
func (f hotelForm) Checks(name string) Field { return f.choice(name, "checkbox") }

// Check returns one yes/no checkbox, checked when the value is "true".
func (f hotelForm) Check(name string) Field {
	return yesNo(f.base(name))
}

func (f hotelForm) choice(name, typ string) Field {
	return f.frame.withChoices(f.base(name), typ, hotelChoices[name], f.opts[name])
}

// setProblems puts the problems of an EINVALID error next to their fields
// of the form formID and into the page's error summary. A problem with a
// field the form does not show is listed in the summary, linking to the
// form.
func (f hotelForm) setProblems(problems []beredskap.Problem, formID string) {
	fr := f.frame
	fr.Errors = map[string]string{}
	for _, p := range problems {
		field, _, _ := strings.Cut(p.Field, "[")
		label := ""
		if to, ok := f.rename[field]; ok {
			field = to
		} else if to, ok := hotelAliases[field]; ok {
			// The form does not show the field; its name is said, and
			// the problem goes next to the field it follows from.
			label, field = fr.text.T("hotel.label."+field), to
		}
		if label == "" {
			label = fr.text.T("hotel.label." + field)
		}
		msg := f.reasonText(p)
		href := "#" + fieldID(field)
		_, input := hotelInputs[field]
		_, choice := hotelChoices[field]
		switch {
		case !input && !choice:
			label, href = fr.text.T("staff.form.other_problem"), "#"+formID
		case choice && (hotelChoiceType[field] == "radio" || hotelChoiceType[field] == "checkbox") && len(f.opts[field]) > 0:
			href += "-" + strings.ToLower(f.opts[field][0].Value)
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

// hotelChoiceType says which choice fields are radio buttons or
// checkboxes, whose summary link goes to the first choice.
var hotelChoiceType = map[string]string{
	"group": "radio", "documents": "checkbox", "purpose": "radio",
	"reason": "radio",
}

// reasonText translates a problem's reason key, falling back to its
// English message.
func (f hotelForm) reasonText(p beredskap.Problem) string {
	x := f.frame.text
	for _, key := range []string{"hotel.reason." + p.Reason, "staff.reason." + p.Reason, "reason." + p.Reason} {
		if x.Has(key) {
			return x.T(key)
		}
	}
	return p.Message
}

// beredskapError returns the domain error inside err.
func beredskapError(err error) (*beredskap.Error, bool) {
	var e *beredskap.Error
	ok := errors.As(err, &e)
	return e, ok
}
