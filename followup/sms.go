package followup

import (
	"context"

	"beredskap"
)

// Preview is an SMS as it would be sent: the text, its encoding and
// segments, and the language used with a warning when the one asked for
// has no template.
type Preview struct {
	Body     string
	Encoding string
	Segments int
	Language string
	// FellBack is set when the traveller's language has no template and
	// English (or bokmål) was used instead.
	FellBack bool
}

// PreviewSMS renders the template key for the plan's traveller, in
// language ("" for the traveller's own). Needs PermFollowUp; audited.
func (s *Service) PreviewSMS(ctx context.Context, planID int64, key, language string) (*Preview, error) {
	return nil, errNotBuilt
}

// SendSMS puts an ad-hoc SMS from the template key on the outbox for the
// plan's traveller, in the same transaction as its audit entry. Needs
// PermFollowUp; audited.
func (s *Service) SendSMS(ctx context.Context, planID int64, key, language string) (*beredskap.SMSMessage, error) {
	return nil, errNotBuilt
}

// Templates returns every template, the built-in ones where none is
// stored. Needs PermFollowUp.
func (s *Service) Templates(ctx context.Context) ([]*beredskap.SMSTemplate, error) {
	return nil, errNotBuilt
}

// SaveTemplate stores a template; an unknown placeholder or language is
// EINVALID. Needs PermManageTemplates; audited.
func (s *Service) SaveTemplate(ctx context.Context, t beredskap.SMSTemplate) error {
	return errNotBuilt
}
