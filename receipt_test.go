package beredskap_test

import (
	"strings"
	"testing"

	"beredskap"
)

func TestNewReceiptIsValidAndDistinct(t *testing.T) {
	seen := map[string]bool{}
	for range 2000 {
		r := beredskap.NewReceipt()
		got, ok := beredskap.NormalizeReceipt(r)
		if !ok || got != r {
			t.Fatalf("NormalizeReceipt(%q) = %q, %v; want itself, true", r, got, ok)
		}
		if seen[r] {
			t.Fatalf("receipt %q generated twice", r)
		}
		seen[r] = true
	}
}

func TestNormalizeReceiptAcceptsLooseTyping(t *testing.T) {
	r := beredskap.NewReceipt()
	loose := strings.ToLower(strings.ReplaceAll(r, "-", " "))
	loose = strings.NewReplacer("0", "o", "1", "l").Replace(loose)
	if got, ok := beredskap.NormalizeReceipt(loose); !ok || got != r {
		t.Errorf("NormalizeReceipt(%q) = %q, %v; want %q, true", loose, got, ok, r)
	}
}

// The mod-37 check symbol must catch every single-symbol substitution and
// every transposition of two adjacent different symbols.
func TestNormalizeReceiptCatchesTypos(t *testing.T) {
	const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
	for range 50 {
		r := beredskap.NewReceipt()
		raw := []byte(strings.ReplaceAll(r, "-", ""))
		for i := 0; i < 10; i++ {
			for j := 0; j < len(alphabet); j++ {
				if alphabet[j] == raw[i] {
					continue
				}
				typo := append([]byte(nil), raw...)
				typo[i] = alphabet[j]
				if _, ok := beredskap.NormalizeReceipt(string(typo)); ok {
					t.Fatalf("substitution %q of %q accepted", typo, r)
				}
			}
			if i < 9 && raw[i] != raw[i+1] {
				swap := append([]byte(nil), raw...)
				swap[i], swap[i+1] = swap[i+1], swap[i]
				if _, ok := beredskap.NormalizeReceipt(string(swap)); ok {
					t.Fatalf("transposition %q of %q accepted", swap, r)
				}
			}
		}
	}
}

func FuzzNormalizeReceipt(f *testing.F) {
	f.Add(beredskap.NewReceipt())
	f.Add("abcde-fghjk-m")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := beredskap.NormalizeReceipt(s)
		if !ok {
			return
		}
		again, ok2 := beredskap.NormalizeReceipt(got)
		if !ok2 || again != got {
			t.Fatalf("normal form %q of %q does not normalise to itself", got, s)
		}
	})
}

// Receipts travel in URLs and are read aloud at the border: letters and
// digits only.
func TestNewReceiptUsesLettersAndDigitsOnly(t *testing.T) {
	for range 5000 {
		r := beredskap.NewReceipt()
		if strings.Trim(r, "0123456789ABCDEFGHJKMNPQRSTVWXYZ-") != "" {
			t.Fatalf("receipt %q has a symbol outside letters and digits", r)
		}
	}
}
