package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"beredskap"
)

// These tests cover what is particular to PostgreSQL beside the shared
// suite: a failed unique insert must not abort the transaction, appends
// from many connections must serialise, and the trail is read in batches.

func TestStaffConflictKeepsTransactionUsable(t *testing.T) {
	h := openStaff(t)
	ctx := context.Background()
	order := func() *beredskap.AccessOrder {
		return &beredskap.AccessOrder{Kind: beredskap.OrderGrant, Status: beredskap.OrderPending, FirstName: "Kari",
			LastName: "Nordmann", Email: "kari@oslo.kommune.no", County: "03", Municipality: "0301",
			Role: beredskap.RoleMunicipalStaff, ServiceNeed: "smittesporing", OrderedBy: "lege@oslo.kommune.no"}
	}
	err := h.Store.Update(ctx, func(ctx context.Context, tx beredskap.StaffTx) error {
		if err := tx.CreateUser(ctx, &beredskap.User{Email: "Kari@Oslo.Kommune.no", FirstName: "Kari"}); err != nil {
			return err
		}
		err := tx.CreateUser(ctx, &beredskap.User{Email: "kari@oslo.kommune.no", FirstName: "Kari"})
		if beredskap.ErrorCode(err) != beredskap.ECONFLICT {
			return fmt.Errorf("second user: %v; want ECONFLICT", err)
		}
		if err := tx.CreateAccessOrder(ctx, order()); err != nil {
			return err
		}
		err = tx.CreateAccessOrder(ctx, order())
		if beredskap.ErrorCode(err) != beredskap.ECONFLICT {
			return fmt.Errorf("second order: %v; want ECONFLICT", err)
		}
		decided := order()
		decided.Status = beredskap.OrderApproved
		if err := tx.CreateAccessOrder(ctx, decided); err != nil {
			return err
		}
		decided.Status = beredskap.OrderPending
		if err := tx.UpdateAccessOrder(ctx, decided); beredskap.ErrorCode(err) != beredskap.ECONFLICT {
			return fmt.Errorf("reopening beside an open order: %v; want ECONFLICT", err)
		}
		other := &beredskap.User{Email: "ola@oslo.kommune.no", NationalID: "01019012345"}
		if err := tx.CreateUser(ctx, other); err != nil {
			return err
		}
		kari, err := tx.FindUserByEmail(ctx, "kari@oslo.kommune.no")
		if err != nil {
			return err
		}
		kari.NationalID = other.NationalID
		if err := tx.UpdateUser(ctx, kari); beredskap.ErrorCode(err) != beredskap.ECONFLICT {
			return fmt.Errorf("taking another user's national id: %v; want ECONFLICT", err)
		}
		// The transaction goes on after the refused statements.
		_, err = tx.Audit(ctx, beredskap.AuditRecord{Actor: "system", Action: "access_order.create", Outcome: beredskap.OutcomeDenied})
		return err
	})
	if err != nil {
		t.Fatalf("Update: %v", err)
	}
	err = h.Store.View(ctx, func(ctx context.Context, tx beredskap.StaffTx) error {
		u, err := tx.FindUserByEmail(ctx, "KARI@oslo.kommune.no")
		if err != nil {
			return err
		}
		if u.Email != "kari@oslo.kommune.no" {
			return fmt.Errorf("stored e-mail %q; want lower case", u.Email)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("View: %v", err)
	}
}

func TestStaffAuditConcurrentNoGaps(t *testing.T) {
	h := openStaff(t)
	ctx := context.Background()
	const workers, each = 8, 25
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				err := h.Store.Update(ctx, func(ctx context.Context, tx beredskap.StaffTx) error {
					rec := beredskap.AuditRecord{Actor: fmt.Sprintf("w%d", w), Action: "test", Object: fmt.Sprint(i)}
					if _, err := tx.Audit(ctx, rec); err != nil {
						return err
					}
					if i%5 == 4 {
						return errors.New("roll back")
					}
					_, err := tx.Audit(ctx, rec)
					return err
				})
				if err != nil && err.Error() != "roll back" {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("Update: %v", err)
	}
	v := beredskap.NewChainVerifier()
	err := h.Store.ScanAudit(ctx, func(e *beredskap.AuditEntry) error {
		if b := v.Add(e); b != nil {
			return b
		}
		return nil
	})
	if err != nil {
		t.Fatalf("ScanAudit: %v", err)
	}
	// Four of five transactions of each worker commit two entries.
	if got, want := v.Count(), int64(workers*each/5*4*2); got != want {
		t.Errorf("%d entries; want %d", got, want)
	}
}

func TestStaffScanAuditBatches(t *testing.T) {
	h := openStaff(t)
	ctx := context.Background()
	const n = 2345
	err := h.Store.Update(ctx, func(ctx context.Context, tx beredskap.StaffTx) error {
		for i := range n {
			_, err := tx.Audit(ctx, beredskap.AuditRecord{Actor: "system", Action: "bulk", Subjects: []string{fmt.Sprint(i % 7)}})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("Update: %v", err)
	}
	var seqs []int64
	err = h.Store.ScanAudit(ctx, func(e *beredskap.AuditEntry) error {
		seqs = append(seqs, e.Seq)
		return nil
	})
	if err != nil || len(seqs) != n || seqs[0] != 1 || seqs[n-1] != n {
		t.Fatalf("ScanAudit: %d entries, %v; want %d from 1", len(seqs), err, n)
	}
	stop := errors.New("stop")
	count := 0
	err = h.Store.ScanAudit(ctx, func(e *beredskap.AuditEntry) error {
		if count++; e.Seq == 1500 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || count != 1500 {
		t.Errorf("ScanAudit stopped after %d with %v; want 1500 and fn's error", count, err)
	}
}

func TestStaffAuditHeadGuarded(t *testing.T) {
	h := openStaff(t)
	ctx := context.Background()
	for _, q := range []string{`DELETE FROM audit_head`, `TRUNCATE audit_head`} {
		if err := h.Exec(ctx, q); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: %v; want the append-only trigger's error", q, err)
		}
	}
}

func TestStaffUseEnrolmentConcurrent(t *testing.T) {
	h := openStaff(t)
	ctx := context.Background()
	err := h.Store.Update(ctx, func(ctx context.Context, tx beredskap.StaffTx) error {
		u := &beredskap.User{Email: "ny@bergen.kommune.no", FirstName: "Ny"}
		if err := tx.CreateUser(ctx, u); err != nil {
			return err
		}
		return tx.CreateEnrolment(ctx, &beredskap.Enrolment{Hash: "h1", UserID: u.ID, ExpiresAt: time.Now().Add(time.Hour)})
	})
	if err != nil {
		t.Fatal(err)
	}
	const n = 6
	codes := make(chan beredskap.Code, n)
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes <- beredskap.ErrorCode(h.Store.Update(ctx, func(ctx context.Context, tx beredskap.StaffTx) error {
				return tx.UseEnrolment(ctx, "h1", time.Now())
			}))
		}()
	}
	wg.Wait()
	close(codes)
	ok, conflicts := 0, 0
	for c := range codes {
		switch c {
		case "":
			ok++
		case beredskap.ECONFLICT:
			conflicts++
		default:
			t.Errorf("UseEnrolment: code %q", c)
		}
	}
	if ok != 1 || conflicts != n-1 {
		t.Errorf("%d uses succeeded and %d conflicted; want 1 and %d", ok, conflicts, n-1)
	}
	err = h.Store.Update(ctx, func(ctx context.Context, tx beredskap.StaffTx) error {
		return tx.UseEnrolment(ctx, "unknown", time.Now())
	})
	if beredskap.ErrorCode(err) != beredskap.ENOTFOUND {
		t.Errorf("unknown enrolment: %v; want ENOTFOUND", err)
	}
}
