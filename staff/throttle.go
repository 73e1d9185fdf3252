package staff

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"beredskap"
)

// The attempts the throttle counts per client address.
const (
	attemptLogin   = "login"
	attemptRequest = "access-request"
)

// addressWindow is the window of the per-address limits: Config.AddressRate
// attempts in it.
const addressWindow = time.Minute

// errRateLimited is the one answer to an attempt the throttle refuses, per
// client address or per account and address alike: it says nothing of
// whether the account exists.
func errRateLimited() error {
	return unauthorized("rate_limited", "too many attempts; wait a while and try again")
}

// accountKey returns the throttle key of attempts on the account named by
// email from address. The e-mail is hashed: the table holds no e-mail
// addresses, and a typed e-mail that names no account is counted alike.
func accountKey(email, address string) string {
	sum := sha256.Sum256([]byte(strings.ToLower(strings.TrimSpace(email))))
	return "account:" + hex.EncodeToString(sum[:16]) + "@" + address
}

// overAddressLimit counts one attempt of kind from address in tx and
// reports whether it is over Config.AddressRate in the current minute.
// Every instance on the database counts into the same row.
func (s *Service) overAddressLimit(ctx context.Context, tx beredskap.StaffTx, kind, address string, now time.Time) (bool, error) {
	n, _, err := tx.HitThrottle(ctx, kind+"@"+address, now, addressWindow)
	return n > s.cfg.AddressRate, err
}

// accountDelayed reports whether attempts on email from address must wait:
// until when, or zero.
func (s *Service) accountDelayed(ctx context.Context, tx beredskap.StaffTx, email, address string, now time.Time) (time.Time, error) {
	until, err := tx.ThrottleBlockedUntil(ctx, accountKey(email, address))
	if err != nil || !now.Before(until) {
		return time.Time{}, err
	}
	return until, nil
}

// failedOnAccount counts a failed attempt (a wrong password or code) on
// email from address. From the Config.DelayAfter-th failure within
// Config.FailureWindow on, the pair must wait before its next attempt: the
// wait starts at Config.DelayFirst and doubles with each further failure,
// up to Config.DelayMax. Attempts on the account from other addresses are
// not slowed, so that no one can lock a colleague out. It returns until
// when the pair now waits, or zero.
func (s *Service) failedOnAccount(ctx context.Context, tx beredskap.StaffTx, email, address string, now time.Time) (time.Time, error) {
	key := accountKey(email, address)
	n, _, err := tx.HitThrottle(ctx, key, now, s.cfg.FailureWindow)
	if err != nil || n < s.cfg.DelayAfter {
		return time.Time{}, err
	}
	until := now.Add(s.delay(n))
	return until, tx.BlockThrottle(ctx, key, until)
}

// delay returns the wait after the failures-th failed attempt.
func (s *Service) delay(failures int) time.Duration {
	d := s.cfg.DelayFirst
	for i := s.cfg.DelayAfter; i < failures && d < s.cfg.DelayMax; i++ {
		d *= 2
	}
	return min(d, s.cfg.DelayMax)
}

// delayedDetail is the audit detail of a failure that started a wait.
func delayedDetail(until time.Time) string {
	return fmt.Sprintf("; attempts on this account from this address wait until %s", until.UTC().Format(time.RFC3339))
}
