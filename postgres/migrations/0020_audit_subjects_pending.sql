-- expand: storage settings only; the previous release runs on them.
-- An audit entry's receipts go into the GIN index's pending list, which is
-- cheap; merging the list into the index is not. With the default limit
-- (4 MB, about 2,500 entries of a 50-row list) the request whose entry
-- passes the limit merged the whole list itself, taking up to seconds, and
-- autovacuum came too rarely to do it first: on an insert-only table it
-- waits for inserts worth a fifth of the table. Autovacuum now visits the
-- trail after every 1,000 entries and merges the list then, outside any
-- request, and the limit is high enough (16 MB) that a request merges only
-- when autovacuum falls far behind. A search by receipt reads the pending
-- list in full, so the list stays short when autovacuum keeps up.
ALTER INDEX audit_subjects_gin SET (gin_pending_list_limit = 16384);
ALTER TABLE audit SET (autovacuum_vacuum_insert_threshold = 1000, autovacuum_vacuum_insert_scale_factor = 0);
