package auditlog

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/transparency-dev/formats/log"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// Checkpoint is a signed statement of the audit tree: its size (leaves
// 1…Size are entries 1…Size), its root hash, and when it was signed.
type Checkpoint struct {
	Origin string // the signer key's name
	Size   int64
	Root   tlog.Hash
	Time   time.Time
	// Note is the signed note, with any cosignatures, as kept.
	Note []byte
	// Cosigners names the keys other than the log's whose signatures
	// were checked.
	Cosigners []string
}

// timePrefix starts the extension line that holds a checkpoint's time.
const timePrefix = "time "

// Sign returns the signed note of a checkpoint of the tree of size leaves
// with the root hash, at the instant at: the C2SP checkpoint form (the
// origin, which is the signer's name, the size, the base64 root) with the
// time as an extension line.
func Sign(s Signer, size int64, root tlog.Hash, at time.Time) ([]byte, error) {
	body := log.Checkpoint{Origin: s.Name(), Size: uint64(size), Hash: root[:]}.Marshal()
	body = append(body, timePrefix+at.UTC().Format(time.RFC3339Nano)+"\n"...)
	msg, err := note.Sign(&note.Note{Text: string(body)}, s)
	if err != nil {
		return nil, fmt.Errorf("sign checkpoint: %w", err)
	}
	return msg, nil
}

// Open checks a checkpoint's note against the log's verifier key and
// returns the checkpoint. Signatures by keys in cosigners are checked too
// and named in Cosigners; other signatures are ignored.
func Open(msg []byte, logKey note.Verifier, cosigners ...note.Verifier) (*Checkpoint, error) {
	cp, rest, n, err := log.ParseCheckpoint(msg, logKey.Name(), logKey, cosigners...)
	if err != nil {
		// ParseCheckpoint's errors wrap note's with %v: they are told
		// apart by their text.
		if strings.Contains(err.Error(), "signature") {
			return nil, errors.New("it is not signed by the audit log's key")
		}
		return nil, err
	}
	if cp.Size > 1<<62 || len(cp.Hash) != tlog.HashSize {
		return nil, errors.New("its size or root hash is malformed")
	}
	c := &Checkpoint{Origin: cp.Origin, Size: int64(cp.Size), Root: tlog.Hash(cp.Hash), Note: msg}
	line, _, _ := bytes.Cut(rest, []byte("\n"))
	ts, ok := strings.CutPrefix(string(line), timePrefix)
	if !ok {
		return nil, errors.New("it has no time")
	}
	if c.Time, err = time.Parse(time.RFC3339Nano, ts); err != nil {
		return nil, fmt.Errorf("its time: %w", err)
	}
	for _, sig := range n.Sigs {
		if sig.Hash != logKey.KeyHash() || sig.Name != logKey.Name() {
			c.Cosigners = append(c.Cosigners, sig.Name)
		}
	}
	return c, nil
}

// CosignedBy reports whether the checkpoint carries a checked signature
// of the key named name.
func (c *Checkpoint) CosignedBy(name string) bool {
	for _, n := range c.Cosigners {
		if n == name {
			return true
		}
	}
	return false
}

// String names the checkpoint for a person: its size and time.
func (c *Checkpoint) String() string {
	return fmt.Sprintf("the checkpoint of %d entries signed %s", c.Size, c.Time.UTC().Format(time.RFC3339))
}
