package followup

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"beredskap"
	"beredskap/mail"
	"beredskap/norway"
)

// reportBatch is how many reports a digest reads per query.
const reportBatch = 500

// DigestPref returns the actor's digest preference (off when never set).
// Needs PermViewReports.
//
// Only municipal roles have a digest (the control centre works the queue
// and has none): anyone else gets EFORBIDDEN, audited as denied. Reading
// one's own preference shows nobody's data and is not audited.
func (s *Service) DigestPref(ctx context.Context) (*beredskap.DigestPref, error) {
	a := beredskap.ActorFrom(ctx)
	if !digestHolder(a) {
		return nil, s.tx.Deny(ctx, a, "followup.digest.read", digestObject(a))
	}
	var p *beredskap.DigestPref
	err := s.store.ViewFollowUp(ctx, func(ctx context.Context, tx beredskap.FollowUpTx) error {
		var err error
		p, err = tx.FindDigestPref(ctx, a.User.ID)
		if beredskap.ErrorCode(err) == beredskap.ENOTFOUND {
			p, err = &beredskap.DigestPref{UserID: a.User.ID, Mode: beredskap.DigestOff}, nil
		}
		return err
	})
	if err != nil {
		return nil, beredskap.Wrap("digest preference", err)
	}
	return p, nil
}

// SetDigest sets the actor's digest mode. Needs PermViewReports; audited.
//
// Only municipal roles have a digest (EFORBIDDEN, audited, for others); a
// mode other than off, daily and immediate is EINVALID "mode". Turning a
// digest on starts it from now: the reports already made are not mailed.
// Audited as "followup.digest.set".
func (s *Service) SetDigest(ctx context.Context, mode beredskap.DigestMode) error {
	const action = "followup.digest.set"
	a := beredskap.ActorFrom(ctx)
	if !digestHolder(a) {
		return s.tx.Deny(ctx, a, action, digestObject(a))
	}
	switch mode {
	case beredskap.DigestOff, beredskap.DigestDaily, beredskap.DigestImmediate:
	default:
		return beredskap.Invalid("mode", "unknown_value", "must be one of off, daily, immediate")
	}
	now := s.now()
	// The newest report is found in a snapshot, so that the scan does not
	// hold the writer; reports made meanwhile come in the first digest.
	var newest int64
	err := s.store.ViewFollowUp(ctx, func(ctx context.Context, tx beredskap.FollowUpTx) error {
		for _, m := range digestMunicipalities(a.User, s.cfg.Wall()) {
			id, err := newestReport(ctx, tx, m)
			if err != nil {
				return err
			}
			newest = max(newest, id)
		}
		return nil
	})
	if err != nil {
		return beredskap.Wrap("set digest", err)
	}
	err = s.store.UpdateFollowUp(ctx, func(ctx context.Context, tx beredskap.FollowUpTx) error {
		p, err := tx.FindDigestPref(ctx, a.User.ID)
		if beredskap.ErrorCode(err) == beredskap.ENOTFOUND {
			p, err = &beredskap.DigestPref{UserID: a.User.ID, Mode: beredskap.DigestOff}, nil
		}
		if err != nil {
			return err
		}
		if p.Mode == beredskap.DigestOff && mode != beredskap.DigestOff {
			p.LastReportID = max(p.LastReportID, newest)
			p.LastSentAt = &now
		}
		p.Mode = mode
		if err := tx.SaveDigestPref(ctx, p); err != nil {
			return err
		}
		rec := beredskap.RecordFor(a, action, digestObject(a), beredskap.OutcomeOK)
		rec.Detail = "mode=" + string(mode)
		return beredskap.AppendAudit(ctx, tx, rec)
	})
	return beredskap.Wrap("set digest", err)
}

// digestHolder reports whether a is a user who may have a digest: one
// acting in a municipal grant with PermViewReports there.
func digestHolder(a *beredskap.Actor) bool {
	m := a.Municipality()
	return a.User != nil && m != "" && beredskap.Can(a, beredskap.PermViewReports, m)
}

// digestObject names the actor's digest in the audit trail.
func digestObject(a *beredskap.Actor) string {
	if a.User == nil {
		return "digest"
	}
	return fmt.Sprintf("user:%d", a.User.ID)
}

// digestMunicipalities returns the municipalities whose reports u may get
// by e-mail at wall (the real time): those of u's valid municipal grants with
// PermViewReports, each once, in grant order.
func digestMunicipalities(u *beredskap.User, wall time.Time) []string {
	var ms []string
	if u == nil {
		return nil
	}
	for _, g := range u.ValidGrants(wall) {
		a := &beredskap.Actor{User: u, Grant: &g}
		if m := a.Municipality(); m != "" && beredskap.Can(a, beredskap.PermViewReports, m) && !slices.Contains(ms, m) {
			ms = append(ms, m)
		}
	}
	return ms
}

// newestReport returns the ID of the municipality's newest report, 0 when
// there is none.
func newestReport(ctx context.Context, tx beredskap.FollowUpTx, m string) (int64, error) {
	var last int64
	for {
		rs, err := tx.ReportsAfter(ctx, m, last, reportBatch)
		if err != nil {
			return 0, fmt.Errorf("reports of %s: %w", m, err)
		}
		if len(rs) == 0 {
			return last, nil
		}
		last = rs[len(rs)-1].ID
		if len(rs) < reportBatch {
			return last, nil
		}
	}
}

// SendDigests mails every user whose digest is due the reports of their
// municipality since the last one: immediate users their suspected
// breaches at once, daily users everything once a day. It returns how many
// e-mails it sent.
//
// Only the system may run it (EFORBIDDEN, audited, for anyone else);
// RunDigests does. Each user is handled on their own, so that one failing
// mail does not hold the others back; the errors are joined. See
// sendDigest for what each e-mail holds and when it is due.
func (s *Service) SendDigests(ctx context.Context) (int, error) {
	a := beredskap.ActorFrom(ctx)
	if !a.System {
		return 0, s.tx.Deny(ctx, a, "followup.digest", "digests")
	}
	var prefs []*beredskap.DigestPref
	err := s.store.ViewFollowUp(ctx, func(ctx context.Context, tx beredskap.FollowUpTx) error {
		var err error
		prefs, err = tx.ListDigestPrefs(ctx)
		return err
	})
	if err != nil {
		return 0, beredskap.Wrap("send digests", err)
	}
	sent := 0
	var errs []error
	for _, p := range prefs {
		if err := ctx.Err(); err != nil {
			errs = append(errs, err)
			break
		}
		ok, err := s.sendDigest(ctx, p.UserID)
		if err != nil {
			s.logger.Error("digest not sent", "user_id", p.UserID, "err", err)
			errs = append(errs, fmt.Errorf("digest of user %d: %w", p.UserID, err))
			continue
		}
		if ok {
			sent++
		}
	}
	return sent, beredskap.Wrap("send digests", errors.Join(errs...))
}

// RunDigests sends digests when woken by a report and every minute, until
// ctx ends. It acts as the system.
func (s *Service) RunDigests(ctx context.Context) {
	ctx = beredskap.WithActor(ctx, beredskap.SystemActor())
	tick := time.NewTicker(time.Minute)
	defer tick.Stop()
	for {
		if _, err := s.SendDigests(ctx); err != nil && ctx.Err() == nil {
			s.logger.Error("send digests", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		case <-s.wake:
		}
	}
}

// sendDigest mails the user's digest if it is due and reports whether it
// sent one. The user must be active and hold a valid municipal grant; the
// reports are those of the grants' municipalities after LastReportID,
// oldest first.
//
// The daily digest is due once a day from Config.DigestHour (Europe/Oslo)
// for both daily and immediate users, and holds every report not yet
// mailed; a day without new reports is marked done without a mail. The
// immediate e-mail goes out as soon as a new report suspects a breach and
// holds the new reports up to the newest such one, so that with a single
// LastReportID nothing is mailed twice or skipped: later reports without a
// breach wait for the daily digest.
//
// The digest is claimed before it is mailed: LastReportID and LastSentAt
// advance in one conditional statement, together with the audit entry
// "followup.digest" naming the receipts, only if they are still as read,
// so that of two processes about to mail the same digest one does and the
// other skips it. The e-mail goes out after that commit, outside any
// transaction (a slow mail server holds no lock); when sending fails the
// claim is undone (if nothing moved it meanwhile) and the next pass tries
// again. A process that dies between the commit and the mail loses that
// one digest: each user gets at most one per due time.
func (s *Service) sendDigest(ctx context.Context, userID int64) (bool, error) {
	now := s.now()
	var p *beredskap.DigestPref
	var u *beredskap.User
	var munis []string
	var reports []*beredskap.CallReport
	err := s.store.ViewFollowUp(ctx, func(ctx context.Context, tx beredskap.FollowUpTx) error {
		var err error
		if p, err = tx.FindDigestPref(ctx, userID); err != nil || p.Mode == beredskap.DigestOff {
			return err
		}
		if u, err = tx.FindUser(ctx, userID); err != nil || u.Status != beredskap.UserActive {
			return err
		}
		munis = digestMunicipalities(u, s.cfg.Wall())
		for _, m := range munis {
			after := p.LastReportID
			for {
				rs, err := tx.ReportsAfter(ctx, m, after, reportBatch)
				if err != nil {
					return fmt.Errorf("reports of %s: %w", m, err)
				}
				reports = append(reports, rs...)
				if len(rs) < reportBatch {
					break
				}
				after = rs[len(rs)-1].ID
			}
		}
		return nil
	})
	switch {
	case beredskap.ErrorCode(err) == beredskap.ENOTFOUND:
		return false, nil
	case err != nil:
		return false, err
	case p == nil || p.Mode == beredskap.DigestOff || u == nil || u.Status != beredskap.UserActive || len(munis) == 0:
		return false, nil
	}
	slices.SortFunc(reports, func(a, b *beredskap.CallReport) int { return cmp.Compare(a.ID, b.ID) })
	included, kind, due := s.dueDigest(p, reports, now)
	if !due {
		return false, nil
	}
	if len(included) == 0 {
		_, err := s.claimDigest(ctx, p, p.LastReportID, now, nil)
		return false, err
	}
	if s.cfg.Text == nil || s.cfg.Plural == nil {
		return false, errors.New("digest: no texts to write the mail with (followup.Config.Text and Plural)")
	}
	rec := beredskap.RecordFor(beredskap.SystemActor(), "followup.digest", fmt.Sprintf("user:%d", userID), beredskap.OutcomeOK)
	breaches := 0
	for _, r := range included {
		if !slices.Contains(rec.Subjects, r.Receipt) {
			rec.Subjects = append(rec.Subjects, r.Receipt)
		}
		if r.BreachSuspected() {
			breaches++
		}
	}
	rec.Detail = fmt.Sprintf("%s to %s: reports=%d breaches=%d last_report=%d", kind, u.Email, len(included), breaches, included[len(included)-1].ID)
	last := included[len(included)-1].ID
	if claimed, err := s.claimDigest(ctx, p, last, now, &rec); err != nil || !claimed {
		return false, err
	}
	if err := s.mail.Send(ctx, s.digestMessage(u, munis, included, kind, now)); err != nil {
		undo := s.store.UpdateFollowUp(context.WithoutCancel(ctx), func(ctx context.Context, tx beredskap.FollowUpTx) error {
			_, err := tx.SwapDigestProgress(ctx, userID, last, &now, p.LastReportID, p.LastSentAt)
			return err
		})
		return false, errors.Join(fmt.Errorf("mail digest: %w", err), undo)
	}
	return true, nil
}

// dueDigest returns the reports to mail now, and whether the digest
// ("daily" or "immediate") is due.
func (s *Service) dueDigest(p *beredskap.DigestPref, reports []*beredskap.CallReport, now time.Time) (included []*beredskap.CallReport, kind string, due bool) {
	day := now.In(oslo)
	dailyAt := time.Date(day.Year(), day.Month(), day.Day(), s.cfg.DigestHour, 0, 0, 0, oslo)
	if !now.Before(dailyAt) && (p.LastSentAt == nil || p.LastSentAt.Before(dailyAt)) {
		return reports, "daily", true
	}
	if p.Mode == beredskap.DigestImmediate {
		for i := len(reports) - 1; i >= 0; i-- {
			if reports[i].BreachSuspected() {
				return reports[:i+1], "immediate", true
			}
		}
	}
	return nil, "", false
}

// claimDigest moves the digest of p's user on from where p has it to
// lastID and at, writing rec (when not nil) in the same transaction, if no
// other process moved it meanwhile; it reports whether it did.
func (s *Service) claimDigest(ctx context.Context, p *beredskap.DigestPref, lastID int64, at time.Time, rec *beredskap.AuditRecord) (bool, error) {
	var claimed bool
	err := s.store.UpdateFollowUp(ctx, func(ctx context.Context, tx beredskap.FollowUpTx) error {
		var err error
		claimed, err = tx.SwapDigestProgress(ctx, p.UserID, p.LastReportID, p.LastSentAt, lastID, &at)
		if err != nil || !claimed || rec == nil {
			return err
		}
		return beredskap.AppendAudit(ctx, tx, *rec)
	})
	return claimed, beredskap.Wrap("claim digest", err)
}

// maxDigestLinks is how many reports a digest e-mail links to; it counts
// the rest.
const maxDigestLinks = 100

// digestMessage returns the digest e-mail to u about reports, in the
// words of the staff texts (muni.digest.mail.*) in each of
// beredskap.UnknownReaderLanguages: the register stores no staff
// member's language. It names the municipalities and counts the reports and
// suspected breaches, and lists each report by its kind alone with the
// link to the traveller's page: nothing else of the travellers, since
// e-mail is not a safe channel.
func (s *Service) digestMessage(u *beredskap.User, munis []string, reports []*beredskap.CallReport, kind string, now time.Time) mail.Message {
	breaches := 0
	for _, r := range reports {
		if r.BreachSuspected() {
			breaches++
		}
	}
	places := make([]string, len(munis))
	for i, m := range munis {
		places[i] = m
		if mu, ok := norway.MunicipalityNear(m, now); ok {
			places[i] = mu.Name + " (" + m + ")"
		}
	}
	where := strings.Join(places, ", ")
	n := len(reports)
	var b strings.Builder
	var subjects []string
	for i, lang := range beredskap.UnknownReaderLanguages() {
		t := func(key string, args ...any) string { return s.cfg.Text(lang, key, args...) }
		count := func(key string, n int) string { return s.cfg.Plural(lang, key, n) }
		if i > 0 {
			b.WriteString("\n" + t("muni.digest.mail.language") + "\n\n")
		}
		b.WriteString(t("muni.digest.mail.greeting") + "\n\n")
		b.WriteString(t("muni.digest.mail.intro", "reports", count("muni.digest.mail.reports", n), "where", where,
			"breaches", count("muni.digest.mail.breaches", breaches)) + "\n")
		b.WriteString(t("muni.digest.mail.login") + "\n\n")
		s.digestLinks(&b, reports, t, count)
		b.WriteString("\n" + t("muni.digest.mail."+kind) + "\n")
		b.WriteString(t("muni.digest.mail.settings") + "\n")
		subjects = append(subjects, t("muni.digest.mail.subject", "reports", count("muni.digest.mail.reports", n),
			"breaches", count("muni.digest.mail.subject_breaches", breaches)))
	}
	return mail.Message{To: []string{u.Email}, Subject: strings.Join(subjects, " / "), Text: b.String()}
}

// digestLinks writes one line per report: its kind and the link to the
// traveller's page, in the words of t and count.
func (s *Service) digestLinks(b *strings.Builder, reports []*beredskap.CallReport, t func(string, ...any) string, count func(string, int) string) {
	for i, r := range reports {
		if i == maxDigestLinks {
			b.WriteString("- " + count("muni.digest.mail.more", len(reports)-i) + "\n")
			return
		}
		fmt.Fprintf(b, "- %s: %s/staff/followup/travellers/%s\n", reportKind(r, t), strings.TrimRight(s.cfg.BaseURL, "/"), url.PathEscape(r.Receipt))
	}
}

// reportKind names the kind of a report in the words of t, and nothing
// more of it.
func reportKind(r *beredskap.CallReport, t func(string, ...any) string) string {
	k := "muni.digest.mail.kind." + string(r.Outcome)
	if r.BreachSuspected() {
		k = "muni.digest.mail.kind.breach"
	}
	if r.Corrects != 0 {
		return t("muni.digest.mail.correction", "kind", t(k))
	}
	return t(k)
}
