// Package sqlite stores the register in a SQLite file: one writer connection
// whose transactions begin IMMEDIATE, a pool of readers beside it in WAL mode,
// synchronous=NORMAL, and embedded migrations (migrations/*.sql) recorded in
// schema_migrations.
//
// The driver is modernc.org/sqlite (pure Go), chosen by measurement against
// github.com/mattn/go-sqlite3 (cgo) on this machine class (2 cores; two runs
// each; rows of about 2 KB of registration and decision JSON; WAL,
// synchronous=NORMAL): one row per transaction, 5,000 rows, modernc 4,950 and
// 5,240 rows/s, mattn 5,410 and 6,260 rows/s; 100,000 rows in one
// transaction, modernc 20,600 and 23,700 rows/s, mattn 28,000 and 30,800
// rows/s; a page of 50 by municipality over 105,000 rows, modernc p50
// 0.58/0.42 ms and p99 2.0/1.5 ms, mattn p50 0.33/0.34 ms and p99 1.3/1.2 ms.
// mattn is about 10–20 % faster on single-row writes and 25–40 % on the page
// read; modernc builds with CGO_ENABLED=0, so the binary cross-compiles and
// needs no C toolchain (the first cgo build of mattn took about a minute).
// Single-row commits run at the same order of magnitude with either, so
// modernc was taken.
package sqlite
