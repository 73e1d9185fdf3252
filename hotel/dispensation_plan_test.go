package hotel_test

import (
	"context"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"beredskap"
	"beredskap/followup"
	"beredskap/hotel"
	"beredskap/internal/teststore"
	"beredskap/rules"
)

// A dispensation moves a follow-up call that falls due during it to its
// end: the traveller is allowed out then (seed 001, § 6j; issue 4: "plans
// follow changes: a dispensation").
func TestDispensationPostponesCall(t *testing.T) { teststore.Each(t, testDispensationPostponesCall) }

func testDispensationPostponesCall(t *testing.T, kind string) {
	e := newEnvWithBook(t, kind, dispensationWithFollowUp(t))
	e.clock.Set(time.Date(2021, 2, 20, 13, 0, 0, 0, oslo))
	officer := e.as("overlege@oslo.kommune.no", beredskap.RoleMunicipalOfficer, "0301")
	r := e.register(traveller{arrival: time.Date(2021, 2, 20, 12, 0, 0, 0, oslo)})
	fu := followup.New(e.store, e.book, nil, e.clock.Now, followup.Config{}, nil)
	if made, _, err := fu.PlanPass(system()); err != nil || made != 1 {
		t.Fatalf("PlanPass: made %d, %v", made, err)
	}
	plan := func() *beredskap.FollowUpPlan {
		var p *beredskap.FollowUpPlan
		err := e.store.ViewFollowUp(context.Background(), func(ctx context.Context, tx beredskap.FollowUpTx) error {
			var err error
			p, err = tx.FindPlanByReceipt(ctx, r.Receipt)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	due := plan().NextCallAt
	from, to := due.Add(-time.Hour), due.Add(3*time.Hour)
	if _, err := e.svc.GrantDispensation(officer, hotelDispensation(r.Receipt, from, to)); err != nil {
		t.Fatalf("GrantDispensation: %v", err)
	}
	if got := plan().NextCallAt; !got.Equal(to.UTC()) {
		t.Errorf("next call at %v after a dispensation %v..%v; want its end", got, from, to)
	}
}

// hotelDispensation is a visit to a seriously ill parent from from to to.
func hotelDispensation(receipt string, from, to time.Time) hotel.DispensationRequest {
	return hotel.DispensationRequest{Receipt: receipt, Purpose: beredskap.PurposeVisitIll, Relation: "parent",
		Place: "Ullevål sykehus", From: from, To: to}
}

// dispensationWithFollowUp returns the embedded rules with the § 6j
// dispensation of 2020-12-13-1700 added to 2021-02-15. No real version has
// both: the municipal doctor's dispensation ended on 2020-12-23 12:00, the
// control centre started on 2021-02-15. The test is about the mechanics of
// a plan meeting a dispensation, so it needs a version with both.
func dispensationWithFollowUp(t *testing.T) *rules.Book {
	t.Helper()
	m := fstest.MapFS{}
	err := fs.WalkDir(rules.EmbeddedFS(), ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(rules.EmbeddedFS(), name)
		m[name] = &fstest.MapFile{Data: data}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	const name = "versions/2021-02-15.yaml"
	data := string(m[name].Data)
	i := strings.Index(data, "\ncases:\n")
	data = data[:i+1] + "dispensation:\n  ref: \"covid-19-forskriften § 6j\"\n  purposes: [visit_seriously_ill, funeral]\n" +
		"  relations: [spouse, cohabitant, partner, child, sibling, parent, grandparent, parent_in_law, other_close]\n" + data[i+1:]
	m[name] = &fstest.MapFile{Data: []byte(data)}
	book, err := rules.Load(m)
	if err != nil {
		t.Fatal(err)
	}
	return book
}
