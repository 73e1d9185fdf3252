#!/usr/bin/env bash
# Measures the overhead of authorization and audit on a page of
# registrations (issue 3) in paired rounds: each round runs
# BenchmarkListRegistrations once, so that its four levels (store, service,
# http_plain, http_api) share the same moment of a shared, noisy machine,
# and the round's ratios service/store and http_api/http_plain are taken.
# It prints every round and the medians. Usage: scripts/bench-overhead.sh
# [rounds, default 9] [benchtime, default 2s].
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-9}
benchtime=${2:-2s}
go test -c -o /tmp/beredskap-bench.test ./bench
cd bench
for i in $(seq "$rounds"); do
  /tmp/beredskap-bench.test -test.run '^$' -test.bench '^BenchmarkListRegistrations$' -test.benchtime "$benchtime" |
    awk -v round="$i" '/ns\/op/ { name = $1; sub(/.*\//, "", name); sub(/-[0-9]+$/, "", name); ns[name] = $3 }
      END { printf "round %d: store %.0f service %.0f http_plain %.0f http_api %.0f ns/op; service/store %.3f http_api/http_plain %.3f\n",
        round, ns["store"], ns["service"], ns["http_plain"], ns["http_api"], ns["service"] / ns["store"], ns["http_api"] / ns["http_plain"] }'
done | tee /tmp/beredskap-bench-rounds.txt
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
for col in 'store' 'service' 'http_plain' 'http_api' 'service/store' 'http_api/http_plain'; do
  printf '%s median: %s\n' "$col" "$(awk -v c="$col" '{ for (i = 1; i < NF; i++) if ($i == c) print $(i + 1) }' /tmp/beredskap-bench-rounds.txt | median)"
done
