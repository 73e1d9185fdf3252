package retention_test

import (
	"context"
	"testing"
	"time"

	"beredskap"
	"beredskap/internal/teststore"
)

// TestCorrectionRequest checks a person's request to correct their data
// (GDPR art. 16; issue 19 § 5: "ask for a correction (a case for staff)"):
// only their own registration may be named, citizen support lists and
// closes it, and a closed request is deleted with citizen cases.
func TestCorrectionRequest(t *testing.T) { teststore.Each(t, testCorrectionRequest) }

func testCorrectionRequest(t *testing.T, kind string) {
	e := newEnv(t, kind)
	p := person{first: "Korrekt", last: "Rettesen", nationalID: nid(t, 117), phone: "+4791234521", email: "k.r@example.org"}
	mine := e.register(p, start.Add(-time.Hour), "k1")
	other := e.register(person{first: "Annen", last: "Person", nationalID: nid(t, 147), phone: "+4791234522", email: "a.p@example.org"},
		start.Add(-time.Hour), "k2")
	anon := beredskap.WithActor(context.Background(), &beredskap.Actor{Address: "198.51.100.7"})
	if _, err := e.svc.RequestCorrection(anon, p.nationalID, other.Receipt, "wrong phone"); beredskap.ErrorCode(err) != beredskap.EINVALID {
		t.Errorf("a correction of another's registration: %v; want invalid", err)
	}
	if _, err := e.svc.RequestCorrection(anon, p.nationalID, mine.Receipt, "  "); beredskap.ErrorCode(err) != beredskap.EINVALID {
		t.Errorf("an empty correction: %v; want invalid", err)
	}
	c, err := e.svc.RequestCorrection(anon, p.nationalID, mine.Receipt, "My phone number is +47 912 34 599")
	if err != nil {
		t.Fatalf("RequestCorrection: %v", err)
	}
	officer := e.as("overlege@oslo.kommune.no", beredskap.RoleMunicipalOfficer, "0301")
	if _, err := e.svc.Corrections(officer); beredskap.ErrorCode(err) != beredskap.EFORBIDDEN {
		t.Errorf("the officer lists corrections: %v; want forbidden", err)
	}
	support := e.as("veileder@helfo.example", beredskap.RoleCitizenSupport, "")
	open, err := e.svc.Corrections(support)
	if err != nil || len(open) != 1 || open[0].ID != c.ID || open[0].Receipt != mine.Receipt {
		t.Fatalf("Corrections = %v, %v; want the request", open, err)
	}
	if err := e.svc.CloseCorrection(support, c.ID, ""); beredskap.ErrorCode(err) != beredskap.EINVALID {
		t.Errorf("closing without an answer: %v; want invalid", err)
	}
	if err := e.svc.CloseCorrection(support, c.ID, "The phone number is corrected in the follow-up plan."); err != nil {
		t.Fatalf("CloseCorrection: %v", err)
	}
	if err := e.svc.CloseCorrection(support, c.ID, "again"); beredskap.ErrorCode(err) != beredskap.ENOTFOUND {
		t.Errorf("closing twice: %v; want not found", err)
	}
	mineNow, err := e.svc.CorrectionsOf(context.Background(), p.nationalID)
	if err != nil || len(mineNow) != 1 || mineNow[0].Status != "closed" || mineNow[0].Answer == "" {
		t.Fatalf("CorrectionsOf = %v, %v; want the closed request with its answer", mineNow, err)
	}
	if !audited(t, e, "citizen.correction_request", mine.Receipt) {
		t.Error("the request is not audited with the receipt")
	}
	e.clock.Set(start.AddDate(1, 1, 0))
	if _, err := e.svc.Purge(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if left, err := e.svc.CorrectionsOf(context.Background(), p.nationalID); err != nil || len(left) != 0 {
		t.Errorf("correction requests after the purge: %v, %v; want none", left, err)
	}
	e.verifyAudit()
}
