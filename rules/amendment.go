package rules

import (
	"fmt"
	"io/fs"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/goccy/go-yaml"
)

// Each rule version rests on an amendment of covid-19-forskriften, named by
// its source: the date it was made and, once verified, its number in Norsk
// Lovtidend (avdeling I) and its address at Lovdata. Texts people read name
// the amendment in plain words ("endret ved forskrift 15. januar 2021 nr.
// 93"); an amendment whose number is not verified is not named, only the
// date from which the regulation read as cited.

// lovtidendURL is where Lovdata publishes the amendment made on date
// (YYYY-MM-DD) with number in Norsk Lovtidend avdeling I.
func lovtidendURL(date, number string) string {
	return "https://lovdata.no/dokument/LTI/forskrift/" + date + "-" + number
}

// checkSource validates a version's source: a date written YYYY-MM-DD,
// and, when a Lovtidend number is given, a positive whole number and the
// URL of that amendment at Lovdata, so that date, number and URL agree.
func checkSource(s Source) (field, msg string) {
	if _, err := time.Parse(time.DateOnly, s.Date); err != nil {
		return "source.date", fmt.Sprintf("%q must be a date written YYYY-MM-DD", s.Date)
	}
	if s.Number == "" {
		return "", ""
	}
	if n, err := strconv.Atoi(s.Number); err != nil || n < 1 || strconv.Itoa(n) != s.Number {
		return "source.number", fmt.Sprintf("%q must be the amendment's number in Norsk Lovtidend, a whole number such as 93", s.Number)
	}
	if want := lovtidendURL(s.Date, s.Number); s.URL != want {
		return "source.url", fmt.Sprintf("a source with a Lovtidend number must give the amendment's address at Lovdata, %s", want)
	}
	return "", ""
}

// loadAmendments reads the id and source of every rule version, so that a
// citation can name the amendment of another version ({amendment:ID} in a
// text). The versions themselves are validated when they are loaded.
func loadAmendments(fsys fs.FS) (map[string]Source, error) {
	names, err := fs.Glob(fsys, "versions/*.yaml")
	if err != nil {
		return nil, err
	}
	slices.Sort(names)
	out := map[string]Source{}
	for _, name := range names {
		if strings.HasPrefix(pathBase(name), "_") {
			continue
		}
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, &FileError{File: name, Message: err.Error()}
		}
		var f struct {
			ID     string `yaml:"id"`
			Source Source `yaml:"source"`
		}
		if err := yaml.Unmarshal(data, &f); err != nil {
			return nil, &FileError{File: name, Message: yamlMessage(err)}
		}
		if field, msg := checkSource(f.Source); field != "" {
			return nil, &FileError{File: name, Field: field, Message: msg}
		}
		out[f.ID] = f.Source
	}
	return out, nil
}

// amended renders ", endret ved forskrift <date> nr. <number>" in language
// l, or nothing when the number is not verified.
func (k *citer) amended(l int, s Source) (string, error) {
	if s.Number == "" {
		return "", nil
	}
	made, err := time.Parse(time.DateOnly, s.Date)
	if err != nil {
		return "", fmt.Errorf("source.date %q must be a date written YYYY-MM-DD", s.Date)
	}
	return k.fill(l, "cite.amended", vars{"date": k.date(l, made), "number": s.Number})
}
