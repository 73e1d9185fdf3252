package web

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"beredskap"
	"beredskap/intake"
	"beredskap/mail"
	"beredskap/sqlite"
	"beredskap/staff"
)

// confirmsLater is a staff store that says it confirms auth epochs in its
// transactions but does not, so that a pending authentication reaches
// confirmAuth unconfirmed.
type confirmsLater struct{ beredskap.StaffStore }

func (confirmsLater) ConfirmsAuthEpoch() {}

// A GET whose token was taken from memory answers only once the auth
// epoch is confirmed: as it was, when it stands; afresh, with the token's
// user as it is now, when the user changed; as without a valid token when
// another process revoked the token, with nothing of the handler's answer
// (issue 15, item 11).
func TestPendingTokenConfirmedBeforeAnswer(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	store := confirmsLater{sqlite.NewStaffStore(db, time.Now)}
	svc := staff.New(store, mail.Dir{Path: t.TempDir()}, time.Now, staff.Config{}, nil)
	other := staff.New(store, mail.Dir{Path: t.TempDir()}, time.Now, staff.Config{}, nil)
	s := NewServer(Config{}, &intake.Intake{}, svc, nil, slog.New(slog.DiscardHandler))
	sys := beredskap.WithActor(ctx, beredskap.SystemActor())
	u, err := svc.AddUser(sys, staff.NewUser{Email: "lege@oslo.example.no", FirstName: "Lege", LastName: "Oslo",
		Role: beredskap.RoleMunicipalOfficer, Scope: beredskap.Scope{Kind: beredskap.ScopeMunicipality, Code: "0301"}})
	if err != nil {
		t.Fatal(err)
	}
	bearer, tok, err := svc.CreateToken(sys, u.Email, "script", 0)
	if err != nil {
		t.Fatal(err)
	}
	get := func() *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, "/api/v1/registrations?municipality=0301", nil)
		req.Header.Set("Authorization", "Bearer "+bearer)
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		return rec
	}
	for _, step := range []string{"first use", "taken from memory"} {
		if rec := get(); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"items"`) {
			t.Fatalf("%s: status %d, %s; want 200 with items", step, rec.Code, rec.Body)
		}
	}
	err = store.Update(ctx, func(ctx context.Context, tx beredskap.StaffTx) error {
		u, err := tx.FindUser(ctx, u.ID)
		if err != nil {
			return err
		}
		u.Position = "kommuneoverlege"
		return tx.UpdateUser(ctx, u)
	})
	if err != nil {
		t.Fatal(err)
	}
	if rec := get(); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"items"`) {
		t.Fatalf("after the user changed: status %d, %s; want 200 with items", rec.Code, rec.Body)
	}
	if err := other.RevokeToken(sys, tok.ID); err != nil {
		t.Fatal(err)
	}
	rec := get()
	if rec.Code != http.StatusUnauthorized || rec.Header().Get("WWW-Authenticate") == "" {
		t.Errorf("after another process revoked the token: status %d, WWW-Authenticate %q; want 401 with it",
			rec.Code, rec.Header().Get("WWW-Authenticate"))
	}
	if body := rec.Body.String(); strings.Contains(body, `"items"`) || strings.Count(body, `"error"`) != 1 {
		t.Errorf("after the token was revoked the answer is %s; want one error and no items", body)
	}
}
