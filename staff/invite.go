package staff

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"beredskap"
	"beredskap/auth"
	"beredskap/mail"
)

// invitation is an enrolment link made in a transaction, to be mailed
// after it commits. Link holds the secret and is never logged or audited.
type invitation struct {
	UserID    int64
	To        string
	Name      string
	OrderedBy string
	Role      beredskap.Role
	Scope     beredskap.Scope
	Link      string
	ExpiresAt time.Time
}

// newEnrolment stores a new enrolment link for u, ending every earlier
// link of theirs (one live link per user), and returns the invitation that
// carries it, for the grant g ordered by orderedBy.
func (s *Service) newEnrolment(ctx context.Context, tx beredskap.StaffTx, u *beredskap.User, g beredskap.Grant, orderedBy string, now time.Time) (*invitation, error) {
	if _, err := tx.RevokeEnrolments(ctx, u.ID, now); err != nil {
		return nil, err
	}
	token, hash := auth.NewSecret()
	e := &beredskap.Enrolment{Hash: hash, UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(s.cfg.EnrolmentTTL)}
	if err := tx.CreateEnrolment(ctx, e); err != nil {
		return nil, err
	}
	return &invitation{
		UserID: u.ID, To: u.Email, Name: u.Name(), OrderedBy: orderedBy, Role: g.Role, Scope: g.Scope,
		Link: s.cfg.BaseURL + "/enrol/" + token, ExpiresAt: e.ExpiresAt,
	}, nil
}

// sendInvitation mails inv and audits the sending as "invitation.send",
// outcome ok or failed. A failure is logged, without the link, and
// returned.
func (s *Service) sendInvitation(ctx context.Context, a *beredskap.Actor, inv *invitation) error {
	subject, text, err := s.mailText("invitation", mailData{Name: inv.Name, Email: inv.To, OrderedBy: inv.OrderedBy,
		Role: inv.Role, Kind: beredskap.OrderGrant, Scope: inv.Scope, Link: inv.Link, ExpiresAt: inv.ExpiresAt}, s.now())
	if err != nil {
		return beredskap.Wrap("send invitation", err)
	}
	m := mail.Message{To: []string{inv.To}, Subject: subject, Text: text}
	detail := "enrolment link to " + inv.To + ", valid until " + inv.ExpiresAt.UTC().Format(time.RFC3339)
	return s.sendAudited(ctx, a, m, "invitation.send", "user:"+strconv.FormatInt(inv.UserID, 10), detail)
}

// errNoSender is the failure of sending mail from a service made without
// a sender (the command line).
var errNoSender = errors.New("no mail sender configured")

// sendAudited sends m and audits it as action on object with detail,
// outcome ok or failed, in a transaction of its own. A failure to send is
// logged and returned.
func (s *Service) sendAudited(ctx context.Context, a *beredskap.Actor, m mail.Message, action, object, detail string) error {
	sendErr := errNoSender
	if s.mail != nil {
		sendErr = s.mail.Send(ctx, m)
	}
	outcome := beredskap.OutcomeOK
	if sendErr != nil {
		outcome = beredskap.OutcomeFailed
		detail += "; sending failed"
		s.logger.ErrorContext(ctx, "staff: send mail", "action", action, "object", object, "err", sendErr)
	}
	rec := beredskap.RecordFor(a, action, object, outcome)
	rec.Detail = detail
	if err := s.store.Update(ctx, func(ctx context.Context, tx beredskap.StaffTx) error {
		return beredskap.AppendAudit(ctx, tx, rec)
	}); err != nil {
		return beredskap.Wrap(action, err)
	}
	if sendErr != nil {
		return fmt.Errorf("%s: %w", action, sendErr)
	}
	return nil
}
