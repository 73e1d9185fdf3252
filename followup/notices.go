package followup

import (
	"context"
	"io"

	"beredskap"
)

// LabourNotices returns notices newest first and the next page's token.
// Needs PermViewLabourNotices; audited.
func (s *Service) LabourNotices(ctx context.Context, f beredskap.NoticeFilter) ([]*beredskap.LabourNotice, string, error) {
	return nil, "", errNotBuilt
}

// ExportNotices writes the notices f selects to w as CSV or XLSX. Needs
// PermViewLabourNotices; audited.
func (s *Service) ExportNotices(ctx context.Context, f beredskap.NoticeFilter, format string, w io.Writer) error {
	return errNotBuilt
}
