package sms

import (
	"context"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"beredskap/sms/gsm"
)

// Recorder is the development gateway: it sends nothing, keeps the
// messages in memory and logs each one's id, encoding and segments, with
// neither the number nor the text. A message whose ID it has seen gets the
// same provider id and is not recorded again.
type Recorder struct {
	logger *slog.Logger

	mu   sync.Mutex
	sent []Recorded
	ids  map[string]string // Message.ID → provider id
}

// Recorded is a message the Recorder took.
type Recorded struct {
	Message
	ProviderID string
	At         time.Time
}

var _ Gateway = (*Recorder)(nil)

// NewRecorder returns a Recorder that logs to logger; a nil logger
// discards.
func NewRecorder(logger *slog.Logger) *Recorder {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Recorder{logger: logger, ids: map[string]string{}}
}

// Send records m and returns its provider id, "rec-" and a number.
func (r *Recorder) Send(ctx context.Context, m Message) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", &SendError{Temporary: true, Err: err}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if id, ok := r.ids[m.ID]; ok {
		return id, nil
	}
	id := "rec-" + strconv.Itoa(len(r.sent)+1)
	r.ids[m.ID] = id
	r.sent = append(r.sent, Recorded{Message: m, ProviderID: id, At: time.Now()})
	enc, segs := gsm.Count(m.Body)
	r.logger.Info("sms recorded, not sent", "id", m.ID, "provider_id", id, "encoding", enc, "segments", segs)
	return id, nil
}

// Messages returns the messages recorded so far, oldest first.
func (r *Recorder) Messages() []Recorded {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Recorded(nil), r.sent...)
}
