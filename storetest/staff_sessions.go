package storetest

import (
	"context"
	"testing"
	"time"

	"beredskap"
)

func testRecoveryCodes(t *testing.T, h StaffHarness) {
	u := createUser(t, h, staffUser("ida@drammen.kommune.no", "Ida", "Moe"))
	other := createUser(t, h, staffUser("jon@drammen.kommune.no", "Jon", "Moe"))
	at := staffStart.Add(time.Hour)
	use := func(userID int64, hash string) bool {
		t.Helper()
		var ok bool
		update(t, h, func(ctx context.Context, tx beredskap.StaffTx) (err error) {
			ok, err = tx.UseRecoveryCode(ctx, userID, hash, at)
			return err
		})
		return ok
	}
	update(t, h, func(ctx context.Context, tx beredskap.StaffTx) error {
		if err := tx.ReplaceRecoveryCodes(ctx, u.ID, []string{"h1", "h2", "h3"}); err != nil {
			return err
		}
		return tx.ReplaceRecoveryCodes(ctx, other.ID, []string{"h4"})
	})
	if use(other.ID, "h1") {
		t.Error("another user's code worked")
	}
	if !use(u.ID, "h1") {
		t.Fatal("an unused code did not work")
	}
	if use(u.ID, "h1") {
		t.Error("a code worked twice")
	}
	if use(u.ID, "h4") || use(u.ID, "nope") {
		t.Error("an unknown code worked")
	}
	update(t, h, func(ctx context.Context, tx beredskap.StaffTx) error {
		return tx.ReplaceRecoveryCodes(ctx, u.ID, []string{"h5", "h1"})
	})
	if use(u.ID, "h2") {
		t.Error("a replaced code worked")
	}
	if !use(u.ID, "h1") || !use(u.ID, "h5") {
		t.Error("a new code did not work")
	}
	if !use(other.ID, "h4") {
		t.Error("replacing one user's codes touched another's")
	}
}

func testEnrolments(t *testing.T, h StaffHarness) {
	u := createUser(t, h, staffUser("nils@bodo.kommune.no", "Nils", "Vik"))
	e := &beredskap.Enrolment{Hash: "enrol-hash-1", UserID: u.ID, CreatedAt: staffStart, ExpiresAt: staffStart.Add(72 * time.Hour)}
	update(t, h, func(ctx context.Context, tx beredskap.StaffTx) error { return tx.CreateEnrolment(ctx, e) })
	find := func() *beredskap.Enrolment {
		var got *beredskap.Enrolment
		view(t, h, func(ctx context.Context, tx beredskap.StaffTx) (err error) {
			got, err = tx.FindEnrolment(ctx, e.Hash)
			return err
		})
		return got
	}
	if g, w := asJSON(t, find()), asJSON(t, e); g != w {
		t.Errorf("found enrolment\n got %s\nwant %s", g, w)
	}
	used := staffStart.Add(2 * time.Hour)
	update(t, h, func(ctx context.Context, tx beredskap.StaffTx) error { return tx.UseEnrolment(ctx, e.Hash, used) })
	if got := find(); got.UsedAt == nil || !got.UsedAt.Equal(used) {
		t.Errorf("UsedAt %v; want %v", got.UsedAt, used)
	}
	err := h.Store.Update(context.Background(), func(ctx context.Context, tx beredskap.StaffTx) error {
		return tx.UseEnrolment(ctx, e.Hash, used.Add(time.Minute))
	})
	wantCode(t, err, beredskap.ECONFLICT, "UseEnrolment of a used enrolment")
	if got := find(); !got.UsedAt.Equal(used) {
		t.Errorf("UsedAt %v after a second use; want the first, %v", got.UsedAt, used)
	}
	err = h.Store.Update(context.Background(), func(ctx context.Context, tx beredskap.StaffTx) error {
		return tx.UseEnrolment(ctx, "unknown", used)
	})
	wantCode(t, err, beredskap.ENOTFOUND, "UseEnrolment of an unknown hash")
	err = h.Store.View(context.Background(), func(ctx context.Context, tx beredskap.StaffTx) error {
		_, err := tx.FindEnrolment(ctx, "unknown")
		return err
	})
	wantCode(t, err, beredskap.ENOTFOUND, "FindEnrolment of an unknown hash")

	// RevokeEnrolments ends the unused links of one user only, and leaves
	// the time of a used one alone.
	other := createUser(t, h, staffUser("ola@bodo.kommune.no", "Ola", "Vik"))
	e2 := &beredskap.Enrolment{Hash: "enrol-hash-2", UserID: u.ID, CreatedAt: staffStart, ExpiresAt: staffStart.Add(72 * time.Hour)}
	e3 := &beredskap.Enrolment{Hash: "enrol-hash-3", UserID: u.ID, CreatedAt: staffStart, ExpiresAt: staffStart.Add(72 * time.Hour)}
	e4 := &beredskap.Enrolment{Hash: "enrol-hash-4", UserID: other.ID, CreatedAt: staffStart, ExpiresAt: staffStart.Add(72 * time.Hour)}
	revoked := staffStart.Add(3 * time.Hour)
	update(t, h, func(ctx context.Context, tx beredskap.StaffTx) error {
		for _, e := range []*beredskap.Enrolment{e2, e3, e4} {
			if err := tx.CreateEnrolment(ctx, e); err != nil {
				return err
			}
		}
		n, err := tx.RevokeEnrolments(ctx, u.ID, revoked)
		if n != 2 {
			t.Errorf("RevokeEnrolments = %d; want 2", n)
		}
		return err
	})
	view(t, h, func(ctx context.Context, tx beredskap.StaffTx) error {
		for hash, want := range map[string]*time.Time{e.Hash: &used, e2.Hash: &revoked, e3.Hash: &revoked, e4.Hash: nil} {
			got, err := tx.FindEnrolment(ctx, hash)
			if err != nil {
				return err
			}
			if (got.UsedAt == nil) != (want == nil) || (want != nil && !got.UsedAt.Equal(*want)) {
				t.Errorf("enrolment %s used at %v; want %v", hash, got.UsedAt, want)
			}
		}
		return nil
	})
}

func testSessions(t *testing.T, h StaffHarness) {
	u := createUser(t, h, staffUser("tor@alta.kommune.no", "Tor", "Eira"))
	other := createUser(t, h, staffUser("ane@alta.kommune.no", "Ane", "Eira"))
	g := addGrant(t, h, municipalGrant(u.ID, beredskap.RoleMunicipalStaff, "5601"))
	newSession := func(id string, userID int64) *beredskap.Session {
		return &beredskap.Session{ID: id, UserID: userID, Stage: beredskap.StageTOTP, CSRFToken: "csrf-" + id,
			CreatedAt: staffStart, LastSeenAt: staffStart, ExpiresAt: staffStart.Add(12 * time.Hour), Address: "192.0.2.10"}
	}
	s1, s2, s3 := newSession("s1", u.ID), newSession("s2", u.ID), newSession("s3", other.ID)
	update(t, h, func(ctx context.Context, tx beredskap.StaffTx) error {
		for _, s := range []*beredskap.Session{s1, s2, s3} {
			if err := tx.CreateSession(ctx, s); err != nil {
				return err
			}
		}
		return nil
	})
	find := func(id string) (*beredskap.Session, error) {
		var s *beredskap.Session
		err := h.Store.View(context.Background(), func(ctx context.Context, tx beredskap.StaffTx) (err error) {
			s, err = tx.FindSession(ctx, id)
			return err
		})
		return s, err
	}
	got, err := find("s1")
	if err != nil {
		t.Fatalf("FindSession: %v", err)
	}
	if g, w := asJSON(t, got), asJSON(t, s1); g != w {
		t.Errorf("found session\n got %s\nwant %s", g, w)
	}
	s1.Stage, s1.PendingTOTP = beredskap.StageEnrol, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
	update(t, h, func(ctx context.Context, tx beredskap.StaffTx) error { return tx.UpdateSession(ctx, s1) })
	if got, err := find("s1"); err != nil || asJSON(t, got) != asJSON(t, s1) {
		t.Errorf("session with a pending TOTP secret\n got %s (%v)\nwant %s", asJSON(t, got), err, asJSON(t, s1))
	}
	s1.GrantID, s1.Stage, s1.CSRFToken, s1.LastSeenAt = g.ID, beredskap.StageActive, "rotated", staffStart.Add(5*time.Minute)
	s1.PendingTOTP = ""
	update(t, h, func(ctx context.Context, tx beredskap.StaffTx) error { return tx.UpdateSession(ctx, s1) })
	if got, err := find("s1"); err != nil || asJSON(t, got) != asJSON(t, s1) {
		t.Errorf("updated session\n got %s (%v)\nwant %s", asJSON(t, got), err, asJSON(t, s1))
	}
	err = h.Store.Update(context.Background(), func(ctx context.Context, tx beredskap.StaffTx) error {
		return tx.CreateSession(ctx, newSession("s1", other.ID))
	})
	wantCode(t, err, beredskap.ECONFLICT, "CreateSession with a taken id")

	s4 := newSession("s4", u.ID)
	update(t, h, func(ctx context.Context, tx beredskap.StaffTx) error {
		if err := tx.CreateSession(ctx, s4); err != nil {
			return err
		}
		n, err := tx.DeleteOtherSessions(ctx, u.ID, "s1")
		if n != 2 {
			t.Errorf("DeleteOtherSessions = %d; want 2 (s2 and s4)", n)
		}
		return err
	})
	for id, want := range map[string]bool{"s1": true, "s2": false, "s3": true, "s4": false} {
		if _, err := find(id); (err == nil) != want {
			t.Errorf("session %s after DeleteOtherSessions: %v; want kept %t", id, err, want)
		}
	}
	update(t, h, func(ctx context.Context, tx beredskap.StaffTx) error {
		n, err := tx.DeleteUserSessions(ctx, u.ID)
		if n != 1 {
			t.Errorf("DeleteUserSessions = %d; want 1", n)
		}
		return err
	})
	_, err = find("s1")
	wantCode(t, err, beredskap.ENOTFOUND, "FindSession after DeleteUserSessions")
	if _, err := find("s3"); err != nil {
		t.Errorf("another user's session: %v", err)
	}
	update(t, h, func(ctx context.Context, tx beredskap.StaffTx) error {
		if n, err := tx.DeleteUserSessions(ctx, u.ID); err != nil || n != 0 {
			t.Errorf("DeleteUserSessions again = %d, %v; want 0, nil", n, err)
		}
		return nil
	})
}

func testTokens(t *testing.T, h StaffHarness) {
	u := createUser(t, h, staffUser("robot@helfo.no", "Rapport", "Robot"))
	other := createUser(t, h, staffUser("robot2@helfo.no", "Rapport", "Robot 2"))
	g := addGrant(t, h, &beredskap.Grant{UserID: u.ID, Role: beredskap.RoleControlCentre,
		Scope: beredskap.Scope{Kind: beredskap.ScopeNational}, ValidFrom: staffStart, Provenance: "cli"})
	expires := staffStart.AddDate(1, 0, 0)
	toks := []*beredskap.APIToken{
		{UserID: u.ID, GrantID: g.ID, Name: "nightly", Hash: "th1", CreatedAt: staffStart, ExpiresAt: &expires},
		{UserID: u.ID, GrantID: g.ID, Name: "adhoc", Hash: "th2", CreatedAt: staffStart},
		{UserID: u.ID, GrantID: g.ID, Name: "old", Hash: "th3", CreatedAt: staffStart},
		{UserID: other.ID, GrantID: g.ID, Name: "theirs", Hash: "th4", CreatedAt: staffStart},
	}
	update(t, h, func(ctx context.Context, tx beredskap.StaffTx) error {
		for _, tok := range toks {
			if err := tx.CreateToken(ctx, tok); err != nil {
				return err
			}
			if tok.ID == 0 {
				t.Errorf("CreateToken left ID 0")
			}
		}
		return nil
	})
	byHash := func(hash string) *beredskap.APIToken {
		var tok *beredskap.APIToken
		view(t, h, func(ctx context.Context, tx beredskap.StaffTx) (err error) {
			tok, err = tx.FindTokenByHash(ctx, hash)
			return err
		})
		return tok
	}
	if g, w := asJSON(t, byHash("th1")), asJSON(t, toks[0]); g != w {
		t.Errorf("found token\n got %s\nwant %s", g, w)
	}
	err := h.Store.Update(context.Background(), func(ctx context.Context, tx beredskap.StaffTx) error {
		return tx.CreateToken(ctx, &beredskap.APIToken{UserID: u.ID, GrantID: g.ID, Name: "dup", Hash: "th1", CreatedAt: staffStart})
	})
	wantCode(t, err, beredskap.ECONFLICT, "CreateToken with a taken hash")
	err = h.Store.View(context.Background(), func(ctx context.Context, tx beredskap.StaffTx) error {
		_, err := tx.FindTokenByHash(ctx, "unknown")
		return err
	})
	wantCode(t, err, beredskap.ENOTFOUND, "FindTokenByHash of an unknown hash")

	used, revoked := staffStart.Add(time.Hour), staffStart.Add(2*time.Hour)
	update(t, h, func(ctx context.Context, tx beredskap.StaffTx) error {
		if err := tx.TouchToken(ctx, toks[0].ID, used); err != nil {
			return err
		}
		return tx.RevokeToken(ctx, toks[2].ID, revoked)
	})
	if got := byHash("th1"); got.LastUsedAt == nil || !got.LastUsedAt.Equal(used) || got.RevokedAt != nil {
		t.Errorf("touched token: LastUsedAt %v RevokedAt %v; want %v, nil", got.LastUsedAt, got.RevokedAt, used)
	}
	if got := byHash("th3"); got.RevokedAt == nil || !got.RevokedAt.Equal(revoked) {
		t.Errorf("revoked token: RevokedAt %v; want %v", got.RevokedAt, revoked)
	}
	later := revoked.Add(time.Hour)
	update(t, h, func(ctx context.Context, tx beredskap.StaffTx) error {
		n, err := tx.RevokeUserTokens(ctx, u.ID, later)
		if n != 2 {
			t.Errorf("RevokeUserTokens = %d; want 2 (one of three was revoked already)", n)
		}
		return err
	})
	if got := byHash("th3"); !got.RevokedAt.Equal(revoked) {
		t.Errorf("RevokeUserTokens moved an earlier revocation to %v", got.RevokedAt)
	}
	if got := byHash("th4"); got.RevokedAt != nil {
		t.Errorf("RevokeUserTokens revoked another user's token")
	}
	var list []*beredskap.APIToken
	view(t, h, func(ctx context.Context, tx beredskap.StaffTx) (err error) {
		list, err = tx.ListTokens(ctx, u.ID)
		return err
	})
	if len(list) != 3 || list[0].Hash != "th1" || list[1].Hash != "th2" || list[2].Hash != "th3" {
		t.Fatalf("ListTokens: %s; want th1, th2, th3", asJSON(t, list))
	}
	for _, tok := range list {
		if tok.RevokedAt == nil {
			t.Errorf("token %s unrevoked after RevokeUserTokens", tok.Name)
		}
	}
}
