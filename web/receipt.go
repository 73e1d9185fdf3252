package web

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/skip2/go-qrcode"

	"beredskap"
	"beredskap/internal/datefmt"
	"beredskap/rules"
)

// ReceiptPage shows a stored registration's receipt and decision, for the
// traveller and for the border officer who compares it with the passport.
type ReceiptPage struct {
	Page
	Receipt   string
	QRURL     string
	Name      string
	BirthDate string
	Decision  DecisionView
}

// DecisionView is a decision written out as sentences in the page's language.
type DecisionView struct {
	Required bool
	Headline string
	Scope    string
	Period   string
	EarlyEnd string
	// Exemption is the text of the exemption from quarantine that applied.
	Exemption string
	Hotel     string
	// Group says why the quarantine hotel is or is not required (the
	// hotel reason's text), and what would change that.
	Group string
	Fee   string
	// Tests are the covid-19 tests the rules ask for, in sentences.
	Tests []string
	// Other are the other duties and rights the reasons state
	// (registration, § 6j, follow-up, the end of the measures).
	Other        []string
	Documents    []string
	Restrictions []string
	Reasons      []beredskap.Reason
	Warnings     []string
	RuleSet      string
	// Coming are the rule changes that take effect during the quarantine
	// and change it, in the order they take effect.
	Coming []ComingChangeView
}

// ComingChangeView is a rule change announced on a decision: from When
// the rules change, and then the sentences of Lines apply (written from
// the new version's decision in the page's language).
type ComingChangeView struct {
	RuleID  string
	When    string
	Heading string
	Intro   string
	Lines   []string
}

// handleReceipt shows the receipt page. A receipt typed loosely (lower case,
// without hyphens) is redirected to its written form.
func (s *Server) handleReceipt(w http.ResponseWriter, r *http.Request) {
	stored, err := s.staff.ShowReceipt(r.Context(), r.PathValue("receipt"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	path := "/receipt/" + url.PathEscape(stored.Receipt)
	if stored.Receipt != r.PathValue("receipt") {
		http.Redirect(w, r, path+"?"+r.URL.RawQuery, http.StatusMovedPermanently)
		return
	}
	pg := s.pages.page(r, path, "receipt.title")
	t := stored.Registration.Traveller
	page := &ReceiptPage{
		Page:      pg,
		Receipt:   stored.Receipt,
		QRURL:     path + "/qr.png",
		Name:      strings.TrimSpace(t.FirstName + " " + t.LastName),
		BirthDate: datefmt.DayOf(pg.Lang, t.BirthDate),
		Decision:  s.storedDecisionView(r, pg.L, stored, pg.Lang),
	}
	w.Header().Set("X-Robots-Tag", "noindex")
	s.render(w, r, http.StatusOK, "receipt.html", page)
}

// decisionIn returns the stored decision, with its texts in lang when the
// same rule version (by id and file hash) still decides the registration
// the same way. The stored decision is the record; only its language may
// change.
func (s *Server) decisionIn(r *http.Request, stored *beredskap.StoredRegistration, lang string) beredskap.Decision {
	d := stored.Decision
	if d.Language == lang {
		return d
	}
	reg := stored.Registration
	again, err := s.in.Evaluate(r.Context(), &reg, lang)
	if err != nil || again.RuleSet != d.RuleSet || again.Quarantine.Scope != d.Quarantine.Scope ||
		again.Hotel.Required != d.Hotel.Required || len(again.Reasons) != len(d.Reasons) {
		return d
	}
	return again
}

// storedDecisionView writes out the stored decision in lang with l, and
// the rule changes known to come during its quarantine.
func (s *Server) storedDecisionView(r *http.Request, l *Locale, stored *beredskap.StoredRegistration, lang string) DecisionView {
	d := s.decisionIn(r, stored, lang)
	v := decisionView(l, d)
	v.Coming = comingChangeViews(l, s.in.ComingChanges(&stored.Registration, &d, lang))
	return v
}

// comingChangeViews writes out each rule change: when it takes effect and,
// for each thing it changes, the sentence of the new decision that says
// what applies then.
func comingChangeViews(l *Locale, changes []beredskap.RuleChange) []ComingChangeView {
	out := make([]ComingChangeView, 0, len(changes))
	for _, c := range changes {
		when := c.InForceFrom
		if t, err := time.Parse(time.RFC3339, c.InForceFrom); err == nil {
			when = l.T("decision.change.when", "date", datefmt.Day(l.Code, t), "time", t.Format("15:04"))
		}
		nv := decisionView(l, c.Decision)
		var lines []string
		add := func(texts ...string) {
			for _, t := range texts {
				if t != "" && !slices.Contains(lines, t) {
					lines = append(lines, t)
				}
			}
		}
		for _, code := range c.Changes {
			switch code {
			case rules.ChangeQuarantineLifted:
				add(nv.Headline)
			case rules.ChangeScope:
				add(nv.Headline, nv.Scope)
			case rules.ChangeLastDay:
				add(nv.Period)
			case rules.ChangeHotelLifted:
				add(nv.Hotel, nv.Group)
			case rules.ChangeHotelRequired:
				add(nv.Hotel, nv.Fee)
			case rules.ChangeFee:
				add(nv.Fee)
			}
		}
		out = append(out, ComingChangeView{RuleID: c.Decision.RuleSet.ID, When: when, Lines: lines,
			Heading: l.T("decision.change.heading", "when", when), Intro: l.T("decision.change.intro", "when", when)})
	}
	return out
}

// handleQR serves the receipt code as a QR code image.
func (s *Server) handleQR(w http.ResponseWriter, r *http.Request) {
	stored, err := s.in.Find(r.Context(), r.PathValue("receipt"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	png, err := qrcode.Encode(stored.Receipt, qrcode.Medium, 320)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "private, max-age=86400")
	_, _ = w.Write(png)
}

// summaryNotices are the reason codes, besides exemptions, the hotel and
// tests, whose text the summary repeats: what to do and what may be done.
var summaryNotices = map[string]bool{
	"registration_duty": true, "registration_duty_child": true, "exemption_6j_close_relative": true,
	"dispensation_6j": true, "follow_up_control_centre": true, "leaving_norway": true, "minor_carers_at_hotel": true,
	"quarantine_abolished": true, "no_entry_measures": true, "hotel_whole_quarantine_unnecessary_trip": true,
	"hotel_until_pcr_day_3": true, "mask_until_negative_test": true, "hotel_whole_quarantine_outside_europe": true,
}

// summarise puts into v's summary what the reasons say: the exemption that
// applied, why the hotel is or is not required, the tests and the other
// duties, so that the summary says everything the reasons do.
func summarise(v *DecisionView, d beredskap.Decision) {
	warned := map[string]bool{}
	for _, w := range d.Warnings {
		warned[w.Code] = true
	}
	for _, r := range d.Reasons {
		switch {
		case warned[r.Code]:
		case slices.Contains(d.TestsRequired, r.Code) || r.Code == "exemption_from_tests":
			v.Tests = append(v.Tests, r.Text)
		case summaryNotices[r.Code]:
			v.Other = append(v.Other, r.Text)
		case r.Code == "hotel_required" || strings.HasPrefix(r.Code, "hotel_not_applicable_") || strings.HasPrefix(r.Code, "hotel_group_"):
			v.Group = r.Text
		case strings.HasPrefix(r.Code, "exemption_") && v.Exemption == "":
			v.Exemption = r.Text
		}
	}
}

// decisionView writes the decision out in sentences.
func decisionView(l *Locale, d beredskap.Decision) DecisionView {
	v := DecisionView{Required: d.Quarantine.Required, Reasons: d.Reasons}
	q := d.Quarantine
	v.Headline = l.T("decision.headline." + q.Scope)
	v.Scope = l.T("decision.scope." + q.Scope)
	if q.FirstDay != nil && q.LastDay != nil {
		v.Period = l.T("decision.period", "first", datefmt.DayOf(l.Code, *q.FirstDay), "last", datefmt.DayOf(l.Code, *q.LastDay))
	}
	if e := q.EarlyEnd; e != nil {
		cond, ok := l.Lookup("condition." + e.Condition)
		if !ok {
			cond = e.Condition
			for _, reason := range d.Reasons {
				if reason.Code == e.Condition {
					cond = reason.Text
				}
			}
		}
		v.EarlyEnd = l.T("decision.early_end", "day", datefmt.DayOf(l.Code, e.EarliestDay), "condition", cond)
	}

	h := d.Hotel
	if h.Required {
		v.Hotel = l.T("decision.hotel.required")
	} else {
		v.Hotel = l.T("decision.hotel.not_required")
	}
	summarise(&v, d)
	if h.FeeNOKPerNight > 0 {
		v.Fee = l.T("decision.fee", "fee", h.FeeNOKPerNight, "payer", l.T("payer."+h.Payer))
	} else if h.Required {
		v.Fee = l.T("decision.fee.none")
	}

	for _, req := range d.DocumentsRequired {
		names := make([]string, len(req.AnyOf))
		for i, doc := range req.AnyOf {
			names[i] = l.T("enum.documents." + doc)
		}
		switch len(names) {
		case 0:
		case 1:
			v.Documents = append(v.Documents, names[0])
		default:
			v.Documents = append(v.Documents, l.T("decision.documents.any_of", "documents", strings.Join(names, l.T("list.or"))))
		}
	}
	for _, code := range d.Restrictions {
		text, ok := l.Lookup("restriction." + code)
		if !ok {
			text = strings.ReplaceAll(code, "_", " ")
		}
		v.Restrictions = append(v.Restrictions, text)
	}
	for _, w := range d.Warnings {
		v.Warnings = append(v.Warnings, w.Text)
	}
	v.RuleSet = l.T("decision.rule_set", "id", datefmt.RuleVersion(l.Code, d.RuleSet.ID))
	return v
}
