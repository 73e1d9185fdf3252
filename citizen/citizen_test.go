package citizen_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/png"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"beredskap"
	"beredskap/citizen"
	"beredskap/internal/teststore"
	"beredskap/letter/lettertest"
	"beredskap/mailbox/mailboxtest"
	"beredskap/norway"
	"beredskap/sqlite"
	"beredskap/staff"
	"beredskap/storetest"
	"beredskap/web"
)

// clock is a test clock that moves on by a millisecond at each reading,
// and by more when a test says so.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(time.Millisecond)
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// env is a citizen service over a real SQLite database in a temporary
// file, delivering to a local mailbox provider.
type env struct {
	t       *testing.T
	svc     *citizen.Service
	staff   *staff.Service
	store   *sqlite.StaffStore
	regs    beredskap.RegistrationService
	clock   *clock
	mailbox *mailboxtest.Server
	support context.Context // acting as a citizen-support user
	// second acts as another citizen-support user: the one who enters a
	// code that support approved or printed.
	second context.Context
}

func newEnv(t *testing.T, cfg citizen.Config) *env {
	t.Helper()
	db, err := sqlite.Open(context.Background(), teststore.SQLitePath(t))
	if err != nil {
		t.Fatalf("open database: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	c := &clock{now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	store := sqlite.NewStaffStore(db, c.Now)
	mb := mailboxtest.Start(t)
	cfg.AttachmentKey = bytes.Repeat([]byte{7}, 32)
	if cfg.Text == nil {
		cfg.Text = web.CitizenText
	}
	svc, err := citizen.New(store, mb.Client(), c.Now, cfg, nil)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	e := &env{
		t: t, svc: svc, staff: staff.New(store, nil, c.Now, staff.Config{}, nil), store: store,
		regs: sqlite.NewRegistrationService(db, c.Now), clock: c, mailbox: mb,
	}
	e.support = e.actor("veileder@helfo.example.no", "Vera", "Veileder", beredskap.RoleCitizenSupport, "")
	e.second = e.actor("kollega@helfo.example.no", "Kari", "Kollega", beredskap.RoleCitizenSupport, "")
	return e
}

// actor creates an active user with one grant and returns a context
// acting as them in it.
func (e *env) actor(email, first, last string, role beredskap.Role, municipality string) context.Context {
	e.t.Helper()
	u := &beredskap.User{Email: email, FirstName: first, LastName: last, Status: beredskap.UserActive}
	g := beredskap.Grant{
		Role: role, Scope: beredskap.Scope{Kind: beredskap.ScopeKindOf(role), Code: municipality},
		ValidFrom: e.clock.Now().Add(-time.Hour), Provenance: "cli",
	}
	err := e.store.Update(context.Background(), func(ctx context.Context, tx beredskap.StaffTx) error {
		if err := tx.CreateUser(ctx, u); err != nil {
			return err
		}
		g.UserID = u.ID
		return tx.AddGrant(ctx, &g)
	})
	if err != nil {
		e.t.Fatalf("create user %s: %v", email, err)
	}
	u.Grants = []beredskap.Grant{g}
	return beredskap.WithActor(context.Background(), &beredskap.Actor{User: u, Grant: &g, Address: "192.0.2.20", RequestID: "req-staff"})
}

// anon returns a context with an anonymous visitor.
func anon() context.Context {
	return beredskap.WithActor(context.Background(), &beredskap.Actor{Address: "198.51.100.7", RequestID: "req-citizen"})
}

// nid returns a valid national identity number of someone born in 1990,
// with the individual number given or the next that has control digits.
func nid(t *testing.T, individual int) string {
	t.Helper()
	for i := individual; i < individual+20; i++ {
		if n, ok := norway.GenerateFNumber(time.Date(1990, 5, 17, 0, 0, 0, 0, time.UTC), i*3); ok {
			return n
		}
	}
	t.Fatalf("no national identity number near individual number %d", individual)
	return ""
}

// pngFile returns a small PNG image, a copy of an ID.
func pngFile(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 4, 4))
	img.Set(1, 1, color.RGBA{200, 0, 0, 255})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// input returns a valid request of the kind for the person.
func input(t *testing.T, kind beredskap.CaseKind, nationalID string) citizen.CaseInput {
	return citizen.CaseInput{
		Kind: kind, NationalID: nationalID, Name: "Åse Ødegård",
		DocumentKind: beredskap.IDPassport, DocumentExpires: "2030-01-31", File: pngFile(t),
	}
}

// login logs the person in and fails the test on error.
func (e *env) login(nationalID string) *citizen.LoginResult {
	e.t.Helper()
	res, err := e.svc.Login(anon(), nationalID, "Åse Ødegård")
	if err != nil {
		e.t.Fatalf("Login: %v", err)
	}
	return res
}

// block files a block case for the person while logged in and approves
// it.
func (e *env) block(nationalID string) *beredskap.AccessCase {
	e.t.Helper()
	res := e.login(nationalID)
	c, err := e.svc.FileCase(anon(), res.Session, input(e.t, beredskap.CaseBlock, nationalID))
	if err != nil {
		e.t.Fatalf("FileCase: %v", err)
	}
	if c, err = e.svc.ApproveCase(e.support, c.ID); err != nil {
		e.t.Fatalf("ApproveCase(block): %v", err)
	}
	return c
}

// auditOf returns the audit entries matching f.
func (e *env) auditOf(f beredskap.AuditFilter) []*beredskap.AuditEntry {
	e.t.Helper()
	var entries []*beredskap.AuditEntry
	err := e.store.View(context.Background(), func(ctx context.Context, tx beredskap.StaffTx) error {
		var err error
		f.Limit = beredskap.MaxPageSize
		entries, _, err = tx.SearchAudit(ctx, f)
		return err
	})
	if err != nil {
		e.t.Fatalf("SearchAudit: %v", err)
	}
	return entries
}

// countCases returns how many cases are stored.
func (e *env) countCases() int {
	e.t.Helper()
	cases, _, err := e.svc.ListCases(e.support, beredskap.CaseFilter{Limit: beredskap.MaxPageSize})
	if err != nil {
		e.t.Fatalf("ListCases: %v", err)
	}
	return len(cases)
}

// wantErr fails the test unless err is a *beredskap.Error with the code
// and, when given, the field and reason.
func wantErr(t *testing.T, err error, code beredskap.Code, field, reason string) {
	t.Helper()
	var e *beredskap.Error
	if !errors.As(err, &e) {
		t.Fatalf("error = %v, want a *beredskap.Error with code %s", err, code)
	}
	if e.Code != code || (field != "" && e.Field != field) || (reason != "" && e.Reason != reason) {
		t.Fatalf("error = %s/%s/%s (%v), want %s/%s/%s", e.Code, e.Field, e.Reason, err, code, field, reason)
	}
}

// pdfText returns the text of a PDF (see lettertest.Text).
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	return lettertest.Text(t, pdf)
}

// codeIn returns the one-time code of a reopen letter.
func codeIn(t *testing.T, pdf []byte, caseNumber string) string {
	t.Helper()
	text := pdfText(t, pdf)
	if !strings.Contains(text, caseNumber) {
		t.Fatalf("the letter lacks the case number %s:\n%s", caseNumber, text)
	}
	code := regexp.MustCompile(`(?m)^\s*(\d{8})\s*$`).FindStringSubmatch(text)
	if code == nil {
		t.Fatalf("no eight-digit code in the letter:\n%s", text)
	}
	return code[1]
}

func TestNewNeedsKey(t *testing.T) {
	_, err := citizen.New(nil, nil, time.Now, citizen.Config{AttachmentKey: []byte("short")}, nil)
	wantErr(t, err, beredskap.EINVALID, "attachment_key", "")
}

func TestBlockedLoginRefused(t *testing.T) {
	e := newEnv(t, citizen.Config{})
	person := nid(t, 123)
	live := e.login(person)
	c, err := e.svc.FileCase(anon(), live.Session, input(t, beredskap.CaseBlock, person))
	if err != nil {
		t.Fatalf("FileCase: %v", err)
	}
	if c.Channel != "online" || c.FiledBy != "citizen" || c.Status != beredskap.CaseReceived || c.Number == "" {
		t.Fatalf("filed case = %+v", c)
	}
	if _, _, err := e.svc.Attachment(e.support, c.ID); err != nil {
		t.Fatalf("Attachment of an open case: %v", err)
	}
	if _, err := e.svc.Authenticate(anon(), live.SessionToken); err != nil {
		t.Fatalf("Authenticate before approval: %v", err)
	}
	if c, err = e.svc.ApproveCase(e.support, c.ID); err != nil {
		t.Fatalf("ApproveCase: %v", err)
	}
	if c.Status != beredskap.CaseCompleted || c.ClosedAt == nil {
		t.Errorf("approved block case = %s, closed %v", c.Status, c.ClosedAt)
	}
	_, err = e.svc.Authenticate(anon(), live.SessionToken)
	wantErr(t, err, beredskap.EUNAUTHORIZED, "", "")
	_, err = e.svc.Login(anon(), person, "Åse Ødegård")
	wantErr(t, err, beredskap.EFORBIDDEN, "", "blocked")
	if !strings.Contains(beredskap.ErrorMessage(err), "reopen") {
		t.Errorf("the refusal does not say how to reopen: %v", err)
	}
	_, _, err = e.svc.Attachment(e.support, c.ID)
	wantErr(t, err, beredskap.ENOTFOUND, "", "")
	denied := e.auditOf(beredskap.AuditFilter{Action: "citizen.login"})
	if last := denied[len(denied)-1]; last.Outcome != beredskap.OutcomeDenied || strings.Contains(last.Object, person) || last.Actor != "citizen" {
		t.Errorf("the refused login is audited as %+v", last)
	}
	// Nobody has a mailbox here: the answer waits for print.
	letters, err := e.svc.PrintLetters(e.support)
	if err != nil || len(letters) != 1 || letters[0].CaseID != c.ID {
		t.Fatalf("PrintLetters = %+v, %v", letters, err)
	}
}

func TestBadInputStoresNothing(t *testing.T) {
	e := newEnv(t, citizen.Config{})
	good := nid(t, 124)
	bad := good[:10] + string('0'+(good[10]-'0'+1)%10)
	tests := []struct {
		name          string
		edit          func(*citizen.CaseInput)
		field, reason string
	}{
		{"control digits", func(in *citizen.CaseInput) { in.NationalID = bad }, "national_id", norway.ReasonInvalidNationalID},
		{"expired ID", func(in *citizen.CaseInput) { in.DocumentExpires = "2026-03-01" }, "document_expires", "expired"},
		{"missing file", func(in *citizen.CaseInput) { in.File = nil }, "file", "required"},
		{"text file", func(in *citizen.CaseInput) { in.File = []byte("just some text, not an ID") }, "file", "unsupported_type"},
		{"too large", func(in *citizen.CaseInput) { in.File = append(pngFile(t), make([]byte, 2000)...) }, "file", "too_large"},
		{"no name", func(in *citizen.CaseInput) { in.Name = " " }, "name", "required"},
		{"bad kind", func(in *citizen.CaseInput) { in.Kind = "delete" }, "kind", "unknown_value"},
	}
	e2 := newEnv(t, citizen.Config{MaxAttachmentBytes: 1000})
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := input(t, beredskap.CaseBlock, good)
			tc.edit(&in)
			_, err := e2.svc.RegisterCase(e2.support, in)
			wantErr(t, err, beredskap.EINVALID, tc.field, tc.reason)
		})
	}
	if n := e2.countCases(); n != 0 {
		t.Errorf("%d cases stored after bad input", n)
	}
	// Every problem at once.
	_, err := e.svc.RegisterCase(e.support, citizen.CaseInput{Kind: beredskap.CaseBlock, NationalID: bad, DocumentExpires: "2020-01-01"})
	var be *beredskap.Error
	if !errors.As(err, &be) || len(be.Problems) < 4 {
		t.Fatalf("RegisterCase with many problems: %v", err)
	}
	// The public reopen form takes reopen requests only.
	_, err = e.svc.RequestReopen(anon(), input(t, beredskap.CaseBlock, good))
	wantErr(t, err, beredskap.EINVALID, "kind", "reopen_only")
	// Staff-only operations refuse anonymous visitors.
	_, err = e.svc.RegisterCase(anon(), input(t, beredskap.CaseBlock, good))
	wantErr(t, err, beredskap.EFORBIDDEN, "", "")
	if n := e.countCases(); n != 0 {
		t.Errorf("%d cases stored after bad input", n)
	}
}

// reopen blocks the person, files a reopen request from the public form
// and approves it.
func (e *env) reopen(person string) *beredskap.AccessCase {
	e.t.Helper()
	e.block(person)
	c, err := e.svc.RequestReopen(anon(), input(e.t, beredskap.CaseReopen, person))
	if err != nil {
		e.t.Fatalf("RequestReopen: %v", err)
	}
	if c, err = e.svc.ApproveCase(e.support, c.ID); err != nil {
		e.t.Fatalf("ApproveCase(reopen): %v", err)
	}
	if c.Status != beredskap.CaseAwaitingCode || c.CodeHash == "" {
		e.t.Fatalf("approved reopen case = %+v", c)
	}
	return c
}

func TestReopenByMailbox(t *testing.T) {
	e := newEnv(t, citizen.Config{})
	person := nid(t, 125)
	e.mailbox.Add(person)
	c := e.reopen(person)
	l := e.mailbox.WaitFor(t, person)
	if !bytes.HasPrefix(l.PDF, []byte("%PDF")) {
		t.Fatal("the delivered letter is not a PDF")
	}
	code := codeIn(t, l.PDF, c.Number)
	for _, entry := range e.auditOf(beredskap.AuditFilter{}) {
		if strings.Contains(entry.Detail, code) || strings.Contains(entry.Detail, person) || strings.Contains(entry.Object, person) {
			t.Errorf("audit entry %d holds a secret or the national identity number: %+v", entry.Seq, entry)
		}
	}

	wrong := "00000000"
	if wrong == code {
		wrong = "11111111"
	}
	_, err := e.svc.EnterCode(e.second, c.Number, wrong)
	wantErr(t, err, beredskap.EINVALID, "code", "invalid_code")
	_, err = e.svc.EnterCode(e.second, "2026-999999", code)
	wantErr(t, err, beredskap.EINVALID, "code", "invalid_code")
	got, err := e.svc.GetCase(e.support, c.ID)
	if err != nil || got.CodeAttempts != 1 {
		t.Fatalf("after a wrong code: %+v, %v; want one attempt", got, err)
	}
	if failed := e.auditOf(beredskap.AuditFilter{Action: "citizen_case.code"}); len(failed) != 2 || failed[0].Outcome != beredskap.OutcomeFailed {
		t.Errorf("wrong codes audited as %+v", failed)
	}
	done, err := e.svc.EnterCode(e.second, c.Number, code[:4]+" "+code[4:])
	if err != nil {
		t.Fatalf("EnterCode with the right code: %v", err)
	}
	if done.Status != beredskap.CaseCompleted || done.CodeHash != "" {
		t.Errorf("reopened case = %+v", done)
	}
	e.login(person) // access is open again
	_, err = e.svc.EnterCode(e.second, c.Number, code)
	wantErr(t, err, beredskap.EINVALID, "code", "invalid_code") // used
}

func TestReopenByPrintLetter(t *testing.T) {
	e := newEnv(t, citizen.Config{})
	person := nid(t, 126)
	c := e.reopen(person)
	if n := len(e.mailbox.Letters()); n != 0 {
		t.Fatalf("%d letters delivered to a person without a mailbox", n)
	}
	pdf, err := e.svc.DownloadLetter(e.support, c.ID)
	if err != nil {
		t.Fatalf("DownloadLetter: %v", err)
	}
	code := codeIn(t, pdf, c.Number)
	// The letter stays to be downloaded again (a jammed printer), the same
	// letter, and the download is audited as a second one.
	again, err := e.svc.DownloadLetter(e.support, c.ID)
	if err != nil {
		t.Fatalf("DownloadLetter again: %v", err)
	}
	if codeIn(t, again, c.Number) != code {
		t.Errorf("the letter downloaded again has another code")
	}
	prints := e.auditOf(beredskap.AuditFilter{Action: "citizen_letter.print"})
	if len(prints) != 2 || !strings.HasPrefix(prints[0].Detail, "first download") || !strings.HasPrefix(prints[1].Detail, "downloaded again") {
		t.Errorf("downloads audited as %+v; want a first download and one again", prints)
	}
	letters, err := e.svc.PrintLetters(e.support)
	if i := slices.IndexFunc(letters, func(l citizen.PrintLetter) bool { return l.CaseID == c.ID }); err != nil || i < 0 ||
		letters[i].PrintedAt == nil || letters[i].Downloads != 2 {
		t.Errorf("PrintLetters after two downloads: %+v, %v; want the letter, printed, downloaded twice", letters, err)
	}
	_, err = e.svc.DownloadLetter(e.support, c.ID+1000)
	wantErr(t, err, beredskap.ENOTFOUND, "", "")
	if _, err := e.svc.EnterCode(e.second, c.Number, code); err != nil {
		t.Fatalf("EnterCode: %v", err)
	}
	e.login(person)
}

func TestTooManyWrongCodes(t *testing.T) {
	e := newEnv(t, citizen.Config{MaxCodeAttempts: 3})
	person := nid(t, 127)
	c := e.reopen(person)
	pdf, err := e.svc.DownloadLetter(e.support, c.ID)
	if err != nil {
		t.Fatalf("DownloadLetter: %v", err)
	}
	code := codeIn(t, pdf, c.Number)
	wrong := "12345678"
	if wrong == code {
		wrong = "87654321"
	}
	for range 3 {
		_, err := e.svc.EnterCode(e.second, c.Number, wrong)
		wantErr(t, err, beredskap.EINVALID, "code", "invalid_code")
	}
	_, err = e.svc.EnterCode(e.second, c.Number, code)
	wantErr(t, err, beredskap.EINVALID, "code", "invalid_code")
	got, err := e.svc.GetCase(e.support, c.ID)
	if err != nil || got.Status != beredskap.CaseRejected || got.Reason != "too many wrong codes" {
		t.Fatalf("case after too many wrong codes: %+v, %v", got, err)
	}
	_, err = e.svc.Login(anon(), person, "Åse Ødegård")
	wantErr(t, err, beredskap.EFORBIDDEN, "", "blocked")
}

func TestExpiredCode(t *testing.T) {
	e := newEnv(t, citizen.Config{CodeTTL: 24 * time.Hour})
	person := nid(t, 128)
	c := e.reopen(person)
	pdf, err := e.svc.DownloadLetter(e.support, c.ID)
	if err != nil {
		t.Fatalf("DownloadLetter: %v", err)
	}
	code := codeIn(t, pdf, c.Number)
	e.clock.Advance(25 * time.Hour)
	_, err = e.svc.EnterCode(e.second, c.Number, code)
	wantErr(t, err, beredskap.EINVALID, "code", "expired")
	_, err = e.svc.Login(anon(), person, "Åse Ødegård")
	wantErr(t, err, beredskap.EFORBIDDEN, "", "blocked")
}

func TestBlockNowAndReject(t *testing.T) {
	e := newEnv(t, citizen.Config{})
	person := nid(t, 129)
	live := e.login(person)
	c, err := e.svc.BlockNow(e.support, person, "Åse Ødegård", "the person phoned: her BankID was stolen")
	if err != nil {
		t.Fatalf("BlockNow: %v", err)
	}
	if !c.SuspectedMisuse || c.Status != beredskap.CaseCompleted {
		t.Errorf("BlockNow case = %+v", c)
	}
	_, err = e.svc.Authenticate(anon(), live.SessionToken)
	wantErr(t, err, beredskap.EUNAUTHORIZED, "", "")
	r, err := e.svc.RequestReopen(anon(), input(t, beredskap.CaseReopen, person))
	if err != nil {
		t.Fatalf("RequestReopen: %v", err)
	}
	_, err = e.svc.RejectCase(e.support, r.ID, "")
	wantErr(t, err, beredskap.EINVALID, "reason", "required")
	if r, err = e.svc.RejectCase(e.support, r.ID, "the copy of the ID is unreadable"); err != nil || r.Status != beredskap.CaseRejected {
		t.Fatalf("RejectCase = %+v, %v", r, err)
	}
	_, _, err = e.svc.Attachment(e.support, r.ID)
	wantErr(t, err, beredskap.ENOTFOUND, "", "")
}

func TestMyDataAndWithdrawal(t *testing.T) {
	e := newEnv(t, citizen.Config{NameDelay: 7 * 24 * time.Hour})
	person := nid(t, 130)
	reg := storetest.Registration("Åse", "Ødegård")
	reg.Traveller.NationalID = person
	stored, _, err := e.regs.CreateRegistration(context.Background(), beredskap.NewRegistration{
		Registration: reg, Decision: storetest.Decision(), Municipality: "0301",
	})
	if err != nil {
		t.Fatalf("CreateRegistration: %v", err)
	}
	officer := e.actor("lege@oslo.kommune.example.no", "Ola", "Lege", beredskap.RoleMunicipalOfficer, "0301")
	if _, err := e.staff.GetRegistration(officer, stored.Receipt); err != nil {
		t.Fatalf("GetRegistration: %v", err)
	}

	res := e.login(person)
	d, err := e.svc.MyData(anon(), res.Session)
	if err != nil {
		t.Fatalf("MyData: %v", err)
	}
	if len(d.Registrations) != 1 || d.Registrations[0].Receipt != stored.Receipt {
		t.Fatalf("MyData registrations = %+v", d.Registrations)
	}
	if len(d.Looks) != 1 {
		t.Fatalf("MyData looks = %+v, want the officer's one", d.Looks)
	}
	look := d.Looks[0]
	if look.Organisation != "Oslo kommune" || look.Role != beredskap.RoleMunicipalOfficer || look.Name != "" {
		t.Errorf("a fresh look = %+v, want Oslo kommune, the role and no name yet", look)
	}

	e.clock.Advance(8 * 24 * time.Hour)
	res = e.login(person)
	if d, err = e.svc.MyData(anon(), res.Session); err != nil {
		t.Fatalf("MyData: %v", err)
	}
	if len(d.Looks) != 1 || d.Looks[0].Name != "Ola Lege" {
		t.Errorf("looks after the delay = %+v, want the officer's name (and not the person's own looks)", d.Looks)
	}
	if mine := e.auditOf(beredskap.AuditFilter{Action: "citizen.my_data"}); len(mine) != 2 || mine[0].Subjects[0] != stored.Receipt {
		t.Errorf("MyData audited as %+v", mine)
	}

	// Withdrawal deletes the settings and the sessions, never a block.
	e.block(person)
	// The person is blocked now, so withdraw with the session they had.
	w, err := e.svc.WithdrawConsent(anon(), res.Session)
	if err != nil || w.Reference == "" {
		t.Fatalf("WithdrawConsent = %+v, %v", w, err)
	}
	_, err = e.svc.Login(anon(), person, "Åse Ødegård")
	wantErr(t, err, beredskap.EFORBIDDEN, "", "blocked")
	var acc *beredskap.CitizenAccount
	err = e.store.ViewCitizen(context.Background(), func(ctx context.Context, tx beredskap.CitizenTx) error {
		acc, err = tx.FindCitizen(ctx, person)
		return err
	})
	if err != nil || !acc.Blocked || acc.ConsentWithdrawnAt == nil || acc.BlockCaseID == 0 {
		t.Errorf("account after withdrawal = %+v, %v", acc, err)
	}
	if _, err := e.staff.GetRegistration(officer, stored.Receipt); err != nil {
		t.Errorf("the registration is gone after withdrawal: %v", err)
	}
}

// Issue 13, item 3: a reopen takes two people. Whoever approved the case
// or printed its letter (and so may have seen the code) may not enter the
// code, even the right one; a third member of citizen support does, and
// the audit entry of the reopening names all three.
func TestReopenNeedsASecondPerson(t *testing.T) {
	e := newEnv(t, citizen.Config{})
	person := nid(t, 131)
	c := e.reopen(person) // approved by support
	pdf, err := e.svc.DownloadLetter(e.second, c.ID)
	if err != nil {
		t.Fatalf("DownloadLetter: %v", err)
	}
	code := codeIn(t, pdf, c.Number)
	for _, who := range []context.Context{e.support, e.second} {
		_, err := e.svc.EnterCode(who, c.Number, code)
		wantErr(t, err, beredskap.EINVALID, "code", "second_person")
	}
	got, err := e.svc.GetCase(e.support, c.ID)
	if err != nil || got.Status != beredskap.CaseAwaitingCode || got.CodeAttempts != 0 {
		t.Fatalf("case after the refused entries: %+v, %v; want it awaiting the code, no attempt counted", got, err)
	}
	third := e.actor("tredje@helfo.example.no", "Tor", "Tredje", beredskap.RoleCitizenSupport, "")
	if _, err := e.svc.EnterCode(third, c.Number, code); err != nil {
		t.Fatalf("EnterCode by a third person: %v", err)
	}
	e.login(person)
	entries := e.auditOf(beredskap.AuditFilter{Action: "citizen_case.code"})
	if len(entries) != 3 || entries[0].Outcome != beredskap.OutcomeDenied || entries[1].Outcome != beredskap.OutcomeDenied {
		t.Fatalf("citizen_case.code entries = %+v; want two denied and one ok", entries)
	}
	last := entries[2]
	for _, who := range []string{"approved by veileder@helfo.example.no", "printed by kollega@helfo.example.no", "entered by tredje@helfo.example.no"} {
		if last.Outcome != beredskap.OutcomeOK || !strings.Contains(last.Detail, who) {
			t.Errorf("the reopening's audit entry %q does not say %q", last.Detail, who)
		}
	}
}

// TestReopenRequestsLimitedPerAddress: the public reopen form takes
// RequestRate requests a minute from one address, counted in the database.
func TestReopenRequestsLimitedPerAddress(t *testing.T) {
	e := newEnv(t, citizen.Config{RequestRate: 2})
	for range 2 {
		_, err := e.svc.RequestReopen(anon(), input(t, beredskap.CaseBlock, nid(t, 100)))
		wantErr(t, err, beredskap.EINVALID, "kind", "reopen_only")
	}
	_, err := e.svc.RequestReopen(anon(), input(t, beredskap.CaseBlock, nid(t, 100)))
	wantErr(t, err, beredskap.EUNAUTHORIZED, "", "rate_limited")
}
