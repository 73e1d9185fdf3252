package sms

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"beredskap"
)

// NewReceiptHandler returns the webhook that takes the provider's delivery
// receipts (POST, signed as ParseReceipt checks with secret) and records
// them on the outbox message they name, found by the provider's id or,
// when the receipt overtook the worker's saving of that id, by its
// reference (the outbox id). It answers:
//
//   - 204 when the receipt was recorded, and also when it names no message
//     this register sent: the provider cannot do better by trying again,
//     and a provider that retries non-2xx answers would otherwise retry
//     forever (such receipts are logged);
//   - 401 for a bad or stale signature, logged with the remote address
//     (never the secret or the body);
//   - 400 for a signed body that is not a receipt, 413 for one over
//     MaxReceiptBody, 405 for a method other than POST;
//   - 500 when the store fails, so that the provider tries again.
//
// A delivered receipt sets the message delivered with DeliveredAt (the
// receipt's time, or the clock's when it has none); a failed one sets it
// failed with the provider's error, unless it was already delivered.
// Receipts are idempotent, so one replayed within the replay window
// changes nothing. A nil logger discards.
//
// Signatures are checked against wall, the real time the provider signs
// by (time.Now when nil), never against clock, which a demo runs shifted
// into the past: a shifted clock would refuse every real receipt and
// accept receipts signed long ago.
func NewReceiptHandler(secret []byte, store beredskap.FollowUpStore, clock, wall beredskap.Clock, logger *slog.Logger) http.Handler {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if wall == nil {
		wall = time.Now
	}
	return &receiptHandler{secret: secret, store: store, clock: clock, wall: wall, logger: logger}
}

type receiptHandler struct {
	secret []byte
	store  beredskap.FollowUpStore
	clock  beredskap.Clock
	wall   beredskap.Clock
	logger *slog.Logger
}

// ServeHTTP records one receipt.
func (h *receiptHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	rc, err := ParseReceipt(h.secret, r, h.wall())
	switch {
	case errors.Is(err, ErrBadSignature):
		h.logger.Warn("sms receipt refused: bad signature", "remote", r.RemoteAddr)
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	case errors.Is(err, ErrReceiptTooLarge):
		http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
		return
	case err != nil:
		h.logger.Warn("sms receipt refused: malformed", "remote", r.RemoteAddr)
		http.Error(w, "malformed receipt", http.StatusBadRequest)
		return
	}
	found := true
	err = h.store.UpdateFollowUp(r.Context(), func(ctx context.Context, tx beredskap.FollowUpTx) error {
		m, err := findForReceipt(ctx, tx, rc)
		if beredskap.ErrorCode(err) == beredskap.ENOTFOUND {
			found = false
			return nil
		}
		if err != nil {
			return err
		}
		if !apply(m, rc, h.clock()) {
			return nil
		}
		return tx.SaveSMS(ctx, m)
	})
	if err != nil {
		h.logger.Error("sms receipt not recorded", "provider_id", rc.ID, "err", err)
		http.Error(w, "not recorded", http.StatusInternalServerError)
		return
	}
	if !found {
		h.logger.Info("sms receipt for an unknown message ignored", "provider_id", rc.ID)
	}
	w.WriteHeader(http.StatusNoContent)
}

// findForReceipt returns the message rc is about: the one with its
// provider id, or else the one its reference names if that message has no
// provider id yet.
func findForReceipt(ctx context.Context, tx beredskap.FollowUpTx, rc Receipt) (*beredskap.SMSMessage, error) {
	m, err := tx.FindSMSByProviderID(ctx, rc.ID)
	if beredskap.ErrorCode(err) != beredskap.ENOTFOUND {
		return m, err
	}
	id, perr := strconv.ParseInt(rc.Reference, 10, 64)
	if perr != nil || id <= 0 {
		return nil, err
	}
	m, err2 := tx.FindSMS(ctx, id)
	if err2 != nil {
		return nil, err2
	}
	if m.ProviderID != "" && m.ProviderID != rc.ID {
		return nil, err // that message went out under another id
	}
	// The worker may have stored this very id since the lookup above (it
	// committed while this transaction waited for the message's lock).
	return m, nil
}

// apply records rc on m at now and reports whether m changed. A message
// already delivered stays delivered.
func apply(m *beredskap.SMSMessage, rc Receipt, now time.Time) bool {
	if m.ProviderID == "" {
		m.ProviderID = rc.ID
	}
	at := rc.At
	if at.IsZero() {
		at = now
	}
	at = at.UTC().Truncate(time.Microsecond)
	switch {
	case m.Status == beredskap.SMSDelivered:
		return false
	case rc.Status == ReceiptDelivered:
		m.Status = beredskap.SMSDelivered
		m.DeliveredAt = &at
		m.LastError = ""
	case m.Status == beredskap.SMSFailed && m.LastError == receiptError(rc):
		return false
	default:
		m.Status = beredskap.SMSFailed
		m.LastError = receiptError(rc)
	}
	return true
}

// receiptError is the LastError of a failure receipt: the provider's code
// when it looks like one.
func receiptError(rc Receipt) string {
	if isCode(rc.Error) {
		return "provider receipt: " + rc.Error
	}
	return "provider receipt: failed"
}
