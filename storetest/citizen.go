package storetest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"beredskap"
)

// CitizenHarness is one fresh, empty CitizenStore under test with what the
// suite needs around it.
type CitizenHarness struct {
	// Store is the store under test.
	Store beredskap.CitizenStore
	// Registrations writes registrations into the same database, so that
	// RegistrationsOf in a CitizenTx sees them.
	Registrations beredskap.RegistrationService
	// Clock is the clock both Store and Registrations read. It must move
	// on by a positive step at each reading; StaffClock returns one.
	Clock *Clock
}

// TestCitizenStore runs the conformance suite for beredskap.CitizenStore
// against the harness that open returns, a fresh one (an empty database)
// for each subtest.
func TestCitizenStore(t *testing.T, open func(t *testing.T) CitizenHarness) {
	t.Run("CaseRoundTrip", func(t *testing.T) { testCaseRoundTrip(t, open(t)) })
	t.Run("CaseOpenConflict", func(t *testing.T) { testCaseOpenConflict(t, open(t)) })
	t.Run("CaseUpdate", func(t *testing.T) { testCaseUpdate(t, open(t)) })
	t.Run("ListCases", func(t *testing.T) { testListCases(t, open(t)) })
	t.Run("Attachments", func(t *testing.T) { testAttachments(t, open(t)) })
	t.Run("PrintLetters", func(t *testing.T) { testPrintLetters(t, open(t)) })
	t.Run("CitizenAccounts", func(t *testing.T) { testCitizenAccounts(t, open(t)) })
	t.Run("CitizenSessions", func(t *testing.T) { testCitizenSessions(t, open(t)) })
	t.Run("RegistrationsOf", func(t *testing.T) { testRegistrationsOf(t, open(t)) })
	t.Run("CitizenRollback", func(t *testing.T) { testCitizenRollback(t, open(t)) })
	t.Run("CitizenAudit", func(t *testing.T) { testCitizenAudit(t, open(t)) })
}

// updateCitizen runs fn in h.Store.UpdateCitizen and fails the test on an
// error.
func updateCitizen(t *testing.T, h CitizenHarness, fn func(ctx context.Context, tx beredskap.CitizenTx) error) {
	t.Helper()
	if err := h.Store.UpdateCitizen(context.Background(), fn); err != nil {
		t.Fatalf("UpdateCitizen: %v", err)
	}
}

// viewCitizen runs fn in h.Store.ViewCitizen and fails the test on an
// error.
func viewCitizen(t *testing.T, h CitizenHarness, fn func(ctx context.Context, tx beredskap.CitizenTx) error) {
	t.Helper()
	if err := h.Store.ViewCitizen(context.Background(), fn); err != nil {
		t.Fatalf("ViewCitizen: %v", err)
	}
}

// accessCase returns a received online case of the kind for the national
// identity number, due deadline days after the suite's start.
func accessCase(nationalID string, kind beredskap.CaseKind, deadline int) *beredskap.AccessCase {
	return &beredskap.AccessCase{
		Kind: kind, Status: beredskap.CaseReceived, NationalID: nationalID, Name: "Kari Nordmann " + nationalID,
		Channel: "online", DocumentKind: beredskap.IDPassport, DocumentExpires: "2030-06-30",
		Deadline: staffStart.Add(time.Duration(deadline) * 24 * time.Hour), FiledBy: "citizen",
	}
}

// createCase stores c with attachment a (when not nil) and fails the test
// on an error.
func createCase(t *testing.T, h CitizenHarness, c *beredskap.AccessCase, a *beredskap.Attachment) *beredskap.AccessCase {
	t.Helper()
	updateCitizen(t, h, func(ctx context.Context, tx beredskap.CitizenTx) error { return tx.CreateCase(ctx, c, a) })
	return c
}

// findCase returns the stored case with the id.
func findCase(t *testing.T, h CitizenHarness, id int64) *beredskap.AccessCase {
	t.Helper()
	var c *beredskap.AccessCase
	viewCitizen(t, h, func(ctx context.Context, tx beredskap.CitizenTx) (err error) {
		c, err = tx.FindCase(ctx, id)
		return err
	})
	return c
}

// caseIDs returns the ids of cases, in order.
func caseIDs(cases []*beredskap.AccessCase) []int64 {
	ids := make([]int64, len(cases))
	for i, c := range cases {
		ids[i] = c.ID
	}
	return ids
}

func testCaseRoundTrip(t *testing.T, h CitizenHarness) {
	c := createCase(t, h, accessCase("01017012345", beredskap.CaseBlock, 30), nil)
	if c.ID == 0 || c.CreatedAt.IsZero() || !c.UpdatedAt.Equal(c.CreatedAt) {
		t.Fatalf("created case: ID %d, CreatedAt %v, UpdatedAt %v; want them set", c.ID, c.CreatedAt, c.UpdatedAt)
	}
	if want := fmt.Sprintf("%d-%06d", c.CreatedAt.Year(), c.ID); c.Number != want {
		t.Errorf("Number %q; want %q", c.Number, want)
	}
	if got := findCase(t, h, c.ID); asJSON(t, got) != asJSON(t, c) {
		t.Errorf("FindCase\n got %s\nwant %s", asJSON(t, got), asJSON(t, c))
	}
	// A case with every optional field set keeps them all.
	at := staffStart.Add(90 * time.Minute)
	full := accessCase("02028012345", beredskap.CaseReopen, 20)
	full.Channel, full.SuspectedMisuse, full.DocumentKind = "paper", true, beredskap.IDDrivingLicence
	full.FiledBy, full.DecidedBy, full.Reason = "support@helfo.no", "boss@helfo.no", "why"
	full.Status, full.CodeHash, full.CodeAttempts = beredskap.CaseAwaitingCode, "abc123", 2
	full.CodeExpiresAt, full.CreatedAt, full.UpdatedAt = ptr(at.Add(time.Hour)), at, at.Add(time.Minute)
	createCase(t, h, full, nil)
	if !full.CreatedAt.Equal(at) {
		t.Errorf("CreatedAt %v; want the given %v", full.CreatedAt, at)
	}
	viewCitizen(t, h, func(ctx context.Context, tx beredskap.CitizenTx) error {
		got, err := tx.FindCaseByNumber(ctx, full.Number)
		if err != nil {
			return err
		}
		if asJSON(t, got) != asJSON(t, full) {
			t.Errorf("FindCaseByNumber\n got %s\nwant %s", asJSON(t, got), asJSON(t, full))
		}
		_, err = tx.FindCase(ctx, full.ID+100)
		wantCode(t, err, beredskap.ENOTFOUND, "FindCase of an unknown id")
		_, err = tx.FindCaseByNumber(ctx, "1999-000001")
		wantCode(t, err, beredskap.ENOTFOUND, "FindCaseByNumber of an unknown number")
		return nil
	})
	if c.Number == full.Number {
		t.Errorf("two cases share the number %q", c.Number)
	}
}

func testCaseOpenConflict(t *testing.T, h CitizenHarness) {
	const person = "01017012345"
	first := createCase(t, h, accessCase(person, beredskap.CaseBlock, 30), nil)
	updateCitizen(t, h, func(ctx context.Context, tx beredskap.CitizenTx) error {
		err := tx.CreateCase(ctx, accessCase(person, beredskap.CaseBlock, 31), &beredskap.Attachment{
			MediaType: "image/png", Size: 3, Nonce: []byte("n"), Ciphertext: []byte("c"),
		})
		wantCode(t, err, beredskap.ECONFLICT, "a second open block case")
		// The transaction is still usable after the conflict.
		return tx.CreateCase(ctx, accessCase(person, beredskap.CaseReopen, 30), nil)
	})
	updateCitizen(t, h, func(ctx context.Context, tx beredskap.CitizenTx) error {
		cases, _, err := tx.ListCases(ctx, beredskap.CaseFilter{NationalID: person})
		if err == nil && len(cases) != 2 {
			t.Errorf("%d cases of the person; want the block and the reopen case", len(cases))
		}
		return err
	})
	// An awaiting_code case is open too.
	first.Status = beredskap.CaseAwaitingCode
	updateCitizen(t, h, func(ctx context.Context, tx beredskap.CitizenTx) error { return tx.UpdateCase(ctx, first) })
	err := h.Store.UpdateCitizen(context.Background(), func(ctx context.Context, tx beredskap.CitizenTx) error {
		return tx.CreateCase(ctx, accessCase(person, beredskap.CaseBlock, 32), nil)
	})
	wantCode(t, err, beredskap.ECONFLICT, "a block case while one awaits its code")
	// Once the first is completed, a new case of its kind may be filed.
	first.Status, first.ClosedAt = beredskap.CaseCompleted, ptr(staffStart.Add(time.Hour))
	updateCitizen(t, h, func(ctx context.Context, tx beredskap.CitizenTx) error { return tx.UpdateCase(ctx, first) })
	again := createCase(t, h, accessCase(person, beredskap.CaseBlock, 33), nil)
	if again.ID == first.ID {
		t.Error("the new case reused the id of the completed one")
	}
	// Reopening the completed case while the new one is open is ECONFLICT.
	first.Status, first.ClosedAt = beredskap.CaseReceived, nil
	err = h.Store.UpdateCitizen(context.Background(), func(ctx context.Context, tx beredskap.CitizenTx) error {
		return tx.UpdateCase(ctx, first)
	})
	wantCode(t, err, beredskap.ECONFLICT, "UpdateCase reopening a second open case")
}

func testCaseUpdate(t *testing.T, h CitizenHarness) {
	c := createCase(t, h, accessCase("01017012345", beredskap.CaseReopen, 30), nil)
	want := *c
	decided := staffStart.Add(2 * time.Hour)
	want.Status, want.DecidedBy, want.Reason = beredskap.CaseAwaitingCode, "boss@helfo.no", "approved"
	want.CodeHash, want.CodeExpiresAt, want.CodeAttempts = "f00d", ptr(decided.Add(14*24*time.Hour)), 1
	want.UpdatedAt, want.ClosedAt = decided, ptr(decided.Add(time.Minute))
	// Fields UpdateCase does not store keep their values.
	changed := want
	changed.Name, changed.NationalID, changed.Deadline, changed.CreatedAt = "Someone Else", "99999999999", decided, decided
	updateCitizen(t, h, func(ctx context.Context, tx beredskap.CitizenTx) error { return tx.UpdateCase(ctx, &changed) })
	if got := findCase(t, h, c.ID); asJSON(t, got) != asJSON(t, &want) {
		t.Errorf("case after UpdateCase\n got %s\nwant %s", asJSON(t, got), asJSON(t, &want))
	}
	// A zero UpdatedAt is the clock's time.
	changed = want
	changed.UpdatedAt = time.Time{}
	updateCitizen(t, h, func(ctx context.Context, tx beredskap.CitizenTx) error { return tx.UpdateCase(ctx, &changed) })
	if got := findCase(t, h, c.ID); got.UpdatedAt.IsZero() || !got.UpdatedAt.Equal(changed.UpdatedAt) {
		t.Errorf("UpdatedAt %v; want the clock's %v", got.UpdatedAt, changed.UpdatedAt)
	}
	err := h.Store.UpdateCitizen(context.Background(), func(ctx context.Context, tx beredskap.CitizenTx) error {
		return tx.UpdateCase(ctx, &beredskap.AccessCase{ID: c.ID + 100, Status: beredskap.CaseRejected})
	})
	wantCode(t, err, beredskap.ENOTFOUND, "UpdateCase of an unknown case")
}

func testListCases(t *testing.T, h CitizenHarness) {
	// Deadlines out of creation order, two of them equal.
	days := []int{30, 10, 20, 10, 25}
	var cases []*beredskap.AccessCase
	for i, d := range days {
		cases = append(cases, createCase(t, h, accessCase(fmt.Sprintf("0101701%04d", i), beredskap.CaseBlock, d), nil))
	}
	cases[2].Status = beredskap.CaseRejected
	updateCitizen(t, h, func(ctx context.Context, tx beredskap.CitizenTx) error { return tx.UpdateCase(ctx, cases[2]) })
	byDeadline := []int64{cases[1].ID, cases[3].ID, cases[2].ID, cases[4].ID, cases[0].ID}

	viewCitizen(t, h, func(ctx context.Context, tx beredskap.CitizenTx) error {
		var got []int64
		token := ""
		for page := 0; ; page++ {
			list, next, err := tx.ListCases(ctx, beredskap.CaseFilter{Limit: 2, PageToken: token})
			if err != nil {
				return err
			}
			if len(list) > 2 || page > 3 {
				t.Fatalf("page %d has %d cases", page, len(list))
			}
			got = append(got, caseIDs(list)...)
			if next == "" {
				break
			}
			token = next
		}
		if fmt.Sprint(got) != fmt.Sprint(byDeadline) {
			t.Errorf("ListCases by pages: %v; want %v", got, byDeadline)
		}
		open, _, err := tx.ListCases(ctx, beredskap.CaseFilter{
			Statuses: []beredskap.CaseStatus{beredskap.CaseReceived, beredskap.CaseAwaitingCode}})
		if err != nil {
			return err
		}
		if want := []int64{cases[1].ID, cases[3].ID, cases[4].ID, cases[0].ID}; fmt.Sprint(caseIDs(open)) != fmt.Sprint(want) {
			t.Errorf("open cases: %v; want %v", caseIDs(open), want)
		}
		rejected, _, err := tx.ListCases(ctx, beredskap.CaseFilter{Statuses: []beredskap.CaseStatus{beredskap.CaseRejected}})
		if err != nil {
			return err
		}
		if len(rejected) != 1 || asJSON(t, rejected[0]) != asJSON(t, cases[2]) {
			t.Errorf("rejected cases: %s; want %s", asJSON(t, rejected), asJSON(t, cases[2]))
		}
		mine, next, err := tx.ListCases(ctx, beredskap.CaseFilter{NationalID: cases[4].NationalID})
		if err != nil {
			return err
		}
		if len(mine) != 1 || mine[0].ID != cases[4].ID || next != "" {
			t.Errorf("cases of one person: %v, next %q; want [%d]", caseIDs(mine), next, cases[4].ID)
		}
		_, _, err = tx.ListCases(ctx, beredskap.CaseFilter{PageToken: "not a token!"})
		wantCode(t, err, beredskap.EINVALID, "ListCases with a malformed token")
		return nil
	})
}

func testAttachments(t *testing.T, h CitizenHarness) {
	a := &beredskap.Attachment{MediaType: "application/pdf", Size: 12345,
		Nonce: []byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, Ciphertext: []byte{0, 255, 7, 0, 42}}
	c := createCase(t, h, accessCase("01017012345", beredskap.CaseBlock, 30), a)
	other := createCase(t, h, accessCase("02028012345", beredskap.CaseBlock, 30), nil)
	if a.CaseID != c.ID {
		t.Errorf("attachment CaseID %d; want the case's %d", a.CaseID, c.ID)
	}
	viewCitizen(t, h, func(ctx context.Context, tx beredskap.CitizenTx) error {
		got, err := tx.FindAttachment(ctx, c.ID)
		if err != nil {
			return err
		}
		if asJSON(t, got) != asJSON(t, a) {
			t.Errorf("FindAttachment\n got %s\nwant %s", asJSON(t, got), asJSON(t, a))
		}
		_, err = tx.FindAttachment(ctx, other.ID)
		wantCode(t, err, beredskap.ENOTFOUND, "FindAttachment of a case without one")
		return nil
	})
	updateCitizen(t, h, func(ctx context.Context, tx beredskap.CitizenTx) error {
		if err := tx.DeleteAttachment(ctx, c.ID); err != nil {
			return err
		}
		if err := tx.DeleteAttachment(ctx, c.ID); err != nil {
			return fmt.Errorf("deleting a deleted attachment: %w", err)
		}
		return tx.DeleteAttachment(ctx, other.ID)
	})
	viewCitizen(t, h, func(ctx context.Context, tx beredskap.CitizenTx) error {
		_, err := tx.FindAttachment(ctx, c.ID)
		wantCode(t, err, beredskap.ENOTFOUND, "FindAttachment after DeleteAttachment")
		_, err = tx.FindCase(ctx, c.ID)
		return err
	})
}

// testPrintLetters checks the letters citizen support prints: listed
// waiting oldest first with whether they carry the address, downloaded
// (counted, the first dated) and downloadable again, then listed as
// printed, the last printed first; a case has one letter.
func testPrintLetters(t *testing.T, h CitizenHarness) {
	first := createCase(t, h, accessCase("01017012345", beredskap.CaseReopen, 30), nil)
	second := createCase(t, h, accessCase("02028012345", beredskap.CaseReopen, 10), nil)
	third := createCase(t, h, accessCase("03039012345", beredskap.CaseBlock, 20), nil)
	letter := func(c *beredskap.AccessCase, addressed bool) *beredskap.PrintLetter {
		return &beredskap.PrintLetter{AddressKnown: addressed, Attachment: beredskap.Attachment{CaseID: c.ID,
			MediaType: "application/pdf", Size: 2048, Nonce: []byte("nonce-" + c.Number), Ciphertext: []byte("sealed letter of " + c.Number)}}
	}
	// The second case's letter is written first, so it is the oldest; the
	// first case's letter has no address.
	l2, l1, l3 := letter(second, true), letter(first, false), letter(third, true)
	for _, l := range []*beredskap.PrintLetter{l2, l1, l3} {
		updateCitizen(t, h, func(ctx context.Context, tx beredskap.CitizenTx) error { return tx.CreatePrintLetter(ctx, l) })
		if l.CreatedAt.IsZero() {
			t.Errorf("CreatePrintLetter of case %d set no CreatedAt", l.CaseID)
		}
	}
	err := h.Store.UpdateCitizen(context.Background(), func(ctx context.Context, tx beredskap.CitizenTx) error {
		return tx.CreatePrintLetter(ctx, letter(first, true))
	})
	wantCode(t, err, beredskap.ECONFLICT, "CreatePrintLetter a second time for a case")

	list := func() []*beredskap.PrintLetter {
		t.Helper()
		var letters []*beredskap.PrintLetter
		viewCitizen(t, h, func(ctx context.Context, tx beredskap.CitizenTx) (err error) {
			letters, err = tx.ListPrintLetters(ctx)
			return err
		})
		return letters
	}
	describe := func(ls []*beredskap.PrintLetter) string {
		var parts []string
		for _, l := range ls {
			printed := "waiting"
			if l.PrintedAt != nil {
				printed = "printed " + l.PrintedAt.UTC().Format(time.RFC3339Nano)
			}
			parts = append(parts, fmt.Sprintf("case %d (%s) addressed=%v %s downloads=%d", l.CaseID, l.Case.Number, l.AddressKnown, printed, l.Downloads))
		}
		return strings.Join(parts, "; ")
	}
	got := list()
	want := fmt.Sprintf("case %d (%s) addressed=true waiting downloads=0; case %d (%s) addressed=false waiting downloads=0; case %d (%s) addressed=true waiting downloads=0",
		second.ID, second.Number, first.ID, first.Number, third.ID, third.Number)
	if describe(got) != want {
		t.Errorf("ListPrintLetters:\n got %s\nwant %s (oldest letter first)", describe(got), want)
	}
	if len(got) == 3 && !got[0].CreatedAt.Equal(l2.CreatedAt) {
		t.Errorf("listed letter created %v; want %v", got[0].CreatedAt, l2.CreatedAt)
	}

	download := func(c *beredskap.AccessCase) *beredskap.PrintLetter {
		t.Helper()
		var l *beredskap.PrintLetter
		updateCitizen(t, h, func(ctx context.Context, tx beredskap.CitizenTx) (err error) {
			l, err = tx.DownloadPrintLetter(ctx, c.ID)
			return err
		})
		return l
	}
	d1 := download(first)
	if string(d1.Ciphertext) != string(l1.Ciphertext) || string(d1.Nonce) != string(l1.Nonce) || d1.Size != l1.Size ||
		d1.MediaType != l1.MediaType || d1.AddressKnown || d1.Downloads != 1 || d1.PrintedAt == nil || !d1.CreatedAt.Equal(l1.CreatedAt) {
		t.Errorf("first DownloadPrintLetter: %s; want the stored letter, without address, 1 download, dated", asJSON(t, d1))
	}
	again := download(first)
	if string(again.Ciphertext) != string(l1.Ciphertext) || again.Downloads != 2 || again.PrintedAt == nil || d1.PrintedAt == nil ||
		!again.PrintedAt.Equal(*d1.PrintedAt) {
		t.Errorf("second DownloadPrintLetter: %s; want the same letter, 2 downloads, printed at the first", asJSON(t, again))
	}
	d3 := download(third)

	got = list()
	want = fmt.Sprintf("case %d (%s) addressed=true waiting downloads=0; case %d (%s) addressed=true printed %s downloads=1; case %d (%s) addressed=false printed %s downloads=2",
		second.ID, second.Number, third.ID, third.Number, d3.PrintedAt.UTC().Format(time.RFC3339Nano),
		first.ID, first.Number, d1.PrintedAt.UTC().Format(time.RFC3339Nano))
	if describe(got) != want {
		t.Errorf("ListPrintLetters after downloads:\n got %s\nwant %s (waiting first, then the last printed first)", describe(got), want)
	}
	err = h.Store.UpdateCitizen(context.Background(), func(ctx context.Context, tx beredskap.CitizenTx) error {
		_, err := tx.DownloadPrintLetter(ctx, 999999)
		return err
	})
	wantCode(t, err, beredskap.ENOTFOUND, "DownloadPrintLetter of a case without a letter")
}

func testCitizenAccounts(t *testing.T, h CitizenHarness) {
	const person = "01017012345"
	err := h.Store.ViewCitizen(context.Background(), func(ctx context.Context, tx beredskap.CitizenTx) error {
		_, err := tx.FindCitizen(ctx, person)
		return err
	})
	wantCode(t, err, beredskap.ENOTFOUND, "FindCitizen of an unknown person")
	find := func() *beredskap.CitizenAccount {
		t.Helper()
		var a *beredskap.CitizenAccount
		viewCitizen(t, h, func(ctx context.Context, tx beredskap.CitizenTx) (err error) {
			a, err = tx.FindCitizen(ctx, person)
			return err
		})
		return a
	}
	a := &beredskap.CitizenAccount{NationalID: person, Language: "nb"}
	updateCitizen(t, h, func(ctx context.Context, tx beredskap.CitizenTx) error { return tx.SaveCitizen(ctx, a) })
	if a.UpdatedAt.IsZero() {
		t.Error("SaveCitizen left a zero UpdatedAt")
	}
	if got := find(); asJSON(t, got) != asJSON(t, a) {
		t.Errorf("FindCitizen\n got %s\nwant %s", asJSON(t, got), asJSON(t, a))
	}
	at := staffStart.Add(3 * time.Hour)
	b := &beredskap.CitizenAccount{NationalID: person, Blocked: true, BlockedAt: ptr(at), BlockCaseID: 7,
		Language: "en", ConsentWithdrawnAt: ptr(at.Add(time.Minute)), UpdatedAt: at.Add(time.Minute)}
	updateCitizen(t, h, func(ctx context.Context, tx beredskap.CitizenTx) error { return tx.SaveCitizen(ctx, b) })
	if got := find(); asJSON(t, got) != asJSON(t, b) {
		t.Errorf("FindCitizen after a second save\n got %s\nwant %s", asJSON(t, got), asJSON(t, b))
	}
	b.Blocked, b.BlockedAt, b.ConsentWithdrawnAt = false, nil, nil
	updateCitizen(t, h, func(ctx context.Context, tx beredskap.CitizenTx) error { return tx.SaveCitizen(ctx, b) })
	if got := find(); got.Blocked || got.BlockedAt != nil || got.ConsentWithdrawnAt != nil {
		t.Errorf("account after reopening: %s; want it unblocked", asJSON(t, got))
	}
}

func testCitizenSessions(t *testing.T, h CitizenHarness) {
	const person, other = "01017012345", "02028012345"
	session := func(id, nationalID string) *beredskap.CitizenSession {
		return &beredskap.CitizenSession{ID: id, NationalID: nationalID, Name: "Kari Nordmann", CSRFToken: "csrf-" + id,
			ExpiresAt: staffStart.Add(8 * time.Hour)}
	}
	s1, s2, s3 := session("c1", person), session("c2", person), session("c3", other)
	updateCitizen(t, h, func(ctx context.Context, tx beredskap.CitizenTx) error {
		for _, s := range []*beredskap.CitizenSession{s1, s2, s3} {
			if err := tx.CreateCitizenSession(ctx, s); err != nil {
				return err
			}
		}
		return nil
	})
	if s1.CreatedAt.IsZero() || !s1.LastSeenAt.Equal(s1.CreatedAt) {
		t.Errorf("CreatedAt %v, LastSeenAt %v; want the clock's time in both", s1.CreatedAt, s1.LastSeenAt)
	}
	err := h.Store.UpdateCitizen(context.Background(), func(ctx context.Context, tx beredskap.CitizenTx) error {
		return tx.CreateCitizenSession(ctx, session("c1", other))
	})
	wantCode(t, err, beredskap.ECONFLICT, "CreateCitizenSession with a taken id")
	find := func(id string) (*beredskap.CitizenSession, error) {
		var s *beredskap.CitizenSession
		err := h.Store.ViewCitizen(context.Background(), func(ctx context.Context, tx beredskap.CitizenTx) (err error) {
			s, err = tx.FindCitizenSession(ctx, id)
			return err
		})
		return s, err
	}
	if got, err := find("c1"); err != nil || asJSON(t, got) != asJSON(t, s1) {
		t.Errorf("FindCitizenSession: %s, %v; want %s", asJSON(t, got), err, asJSON(t, s1))
	}
	seen := staffStart.Add(time.Hour + 1500*time.Microsecond)
	updateCitizen(t, h, func(ctx context.Context, tx beredskap.CitizenTx) error {
		return tx.TouchCitizenSession(ctx, "c1", seen)
	})
	if got, err := find("c1"); err != nil || !got.LastSeenAt.Equal(seen) {
		t.Errorf("LastSeenAt after a touch: %v, %v; want %v", got, err, seen)
	}
	err = h.Store.UpdateCitizen(context.Background(), func(ctx context.Context, tx beredskap.CitizenTx) error {
		wantCode(t, tx.TouchCitizenSession(ctx, "nope", seen), beredskap.ENOTFOUND, "TouchCitizenSession of an unknown session")
		wantCode(t, tx.DeleteCitizenSession(ctx, "nope"), beredskap.ENOTFOUND, "DeleteCitizenSession of an unknown session")
		if err := tx.DeleteCitizenSession(ctx, "c3"); err != nil {
			return err
		}
		n, err := tx.DeleteCitizenSessions(ctx, person)
		if err == nil && n != 2 {
			t.Errorf("DeleteCitizenSessions: %d; want 2", n)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"c1", "c2", "c3"} {
		_, err := find(id)
		wantCode(t, err, beredskap.ENOTFOUND, "FindCitizenSession of a deleted session")
	}
	updateCitizen(t, h, func(ctx context.Context, tx beredskap.CitizenTx) error {
		n, err := tx.DeleteCitizenSessions(ctx, person)
		if err == nil && n != 0 {
			t.Errorf("DeleteCitizenSessions with none left: %d; want 0", n)
		}
		return err
	})
}

func testRegistrationsOf(t *testing.T, h CitizenHarness) {
	const anna, ola = "01019012345", "02029012345"
	var annas []*beredskap.StoredRegistration
	for i := range 4 {
		n := newRegistration(i, "0301", "", "")
		n.Registration.Traveller.NationalID = anna
		annas = append(annas, mustCreate(t, h.Registrations, n))
		n = newRegistration(10+i, "4601", "", "")
		n.Registration.Traveller.NationalID = ola
		mustCreate(t, h.Registrations, n)
	}
	mustCreate(t, h.Registrations, newRegistration(20, "0301", "", "")) // no national identity number
	viewCitizen(t, h, func(ctx context.Context, tx beredskap.CitizenTx) error {
		regs, err := tx.RegistrationsOf(ctx, anna)
		if err != nil {
			return err
		}
		if len(regs) != len(annas) {
			t.Fatalf("RegistrationsOf: %d; want %d", len(regs), len(annas))
		}
		for i, reg := range regs {
			if want := annas[len(annas)-1-i]; asJSON(t, reg) != asJSON(t, want) {
				t.Errorf("registration %d\n got %s\nwant %s", i, asJSON(t, reg), asJSON(t, want))
			}
		}
		none, err := tx.RegistrationsOf(ctx, "03039012345")
		if err != nil || len(none) != 0 {
			t.Errorf("RegistrationsOf someone without any: %d, %v; want none", len(none), err)
		}
		_, err = tx.RegistrationsOf(ctx, "")
		wantCode(t, err, beredskap.EINVALID, "RegistrationsOf an empty number")
		return nil
	})
}

func testCitizenRollback(t *testing.T, h CitizenHarness) {
	const person = "01017012345"
	failed := fmt.Errorf("the work failed")
	err := h.Store.UpdateCitizen(context.Background(), func(ctx context.Context, tx beredskap.CitizenTx) error {
		c := accessCase(person, beredskap.CaseBlock, 30)
		err := tx.CreateCase(ctx, c, &beredskap.Attachment{MediaType: "image/jpeg", Size: 1, Nonce: []byte("n"), Ciphertext: []byte("c")})
		if err != nil {
			return err
		}
		if err := tx.CreatePrintLetter(ctx, &beredskap.PrintLetter{Attachment: beredskap.Attachment{CaseID: c.ID,
			MediaType: "application/pdf", Size: 1, Nonce: []byte("n"), Ciphertext: []byte("c")}}); err != nil {
			return err
		}
		if err := tx.SaveCitizen(ctx, &beredskap.CitizenAccount{NationalID: person, Blocked: true}); err != nil {
			return err
		}
		if err := tx.CreateCitizenSession(ctx, &beredskap.CitizenSession{ID: "s", NationalID: person,
			ExpiresAt: staffStart.Add(time.Hour)}); err != nil {
			return err
		}
		if _, err := tx.Audit(ctx, auditRecord(1)); err != nil {
			return err
		}
		return failed
	})
	if err != failed {
		t.Fatalf("UpdateCitizen: %v; want fn's error as it was", err)
	}
	viewCitizen(t, h, func(ctx context.Context, tx beredskap.CitizenTx) error {
		cases, _, err := tx.ListCases(ctx, beredskap.CaseFilter{})
		if err != nil || len(cases) != 0 {
			t.Errorf("ListCases after a rollback: %d, %v; want none", len(cases), err)
		}
		letters, err := tx.ListPrintLetters(ctx)
		if err != nil || len(letters) != 0 {
			t.Errorf("ListPrintLetters after a rollback: %d, %v; want none", len(letters), err)
		}
		_, err = tx.FindCitizen(ctx, person)
		wantCode(t, err, beredskap.ENOTFOUND, "FindCitizen after a rollback")
		_, err = tx.FindCitizenSession(ctx, "s")
		wantCode(t, err, beredskap.ENOTFOUND, "FindCitizenSession after a rollback")
		es, _, err := tx.SearchAudit(ctx, beredskap.AuditFilter{})
		if err != nil || len(es) != 0 {
			t.Errorf("audit entries after a rollback: %d, %v; want none", len(es), err)
		}
		return nil
	})
	// The rolled-back case frees its slot.
	createCase(t, h, accessCase(person, beredskap.CaseBlock, 30), nil)
}

func testCitizenAudit(t *testing.T, h CitizenHarness) {
	var c *beredskap.AccessCase
	updateCitizen(t, h, func(ctx context.Context, tx beredskap.CitizenTx) error {
		c = accessCase("01017012345", beredskap.CaseBlock, 30)
		if err := tx.CreateCase(ctx, c, nil); err != nil {
			return err
		}
		rec := auditRecord(1)
		rec.Actor, rec.Action, rec.Object = "citizen", "access_case.create", fmt.Sprintf("access_case:%d", c.ID)
		e, err := tx.Audit(ctx, rec)
		if err == nil && e.Seq != 1 {
			t.Errorf("audit entry seq %d; want 1", e.Seq)
		}
		return err
	})
	err := h.Store.ViewCitizen(context.Background(), func(ctx context.Context, tx beredskap.CitizenTx) error {
		es, _, err := tx.SearchAudit(ctx, beredskap.AuditFilter{Object: fmt.Sprintf("access_case:%d", c.ID)})
		if err == nil && (len(es) != 1 || es[0].Action != "access_case.create") {
			t.Errorf("audit entries of the case: %s; want the one written with it", asJSON(t, es))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	err = h.Store.ViewCitizen(context.Background(), func(ctx context.Context, tx beredskap.CitizenTx) error {
		_, err := tx.Audit(ctx, auditRecord(2))
		return err
	})
	if err == nil {
		t.Error("Audit in ViewCitizen succeeded; want an error")
	}
}
