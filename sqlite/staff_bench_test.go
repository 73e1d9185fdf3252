package sqlite

import (
	"context"
	"testing"
	"time"

	"beredskap"
)

// BenchmarkListRegistrationsAudited compares a page of 50 registrations read
// on the read pool with the same page read in a staff Update that also
// appends its audit entry, as GET /api/v1/registrations does.
func BenchmarkListRegistrationsAudited(b *testing.B) {
	db := benchDB(b)
	regs := NewRegistrationService(db, time.Now)
	ctx := context.Background()
	for range 500 {
		if _, _, err := regs.CreateRegistration(ctx, benchRegistration()); err != nil {
			b.Fatal(err)
		}
	}
	staff := NewStaffStore(db, time.Now)
	f := beredskap.RegistrationFilter{Municipality: "0301", Limit: 50}
	b.Run("plain", func(b *testing.B) {
		for b.Loop() {
			if page, _, err := regs.ListRegistrations(ctx, f); err != nil || len(page) != 50 {
				b.Fatal(len(page), err)
			}
		}
	})
	b.Run("audited", func(b *testing.B) {
		for b.Loop() {
			err := staff.Update(ctx, func(ctx context.Context, tx beredskap.StaffTx) error {
				page, _, err := tx.ListRegistrations(ctx, f)
				if err != nil {
					return err
				}
				rec := beredskap.AuditRecord{Actor: "kari@oslo.kommune.no", UserID: 1, Role: beredskap.RoleMunicipalStaff,
					Scope: "municipality:0301", Action: "registration.list", Object: "municipality:0301",
					Outcome: beredskap.OutcomeOK, Address: "192.0.2.1", RequestID: "bench"}
				for _, r := range page {
					rec.Subjects = append(rec.Subjects, r.Receipt)
				}
				_, err = tx.Audit(ctx, rec)
				return err
			})
			if err != nil {
				b.Fatal(err)
			}
		}
	})
}
