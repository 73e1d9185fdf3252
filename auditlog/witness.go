package auditlog

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// The witness's HTTP interface, after C2SP tlog-witness: POST
// /add-checkpoint with a body of "old SIZE", the base64 hashes of the
// consistency proof from that size one per line, an empty line and the
// signed checkpoint, answered with the witness's signature lines, or 409
// Conflict and the size the witness has seen when old is not that size;
// GET /checkpoint answers the newest checkpoint it cosigned.
const (
	witnessAddPath    = "/add-checkpoint"
	witnessLatestPath = "/checkpoint"
	witnessMaxBody    = 64 << 10
	witnessStateFile  = "latest.checkpoint"
)

// Witness checks that each checkpoint of one audit log it is given is
// consistent with the last one it saw, and cosigns it with its own key.
// It keeps the last one in a file of its directory, so that it survives a
// restart: a log that was rolled back, or forked, cannot get a
// cosignature again.
type Witness struct {
	LogKey note.Verifier // the audit log's verifier key
	Signer note.Signer   // the witness's own key
	Dir    string        // where it keeps the newest checkpoint
	Logger *slog.Logger

	mu sync.Mutex
}

// latest returns the newest checkpoint cosigned, or nil.
func (w *Witness) latest() (*Checkpoint, error) {
	b, err := os.ReadFile(filepath.Join(w.Dir, witnessStateFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return Open(b, w.LogKey)
}

// ServeHTTP serves the witness's interface.
func (w *Witness) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	switch {
	case r.Method == http.MethodPost && r.URL.Path == witnessAddPath:
		w.add(rw, r)
	case r.Method == http.MethodGet && r.URL.Path == witnessLatestPath:
		w.mu.Lock()
		b, err := os.ReadFile(filepath.Join(w.Dir, witnessStateFile))
		w.mu.Unlock()
		if errors.Is(err, fs.ErrNotExist) {
			http.Error(rw, "no checkpoint yet", http.StatusNotFound)
			return
		}
		if err != nil {
			w.Logger.Error("witness: read the newest checkpoint", "err", err)
			http.Error(rw, "internal error", http.StatusInternalServerError)
			return
		}
		rw.Header().Set("Content-Type", "text/plain; charset=utf-8")
		rw.Write(b)
	default:
		http.NotFound(rw, r)
	}
}

// add checks and cosigns a checkpoint.
func (w *Witness) add(rw http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, witnessMaxBody+1))
	if err != nil || len(body) > witnessMaxBody {
		http.Error(rw, "the request is unreadable or too large", http.StatusBadRequest)
		return
	}
	old, proof, msg, err := parseAddCheckpoint(body)
	if err != nil {
		http.Error(rw, err.Error(), http.StatusBadRequest)
		return
	}
	cp, err := Open(msg, w.LogKey)
	if err != nil {
		http.Error(rw, "the checkpoint: "+err.Error(), http.StatusForbidden)
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	last, err := w.latest()
	if err != nil {
		w.Logger.Error("witness: read the newest checkpoint", "err", err)
		http.Error(rw, "internal error", http.StatusInternalServerError)
		return
	}
	var lastSize int64
	if last != nil {
		lastSize = last.Size
	}
	if old != lastSize {
		rw.Header().Set("Content-Type", "text/x.tlog.size")
		rw.WriteHeader(http.StatusConflict)
		fmt.Fprintf(rw, "%d\n", lastSize)
		return
	}
	switch {
	case cp.Size < lastSize:
		http.Error(rw, "the checkpoint is smaller than one already cosigned: the log was rolled back", http.StatusConflict)
		return
	case last != nil && cp.Time.Before(last.Time):
		http.Error(rw, "the checkpoint is older than one already cosigned", http.StatusConflict)
		return
	case last != nil && cp.Size == lastSize && cp.Root != last.Root:
		w.Logger.Error("witness: the log forked", "size", cp.Size)
		http.Error(rw, "the checkpoint has another root than the one already cosigned at its size: the log forked", http.StatusConflict)
		return
	case last != nil && cp.Size > lastSize:
		if err := tlog.CheckTree(proof, cp.Size, cp.Root, last.Size, last.Root); err != nil {
			w.Logger.Error("witness: an inconsistent checkpoint", "size", cp.Size, "last", last.Size)
			http.Error(rw, "the checkpoint is not consistent with the one already cosigned: "+err.Error(), http.StatusUnprocessableEntity)
			return
		}
	}
	n, err := note.Open(msg, note.VerifierList(w.LogKey))
	if err != nil {
		http.Error(rw, "the checkpoint: "+err.Error(), http.StatusForbidden)
		return
	}
	n.Sigs = nil
	signed, err := note.Sign(n, w.Signer)
	if err != nil {
		w.Logger.Error("witness: sign", "err", err)
		http.Error(rw, "internal error", http.StatusInternalServerError)
		return
	}
	sig := signed[bytes.LastIndex(signed, []byte("\n\n"))+2:]
	if last == nil || cp.Size > last.Size || cp.Time.After(last.Time) {
		if err := writeFileAtomic(filepath.Join(w.Dir, witnessStateFile), append(bytes.Clone(msg), sig...), 0o644); err != nil {
			w.Logger.Error("witness: keep the checkpoint", "err", err)
			http.Error(rw, "internal error", http.StatusInternalServerError)
			return
		}
	}
	w.Logger.Info("witness: cosigned", "size", cp.Size, "at", cp.Time)
	rw.Header().Set("Content-Type", "text/plain; charset=utf-8")
	rw.Write(sig)
}

// parseAddCheckpoint splits an add-checkpoint body into the old size,
// the consistency proof and the note.
func parseAddCheckpoint(body []byte) (int64, tlog.TreeProof, []byte, error) {
	head, msg, ok := bytes.Cut(body, []byte("\n\n"))
	if !ok {
		return 0, nil, nil, errors.New("the body has no empty line before the checkpoint")
	}
	sc := bufio.NewScanner(bytes.NewReader(head))
	if !sc.Scan() {
		return 0, nil, nil, errors.New("the body has no old size")
	}
	s, ok := strings.CutPrefix(sc.Text(), "old ")
	old, err := strconv.ParseInt(s, 10, 64)
	if !ok || err != nil || old < 0 {
		return 0, nil, nil, errors.New("the first line must be old and a size")
	}
	var proof tlog.TreeProof
	for sc.Scan() {
		b, err := base64.StdEncoding.DecodeString(sc.Text())
		if err != nil || len(b) != tlog.HashSize || len(proof) >= 64 {
			return 0, nil, nil, errors.New("a proof line is not a base64 hash")
		}
		proof = append(proof, tlog.Hash(b))
	}
	return old, proof, msg, nil
}

// formatAddCheckpoint writes an add-checkpoint body.
func formatAddCheckpoint(old int64, proof tlog.TreeProof, msg []byte) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "old %d\n", old)
	for _, h := range proof {
		b.WriteString(base64.StdEncoding.EncodeToString(h[:]) + "\n")
	}
	b.WriteString("\n")
	b.Write(msg)
	return b.Bytes()
}
