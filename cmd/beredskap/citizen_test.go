package main

import (
	"bytes"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// Without --attachment-key, a SQLite database keeps its key beside it,
// made once with mode 0600 and read back on every start; PostgreSQL has no
// file to keep it beside, so there the key is required.
func TestAttachmentKeyKeptBesideDB(t *testing.T) {
	db := filepath.Join(t.TempDir(), "register.db")
	var s citizenSettings
	first, err := s.attachmentKey(db)
	if err != nil || len(first) != 32 {
		t.Fatalf("attachmentKey = %d bytes, %v", len(first), err)
	}
	info, err := os.Stat(db + ".key")
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v, %v; want mode 0600", info, err)
	}
	again, err := s.attachmentKey(db)
	if err != nil || !bytes.Equal(first, again) {
		t.Fatalf("second start read another key (%v)", err)
	}

	var ue usageError
	if _, err := s.attachmentKey("postgres://u@localhost/db"); !errors.As(err, &ue) {
		t.Errorf("PostgreSQL without a key: %v; want a usage error", err)
	}
	s.AttachmentKey = base64.StdEncoding.EncodeToString([]byte("too short"))
	if _, err := s.attachmentKey(db); !errors.As(err, &ue) {
		t.Errorf("a short key: %v; want a usage error", err)
	}
}
