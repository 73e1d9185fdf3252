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
	hash, ok := tokenHash(bearer)
	if !ok {
		return nil, badToken()
	}
	tok, u, err := s.findToken(ctx, hash)
	if err != nil {
		return nil, beredskap.Wrap("authenticate token", err)
	}
	now := s.now()
	a, ok := tokenActor(ctx, tok, u, now)
	if !ok {
		return nil, badToken()
	}
	if err := s.touchToken(ctx, hash, tok, now); err != nil {
		return nil, err
	}
	return a, nil
}

// AuthenticateTokenPending is AuthenticateToken for a request that changes
// nothing outside the staff store's transactions (a GET). When the store
// confirms auth epochs (beredskap.AuthEpochConfirmer) and the token was
// found before and held then, it returns the actor from the cache without
// reading the epoch, and a beredskap.PendingAuth that the request's
// context must carry (beredskap.WithPendingAuth), and that the request
// must Confirm before it answers if no transaction did. The request's
// first transaction reads the epoch with its first statement; when the
// epoch moved, the authentication is taken again and holds only if it
// gives the same token, user and grants (else EUNAUTHORIZED). Otherwise
// the PendingAuth is nil and the answer is AuthenticateToken's.
func (s *Service) AuthenticateTokenPending(ctx context.Context, bearer string) (*beredskap.Actor, *beredskap.PendingAuth, error) {
	hash, ok := tokenHash(bearer)
	if _, confirms := s.store.(beredskap.AuthEpochConfirmer); ok && confirms {
		if tok, u, epoch, found := s.tokens.latest(hash); found {
			now := s.now()
			if a, ok := tokenActor(ctx, tok, u, now); ok {
				p := beredskap.NewPendingAuth(epoch, func(ctx context.Context) error {
					b, err := s.AuthenticateToken(ctx, bearer)
					if err != nil {
						return err
					}
					if !sameAuthority(a, b) {
						return unauthorized("token_changed", "the token's user or grants changed during the request")
					}
					return nil
				})
				if err := s.touchToken(beredskap.WithPendingAuth(ctx, p), hash, tok, now); err != nil {
					return nil, nil, err
				}
				return a, p, nil
			}
		}
	}
	a, err := s.AuthenticateToken(ctx, bearer)
	return a, nil, err
}

// tokenHash returns the hash a bearer token is stored under, and false
// when it is no token of ours.
func tokenHash(bearer string) (string, bool) {
	bearer = strings.TrimSpace(bearer)
	if !strings.HasPrefix(bearer, TokenPrefix) {
		return "", false
	}
	return auth.HashSecret(bearer), true
}

// badToken is the answer to a token that is unknown, revoked or expired,
// or whose user or grant no longer holds.
func badToken() error {
	return unauthorized("bad_token", "the token is unknown, revoked or expired")
}

// tokenActor returns the actor of tok (nil: unknown) and its user u at
// now, with the address and request id of the context's actor, and false
// when the token, its user or its grant does not hold.
func tokenActor(ctx context.Context, tok *beredskap.APIToken, u *beredskap.User, now time.Time) (*beredskap.Actor, bool) {
	if tok == nil || tok.RevokedAt != nil || (tok.ExpiresAt != nil && !now.Before(*tok.ExpiresAt)) {
		return nil, false
	}
	g := grantByID(u, tok.GrantID)
	if u.Status != beredskap.UserActive || g == nil || !g.ValidAt(now) {
		return nil, false
	}
	ca := beredskap.ActorFrom(ctx)
	return &beredskap.Actor{User: u, Grant: g, TokenID: tok.ID, Address: ca.Address, RequestID: ca.RequestID}, true
}

// touchToken writes that tok, of hash, was used at now, when it was last
// written more than a minute before.
func (s *Service) touchToken(ctx context.Context, hash string, tok *beredskap.APIToken, now time.Time) error {
	if tok.LastUsedAt != nil && now.Sub(*tok.LastUsedAt) <= touchEvery {
		return nil
	}
	if err := s.store.Update(ctx, func(ctx context.Context, tx beredskap.StaffTx) error {
		return tx.TouchToken(ctx, tok.ID, now)
	}); err != nil {
		return beredskap.Wrap("authenticate token: touch", err)
	}
	s.tokens.touched(hash, now)
	return nil
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
