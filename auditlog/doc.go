// Package auditlog makes the audit trail a transparency log, as
// Certificate Transparency and Go's checksum database are: the entries are
// leaves of a Merkle tree with RFC 6962 hashing (golang.org/x/mod/sumdb/tlog),
// whose size and root the checkpoint signer signs, every so many entries or
// seconds and at shutdown, with a key that is not in the database. The
// signed checkpoints (notes of golang.org/x/mod/sumdb/note in the C2SP
// checkpoint form of github.com/transparency-dev/formats) are kept outside
// the database — in a directory, and with witnesses that check each new
// checkpoint is consistent with the last one they saw and cosign it.
//
// Verify checks a database against them: a trail shortened, rolled back,
// rebuilt with recomputed hashes or edited disagrees with a checkpoint that
// the holder of the database alone cannot forge. Prove and CheckBundle
// give and check a person's inclusion proofs.
package auditlog
