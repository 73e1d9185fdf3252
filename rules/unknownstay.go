package rules

import (
	"strings"

	"beredskap"
)

// notEncodedFile names the countries or areas a stay in which (in the 10
// days before arrival) a version does not know the rules for: an
// amendment may have changed what applies after such a stay, and what it
// changed was not found. Text is the text key of the line rules diff
// shows; Ref what the version rests on.
type notEncodedFile struct {
	Areas []string `yaml:"areas"`
	Text  string   `yaml:"text"`
	Ref   string   `yaml:"ref"`
}

// afterStay is a version's notEncodedFile, compiled.
type afterStay struct {
	areas []string
	msg   *message
}

// notEncodedAfterStay compiles n (nil when the version knows the rules
// after every stay).
func (k *compiler) notEncodedAfterStay(n *notEncodedFile) *afterStay {
	if n == nil {
		return nil
	}
	if len(n.Areas) == 0 || n.Text == "" {
		k.fail("not_encoded_after_stay", "areas and text are required")
	}
	k.areas("not_encoded_after_stay.areas", n.Areas)
	return &afterStay{areas: n.Areas, msg: k.msg("not_encoded_after_stay", "not_encoded_after_stay", n.Text, n.Ref, nil)}
}

// knownAfterStay returns an EINVALID error on countries_visited (reason
// not_encoded_after_stay) when r stayed in an area whose rules v does not
// know, so that no decision is made under rules that may no longer apply.
func (v *Version) knownAfterStay(r *beredskap.Registration) error {
	if v.unknownStay == nil {
		return nil
	}
	var codes []string
	for _, c := range r.CountriesVisited {
		if inAreas(c, v.unknownStay.areas) {
			codes = append(codes, c)
		}
	}
	if len(codes) == 0 {
		return nil
	}
	return beredskap.Invalid("countries_visited", "not_encoded_after_stay",
		"the rules for an arrival at this time after a stay in "+strings.Join(codes, ", ")+
			" are not encoded; no decision can be made for it")
}

// unknownStayMsg is the line rules diff shows for v's unknown stays, nil
// when there are none.
func (v *Version) unknownStayMsg() *message {
	if v.unknownStay == nil {
		return nil
	}
	return v.unknownStay.msg
}
