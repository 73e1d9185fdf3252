package mail

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	netmail "net/mail"
	"os"
	"path/filepath"
	"strings"
	"time"

	"beredskap"
)

// Dir is the development sender: it writes each message as an RFC 5322
// .eml file into the directory Path instead of sending it, so that links
// in invitations can be opened without a mail server. Any mail program
// opens the files. It is safe for concurrent use.
type Dir struct {
	Path string
}

var _ Sender = Dir{}

// dirFrom is the sender of the messages Dir writes.
var dirFrom = &netmail.Address{Name: "Beredskap (development)", Address: "beredskap@localhost"}

// Send writes m to a new file in d.Path named after the time and a random
// suffix, created with mode 0600; the directory is made with mode 0700 when
// missing. It returns a *beredskap.Error EINVALID on "to" or "cc" when an
// address is wrong, and an error when ctx has ended or the file cannot be
// written.
func (d Dir) Send(ctx context.Context, m Message) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("write mail: %w", err)
	}
	if d.Path == "" {
		return beredskap.Invalid("mail.dir", "required", "the mail directory must be set")
	}
	msg, err := build(dirFrom, m)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(d.Path, 0o700); err != nil {
		return fmt.Errorf("write mail: %w", err)
	}
	name := time.Now().UTC().Format("20060102T150405.000000000Z") + "-" + randomHex(4) + ".eml"
	path := filepath.Join(d.Path, name)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("write mail: %w", err)
	}
	if _, err := msg.WriteTo(f); err != nil {
		f.Close()
		os.Remove(path)
		return fmt.Errorf("write mail %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		os.Remove(path)
		return fmt.Errorf("write mail %s: %w", path, err)
	}
	return nil
}

// messageID returns a unique Message-ID value (without the angle brackets)
// in the domain of the sender address from.
func messageID(from string) string {
	domain := "localhost"
	if i := strings.LastIndexByte(from, '@'); i >= 0 && i < len(from)-1 {
		domain = from[i+1:]
	}
	return fmt.Sprintf("%d.%s@%s", time.Now().UnixNano(), randomHex(12), domain)
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
