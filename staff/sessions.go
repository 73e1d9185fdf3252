package staff

import (
	"context"
	"strings"
	"time"

	"beredskap"
	"beredskap/auth"
)

// touchEvery is how stale LastSeenAt of a session, or LastUsedAt of a
// token, may get before a request writes it again.
const touchEvery = time.Minute

// TokenPrefix starts every API token, so that a leaked one is easy to
// recognise.
const TokenPrefix = "bk_"

// newSession stores a new session of u at stage, acting in grantID (0
// before the second factor), and returns it with its cookie value.
func (s *Service) newSession(ctx context.Context, tx beredskap.StaffTx, a *beredskap.Actor, u *beredskap.User, stage beredskap.SessionStage, grantID int64, now time.Time) (*LoginResult, error) {
	token, hash := auth.NewSecret()
	csrf, _ := auth.NewSecret()
	ss := &beredskap.Session{
		ID: hash, UserID: u.ID, GrantID: grantID, Stage: stage, CSRFToken: csrf,
		CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(s.cfg.SessionMax), Address: a.Address,
	}
	if err := tx.CreateSession(ctx, ss); err != nil {
		return nil, err
	}
	return &LoginResult{SessionToken: token, Session: ss}, nil
}

// liveSession returns the session with the cookie value token and its
// user. It returns EUNAUTHORIZED when the session is unknown ("no_session"),
// past its absolute end ("expired"), idle too long ("idle"), or its user
// removed ("removed"); the session is returned with those errors but the
// first, so that the caller can delete it.
func (s *Service) liveSession(ctx context.Context, tx beredskap.StaffTx, token string, now time.Time) (*beredskap.Session, *beredskap.User, error) {
	if token == "" {
		return nil, nil, unauthorized("no_session", "not logged in")
	}
	ss, err := tx.FindSession(ctx, auth.HashSecret(token))
	if beredskap.ErrorCode(err) == beredskap.ENOTFOUND {
		return nil, nil, unauthorized("no_session", "not logged in")
	} else if err != nil {
		return nil, nil, err
	}
	if !now.Before(ss.ExpiresAt) {
		return ss, nil, unauthorized("expired", "the session has ended; log in again")
	}
	if now.Sub(ss.LastSeenAt) > s.cfg.SessionIdle {
		return ss, nil, unauthorized("idle", "the session was idle too long; log in again")
	}
	u, err := tx.FindUser(ctx, ss.UserID)
	if err != nil {
		return nil, nil, err
	}
	if u.Status != beredskap.UserActive {
		return ss, u, unauthorized("removed", "the account has been removed")
	}
	return ss, u, nil
}

// grantByID returns u's grant with the id, or nil.
func grantByID(u *beredskap.User, id int64) *beredskap.Grant {
	for i := range u.Grants {
		if u.Grants[i].ID == id {
			g := u.Grants[i]
			return &g
		}
	}
	return nil
}

// Authenticate returns the session whose cookie value is sessionToken, its
// user, and, at StageActive, the actor to put in the request's context
// (with the address and request id of the context's actor). It returns
// EUNAUTHORIZED when the session is unknown, past its absolute end, idle
// longer than SessionIdle, its user removed, or, at StageActive, its grant
// no longer in force; the session is deleted in those cases. LastSeenAt is
// written at most once a minute.
func (s *Service) Authenticate(ctx context.Context, sessionToken string) (*Authenticated, error) {
	ca := beredskap.ActorFrom(ctx)
	now := s.now()
	var res *Authenticated
	var outcome error
	var kill *beredskap.Session
	err := s.store.View(ctx, func(ctx context.Context, tx beredskap.StaffTx) error {
		ss, u, err := s.liveSession(ctx, tx, sessionToken, now)
		if err != nil {
			outcome, err = split(err)
			kill = ss
			return err
		}
		res = &Authenticated{Session: ss, User: u}
		if ss.Stage == beredskap.StageActive {
			g := grantByID(u, ss.GrantID)
			if g == nil || !g.ValidAt(now) {
				outcome = unauthorized("no_access", "your access has ended")
				kill, res = ss, nil
				return nil
			}
			res.Actor = &beredskap.Actor{User: u, Grant: g, SessionID: ss.ID, Address: ca.Address, RequestID: ca.RequestID}
		}
		return nil
	})
	if err != nil {
		return nil, beredskap.Wrap("authenticate", err)
	}
	if outcome != nil {
		if kill != nil {
			if err := s.store.Update(ctx, func(ctx context.Context, tx beredskap.StaffTx) error {
				err := tx.DeleteSession(ctx, kill.ID)
				if beredskap.ErrorCode(err) == beredskap.ENOTFOUND {
					return nil
				}
				return err
			}); err != nil {
				return nil, beredskap.Wrap("authenticate: end session", err)
			}
		}
		return nil, outcome
	}
	if now.Sub(res.Session.LastSeenAt) > touchEvery {
		err := s.tx.Update(ctx, "authenticate: touch session", func(ctx context.Context, tx beredskap.StaffTx) error {
			ss, err := tx.FindSession(ctx, res.Session.ID)
			if beredskap.ErrorCode(err) == beredskap.ENOTFOUND {
				return beredskap.Refuse(unauthorized("no_session", "not logged in")) // ended meanwhile
			} else if err != nil {
				return err
			}
			ss.LastSeenAt = now
			res.Session = ss
			return tx.UpdateSession(ctx, ss)
		})
		if err != nil {
			return nil, err
		}
	}
	return res, nil
}

// AuthenticateToken returns the actor of an API bearer token: its user in
// the token's grant, with the address and request id of the context's
// actor and TokenID set. It returns EUNAUTHORIZED when the token is
// unknown, revoked or expired, its user removed, or its grant no longer in
// force. LastUsedAt is written at most once a minute. A token found before
// is taken from the service's cache while the store's auth epoch stands,
// which costs one read of the epoch instead of a transaction reading the
// token, user and grants.
func (s *Service) AuthenticateToken(ctx context.Context, bearer string) (*beredskap.Actor, error) {
	ca := beredskap.ActorFrom(ctx)
	now := s.now()
	bearer = strings.TrimSpace(bearer)
	bad := unauthorized("bad_token", "the token is unknown, revoked or expired")
	if !strings.HasPrefix(bearer, TokenPrefix) {
		return nil, bad
	}
	hash := auth.HashSecret(bearer)
	tok, u, err := s.findToken(ctx, hash)
	if err != nil {
		return nil, beredskap.Wrap("authenticate token", err)
	}
	if tok == nil || tok.RevokedAt != nil || (tok.ExpiresAt != nil && !now.Before(*tok.ExpiresAt)) {
		return nil, bad
	}
	g := grantByID(u, tok.GrantID)
	if u.Status != beredskap.UserActive || g == nil || !g.ValidAt(now) {
		return nil, bad
	}
	if tok.LastUsedAt == nil || now.Sub(*tok.LastUsedAt) > touchEvery {
		if err := s.store.Update(ctx, func(ctx context.Context, tx beredskap.StaffTx) error {
			return tx.TouchToken(ctx, tok.ID, now)
		}); err != nil {
			return nil, beredskap.Wrap("authenticate token: touch", err)
		}
		s.tokens.touched(hash, now)
	}
	return &beredskap.Actor{User: u, Grant: g, TokenID: tok.ID, Address: ca.Address, RequestID: ca.RequestID}, nil
}

// findToken returns the token of hash and its user, without the user's
// password hash and TOTP secret: from the cache when
// they were read under the store's present auth epoch, else from the store
// and then kept under the epoch read before them, so that a change after
// that read makes the entry stale rather than the entry outlive it. An
// unknown token is nil, without an error.
func (s *Service) findToken(ctx context.Context, hash string) (*beredskap.APIToken, *beredskap.User, error) {
	epoch, err := s.store.AuthEpoch(ctx)
	if err != nil {
		return nil, nil, err
	}
	if tok, u, ok := s.tokens.get(hash, epoch); ok {
		return tok, u, nil
	}
	var tok *beredskap.APIToken
	var u *beredskap.User
	err = s.store.View(ctx, func(ctx context.Context, tx beredskap.StaffTx) error {
		var err error
		tok, err = tx.FindTokenByHash(ctx, hash)
		if beredskap.ErrorCode(err) == beredskap.ENOTFOUND {
			tok = nil
			return nil
		} else if err != nil {
			return err
		}
		u, err = tx.FindUser(ctx, tok.UserID)
		return err
	})
	if err != nil || tok == nil {
		return nil, nil, err
	}
	u.PasswordHash, u.TOTPSecret = "", "" // a token's actor never needs them
	s.tokens.put(hash, epoch, tok, u)
	return tok, u, nil
}
