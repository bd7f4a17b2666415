#!/usr/bin/env bash
# Scale-out benchmark (issue 7): one fixed backlog of generated scanned pages digitised by a bulk job on PostgreSQL,
#   (1) by one node pinned to one core (taskset -c 0, one OCR worker),
#   (2) by two nodes, one pinned to core 0 and one to core 1 (one OCR worker each), on the same PostgreSQL database and
#       the same archive, claiming files of the same backlog;
# and prints the pages per minute of each and the ratio (2)/(1) (target >= 1.7).
# The time of a run goes from the start of its processes (model load and listing included) to the last file of the
# backlog recorded done in the database. After that, a node still waits up to its poll interval before it sees that
# the others have finished too, then writes the window's report: the time to the processes' exit is printed as well.
# With --rounds N, (1) and (2) alternate N times (fresh database and archive each run) and the median ratio is
# printed: on a shared virtual machine one run of either can be 10-15 % slower than the next.
#
# Usage: bench/cluster-bench.sh [--pages N] [--rounds N] [--seed S] [--work DIR] [--keep]
# PostgreSQL: $CAPTURECHAIN_TEST_POSTGRES if set, else a private server started by scripts/test-postgres.sh.
# Needs two free cores: run it on a quiet machine (the load average is printed).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

pages=240 rounds=1 seed=7101 work="" keep=0
while [ $# -gt 0 ]; do
  case "$1" in
    --pages) pages=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n 2,16p "$0"; exit 0 ;;
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
psql_on() { local db=$1; shift; PGPASSWORD=$(field Password) psql -X -q -h "$(field Host)" -p "$(field Port)" -U "$(field Username)" -d "$db" "$@"; }
psql_admin() { psql_on postgres "$@"; }
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
  "bulkJobs": [ { "name": "bench", "source": "$work/inbox", "leaseSeconds": 60,
                  "window": { "cron": "0 0 20 * * ?", "duration": "10:00:00" } } ]
}
JSON
  echo "$work/$1/capturechain.json"
}
# node CORE CONFIG LOG: one `bulk run` pinned to CORE; its CPU seconds (user + system) go to LOG.cpu.
node() {
  /usr/bin/time -f "%U %S" -o "$3.cpu" taskset -c "$1" dotnet "$bench_root/.build/host/CaptureChain.Host.dll" bulk run --job bench --config "$2" >"$3" 2>&1
}
pages_of() { grep -h '^bulk run:' "$@" | sed -E 's/.*pages ([0-9]+) in.*/\1/' | awk '{ s += $1 } END { print s + 0 }'; }
cpu_of() { cat "$@" | awk '{ s += $1 + $2 } END { printf "%.1f", s }'; }
# finished_at DB: the epoch time of the last backlog file recorded done (completed_at is UTC ISO-8601 text).
finished_at() { psql_on "$1" -At -c "SELECT extract(epoch FROM max(completed_at)::timestamptz) FROM backlog_items WHERE job = 'bench'"; }
files_of() { psql_on "$1" -At -c "SELECT count(*) FILTER (WHERE state IN ('done', 'rejected')) || ' of ' || count(*) FROM backlog_items WHERE job = 'bench'"; }

# run NAME CORE...: one run of the backlog by one node per core given, on a fresh database and archive; prints
# "backlog-seconds exit-seconds cpu-seconds pages-recorded".
run() {
  local name=$1 t0 x i pids=() logs=() core; shift
  local conf; conf=$(config "$name" "$(database "cc_bench_$name")")
  t0=$(now); i=0
  for core in "$@"; do
    node "$core" "$conf" "$work/$name-$i.log" & pids+=($!); logs+=("$work/$name-$i.log"); i=$((i + 1))
  done
  for i in "${!pids[@]}"; do wait "${pids[$i]}" || { cat "${logs[$i]}" >&2; exit 1; }; done
  x=$(seconds_between "$t0" "$(now)")
  echo "$(seconds_between "$t0" "$(finished_at "cc_bench_$name")") $x $(cpu_of "${logs[@]/%/.cpu}") $(pages_of "${logs[@]}")"
}

echo "== load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
ones=() twos=()
for r in $(seq "$rounds"); do
  read -r t1 x1 c1 p1 < <(run "one_$r" 0)
  read -r t2 x2 c2 p2 < <(run "two_$r" 0 1)
  [ "$p1" -eq "$count" ] && [ "$p2" -eq "$count" ] || echo "cluster-bench: pages recorded $p1 and $p2, expected $count each" >&2
  r1=$(rate "$count" "$t1"); r2=$(rate "$count" "$t2")
  ones+=("$r1"); twos+=("$r2")
  printf "round %d: (1) one node, core 0: backlog done in %6.1f s %6s pages/min (exit %6.1f s, %6.1f CPU-s, files %s)\n" "$r" "$t1" "$r1" "$x1" "$c1" "$(files_of "cc_bench_one_$r")"
  printf "         (2) two nodes, cores 0 and 1: backlog done in %6.1f s %6s pages/min (exit %6.1f s, %6.1f CPU-s, files %s; pages per node: %s)\n" \
    "$t2" "$r2" "$x2" "$c2" "$(files_of "cc_bench_two_$r")" "$(for f in "$work"/two_"$r"-*.log; do pages_of "$f"; done | paste -sd/)"
  echo "         ratio (2)/(1): $(awk -v a="$r2" -v b="$r1" 'BEGIN { printf "%.2f", a / b }')  (to the processes' exit: $(awk -v a="$x1" -v b="$x2" 'BEGIN { printf "%.2f", a / b }'))"
done
echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

median() { printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) }'; }
m1=$(median "${ones[@]}"); m2=$(median "${twos[@]}")
echo
echo "pages: $count in $(ls "$work/inbox" | wc -l) files, $rounds round(s), CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "median pages/min: one node $m1, two nodes $m2; ratio of the medians $(awk -v a="$m2" -v b="$m1" 'BEGIN { printf "%.2f", a / b }')"

# Sizing from the first one-node run: archive and database growth and CPU time, scaled to 100,000 pages.
archive_bytes=$(du -sb "$work/one_1/archive" | cut -f1)
database_bytes=$(psql_admin -At -c "SELECT pg_database_size('cc_bench_one_1') - pg_database_size('template1')")
awk -v p="$count" -v a="$archive_bytes" -v d="$database_bytes" -v c="$(cpu_of "$work/one_1-0.log.cpu")" 'BEGIN {
  printf "per 100,000 pages (one node): archive %.1f GB (%.0f KB/page), database %.2f GB, CPU %.1f hours (%.2f CPU-s/page)\n",
    a / p * 1e5 / 1e9, a / p / 1e3, d / p * 1e5 / 1e9, c / p * 1e5 / 3600, c / p }'
