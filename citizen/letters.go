package citizen

import (
	"context"
	"errors"
	"fmt"
	"time"

	"beredskap"
	"beredskap/internal/datefmt"
	"beredskap/letter"
	"beredskap/mailbox"
)

// languages returns the languages of the letters to the person with
// nationalID: the language stored on their citizen account when they have
// one with a language the letters are written in, otherwise bokmål then
// English (beredskap.UnknownReaderLanguages).
func languages(ctx context.Context, tx beredskap.CitizenTx, nationalID string) ([]string, error) {
	acc, err := tx.FindCitizen(ctx, nationalID)
	if beredskap.ErrorCode(err) == beredskap.ENOTFOUND {
		return beredskap.UnknownReaderLanguages(), nil
	}
	if err != nil {
		return nil, err
	}
	if writtenIn(acc.Language) {
		return []string{acc.Language}, nil
	}
	return beredskap.UnknownReaderLanguages(), nil
}

// writtenIn reports whether letters are written in lang.
func writtenIn(lang string) bool {
	return lang == "nb" || lang == "nn" || lang == "en"
}

// content returns the letter answering c as it stands, in the words of
// the citizen texts (citizen.letter.*, Config.Text) in each of langs; code
// is the one-time code of an approved reopen case, else "". It fails when
// the service has no texts.
func (s *Service) content(c *beredskap.AccessCase, now time.Time, code string, langs []string) (letter.Content, error) {
	l := letter.Content{RecipientName: c.Name, Date: now.In(oslo), CaseNumber: c.Number, Code: code}
	if s.cfg.Text == nil {
		return l, errors.New("citizen letter: no texts to write it with (citizen.Config.Text)")
	}
	for _, lang := range langs {
		t := func(key string, args ...any) string {
			return s.cfg.Text(lang, "citizen.letter."+key, append(args, "helpline", s.cfg.Helpline, "case", c.Number)...)
		}
		w := letter.Text{Lang: lang, Title: t("title"), DateLabel: t("date"), CaseLabel: t("case"),
			CodeLabel: t("code"), CodeInstruction: t("code.phone"), Closing: t("closing")}
		switch {
		case c.Status == beredskap.CaseRejected:
			kind := "block"
			if c.Kind == beredskap.CaseReopen {
				kind = "reopen"
			}
			w.Heading = t("rejected.heading." + kind)
			w.Paragraphs = []string{t("rejected.text." + kind), t("rejected.reason", "reason", c.Reason), t("rejected.again")}
		case c.Kind == beredskap.CaseBlock:
			w.Heading = t("blocked.heading")
			if c.SuspectedMisuse {
				w.Paragraphs = append(w.Paragraphs, t("blocked.misuse"))
			}
			w.Paragraphs = append(w.Paragraphs, t("blocked.text"), t("blocked.reopen"))
		default:
			w.Heading = t("reopen.heading")
			w.Paragraphs = []string{t("reopen.text"), t("reopen.valid", "date", datefmt.Day(lang, *c.CodeExpiresAt))}
		}
		l.Texts = append(l.Texts, w)
	}
	return l, nil
}

// hasMailbox reports whether the person has a digital mailbox; when the
// provider cannot say, the letter goes to print.
func (s *Service) hasMailbox(ctx context.Context, nationalID string) bool {
	has, err := s.mailbox.Has(ctx, nationalID)
	if err != nil {
		s.logger.WarnContext(ctx, "citizen: mailbox lookup failed; the letter goes to print", "err", err)
		return false
	}
	return has
}

// outgoing is a letter rendered for the person's digital mailbox, sent
// once the case's transaction has committed.
type outgoing struct {
	content letter.Content
	pdf     []byte
}

// answer renders the letter answering c. For a person without a digital
// mailbox it stores the letter, addressed to the registered address when
// it is known, encrypted, for citizen support to print (audited as
// "citizen_letter.queue") and returns nil; otherwise it returns the
// letter for deliver to send once the transaction commits.
func (s *Service) answer(ctx context.Context, tx beredskap.CitizenTx, a *beredskap.Actor, c *beredskap.AccessCase, to recipient, now time.Time, code string) (*outgoing, error) {
	langs, err := languages(ctx, tx, c.NationalID)
	if err != nil {
		return nil, err
	}
	l, err := s.content(c, now, code, langs)
	if err != nil {
		return nil, err
	}
	if !to.mailbox {
		l.RecipientAddress = to.address
		l.AddressByHand = len(to.address) == 0
	}
	pdf, err := letter.Render(l)
	if err != nil {
		return nil, err
	}
	if to.mailbox {
		return &outgoing{content: l, pdf: pdf}, nil
	}
	return nil, s.queuePrint(ctx, tx, a, c, pdf, len(to.address) > 0)
}

// queuePrint stores the letter of c, encrypted, for citizen support to
// print; addressed says whether it carries the registered address, and
// when it does not, the audit entry says that the address must be added
// by hand. Audited as "citizen_letter.queue".
func (s *Service) queuePrint(ctx context.Context, tx beredskap.CitizenTx, a *beredskap.Actor, c *beredskap.AccessCase, pdf []byte, addressed bool) error {
	nonce, ciphertext := s.seal(pdf, letterAD(c.ID))
	l := &beredskap.PrintLetter{
		Attachment:   beredskap.Attachment{CaseID: c.ID, MediaType: "application/pdf", Size: len(pdf), Nonce: nonce, Ciphertext: ciphertext},
		AddressKnown: addressed,
	}
	if err := tx.CreatePrintLetter(ctx, l); err != nil {
		return err
	}
	rec := beredskap.RecordFor(a, "citizen_letter.queue", caseObject(c.ID), beredskap.OutcomeOK)
	rec.Detail = "letter for case " + c.Number + " to print and post to the registered address"
	if !addressed {
		rec.Detail = "letter for case " + c.Number + " to print and post; the registered address is unknown and must be added by hand"
	}
	return beredskap.AppendAudit(ctx, tx, rec)
}

// deliver sends out, the letter of c, to the person's digital mailbox
// once the case's transaction has committed; nil out sends nothing. A
// failed delivery is logged and audited ("citizen_letter.deliver" failed)
// and the letter goes to print instead, rendered again with the
// registered address when the population register gives it; the case
// stands.
func (s *Service) deliver(ctx context.Context, a *beredskap.Actor, c *beredskap.AccessCase, out *outgoing) {
	if out == nil {
		return
	}
	l := mailbox.Letter{NationalID: c.NationalID, Subject: "Helfo: " + out.content.Texts[0].CaseLabel + " " + c.Number, PDF: out.pdf}
	derr := s.mailbox.Deliver(ctx, l)
	outcome, detail := beredskap.OutcomeOK, "letter for case "+c.Number+" delivered to the digital mailbox"
	printed, addressed := out.pdf, false
	if derr != nil {
		s.logger.ErrorContext(ctx, "citizen: mailbox delivery failed; the letter goes to print", "case", c.Number, "err", derr)
		outcome, detail = beredskap.OutcomeFailed, "delivery of the letter for case "+c.Number+" failed; queued for print"
		printed, addressed = s.addressed(ctx, c, out)
	}
	err := s.store.UpdateCitizen(ctx, func(ctx context.Context, tx beredskap.CitizenTx) error {
		rec := beredskap.RecordFor(a, "citizen_letter.deliver", caseObject(c.ID), outcome)
		rec.Detail = detail
		if err := beredskap.AppendAudit(ctx, tx, rec); err != nil {
			return err
		}
		if derr != nil {
			return s.queuePrint(ctx, tx, a, c, printed, addressed)
		}
		return nil
	})
	if err != nil {
		s.logger.ErrorContext(ctx, "citizen: record letter delivery", "case", c.Number, "err", err)
	}
}

// addressed returns the letter out rendered again for print: with the
// person's registered address, and true; or, when the population register
// has none, with an empty address box to write in by hand, and false (and
// out's PDF as it is, and false, when it cannot be rendered again).
func (s *Service) addressed(ctx context.Context, c *beredskap.AccessCase, out *outgoing) ([]byte, bool) {
	l := out.content
	l.RecipientAddress = s.registeredAddress(ctx, c.NationalID)
	l.AddressByHand = len(l.RecipientAddress) == 0
	pdf, err := letter.Render(l)
	if err != nil {
		s.logger.ErrorContext(ctx, "citizen: render the print letter with its address", "case", c.Number, "err", err)
		return out.pdf, false
	}
	return pdf, !l.AddressByHand
}

// PrintLetters returns the letters waiting to be printed and posted,
// oldest first, then the letters printed already, which can be downloaded
// again, the last printed first. It needs PermProcessCitizenCases
// (EFORBIDDEN otherwise, audited). Audited as "citizen_letter.list".
func (s *Service) PrintLetters(ctx context.Context) ([]PrintLetter, error) {
	a, err := s.may(ctx, "citizen_letter.list", "citizen_letters")
	if err != nil {
		return nil, err
	}
	var out []PrintLetter
	err = s.store.UpdateCitizen(ctx, func(ctx context.Context, tx beredskap.CitizenTx) error {
		letters, err := tx.ListPrintLetters(ctx)
		if err != nil {
			return err
		}
		out = make([]PrintLetter, len(letters))
		for i, l := range letters {
			out[i] = PrintLetter{CaseID: l.CaseID, Number: l.Case.Number, Name: l.Case.Name, CreatedAt: l.CreatedAt,
				AddressKnown: l.AddressKnown, PrintedAt: l.PrintedAt, Downloads: l.Downloads}
		}
		rec := beredskap.RecordFor(a, "citizen_letter.list", "citizen_letters", beredskap.OutcomeOK)
		rec.Detail = fmt.Sprintf("%d letters", len(out))
		return beredskap.AppendAudit(ctx, tx, rec)
	})
	if err != nil {
		return nil, beredskap.Wrap("print letters", err)
	}
	return out, nil
}

// DownloadLetter returns the PDF of a case's letter to print, and counts
// the download; the letter stays, so that it can be downloaded again (a
// jammed printer, a lost envelope) until the case is purged with the
// person's other data. Every download is audited as
// "citizen_letter.print", the second and later ones saying so, and
// whoever downloaded a reopen letter (and so may have seen its code) may
// not enter its code. It needs PermProcessCitizenCases (EFORBIDDEN
// otherwise, audited) and returns ENOTFOUND when the case has no letter.
func (s *Service) DownloadLetter(ctx context.Context, caseID int64) ([]byte, error) {
	a, err := s.may(ctx, "citizen_letter.print", caseObject(caseID))
	if err != nil {
		return nil, err
	}
	var pdf []byte
	err = s.tx.Update(ctx, "download print letter", func(ctx context.Context, tx beredskap.CitizenTx) error {
		l, err := tx.DownloadPrintLetter(ctx, caseID)
		if err != nil {
			return beredskap.RefuseUserError(err)
		}
		if pdf, err = s.open(l.Nonce, l.Ciphertext, letterAD(caseID)); err != nil {
			return err
		}
		rec := beredskap.RecordFor(a, "citizen_letter.print", caseObject(caseID), beredskap.OutcomeOK)
		rec.Detail = "first download"
		if l.Downloads > 1 {
			rec.Detail = fmt.Sprintf("downloaded again (download %d)", l.Downloads)
		}
		if !l.AddressKnown {
			rec.Detail += "; the registered address is unknown and must be written by hand"
		}
		return beredskap.AppendAudit(ctx, tx, rec)
	})
	if err != nil {
		return nil, err
	}
	return pdf, nil
}
