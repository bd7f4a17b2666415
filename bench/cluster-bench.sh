#!/usr/bin/env bash
# Scale-out benchmark (issue 7): one fixed backlog of generated scanned pages digitised by a bulk job on PostgreSQL,
#   (1) by one node pinned to one core (taskset -c 0, one OCR worker),
#   (2) by two nodes, one pinned to core 0 and one to core 1 (one OCR worker each), on the same PostgreSQL database and
#       the same archive, claiming files of the same backlog;
# and prints the pages per minute of each and the ratio (2)/(1) (target >= 1.7). Each run is `./capturechain bulk run`
# from its start (model load and listing included) until the backlog is finished.
#
# Usage: bench/cluster-bench.sh [--pages N] [--seed S] [--work DIR] [--keep]
# PostgreSQL: $CAPTURECHAIN_TEST_POSTGRES if set, else a private server started by scripts/test-postgres.sh.
# Needs two free cores: run it on a quiet machine (the load average is printed).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

pages=60 seed=7101 work="" keep=0
while [ $# -gt 0 ]; do
  case "$1" in
    --pages) pages=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n 2,12p "$0"; exit 0 ;;
    *) echo "cluster-bench: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
[ "$(getconf _NPROCESSORS_ONLN)" -ge 2 ] || { echo "cluster-bench: needs at least two cores" >&2; exit 1; }

bench_build
work=${work:-$(mktemp -d /tmp/capturechain-cluster.XXXXXX)}
mkdir -p "$work"
server=""
cleanup() {
  [ -z "$server" ] || "$bench_root/scripts/test-postgres.sh" stop "$server" >/dev/null 2>&1 || true
  [ "$keep" = 1 ] || rm -rf "$work"
}
trap cleanup EXIT

admin=${CAPTURECHAIN_TEST_POSTGRES:-}
if [ -z "$admin" ]; then
  server=$("$bench_root/scripts/test-postgres.sh" start)
  admin=$server
fi
# Host=...;Port=...;Username=...: psql's view of the same server.
field() { echo "$admin" | tr ';' '\n' | awk -F= -v k="$1" 'tolower($1) == tolower(k) { print substr($0, length($1) + 2) }'; }
psql_admin() { PGPASSWORD=$(field Password) psql -X -q -h "$(field Host)" -p "$(field Port)" -U "$(field Username)" -d postgres "$@"; }
database() {
  psql_admin -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)" -c "CREATE DATABASE $1"
  echo "$admin" | tr ';' '\n' | grep -iv '^database=' | paste -sd';' | sed "s/\$/;Database=$1/"
}

echo "== corpus: $pages scanned pages (seed $seed) in $work" >&2
count=$(bench_inbox "$work" "$pages" "$seed")
echo "== $count pages in $(ls "$work/inbox" | wc -l) files" >&2

# config NAME STORE: a service configuration with one bulk job over the inbox, one OCR worker.
config() {
  mkdir -p "$work/$1"
  cat > "$work/$1/capturechain.json" <<JSON
{
  "archive": "archive", "registry": "$work/corpus/registry.csv", "store": "$2", "ocrWorkers": 1,
  "bulkJobs": [ { "name": "bench", "source": "$work/inbox", "parallelism": 2, "leaseSeconds": 60,
                  "window": { "cron": "0 0 20 * * ?", "duration": "10:00:00" } } ]
}
JSON
  echo "$work/$1/capturechain.json"
}
# node CORE CONFIG LOG: one `bulk run` pinned to CORE.
node() { taskset -c "$1" dotnet "$bench_root/.build/host/CaptureChain.Host.dll" bulk run --job bench --config "$2" >"$3" 2>&1; }
pages_of() { grep -h '^bulk run:' "$@" | sed -E 's/.*pages ([0-9]+) in.*/\1/' | awk '{ s += $1 } END { print s + 0 }'; }

echo "== load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
one=$(config one "$(database cc_bench_one)")
t0=$(now)
node 0 "$one" "$work/one.log" || { cat "$work/one.log" >&2; exit 1; }
t1=$(seconds_between "$t0" "$(now)")

two=$(config two "$(database cc_bench_two)")
t0=$(now)
node 0 "$two" "$work/two-a.log" & a=$!
node 1 "$two" "$work/two-b.log" & b=$!
wait "$a" || { cat "$work/two-a.log" >&2; exit 1; }
wait "$b" || { cat "$work/two-b.log" >&2; exit 1; }
t2=$(seconds_between "$t0" "$(now)")
echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

p1=$(pages_of "$work/one.log"); p2=$(pages_of "$work/two-a.log" "$work/two-b.log")
[ "$p1" -eq "$count" ] && [ "$p2" -eq "$count" ] || echo "cluster-bench: pages recorded $p1 and $p2, expected $count each" >&2
r1=$(rate "$count" "$t1"); r2=$(rate "$count" "$t2")
echo
echo "pages: $count, CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
printf "(1) one node, core 0          : %7.1f s  %7s pages/min\n" "$t1" "$r1"
printf "(2) two nodes, cores 0 and 1  : %7.1f s  %7s pages/min  (node a %s pages, node b %s pages)\n" "$t2" "$r2" \
  "$(pages_of "$work/two-a.log")" "$(pages_of "$work/two-b.log")"
echo "ratio (2)/(1): $(awk -v a="$r2" -v b="$r1" 'BEGIN { printf "%.2f", a / b }')"
