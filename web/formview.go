package web

import (
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"beredskap"
	"beredskap/intake/input"
)

// inputSpec says how a text-like field is rendered.
type inputSpec struct {
	Type, Autocomplete, Inputmode string
	Optional                      bool
	MaxLength                     int
	Class                         string // a width class of site.css
}

var inputSpecs = map[string]inputSpec{
	"traveller.first_name":              {Type: "text", Autocomplete: "given-name", MaxLength: beredskap.MaxNameLength},
	"traveller.last_name":               {Type: "text", Autocomplete: "family-name", MaxLength: beredskap.MaxNameLength},
	"traveller.birth_date":              {Type: "date", Autocomplete: "bday", Class: "w-date"},
	"traveller.national_id":             {Type: "text", Autocomplete: "off", Inputmode: "numeric", Optional: true, MaxLength: 13, Class: "w-id"},
	"traveller.id_document.number":      {Type: "text", Autocomplete: "off", Optional: true, MaxLength: 40, Class: "w-id"},
	"traveller.id_document.expires":     {Type: "date", Autocomplete: "off", Optional: true, Class: "w-date"},
	"traveller.phone":                   {Type: "tel", Autocomplete: "tel", Optional: true, MaxLength: 32, Class: "w-id"},
	"traveller.email":                   {Type: "email", Autocomplete: "email", Optional: true, MaxLength: 254},
	input.FieldArrivalDate:              {Type: "date", Autocomplete: "off", Class: "w-date"},
	input.FieldArrivalClock:             {Type: "time", Autocomplete: "off", Class: "w-time"},
	"arrival.point":                     {Type: "text", Autocomplete: "off", Optional: true, MaxLength: 40},
	input.FieldCountriesOther:           {Type: "text", Autocomplete: "off", Optional: true, MaxLength: 200},
	"accommodation.address.street":      {Type: "text", Autocomplete: "street-address", MaxLength: beredskap.MaxTextLength},
	"accommodation.address.postal_code": {Type: "text", Autocomplete: "postal-code", Inputmode: "numeric", MaxLength: 4, Class: "w-short"},
	"accommodation.address.municipality": {Type: "text", Autocomplete: "off", Inputmode: "numeric", Optional: true,
		MaxLength: 4, Class: "w-short"},
	"employer.org_number": {Type: "text", Autocomplete: "off", Inputmode: "numeric", Optional: true, MaxLength: 12, Class: "w-id"},
	"employer.name":       {Type: "text", Autocomplete: "organization", Optional: true, MaxLength: beredskap.MaxTextLength},
}

// optionalChoices are the select and checkbox fields that may be left empty.
var optionalChoices = map[string]bool{
	"traveller.nationality":         true,
	"traveller.id_document.type":    true,
	"traveller.id_document.country": true,
	"traveller.language":            true,
	"critical_function_sector":      true,
	"trip_purpose":                  true,
	"covid_certificate.status":      true,
	"covid_certificate.system":      true,
	"exemptions_claimed":            true,
	"documents":                     true,
	"countries_visited":             true,
}

// commonCountries are offered as checkboxes; others are typed as codes.
var commonCountries = []string{"SE", "DK", "FI", "DE", "PL", "LT", "GB", "NL", "ES", "US"}

// Option is one choice of a select, radio group or checkbox list.
type Option struct {
	ID, Value, Label, Hint, Lang string
	Checked                      bool
}

// Field is what a template needs to render one form control or group.
type Field struct {
	ID, Name, Label, Hint, Value, Error string
	HintID, ErrorID, DescribedBy        string
	Type, Autocomplete, Inputmode       string
	Class                               string
	// Kind is the kind of control on the registration form (kindInput…).
	Kind      string
	Optional  bool
	MaxLength int
	Options   []Option
	// OptionalText and ChooseText are "(optional)" and the empty choice
	// of a select, in the page's language.
	OptionalText, ChooseText string
}

// SummaryItem is one line of the error summary, linking to its field.
type SummaryItem struct {
	Href, Text string
	field      string // the form field, which orders the summary
}

// FormPage is the registration form, fresh or shown again with errors.
type FormPage struct {
	Page
	Values   url.Values
	Errors   map[string]string
	Summary  []SummaryItem
	Token    string
	Conflict bool
	// ClockNote says that the site runs on a set clock and the form
	// suggests its date; empty on a site on real time.
	ClockNote string
}

// fieldID returns the id attribute of the control named by a JSON path.
func fieldID(name string) string {
	return "f-" + strings.NewReplacer(".", "-", "[", "-", "]", "").Replace(name)
}

func (f *FormPage) base(name string) Field {
	fd := Field{
		ID:    fieldID(name),
		Name:  name,
		Label: f.L.T("label." + name),
		Value: f.Values.Get(name),
		Error: f.Errors[name],

		OptionalText: f.L.T("form.optional"),
		ChooseText:   f.L.T("form.choose"),
	}
	if hint, ok := f.L.Lookup("hint." + name); ok {
		fd.Hint, fd.HintID = hint, fd.ID+"-hint"
	}
	if fd.Error != "" {
		fd.ErrorID = fd.ID + "-error"
	}
	fd.DescribedBy = strings.TrimSpace(fd.HintID + " " + fd.ErrorID)
	return fd
}

// Input returns a text, date, time, tel or e-mail field.
func (f *FormPage) Input(name string) Field {
	fd := f.base(name)
	spec := inputSpecs[name]
	fd.Type, fd.Autocomplete, fd.Inputmode = spec.Type, spec.Autocomplete, spec.Inputmode
	fd.Optional, fd.MaxLength, fd.Class = spec.Optional, spec.MaxLength, spec.Class
	return fd
}

// Bool returns a single checkbox whose value is true when ticked.
func (f *FormPage) Bool(name string) Field {
	fd := f.base(name)
	fd.Options = []Option{{ID: fd.ID, Value: "true", Label: fd.Label, Checked: fd.Value == "true" || fd.Value == "on"}}
	return fd
}

// Select returns a drop-down list.
func (f *FormPage) Select(name string) Field {
	return f.choice(name, "")
}

// Radios returns a group of radio buttons.
func (f *FormPage) Radios(name string) Field {
	return f.choice(name, "radio")
}

// Checkboxes returns a group of checkboxes, one per value of a list field.
func (f *FormPage) Checkboxes(name string) Field {
	return f.choice(name, "checkbox")
}

// choice returns a field with options, the ticked or selected ones marked.
func (f *FormPage) choice(name, typ string) Field {
	fd := f.base(name)
	fd.Optional, fd.Type = optionalChoices[name], typ
	chosen := f.Values[name]
	for _, o := range f.choices(name) {
		o.ID = fd.ID + "-" + strings.ToLower(o.Value)
		o.Checked = slices.Contains(chosen, o.Value)
		fd.Options = append(fd.Options, o)
	}
	return fd
}

func (f *FormPage) choices(name string) []Option {
	switch name {
	case "traveller.nationality", "traveller.id_document.country":
		return regionOptions(f.Lang)
	case "countries_visited":
		names := display.Regions(language.Make(f.Lang))
		var out []Option
		for _, c := range commonCountries {
			out = append(out, Option{Value: c, Label: names.Name(language.MustParseRegion(c))})
		}
		return out
	case "traveller.language":
		var out []Option
		for _, v := range beredskap.Enumerations[name] {
			out = append(out, Option{Value: v, Label: autonym(v), Lang: v})
		}
		return out
	}
	var out []Option
	for _, v := range beredskap.Enumerations[name] {
		o := Option{Value: v, Label: f.L.T("enum." + name + "." + v)}
		o.Hint, _ = f.L.Lookup("enumhint." + name + "." + v)
		out = append(out, o)
	}
	return out
}

// regionOptions lists the countries of beredskap.Countries (ISO 3166-1
// from CLDR, without groupings such as Eurozone or United Nations and
// without replaced codes), named by CLDR and sorted in the language of the
// page.
func regionOptions(lang string) []Option {
	regionCache.Lock()
	defer regionCache.Unlock()
	if opts, ok := regionCache.m[lang]; ok {
		return slices.Clone(opts)
	}
	tag := language.Make(lang)
	names := display.Regions(tag)
	var opts []Option
	for _, code := range beredskap.Countries() {
		if name := names.Name(language.MustParseRegion(code)); name != "" {
			opts = append(opts, Option{Value: code, Label: name})
		}
	}
	c := collate.New(tag)
	slices.SortFunc(opts, func(x, y Option) int { return c.CompareString(x.Label, y.Label) })
	regionCache.m[lang] = opts
	return slices.Clone(opts)
}

var regionCache = struct {
	sync.Mutex
	m map[string][]Option
}{m: map[string][]Option{}}

// isGroup says whether a field is a radio group or checkbox list; an
// error summary links to its first option.
func isGroup(field string) bool {
	return formKinds[field] == kindRadios || formKinds[field] == kindCheckboxes
}

// indexSuffix matches the list index of a problem's field, as in documents[2].
var indexSuffix = regexp.MustCompile(`\[(\d+)\]$`)

// problemField returns the form field that shows a problem with a JSON
// path, and the index into a list field, or -1.
func problemField(path string) (string, int) {
	m := indexSuffix.FindStringSubmatch(path)
	if m == nil {
		if path == "arrival_time" {
			return input.FieldArrivalDate, -1
		}
		return path, -1
	}
	i := 0
	for _, c := range m[1] {
		i = i*10 + int(c-'0')
		if i > 1<<20 {
			return path[:len(path)-len(m[0])], -1
		}
	}
	return path[:len(path)-len(m[0])], i
}

// setProblems translates the problems of an EINVALID error into messages
// next to the fields and the lines of the error summary. reg is the
// registration the form decoded to, used to name a wrong list value.
func (f *FormPage) setProblems(problems []beredskap.Problem, reg *beredskap.Registration) {
	f.Errors = map[string]string{}
	for _, p := range problems {
		field, index := problemField(p.Field)
		msg, ok := f.L.Lookup("reason." + p.Reason)
		if !ok {
			msg = p.Message
		}
		if field == "countries_visited" && index >= 0 && index < len(reg.CountriesVisited) {
			msg = f.L.T("reason.value", "message", msg, "value", reg.CountriesVisited[index])
			field = input.FieldCountriesOther
		}
		if field == "countries_visited" && index < 0 {
			field = input.FieldCountriesOther
		}
		href := "#" + fieldID(field)
		if isGroup(field) {
			if opts := f.choices(field); len(opts) > 0 {
				href += "-" + strings.ToLower(opts[0].Value)
			}
		}
		label, ok := f.L.Lookup("label." + field)
		if !ok {
			label, href = p.Field, "#form"
		}
		if prev, ok := f.Errors[field]; ok {
			if !strings.Contains(prev, msg) {
				f.Errors[field] = prev + " " + msg
			}
		} else {
			f.Errors[field] = msg
		}
		f.Summary = append(f.Summary, SummaryItem{Href: href, Text: label + ": " + msg, field: field})
	}
	sortSummary(f.Summary)
}
