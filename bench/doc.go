// Package bench holds the end-to-end benchmarks that compare the register
// with a baseline measured in the same run: registration ingest through the
// HTTP API against a raw INSERT of the same rows with the same driver, on
// SQLite and on PostgreSQL; the retention purge with registrations arriving
// meanwhile, against the same arrivals with no purge (BenchmarkPurge,
// scripts/bench-purge.sh); the exports of 100 000 rows against a plain
// SELECT of the same rows (BenchmarkExport). It has no code of its own; run
// it with, for example,
//
//	go test -run '^$' -bench Ingest -count 5 ./bench/
//	go test -run '^$' -bench Export -benchtime 1x -timeout 30m ./bench/
package bench
