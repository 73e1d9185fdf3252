package followup

import (
	"context"
	"fmt"
	"sort"

	"beredskap"
	"beredskap/internal/datefmt"
	"beredskap/sms"
	"beredskap/sms/gsm"
)

// fallbackLanguages are tried, in order, when a template is missing in the
// traveller's language: English, then bokmål.
var fallbackLanguages = []string{sms.FallbackLanguage, "nb"}

// templateKey indexes templates by key and language.
type templateKey struct{ key, language string }

// templateSet is every template in force: the built-in ones with the
// stored ones laid over them.
type templateSet map[templateKey]*beredskap.SMSTemplate

// loadTemplates returns the templates in force in tx.
func loadTemplates(ctx context.Context, tx beredskap.FollowUpTx) (templateSet, error) {
	set := templateSet{}
	for _, t := range sms.DefaultTemplates() {
		set[templateKey{t.Key, t.Language}] = &t
	}
	stored, err := tx.ListTemplates(ctx)
	if err != nil {
		return nil, fmt.Errorf("list templates: %w", err)
	}
	for _, t := range stored {
		set[templateKey{t.Key, t.Language}] = t
	}
	return set, nil
}

// sorted returns the set's templates by key and language.
func (set templateSet) sorted() []*beredskap.SMSTemplate {
	out := make([]*beredskap.SMSTemplate, 0, len(set))
	for _, t := range set {
		c := *t
		out = append(out, &c)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Key != out[j].Key {
			return out[i].Key < out[j].Key
		}
		return out[i].Language < out[j].Language
	})
	return out
}

// pick returns the template of key in language, or in the first fallback
// language that has one; fellBack says a fallback was used. A key without
// any template is ENOTFOUND.
func (set templateSet) pick(key, language string) (t *beredskap.SMSTemplate, fellBack bool, err error) {
	if t, ok := set[templateKey{key, language}]; ok {
		return t, false, nil
	}
	for _, l := range fallbackLanguages {
		if t, ok := set[templateKey{key, l}]; ok {
			return t, true, nil
		}
	}
	return nil, false, errNoTemplate(key)
}

// errNoTemplate is the EINVALID error of a template key without any
// template.
func errNoTemplate(key string) error {
	return beredskap.Invalid("key", "unknown_value", fmt.Sprintf("there is no SMS template %q", key))
}

// message is an SMS rendered for a plan.
type message struct {
	body, language, encoding string
	segments                 int
	fellBack                 bool
}

// render fills the template of key for the plan's traveller in language
// ("" for the traveller's own).
func (s *Service) render(set templateSet, p *beredskap.FollowUpPlan, key, language string) (*message, error) {
	if language == "" {
		language = p.Language
	}
	t, fellBack, err := set.pick(key, language)
	if err != nil {
		return nil, err
	}
	body, err := sms.Render(t.Body, map[string]string{
		"name": p.FirstName, "last_day": datefmt.DayOf(t.Language, p.LastDay), "hotline": s.cfg.Hotline,
	})
	if err != nil {
		return nil, fmt.Errorf("render template %s/%s: %w", t.Key, t.Language, err)
	}
	enc, segs := gsm.Count(body)
	return &message{body: body, language: t.Language, encoding: enc, segments: segs, fellBack: fellBack}, nil
}
