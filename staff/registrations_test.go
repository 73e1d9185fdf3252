package staff_test

import (
	"strings"
	"testing"

	"beredskap"
	"beredskap/staff"
)

func TestRegistrationsByRole(t *testing.T) {
	e := newEnv(t, staff.Config{})
	oslo, bergen := e.registration("0301", "Oslo"), e.registration("4601", "Bergen")
	border := e.addUser("politi@grense.example.no", beredskap.RoleBorderOfficer, "")
	inspector := e.addUser("tilsyn@arbeidstilsynet.example.no", beredskap.RoleLabourInspector, "")
	centre := e.addUser("ida@kontrollsenter.example.no", beredskap.RoleControlCentre, "")
	admin := e.addUser("tilgang@helfo.example.no", beredskap.RoleAccessAdmin, "")

	t.Run("BorderOfficer", func(t *testing.T) {
		_, ctx := e.login(border)
		if r, err := e.svc.GetRegistration(ctx, bergen); err != nil || r.Receipt != bergen {
			t.Fatalf("GetRegistration = %v, %v", r, err)
		}
		_, _, err := e.svc.ListRegistrations(ctx, beredskap.RegistrationFilter{})
		wantErr(t, err, beredskap.EFORBIDDEN, "", "")
		_, err = e.svc.GetRegistration(ctx, "not a receipt")
		wantErr(t, err, beredskap.ENOTFOUND, "", "")
	})
	t.Run("LabourInspector", func(t *testing.T) {
		_, ctx := e.login(inspector)
		_, err := e.svc.GetRegistration(ctx, oslo)
		wantErr(t, err, beredskap.ENOTFOUND, "", "") // docs/contract.md: 404 when the caller may not see it
		_, _, err = e.svc.ListRegistrations(ctx, beredskap.RegistrationFilter{})
		wantErr(t, err, beredskap.EFORBIDDEN, "", "")
		denied := e.auditOf(beredskap.AuditFilter{Actor: inspector.Email, Action: "registration.read"})
		if len(denied) != 1 || denied[0].Outcome != beredskap.OutcomeDenied || len(denied[0].Subjects) != 0 {
			t.Fatalf("entries = %+v, want one denial without subjects", denied)
		}
	})
	t.Run("ControlCentre", func(t *testing.T) {
		_, ctx := e.login(centre)
		all, _, err := e.svc.ListRegistrations(ctx, beredskap.RegistrationFilter{})
		if err != nil || len(all) != 2 {
			t.Fatalf("ListRegistrations(all) = %d, %v; want 2", len(all), err)
		}
		one, _, err := e.svc.ListRegistrations(ctx, beredskap.RegistrationFilter{Municipality: "4601"})
		if err != nil || len(one) != 1 || one[0].Receipt != bergen {
			t.Fatalf("ListRegistrations(4601) = %v, %v", one, err)
		}
		entries := e.auditOf(beredskap.AuditFilter{Actor: centre.Email, Action: "registration.list"})
		if len(entries) != 2 || entries[0].Object != "registrations:all" || entries[1].Object != "municipality:4601" {
			t.Fatalf("entries = %+v", entries)
		}
	})
	t.Run("AuditSearch", func(t *testing.T) {
		_, ctx := e.login(admin)
		entries, _, err := e.svc.SearchAudit(ctx, beredskap.AuditFilter{Receipt: bergen})
		if err != nil || len(entries) < 3 {
			t.Fatalf("SearchAudit(%s) = %d entries, %v; want the read, and both lists", bergen, len(entries), err)
		}
		_, ccCtx := e.login(centre)
		_, _, err = e.svc.SearchAudit(ccCtx, beredskap.AuditFilter{})
		wantErr(t, err, beredskap.EFORBIDDEN, "", "")
		if n := len(e.auditOf(beredskap.AuditFilter{Action: "audit.search", Actor: admin.Email})); n != 1 {
			t.Errorf("%d audit.search entries by the admin, want 1", n)
		}
	})
}

// The receipt page shows the traveller's data to whoever holds the code;
// every look is in the audit trail with the receipt as subject.
func TestShowReceiptIsAudited(t *testing.T) {
	e := newEnv(t, staff.Config{})
	receipt := e.registration("0301", "Kowalska")
	reg, err := e.svc.ShowReceipt(anon("198.51.100.7"), strings.ToLower(strings.ReplaceAll(receipt, "-", "")))
	if err != nil || reg.Receipt != receipt {
		t.Fatalf("ShowReceipt = %v, %v", reg, err)
	}
	_, err = e.svc.ShowReceipt(anon("198.51.100.7"), "00000-00000-0")
	wantErr(t, err, beredskap.ENOTFOUND, "", "")
	got := e.auditOf(beredskap.AuditFilter{Receipt: receipt})
	if len(got) != 1 || got[0].Action != "receipt.view" || got[0].Outcome != beredskap.OutcomeOK ||
		got[0].Address != "198.51.100.7" || got[0].Actor != "anonymous" {
		t.Fatalf("audit of the receipt = %+v; want one anonymous receipt.view from 198.51.100.7", got)
	}
}
