package citizen

import (
	"context"

	"beredskap"
)

// recipient is where the answer to a case goes, found before the
// decision's write transaction so that no network call holds it open:
// the person's digital mailbox, or else their registered address
// (folkeregistrert adresse).
type recipient struct {
	mailbox bool
	// address holds the lines of the registered address under the name;
	// it is nil for a letter to the mailbox, and for a print letter whose
	// address citizen support must add by hand.
	address []string
}

// findRecipient returns where the answer to the person goes: their
// digital mailbox when they have one, else print, to the registered
// address when the population register knows it.
func (s *Service) findRecipient(ctx context.Context, nationalID string) recipient {
	if s.hasMailbox(ctx, nationalID) {
		return recipient{mailbox: true}
	}
	return recipient{address: s.registeredAddress(ctx, nationalID)}
}

// registeredAddress returns the lines of the person's registered address,
// or nil when no population register is configured, the person has no
// registered address or the register fails; each of the last two is
// logged, without the address or the national identity number.
func (s *Service) registeredAddress(ctx context.Context, nationalID string) []string {
	if s.cfg.Register == nil {
		return nil
	}
	a, err := s.cfg.Register.Address(ctx, nationalID)
	switch {
	case beredskap.ErrorCode(err) == beredskap.ENOTFOUND:
		s.logger.WarnContext(ctx, "citizen: the population register has no address for the person; the print letter's address must be added by hand")
		return nil
	case err != nil:
		s.logger.WarnContext(ctx, "citizen: population register lookup failed; the print letter's address must be added by hand", "err", err)
		return nil
	}
	return a.Envelope()
}
