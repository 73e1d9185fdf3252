package staff

import (
	"context"
	"fmt"
	"time"

	"beredskap"
	"beredskap/auth"
)

// RecoveryCodeCount is how many recovery codes a TOTP enrolment gives.
const RecoveryCodeCount = 10

// checkEnrolment returns the enrolment with the link secret token and its
// user, or EINVALID on "token" with reason "unknown", "expired", "used"
// (used, or replaced by a newer link) or "enrolled" (the account has a
// password and TOTP already: a link never changes them).
func checkEnrolment(ctx context.Context, tx beredskap.StaffTx, token string, now time.Time) (*beredskap.Enrolment, *beredskap.User, error) {
	unknown := beredskap.Invalid("token", "unknown", "the enrolment link is not known")
	if token == "" {
		return nil, nil, unknown
	}
	e, err := tx.FindEnrolment(ctx, auth.HashSecret(token))
	if beredskap.ErrorCode(err) == beredskap.ENOTFOUND {
		return nil, nil, unknown
	} else if err != nil {
		return nil, nil, err
	}
	if e.UsedAt != nil {
		return nil, nil, beredskap.Invalid("token", "used", "the enrolment link was used already or replaced by a newer one")
	}
	if !now.Before(e.ExpiresAt) {
		return nil, nil, beredskap.Invalid("token", "expired", "the enrolment link has expired; ask for a new one")
	}
	u, err := tx.FindUser(ctx, e.UserID)
	if err != nil {
		return nil, nil, err
	}
	if u.Status != beredskap.UserActive {
		return nil, nil, unknown
	}
	if u.Enrolled() {
		return nil, nil, beredskap.Invalid("token", "enrolled", "the account is set up already; ask an access administrator to reset it")
	}
	return e, u, nil
}

// CheckEnrolment returns the user an enrolment link is for, so that the
// page can greet them. It returns EINVALID on "token" with reason
// "unknown", "expired" or "used".
func (s *Service) CheckEnrolment(ctx context.Context, enrolToken string) (*beredskap.User, error) {
	now := s.now()
	var u *beredskap.User
	var outcome error
	err := s.store.View(ctx, func(ctx context.Context, tx beredskap.StaffTx) error {
		var err error
		_, u, err = checkEnrolment(ctx, tx, enrolToken, now)
		outcome, err = split(err)
		return err
	})
	if err != nil {
		return nil, beredskap.Wrap("check enrolment", err)
	}
	if outcome != nil {
		return nil, outcome
	}
	return u, nil
}

// Enrol sets the password of the user an enrolment link is for, uses up
// the link and every other link of the user, ends the user's other
// sessions and API tokens, and returns a session at StageEnrol, in which
// the user must enrol TOTP (NewTOTP, ConfirmTOTP) before anything else. A
// link never changes the credentials of an enrolled account: that takes
// ResetCredentials first. It returns EINVALID on "password" when the
// password policy refuses it, and EINVALID on "token" (reasons "unknown",
// "expired", "used", "enrolled") for a bad link. Audited as
// "enrolment.password".
func (s *Service) Enrol(ctx context.Context, enrolToken, password string) (*LoginResult, error) {
	a := beredskap.ActorFrom(ctx)
	if _, err := s.CheckEnrolment(ctx, enrolToken); err != nil {
		return nil, err
	}
	if err := auth.CheckPasswordPolicy(password); err != nil {
		return nil, err
	}
	hash, err := s.hashPassword(ctx, password)
	if err != nil {
		return nil, beredskap.Wrap("enrol: hash password", err)
	}
	now := s.now()
	var res *LoginResult
	err = s.tx.Update(ctx, "enrol", func(ctx context.Context, tx beredskap.StaffTx) error {
		e, u, err := checkEnrolment(ctx, tx, enrolToken, now)
		if err != nil {
			return beredskap.RefuseUserError(err)
		}
		err = tx.UseEnrolment(ctx, e.Hash, now)
		if beredskap.ErrorCode(err) == beredskap.ECONFLICT {
			return beredskap.Refuse(beredskap.Invalid("token", "used", "the enrolment link was used already"))
		} else if err != nil {
			return err
		}
		if _, err := tx.RevokeEnrolments(ctx, u.ID, now); err != nil {
			return err
		}
		u.PasswordHash = hash
		if err := tx.UpdateUser(ctx, u); err != nil {
			return err
		}
		cut, err := cutOff(ctx, tx, u.ID, now)
		if err != nil {
			return err
		}
		if res, err = s.newSession(ctx, tx, a, u, beredskap.StageEnrol, 0, now); err != nil {
			return err
		}
		rec := record(a, u, "enrolment.password", userObject(u), beredskap.OutcomeOK)
		rec.Detail = "password set; every enrolment link of the user used up; " + cut
		return beredskap.AppendAudit(ctx, tx, rec)
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// minTOTPSecretBytes is the least length of a TOTP secret that may be
// stored: 160 bits, as RFC 4226 recommends.
const minTOTPSecretBytes = 20

// NewTOTP returns the TOTP secret for the user of a StageEnrol session to
// enrol, with its otpauth:// URL and a QR code of it. The server generates
// the secret (160 bits) at the first call and keeps it with the session;
// later calls return the same one, so that an app that scanned it need not
// scan again. It returns EUNAUTHORIZED for an unknown or ended session and
// EFORBIDDEN (reason "wrong_stage") for a session at another stage.
func (s *Service) NewTOTP(ctx context.Context, sessionToken string) (*TOTPSetup, error) {
	now := s.now()
	var setup *TOTPSetup
	err := s.tx.Update(ctx, "new TOTP", func(ctx context.Context, tx beredskap.StaffTx) error {
		ss, u, err := s.liveSession(ctx, tx, sessionToken, now)
		if err != nil {
			return beredskap.RefuseUserError(err)
		}
		if ss.Stage != beredskap.StageEnrol {
			return beredskap.Refuse(wrongStage())
		}
		if ss.PendingTOTP != "" {
			setup = &TOTPSetup{Secret: ss.PendingTOTP, URL: auth.TOTPURL(s.cfg.Issuer, u.Email, ss.PendingTOTP)}
			return nil
		}
		secret, url, err := auth.NewTOTPKey(s.cfg.Issuer, u.Email)
		if err != nil {
			return err
		}
		ss.PendingTOTP = secret
		setup = &TOTPSetup{Secret: secret, URL: url}
		return tx.UpdateSession(ctx, ss)
	})
	if err != nil {
		return nil, err
	}
	if setup.QRPNG, err = auth.QRCodePNG(setup.URL); err != nil {
		return nil, beredskap.Wrap("new TOTP: QR code", err)
	}
	return setup, nil
}

// ConfirmTOTP checks a code from the authenticator app against the secret
// NewTOTP generated for the session, stores that secret, makes the
// StageEnrol session StageActive in the user's first grant in force, ends
// the user's other sessions and API tokens and every enrolment link left,
// and returns ten new recovery codes, to be shown once. No other secret
// can be enrolled. It returns EINVALID on "code" (reason "wrong_code", or
// "no_secret" before NewTOTP), EUNAUTHORIZED for an unknown or ended
// session or a user with no grant in force, and EFORBIDDEN (reason
// "wrong_stage") for a session at another stage or of a user who has a
// TOTP secret already. Audited as "enrolment.totp".
func (s *Service) ConfirmTOTP(ctx context.Context, sessionToken, code string) ([]string, error) {
	a := beredskap.ActorFrom(ctx)
	now := s.now()
	var codes []string
	err := s.tx.Update(ctx, "confirm TOTP", func(ctx context.Context, tx beredskap.StaffTx) error {
		ss, u, err := s.liveSession(ctx, tx, sessionToken, now)
		if err != nil {
			return beredskap.RefuseUserError(err)
		}
		if ss.Stage != beredskap.StageEnrol {
			return beredskap.Refuse(wrongStage())
		}
		if u.TOTPSecret != "" {
			// Enrolled meanwhile through another session: this one may
			// not replace the second factor.
			if err := tx.DeleteSession(ctx, ss.ID); err != nil {
				return err
			}
			rec := record(a, u, "enrolment.totp", userObject(u), beredskap.OutcomeDenied)
			rec.Detail = "the account has a TOTP secret already"
			return beredskap.AuditRefusal(ctx, tx, rec, wrongStage())
		}
		secret := ss.PendingTOTP
		if !auth.TOTPSecretStrong(secret, minTOTPSecretBytes) {
			return beredskap.Refuse(beredskap.Invalid("code", "no_secret", "open the page again to get a secret to enrol"))
		}
		step, ok := auth.ValidateTOTP(code, secret, now, 0)
		if !ok {
			return beredskap.Refuse(beredskap.Invalid("code", "wrong_code", "the code does not match; check the time on the phone and try again"))
		}
		grants := u.ValidGrants(now)
		if len(grants) == 0 {
			if err := tx.DeleteSession(ctx, ss.ID); err != nil {
				return err
			}
			return beredskap.Refuse(unauthorized("no_access", "you hold no access in force"))
		}
		u.TOTPSecret, u.TOTPLastStep = secret, step
		if err := tx.UpdateUser(ctx, u); err != nil {
			return err
		}
		var hashes []string
		codes, hashes = auth.NewRecoveryCodes(RecoveryCodeCount)
		if err := tx.ReplaceRecoveryCodes(ctx, u.ID, hashes); err != nil {
			return err
		}
		ended, err := tx.DeleteOtherSessions(ctx, u.ID, ss.ID)
		if err != nil {
			return err
		}
		revoked, err := tx.RevokeUserTokens(ctx, u.ID, now)
		if err != nil {
			return err
		}
		if _, err := tx.RevokeEnrolments(ctx, u.ID, now); err != nil {
			return err
		}
		ss.PendingTOTP = ""
		if err := activate(ctx, tx, ss, grants[0], now); err != nil {
			return err
		}
		rec := record(a, u, "enrolment.totp", userObject(u), beredskap.OutcomeOK)
		rec.Detail = fmt.Sprintf("TOTP enrolled; new recovery codes; %d other sessions ended, %d tokens revoked", ended, revoked)
		return beredskap.AppendAudit(ctx, tx, rec)
	})
	if err != nil {
		return nil, err
	}
	return codes, nil
}
