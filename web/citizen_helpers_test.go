package web_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"log/slog"
	"strconv"
	"sync"
	"testing"
	"time"

	"beredskap"
	"beredskap/auditlog"
	"beredskap/auth"
	"beredskap/auth/oidctest"
	"beredskap/citizen"
	"beredskap/mailbox"
	"beredskap/web"
)

// citizenServices remembers the citizen service of each test server that
// has one.
var citizenServices sync.Map // *testServer → *citizen.Service

// citizensOf returns the citizen service of ts.
func citizensOf(tb testing.TB, ts *testServer) *citizen.Service {
	tb.Helper()
	svc, ok := citizenServices.Load(ts)
	if !ok {
		tb.Fatal("the server has no citizen service")
	}
	return svc.(*citizen.Service)
}

// withCitizens returns the configure option that gives the server a
// citizen service on its own store, delivering to mb, and citizen login
// through provider.
func withCitizens(provider *oidctest.Provider, mb mailbox.Mailbox) func(tb testing.TB, ts *testServer, cfg *web.Config) {
	return func(tb testing.TB, ts *testServer, cfg *web.Config) {
		store, ok := ts.StaffStore.(beredskap.CitizenStore)
		if !ok {
			tb.Fatal("the staff store keeps no citizen cases")
		}
		key := make([]byte, 32)
		for i := range key {
			key[i] = byte(i + 1)
		}
		signer := auditSignerFor(tb, ts)
		prover := &auditlog.Prover{Store: signer.Store, LogKey: signer.Verifier, VKey: auditVKeys[signer]}
		svc, err := citizen.New(store, mb, time.Now, citizen.Config{
			BaseURL: cfg.BaseURL, AttachmentKey: key, AllowSyntheticIDs: true, AuditProofs: prover, Text: web.CitizenText,
		}, nil)
		if err != nil {
			tb.Fatal(err)
		}
		citizenServices.Store(ts, svc)
		tb.Cleanup(func() { citizenServices.Delete(ts) })
		cfg.Citizens = svc
		pc := provider.Config(cfg.BaseURL + "/citizen/login/callback")
		pc.Claim = "pid"
		o, err := auth.NewOIDC(tb.Context(), pc)
		if err != nil {
			tb.Fatal(err)
		}
		cfg.CitizenOIDC = o
	}
}

// auditSigners remembers the audit checkpoint signer of each test server
// with a citizen service, and auditVKeys each signer's verifier key.
var (
	auditSigners sync.Map // *testServer → *auditlog.Checkpointer
	auditVKeys   = map[*auditlog.Checkpointer]string{}
	auditVKeysMu sync.Mutex
)

// auditSignerFor makes a checkpoint signer of the server's audit log with
// a new key, kept in a directory of the test.
func auditSignerFor(tb testing.TB, ts *testServer) *auditlog.Checkpointer {
	tb.Helper()
	skey, vkey, err := auditlog.GenerateKey("beredskap-audit-test")
	if err != nil {
		tb.Fatal(err)
	}
	s, err := auditlog.NewSigner(skey)
	if err != nil {
		tb.Fatal(err)
	}
	v, err := auditlog.NewVerifier(vkey)
	if err != nil {
		tb.Fatal(err)
	}
	c := &auditlog.Checkpointer{Store: ts.StaffStore.(auditlog.Source), Signer: s, Verifier: v,
		Keepers: []auditlog.Keeper{auditlog.Dir{Path: tb.TempDir()}}, Logger: slog.New(slog.DiscardHandler)}
	auditVKeysMu.Lock()
	auditVKeys[c] = vkey
	auditVKeysMu.Unlock()
	auditSigners.Store(ts, c)
	tb.Cleanup(func() { auditSigners.Delete(ts); c.Close() })
	return c
}

// signAudit signs a checkpoint of the server's audit log now.
func signAudit(tb testing.TB, ts *testServer) *auditlog.Checkpoint {
	tb.Helper()
	c, ok := auditSigners.Load(ts)
	if !ok {
		tb.Fatal("the server has no audit signer")
	}
	cp, err := c.(*auditlog.Checkpointer).Checkpoint(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	return cp
}

// testNationalID returns a national identity number of the birth date
// ddmmyy and individual number ind (three digits) with correct control
// digits, trying the next individual numbers when one gives none.
func testNationalID(ddmmyy string, ind int) string {
	w1 := []int{3, 7, 6, 1, 8, 9, 4, 5, 2}
	w2 := []int{5, 4, 3, 2, 7, 6, 5, 4, 3, 2}
	for ; ; ind++ {
		s := ddmmyy + strconv.Itoa(1000 + ind)[1:]
		k1 := control(s, w1)
		if k1 < 0 {
			continue
		}
		s += strconv.Itoa(k1)
		k2 := control(s, w2)
		if k2 < 0 {
			continue
		}
		return s + strconv.Itoa(k2)
	}
}

func control(s string, weights []int) int {
	sum := 0
	for i, w := range weights {
		sum += int(s[i]-'0') * w
	}
	k := 11 - sum%11
	switch k {
	case 11:
		return 0
	case 10:
		return -1
	}
	return k
}

// pngCopy is a small PNG image standing in for the copy of an identity
// document.
func pngCopy(tb testing.TB) []byte {
	tb.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 40, 25))
	for x := range 40 {
		for y := range 25 {
			img.Set(x, y, color.RGBA{R: uint8(6 * x), G: 120, B: uint8(9 * y), A: 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// mustCase registers a block case from a paper form as support and
// returns its id.
func mustCase(tb testing.TB, ts *testServer, support *staffUser) int64 {
	tb.Helper()
	c, err := citizensOf(tb, ts).RegisterCase(actorOf(tb, ts, support), citizen.CaseInput{
		Kind: beredskap.CaseBlock, NationalID: testNationalID("010190", 123), Name: "Kari Nordmann",
		DocumentKind: beredskap.IDPassport, DocumentExpires: time.Now().AddDate(2, 0, 0).Format(time.DateOnly),
		File: pngCopy(tb),
	})
	if err != nil {
		tb.Fatalf("register a case: %v", err)
	}
	return c.ID
}
