#!/usr/bin/env bash
# Measures the overhead of authorization and audit on a page of
# registrations (issue 3) in paired rounds: each round runs
# BenchmarkListRegistrations once, so that its four levels (store, service,
# http_plain, http_api) share the same moment of a shared, noisy machine,
# and the round's ratios service/store and http_api/http_plain are taken,
# with http_paired's api/plain of the means (paired) and of the medians
# (paired_median), from plain and audited requests made in turn.
# It runs on SQLite and, when BEREDSKAP_TEST_POSTGRES is set, PostgreSQL,
# and prints every round (with the load average before it) and the medians. Usage:
# scripts/bench-overhead.sh [rounds, default 9] [benchtime, default 2s].
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-9}
benchtime=${2:-2s}
bin=$(mktemp)
out=$(mktemp)
trap 'rm -f "$bin" "$out"' EXIT
go test -c -o "$bin" ./bench
for i in $(seq "$rounds"); do
  load=$(cut -d ' ' -f 1-3 /proc/loadavg)
  (cd bench && "$bin" -test.run '^$' -test.bench '^BenchmarkListRegistrations$' -test.benchtime "$benchtime") |
    awk -v round="$i" -v load="$load" '/ns\/op/ {
        split($1, p, "/"); kind = p[2]; level = p[3]; sub(/-[0-9]+$/, "", level)
        ns[kind, level] = $3; kinds[kind] = 1
        for (i = 5; i < NF; i += 2) metric[kind, $(i + 1)] = $i
      }
      END {
        for (k in kinds)
          printf "%s round %d: store %.0f service %.0f http_plain %.0f http_api %.0f ns/op; service/store %.3f http_api/http_plain %.3f paired %.3f paired_median %.3f load %s\n",
            k, round, ns[k, "store"], ns[k, "service"], ns[k, "http_plain"], ns[k, "http_api"],
            ns[k, "service"] / ns[k, "store"], ns[k, "http_api"] / ns[k, "http_plain"],
            metric[k, "api/plain"], metric[k, "api/plain-median"], load
      }'
done | tee "$out"
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
for kind in $(awk '{ print $1 }' "$out" | sort -u); do
  for col in store service http_plain http_api service/store http_api/http_plain paired paired_median; do
    printf '%s %s median: %s\n' "$kind" "$col" \
      "$(awk -v k="$kind" -v c="$col" '$1 == k { for (i = 2; i < NF; i++) if ($i == c) print $(i + 1) }' "$out" | median)"
  done
done
