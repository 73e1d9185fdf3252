#!/usr/bin/env bash
# Runs every test of the project. When BEREDSKAP_TEST_POSTGRES is not set and
# PostgreSQL's server binaries are installed, it starts a throwaway cluster on
# a free port for the run and removes it afterwards, so that the PostgreSQL
# conformance suite runs for real. Extra arguments go to 'go test'; those
# that name packages (./postgres/) replace ./... .
set -euo pipefail
cd "$(dirname "$0")/.."

pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
cluster=""
stop_cluster() {
  if [ -n "$cluster" ]; then
    as_pg "$pgbin/pg_ctl" -D "$cluster/data" -m fast stop >/dev/null 2>&1 || true
    rm -rf "$cluster"
  fi
}
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

if [ -z "${BEREDSKAP_TEST_POSTGRES:-}" ] && [ -n "$pgbin" ] && [ -x "$pgbin/initdb" ]; then
  cluster=$(mktemp -d)
  trap stop_cluster EXIT
  chmod 755 "$cluster"
  [ "$(id -u)" = 0 ] && chown postgres "$cluster"
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo 55432)
  as_pg "$pgbin/initdb" -D "$cluster/data" -U postgres -A trust --no-sync >/dev/null
  as_pg "$pgbin/pg_ctl" -D "$cluster/data" -w -l "$cluster/log" \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $cluster -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" start >/dev/null
  export BEREDSKAP_TEST_POSTGRES="postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
  echo "test.sh: throwaway PostgreSQL on 127.0.0.1:$port"
fi

# Arguments that name packages (./x/...) replace ./...; the rest are flags.
pkgs=()
flags=()
for a in "$@"; do
  case "$a" in
    ./*) pkgs+=("$a") ;;
    *) flags+=("$a") ;;
  esac
done
[ ${#pkgs[@]} -eq 0 ] && pkgs=(./...)

# BEREDSKAP_TEST_RACE lists packages (such as "./sqlite/ ./sms/") whose tests
# run under the race detector instead of plainly (CI sets it).
race=()
plain=()
for p in $(go list "${pkgs[@]}"); do
  dir=./$(go list -f '{{.Dir}}' "$p" | sed "s|^$PWD/\{0,1\}||")
  case " ${BEREDSKAP_TEST_RACE:-} " in
    *" $dir "* | *" $dir/ "*) race+=("$p") ;;
    *) plain+=("$p") ;;
  esac
done

# go vet, the plain tests and the race tests run at the same time: each
# alone leaves a core idle in its tail (one long package, such as the
# browser tests, running after the others have finished). The plain tests
# print as they go; vet and the race tests print when all are done.
logs=$(mktemp -d)
bg=()
cleanup() {
  for p in ${bg[@]+"${bg[@]}"}; do kill "$p" 2>/dev/null || true; done
  rm -rf "$logs"
  stop_cluster
}
trap cleanup EXIT
go vet "${pkgs[@]}" >"$logs/vet" 2>&1 &
vet=$!
bg+=($vet)
race_pid=""
if [ ${#race[@]} -gt 0 ]; then
  go test -race -count=1 -timeout 30m ${flags[@]+"${flags[@]}"} "${race[@]}" >"$logs/race" 2>&1 &
  race_pid=$!
  bg+=($race_pid)
fi
status=0
if [ ${#plain[@]} -gt 0 ]; then
  go test -count=1 -timeout 30m ${flags[@]+"${flags[@]}"} "${plain[@]}" || status=$?
fi
wait "$vet" || { status=1; echo "test.sh: go vet failed:"; }
cat "$logs/vet"
if [ -n "$race_pid" ]; then
  wait "$race_pid" || status=$?
  echo "test.sh: under the race detector:"
  cat "$logs/race"
fi
bg=()
exit $status
