#!/usr/bin/env bash
# Runs beredskap on a PostgreSQL cluster with failover, on this machine, and
# proves that nothing acknowledged is lost and nothing is sent twice:
#
#   etcd, three Patroni-managed PostgreSQL 15 nodes (synchronous mode, the
#   configuration of deploy/patroni), HAProxy (deploy/haproxy.cfg), two or
#   three `beredskap serve` instances and a local SMS provider that records
#   every message (cmd/clusterload sms).
#
# Load: registrations through the balancer, each retried with its key until
# acknowledged; operators claiming and releasing work; audited reads. The
# register's clock runs from shortly before a rule version (made for the
# run: quarantine 10 → 7 days) takes effect, so that its rule-change SMS go
# out during the run.
#
# The register's clock also passes the digest hour (--digest-hour 12): the
# operators file call reports, and a municipal officer of Oslo gets a daily
# digest of them, which every instance could send.
#
# Scenarios (--short runs the first, the rule change and the digest hour;
# CI runs --short):
#   1. the leader killed with -9 (Patroni and PostgreSQL) under load
#   2. the leader stopped with SIGSTOP for 30 s under load
#   3. a planned switchover under load
#   4. the instance that leads the SMS worker killed with -9 while the
#      rule-change SMS go out
#
# Pass only when every acknowledged registration is on the final primary
# and each key maps to one receipt, `audit verify` passes, no plan was held
# by two operators at once, the provider never took one message twice, no
# user got two daily digests on one day, and the service acknowledged
# registrations again within 15 s of each failure.
#
# Needs root (PostgreSQL and Patroni run as postgres) and the Debian
# packages patroni etcd-server etcd-client haproxy postgresql. Uses only
# 127.0.0.1, the ports of deploy/, and stops everything it started by PID.
# Options: --short, --instances N (2 or 3), --keep (leave the directory),
# --bench (instead of the scenarios: registrations and queue claims per
# second through HAProxy with 1, 2 and 3 instances, beside one instance on
# one plain PostgreSQL server, in the same run).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

short=false
bench=false
instances=3
keep=false
while [ $# -gt 0 ]; do
  case "$1" in
    --short) short=true ;;
    --instances) instances=$2; shift ;;
    --keep) keep=true ;;
    --bench) bench=true ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
[ "$(id -u)" = 0 ] || { echo "cluster-test.sh: run as root (PostgreSQL runs as postgres)" >&2; exit 2; }
for cmd in patroni patronictl etcd haproxy curl; do
  command -v "$cmd" >/dev/null || { echo "cluster-test.sh: $cmd missing: apt-get install -y patroni python3-etcd etcd-server etcd-client haproxy curl" >&2; exit 2; }
done

dir=$(mktemp -d /tmp/beredskap-cluster.XXXXXX)
chmod 755 "$dir"
pids=()
log() { echo "$(date -u +%H:%M:%S) $*"; }
# stop ends every process this script started, by the PIDs it noted.
stop() {
  set +e
  for ((i=${#pids[@]}-1; i>=0; i--)); do kill -CONT "${pids[$i]}" 2>/dev/null; kill "${pids[$i]}" 2>/dev/null; done
  for n in 1 2 3 single; do
    [ -f "$dir/pg$n/data/postmaster.pid" ] && kill "$(head -1 "$dir/pg$n/data/postmaster.pid")" 2>/dev/null
  done
  sleep 2
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done
  for n in 1 2 3 single; do
    [ -f "$dir/pg$n/data/postmaster.pid" ] && kill -9 "$(head -1 "$dir/pg$n/data/postmaster.pid" 2>/dev/null)" 2>/dev/null
  done
  if $keep; then echo "cluster-test.sh: kept $dir"; else rm -rf "$dir"; fi
}
trap stop EXIT
trap 'exit 130' INT TERM

log "building"
go build -tags nodevportal -o "$dir/bin/beredskap" ./cmd/beredskap
go build -o "$dir/bin/clusterload" ./cmd/clusterload
bin="$dir/bin"

# etcd, one member, with the v2 API that deploy/patroni uses.
etcd --name e1 --data-dir "$dir/etcd" \
  --listen-client-urls http://127.0.0.1:23790 --advertise-client-urls http://127.0.0.1:23790 \
  --listen-peer-urls http://127.0.0.1:23800 --initial-advertise-peer-urls http://127.0.0.1:23800 \
  --initial-cluster e1=http://127.0.0.1:23800 --enable-v2 >"$dir/etcd.log" 2>&1 &
pids+=($!)

# wait_for runs the command until it succeeds, for at most $1 seconds.
wait_for() {
  local limit=$1; shift
  local start=$SECONDS
  until "$@" >/dev/null 2>&1; do
    if (( SECONDS - start > limit )); then echo "cluster-test.sh: gave up waiting for: $*" >&2; return 1; fi
    sleep 0.5
  done
}
# Patroni nodes, as postgres, each with its PID in a file.
chown postgres "$dir"
start_node() {
  local n=$1
  rm -f "$dir/patroni$n.pid"
  runuser -u postgres -- sh -c "echo \$\$ > '$dir/patroni$n.pid'; exec patroni '$dir/node$n.yml'" >>"$dir/patroni$n.log" 2>&1 &
  wait_for 30 test -s "$dir/patroni$n.pid"
  pids+=("$(cat "$dir/patroni$n.pid")")
}
for n in 1 2 3; do
  mkdir -p "$dir/pg$n"
  chown postgres "$dir/pg$n"
  chmod 700 "$dir/pg$n"
  sed "s#/var/lib/beredskap#$dir#g" "deploy/patroni/node$n.yml" >"$dir/node$n.yml"
  start_node "$n"
done
haproxy -f deploy/haproxy.cfg >"$dir/haproxy.log" 2>&1 &
pids+=($!)

leader() {
  local n
  for n in 1 2 3; do
    if curl -sf -o /dev/null "http://127.0.0.1:801$n/primary"; then echo "$n"; return 0; fi
  done
  return 1
}
has_sync() { patronictl -c "$dir/node1.yml" list 2>/dev/null | grep -q "Sync Standby"; }
log "waiting for a leader and a synchronous standby"
wait_for 120 leader
wait_for 120 has_sync
log "leader is pg$(leader)"

db="postgres://postgres:change-me-superuser@127.0.0.1:54330/postgres?sslmode=disable"
wait_for 30 "$bin/beredskap" migrate --db "$db"

# Rules for the run: the embedded versions and one more, taking effect at
# noon on 2021-02-18 (Oslo) with 7 days of quarantine instead of 10.
mkdir -p "$dir/rules"
cp -r rules/versions rules/countries rules/texts "$dir/rules/"
sed -e 's/^id: "2021-02-15"/id: "2021-02-17-cluster"/' -e 's/^in_force_from: .*/in_force_from: "2021-02-18T12:00"/' \
  -e 's/^  days: 10$/  days: 7/' -e '/^cases:/,$d' rules/versions/2021-02-15.yaml >"$dir/rules/versions/2021-02-17-cluster.yaml"

# The SMS provider.
"$bin/clusterload" sms -url-file "$dir/sms.url" -out "$dir/sms.json" >"$dir/sms.log" 2>&1 &
pids+=($!)
wait_for 30 test -s "$dir/sms.url"

# Staff: two operators and a reader, with API tokens, and a municipal
# officer of Oslo who takes the daily digest (set in the database: the
# choice is made on a staff page). The instances share one directory of
# signed audit checkpoints (in production: the same signing key on each,
# see docs/operations.md).
mkdir -p "$dir/audit"
for who in op1 op2 reader; do
  "$bin/beredskap" user add --db "$db" --audit-dir "$dir/audit" --email "$who@kontrollsenter.no" --name "Cluster $who" --role control_centre >/dev/null
done
# tok prints a new API token of user $1, on database $2 with audit
# directory $3 (the cluster's by default).
tok() { "$bin/beredskap" token create --db "${2:-$db}" --audit-dir "${3:-$dir/audit}" --user "$1@kontrollsenter.no" --name cluster | grep -Eo '[A-Za-z0-9_-]{30,}' | head -1; }
operators="$(tok op1),$(tok op2)"
reader=$(tok reader)
"$bin/beredskap" user add --db "$db" --audit-dir "$dir/audit" --email overlege@oslo.kommune.no --name "Cluster Overlege" \
  --role municipal_officer --municipality 0301 >/dev/null
psql "$db" -qtAc "INSERT INTO digest_prefs (user_id, mode, last_report_id) SELECT id, 'daily', 0 FROM users WHERE email = 'overlege@oslo.kommune.no'"

# The instances. The register's clock starts on day 2 of the quarantine of
# half the travellers (arrival 2021-02-16), after the SMS hour, so that
# their day-2 SMS go out as soon as their plans are made, and on day 1 of
# the other half (arrival 2021-02-17), after the call hour, so that their
# calls are due; 90 s before the rule change and the digest hour.
key=$(head -c 32 /dev/urandom | base64)
now_flag="2021-02-18T11:58:30+01:00"
app_pids=()
start_app() {
  local i=$1
  "$bin/beredskap" serve --addr "127.0.0.1:809$i" --db "$db" --rules "$dir/rules" --allow-synthetic-ids \
    --attachment-key "$key" --sms-provider-url "$(cat "$dir/sms.url")" --sms-api-key test-sms-key \
    --audit-dir "$dir/audit" --register-now "$now_flag" --digest-hour 12 --mail-dir "$dir/mail" --trust-proxy --drain-delay 2s --log-format json >>"$dir/app$i.log" 2>&1 &
  app_pids[$i]=$!
  pids+=($!)
}
if $bench; then
  . "$repo/scripts/cluster-bench.sh"
  exit 0
fi
for i in $(seq 1 "$instances"); do start_app "$i"; done
for i in $(seq 1 "$instances"); do wait_for 60 curl -sf "http://127.0.0.1:809$i/readyz"; done
wait_for 30 curl -sf http://127.0.0.1:8090/readyz
log "$instances instances serving behind http://127.0.0.1:8090/"

loads=()
failed=0
# under_load runs a load of $1 registrations in the background (prefix $2),
# runs the fault ($3...) after 3 s, and waits for the load.
under_load() {
  local n=$1 prefix=$2; shift 2
  # Each load makes travellers of its own (their phone numbers differ), so
  # that the provider's record tells a message sent twice from two
  # travellers with one text.
  "$bin/clusterload" load -url http://127.0.0.1:8090 -n "$n" -first $((${#loads[@]} * 100000)) -c 8 -prefix "$prefix" \
    -arrival 2021-02-16T10:00:00+01:00,2021-02-17T10:00:00+01:00 -operators "$operators" -reader "$reader" -out "$dir/$prefix.json" >"$dir/$prefix.log" 2>&1 &
  local lp=$!
  pids+=($lp)
  sleep 3
  "$@"
  wait "$lp" || failed=1
  cat "$dir/$prefix.log"
  loads+=("$dir/$prefix.json")
  local gap
  gap=$(grep -o '"longest_gap_ms": [0-9]*' "$dir/$prefix.json" | grep -o '[0-9]*$')
  log "$prefix: longest time without an acknowledgement ${gap} ms"
  if (( gap > 15000 )); then echo "FAIL: $prefix: no acknowledgement for ${gap} ms (more than 15 s)"; failed=1; fi
}

kill_leader() {
  local n
  n=$(leader)
  log "killing the leader pg$n with -9 (Patroni and PostgreSQL)"
  kill -9 "$(cat "$dir/patroni$n.pid")" "$(head -1 "$dir/pg$n/data/postmaster.pid")"
  wait_for 60 leader
  log "new leader pg$(leader); restarting pg$n as a replica"
  start_node "$n"
}
stop_leader() {
  local n p frozen
  n=$(leader)
  p=$(head -1 "$dir/pg$n/data/postmaster.pid")
  # The whole node: Patroni, the postmaster and every PostgreSQL process
  # it started (stopping the postmaster alone leaves the backends serving
  # the connections they have).
  frozen=("$(cat "$dir/patroni$n.pid")" "$p" $(pgrep -P "$p"))
  log "stopping the leader pg$n (Patroni and all ${#frozen[@]} of its processes) with SIGSTOP for 30 s"
  kill -STOP "${frozen[@]}"
  sleep 30
  log "during the stop the leader became pg$(leader)"
  kill -CONT "${frozen[@]}"
  log "pg$n continued"
}
switchover() {
  local n
  n=$(leader)
  log "planned switchover away from pg$n"
  patronictl -c "$dir/node1.yml" switchover --leader "pg$n" --force >/dev/null
  wait_for 60 leader
  log "leader now pg$(leader)"
}

log "scenario: the leader killed under load"
under_load 2000 kill kill_leader
wait_for 120 has_sync

if ! $short; then
  log "scenario: the leader stopped for 30 s under load"
  under_load 3000 sigstop stop_leader
  wait_for 120 has_sync
  log "scenario: planned switchover under load"
  under_load 2000 switch switchover
  wait_for 120 has_sync
fi

# The SMS go out from the one instance that leads the SMS worker. In the
# full run that instance is killed in the middle.
log "waiting for SMS to go out"
sms_count() { grep -c '"IdempotencyKey"' "$dir/sms.json" || true; }
wait_for 300 sh -c "[ \$(grep -c '\"IdempotencyKey\"' '$dir/sms.json') -gt 0 ]"
if ! $short; then
  for i in $(seq 1 "$instances"); do
    if grep -q '"job":"sms.worker"' "$dir/app$i.log"; then
      log "killing instance $i, which leads the SMS worker, with -9"
      kill -9 "${app_pids[$i]}"
      break
    fi
  done
fi
# The SMS are done when their count stands still for 15 s.
last=-1
while [ "$(sms_count)" != "$last" ]; do last=$(sms_count); sleep 15; done
log "the provider took $last SMS"

# The digest hour: the officer's daily digest is claimed (once) by
# whichever instance leads the digests.
log "waiting for the daily digest"
wait_for 180 sh -c "[ \$(psql '$db' -qtAc \"SELECT count(*) FROM audit WHERE action = 'followup.digest'\") -gt 0 ]"

log "checking"
IFS=,; load_list="${loads[*]}"; unset IFS
"$bin/clusterload" check -db "$db" -load "$load_list" -sms "$dir/sms.json" -min-sms 1 \
  -min-holds 1 -mail-dir "$dir/mail" -min-digests 1 || failed=1
"$bin/beredskap" audit verify --db "$db" --audit-dir "$dir/audit" || failed=1
patronictl -c "$dir/node1.yml" list || true
if [ "$failed" != 0 ]; then
  echo "cluster-test.sh: FAIL (logs in $dir)"; keep=true; exit 1
fi
echo "cluster-test.sh: PASS"
