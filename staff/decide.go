package staff

import (
	"context"
	"strconv"
	"strings"
	"time"

	"beredskap"
	"beredskap/mail"
	"beredskap/norway"
)

// ApproveAccessOrder carries out a pending access order. An order gives
// the person (an existing user, or a new one) a grant of the role in the
// municipality, ending any they held there; a change does the same for
// someone holding access there; a removal ends their grants there, removes
// the user when none remain, and ends their sessions and tokens at once.
// When the person has yet to enrol, an invitation with an enrolment link is
// mailed after the approval commits; a mail failure is logged and audited
// but the approval stands. It needs PermProcessAccessOrders (EFORBIDDEN
// otherwise, audited), returns ENOTFOUND for an unknown id and ECONFLICT
// when the order is not pending or the person no longer holds the access
// a change or removal is about. Audited as "access_order.approve", with
// "user.add", "grant.add" and "grant.end" as fitting.
func (s *Service) ApproveAccessOrder(ctx context.Context, id int64) (*beredskap.AccessOrder, error) {
	a := beredskap.ActorFrom(ctx)
	if !beredskap.Can(a, beredskap.PermProcessAccessOrders, "") {
		return nil, s.tx.Deny(ctx, a, "access_order.approve", orderObject(id))
	}
	now := s.now()
	var o *beredskap.AccessOrder
	var inv *invitation
	err := s.tx.Update(ctx, "approve access order", func(ctx context.Context, tx beredskap.StaffTx) error {
		var err error
		if o, err = tx.FindAccessOrder(ctx, id); err != nil {
			return beredskap.RefuseUserError(err)
		}
		if o.Status != beredskap.OrderPending {
			return beredskap.Refuse(beredskap.Errorf(beredskap.ECONFLICT, "the order is %s, not pending", o.Status))
		}
		u, err := findUser(ctx, tx, o.Email)
		if err != nil {
			return err
		}
		if o.Kind != beredskap.OrderGrant && !holdsAccess(u, o.Municipality, now) {
			return beredskap.Refuse(beredskap.Errorf(beredskap.ECONFLICT, "the person no longer holds access in %s", o.Municipality))
		}
		detail := describeOrder(o)
		switch o.Kind {
		case beredskap.OrderGrant, beredskap.OrderChange:
			if u, err = s.ensureUser(ctx, tx, a, u, o, now); err != nil {
				return err
			}
			if _, err := s.endGrants(ctx, tx, a, u, now, inMunicipality(o.Municipality)); err != nil {
				return err
			}
			g := beredskap.Grant{
				UserID: u.ID, Role: o.Role, Scope: municipalScope(o.Municipality),
				ValidFrom: now, ValidTo: grantEnd(o.ValidTo), Provenance: orderObject(o.ID),
				OrderedBy: o.OrderedBy, ApprovedBy: a.Name(),
			}
			if err := s.addGrant(ctx, tx, a, u, &g); err != nil {
				return err
			}
			if !u.Enrolled() {
				if inv, err = s.newEnrolment(ctx, tx, u, g, o.OrderedBy, now); err != nil {
					return err
				}
				detail += "; enrolment link made"
			}
		case beredskap.OrderRemove:
			if _, err := s.endGrants(ctx, tx, a, u, now, inMunicipality(o.Municipality)); err != nil {
				return err
			}
			if len(u.ValidGrants(now)) == 0 {
				u.Status = beredskap.UserRemoved
				if err := tx.UpdateUser(ctx, u); err != nil {
					return err
				}
				detail += "; user removed"
			}
			cut, err := cutOff(ctx, tx, u.ID, now)
			if err != nil {
				return err
			}
			detail += "; " + cut
		}
		o.Status, o.DecidedBy, o.UserID, o.UpdatedAt = beredskap.OrderApproved, a.Name(), u.ID, now
		if err := tx.UpdateAccessOrder(ctx, o); err != nil {
			return err
		}
		rec := beredskap.RecordFor(a, "access_order.approve", orderObject(o.ID), beredskap.OutcomeOK)
		rec.Detail = detail
		return beredskap.AppendAudit(ctx, tx, rec)
	})
	if err != nil {
		return nil, err
	}
	if inv != nil {
		_ = s.sendInvitation(ctx, a, inv) // logged and audited; the approval stands
	}
	return o, nil
}

// ensureUser returns u, made active again when removed, or a new user
// made from the order when u is nil; either is audited as "user.add". A
// removed user made active again must enrol anew: their old password,
// TOTP secret and recovery codes are cleared, so that credentials from
// before the removal never open the account again.
func (s *Service) ensureUser(ctx context.Context, tx beredskap.StaffTx, a *beredskap.Actor, u *beredskap.User, o *beredskap.AccessOrder, now time.Time) (*beredskap.User, error) {
	if u != nil && u.Status == beredskap.UserActive {
		return u, nil
	}
	if u != nil {
		u.Status = beredskap.UserActive
		u.PasswordHash, u.TOTPSecret, u.TOTPLastStep = "", "", 0
		if err := tx.UpdateUser(ctx, u); err != nil {
			return nil, err
		}
		if err := tx.ReplaceRecoveryCodes(ctx, u.ID, nil); err != nil {
			return nil, err
		}
		rec := beredskap.RecordFor(a, "user.add", userObject(u), beredskap.OutcomeOK)
		rec.Detail = "made active again by " + orderObject(o.ID)
		return u, beredskap.AppendAudit(ctx, tx, rec)
	}
	org := ""
	if m, ok := norway.MunicipalityAt(o.Municipality, now); ok {
		org = m.Name + " kommune"
	}
	u = &beredskap.User{
		Email: o.Email, FirstName: o.FirstName, LastName: o.LastName, Mobile: o.Mobile,
		Organisation: org, Position: o.Position, Status: beredskap.UserActive, CreatedAt: now,
	}
	if err := tx.CreateUser(ctx, u); err != nil {
		return nil, err
	}
	rec := beredskap.RecordFor(a, "user.add", userObject(u), beredskap.OutcomeOK)
	rec.Detail = "provenance " + orderObject(o.ID)
	return u, beredskap.AppendAudit(ctx, tx, rec)
}

// RejectAccessOrder rejects an open access order with a reason, and mails
// whoever filed it (with the officer on copy for a self-filed order). It
// needs PermProcessAccessOrders (EFORBIDDEN otherwise, audited), returns
// EINVALID on "reason" when it is missing or over 1000 characters,
// ENOTFOUND for an unknown id and ECONFLICT for an order that is not open.
// Audited as "access_order.reject".
func (s *Service) RejectAccessOrder(ctx context.Context, id int64, reason string) (*beredskap.AccessOrder, error) {
	a := beredskap.ActorFrom(ctx)
	if !beredskap.Can(a, beredskap.PermProcessAccessOrders, "") {
		return nil, s.tx.Deny(ctx, a, "access_order.reject", orderObject(id))
	}
	reason, err := checkReason(reason, true)
	if err != nil {
		return nil, err
	}
	now := s.now()
	var o *beredskap.AccessOrder
	err = s.tx.Update(ctx, "reject access order", func(ctx context.Context, tx beredskap.StaffTx) error {
		var err error
		if o, err = tx.FindAccessOrder(ctx, id); err != nil {
			return beredskap.RefuseUserError(err)
		}
		if !o.Status.Open() {
			return beredskap.Refuse(beredskap.Errorf(beredskap.ECONFLICT, "the order is %s already", o.Status))
		}
		o.Status, o.Reason, o.DecidedBy, o.UpdatedAt = beredskap.OrderRejected, reason, a.Name(), now
		if err := tx.UpdateAccessOrder(ctx, o); err != nil {
			return err
		}
		rec := beredskap.RecordFor(a, "access_order.reject", orderObject(o.ID), beredskap.OutcomeOK)
		rec.Detail = describeOrder(o) + "; reason: " + reason
		return beredskap.AppendAudit(ctx, tx, rec)
	})
	if err != nil {
		return nil, err
	}
	s.noticeRejected(ctx, a, o, now)
	return o, nil
}

// noticeRejected mails the rejection of o to whoever filed it, when that
// is an e-mail address; failures are logged and audited.
func (s *Service) noticeRejected(ctx context.Context, a *beredskap.Actor, o *beredskap.AccessOrder, now time.Time) {
	if !strings.Contains(o.OrderedBy, "@") {
		return
	}
	subject, text, err := s.mailText("rejected", mailData{Name: o.FirstName + " " + o.LastName, Email: o.Email,
		Role: o.Role, Kind: o.Kind, Scope: municipalScope(o.Municipality), Reason: o.Reason}, now)
	if err != nil {
		s.logger.ErrorContext(ctx, "staff: write mail", "mail", "rejected", "err", err)
		return
	}
	m := mail.Message{To: []string{o.OrderedBy}, Subject: subject, Text: text}
	if o.SelfFiled && o.OfficerEmail != "" && o.OfficerEmail != o.OrderedBy {
		m.Cc = []string{o.OfficerEmail}
	}
	_ = s.sendAudited(ctx, a, m, "notice.send", orderObject(o.ID), "rejection to "+o.OrderedBy+", order "+strconv.FormatInt(o.ID, 10))
}
