package followup

import (
	"context"

	"beredskap"
)

// DigestPref returns the actor's digest preference (off when never set).
// Needs PermViewReports.
func (s *Service) DigestPref(ctx context.Context) (*beredskap.DigestPref, error) {
	return nil, errNotBuilt
}

// SetDigest sets the actor's digest mode. Needs PermViewReports; audited.
func (s *Service) SetDigest(ctx context.Context, mode beredskap.DigestMode) error {
	return errNotBuilt
}

// SendDigests mails every user whose digest is due the reports of their
// municipality since the last one: immediate users their suspected
// breaches at once, daily users everything once a day. It returns how many
// e-mails it sent.
func (s *Service) SendDigests(ctx context.Context) (int, error) {
	return 0, errNotBuilt
}

// RunDigests sends digests when woken by a report and every minute, until
// ctx ends.
func (s *Service) RunDigests(ctx context.Context) {}
