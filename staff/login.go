package staff

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"beredskap"
	"beredskap/auth"
)

// errBadCredentials is the one answer to a wrong e-mail, a wrong password,
// and an account that may not log in, so that none can be told apart.
func errBadCredentials() error {
	return unauthorized("bad_credentials", "wrong e-mail or password")
}

// userObject returns the audit object of a user, "user:unknown" for none.
func userObject(u *beredskap.User) string {
	if u == nil {
		return "user:unknown"
	}
	return "user:" + strconv.FormatInt(u.ID, 10)
}

// mayLogIn reports whether u is active and holds a grant in force at now.
func mayLogIn(u *beredskap.User, now time.Time) bool {
	return u.Status == beredskap.UserActive && len(u.ValidGrants(now)) > 0
}

// dummy returns a password hash that matches no password anyone types,
// made once, to check against when a login names no usable account.
func (s *Service) dummy() string {
	s.dummyOnce.Do(func() {
		token, _ := auth.NewSecret()
		h, err := auth.HashPassword(token, s.cfg.PasswordParams)
		if err != nil {
			panic(fmt.Sprintf("staff: hash dummy password: %v", err)) // only a broken random source fails
		}
		s.dummyHash = h
	})
	return s.dummyHash
}

// Login checks an e-mail and password and returns a new session at
// StageTOTP (the second factor is due) or StageEnrol (the user has no TOTP
// yet and must enrol one). Errors are EUNAUTHORIZED with reason
// "rate_limited" (too many attempts from the client address, or failed
// attempts on this e-mail from this address wait: see Config) or
// "bad_credentials" (unknown e-mail, wrong password, removed user, or no
// grant in force). Neither tells whether the account exists: an unknown
// e-mail is counted and slowed down as a real one. Every attempt is
// audited as "login"; a failure that starts a wait says so in its detail.
func (s *Service) Login(ctx context.Context, email, password string) (*LoginResult, error) {
	a := beredskap.ActorFrom(ctx)
	now := s.now()
	email = strings.ToLower(strings.TrimSpace(email))

	var u *beredskap.User
	err := s.store.View(ctx, func(ctx context.Context, tx beredskap.StaffTx) error {
		var err error
		u, err = tx.FindUserByEmail(ctx, email)
		if beredskap.ErrorCode(err) == beredskap.ENOTFOUND {
			u, err = nil, nil
		}
		return err
	})
	if err != nil {
		return nil, beredskap.Wrap("login", err)
	}
	err = s.tx.Update(ctx, "login", func(ctx context.Context, tx beredskap.StaffTx) error {
		over, err := s.overAddressLimit(ctx, tx, attemptLogin, a.Address, now)
		if err != nil {
			return err
		}
		detail := "rate_limited"
		if !over {
			until, err := s.accountDelayed(ctx, tx, email, a.Address, now)
			if err != nil || until.IsZero() {
				return err
			}
			detail = "failed attempts on this account from this address wait until " + until.UTC().Format(time.RFC3339)
		}
		rec := record(a, u, "login", userObject(u), beredskap.OutcomeDenied)
		rec.Detail = detail
		return beredskap.AuditRefusal(ctx, tx, rec, errRateLimited())
	})
	if err != nil {
		return nil, err
	}

	hash := s.dummy()
	if u != nil && u.PasswordHash != "" {
		hash = u.PasswordHash
	}
	ok, err := s.checkPassword(ctx, password, hash)
	if err != nil {
		return nil, fmt.Errorf("login: check password: %w", err)
	}
	failed := ""
	switch {
	case u == nil:
		failed = "unknown account"
	case u.PasswordHash == "":
		failed = "not enrolled"
	case !ok:
		failed = "wrong password"
	case !mayLogIn(u, now):
		failed = "no access in force"
	}
	if failed != "" {
		return nil, s.tx.Update(ctx, "login", func(ctx context.Context, tx beredskap.StaffTx) error {
			until, err := s.failedOnAccount(ctx, tx, email, a.Address, now)
			if err != nil {
				return err
			}
			rec := record(a, u, "login", userObject(u), beredskap.OutcomeFailed)
			rec.Detail = failed
			if !until.IsZero() {
				rec.Detail += delayedDetail(until)
			}
			return beredskap.AuditRefusal(ctx, tx, rec, errBadCredentials())
		})
	}

	var res *LoginResult
	err = s.tx.Update(ctx, "login", func(ctx context.Context, tx beredskap.StaffTx) error {
		u, err := tx.FindUser(ctx, u.ID)
		if err != nil {
			return err
		}
		stage := beredskap.StageTOTP
		if u.TOTPSecret == "" {
			stage = beredskap.StageEnrol
			// No second factor to guess: the password was the whole test.
			if err := tx.ClearThrottle(ctx, accountKey(email, a.Address)); err != nil {
				return err
			}
		}
		res, err = s.newSession(ctx, tx, a, u, stage, 0, now)
		if err != nil {
			return err
		}
		rec := record(a, u, "login", userObject(u), beredskap.OutcomeOK)
		rec.Detail = "password accepted; next: " + string(stage)
		return beredskap.AppendAudit(ctx, tx, rec)
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// isTOTPCode reports whether code (spaces removed) is six digits.
func isTOTPCode(code string) bool {
	if len(code) != 6 {
		return false
	}
	for _, c := range code {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// VerifySecondFactor checks the TOTP code, or a recovery code, of a session
// at StageTOTP and makes it StageActive in the user's first grant in force.
// A TOTP code works once. Errors: EUNAUTHORIZED when the session is unknown
// or expired, reason "rate_limited" when failed attempts on the account
// from this address wait (or now start to), which also ends the session;
// EFORBIDDEN reason "wrong_stage" for a session at another stage; EINVALID
// on "code" with reason "wrong_code". Wrong codes count as failed logins
// of the account from the address. Audited as "login.totp".
func (s *Service) VerifySecondFactor(ctx context.Context, sessionToken, code string) (*beredskap.Session, error) {
	a := beredskap.ActorFrom(ctx)
	now := s.now()
	code = strings.ReplaceAll(strings.TrimSpace(code), " ", "")
	var sess *beredskap.Session
	err := s.tx.Update(ctx, "verify second factor", func(ctx context.Context, tx beredskap.StaffTx) error {
		ss, u, err := s.liveSession(ctx, tx, sessionToken, now)
		if err != nil {
			return beredskap.RefuseUserError(err)
		}
		if ss.Stage != beredskap.StageTOTP {
			return beredskap.Refuse(wrongStage())
		}
		obj := userObject(u)
		until, err := s.accountDelayed(ctx, tx, u.Email, a.Address, now)
		if err != nil {
			return err
		}
		if !until.IsZero() {
			if err := tx.DeleteSession(ctx, ss.ID); err != nil {
				return err
			}
			rec := record(a, u, "login.totp", obj, beredskap.OutcomeDenied)
			rec.Detail = "failed attempts on this account from this address wait until " + until.UTC().Format(time.RFC3339)
			return beredskap.AuditRefusal(ctx, tx, rec, errRateLimited())
		}
		ok, how := false, "totp"
		if isTOTPCode(code) {
			var step int64
			if step, ok = auth.ValidateTOTP(code, u.TOTPSecret, now, u.TOTPLastStep); ok {
				// Of two requests with one code, only one records its step.
				if ok, err = tx.UseTOTPStep(ctx, u.ID, step); err != nil {
					return err
				}
				u.TOTPLastStep = max(u.TOTPLastStep, step)
			}
		} else if code != "" {
			how = "recovery code"
			if ok, err = tx.UseRecoveryCode(ctx, u.ID, auth.HashRecoveryCode(code), now); err != nil {
				return err
			}
		}
		if !ok {
			until, err := s.failedOnAccount(ctx, tx, u.Email, a.Address, now)
			if err != nil {
				return err
			}
			rec := record(a, u, "login.totp", obj, beredskap.OutcomeFailed)
			rec.Detail = "wrong " + how
			if !until.IsZero() {
				if err := tx.DeleteSession(ctx, ss.ID); err != nil {
					return err
				}
				rec.Detail += delayedDetail(until)
				return beredskap.AuditRefusal(ctx, tx, rec, errRateLimited())
			}
			return beredskap.AuditRefusal(ctx, tx, rec, beredskap.Invalid("code", "wrong_code", "the code is wrong or was used already"))
		}
		grants := u.ValidGrants(now)
		if u.Status != beredskap.UserActive || len(grants) == 0 {
			if err := tx.DeleteSession(ctx, ss.ID); err != nil {
				return err
			}
			rec := record(a, u, "login.totp", obj, beredskap.OutcomeDenied)
			rec.Detail = "no access in force"
			return beredskap.AuditRefusal(ctx, tx, rec, errBadCredentials())
		}
		if err := tx.ClearThrottle(ctx, accountKey(u.Email, a.Address)); err != nil {
			return err
		}
		if err := activate(ctx, tx, ss, grants[0], now); err != nil {
			return err
		}
		sess = ss
		rec := record(a, u, "login.totp", obj, beredskap.OutcomeOK)
		rec.Detail = how + " accepted; acting as " + string(grants[0].Role) + " " + grants[0].Scope.String()
		return beredskap.AppendAudit(ctx, tx, rec)
	})
	if err != nil {
		return nil, err
	}
	return sess, nil
}

// wrongStage is the error of a login step asked of a session at another
// stage.
func wrongStage() error {
	return &beredskap.Error{Code: beredskap.EFORBIDDEN, Reason: "wrong_stage",
		Message: "this step does not fit where the login is"}
}

// split sorts err into a user-facing outcome (a *beredskap.Error) and a
// failure of the transaction (anything else).
func split(err error) (outcome, failure error) {
	var e *beredskap.Error
	if errors.As(err, &e) {
		return err, nil
	}
	return nil, err
}

// activate makes ss a fully logged-in session acting in g, with a fresh
// CSRF token.
func activate(ctx context.Context, tx beredskap.StaffTx, ss *beredskap.Session, g beredskap.Grant, now time.Time) error {
	csrf, _ := auth.NewSecret()
	ss.Stage, ss.GrantID, ss.CSRFToken, ss.LastSeenAt = beredskap.StageActive, g.ID, csrf, now
	return tx.UpdateSession(ctx, ss)
}

// LoginOIDC logs in the user whom an OpenID Connect provider vouched for,
// matched on the configured claim (e-mail or national identity number),
// and returns a StageActive session in their first grant in force: the
// provider authenticated strongly. It returns EUNAUTHORIZED reason
// "bad_credentials" when no active user with a grant in force matches.
// Audited as "login.oidc".
func (s *Service) LoginOIDC(ctx context.Context, claimValue string) (*LoginResult, error) {
	a := beredskap.ActorFrom(ctx)
	now := s.now()
	claimValue = strings.TrimSpace(claimValue)
	var res *LoginResult
	err := s.tx.Update(ctx, "login with OpenID Connect", func(ctx context.Context, tx beredskap.StaffTx) error {
		var u *beredskap.User
		var err error
		switch {
		case claimValue == "":
			err = beredskap.NotFound("user")
		case s.cfg.OIDCClaim == "pid":
			u, err = tx.FindUserByNationalID(ctx, claimValue)
		default:
			u, err = tx.FindUserByEmail(ctx, strings.ToLower(claimValue))
		}
		if err != nil && beredskap.ErrorCode(err) != beredskap.ENOTFOUND {
			return err
		}
		if u == nil || !mayLogIn(u, now) {
			rec := record(a, u, "login.oidc", userObject(u), beredskap.OutcomeFailed)
			rec.Detail = "no active user with access matches the " + s.cfg.OIDCClaim + " claim"
			return beredskap.AuditRefusal(ctx, tx, rec, errBadCredentials())
		}
		grant := u.ValidGrants(now)[0]
		res, err = s.newSession(ctx, tx, a, u, beredskap.StageActive, grant.ID, now)
		if err != nil {
			return err
		}
		rec := record(a, u, "login.oidc", userObject(u), beredskap.OutcomeOK)
		rec.Detail = "acting as " + string(grant.Role) + " " + grant.Scope.String()
		return beredskap.AppendAudit(ctx, tx, rec)
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// Logout ends the session with the cookie value sessionToken. An unknown
// session is no error. Audited as "logout".
func (s *Service) Logout(ctx context.Context, sessionToken string) error {
	a := beredskap.ActorFrom(ctx)
	return s.tx.Update(ctx, "logout", func(ctx context.Context, tx beredskap.StaffTx) error {
		ss, err := tx.FindSession(ctx, auth.HashSecret(sessionToken))
		if beredskap.ErrorCode(err) == beredskap.ENOTFOUND {
			return nil
		} else if err != nil {
			return err
		}
		if err := tx.DeleteSession(ctx, ss.ID); err != nil {
			return err
		}
		u, err := tx.FindUser(ctx, ss.UserID)
		if err != nil {
			return err
		}
		return beredskap.AppendAudit(ctx, tx, record(a, u, "logout", userObject(u), beredskap.OutcomeOK))
	})
}
