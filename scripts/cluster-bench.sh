# Sourced by scripts/cluster-test.sh --bench once the cluster, HAProxy, the
# SMS provider and the staff are up (it uses that script's functions and
# variables: start_app, wait_for, log, tok, $bin, $dir, $db, $operators).
#
# Measures registrations per second, and then plans claimed and let go
# per second by two operators on the queue those registrations filled,
# through HAProxy with 1, 2 and 3 instances on
# the cluster (synchronous replication), then the same load against one
# instance on one plain PostgreSQL server with its default durability
# (no replica), in the same run. Each load is BENCH_N registrations
# (3000 by default, arriving the day before, so that their first call is
# due) from 16 clients; the claims run for 20 s.

bench_n=${BENCH_N:-3000}
results=()
# bench_load runs a load of registrations against $1, then lets the
# operators ($3) claim and release plans of the queue it filled for 20 s,
# and notes both rates as $2.
bench_load() {
  local url=$1 label=$2 ops=$3 regs claims
  "$bin/clusterload" load -url "$url" -n "$bench_n" -first "$bench_first" -c 16 -prefix "bench$label" \
    -arrival 2021-02-17T10:00:00+01:00 -out "$dir/bench$label.json" >"$dir/bench$label.log" 2>&1
  bench_first=$((bench_first + 100000))
  cat "$dir/bench$label.log"
  # The planner makes the plans within 10 s.
  sleep 12
  "$bin/clusterload" load -url "$url" -n 0 -ops-for 20s -hold 0 -operators "$ops" -out "$dir/claims$label.json" >"$dir/claims$label.log" 2>&1
  cat "$dir/claims$label.log"
  regs=$(grep -o '"per_second": [0-9.]*' "$dir/bench$label.json" | grep -o '[0-9.]*$')
  claims=$(grep -o '"holds_per_second": [0-9.]*' "$dir/claims$label.json" | grep -o '[0-9.]*$')
  results+=("$label $regs $claims")
}
bench_first=0

for i in 1 2 3; do
  start_app "$i"
  wait_for 60 curl -sf "http://127.0.0.1:809$i/readyz"
  # HAProxy marks a server up after two good checks a second apart.
  sleep 3
  log "bench: $i instance(s) behind HAProxy"
  bench_load http://127.0.0.1:8090 "cluster$i" "$operators"
done
for i in 1 2 3; do kill "${app_pids[$i]}"; done

# The baseline: one PostgreSQL server, as Debian configures it by default
# (fsync and synchronous_commit on), and one instance without a balancer.
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
mkdir -p "$dir/pgsingle"
chown postgres "$dir/pgsingle"
runuser -u postgres -- "$pgbin/initdb" -D "$dir/pgsingle/data" -U postgres -A trust >/dev/null
runuser -u postgres -- "$pgbin/pg_ctl" -D "$dir/pgsingle/data" -w -l "$dir/pgsingle/log" \
  -o "-c listen_addresses=127.0.0.1 -p 54399 -k $dir/pgsingle -c max_connections=200" start >/dev/null
single="postgres://postgres@127.0.0.1:54399/postgres?sslmode=disable"
"$bin/beredskap" migrate --db "$single" >/dev/null
mkdir -p "$dir/audit-single"
for who in op1 op2; do
  "$bin/beredskap" user add --db "$single" --audit-dir "$dir/audit-single" --email "$who@kontrollsenter.no" --name "Single $who" --role control_centre >/dev/null
done
single_ops="$(tok op1 "$single" "$dir/audit-single"),$(tok op2 "$single" "$dir/audit-single")"
"$bin/beredskap" serve --addr 127.0.0.1:8099 --db "$single" --rules "$dir/rules" --allow-synthetic-ids \
  --attachment-key "$key" --sms-provider-url "$(cat "$dir/sms.url")" --sms-api-key test-sms-key \
  --audit-dir "$dir/audit-single" --register-now "$now_flag" --mail-dir "$dir/mail-single" --log-format json >>"$dir/app-single.log" 2>&1 &
pids+=($!)
wait_for 60 curl -sf http://127.0.0.1:8099/readyz
log "bench: one instance on one PostgreSQL server"
bench_load http://127.0.0.1:8099 single "$single_ops"
runuser -u postgres -- "$pgbin/pg_ctl" -D "$dir/pgsingle/data" -m fast stop >/dev/null

echo
echo "setup                                registrations/s   plans claimed and let go/s"
for r in "${results[@]}"; do
  read -r label regs holds <<<"$r"
  printf '%-36s %17.1f %28.1f\n' "$label" "$regs" "$holds"
done
