package web

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"slices"
	"strings"

	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
)

// DefaultLanguage is the language used when nothing else is known.
const DefaultLanguage = "en"

//go:embed locales/*.json locales/staff/*.json locales/citizen/*.json
var localeFiles embed.FS

// Locale holds the user-interface strings of one language, loaded from
// locales/<code>.json: a flat object of keys and texts, where {name} marks
// a value filled in when the text is used.
type Locale struct {
	Code     string
	messages map[string]string
	fallback *Locale
}

// T returns the text of key with its {name} placeholders filled from args,
// given as name, value pairs. A key missing in the language falls back to
// English, and a key missing there too is returned as is.
func (l *Locale) T(key string, args ...any) string {
	msg, ok := l.messages[key]
	if !ok && l.fallback != nil {
		msg, ok = l.fallback.messages[key]
	}
	if !ok {
		msg = key
	}
	if len(args) == 0 {
		return msg
	}
	pairs := make([]string, 0, len(args))
	for i := 0; i+1 < len(args); i += 2 {
		pairs = append(pairs, "{"+fmt.Sprint(args[i])+"}", fmt.Sprint(args[i+1]))
	}
	return strings.NewReplacer(pairs...).Replace(msg)
}

// N returns the text of key for the count n, with {n} and the placeholders
// of args filled: the key's plural forms are the keys key.one, key.other
// (and key.zero, key.two, key.few, key.many where a language has them),
// chosen by the language's CLDR plural rules, so that "1 dag" and "3
// dager" come from one call. A form the language lacks falls back to
// key.other.
func (l *Locale) N(key string, n int, args ...any) string {
	form := pluralForms[plural.Cardinal.MatchPlural(language.Make(l.Code), n, 0, 0, 0, 0)]
	k := key + "." + form
	if _, ok := l.Lookup(k); !ok {
		k = key + ".other"
	}
	return l.T(k, append([]any{"n", n}, args...)...)
}

// pluralForms names the CLDR plural forms as locale keys end.
var pluralForms = map[plural.Form]string{
	plural.Other: "other", plural.Zero: "zero", plural.One: "one", plural.Two: "two", plural.Few: "few", plural.Many: "many",
}

// Lookup returns the text of key, falling back to English, and false when
// neither has it.
func (l *Locale) Lookup(key string) (string, bool) {
	if msg, ok := l.messages[key]; ok {
		return msg, true
	}
	if l.fallback != nil {
		msg, ok := l.fallback.messages[key]
		return msg, ok
	}
	return "", false
}

// Keys returns the keys that start with prefix, of the language and its
// English fallback, sorted.
func (l *Locale) Keys(prefix string) []string {
	seen := map[string]bool{}
	for _, m := range []*Locale{l, l.fallback} {
		if m == nil {
			continue
		}
		for k := range m.messages {
			if strings.HasPrefix(k, prefix) {
				seen[k] = true
			}
		}
	}
	keys := make([]string, 0, len(seen))
	for k := range seen {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Has reports whether the language itself (not its fallback) has key.
func (l *Locale) Has(key string) bool {
	_, ok := l.messages[key]
	return ok
}

// locales is the set of languages the pages speak.
type locales struct {
	byCode  map[string]*Locale
	codes   []string // DefaultLanguage first, then sorted
	matcher language.Matcher
}

// loadLocales loads the locale files of dir: <code>.json, and
// <code>.<part>.json files whose keys are merged into the same language, so
// that separate parts of the site keep separate files. A key defined twice
// for one language is an error.
func loadLocales(dir string) (*locales, error) {
	names, err := fs.Glob(localeFiles, dir+"/*.json")
	if err != nil {
		return nil, err
	}
	ls := &locales{byCode: map[string]*Locale{}}
	for _, name := range names {
		data, err := localeFiles.ReadFile(name)
		if err != nil {
			return nil, err
		}
		var msgs map[string]string
		if err := json.Unmarshal(data, &msgs); err != nil {
			return nil, fmt.Errorf("locale %s: %w", name, err)
		}
		code, _, _ := strings.Cut(strings.TrimSuffix(path.Base(name), ".json"), ".")
		l, ok := ls.byCode[code]
		if !ok {
			l = &Locale{Code: code, messages: map[string]string{}}
			ls.byCode[code] = l
		}
		for k, v := range msgs {
			if _, dup := l.messages[k]; dup {
				return nil, fmt.Errorf("locale %s: key %q is defined twice", name, k)
			}
			l.messages[k] = v
		}
	}
	def, ok := ls.byCode[DefaultLanguage]
	if !ok {
		return nil, fmt.Errorf("locale %s.json is missing", DefaultLanguage)
	}
	for code, l := range ls.byCode {
		if code != DefaultLanguage {
			l.fallback = def
			ls.codes = append(ls.codes, code)
		}
	}
	slices.Sort(ls.codes)
	ls.codes = append([]string{DefaultLanguage}, ls.codes...)
	tags := make([]language.Tag, len(ls.codes))
	for i, c := range ls.codes {
		tags[i] = language.Make(c)
	}
	ls.matcher = language.NewMatcher(tags)
	return ls, nil
}

// match returns the language of an Accept-Language header that the pages
// speak, or "" when the header names none of them.
func (ls *locales) match(acceptLanguage string) string {
	if acceptLanguage == "" {
		return ""
	}
	tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil || len(tags) == 0 {
		return ""
	}
	_, i, conf := ls.matcher.Match(tags...)
	if conf == language.No {
		return ""
	}
	return ls.codes[i]
}

// get returns the locale of code, or the default one.
func (ls *locales) get(code string) *Locale {
	if l, ok := ls.byCode[code]; ok {
		return l
	}
	return ls.byCode[DefaultLanguage]
}

// pageLanguage chooses the language of a page: the lang query parameter
// when the pages speak it, else the best match of Accept-Language, else
// English.
func (ls *locales) pageLanguage(r *http.Request) string {
	if q := r.URL.Query().Get("lang"); q != "" {
		if _, ok := ls.byCode[q]; ok {
			return q
		}
	}
	if l := ls.match(r.Header.Get("Accept-Language")); l != "" {
		return l
	}
	return DefaultLanguage
}

// allLocales are the languages of the public pages (locales/), and
// staffLocales those of the staff pages (locales/staff/, bokmål and
// English), loaded once.
var (
	allLocales   = mustLoadLocales("locales")
	staffLocales = mustLoadLocales("locales/staff")
)

func mustLoadLocales(dir string) *locales {
	ls, err := loadLocales(dir)
	if err != nil {
		panic(err)
	}
	return ls
}

// StaffText returns the staff pages' text of key in lang (bokmål, nynorsk
// or English; English for another language) with its {name} placeholders
// filled from args: the words of the mails and documents other packages
// write for staff (hotel.Config.Text).
func StaffText(lang, key string, args ...any) string {
	return staffLocales.get(lang).T(key, args...)
}

// StaffPlural returns the staff pages' text of key in lang for the count
// n, with {n} and the placeholders of args filled; see Locale.N. It is the
// plural counterpart of StaffText (followup.Config.Plural).
func StaffPlural(lang, key string, n int, args ...any) string {
	return staffLocales.get(lang).N(key, n, args...)
}

// bilingual returns the text of a key in first, followed by its text in
// second when that differs: "Hotell / Hotel", for a reader whose language
// is unknown.
func bilingual(first, second *Locale) func(key string, args ...any) string {
	return func(key string, args ...any) string {
		a, b := first.T(key, args...), second.T(key, args...)
		if a == b {
			return a
		}
		return a + " / " + b
	}
}

// apiLanguage chooses the language of the reason texts of an API answer:
// the best match of Accept-Language among the languages of the locale files,
// or "" so that intake uses traveller.language (and the rules English when
// they do not speak that one).
func apiLanguage(r *http.Request) string {
	return allLocales.match(r.Header.Get("Accept-Language"))
}
