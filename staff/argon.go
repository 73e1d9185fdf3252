package staff

import (
	"context"
	"fmt"
	"runtime"

	"beredskap/auth"
)

// passwordSlots bounds how many argon2id computations run at once. Each
// holds Config.PasswordParams.Memory (64 MiB by default) while it runs, so a burst
// of logins from many addresses must queue rather than exhaust memory.
func newPasswordSlots() chan struct{} {
	return make(chan struct{}, max(2, runtime.NumCPU()))
}

// withPasswordSlot runs fn once a slot is free, or returns ctx's error
// when the request ends first.
func (s *Service) withPasswordSlot(ctx context.Context, fn func() error) error {
	select {
	case s.passwordSlots <- struct{}{}:
	case <-ctx.Done():
		return fmt.Errorf("wait for a password slot: %w", ctx.Err())
	}
	defer func() { <-s.passwordSlots }()
	return fn()
}

// checkPassword is auth.CheckPassword within a password slot.
func (s *Service) checkPassword(ctx context.Context, password, hash string) (ok bool, err error) {
	err = s.withPasswordSlot(ctx, func() error {
		ok, err = auth.CheckPassword(password, hash)
		return err
	})
	return ok, err
}

// hashPassword is auth.HashPassword with the configured parameters, within
// a password slot.
func (s *Service) hashPassword(ctx context.Context, password string) (hash string, err error) {
	err = s.withPasswordSlot(ctx, func() error {
		hash, err = auth.HashPassword(password, s.cfg.PasswordParams)
		return err
	})
	return hash, err
}
