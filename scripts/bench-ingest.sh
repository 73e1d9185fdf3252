#!/usr/bin/env bash
# Measures ingest (issue 15, item 10) in paired rounds: registrations per
# second through POST /api/v1/registrations with 16 clients on SQLite
# (BenchmarkIngestSQLite/http_api_16_clients), against raw inserts of a
# registration-sized row, one row per transaction, in WAL mode with
# synchronous=NORMAL, by the C SQLite library (python3's sqlite3 module) into
# a database with the same schema. Each round measures both, back to back,
# so that they share the moment of a shared, noisy machine; it prints every
# round and the medians of both rates and of their ratio. Usage:
# scripts/bench-ingest.sh [rounds, default 5] [benchtime, default 3s] [raw rows, default 20000].
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-5}
benchtime=${2:-3s}
rawrows=${3:-20000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
nice -n 19 go test -c -o "$work/bench.test" ./bench
nice -n 19 go build -tags nodevportal -o "$work/beredskap" ./cmd/beredskap
# The row: the contract's example registration and its decision.
cp cmd/beredskap/testdata/contract_registration.json "$work/registration.json"
"$work/beredskap" evaluate --allow-synthetic-ids < "$work/registration.json" > "$work/decision.json"

raw() {
  rm -f "$work/raw.db"*
  "$work/beredskap" migrate --db "$work/raw.db" >/dev/null
  python3 - "$work/raw.db" "$work/registration.json" "$work/decision.json" "$rawrows" <<'PY'
import datetime, json, secrets, sqlite3, sys, time
path, reg_path, dec_path, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
reg = json.dumps(json.load(open(reg_path)), separators=(",", ":"))
dec = json.dumps(json.load(open(dec_path)), separators=(",", ":"))
t = json.loads(reg)["traveller"]
db = sqlite3.connect(path, isolation_level=None)  # autocommit: one transaction per INSERT
db.execute("PRAGMA journal_mode=WAL")
db.execute("PRAGMA synchronous=NORMAL")
db.execute("PRAGMA busy_timeout=5000")
sql = """INSERT INTO registrations (receipt, municipality, arrival_at, created_at, first_name, last_name,
  birth_date, language, rule_id, rule_hash, quarantine_last_day, registration, decision)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"""
start = time.perf_counter()
for _ in range(n):
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    db.execute(sql, (secrets.token_hex(6).upper(), "0301", now, now, t.get("first_name", ""), t.get("last_name", ""),
                     t.get("birth_date", ""), t.get("language", "en"), "rule", "hash", None, reg, dec))
print("%.0f" % (n / (time.perf_counter() - start)))
PY
}

api() {
  (cd bench && "$work/bench.test" -test.run '^$' -test.bench '^BenchmarkIngestSQLite/http_api_16_clients$' -test.benchtime "$benchtime") |
    awk '/rows\/s/ { for (i = 1; i < NF; i++) if ($(i + 1) == "rows/s") print int($i) }'
}

out="$work/rounds"
echo "load before: $(cut -d ' ' -f 1-3 /proc/loadavg)"
for i in $(seq "$rounds"); do
  r1=$(raw)
  a=$(api)
  r2=$(raw)
  r=$(echo "$r1 $r2" | awk '{ printf "%.0f", ($1 + $2) / 2 }')
  printf 'round %d: api_16_clients %s rows/s, c_sqlite_raw %s rows/s (%s, %s), ratio %.3f\n' "$i" "$a" "$r" "$r1" "$r2" \
    "$(echo "$a $r" | awk '{ print $1 / $2 }')"
done | tee "$out"
echo "load after: $(cut -d ' ' -f 1-3 /proc/loadavg)"
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
echo "median api_16_clients: $(awk '{ print $4 }' "$out" | median) rows/s"
echo "median c_sqlite_raw: $(awk '{ print $7 }' "$out" | median) rows/s"
echo "median ratio: $(awk '{ print $NF }' "$out" | median)"
