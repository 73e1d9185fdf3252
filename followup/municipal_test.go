package followup_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"beredskap"
	"beredskap/followup"
	"beredskap/internal/teststore"
)

// TestListTravellersScope checks who sees which municipality's travellers
// (issue 4 § 5; seed 000: the municipal officer and staff of the
// quarantine municipality see its travellers, no other municipality's).
func TestListTravellersScope(t *testing.T) { teststore.Each(t, testListTravellersScope) }

func testListTravellersScope(t *testing.T, kind string) {
	e := newMuniEnv(t, kind)
	a := e.addTraveller(muniTraveller{municipality: oslo0301, first: "Anna", last: "Nowak"})
	b := e.addTraveller(muniTraveller{municipality: oslo0301, first: "Jonas", last: "Kazlauskas"})
	c := e.addTraveller(muniTraveller{municipality: bergen4601, first: "Maria", last: "Popescu"})

	// Municipal roles: their own municipality, named or not.
	for _, ctx := range []context.Context{e.oslo, e.osloStaff} {
		for _, m := range []string{"", oslo0301} {
			plans, next, err := e.svc.ListTravellers(ctx, beredskap.ReportFilter{Municipality: m})
			if err != nil {
				t.Fatalf("ListTravellers(%q): %v", m, err)
			}
			if got, want := muniReceipts(plans), muniSorted(a.Receipt, b.Receipt); !slices.Equal(got, want) || next != "" {
				t.Fatalf("ListTravellers(%q) = %v next %q, want %v", m, got, next, want)
			}
		}
	}
	en := e.wantAudit("followup.travellers.list", "ansatt@oslo.kommune.no", beredskap.OutcomeOK, []string{a.Receipt, b.Receipt})
	if en.Object != "municipality:0301" || !strings.Contains(en.Detail, "municipality=0301") {
		t.Errorf("audit object %q detail %q", en.Object, en.Detail)
	}

	// Another municipality is forbidden, and the attempt audited.
	_, _, err := e.svc.ListTravellers(e.oslo, beredskap.ReportFilter{Municipality: bergen4601})
	code(t, err, beredskap.EFORBIDDEN, "")
	en = e.wantAudit("followup.travellers.list", "lege@oslo.kommune.no", beredskap.OutcomeDenied, nil)
	if en.Object != "municipality:4601" || len(en.Subjects) != 0 {
		t.Errorf("denied entry object %q subjects %v", en.Object, en.Subjects)
	}

	// The control centre names any municipality, and must name one.
	_, _, err = e.svc.ListTravellers(e.centre, beredskap.ReportFilter{})
	code(t, err, beredskap.EINVALID, "municipality")
	plans, _, err := e.svc.ListTravellers(e.centre, beredskap.ReportFilter{Municipality: bergen4601})
	if err != nil || !slices.Equal(muniReceipts(plans), []string{c.Receipt}) {
		t.Fatalf("control centre: %v %v, want [%s]", muniReceipts(plans), err, c.Receipt)
	}
	e.wantAudit("followup.travellers.list", "operator@kontrollsenter.no", beredskap.OutcomeOK, []string{c.Receipt})

	// The labour inspectorate sees no traveller list.
	_, _, err = e.svc.ListTravellers(e.inspector, beredskap.ReportFilter{Municipality: oslo0301})
	code(t, err, beredskap.EFORBIDDEN, "")
	e.wantAudit("followup.travellers.list", "inspektor@arbeidstilsynet.no", beredskap.OutcomeDenied, nil)
	_, _, err = e.svc.ListTravellers(context.Background(), beredskap.ReportFilter{Municipality: oslo0301})
	code(t, err, beredskap.EFORBIDDEN, "")
}

// TestListTravellersFilters checks each filter of the municipal list
// (issue 4 § 5: arrival dates, active / ended, not reached, breach
// suspected, language, search by name) and paging.
func TestListTravellersFilters(t *testing.T) { teststore.Each(t, testListTravellersFilters) }

func testListTravellersFilters(t *testing.T, kind string) {
	e := newMuniEnv(t, kind)
	day := func(d, h int) time.Time { return time.Date(2021, 2, d, h, 0, 0, 0, time.UTC) }
	anna := e.addTraveller(muniTraveller{municipality: oslo0301, first: "Anna", last: "Nowak", language: "pl", arrival: day(10, 8)})
	jonas := e.addTraveller(muniTraveller{municipality: oslo0301, first: "Jonas", last: "Kazlauskas", language: "lt", arrival: day(12, 8)})
	maria := e.addTraveller(muniTraveller{municipality: oslo0301, first: "Maria", last: "Popescu", language: "ro", arrival: day(14, 8),
		plan: func(p *beredskap.FollowUpPlan) {
			p.Status, p.EndReason = beredskap.PlanEnded, beredskap.EndQuarantineOver
			at := day(20, 0)
			p.EndedAt = &at
		}})
	// 23:30 UTC on the 15th is the 16th in Oslo.
	annaB := e.addTraveller(muniTraveller{municipality: oslo0301, first: "Annika", last: "Berg", language: "pl", arrival: day(15, 23).Add(30 * time.Minute)})
	e.report(anna, muniReached())
	e.report(jonas, muniBreach("seen at a building site", beredskap.BreachWorkplace))
	e.report(annaB, beredskap.CallReport{Outcome: beredskap.CallNotReached})

	cases := []struct {
		name string
		f    beredskap.ReportFilter
		want []string
	}{
		{"all", beredskap.ReportFilter{}, []string{anna.Receipt, jonas.Receipt, maria.Receipt, annaB.Receipt}},
		{"active", beredskap.ReportFilter{Status: beredskap.PlanActive}, []string{anna.Receipt, jonas.Receipt, annaB.Receipt}},
		{"ended", beredskap.ReportFilter{Status: beredskap.PlanEnded}, []string{maria.Receipt}},
		{"not reached", beredskap.ReportFilter{NotReached: true}, []string{maria.Receipt, annaB.Receipt}},
		{"breach", beredskap.ReportFilter{Breach: true}, []string{jonas.Receipt}},
		{"language", beredskap.ReportFilter{Language: "pl"}, []string{anna.Receipt, annaB.Receipt}},
		{"first name prefix, any case", beredskap.ReportFilter{Name: "ann"}, []string{anna.Receipt, annaB.Receipt}},
		{"last name prefix", beredskap.ReportFilter{Name: "Kazl"}, []string{jonas.Receipt}},
		{"arrival range", beredskap.ReportFilter{ArrivalFrom: "2021-02-12", ArrivalTo: "2021-02-14"}, []string{jonas.Receipt, maria.Receipt}},
		{"arrival day in Oslo", beredskap.ReportFilter{ArrivalFrom: "2021-02-16", ArrivalTo: "2021-02-16"}, []string{annaB.Receipt}},
	}
	for _, c := range cases {
		plans, _, err := e.svc.ListTravellers(e.oslo, c.f)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if got, want := muniReceipts(plans), muniSorted(c.want...); !slices.Equal(got, want) {
			t.Errorf("%s: got %v, want %v", c.name, got, want)
		}
	}

	// Newest arrival first, in pages.
	var seen []string
	f := beredskap.ReportFilter{Limit: 3}
	for range 3 {
		plans, next, err := e.svc.ListTravellers(e.oslo, f)
		if err != nil {
			t.Fatalf("page: %v", err)
		}
		for _, p := range plans {
			seen = append(seen, p.Receipt)
		}
		if next == "" {
			break
		}
		f.PageToken = next
	}
	if want := []string{annaB.Receipt, maria.Receipt, jonas.Receipt, anna.Receipt}; !slices.Equal(seen, want) {
		t.Errorf("pages = %v, want %v", seen, want)
	}
	if en := e.lastAudit("followup.travellers.list"); !strings.Contains(en.Detail, "page=next") {
		t.Errorf("detail of a later page = %q", en.Detail)
	}

	bad := beredskap.ReportFilter{
		ArrivalFrom: "2021-02-30", ArrivalTo: "15.02.2021", Status: "open", Language: "xx",
		Name: strings.Repeat("a", 101), Limit: beredskap.MaxPageSize + 1,
	}
	_, _, err := e.svc.ListTravellers(e.oslo, bad)
	want := []string{"arrival_from", "arrival_to", "language", "limit", "name", "status"}
	if got := muniProblemFields(t, err); !slices.Equal(got, want) {
		t.Errorf("problems = %v, want %v", got, want)
	}
	_, _, err = e.svc.ListTravellers(e.oslo, beredskap.ReportFilter{ArrivalFrom: "2021-02-14", ArrivalTo: "2021-02-13"})
	code(t, err, beredskap.EINVALID, "arrival_to")
	_, _, err = e.svc.ListTravellers(e.oslo, beredskap.ReportFilter{Limit: -1})
	code(t, err, beredskap.EINVALID, "limit")
	_, _, err = e.svc.ListTravellers(e.oslo, beredskap.ReportFilter{Name: strings.Repeat("å", 100)})
	if err != nil {
		t.Errorf("a name of 100 letters: %v", err)
	}
}

// TestTravellerTimeline checks the traveller page's timeline (issue 4 §
// 5: registration, decision, SMS and their delivery, calls, reports) and
// who may see it.
func TestTravellerTimeline(t *testing.T) { teststore.Each(t, testTravellerTimeline) }

func testTravellerTimeline(t *testing.T, kind string) {
	e := newMuniEnv(t, kind)
	arrival := time.Date(2021, 2, 15, 13, 30, 0, 0, time.UTC)
	p := e.addTraveller(muniTraveller{municipality: oslo0301, first: "Anna", last: "Nowak", arrival: arrival})
	other := e.addTraveller(muniTraveller{municipality: bergen4601, first: "Maria", last: "Popescu", arrival: arrival})

	// Two SMS: one delivered, one failed.
	e.clock.Advance(time.Hour)
	var delivered, failed beredskap.SMSMessage
	e.update(func(ctx context.Context, tx beredskap.FollowUpTx) error {
		for i, m := range []*beredskap.SMSMessage{&delivered, &failed} {
			*m = beredskap.SMSMessage{PlanID: p.ID, Receipt: p.Receipt, To: p.Phone, Language: "pl",
				Template: []string{"day2", "day5"}[i], Body: "Hei", Encoding: "GSM-7", Segments: 1,
				NextAttemptAt: e.clock.Now(), SentBy: "system"}
			if err := tx.EnqueueSMS(ctx, m); err != nil {
				return err
			}
		}
		return nil
	})
	e.clock.Advance(time.Minute)
	e.update(func(ctx context.Context, tx beredskap.FollowUpTx) error {
		at := e.clock.Now().Add(30 * time.Second)
		delivered.Status, delivered.Attempts, delivered.ProviderID, delivered.DeliveredAt = beredskap.SMSDelivered, 1, "prov-1", &at
		failed.Status, failed.Attempts, failed.LastError = beredskap.SMSFailed, 5, "provider said 400"
		if err := tx.SaveSMS(ctx, &delivered); err != nil {
			return err
		}
		return tx.SaveSMS(ctx, &failed)
	})
	e.clock.Advance(time.Hour)
	notReached := e.report(p, beredskap.CallReport{Outcome: beredskap.CallNotReached})
	e.clock.Advance(time.Hour)
	rb := muniBreach("works at a site with others", beredskap.BreachWorkplace)
	rb.EmployerBreach, rb.EmployerOrg, rb.EmployerName, rb.EmployerText = true, "974760673", "Bygg AS", "no quarantine housing"
	br := e.report(p, rb)
	e.clock.Advance(time.Hour)
	corr := muniReached()
	corr.Corrects = notReached.ID
	correction := e.report(p, corr)

	tl, err := e.svc.Traveller(e.oslo, strings.ToLower(p.Receipt))
	if err != nil {
		t.Fatalf("Traveller: %v", err)
	}
	if tl.Plan.ID != p.ID || tl.Registration.Receipt != p.Receipt || len(tl.SMS) != 2 || len(tl.Reports) != 3 || len(tl.Notices) != 1 {
		t.Fatalf("timeline: plan %d reg %s sms %d reports %d notices %d", tl.Plan.ID, tl.Registration.Receipt, len(tl.SMS), len(tl.Reports), len(tl.Notices))
	}
	var kinds []string
	for i, ev := range tl.Events {
		kinds = append(kinds, ev.Kind)
		if i > 0 && ev.At.Before(tl.Events[i-1].At) {
			t.Errorf("event %d (%s) at %v is before the one above it", i, ev.Kind, ev.At)
		}
	}
	want := []string{"registered", "decided", "planned", "sms_queued", "sms_queued", "sms_failed", "sms_delivered",
		"call_report", "call_report", "notice", "correction"}
	if !slices.Equal(kinds, want) {
		t.Errorf("events = %v, want %v", kinds, want)
	}
	byKind := func(kind string) followup.Event {
		for _, ev := range tl.Events {
			if ev.Kind == kind {
				return ev
			}
		}
		return followup.Event{}
	}
	if d := byKind("decided").Detail; !strings.Contains(d, "rule 2021-02-15") || !strings.Contains(d, "10 days") {
		t.Errorf("decided detail = %q, want the rule and 10 days", d)
	}
	if ev := byKind("correction"); ev.Ref != correction.ID || !strings.Contains(ev.Detail, "corrects report "+strconv.FormatInt(notReached.ID, 10)) {
		t.Errorf("correction event = %+v, want ref %d naming report %d", ev, correction.ID, notReached.ID)
	}
	if ev := byKind("notice"); !strings.Contains(ev.Detail, "974760673") || !strings.Contains(ev.Detail, strconv.FormatInt(br.ID, 10)) {
		t.Errorf("notice event = %+v", ev)
	}
	if ev := byKind("sms_delivered"); ev.Ref != delivered.ID || !ev.At.Equal(*delivered.DeliveredAt) {
		t.Errorf("sms_delivered = %+v, want at %v", ev, delivered.DeliveredAt)
	}
	e.wantAudit("followup.traveller.read", "lege@oslo.kommune.no", beredskap.OutcomeOK, []string{p.Receipt})

	// The control centre sees any traveller.
	if _, err := e.svc.Traveller(e.centre, other.Receipt); err != nil {
		t.Errorf("control centre: %v", err)
	}
	e.wantAudit("followup.traveller.read", "operator@kontrollsenter.no", beredskap.OutcomeOK, []string{other.Receipt})

	// Another municipality's traveller is not found, audited as such.
	_, err = e.svc.Traveller(e.bergen, p.Receipt)
	code(t, err, beredskap.ENOTFOUND, "")
	e.wantAudit("followup.traveller.read", "lege@bergen.kommune.no", beredskap.OutcomeNotFound, []string{p.Receipt})
	_, err = e.svc.Traveller(e.oslo, "ZZZZ-ZZZZ")
	code(t, err, beredskap.ENOTFOUND, "")

	// The labour inspectorate reads no timeline.
	_, err = e.svc.Traveller(e.inspector, p.Receipt)
	code(t, err, beredskap.EFORBIDDEN, "")
	e.wantAudit("followup.traveller.read", "inspektor@arbeidstilsynet.no", beredskap.OutcomeDenied, nil)
}

// TestStats checks the chart numbers on a known set and the checks of the
// range (issue 4 § 5: arrivals per day, active quarantines, suspected
// breaches per week).
func TestStats(t *testing.T) { teststore.Each(t, testStats) }

func testStats(t *testing.T, kind string) {
	e := newMuniEnv(t, kind)
	day := func(d int) time.Time { return time.Date(2021, 2, d, 12, 0, 0, 0, time.UTC) }
	for _, d := range []int{1, 1, 2, 8} {
		p := e.addTraveller(muniTraveller{municipality: oslo0301, first: "Anna", last: "Nowak", arrival: day(d)})
		if d == 8 {
			e.clock.Set(day(9)) // breaches count in the week of the report
			e.report(p, muniBreach("not at the address", beredskap.BreachNotAtAddress))
		}
	}
	e.addTraveller(muniTraveller{municipality: bergen4601, first: "Maria", last: "Popescu", arrival: day(1)})

	st, err := e.svc.Stats(e.oslo, "", "2021-02-01", "2021-02-10")
	if err != nil {
		t.Fatalf("Stats: %v", err)
	}
	arrivals := map[string]int{}
	for _, c := range st.ArrivalsPerDay {
		arrivals[c.Day] = c.Count
	}
	if arrivals["2021-02-01"] != 2 || arrivals["2021-02-02"] != 1 || arrivals["2021-02-08"] != 1 || arrivals["2021-02-03"] != 0 {
		t.Errorf("arrivals per day = %v, want 2 on the 1st, 1 on the 2nd and the 8th (Bergen's not counted)", st.ArrivalsPerDay)
	}
	active := map[string]int{}
	for _, c := range st.ActivePerDay {
		active[c.Day] = c.Count
	}
	if active["2021-02-01"] != 2 || active["2021-02-02"] != 3 || active["2021-02-08"] != 4 {
		t.Errorf("active per day = %v, want 2, 3 and 4 on the 1st, 2nd and 8th", st.ActivePerDay)
	}
	breaches := 0
	for _, c := range st.BreachesPerWeek {
		breaches += c.Count
	}
	if breaches != 1 || len(st.BreachesPerWeek) != 2 || st.BreachesPerWeek[1] != (beredskap.DayCount{Day: "2021-W06", Count: 1}) {
		t.Errorf("breaches per week = %v, want 1 in 2021-W06", st.BreachesPerWeek)
	}
	en := e.wantAudit("followup.stats", "lege@oslo.kommune.no", beredskap.OutcomeOK, nil)
	if len(en.Subjects) != 0 || en.Detail != "from=2021-02-01 to=2021-02-10" || en.Object != "municipality:0301" {
		t.Errorf("stats audit = %+v", en.AuditRecord)
	}

	if _, err := e.svc.Stats(e.centre, bergen4601, "2021-01-01", "2021-12-31"); err != nil {
		t.Errorf("control centre, 365 days: %v", err)
	}
	if _, err := e.svc.Stats(e.centre, bergen4601, "2020-01-01", "2020-12-31"); err != nil {
		t.Errorf("control centre, 366 days of a leap year: %v", err)
	}
	_, err = e.svc.Stats(e.centre, bergen4601, "2020-01-01", "2021-01-01")
	code(t, err, beredskap.EINVALID, "to")
	_, err = e.svc.Stats(e.oslo, "", "2021-02-10", "2021-02-01")
	code(t, err, beredskap.EINVALID, "to")
	_, err = e.svc.Stats(e.oslo, "", "", "2021-02-31")
	if got := muniProblemFields(t, err); !slices.Equal(got, []string{"from", "to"}) {
		t.Errorf("problems = %v, want from, to", got)
	}
	_, err = e.svc.Stats(e.oslo, bergen4601, "2021-02-01", "2021-02-10")
	code(t, err, beredskap.EFORBIDDEN, "")
	e.wantAudit("followup.stats", "lege@oslo.kommune.no", beredskap.OutcomeDenied, nil)
	_, err = e.svc.Stats(e.centre, "", "2021-02-01", "2021-02-10")
	code(t, err, beredskap.EINVALID, "municipality")
	_, err = e.svc.Stats(e.inspector, oslo0301, "2021-02-01", "2021-02-10")
	code(t, err, beredskap.EFORBIDDEN, "")
}
