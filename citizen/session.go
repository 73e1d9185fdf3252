package citizen

import (
	"context"
	"strings"
	"time"

	"beredskap"
	"beredskap/auth"
	"beredskap/norway"
)

// touchEvery is how stale LastSeenAt of a session may get before a
// request writes it again.
const touchEvery = time.Minute

// errBlocked is the refusal of a blocked person at login, telling them how
// to reopen (seed 003).
func errBlocked() error {
	return &beredskap.Error{Code: beredskap.EFORBIDDEN, Reason: "blocked",
		Message: "Your access to the logged-in citizen services is blocked at your own request. " +
			"To reopen it, file a reopen request (the form to reopen access) with a copy of a valid ID; " +
			"you will get a letter with a one-time code, and then phone Veiledning Helsenorge and give the code and the case number yourself."}
}

// account returns the person's account, or a fresh one when they have none.
func account(ctx context.Context, tx beredskap.CitizenTx, nationalID string) (*beredskap.CitizenAccount, error) {
	acc, err := tx.FindCitizen(ctx, nationalID)
	if beredskap.ErrorCode(err) == beredskap.ENOTFOUND {
		return &beredskap.CitizenAccount{NationalID: nationalID}, nil
	}
	return acc, err
}

// Login starts a session for the person the national ID portal identified.
// A national identity number that fails its checks is EUNAUTHORIZED; a
// person who blocked their access gets EFORBIDDEN with reason "blocked"
// and a message telling how to reopen, audited as "citizen.login" denied.
// A login is audited as "citizen.login".
func (s *Service) Login(ctx context.Context, nationalID, name string) (*LoginResult, error) {
	if _, err := norway.ParseNationalID(nationalID, norway.IDOptions{AllowSynthetic: s.cfg.AllowSyntheticIDs}); err != nil {
		return nil, unauthorized("invalid_national_id", "the identity provider gave no valid national identity number")
	}
	name = strings.TrimSpace(name)
	now := s.now()
	var res *LoginResult
	err := s.tx.Update(ctx, "citizen login", func(ctx context.Context, tx beredskap.CitizenTx) error {
		acc, err := account(ctx, tx, nationalID)
		if err != nil {
			return err
		}
		if acc.Blocked {
			rec := s.citizenRecord(ctx, "citizen.login", nationalID, beredskap.OutcomeDenied)
			rec.Detail = "blocked"
			return beredskap.AuditRefusal(ctx, tx, rec, errBlocked())
		}
		token, hash := auth.NewSecret()
		csrf, _ := auth.NewSecret()
		sess := &beredskap.CitizenSession{
			ID: hash, NationalID: nationalID, Name: name, CSRFToken: csrf,
			CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(s.cfg.SessionMax),
		}
		if err := tx.CreateCitizenSession(ctx, sess); err != nil {
			return err
		}
		res = &LoginResult{SessionToken: token, Session: sess}
		return beredskap.AppendAudit(ctx, tx, s.citizenRecord(ctx, "citizen.login", nationalID, beredskap.OutcomeOK))
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// Authenticate returns the session whose cookie value is sessionToken. It
// returns EUNAUTHORIZED when the session is unknown ("no_session"), past
// its absolute end ("expired"), idle longer than SessionIdle ("idle"), or
// its person blocked since ("blocked"); the person's sessions are deleted
// in the last three cases. LastSeenAt is written at most once a minute.
func (s *Service) Authenticate(ctx context.Context, sessionToken string) (*beredskap.CitizenSession, error) {
	if sessionToken == "" {
		return nil, unauthorized("no_session", "not logged in")
	}
	id := auth.HashSecret(sessionToken)
	now := s.now()
	var sess *beredskap.CitizenSession
	var refusal error
	var blocked bool
	err := s.store.ViewCitizen(ctx, func(ctx context.Context, tx beredskap.CitizenTx) error {
		var err error
		sess, err = tx.FindCitizenSession(ctx, id)
		if beredskap.ErrorCode(err) == beredskap.ENOTFOUND {
			sess, refusal = nil, unauthorized("no_session", "not logged in")
			return nil
		} else if err != nil {
			return err
		}
		switch {
		case !now.Before(sess.ExpiresAt):
			refusal = unauthorized("expired", "the session has ended; log in again")
		case now.Sub(sess.LastSeenAt) > s.cfg.SessionIdle:
			refusal = unauthorized("idle", "the session was idle too long; log in again")
		default:
			acc, err := account(ctx, tx, sess.NationalID)
			if err != nil {
				return err
			}
			if acc.Blocked {
				blocked, refusal = true, unauthorized("blocked", "your access is blocked")
			}
		}
		return nil
	})
	if err != nil {
		return nil, beredskap.Wrap("authenticate citizen", err)
	}
	switch {
	case refusal != nil && sess == nil:
		return nil, refusal
	case refusal != nil:
		err := s.store.UpdateCitizen(ctx, func(ctx context.Context, tx beredskap.CitizenTx) error {
			if blocked {
				_, err := tx.DeleteCitizenSessions(ctx, sess.NationalID)
				return err
			}
			return tx.DeleteCitizenSession(ctx, sess.ID)
		})
		if err != nil {
			return nil, beredskap.Wrap("end citizen session", err)
		}
		return nil, refusal
	case now.Sub(sess.LastSeenAt) >= touchEvery:
		if err := s.store.UpdateCitizen(ctx, func(ctx context.Context, tx beredskap.CitizenTx) error {
			return tx.TouchCitizenSession(ctx, sess.ID, now)
		}); err != nil {
			return nil, beredskap.Wrap("touch citizen session", err)
		}
		sess.LastSeenAt = now
	}
	return sess, nil
}

// Logout ends the session whose cookie value is sessionToken; an unknown
// session is no error. Audited as "citizen.logout".
func (s *Service) Logout(ctx context.Context, sessionToken string) error {
	if sessionToken == "" {
		return nil
	}
	id := auth.HashSecret(sessionToken)
	err := s.store.UpdateCitizen(ctx, func(ctx context.Context, tx beredskap.CitizenTx) error {
		sess, err := tx.FindCitizenSession(ctx, id)
		if beredskap.ErrorCode(err) == beredskap.ENOTFOUND {
			return nil
		} else if err != nil {
			return err
		}
		if err := tx.DeleteCitizenSession(ctx, id); err != nil {
			return err
		}
		return beredskap.AppendAudit(ctx, tx, s.citizenRecord(ctx, "citizen.logout", sess.NationalID, beredskap.OutcomeOK))
	})
	return beredskap.Wrap("citizen logout", err)
}
