package auth

import (
	"fmt"
	"unicode/utf8"

	"github.com/alexedwards/argon2id"

	"beredskap"
)

// PasswordParams are the argon2id cost parameters of a new password hash.
// Memory is in KiB. Existing hashes carry their own parameters, so changing
// these only affects hashes made afterwards.
type PasswordParams struct {
	Memory      uint32 // KiB
	Iterations  uint32
	Parallelism uint8
	SaltLength  uint32 // bytes
	KeyLength   uint32 // bytes
}

// DefaultPasswordParams are 64 MiB, three passes and two lanes, with a
// 16-byte salt and a 32-byte key. That is RFC 9106's second recommended
// option (64 MiB, t=3) with the lanes cut from four to the two cores of the
// servers, and well above OWASP's floor (19 MiB, t=2, p=1). Measured with
// BenchmarkHashPassword and BenchmarkCheckPassword on the shared 2-core
// build machines it costs 100–185 ms (noisy; 98–140 ms when quiet) and
// 64 MiB per attempt: quick enough for a person logging in, while each
// guess against a stolen hash costs an attacker as much. Each check holds
// 64 MiB while it runs, so the login handler should bound how many run at
// once besides limiting attempts per address and per account.
var DefaultPasswordParams = PasswordParams{
	Memory:      64 * 1024,
	Iterations:  3,
	Parallelism: 2,
	SaltLength:  16,
	KeyLength:   32,
}

// Password policy limits, after NIST SP 800-63B: a minimum length and a
// generous maximum, no composition rules.
const (
	MinPasswordRunes = 12
	MaxPasswordBytes = 256
)

// HashPassword returns password hashed with argon2id under p and a random
// salt, encoded as a PHC string ($argon2id$v=19$m=...,t=...,p=...$salt$key).
// It returns an error only when p is unusable or the random source fails.
func HashPassword(password string, p PasswordParams) (string, error) {
	if p.Memory == 0 || p.Iterations == 0 || p.Parallelism == 0 || p.SaltLength == 0 || p.KeyLength == 0 {
		return "", fmt.Errorf("hash password: incomplete argon2id parameters %+v", p)
	}
	h, err := argon2id.CreateHash(password, &argon2id.Params{
		Memory:      p.Memory,
		Iterations:  p.Iterations,
		Parallelism: p.Parallelism,
		SaltLength:  p.SaltLength,
		KeyLength:   p.KeyLength,
	})
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return h, nil
}

// CheckPassword reports whether password matches encoded, a PHC string made
// by HashPassword with whatever parameters it carries. The comparison is in
// constant time. It returns an error when encoded is not an argon2id hash.
func CheckPassword(password, encoded string) (bool, error) {
	ok, err := argon2id.ComparePasswordAndHash(password, encoded)
	if err != nil {
		return false, fmt.Errorf("check password: %w", err)
	}
	return ok, nil
}

// CheckPasswordPolicy returns nil when password may be chosen, and
// otherwise a *beredskap.Error EINVALID on field "password" with reason
// "too_short" (fewer than MinPasswordRunes characters) or "too_long" (more
// than MaxPasswordBytes bytes).
func CheckPasswordPolicy(password string) error {
	if len(password) > MaxPasswordBytes {
		return beredskap.Invalid("password", "too_long",
			fmt.Sprintf("the password must be at most %d bytes", MaxPasswordBytes))
	}
	if utf8.RuneCountInString(password) < MinPasswordRunes {
		return beredskap.Invalid("password", "too_short",
			fmt.Sprintf("the password must be at least %d characters", MinPasswordRunes))
	}
	return nil
}
