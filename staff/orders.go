package staff

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"beredskap"
	"beredskap/mail"
)

// orderObject returns the audit object of an access order.
func orderObject(id int64) string { return "access_order:" + strconv.FormatInt(id, 10) }

// municipalityObject returns the audit object of a municipality named in
// a request, keeping anything that is not a municipality number out.
func municipalityObject(code string) string {
	if len(code) != 4 {
		return "municipality:invalid"
	}
	for _, c := range code {
		if c < '0' || c > '9' {
			return "municipality:invalid"
		}
	}
	return "municipality:" + code
}

// describeOrder writes an order for an audit entry's Detail.
func describeOrder(o *beredskap.AccessOrder) string {
	d := fmt.Sprintf("%s %s in %s for %s", o.Kind, o.Role, o.Municipality, o.Email)
	if o.ValidTo != nil {
		d += " to " + o.ValidTo.Format(time.DateOnly)
	}
	return d
}

// inMunicipality returns a test for grants scoped to the municipality.
func inMunicipality(code string) func(beredskap.Grant) bool {
	return func(g beredskap.Grant) bool {
		return g.Scope.Kind == beredskap.ScopeMunicipality && g.Scope.Code == code
	}
}

// holdsAccess reports whether u is active with a grant in force in the
// municipality.
func holdsAccess(u *beredskap.User, municipality string, now time.Time) bool {
	if u == nil || u.Status != beredskap.UserActive {
		return false
	}
	for _, g := range u.ValidGrants(now) {
		if inMunicipality(municipality)(g) {
			return true
		}
	}
	return false
}

// findUser returns the user with the e-mail, or nil when there is none.
func findUser(ctx context.Context, tx beredskap.StaffTx, email string) (*beredskap.User, error) {
	u, err := tx.FindUserByEmail(ctx, email)
	if beredskap.ErrorCode(err) == beredskap.ENOTFOUND {
		return nil, nil
	}
	return u, err
}

// checkHolder returns EINVALID on "email" (reason "unknown_user") when a
// change or removal names a person without access in the municipality.
// The refusal is returned through beredskap.Refuse.
func checkHolder(ctx context.Context, tx beredskap.StaffTx, o *beredskap.AccessOrder, now time.Time) error {
	if o.Kind == beredskap.OrderGrant {
		return nil
	}
	u, err := findUser(ctx, tx, o.Email)
	if err != nil {
		return err
	}
	if !holdsAccess(u, o.Municipality, now) {
		return beredskap.Refuse(beredskap.Invalid("email", "unknown_user", "this person holds no access in the municipality"))
	}
	return nil
}

// OrderAccess files an access order from the municipal officer of
// in.Municipality (their own when empty), pending for the access
// administrators. Ordering for another municipality is EFORBIDDEN,
// audited as denied. It returns EINVALID listing every field problem
// (a change or removal for someone without access there is "unknown_user"
// on "email"), and ECONFLICT when an order for the same person and
// municipality is open. Audited as "access_order.create".
func (s *Service) OrderAccess(ctx context.Context, in OrderInput) (*beredskap.AccessOrder, error) {
	a := beredskap.ActorFrom(ctx)
	if in.Municipality == "" {
		in.Municipality = a.Municipality()
	}
	if !beredskap.Can(a, beredskap.PermOrderAccess, in.Municipality) {
		return nil, s.tx.Deny(ctx, a, "access_order.create", municipalityObject(in.Municipality))
	}
	now := s.now()
	o, err := validateOrder(in, now, false)
	if err != nil {
		return nil, err
	}
	o.Status, o.OrderedBy = beredskap.OrderPending, a.Name()
	err = s.tx.Update(ctx, "order access", func(ctx context.Context, tx beredskap.StaffTx) error {
		if err := checkHolder(ctx, tx, o, now); err != nil {
			return err
		}
		if err := tx.CreateAccessOrder(ctx, o); err != nil {
			return err
		}
		rec := beredskap.RecordFor(a, "access_order.create", orderObject(o.ID), beredskap.OutcomeOK)
		rec.Detail = describeOrder(o)
		return beredskap.AppendAudit(ctx, tx, rec)
	})
	if err != nil {
		return nil, err
	}
	return o, nil
}

// RequestAccess files an access order from the employee themselves, with
// their municipal officer (in.OfficerEmail) on copy; it waits for the
// officer's confirmation, and the officer is mailed a copy with a link to
// it. Anonymous callers may file, limited per client address like logins
// (EUNAUTHORIZED reason "rate_limited"). It returns EINVALID listing every
// problem of the form itself. Whether the person named is the
// municipality's officer, whether the employee holds access there (for a
// change or removal) and whether an order for them is open already are
// not told, so that no one learns who has an account: the answer is nil
// as when the order is filed, but nothing is filed and no mail sent. The
// officer's copy is sent after the answer (see Wait), so that the answer
// takes no longer for a filed request than for a refused one. Every
// request is audited as "access_order.request", a refused one with why.
func (s *Service) RequestAccess(ctx context.Context, in OrderInput) error {
	a := beredskap.ActorFrom(ctx)
	now := s.now()
	err := s.tx.Update(ctx, "request access", func(ctx context.Context, tx beredskap.StaffTx) error {
		over, err := s.overAddressLimit(ctx, tx, attemptRequest, a.Address, now)
		if err != nil || !over {
			return err
		}
		rec := beredskap.RecordFor(a, "access_order.request", "access_orders", beredskap.OutcomeDenied)
		rec.Detail = "rate_limited"
		return beredskap.AuditRefusal(ctx, tx, rec, errRateLimited())
	})
	if err != nil {
		return err
	}
	o, err := validateOrder(in, now, true)
	if err != nil {
		return err
	}
	o.Status, o.SelfFiled, o.OrderedBy = beredskap.OrderAwaitingConfirmation, true, o.Email
	filed := false
	err = s.tx.Update(ctx, "request access", func(ctx context.Context, tx beredskap.StaffTx) error {
		refused := func(why string) error {
			rec := beredskap.RecordFor(a, "access_order.request", "access_orders", beredskap.OutcomeDenied)
			rec.Detail = describeOrder(o) + "; officer " + o.OfficerEmail + "; not filed: " + why
			return beredskap.AppendAudit(ctx, tx, rec)
		}
		officer, err := findUser(ctx, tx, o.OfficerEmail)
		if err != nil {
			return err
		}
		if !isOfficer(officer, o.Municipality, now) {
			return refused("not the municipality's officer")
		}
		if err := checkHolder(ctx, tx, o, now); beredskap.ErrorCode(err) == beredskap.EINVALID {
			return refused("holds no access in the municipality")
		} else if err != nil {
			return err
		}
		if err := tx.CreateAccessOrder(ctx, o); beredskap.ErrorCode(err) == beredskap.ECONFLICT {
			return refused("an order for the person is open")
		} else if err != nil {
			return err
		}
		filed = true
		rec := beredskap.RecordFor(a, "access_order.request", orderObject(o.ID), beredskap.OutcomeOK)
		rec.Detail = describeOrder(o) + "; filed by the person, officer " + o.OfficerEmail
		return beredskap.AppendAudit(ctx, tx, rec)
	})
	if err != nil || !filed {
		return beredskap.Wrap("request access", err)
	}
	subject, text, err := s.mailText("confirm", mailData{Name: o.FirstName + " " + o.LastName, Email: o.Email,
		Role: o.Role, Kind: o.Kind, Scope: municipalScope(o.Municipality),
		Link: s.cfg.BaseURL + "/staff/access-orders/" + strconv.FormatInt(o.ID, 10), ServiceNeed: o.ServiceNeed}, now)
	if err != nil {
		s.logger.ErrorContext(ctx, "staff: write mail", "mail", "confirm", "err", err)
		return nil
	}
	// The copy is sent after the answer, so that a filed request answers
	// as soon as a refused one (which sends nothing): the time the mail
	// server takes would otherwise tell who holds an account.
	m := mail.Message{To: []string{o.OfficerEmail}, Cc: []string{o.Email}, Subject: subject, Text: text}
	object, detail := orderObject(o.ID), "copy to officer "+o.OfficerEmail
	s.afterAnswer(ctx, func(ctx context.Context) {
		_ = s.sendAudited(ctx, a, m, "notice.send", object, detail) // logged and audited
	})
	return nil
}

// afterAnswer runs fn in a goroutine of its own, with ctx's values but
// not its cancellation, so that the caller answers without waiting for
// it. Wait waits for every such fn.
func (s *Service) afterAnswer(ctx context.Context, fn func(context.Context)) {
	s.background.Add(1)
	go func() {
		defer s.background.Done()
		fn(context.WithoutCancel(ctx))
	}()
}

// Wait waits for the work the service does after answering (the mail
// of self-filed access requests) to end. Call it before closing the
// store.
func (s *Service) Wait() { s.background.Wait() }

// municipalScope returns the scope of a municipality.
func municipalScope(code string) beredskap.Scope {
	return beredskap.Scope{Kind: beredskap.ScopeMunicipality, Code: code}
}

// isOfficer reports whether u is active and the municipal officer of the
// municipality now.
func isOfficer(u *beredskap.User, municipality string, now time.Time) bool {
	if u == nil || u.Status != beredskap.UserActive {
		return false
	}
	for _, g := range u.ValidGrants(now) {
		if g.Role == beredskap.RoleMunicipalOfficer && inMunicipality(municipality)(g) {
			return true
		}
	}
	return false
}

// ConfirmAccessOrder confirms an order an employee filed, making it
// pending for the access administrators. It needs PermConfirmAccessOrder
// for the order's municipality: roles without it anywhere get EFORBIDDEN
// (audited), an officer of another municipality ENOTFOUND. An order not
// awaiting confirmation is ECONFLICT. Audited as "access_order.confirm".
func (s *Service) ConfirmAccessOrder(ctx context.Context, id int64) (*beredskap.AccessOrder, error) {
	a := beredskap.ActorFrom(ctx)
	if !beredskap.Can(a, beredskap.PermConfirmAccessOrder, a.Municipality()) {
		return nil, s.tx.Deny(ctx, a, "access_order.confirm", orderObject(id))
	}
	now := s.now()
	var o *beredskap.AccessOrder
	err := s.tx.Update(ctx, "confirm access order", func(ctx context.Context, tx beredskap.StaffTx) error {
		var err error
		if o, err = tx.FindAccessOrder(ctx, id); err != nil {
			return beredskap.RefuseUserError(err)
		}
		if !beredskap.Can(a, beredskap.PermConfirmAccessOrder, o.Municipality) {
			o = nil
			rec := beredskap.RecordFor(a, "access_order.confirm", orderObject(id), beredskap.OutcomeNotFound)
			return beredskap.AuditRefusal(ctx, tx, rec, beredskap.NotFound("access order"))
		}
		if o.Status != beredskap.OrderAwaitingConfirmation {
			return beredskap.Refuse(beredskap.Errorf(beredskap.ECONFLICT, "the order is %s, not awaiting confirmation", o.Status))
		}
		o.Status, o.ConfirmedBy, o.UpdatedAt = beredskap.OrderPending, a.Name(), now
		if err := tx.UpdateAccessOrder(ctx, o); err != nil {
			return err
		}
		rec := beredskap.RecordFor(a, "access_order.confirm", orderObject(id), beredskap.OutcomeOK)
		rec.Detail = describeOrder(o)
		return beredskap.AppendAudit(ctx, tx, rec)
	})
	if err != nil {
		return nil, err
	}
	return o, nil
}

// orderView returns the municipality an actor's view of access orders is
// limited to ("" for all), and false when they may see none.
func orderView(a *beredskap.Actor) (string, bool) {
	if beredskap.Can(a, beredskap.PermViewAccessOrders, "") {
		return "", true
	}
	if m := a.Municipality(); m != "" && beredskap.Can(a, beredskap.PermViewAccessOrders, m) {
		return m, true
	}
	return "", false
}

// ListAccessOrders returns access orders matching f, newest first, and the
// next page's token. Access administrators see all; municipal officers see
// their own municipality whatever f asks; others get EFORBIDDEN, audited.
func (s *Service) ListAccessOrders(ctx context.Context, f beredskap.AccessOrderFilter) ([]*beredskap.AccessOrder, string, error) {
	a := beredskap.ActorFrom(ctx)
	m, ok := orderView(a)
	if !ok {
		return nil, "", s.tx.Deny(ctx, a, "access_order.list", "access_orders")
	}
	if m != "" {
		f.Municipality = m
	}
	var orders []*beredskap.AccessOrder
	var next string
	err := s.store.View(ctx, func(ctx context.Context, tx beredskap.StaffTx) error {
		var err error
		orders, next, err = tx.ListAccessOrders(ctx, f)
		return err
	})
	if err != nil {
		return nil, "", beredskap.Wrap("list access orders", err)
	}
	return orders, next, nil
}

// GetAccessOrder returns the access order with the id and its history,
// the audit entries about it, oldest first. Visibility is that of
// ListAccessOrders: an order of another municipality is ENOTFOUND, and
// roles that see no orders get EFORBIDDEN, audited.
func (s *Service) GetAccessOrder(ctx context.Context, id int64) (*beredskap.AccessOrder, []*beredskap.AuditEntry, error) {
	a := beredskap.ActorFrom(ctx)
	m, ok := orderView(a)
	if !ok {
		return nil, nil, s.tx.Deny(ctx, a, "access_order.read", orderObject(id))
	}
	var o *beredskap.AccessOrder
	var history []*beredskap.AuditEntry
	err := s.store.View(ctx, func(ctx context.Context, tx beredskap.StaffTx) error {
		var err error
		if o, err = tx.FindAccessOrder(ctx, id); err != nil {
			return err
		}
		if m != "" && o.Municipality != m {
			return beredskap.NotFound("access order")
		}
		history, _, err = tx.SearchAudit(ctx, beredskap.AuditFilter{Object: orderObject(id), Limit: beredskap.MaxPageSize})
		return err
	})
	if err != nil {
		return nil, nil, beredskap.Wrap("get access order", err)
	}
	return o, history, nil
}
