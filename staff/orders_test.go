package staff_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"

	"beredskap"
	"beredskap/internal/testwait"
	"beredskap/mail/mailtest"
	"beredskap/staff"
	"beredskap/web"
)

// orderFor returns a valid order input for the person in the municipality.
func orderFor(email, municipality string) staff.OrderInput {
	return staff.OrderInput{
		Kind: beredskap.OrderGrant, FirstName: "Marit", LastName: "Hansen", Email: email,
		Mobile: "912 34 567", Municipality: municipality, Position: "Smittevernkoordinator",
		Role: beredskap.RoleMunicipalStaff, ServiceNeed: "Følger opp innreisende i karantene.",
	}
}

// enrolToken returns the enrolment link's secret in an invitation mail.
func enrolToken(t *testing.T, text string) string {
	t.Helper()
	i := strings.Index(text, "/enrol/")
	if i < 0 {
		t.Fatalf("no enrolment link in the mail:\n%s", text)
	}
	return strings.Fields(text[i+len("/enrol/"):])[0]
}

func TestAccessOrderFlow(t *testing.T) {
	e := newEnv(t, staff.Config{})
	officer := e.addUser("lege@oslo.kommune.example.no", beredskap.RoleMunicipalOfficer, "0301")
	admin := e.addUser("tilgang@helfo.example.no", beredskap.RoleAccessAdmin, "")
	oslo1, oslo2 := e.registration("0301", "Oslo-1"), e.registration("0301", "Oslo-2")
	bergen := e.registration("4601", "Bergen")

	_, officerCtx := e.login(officer)
	in := orderFor("Marit.Hansen@Oslo.kommune.example.no", "")
	o, err := e.svc.OrderAccess(officerCtx, in)
	if err != nil {
		t.Fatalf("OrderAccess: %v", err)
	}
	if o.Status != beredskap.OrderPending || o.Municipality != "0301" || o.County != "03" ||
		o.Email != "marit.hansen@oslo.kommune.example.no" || o.Mobile != "+4791234567" || o.OrderedBy != officer.Email {
		t.Fatalf("order = %+v", o)
	}

	_, adminCtx := e.login(admin)
	approved, err := e.svc.ApproveAccessOrder(adminCtx, o.ID)
	if err != nil {
		t.Fatalf("ApproveAccessOrder: %v", err)
	}
	if approved.Status != beredskap.OrderApproved || approved.DecidedBy != admin.Email || approved.UserID == 0 {
		t.Fatalf("approved order = %+v", approved)
	}
	_, err = e.svc.ApproveAccessOrder(adminCtx, o.ID)
	wantErr(t, err, beredskap.ECONFLICT, "", "")

	msg := e.smtp.WaitFor(t, o.Email)
	for _, want := range []string{officer.Email, "Oslo kommune", "kommunalt ansatt", "municipal employee", e.svc.Config().BaseURL + "/enrol/"} {
		if !strings.Contains(msg.Text, want) {
			t.Errorf("invitation lacks %q:\n%s", want, msg.Text)
		}
	}
	wantMailWords(t, msg, "invitation", "staff.mail.role.municipal_staff")
	staffUser, _ := e.enrol(enrolToken(t, msg.Text))
	if staffUser.Organisation != "Oslo kommune" || staffUser.Position != in.Position {
		t.Errorf("new user = %q, %q", staffUser.Organisation, staffUser.Position)
	}
	g := staffUser.Grants[0]
	if g.Provenance != "access_order:"+strconv.FormatInt(o.ID, 10) || g.OrderedBy != officer.Email || g.ApprovedBy != admin.Email {
		t.Errorf("grant = %+v", g)
	}

	// The new user logs in as anyone would and sees only Oslo.
	_, staffCtx := e.login(staffUser)
	regs, _, err := e.svc.ListRegistrations(staffCtx, beredskap.RegistrationFilter{})
	if err != nil {
		t.Fatalf("ListRegistrations: %v", err)
	}
	var got []string
	for _, r := range regs {
		got = append(got, r.Receipt)
	}
	slices.Sort(got)
	want := []string{oslo1, oslo2}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("listed %v, want %v", got, want)
	}
	list := e.auditOf(beredskap.AuditFilter{Action: "registration.list", Actor: staffUser.Email})
	if len(list) != 1 || list[0].Object != "municipality:0301" || len(list[0].Subjects) != 2 {
		t.Fatalf("registration.list entries = %+v", list)
	}
	_, _, err = e.svc.ListRegistrations(staffCtx, beredskap.RegistrationFilter{Municipality: "4601"})
	wantErr(t, err, beredskap.EFORBIDDEN, "", "")

	// Another municipality's registration is not found, and the try is audited.
	_, err = e.svc.GetRegistration(staffCtx, bergen)
	wantErr(t, err, beredskap.ENOTFOUND, "", "")
	tries := e.auditOf(beredskap.AuditFilter{Receipt: bergen})
	if len(tries) != 1 || tries[0].Outcome != beredskap.OutcomeNotFound || tries[0].Actor != staffUser.Email {
		t.Fatalf("entries about %s = %+v", bergen, tries)
	}
	if r, err := e.svc.GetRegistration(staffCtx, strings.ToLower(oslo1)); err != nil || r.Receipt != oslo1 {
		t.Fatalf("GetRegistration(own) = %v, %v", r, err)
	}

	// The order's history names every step.
	_, history, err := e.svc.GetAccessOrder(officerCtx, o.ID)
	if err != nil {
		t.Fatalf("GetAccessOrder: %v", err)
	}
	var actions []string
	for _, h := range history {
		actions = append(actions, h.Action)
	}
	if !slices.Equal(actions, []string{"access_order.create", "access_order.approve"}) {
		t.Errorf("history = %v", actions)
	}
	for _, en := range e.auditOf(beredskap.AuditFilter{Action: "invitation.send"}) {
		if strings.Contains(en.Detail, "/enrol/") {
			t.Errorf("the enrolment link is in the audit trail: %q", en.Detail)
		}
	}

	n, brk, err := e.svc.VerifyAudit(system())
	if err != nil || brk != nil || n < 20 {
		t.Fatalf("VerifyAudit = %d, %v, %v; want an intact chain of 20 or more", n, brk, err)
	}
	_, _, err = e.svc.VerifyAudit(adminCtx)
	wantErr(t, err, beredskap.EFORBIDDEN, "", "")
}

func TestSelfFiledOrderNeedsConfirmation(t *testing.T) {
	e := newEnv(t, staff.Config{})
	officer := e.addUser("lege@oslo.kommune.example.no", beredskap.RoleMunicipalOfficer, "0301")
	bergenOfficer := e.addUser("lege@bergen.kommune.example.no", beredskap.RoleMunicipalOfficer, "4601")
	admin := e.addUser("tilgang@helfo.example.no", beredskap.RoleAccessAdmin, "")

	in := orderFor("jon@oslo.kommune.example.no", "0301")
	in.OfficerEmail = bergenOfficer.Email
	if err := e.svc.RequestAccess(anon("203.0.113.5"), in); err != nil {
		t.Fatalf("RequestAccess naming another municipality's officer: %v; want the answer of a filed request", err)
	}
	if got := outcomes(e.auditOf(beredskap.AuditFilter{Action: "access_order.request"})); !slices.Equal(got, []string{beredskap.OutcomeDenied}) {
		t.Errorf("request audited as %v; want one refusal", got)
	}

	in.OfficerEmail = officer.Email
	if err := e.svc.RequestAccess(anon("203.0.113.5"), in); err != nil {
		t.Fatalf("RequestAccess: %v", err)
	}
	o := e.onlyOrder()
	if o.Status != beredskap.OrderAwaitingConfirmation || !o.SelfFiled || o.OrderedBy != in.Email {
		t.Fatalf("order = %+v", o)
	}
	msg := e.smtp.WaitFor(t, officer.Email)
	if !slices.Contains(msg.To, in.Email) {
		t.Errorf("the copy went to %v, want the employee too", msg.To)
	}
	if link := e.svc.Config().BaseURL + "/staff/access-orders/" + strconv.FormatInt(o.ID, 10); !strings.Contains(msg.Text, link) {
		t.Errorf("the copy lacks %s:\n%s", link, msg.Text)
	}
	wantMailWords(t, msg, "confirm", "staff.mail.role."+string(o.Role), "staff.mail.kind."+string(o.Kind))

	_, adminCtx := e.login(admin)
	_, err := e.svc.ApproveAccessOrder(adminCtx, o.ID)
	wantErr(t, err, beredskap.ECONFLICT, "", "")
	_, bergenCtx := e.login(bergenOfficer)
	_, err = e.svc.ConfirmAccessOrder(bergenCtx, o.ID)
	wantErr(t, err, beredskap.ENOTFOUND, "", "")
	_, _, err = e.svc.GetAccessOrder(bergenCtx, o.ID)
	wantErr(t, err, beredskap.ENOTFOUND, "", "")
	_, err = e.svc.ConfirmAccessOrder(adminCtx, o.ID)
	wantErr(t, err, beredskap.EFORBIDDEN, "", "")

	_, officerCtx := e.login(officer)
	confirmed, err := e.svc.ConfirmAccessOrder(officerCtx, o.ID)
	if err != nil {
		t.Fatalf("ConfirmAccessOrder: %v", err)
	}
	if confirmed.Status != beredskap.OrderPending || confirmed.ConfirmedBy != officer.Email {
		t.Fatalf("confirmed order = %+v", confirmed)
	}
	if _, err := e.svc.ApproveAccessOrder(adminCtx, o.ID); err != nil {
		t.Fatalf("ApproveAccessOrder: %v", err)
	}
	e.smtp.WaitFor(t, in.Email) // the invitation

	orders, _, err := e.svc.ListAccessOrders(bergenCtx, beredskap.AccessOrderFilter{Municipality: "0301"})
	if err != nil || len(orders) != 0 {
		t.Errorf("Bergen's officer listed %d orders (%v), want none", len(orders), err)
	}
}

func TestOrderForAnotherMunicipalityForbidden(t *testing.T) {
	e := newEnv(t, staff.Config{})
	officer := e.addUser("lege@oslo.kommune.example.no", beredskap.RoleMunicipalOfficer, "0301")
	_, ctx := e.login(officer)
	_, err := e.svc.OrderAccess(ctx, orderFor("kari@bergen.kommune.example.no", "4601"))
	wantErr(t, err, beredskap.EFORBIDDEN, "", "")
	denied := e.auditOf(beredskap.AuditFilter{Action: "access_order.create"})
	if len(denied) != 1 || denied[0].Outcome != beredskap.OutcomeDenied || denied[0].Object != "municipality:4601" ||
		denied[0].Actor != officer.Email || denied[0].Scope != "municipality:0301" {
		t.Fatalf("entries = %+v, want one denial naming the officer and 4601", denied)
	}
}

func TestDuplicateOpenOrderConflicts(t *testing.T) {
	e := newEnv(t, staff.Config{})
	officer := e.addUser("lege@oslo.kommune.example.no", beredskap.RoleMunicipalOfficer, "0301")
	_, ctx := e.login(officer)
	if _, err := e.svc.OrderAccess(ctx, orderFor("kari@oslo.kommune.example.no", "0301")); err != nil {
		t.Fatalf("OrderAccess: %v", err)
	}
	_, err := e.svc.OrderAccess(ctx, orderFor("KARI@oslo.kommune.example.no", "0301"))
	wantErr(t, err, beredskap.ECONFLICT, "", "")
}

func TestOrderValidation(t *testing.T) {
	e := newEnv(t, staff.Config{})
	officer := e.addUser("lege@oslo.kommune.example.no", beredskap.RoleMunicipalOfficer, "0301")
	_, ctx := e.login(officer)
	in := staff.OrderInput{
		Kind: "grant", FirstName: "", LastName: "Hansen", Email: "Marit <marit@example.no>",
		Mobile: "12", Municipality: "0301", Position: "", Role: beredskap.RoleAccessAdmin,
		ServiceNeed: strings.Repeat("x", 1001), ValidTo: "2020-01-01",
	}
	_, err := e.svc.OrderAccess(ctx, in)
	got := problemFields(t, err)
	want := []string{"email", "first_name", "kind", "mobile", "position", "role", "service_need", "valid_to"}
	if !slices.Equal(got, want) {
		t.Errorf("problems with %v, want %v", got, want)
	}
	// A change for someone without access is unknown.
	in = orderFor("ingen@oslo.kommune.example.no", "0301")
	in.Kind = beredskap.OrderChange
	_, err = e.svc.OrderAccess(ctx, in)
	wantErr(t, err, beredskap.EINVALID, "email", "unknown_user")
	// A municipality that does not exist is a field error, for the system too.
	_, err = e.svc.OrderAccess(system(), orderFor("kari@example.no", "9999"))
	wantErr(t, err, beredskap.EINVALID, "municipality", "unknown_municipality")
}

func TestRejectAccessOrder(t *testing.T) {
	e := newEnv(t, staff.Config{})
	officer := e.addUser("lege@oslo.kommune.example.no", beredskap.RoleMunicipalOfficer, "0301")
	admin := e.addUser("tilgang@helfo.example.no", beredskap.RoleAccessAdmin, "")
	_, officerCtx := e.login(officer)
	o, err := e.svc.OrderAccess(officerCtx, orderFor("kari@oslo.kommune.example.no", "0301"))
	if err != nil {
		t.Fatalf("OrderAccess: %v", err)
	}
	_, adminCtx := e.login(admin)
	_, err = e.svc.RejectAccessOrder(adminCtx, o.ID, " ")
	wantErr(t, err, beredskap.EINVALID, "reason", "required")
	_, err = e.svc.RejectAccessOrder(officerCtx, o.ID, "no")
	wantErr(t, err, beredskap.EFORBIDDEN, "", "")
	r, err := e.svc.RejectAccessOrder(adminCtx, o.ID, "Mangler tjenstlig behov")
	if err != nil || r.Status != beredskap.OrderRejected || r.Reason != "Mangler tjenstlig behov" {
		t.Fatalf("RejectAccessOrder = %+v, %v", r, err)
	}
	msg := e.smtp.WaitFor(t, officer.Email)
	if !strings.Contains(msg.Text, "Mangler tjenstlig behov") {
		t.Errorf("rejection mail lacks the reason:\n%s", msg.Text)
	}
	wantMailWords(t, msg, "rejected", "staff.mail.role."+string(r.Role), "staff.mail.kind."+string(r.Kind))
	// The person may be ordered again once the first order is closed.
	if _, err := e.svc.OrderAccess(officerCtx, orderFor("kari@oslo.kommune.example.no", "0301")); err != nil {
		t.Fatalf("OrderAccess after a rejection: %v", err)
	}
}

// onlyOrder returns the one access order in the store.
func (e *env) onlyOrder() *beredskap.AccessOrder {
	e.t.Helper()
	var orders []*beredskap.AccessOrder
	err := e.store.View(context.Background(), func(ctx context.Context, tx beredskap.StaffTx) error {
		var err error
		orders, _, err = tx.ListAccessOrders(ctx, beredskap.AccessOrderFilter{})
		return err
	})
	if err != nil || len(orders) != 1 {
		e.t.Fatalf("access orders: %d, %v; want one", len(orders), err)
	}
	return orders[0]
}

// TestFiledRequestAnswersBeforeMail checks that a filed access request
// does not wait for the officer's copy (issue 13, item 7): with the mail
// server holding every message unanswered, the request answers, and the
// copy arrives only once the server lets it through. A request that
// waited for the mail would answer only after the release.
func TestFiledRequestAnswersBeforeMail(t *testing.T) {
	e := newEnv(t, staff.Config{})
	officer := e.addUser("lege@oslo.kommune.example.no", beredskap.RoleMunicipalOfficer, "0301")
	in := orderFor("jon@oslo.kommune.example.no", "0301")
	in.OfficerEmail = officer.Email

	e.smtp.Hold()
	answered := make(chan error, 1)
	go func() { answered <- e.svc.RequestAccess(anon("203.0.113.5"), in) }()
	e.smtp.WaitHeld(t, 1)
	if err := testwait.Receive(t, answered, "the request to answer while the mail server holds the officer's copy"); err != nil {
		t.Fatalf("RequestAccess: %v", err)
	}
	if n := len(e.smtp.Messages()); n != 0 {
		t.Fatalf("%d messages delivered while held; want 0", n)
	}
	if got := outcomes(e.auditOf(beredskap.AuditFilter{Action: "notice.send"})); len(got) != 0 {
		t.Errorf("copy audited as %v before it was sent; want nothing yet", got)
	}
	e.smtp.Release()
	msg := e.smtp.WaitFor(t, officer.Email)
	if !slices.Contains(msg.To, in.Email) {
		t.Errorf("the copy went to %v, want the employee too", msg.To)
	}
	e.svc.Wait()
	if got := outcomes(e.auditOf(beredskap.AuditFilter{Action: "notice.send"})); !slices.Equal(got, []string{beredskap.OutcomeOK}) {
		t.Errorf("copy audited as %v; want one ok", got)
	}
}

// wantMailWords fails the test unless the mail of kind is written in the
// words of the staff texts, in bokmål and then English (the register
// stores no staff member's language): its subject, the first line of each
// language's body, and the words of the given keys in both languages.
func wantMailWords(t *testing.T, msg mailtest.Received, kind string, keys ...string) {
	t.Helper()
	subject := web.StaffText("nb", "staff.mail."+kind+".subject") + " / " + web.StaffText("en", "staff.mail."+kind+".subject")
	if msg.Subject != subject {
		t.Errorf("%s mail: subject %q; want %q", kind, msg.Subject, subject)
	}
	at := -1
	for _, lang := range []string{"nb", "en"} {
		body := web.StaffText(lang, "staff.mail."+kind+".body")
		first, _, _ := strings.Cut(body, "{")
		for _, want := range append([]string{first}, keys...) {
			if want != first {
				want = web.StaffText(lang, want)
			}
			i := strings.Index(msg.Text, want)
			switch {
			case strings.HasPrefix(want, "staff.mail."), i < 0:
				t.Errorf("%s mail lacks the %s words %q:\n%s", kind, lang, want, msg.Text)
			case want == first && i < at:
				t.Errorf("%s mail: the %s text comes before the bokmål:\n%s", kind, lang, msg.Text)
			case want == first:
				at = i
			}
		}
	}
}
