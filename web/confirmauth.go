package web

import (
	"context"
	"maps"
	"net/http"

	"beredskap"
)

// safeMethod reports whether method is one whose handlers change nothing
// outside the staff store's transactions, so that a token's auth epoch
// may be left to them (staff.Service.AuthenticateTokenPending).
func safeMethod(method string) bool {
	return method == http.MethodGet || method == http.MethodHead
}

// confirmAuth runs h so that nothing of its answer is sent before the
// request's pending authentication (beredskap.PendingAuth), if any, is
// confirmed: a transaction of h usually confirmed it already; otherwise
// it is confirmed at h's first write, or when h returns without one. When
// it no longer holds, what h wrote is dropped, the headers h set are
// removed, and the request is answered as authenticate would answer it
// now: h runs again with the token read afresh, or the request is
// answered as one without a valid token. Nothing h did is left behind:
// a GET changes nothing outside the staff store's transactions, and a
// transaction that found the epoch moved keeps nothing.
func confirmAuth(s *Server, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p := beredskap.PendingAuthFrom(r.Context())
		if p == nil {
			h(w, r)
			return
		}
		before := w.Header().Clone()
		cw := &confirmingWriter{ResponseWriter: w, confirm: func() bool { return p.Confirm(r.Context()) == nil }}
		h(cw, r)
		if cw.check() {
			return
		}
		header := w.Header()
		clear(header)
		maps.Copy(header, before)
		ctx := beredskap.WithPendingAuth(r.Context(), nil)
		ca := beredskap.ActorFrom(ctx)
		actor := &beredskap.Actor{Address: ca.Address, RequestID: ca.RequestID}
		st := &authState{}
		bearer, _ := bearerToken(r)
		if a, _ := s.bearerActor(beredskap.WithActor(ctx, actor), st, bearer, false); a != nil {
			actor = a
			actor.Address, actor.RequestID = ca.Address, ca.RequestID
		}
		ctx = context.WithValue(beredskap.WithActor(ctx, actor), authStateKey{}, st)
		h(w, r.WithContext(ctx))
	}
}

// confirmingWriter passes an answer on once confirm allowed it, which it
// asks at the first write; when confirm refuses, the handler's writes are
// dropped.
type confirmingWriter struct {
	http.ResponseWriter
	confirm func() bool
	asked   bool
	allowed bool
}

// check asks confirm once and reports whether the answer may go on.
func (w *confirmingWriter) check() bool {
	if !w.asked {
		w.asked = true
		w.allowed = w.confirm()
	}
	return w.allowed
}

func (w *confirmingWriter) WriteHeader(status int) {
	if w.check() {
		w.ResponseWriter.WriteHeader(status)
	}
}

func (w *confirmingWriter) Write(b []byte) (int, error) {
	if !w.check() {
		return len(b), nil
	}
	return w.ResponseWriter.Write(b)
}

// FlushError flushes what was written, once the answer may go on.
func (w *confirmingWriter) FlushError() error {
	if !w.check() {
		return nil
	}
	return http.NewResponseController(w.ResponseWriter).Flush()
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *confirmingWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
