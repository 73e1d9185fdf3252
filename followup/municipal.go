package followup

import (
	"context"
	"io"

	"beredskap"
)

// ListTravellers returns the followed-up travellers of f.Municipality (the
// actor's own for municipal roles when empty) and the next page's token.
// Another municipality is EFORBIDDEN. Needs PermViewReports; audited.
func (s *Service) ListTravellers(ctx context.Context, f beredskap.ReportFilter) ([]*beredskap.FollowUpPlan, string, error) {
	return nil, "", errNotBuilt
}

// Export formats.
const (
	FormatCSV  = "csv"
	FormatXLSX = "xlsx"
)

// Export writes every traveller f selects (ignoring Limit and PageToken)
// to w as CSV or XLSX, with the follow-up code lists of RULES.md as
// columns. Needs PermViewReports; audited.
func (s *Service) Export(ctx context.Context, f beredskap.ReportFilter, format string, w io.Writer) error {
	return errNotBuilt
}

// Stats returns the chart numbers of the municipality over the days
// from..to (YYYY-MM-DD). Needs PermViewReports; audited.
func (s *Service) Stats(ctx context.Context, municipality, from, to string) (*beredskap.FollowUpStats, error) {
	return nil, errNotBuilt
}
