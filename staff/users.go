package staff

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"beredskap"
	"beredskap/auth"
)

// AddUser creates a user with one grant, in force from now, and returns it
// with the grant. With n.Password and n.TOTPSecret the user may log in at
// once; without, they need an enrolment link (ResendInvitation). It needs
// PermManageUsers (EFORBIDDEN otherwise, audited), returns EINVALID listing
// every field problem, and ECONFLICT on "email" when the e-mail is taken.
// Audited as "user.add" and "grant.add".
func (s *Service) AddUser(ctx context.Context, n NewUser) (*beredskap.User, error) {
	a := beredskap.ActorFrom(ctx)
	if !beredskap.Can(a, beredskap.PermManageUsers, "") {
		return nil, s.tx.Deny(ctx, a, "user.add", "users")
	}
	now := s.now()
	n, err := validateNewUser(n, now)
	if err != nil {
		return nil, err
	}
	var hash string
	if n.Password != "" {
		if hash, err = s.hashPassword(ctx, n.Password); err != nil {
			return nil, beredskap.Wrap("add user: hash password", err)
		}
	}
	n.TOTPSecret = strings.TrimSpace(n.TOTPSecret)
	if n.TOTPSecret != "" {
		if !auth.TOTPSecretStrong(n.TOTPSecret, minTOTPSecretBytes) {
			return nil, beredskap.Invalid("totp_secret", "format_totp_secret", "must be a base32 TOTP secret of at least 160 bits")
		}
	}
	if n.Provenance == "" {
		n.Provenance = "cli"
	}
	u := &beredskap.User{
		Email: n.Email, FirstName: n.FirstName, LastName: n.LastName, Mobile: n.Mobile,
		NationalID: n.NationalID, Organisation: n.Organisation, Position: n.Position,
		Status: beredskap.UserActive, PasswordHash: hash, TOTPSecret: n.TOTPSecret, CreatedAt: now,
	}
	err = s.tx.Update(ctx, "add user", func(ctx context.Context, tx beredskap.StaffTx) error {
		err := tx.CreateUser(ctx, u)
		if beredskap.ErrorCode(err) == beredskap.ECONFLICT {
			return beredskap.Refuse(errEmailTaken())
		} else if err != nil {
			return err
		}
		rec := beredskap.RecordFor(a, "user.add", userObject(u), beredskap.OutcomeOK)
		rec.Detail = "provenance " + n.Provenance
		if err := beredskap.AppendAudit(ctx, tx, rec); err != nil {
			return err
		}
		g := beredskap.Grant{
			UserID: u.ID, Role: n.Role, Scope: n.Scope, ValidFrom: now, ValidTo: n.ValidTo,
			Provenance: n.Provenance, OrderedBy: n.OrderedBy, ApprovedBy: a.Name(),
		}
		return s.addGrant(ctx, tx, a, u, &g)
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

func errEmailTaken() error {
	return &beredskap.Error{Code: beredskap.ECONFLICT, Field: "email", Reason: "email_taken",
		Message: "a user with this e-mail exists already"}
}

// addGrant stores g for u, appends it to u.Grants and audits "grant.add".
func (s *Service) addGrant(ctx context.Context, tx beredskap.StaffTx, a *beredskap.Actor, u *beredskap.User, g *beredskap.Grant) error {
	if err := tx.AddGrant(ctx, g); err != nil {
		return err
	}
	u.Grants = append(u.Grants, *g)
	rec := beredskap.RecordFor(a, "grant.add", userObject(u), beredskap.OutcomeOK)
	rec.Detail = describeGrant(*g)
	return beredskap.AppendAudit(ctx, tx, rec)
}

// endGrants ends, at now, every grant of u in force that keep does not
// keep, auditing each as "grant.end", and returns how many it ended.
func (s *Service) endGrants(ctx context.Context, tx beredskap.StaffTx, a *beredskap.Actor, u *beredskap.User, now time.Time, end func(beredskap.Grant) bool) (int, error) {
	n := 0
	for i, g := range u.Grants {
		if !g.ValidAt(now) || !end(g) {
			continue
		}
		if err := tx.EndGrant(ctx, g.ID, now); err != nil {
			return n, err
		}
		u.Grants[i].EndedAt = &now
		rec := beredskap.RecordFor(a, "grant.end", userObject(u), beredskap.OutcomeOK)
		rec.Detail = describeGrant(g)
		if err := beredskap.AppendAudit(ctx, tx, rec); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// describeGrant writes a grant for an audit entry's Detail.
func describeGrant(g beredskap.Grant) string {
	d := fmt.Sprintf("grant %d: %s %s, provenance %s", g.ID, g.Role, g.Scope, g.Provenance)
	if g.ValidTo != nil {
		d += ", valid to " + g.ValidTo.UTC().Format(time.RFC3339)
	}
	return d
}

// ListUsers returns users matching f ordered by e-mail, with their
// grants, and the next page's token. It needs PermManageUsers (EFORBIDDEN
// otherwise, audited). Audited as "user.list".
func (s *Service) ListUsers(ctx context.Context, f beredskap.UserFilter) ([]*beredskap.User, string, error) {
	a := beredskap.ActorFrom(ctx)
	if !beredskap.Can(a, beredskap.PermManageUsers, "") {
		return nil, "", s.tx.Deny(ctx, a, "user.list", "users")
	}
	var users []*beredskap.User
	var next string
	err := s.store.Update(ctx, func(ctx context.Context, tx beredskap.StaffTx) error {
		var err error
		if users, next, err = tx.ListUsers(ctx, f); err != nil {
			return err
		}
		rec := beredskap.RecordFor(a, "user.list", "users", beredskap.OutcomeOK)
		rec.Detail = strings.TrimSpace(fmt.Sprintf("query=%q municipality=%s", f.Query, f.Municipality))
		return beredskap.AppendAudit(ctx, tx, rec)
	})
	if err != nil {
		return nil, "", beredskap.Wrap("list users", err)
	}
	return users, next, nil
}

// GetUser returns the user with the id, with their grants and API tokens.
// It needs PermManageUsers (EFORBIDDEN otherwise, audited) and returns
// ENOTFOUND for an unknown id. Audited as "user.read".
func (s *Service) GetUser(ctx context.Context, id int64) (*beredskap.User, []*beredskap.APIToken, error) {
	a := beredskap.ActorFrom(ctx)
	object := "user:" + strconv.FormatInt(id, 10)
	if !beredskap.Can(a, beredskap.PermManageUsers, "") {
		return nil, nil, s.tx.Deny(ctx, a, "user.read", object)
	}
	var u *beredskap.User
	var toks []*beredskap.APIToken
	err := s.store.Update(ctx, func(ctx context.Context, tx beredskap.StaffTx) error {
		var err error
		if u, err = tx.FindUser(ctx, id); err != nil {
			return err
		}
		if toks, err = tx.ListTokens(ctx, id); err != nil {
			return err
		}
		return beredskap.AppendAudit(ctx, tx, beredskap.RecordFor(a, "user.read", object, beredskap.OutcomeOK))
	})
	if err != nil {
		return nil, nil, beredskap.Wrap("get user", err)
	}
	return u, toks, nil
}

// RemoveUser ends every grant in force of the user, marks them removed,
// deletes their sessions and revokes their tokens, in one transaction: the
// next request of any of their sessions or tokens fails. It needs
// PermManageUsers (EFORBIDDEN otherwise, audited) and returns ENOTFOUND for
// an unknown id, ECONFLICT for a user removed already, and EINVALID on
// "reason" for an over-long reason. Audited as "user.remove" and
// "grant.end".
func (s *Service) RemoveUser(ctx context.Context, id int64, reason string) error {
	a := beredskap.ActorFrom(ctx)
	object := "user:" + strconv.FormatInt(id, 10)
	if !beredskap.Can(a, beredskap.PermManageUsers, "") {
		return s.tx.Deny(ctx, a, "user.remove", object)
	}
	reason, err := checkReason(reason, false)
	if err != nil {
		return err
	}
	now := s.now()
	return s.tx.Update(ctx, "remove user", func(ctx context.Context, tx beredskap.StaffTx) error {
		u, err := tx.FindUser(ctx, id)
		if err != nil {
			return err
		}
		if u.Status == beredskap.UserRemoved {
			return beredskap.Refuse(beredskap.Errorf(beredskap.ECONFLICT, "the user was removed already"))
		}
		if _, err := s.endGrants(ctx, tx, a, u, now, func(beredskap.Grant) bool { return true }); err != nil {
			return err
		}
		u.Status = beredskap.UserRemoved
		if err := tx.UpdateUser(ctx, u); err != nil {
			return err
		}
		detail, err := cutOff(ctx, tx, u.ID, now)
		if err != nil {
			return err
		}
		rec := beredskap.RecordFor(a, "user.remove", object, beredskap.OutcomeOK)
		rec.Detail = strings.TrimPrefix(reason+"; "+detail, "; ")
		return beredskap.AppendAudit(ctx, tx, rec)
	})
}

// cutOff deletes every session and revokes every token of the user, and
// describes what it did for an audit entry.
func cutOff(ctx context.Context, tx beredskap.StaffTx, userID int64, now time.Time) (string, error) {
	sessions, err := tx.DeleteUserSessions(ctx, userID)
	if err != nil {
		return "", err
	}
	tokens, err := tx.RevokeUserTokens(ctx, userID, now)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%d sessions ended, %d tokens revoked", sessions, tokens), nil
}
