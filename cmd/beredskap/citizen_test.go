package main

import (
	"bytes"
	"encoding/base64"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"beredskap/folkeregister"
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

// The population register is off without a URL, and its URL and key are
// read from the environment like every other setting.
func TestPopulationRegisterSettings(t *testing.T) {
	var off citizenSettings
	if r := off.register(); r != nil {
		t.Errorf("register() without a URL = %v, want nil", r)
	}
	t.Setenv("BEREDSKAP_POPULATION_REGISTER_URL", "https://folkeregister.example/api")
	t.Setenv("BEREDSKAP_POPULATION_REGISTER_API_KEY", "secret")
	var s settings
	fs := newFlagSet("serve", io.Discard)
	s.bindServer(fs, "register.db")
	if err := parse(fs, nil); err != nil {
		t.Fatalf("parse: %v", err)
	}
	if s.Citizen.RegisterURL != "https://folkeregister.example/api" || s.Citizen.RegisterAPIKey != "secret" {
		t.Errorf("settings = %q, %q", s.Citizen.RegisterURL, s.Citizen.RegisterAPIKey)
	}
	if _, ok := s.Citizen.register().(*folkeregister.Client); !ok {
		t.Errorf("register() = %T, want a *folkeregister.Client", s.Citizen.register())
	}
}
