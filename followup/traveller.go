package followup

import (
	"context"
	"time"

	"beredskap"
)

// Timeline is everything about one followed-up traveller, for the
// traveller page of the control centre and the municipality.
type Timeline struct {
	Registration *beredskap.StoredRegistration
	Plan         *beredskap.FollowUpPlan
	SMS          []*beredskap.SMSMessage
	Reports      []*beredskap.CallReport
	Events       []Event // oldest first
}

// Event is one line of a timeline.
type Event struct {
	At   time.Time
	Kind string // registered, decided, planned, sms_queued, sms_sent, sms_delivered, sms_failed, call_report, correction, notice, ended
	// Detail is a short English summary; pages translate by Kind and show
	// Detail only where it is data (a template key, an outcome).
	Detail string
	Ref    int64 // the SMS or report ID, if any
}

// Traveller returns the timeline of the receipt. Municipal roles see only
// their municipality's travellers (ENOTFOUND otherwise), the control centre
// all. Needs PermViewReports or PermFollowUp; audited.
func (s *Service) Traveller(ctx context.Context, receipt string) (*Timeline, error) {
	return nil, errNotBuilt
}
