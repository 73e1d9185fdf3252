package web

import (
	"net/http"

	"beredskap"
	"beredskap/rules"
)

// RuleChangesPage is the public page "what changed": the rule versions to
// choose between, and the changes from one to the next in plain words.
type RuleChangesPage struct {
	Page
	Versions []RuleVersionOption
	From, To string
	// FromText and ToText say when the two versions took effect.
	FromText, ToText string
	Changes          []rules.Change
}

// RuleVersionOption is a rule version in the page's choice lists.
type RuleVersionOption struct {
	ID, Label string
}

// ruleBook returns the rules that decide registrations: those of the
// intake when it holds a Book, the embedded ones otherwise.
func (s *Server) ruleBook() (*rules.Book, error) {
	if s.in != nil {
		if b, ok := s.in.Rules.(*rules.Book); ok {
			return b, nil
		}
	}
	return rules.Embedded()
}

// handleRuleChanges shows what changed between two rule versions (from
// and to, version ids); without them, between the last two versions.
func (s *Server) handleRuleChanges(w http.ResponseWriter, r *http.Request) {
	book, err := s.ruleBook()
	if err != nil {
		s.Error(w, r, err)
		return
	}
	pg := s.pages.page(r, "/rules/changes", "changes.title")
	vs := book.Versions()
	page := &RuleChangesPage{Page: pg}
	for _, v := range vs {
		page.Versions = append(page.Versions, RuleVersionOption{ID: v.ID, Label: book.InForceText(v, pg.Lang)})
	}
	q := r.URL.Query()
	from, to := q.Get("from"), q.Get("to")
	if from == "" && to == "" && len(vs) > 1 {
		from, to = vs[len(vs)-2].ID, vs[len(vs)-1].ID
	}
	a, okA := book.Version(from)
	b, okB := book.Version(to)
	switch {
	case !okA:
		s.Error(w, r, beredskap.Invalid("from", "unknown_value", "is not a rule version"))
		return
	case !okB:
		s.Error(w, r, beredskap.Invalid("to", "unknown_value", "is not a rule version"))
		return
	}
	page.From, page.To = a.ID, b.ID
	page.FromText, page.ToText = book.InForceText(a, pg.Lang), book.InForceText(b, pg.Lang)
	page.Changes = book.Diff(a, b, pg.Lang)
	s.render(w, r, http.StatusOK, "rule_changes.html", page)
}
