-- expand
-- A print letter is kept after it is downloaded, so that citizen support
-- can download it again (a jammed printer, a lost envelope) until the case
-- is purged with the person's other data. address_known says whether the
-- letter carries the registered address (0: the population register gave
-- none, and the address must be written by hand); printed_at is the first
-- download and downloads counts them. A letter queued before this
-- migration carried the address when the register knew it, as recorded in
-- its audit entry; it is taken as addressed.
ALTER TABLE print_letters ADD COLUMN address_known INTEGER NOT NULL DEFAULT 1;
ALTER TABLE print_letters ADD COLUMN printed_at TEXT;
ALTER TABLE print_letters ADD COLUMN downloads INTEGER NOT NULL DEFAULT 0;
