package sqlite

import (
	"context"
	"fmt"
	"testing"
	"time"

	"beredskap"
)

// BenchmarkListRegistrationsAudited compares a page of 50 registrations read
// on the read pool with the same page read and audited: in one staff
// Update, and read in a View and then audited in an Update of its own.
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
	rec := beredskap.AuditRecord{Actor: "kari@oslo.kommune.no", UserID: 1, Role: beredskap.RoleMunicipalStaff,
		Scope: "municipality:0301", Action: "registration.list", Object: "municipality:0301",
		Outcome: beredskap.OutcomeOK, Address: "192.0.2.1", RequestID: "bench"}
	subjects := func(page []*beredskap.StoredRegistration) beredskap.AuditRecord {
		rec := rec
		rec.Subjects = make([]string, len(page))
		for i, r := range page {
			rec.Subjects[i] = r.Receipt
		}
		return rec
	}
	b.Run("audited", func(b *testing.B) {
		for b.Loop() {
			err := staff.Update(ctx, func(ctx context.Context, tx beredskap.StaffTx) error {
				page, _, err := tx.ListRegistrations(ctx, f)
				if err != nil {
					return err
				}
				_, err = tx.Audit(ctx, subjects(page))
				return err
			})
			if err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("view_then_audit", func(b *testing.B) {
		for b.Loop() {
			var page []*beredskap.StoredRegistration
			err := staff.View(ctx, func(ctx context.Context, tx beredskap.StaffTx) error {
				var err error
				page, _, err = tx.ListRegistrations(ctx, f)
				return err
			})
			if err != nil {
				b.Fatal(err)
			}
			err = staff.Update(ctx, func(ctx context.Context, tx beredskap.StaffTx) error {
				_, err = tx.Audit(ctx, subjects(page))
				return err
			})
			if err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkAudit measures appending one audit entry with 50 subjects in a
// write transaction of its own, as a list request does after its read.
func BenchmarkAudit(b *testing.B) {
	db := benchDB(b)
	staff := NewStaffStore(db, time.Now)
	ctx := context.Background()
	rec := beredskap.AuditRecord{Actor: "kari@oslo.kommune.no", UserID: 1, Role: beredskap.RoleMunicipalStaff,
		Scope: "municipality:0301", Action: "registration.list", Object: "municipality:0301",
		Outcome: beredskap.OutcomeOK, Address: "192.0.2.1", RequestID: "bench"}
	for i := range 50 {
		rec.Subjects = append(rec.Subjects, fmt.Sprintf("K7Q2-M%03d-XR4P", i))
	}
	for b.Loop() {
		err := staff.Update(ctx, func(ctx context.Context, tx beredskap.StaffTx) error {
			_, err := tx.Audit(ctx, rec)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}
