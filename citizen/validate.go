package citizen

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"beredskap"
	"beredskap/norway"
)

// Limits on what case forms may hold.
const (
	maxNameLength   = 200
	maxReasonLength = 1000
)

// acceptedTypes are the media types a copy of an identity document may
// have, as http.DetectContentType names them.
var acceptedTypes = map[string]bool{"image/jpeg": true, "image/png": true, "application/pdf": true}

// oslo is the time zone whose calendar dates expiry dates are written in.
var oslo = mustLoadOslo()

func mustLoadOslo() *time.Location {
	loc, err := time.LoadLocation("Europe/Oslo")
	if err != nil {
		panic(err) // package norway embeds time/tzdata, so this cannot happen
	}
	return loc
}

// checkNationalID records a problem with a national identity number, with
// the reason of norway.ParseNationalID.
func (s *Service) checkNationalID(ps *beredskap.Problems, field, v string) {
	_, err := norway.ParseNationalID(v, norway.IDOptions{AllowSynthetic: s.cfg.AllowSyntheticIDs})
	var ie *norway.IDError
	switch {
	case err == nil:
	case v == "":
		ps.Add(field, "required", "the national identity number is required")
	case errors.As(err, &ie):
		ps.Add(field, ie.Reason, ie.Message)
	default:
		ps.Add(field, "invalid_national_id", err.Error())
	}
}

// checkText records a problem with a text field that is missing when
// required, too long, or holds control characters, and returns it trimmed.
func checkText(ps *beredskap.Problems, field, v string, required bool, max int) string {
	v = strings.TrimSpace(v)
	switch {
	case v == "" && required:
		ps.Add(field, "required", "this field is required")
	case utf8.RuneCountInString(v) > max:
		ps.Add(field, "too_long", fmt.Sprintf("at most %d characters", max))
	case strings.IndexFunc(v, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\r' }) >= 0:
		ps.Add(field, "control_characters", "this field holds control characters")
	}
	return v
}

// checkFile records a problem with the copy of an identity document and
// returns its sniffed media type.
func (s *Service) checkFile(ps *beredskap.Problems, file []byte) string {
	if len(file) == 0 {
		ps.Add("file", "required", "a copy of a valid ID (passport, driving licence or national ID card) is required")
		return ""
	}
	if int64(len(file)) > s.cfg.MaxAttachmentBytes {
		ps.Add("file", "too_large", fmt.Sprintf("the file may be at most %d bytes", s.cfg.MaxAttachmentBytes))
		return ""
	}
	mediaType := http.DetectContentType(file)
	if !acceptedTypes[mediaType] {
		ps.Add("file", "unsupported_type", "the file must be a JPEG or PNG image or a PDF")
		return ""
	}
	return mediaType
}

// validateCase checks a block or reopen request and returns the case to
// store (without Channel, FiledBy or Status) and its attachment, encrypted.
// It returns EINVALID listing every problem.
func (s *Service) validateCase(in CaseInput, now time.Time) (*beredskap.AccessCase, *beredskap.Attachment, error) {
	var ps beredskap.Problems
	s.checkNationalID(&ps, "national_id", in.NationalID)
	name := checkText(&ps, "name", in.Name, true, maxNameLength)
	switch in.Kind {
	case beredskap.CaseBlock, beredskap.CaseReopen:
	case "":
		ps.Add("kind", "required", "say whether to block or reopen access")
	default:
		ps.Add("kind", "unknown_value", "the kind must be block or reopen")
	}
	switch in.DocumentKind {
	case beredskap.IDPassport, beredskap.IDDrivingLicence, beredskap.IDNationalCard:
	case "":
		ps.Add("document_kind", "required", "say which ID the copy is of")
	default:
		ps.Add("document_kind", "unknown_value", "the ID must be a passport, a driving licence or a national ID card")
	}
	switch d, err := time.Parse(time.DateOnly, in.DocumentExpires); {
	case in.DocumentExpires == "":
		ps.Add("document_expires", "required", "the expiry date of the ID is required")
	case err != nil:
		ps.Add("document_expires", "invalid_date", "write the date as YYYY-MM-DD")
	case d.Format(time.DateOnly) < now.In(oslo).Format(time.DateOnly):
		ps.Add("document_expires", "expired", "the ID has expired; we do not accept expired ID")
	}
	mediaType := s.checkFile(&ps, in.File)
	if err := ps.Err(); err != nil {
		return nil, nil, err
	}
	c := &beredskap.AccessCase{
		Kind: in.Kind, NationalID: in.NationalID, Name: name, SuspectedMisuse: in.SuspectedMisuse,
		DocumentKind: in.DocumentKind, DocumentExpires: in.DocumentExpires,
		Status: beredskap.CaseReceived, Deadline: now.Add(beredskap.CaseDeadline),
	}
	nonce, ciphertext := s.seal(in.File, attachmentAD(c))
	a := &beredskap.Attachment{MediaType: mediaType, Size: len(in.File), Nonce: nonce, Ciphertext: ciphertext}
	return c, a, nil
}
