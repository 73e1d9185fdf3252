// Package mailbox delivers letters to citizens' digital mailboxes (digital
// postkasse) through a provider's REST API.
package mailbox

import "context"

// Letter is one letter to a person: a subject and a PDF.
type Letter struct {
	NationalID string
	Subject    string
	PDF        []byte
}

// Mailbox is a digital mailbox provider.
type Mailbox interface {
	// Has reports whether the person has a digital mailbox.
	Has(ctx context.Context, nationalID string) (bool, error)
	// Deliver puts the letter in the person's mailbox.
	Deliver(ctx context.Context, l Letter) error
}
