package auth_test

import (
	"strings"
	"testing"

	"beredskap"
	"beredskap/auth"
)

// cheap keeps the functional tests fast; the benchmarks use the defaults.
var cheap = auth.PasswordParams{Memory: 1024, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}

func TestHashPassword(t *testing.T) {
	h, err := auth.HashPassword("correct horse battery staple", cheap)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=1024,t=1,p=1$") {
		t.Errorf("hash = %q, want a PHC argon2id string with m=1024,t=1,p=1", h)
	}
	h2, err := auth.HashPassword("correct horse battery staple", cheap)
	if err != nil {
		t.Fatal(err)
	}
	if h == h2 {
		t.Error("two hashes of one password are equal; the salt is not random")
	}
	for _, tc := range []struct {
		password string
		want     bool
	}{
		{"correct horse battery staple", true},
		{"correct horse battery stapl", false},
		{"Correct horse battery staple", false},
		{"", false},
	} {
		got, err := auth.CheckPassword(tc.password, h)
		if err != nil {
			t.Fatal(err)
		}
		if got != tc.want {
			t.Errorf("CheckPassword(%q) = %v, want %v", tc.password, got, tc.want)
		}
	}
}

func TestCheckPasswordUsesTheHashParams(t *testing.T) {
	other := auth.PasswordParams{Memory: 2048, Iterations: 2, Parallelism: 2, SaltLength: 8, KeyLength: 16}
	h, err := auth.HashPassword("ein langt passord", other)
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := auth.CheckPassword("ein langt passord", h); err != nil || !ok {
		t.Errorf("CheckPassword = %v, %v; want true, nil", ok, err)
	}
}

func TestCheckPasswordBadHash(t *testing.T) {
	for _, h := range []string{"", "plain", "$2a$10$abcdefghijklmnopqrstuv", "$argon2id$v=19$m=1024$x$y"} {
		if ok, err := auth.CheckPassword("whatever password", h); err == nil || ok {
			t.Errorf("CheckPassword(_, %q) = %v, %v; want false and an error", h, ok, err)
		}
	}
}

func TestHashPasswordBadParams(t *testing.T) {
	if _, err := auth.HashPassword("whatever password", auth.PasswordParams{}); err == nil {
		t.Error("HashPassword with zero params: no error")
	}
}

func TestCheckPasswordPolicy(t *testing.T) {
	for _, tc := range []struct {
		name, password, reason string
	}{
		{"empty", "", "too_short"},
		{"eleven", "abcdefghijk", "too_short"},
		{"twelve", "abcdefghijkl", ""},
		{"twelve runes, more bytes", "æøåæøåæøåæøå", ""},
		{"eleven runes of two bytes", "æøåæøåæøåæø", "too_short"},
		{"spaces count", "a b c d e f ", ""},
		{"256 bytes", strings.Repeat("x", 256), ""},
		{"257 bytes", strings.Repeat("x", 257), "too_long"},
		{"200 runes of two bytes", strings.Repeat("ø", 200), "too_long"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := auth.CheckPasswordPolicy(tc.password)
			if tc.reason == "" {
				if err != nil {
					t.Fatalf("err = %v, want nil", err)
				}
				return
			}
			e, ok := err.(*beredskap.Error)
			if !ok {
				t.Fatalf("err = %#v, want *beredskap.Error", err)
			}
			if e.Code != beredskap.EINVALID || e.Field != "password" || e.Reason != tc.reason {
				t.Errorf("got %s/%s/%s, want invalid/password/%s", e.Code, e.Field, e.Reason, tc.reason)
			}
		})
	}
}

func BenchmarkHashPassword(b *testing.B) {
	p := auth.DefaultPasswordParams
	for b.Loop() {
		if _, err := auth.HashPassword("correct horse battery staple", p); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(p.Memory)/1024, "MiB/op")
}

func BenchmarkCheckPassword(b *testing.B) {
	p := auth.DefaultPasswordParams
	h, err := auth.HashPassword("correct horse battery staple", p)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		ok, err := auth.CheckPassword("correct horse battery staple", h)
		if err != nil || !ok {
			b.Fatalf("CheckPassword = %v, %v", ok, err)
		}
	}
	b.ReportMetric(float64(p.Memory)/1024, "MiB/op")
}
