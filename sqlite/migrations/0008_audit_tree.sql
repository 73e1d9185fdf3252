-- The audit trail becomes a transparency log (issue 17): every entry is a
-- leaf of a Merkle tree with RFC 6962 hashing, whose stored hashes
-- (golang.org/x/mod/sumdb/tlog's numbering) are kept here so that adding a
-- leaf or proving one reads a logarithmic number of them. The checkpoint
-- signer extends the tree from the entries in batches, existing entries
-- first, so a trail from before this migration becomes leaves 1… as it
-- is; its hash chain stays and is still written and verified.
CREATE TABLE audit_tree (
	idx  INTEGER PRIMARY KEY,
	hash BLOB NOT NULL CHECK (length(hash) = 32)
) STRICT;

-- audit_tree_size is how many entries are leaves.
CREATE TABLE audit_tree_size (
	id   INTEGER PRIMARY KEY CHECK (id = 1),
	size INTEGER NOT NULL
) STRICT;

INSERT INTO audit_tree_size (id, size) VALUES (1, 0);

-- audit_checkpoints keeps copies of the signed checkpoints (notes in the
-- C2SP checkpoint form). The originals are kept outside the database; a
-- copy here newer than any original there shows originals were removed.
CREATE TABLE audit_checkpoints (
	size INTEGER PRIMARY KEY,
	note BLOB NOT NULL
) STRICT;

CREATE TRIGGER audit_tree_no_update BEFORE UPDATE ON audit_tree
BEGIN
	SELECT RAISE(ABORT, 'the audit tree is append-only');
END;

CREATE TRIGGER audit_tree_no_delete BEFORE DELETE ON audit_tree
BEGIN
	SELECT RAISE(ABORT, 'the audit tree is append-only');
END;
