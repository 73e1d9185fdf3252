package retention

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"beredskap"
)

// Report is what one purge did.
type Report struct {
	Policy        string                `json:"policy"`
	Registrations beredskap.PurgeCounts `json:"registrations"`
	Batches       int                   `json:"batches"`
	FeeRows       int                   `json:"fee_rows"`
	CitizenCases  int                   `json:"citizen_cases"`
	Citizens      int                   `json:"citizen_accounts_and_sessions"`
	Staff         int                   `json:"staff_records"`
	Holds         int                   `json:"legal_holds"`
	// Yielded counts the batches of registrations that ended early
	// because other writes waited for the database's one writer (SQLite).
	Yielded int `json:"batches_yielded"`
}

// Total returns how many rows the purge removed or de-identified.
func (r Report) Total() int {
	return r.Registrations.Total() + r.FeeRows + r.CitizenCases + r.Citizens + r.Staff + r.Holds
}

// Purge carries out the policy in force now: every registration whose
// period has ended, with what belongs to it, in batches (one transaction
// and one audit entry "retention.purge" each, naming the receipts as
// subjects) that each hold the writer about Config.Budget and end early,
// with what they have done, when other writes wait for SQLite's one
// writer, so that registrations go first; then fee rows past the
// accounting period, closed citizen cases, unused citizen accounts and
// sessions, ended staff records and ended legal holds. It stops between
// batches when ctx ends, and a later call goes on where it stopped.
// renew, when not nil, is called every tenth of Config.Lease (to extend a
// claim); its error stops the purge.
func (s *Service) Purge(ctx context.Context, renew func(ctx context.Context) error) (Report, error) {
	a := beredskap.SystemActor()
	now := s.clock()
	p := s.book.At(now)
	rep := Report{Policy: p.ID}
	today := osloDay(now)
	arrivedBefore := p.Category(Registrations).Period.Before(now)
	limit := min(s.cfg.Batch, 4*purgeStep)
	renewed := time.Now()
	for {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		// Registrations waiting for SQLite's writer go first, unless they
		// keep it busy so long that the purge would never run.
		if err := s.store.AwaitWriter(ctx, 10*s.cfg.Budget); err != nil {
			return rep, err
		}
		var c beredskap.PurgeCounts
		var n int
		var yielded, spent bool
		var began time.Time
		err := s.store.UpdateRetention(ctx, func(ctx context.Context, tx beredskap.RetentionTx) error {
			began = time.Now()
			c, n, yielded, spent = beredskap.PurgeCounts{}, 0, false, false
			receipts, err := tx.DueRegistrations(ctx, beredskap.DueFilter{ArrivedBefore: arrivedBefore, Today: today, Limit: limit})
			if err != nil || len(receipts) == 0 {
				return err
			}
			// purgeStep registrations at a time, so that the batch ends
			// early, with what it has done, when other writes wait for the
			// writer or its time is spent.
			for n < len(receipts) {
				step := receipts[n:min(n+purgeStep, len(receipts))]
				sc, err := tx.PurgeRegistrations(ctx, step)
				if err != nil {
					return err
				}
				c.Add(sc)
				n += len(step)
				if n == len(receipts) {
					break
				}
				if yielded = tx.WritersWaiting(); yielded {
					break
				}
				if spent = time.Since(began) >= s.cfg.Budget; spent {
					break
				}
			}
			rec := beredskap.RecordFor(a, "retention.purge", "retention:"+Registrations, beredskap.OutcomeOK)
			rec.Subjects = receipts[:n]
			rec.Detail = fmt.Sprintf("policy %s: arrived before %s; %d registrations, %d follow-up plans, %d call reports, %d SMS, %d labour notices, %d dispensations deleted; %d hotel stays de-identified",
				p.ID, arrivedBefore.UTC().Format(time.RFC3339), c.Registrations, c.Plans, c.CallReports, c.SMS, c.LabourNotices, c.Dispensations, c.Stays)
			return beredskap.AppendAudit(ctx, tx, rec)
		})
		if err != nil {
			return rep, fmt.Errorf("purge registrations: %w", err)
		}
		if n == 0 {
			break
		}
		rep.Registrations.Add(c)
		rep.Batches++
		if yielded {
			rep.Yielded++
		}
		// How long the batch held the writer, its commit included.
		s.logger.DebugContext(ctx, "retention: batch", "registrations", n, "held", time.Since(began), "yielded", yielded)
		if renew != nil && time.Since(renewed) >= s.cfg.Lease/10 {
			if err := renew(ctx); err != nil {
				return rep, err
			}
			renewed = time.Now()
		}
		if n < limit && !yielded && !spent {
			break
		}
		// The next batch asks for about twice what this one managed, so
		// that it never runs short while its time lasts, and the check of
		// what is due stays small.
		limit = min(s.cfg.Batch, max(purgeStep, 2*n))
		if s.cfg.Pause > 0 {
			select {
			case <-ctx.Done():
				return rep, ctx.Err()
			case <-time.After(s.cfg.Pause):
			}
		}
	}
	var err error
	fees := p.Category(FeeStatements)
	feeYear := now.In(oslo).Year() - fees.Period.Years
	lastNightBefore := strconv.Itoa(feeYear) + "-01-01"
	if rep.FeeRows, err = s.purgeOther(ctx, FeeStatements, "last night before "+lastNightBefore, func(ctx context.Context, tx beredskap.RetentionTx) (int, error) {
		return tx.PurgeFeeRows(ctx, lastNightBefore, s.cfg.Batch)
	}); err != nil {
		return rep, err
	}
	closedBefore := p.Category(CitizenCases).Period.Before(now)
	if rep.CitizenCases, err = s.purgeOther(ctx, CitizenCases, "closed before "+closedBefore.UTC().Format(time.RFC3339), func(ctx context.Context, tx beredskap.RetentionTx) (int, error) {
		return tx.PurgeCitizenCases(ctx, closedBefore, s.cfg.Batch)
	}); err != nil {
		return rep, err
	}
	changedBefore := p.Category(CitizenAccounts).Period.Before(now)
	if rep.Citizens, err = s.purgeOther(ctx, CitizenAccounts, "not blocked, unchanged since "+changedBefore.UTC().Format(time.RFC3339), func(ctx context.Context, tx beredskap.RetentionTx) (int, error) {
		return tx.PurgeCitizenAccounts(ctx, changedBefore, now, s.cfg.Batch)
	}); err != nil {
		return rep, err
	}
	endedBefore := p.Category(Staff).Period.Before(now)
	if rep.Staff, err = s.purgeOther(ctx, Staff, "ended before "+endedBefore.UTC().Format(time.RFC3339), func(ctx context.Context, tx beredskap.RetentionTx) (int, error) {
		return tx.PurgeStaffRecords(ctx, endedBefore, now, s.cfg.Batch)
	}); err != nil {
		return rep, err
	}
	holdsBefore := osloDay(p.Category(Registrations).Period.Before(now))
	if rep.Holds, err = s.purgeOther(ctx, "legal_holds", "ended before "+holdsBefore, func(ctx context.Context, tx beredskap.RetentionTx) (int, error) {
		return tx.PurgeHolds(ctx, holdsBefore)
	}); err != nil {
		return rep, err
	}
	s.logger.InfoContext(ctx, "retention: purge done", "policy", p.ID, "registrations", rep.Registrations.Registrations,
		"batches", rep.Batches, "rows", rep.Total())
	return rep, nil
}

// purgeStep is how many registrations the purge deletes between two
// looks at whether other writes wait for the writer or the batch's time is
// spent: what such a write waits for at most, besides the commit.
const purgeStep = 2

// purgeOther runs fn until it removes nothing more, each round one
// transaction with an audit entry when it removed something.
func (s *Service) purgeOther(ctx context.Context, category, detail string, fn func(ctx context.Context, tx beredskap.RetentionTx) (int, error)) (int, error) {
	total := 0
	for {
		if err := ctx.Err(); err != nil {
			return total, err
		}
		var n int
		err := s.store.UpdateRetention(ctx, func(ctx context.Context, tx beredskap.RetentionTx) error {
			var err error
			if n, err = fn(ctx, tx); err != nil || n == 0 {
				return err
			}
			rec := beredskap.RecordFor(beredskap.SystemActor(), "retention.purge", "retention:"+category, beredskap.OutcomeOK)
			rec.Detail = fmt.Sprintf("%d rows: %s", n, detail)
			return beredskap.AppendAudit(ctx, tx, rec)
		})
		if err != nil {
			return total, fmt.Errorf("purge %s: %w", category, err)
		}
		total += n
		if n < s.cfg.Batch {
			return total, nil
		}
	}
}

// ErrNotClaimed is returned by RunDay when another instance runs (or ran)
// the day's purge.
var ErrNotClaimed = errors.New("the day's purge is claimed by another instance")

// RunDay runs the purge of today (Europe/Oslo) once across every instance
// sharing the database: runner claims the day first, renews the claim after
// every batch, and records the day as done. It returns ErrNotClaimed when
// another runner holds the day or finished it.
func (s *Service) RunDay(ctx context.Context, runner string) (Report, error) {
	day := osloDay(s.clock())
	claim := func(ctx context.Context) error {
		var ok bool
		err := s.store.UpdateRetention(ctx, func(ctx context.Context, tx beredskap.RetentionTx) error {
			now := s.clock()
			var err error
			ok, err = tx.ClaimPurgeDay(ctx, day, runner, now, now.Add(s.cfg.Lease))
			return err
		})
		if err != nil {
			return fmt.Errorf("claim the purge of %s: %w", day, err)
		}
		if !ok {
			return ErrNotClaimed
		}
		return nil
	}
	if err := claim(ctx); err != nil {
		return Report{}, err
	}
	rep, err := s.Purge(ctx, claim)
	if err != nil {
		return rep, err
	}
	err = s.store.UpdateRetention(ctx, func(ctx context.Context, tx beredskap.RetentionTx) error {
		return tx.FinishPurgeDay(ctx, day, s.clock(), rep.Total())
	})
	return rep, err
}

// Run runs the purge once a day until ctx ends: it tries every interval
// (an hour when 0) and purges when the day's purge is not yet done, so
// that an instance that stopped halfway is taken over by another once its
// claim lapses.
func (s *Service) Run(ctx context.Context, runner string, interval time.Duration) {
	if interval <= 0 {
		interval = time.Hour
	}
	for {
		rep, err := s.RunDay(ctx, runner)
		switch {
		case errors.Is(err, ErrNotClaimed), errors.Is(err, context.Canceled):
		case err != nil:
			s.logger.ErrorContext(ctx, "retention: purge failed; it is tried again", "err", err)
		default:
			s.logger.InfoContext(ctx, "retention: the day's purge is done", "rows", rep.Total())
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(interval):
		}
	}
}
