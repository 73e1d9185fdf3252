package followup

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"beredskap"
	"beredskap/internal/export"
	"beredskap/norway"
)

// LabourNotices returns notices newest first and the next page's token.
// Needs PermViewLabourNotices; audited.
//
// Without the permission it is EFORBIDDEN, audited as denied. Bad filters
// are EINVALID naming the field: org_number (a valid organisation number
// when given), to (not before from) and limit (50 when 0, at most
// beredskap.MaxPageSize). The page is read in a read-only snapshot and
// audited as "followup.notices.list" in a short write transaction of its
// own, with the receipts of the travellers whose reports made the notices
// as subjects; nothing is returned unless that entry has committed.
func (s *Service) LabourNotices(ctx context.Context, f beredskap.NoticeFilter) ([]*beredskap.LabourNotice, string, error) {
	const action = "followup.notices.list"
	a := beredskap.ActorFrom(ctx)
	if !beredskap.Can(a, beredskap.PermViewLabourNotices, "") {
		return nil, "", s.tx.Deny(ctx, a, action, "labour_notices")
	}
	if err := checkNoticeFilter(&f, true); err != nil {
		return nil, "", err
	}
	var notices []*beredskap.LabourNotice
	var next string
	var receipts []string
	err := s.store.ViewFollowUp(ctx, func(ctx context.Context, tx beredskap.FollowUpTx) error {
		var err error
		notices, next, err = tx.ListLabourNotices(ctx, f)
		if err != nil {
			return err
		}
		receipts, err = noticeReceipts(ctx, tx, notices, receipts)
		return err
	})
	if err != nil {
		return nil, "", beredskap.Wrap("list labour notices", err)
	}
	rec := beredskap.RecordFor(a, action, "labour_notices", beredskap.OutcomeOK)
	rec.Subjects = receipts
	rec.Detail = describeNoticeFilter(f)
	if err := s.commitAudit(ctx, rec); err != nil {
		return nil, "", beredskap.Wrap("list labour notices", err)
	}
	return notices, next, nil
}

// noticeHeader is the header row of a notice export: what the notice
// needs and nothing else of the traveller. suspected is what was suspected
// from the fixed list; suspicion the operator's words on notices made
// before it.
var noticeHeader = []string{"org_number", "employer_name", "suspected", "suspicion", "municipality", "arrival_date", "created_at"}

// ExportNotices writes the notices f selects to w as CSV or XLSX in
// layout. Needs
// PermViewLabourNotices; audited.
//
// Limit and PageToken are ignored: every notice f selects is written,
// newest first. Filters are checked as LabourNotices checks them; a format
// other than csv and xlsx is EINVALID "format". The notices are read in
// one read-only snapshot into a temporary table, the audit entry
// "followup.notices.export" commits, and only then is anything written to
// w.
func (s *Service) ExportNotices(ctx context.Context, f beredskap.NoticeFilter, format string, layout export.Layout, w io.Writer) error {
	const action = "followup.notices.export"
	a := beredskap.ActorFrom(ctx)
	if !beredskap.Can(a, beredskap.PermViewLabourNotices, "") {
		return s.tx.Deny(ctx, a, action, "labour_notices")
	}
	f.Limit, f.PageToken = beredskap.MaxPageSize, ""
	if err := checkNoticeFilter(&f, false); err != nil {
		return err
	}
	t, err := newTable(format, layout.Word("sheet.notices"), noticeHeader, layout)
	if err != nil {
		return err
	}
	defer t.close()
	var receipts []string
	rows := 0
	err = s.store.ViewFollowUp(ctx, func(ctx context.Context, tx beredskap.FollowUpTx) error {
		page := f
		for {
			notices, next, err := tx.ListLabourNotices(ctx, page)
			if err != nil {
				return err
			}
			for _, n := range notices {
				if err := t.row(noticeRow(n, layout)); err != nil {
					return err
				}
				rows++
			}
			if receipts, err = noticeReceipts(ctx, tx, notices, receipts); err != nil {
				return err
			}
			if next == "" || len(notices) == 0 {
				return nil
			}
			page.PageToken = next
		}
	})
	if err != nil {
		return beredskap.Wrap("export labour notices", err)
	}
	rec := beredskap.RecordFor(a, action, "labour_notices", beredskap.OutcomeOK)
	rec.Subjects = receipts
	f.Limit = 0
	rec.Detail = fmt.Sprintf("format=%s rows=%d %s", format, rows, describeNoticeFilter(f))
	if err := s.commitAudit(ctx, rec); err != nil {
		return beredskap.Wrap("export labour notices", err)
	}
	return beredskap.Wrap("export labour notices", t.finish(w))
}

// noticeRow returns the cells of one notice, what was suspected in the
// layout's words.
func noticeRow(n *beredskap.LabourNotice, layout export.Layout) []any {
	suspected := make([]string, len(n.Suspected))
	for i, k := range n.Suspected {
		suspected[i] = layout.Word("suspected." + string(k))
	}
	return []any{
		n.OrgNumber, n.EmployerName, strings.Join(suspected, "; "), n.Suspicion, n.Municipality,
		export.Day(n.ArrivalDate), export.Instant(n.CreatedAt),
	}
}

// noticeReceipts appends to receipts those of the travellers whose reports
// made the notices, for the audit entry's subjects, read in one query.
func noticeReceipts(ctx context.Context, tx beredskap.FollowUpTx, notices []*beredskap.LabourNotice, receipts []string) ([]string, error) {
	ids := make([]int64, len(notices))
	for i, n := range notices {
		ids[i] = n.ReportID
	}
	reports, err := tx.FindCallReports(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("reports of notices: %w", err)
	}
	byID := make(map[int64]string, len(reports))
	for _, r := range reports {
		byID[r.ID] = r.Receipt
	}
	for _, n := range notices {
		if r, ok := byID[n.ReportID]; ok {
			receipts = append(receipts, r)
		}
	}
	return receipts, nil
}

// checkNoticeFilter checks and tidies f and, when paged, sets its default
// limit. It returns an EINVALID error naming every bad field.
func checkNoticeFilter(f *beredskap.NoticeFilter, paged bool) error {
	var ps beredskap.Problems
	f.OrgNumber = strings.ReplaceAll(strings.TrimSpace(f.OrgNumber), " ", "")
	if f.OrgNumber != "" && !norway.ValidOrgNumber(f.OrgNumber) {
		ps.Add("org_number", "format_org_number", "must be a valid organisation number (nine digits with a valid check digit)")
	}
	if !f.From.IsZero() && !f.To.IsZero() && f.To.Before(f.From) {
		ps.Add("to", "before_from", "must not be before from")
	}
	if paged {
		checkLimit(&ps, &f.Limit)
	}
	return ps.Err()
}

// describeNoticeFilter writes f for an audit entry's Detail.
func describeNoticeFilter(f beredskap.NoticeFilter) string {
	var parts []string
	if f.OrgNumber != "" {
		parts = append(parts, "org_number="+f.OrgNumber)
	}
	if !f.From.IsZero() {
		parts = append(parts, "from="+f.From.UTC().Format(time.RFC3339))
	}
	if !f.To.IsZero() {
		parts = append(parts, "to="+f.To.UTC().Format(time.RFC3339))
	}
	if f.Limit != 0 {
		parts = append(parts, "limit="+strconv.Itoa(f.Limit))
	}
	if f.PageToken != "" {
		parts = append(parts, "page=next")
	}
	return strings.Join(parts, " ")
}
