-- The audit trail becomes a transparency log (issue 17): every entry is a
-- leaf of a Merkle tree with RFC 6962 hashing, whose stored hashes
-- (golang.org/x/mod/sumdb/tlog's numbering) are kept here so that adding a
-- leaf or proving one reads a logarithmic number of them. The one
-- checkpoint signer among the servers (a session advisory lock) extends
-- the tree from the entries in batches, existing entries first, so a trail
-- from before this migration becomes leaves 1… as it is; its hash chain
-- stays and is still written and verified.
CREATE TABLE audit_tree (
	idx  bigint PRIMARY KEY,
	hash bytea NOT NULL CHECK (length(hash) = 32)
);

-- audit_tree_size is how many entries are leaves. Extending the tree locks
-- this row.
CREATE TABLE audit_tree_size (
	id   boolean PRIMARY KEY DEFAULT true CHECK (id),
	size bigint NOT NULL
);

INSERT INTO audit_tree_size (id, size) VALUES (true, 0);

-- audit_checkpoints keeps copies of the signed checkpoints (notes in the
-- C2SP checkpoint form). The originals are kept outside the database; a
-- copy here newer than any original there shows originals were removed.
CREATE TABLE audit_checkpoints (
	size bigint PRIMARY KEY,
	note bytea NOT NULL
);

CREATE TRIGGER audit_tree_no_update BEFORE UPDATE OR DELETE ON audit_tree
	FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_tree_no_truncate BEFORE TRUNCATE ON audit_tree
	FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
