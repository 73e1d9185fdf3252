package auditlog

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/mod/sumdb/note"
)

// Signer signs checkpoints. note.Signer is the interface: an Ed25519 key
// read from a file or the environment (NewSigner), or a hardware or cloud
// key service that implements Name, KeyHash and Sign.
type Signer = note.Signer

// Files of a directory of the audit log (Dir): the signing key, its
// verifier key, and the checkpoints.
const (
	KeyFile        = "signing.key"
	VerifierFile   = "signing.pub"
	checkpointsDir = "checkpoints"
)

// GenerateKey returns a new Ed25519 signer key and its verifier key in
// note's text form, named name (the log's origin).
func GenerateKey(name string) (skey, vkey string, err error) {
	return note.GenerateKey(rand.Reader, name)
}

// NewSigner returns the signer of a key in note's text form
// ("PRIVATE+KEY+name+hash+key").
func NewSigner(skey string) (Signer, error) {
	s, err := note.NewSigner(strings.TrimSpace(skey))
	if err != nil {
		return nil, fmt.Errorf("audit signing key: %w", err)
	}
	return s, nil
}

// NewVerifier returns the verifier of a verifier key in note's text form
// ("name+hash+key").
func NewVerifier(vkey string) (note.Verifier, error) {
	v, err := note.NewVerifier(strings.TrimSpace(vkey))
	if err != nil {
		return nil, fmt.Errorf("audit verifier key: %w", err)
	}
	return v, nil
}

// ReadKeyFile returns the trimmed contents of a key file, refusing a
// private key file that others than its owner may read.
func ReadKeyFile(path string, private bool) (string, error) {
	if private {
		if fi, err := os.Stat(path); err == nil && fi.Mode().Perm()&0o077 != 0 {
			return "", fmt.Errorf("the key file %s may be read by others (mode %v); chmod 600 it", path, fi.Mode().Perm())
		}
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(b)), nil
}

// EnsureKey returns the signer key and verifier key kept in dir, making
// the directory and a new key pair (named after a random origin) when it
// has none. The key file is readable by its owner only.
func EnsureKey(dir string) (skey, vkey string, err error) {
	keyPath, pubPath := filepath.Join(dir, KeyFile), filepath.Join(dir, VerifierFile)
	skey, err = ReadKeyFile(keyPath, true)
	switch {
	case err == nil:
		vkey, err = ReadKeyFile(pubPath, false)
		if err != nil {
			return "", "", fmt.Errorf("audit verifier key: %w", err)
		}
		return skey, vkey, nil
	case !errors.Is(err, fs.ErrNotExist):
		return "", "", fmt.Errorf("audit signing key: %w", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", "", fmt.Errorf("audit log directory: %w", err)
	}
	b := make([]byte, 6)
	rand.Read(b)
	skey, vkey, err = GenerateKey("beredskap-audit-" + hex.EncodeToString(b))
	if err != nil {
		return "", "", err
	}
	if err := writeFileAtomic(pubPath, []byte(vkey+"\n"), 0o644); err != nil {
		return "", "", fmt.Errorf("audit verifier key: %w", err)
	}
	if err := writeFileAtomic(keyPath, []byte(skey+"\n"), 0o600); err != nil {
		return "", "", fmt.Errorf("audit signing key: %w", err)
	}
	return skey, vkey, nil
}

// VerifierOf returns the verifier key of an Ed25519 signer key in note's
// text form, so that a key given alone (by the environment) names the
// verifier key that checks its checkpoints.
func VerifierOf(skey string) (string, error) {
	parts := strings.SplitN(strings.TrimSpace(skey), "+", 5)
	if len(parts) != 5 || parts[0] != "PRIVATE" || parts[1] != "KEY" {
		return "", errors.New("audit signing key: not a signer key")
	}
	key, err := base64.StdEncoding.DecodeString(parts[4])
	if err != nil || len(key) != 1+ed25519.SeedSize || key[0] != 1 {
		return "", errors.New("audit signing key: not an Ed25519 signer key")
	}
	pub := ed25519.NewKeyFromSeed(key[1:]).Public().(ed25519.PublicKey)
	vkey := parts[2] + "+" + parts[3] + "+" + base64.StdEncoding.EncodeToString(append([]byte{1}, pub...))
	if _, err := note.NewVerifier(vkey); err != nil {
		return "", fmt.Errorf("audit signing key: %w", err)
	}
	return vkey, nil
}

// writeFileAtomic writes data to path through a temporary file and a
// rename, so that a reader never sees half of it.
func writeFileAtomic(path string, data []byte, perm os.FileMode) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-"+filepath.Base(path)+"-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Chmod(perm); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
