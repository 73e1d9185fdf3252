package staff

import (
	"context"
	"strconv"
	"time"

	"beredskap"
	"beredskap/auth"
)

// CreateToken makes an API token for the user with the e-mail, acting in
// their first grant in force, and returns its plaintext (shown once,
// starting with TokenPrefix) and the stored token. ttl 0 means no expiry.
// It needs PermManageUsers (EFORBIDDEN otherwise, audited); it returns
// EINVALID on "email" (reasons "unknown_user", "no_access"), "name" or
// "ttl". Audited as "token.create".
func (s *Service) CreateToken(ctx context.Context, email, name string, ttl time.Duration) (string, *beredskap.APIToken, error) {
	a := beredskap.ActorFrom(ctx)
	if !beredskap.Can(a, beredskap.PermManageUsers, "") {
		return "", nil, s.tx.Deny(ctx, a, "token.create", "users")
	}
	var ps beredskap.Problems
	email = checkEmail(&ps, "email", email, true)
	name = checkText(&ps, "name", name, false, maxTokenNameLength)
	if name == "" {
		name = "api"
	}
	if ttl < 0 {
		ps.Add("ttl", "negative", "must not be negative")
	}
	if err := ps.Err(); err != nil {
		return "", nil, err
	}
	now := s.now()
	var plain string
	var tok *beredskap.APIToken
	err := s.tx.Update(ctx, "create token", func(ctx context.Context, tx beredskap.StaffTx) error {
		u, err := tx.FindUserByEmail(ctx, email)
		if beredskap.ErrorCode(err) == beredskap.ENOTFOUND {
			return beredskap.Refuse(beredskap.Invalid("email", "unknown_user", "no user has this e-mail"))
		} else if err != nil {
			return err
		}
		if !mayLogIn(u, now) {
			return beredskap.Refuse(beredskap.Invalid("email", "no_access", "the user holds no access in force"))
		}
		g := u.ValidGrants(now)[0]
		secret, _ := auth.NewSecret()
		plain = TokenPrefix + secret
		tok = &beredskap.APIToken{UserID: u.ID, GrantID: g.ID, Name: name, Hash: auth.HashSecret(plain), CreatedAt: now}
		if ttl > 0 {
			exp := now.Add(ttl)
			tok.ExpiresAt = &exp
		}
		if err := tx.CreateToken(ctx, tok); err != nil {
			return err
		}
		rec := beredskap.RecordFor(a, "token.create", tokenObject(tok.ID), beredskap.OutcomeOK)
		rec.Detail = "for " + userObject(u) + " in " + describeGrant(g) + ", name " + strconv.Quote(name)
		if tok.ExpiresAt != nil {
			rec.Detail += ", expires " + tok.ExpiresAt.Format(time.RFC3339)
		}
		return beredskap.AppendAudit(ctx, tx, rec)
	})
	if err != nil {
		return "", nil, err
	}
	return plain, tok, nil
}

// tokenObject returns the audit object of an API token.
func tokenObject(id int64) string { return "token:" + strconv.FormatInt(id, 10) }

// RevokeToken revokes the API token with the id at once. It needs
// PermManageUsers (EFORBIDDEN otherwise, audited) and returns ENOTFOUND for
// an unknown id. Audited as "token.revoke".
func (s *Service) RevokeToken(ctx context.Context, id int64) error {
	a := beredskap.ActorFrom(ctx)
	if !beredskap.Can(a, beredskap.PermManageUsers, "") {
		return s.tx.Deny(ctx, a, "token.revoke", tokenObject(id))
	}
	now := s.now()
	err := s.store.Update(ctx, func(ctx context.Context, tx beredskap.StaffTx) error {
		if err := tx.RevokeToken(ctx, id, now); err != nil {
			return err
		}
		return beredskap.AppendAudit(ctx, tx, beredskap.RecordFor(a, "token.revoke", tokenObject(id), beredskap.OutcomeOK))
	})
	return beredskap.Wrap("revoke token", err)
}
