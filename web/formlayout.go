package web

import (
	"beredskap/intake/input"
	"cmp"
	"slices"
)

// Kinds of control on the registration form.
const (
	kindInput      = "input"
	kindSelect     = "select"
	kindRadios     = "radios"
	kindCheckboxes = "checkboxes"
	kindBool       = "bool"
)

// formControl names one control of the registration form and its kind.
type formControl struct{ Name, Kind string }

// formPart is a run of controls inside a section: plain, side by side
// (Inline), or in a subsection with its own legend (Legend, a locale key).
type formPart struct {
	Legend, Hint string
	Inline       bool
	Controls     []formControl
}

// formSection is one numbered part of the registration form.
type formSection struct {
	Heading, Hint string // locale keys
	Parts         []formPart
}

// plain returns a part of controls shown one under the other.
func plain(cs ...formControl) formPart { return formPart{Controls: cs} }

// registrationForm is the registration form, top to bottom. The template
// draws the form from it and the error summary lists problems in its
// order, so the two cannot disagree.
var registrationForm = []formSection{
	{Heading: "section.about", Parts: []formPart{
		plain(formControl{"traveller.first_name", kindInput}, formControl{"traveller.last_name", kindInput},
			formControl{"traveller.birth_date", kindInput}, formControl{"traveller.nationality", kindSelect},
			formControl{"traveller.national_id", kindInput}),
		{Legend: "section.id_document", Controls: []formControl{
			{"traveller.id_document.type", kindSelect}, {"traveller.id_document.number", kindInput},
			{"traveller.id_document.country", kindSelect}, {"traveller.id_document.expires", kindInput}}},
		{Legend: "section.contact", Controls: []formControl{
			{"traveller.phone", kindInput}, {"traveller.email", kindInput}, {"traveller.language", kindSelect}}},
	}},
	{Heading: "section.journey", Parts: []formPart{
		{Legend: "section.arrival_time", Inline: true, Controls: []formControl{
			{input.FieldArrivalDate, kindInput}, {input.FieldArrivalClock, kindInput}}},
		plain(formControl{"arrival.mode", kindRadios}, formControl{"arrival.point", kindInput},
			formControl{"countries_visited", kindCheckboxes}, formControl{input.FieldCountriesOther, kindInput}),
	}},
	{Heading: "section.stay", Parts: []formPart{
		plain(formControl{"accommodation.type", kindRadios}, formControl{"accommodation.address.street", kindInput}),
		{Inline: true, Controls: []formControl{
			{"accommodation.address.postal_code", kindInput}, {"accommodation.address.municipality", kindInput}}},
		{Legend: "section.features", Hint: "section.features.hint", Controls: []formControl{
			{"accommodation.single_room", kindBool}, {"accommodation.own_bathroom", kindBool},
			{"accommodation.own_kitchen_or_meals", kindBool}, {"accommodation.tv_and_internet", kindBool},
			{"accommodation.close_contact_avoidable", kindBool},
			{"accommodation.household_travelling_together", kindBool}, {"room_with_guardian", kindBool}}},
		plain(formControl{"destination", kindRadios}),
	}},
	{Heading: "section.residence", Parts: []formPart{
		plain(formControl{"residence", kindRadios}, formControl{"family_of_resident", kindBool}),
	}},
	{Heading: "section.purpose", Parts: []formPart{
		plain(formControl{"purpose", kindRadios}, formControl{"trip_purpose", kindSelect},
			formControl{"employer.org_number", kindInput}, formControl{"employer.name", kindInput}),
	}},
	{Heading: "section.exemptions", Hint: "section.exemptions.hint", Parts: []formPart{
		{Legend: "section.certificate", Hint: "section.certificate.hint", Controls: []formControl{
			{"covid_certificate.status", kindSelect}, {"covid_certificate.system", kindSelect}}},
		plain(formControl{"exemptions_claimed", kindCheckboxes}, formControl{"critical_function_sector", kindSelect}),
	}},
	{Heading: "section.documents", Parts: []formPart{
		plain(formControl{"documents", kindCheckboxes}),
	}},
}

// formOrder gives each control's place on the registration form, and
// formKinds its kind.
var formOrder, formKinds = func() (map[string]int, map[string]string) {
	order, kinds := map[string]int{}, map[string]string{}
	for _, s := range registrationForm {
		for _, p := range s.Parts {
			for _, c := range p.Controls {
				order[c.Name], kinds[c.Name] = len(order), c.Kind
			}
		}
	}
	return order, kinds
}()

// sortSummary puts the lines of the error summary in the order of their
// fields on the form, keeping the order of lines for one field; a problem
// with no field of its own comes last.
func sortSummary(items []SummaryItem) {
	place := func(field string) int {
		if i, ok := formOrder[field]; ok {
			return i
		}
		return len(formOrder)
	}
	slices.SortStableFunc(items, func(a, b SummaryItem) int { return cmp.Compare(place(a.field), place(b.field)) })
}

// SectionView is a section of the registration form ready to draw.
type SectionView struct {
	Heading, Hint string
	Parts         []PartView
}

// PartView is a run of controls ready to draw; Legend is empty for a run
// that is not a subsection.
type PartView struct {
	Legend, Hint string
	Inline       bool
	Fields       []Field
}

// Sections returns the registration form's sections with their fields
// filled in from what was typed and what was wrong.
func (f *FormPage) Sections() []SectionView {
	var out []SectionView
	for _, s := range registrationForm {
		sv := SectionView{Heading: f.L.T(s.Heading)}
		if s.Hint != "" {
			sv.Hint = f.L.T(s.Hint)
		}
		for _, p := range s.Parts {
			pv := PartView{Inline: p.Inline}
			if p.Legend != "" {
				pv.Legend = f.L.T(p.Legend)
			}
			if p.Hint != "" {
				pv.Hint = f.L.T(p.Hint)
			}
			for _, c := range p.Controls {
				pv.Fields = append(pv.Fields, f.control(c))
			}
			sv.Parts = append(sv.Parts, pv)
		}
		out = append(out, sv)
	}
	return out
}

// control returns the field of one control, its Kind set.
func (f *FormPage) control(c formControl) Field {
	var fd Field
	switch c.Kind {
	case kindInput:
		fd = f.Input(c.Name)
	case kindSelect:
		fd = f.Select(c.Name)
	case kindRadios:
		fd = f.Radios(c.Name)
	case kindCheckboxes:
		fd = f.Checkboxes(c.Name)
	case kindBool:
		fd = f.Bool(c.Name)
	default:
		panic("web: unknown kind of form control " + c.Kind)
	}
	fd.Kind = c.Kind
	return fd
}
