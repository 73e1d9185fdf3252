package staff

import (
	"context"
	"strconv"
	"time"

	"beredskap"
)

// errEnrolled is the refusal of an enrolment link for an account that has
// a password and TOTP: a link never changes them (ResetCredentials does).
func errEnrolled() error {
	return &beredskap.Error{Code: beredskap.ECONFLICT, Reason: "enrolled",
		Message: "the user has set up their login already; reset it to send a new invitation"}
}

// linkable returns the user with the id and the grant an enrolment link
// names, or ECONFLICT when the user is removed, holds no grant in force, or
// (unless reset) is enrolled already.
func linkable(ctx context.Context, tx beredskap.StaffTx, userID int64, now time.Time) (*beredskap.User, beredskap.Grant, error) {
	u, err := tx.FindUser(ctx, userID)
	if err != nil {
		return nil, beredskap.Grant{}, err
	}
	grants := u.ValidGrants(now)
	if u.Status != beredskap.UserActive || len(grants) == 0 {
		return nil, beredskap.Grant{}, beredskap.Errorf(beredskap.ECONFLICT, "the user holds no access in force")
	}
	if u.Enrolled() {
		return nil, beredskap.Grant{}, errEnrolled()
	}
	return u, grants[len(grants)-1], nil
}

// ResendInvitation makes a new enrolment link for a user who has not
// enrolled, mails it to them, and ends every earlier link of theirs. It
// needs PermManageUsers (EFORBIDDEN otherwise, audited), returns ENOTFOUND
// for an unknown id and ECONFLICT for a removed user, one without a grant
// in force, or one enrolled already (reason "enrolled": that takes
// ResetCredentials). A mail failure is returned after being logged and
// audited.
func (s *Service) ResendInvitation(ctx context.Context, userID int64) error {
	a := beredskap.ActorFrom(ctx)
	object := "user:" + strconv.FormatInt(userID, 10)
	if !beredskap.Can(a, beredskap.PermManageUsers, "") {
		return s.tx.Deny(ctx, a, "invitation.send", object)
	}
	now := s.now()
	var inv *invitation
	err := s.tx.Update(ctx, "resend invitation", func(ctx context.Context, tx beredskap.StaffTx) error {
		u, g, err := linkable(ctx, tx, userID, now)
		if err != nil {
			return beredskap.RefuseUserError(err)
		}
		orderedBy := g.OrderedBy
		if orderedBy == "" {
			orderedBy = a.Name()
		}
		inv, err = s.newEnrolment(ctx, tx, u, g, orderedBy, now)
		return err
	})
	if err != nil {
		return err
	}
	return s.sendInvitation(ctx, a, inv)
}

// NewEnrolmentLink makes a new enrolment link for a user who has not
// enrolled, ends every earlier link of theirs, and returns it with its
// expiry, for the command line to hand over instead of a mail. It needs
// PermManageUsers (EFORBIDDEN otherwise, audited), returns ENOTFOUND for an
// unknown id and ECONFLICT for a removed user, one without a grant in
// force, or one enrolled already (reason "enrolled"). Audited as
// "enrolment.create" (without the link).
func (s *Service) NewEnrolmentLink(ctx context.Context, userID int64) (string, time.Time, error) {
	a := beredskap.ActorFrom(ctx)
	object := "user:" + strconv.FormatInt(userID, 10)
	if !beredskap.Can(a, beredskap.PermManageUsers, "") {
		return "", time.Time{}, s.tx.Deny(ctx, a, "enrolment.create", object)
	}
	now := s.now()
	var inv *invitation
	err := s.tx.Update(ctx, "new enrolment link", func(ctx context.Context, tx beredskap.StaffTx) error {
		u, g, err := linkable(ctx, tx, userID, now)
		if err != nil {
			return beredskap.RefuseUserError(err)
		}
		if inv, err = s.newEnrolment(ctx, tx, u, g, a.Name(), now); err != nil {
			return err
		}
		rec := beredskap.RecordFor(a, "enrolment.create", object, beredskap.OutcomeOK)
		rec.Detail = "link handed out directly, valid until " + inv.ExpiresAt.Format(time.RFC3339)
		return beredskap.AppendAudit(ctx, tx, rec)
	})
	if err != nil {
		return "", time.Time{}, err
	}
	return inv.Link, inv.ExpiresAt, nil
}

// ResetCredentials clears the password, TOTP secret and recovery codes of
// a user, ends their sessions, API tokens and enrolment links, and mails
// them a new enrolment link, all but the mail in one transaction: for a
// lost phone or a forgotten password. The reason is required. It needs
// PermManageUsers (EFORBIDDEN otherwise, audited), returns EINVALID on
// "reason", ENOTFOUND for an unknown id and ECONFLICT for a removed user
// or one without a grant in force. A mail failure is returned after being
// logged and audited; the reset stands. Audited as "user.credentials_reset".
func (s *Service) ResetCredentials(ctx context.Context, userID int64, reason string) error {
	a := beredskap.ActorFrom(ctx)
	object := "user:" + strconv.FormatInt(userID, 10)
	if !beredskap.Can(a, beredskap.PermManageUsers, "") {
		return s.tx.Deny(ctx, a, "user.credentials_reset", object)
	}
	reason, err := checkReason(reason, true)
	if err != nil {
		return err
	}
	now := s.now()
	var inv *invitation
	err = s.tx.Update(ctx, "reset credentials", func(ctx context.Context, tx beredskap.StaffTx) error {
		u, err := tx.FindUser(ctx, userID)
		if err != nil {
			return beredskap.RefuseUserError(err)
		}
		grants := u.ValidGrants(now)
		if u.Status != beredskap.UserActive || len(grants) == 0 {
			return beredskap.Refuse(beredskap.Errorf(beredskap.ECONFLICT, "the user holds no access in force"))
		}
		u.PasswordHash, u.TOTPSecret, u.TOTPLastStep = "", "", 0
		if err := tx.UpdateUser(ctx, u); err != nil {
			return err
		}
		if err := tx.ReplaceRecoveryCodes(ctx, u.ID, nil); err != nil {
			return err
		}
		cut, err := cutOff(ctx, tx, u.ID, now)
		if err != nil {
			return err
		}
		g := grants[len(grants)-1]
		if inv, err = s.newEnrolment(ctx, tx, u, g, a.Name(), now); err != nil {
			return err
		}
		rec := beredskap.RecordFor(a, "user.credentials_reset", object, beredskap.OutcomeOK)
		rec.Detail = "password, TOTP and recovery codes cleared; " + cut + "; new enrolment link; reason: " + reason
		return beredskap.AppendAudit(ctx, tx, rec)
	})
	if err != nil {
		return err
	}
	return s.sendInvitation(ctx, a, inv)
}
