#!/usr/bin/env bash
# Measures the retention purge on SQLite (issue 19): N registrations, each
# with a follow-up plan, a call report and two SMS, purged while
# registrations arrive at a steady rate through POST /api/v1/registrations,
# beside the same load with no purge just before (after a warm-up) and just after (pooled) in
# the same run. Prints the purge rate and the registrations' p50/p99 with
# and without the purge, and the machine's load average. Usage:
# scripts/bench-purge.sh [registrations, default 1000000] [per second, default 100] [baseline, default 30s]
# Seeding a million takes several minutes and about 6 GB in $TMPDIR; with
# BEREDSKAP_BENCH_SEED_DIR set, the seeded file is kept there and later runs
# with the same N copy it (another 6 GB). BEREDSKAP_BENCH_BUDGET sets the
# purge's --purge-budget (default 10ms).
set -euo pipefail
cd "$(dirname "$0")/.."
export BEREDSKAP_BENCH_REGS=${1:-1000000}
export BEREDSKAP_BENCH_RATE=${2:-100}
export BEREDSKAP_BENCH_BASELINE=${3:-30s}
echo "$(nproc) processors; load average $(cut -d' ' -f1-3 /proc/loadavg)"
go test -run '^$' -bench '^BenchmarkPurge$' -benchtime 1x -timeout 3h -v ./bench/ | grep -v '^=== '
