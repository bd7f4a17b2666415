#!/usr/bin/env bash
# Million-file backlog benchmark (issue 7): what a bulk job costs the database when its backlog is large.
# A job of N files (default 1,000,000; 99 % done over 100 windows, the rest pending) is written into the capture
# schema of a PostgreSQL database, then timed:
#   (a) a claim of 8 files (the statement every node runs each time a file settles), median of 50;
#   (b) the backlog counts (bar, pages left: what `bulk status`, the dashboard and an idle node read), median of 20;
#   (c) the totals of one window (the rate of `bulk status`), median of 20;
#   (d) one page of 1000 files of a window's report, median of 20;
#   (e) `./capturechain bulk status --store ... --job big` end to end (process start included).
# Usage: bench/backlog-bench.sh [--files N]
# PostgreSQL: $CAPTURECHAIN_TEST_POSTGRES if set, else a private server started by scripts/test-postgres.sh.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

files=1000000
while [ $# -gt 0 ]; do
  case "$1" in
    --files) files=$2; shift 2 ;;
    -h|--help) sed -n 2,11p "$0"; exit 0 ;;
    *) echo "backlog-bench: unknown argument '$1'" >&2; exit 2 ;;
  esac
done

bench_build
server=""
cleanup() { [ -z "$server" ] || "$bench_root/scripts/test-postgres.sh" stop "$server" >/dev/null 2>&1 || true; }
trap cleanup EXIT
admin=${CAPTURECHAIN_TEST_POSTGRES:-}
if [ -z "$admin" ]; then server=$("$bench_root/scripts/test-postgres.sh" start); admin=$server; fi
field() { echo "$admin" | tr ';' '\n' | awk -F= -v k="$1" 'tolower($1) == tolower(k) { print substr($0, length($1) + 2) }'; }
psql_on() { local db=$1; shift; PGPASSWORD=$(field Password) psql -X -q -v ON_ERROR_STOP=1 -h "$(field Host)" -p "$(field Port)" -U "$(field Username)" -d "$db" "$@"; }
psql_on postgres -c "DROP DATABASE IF EXISTS cc_backlog WITH (FORCE)" -c "CREATE DATABASE cc_backlog"
store="$(echo "$admin" | tr ';' '\n' | grep -iv '^database=' | paste -sd';');Database=cc_backlog"

# The schema, made by the store itself (status of a job that does not exist yet).
cc bulk status --store "$store" --job big >/dev/null
echo "== writing $files backlog rows" >&2
psql_on cc_backlog <<SQL
INSERT INTO backlog_jobs (job, enumerated, created_at, updated_at) VALUES ('big', 1, '2026-01-01T00:00:00.0000000Z', '2026-01-01T00:00:00.0000000Z');
INSERT INTO bulk_windows (id, job, opens_at, closes_at, reported, created_at)
SELECT 'w' || w, 'big', to_char(timestamp '2026-01-01 20:00' + w * interval '1 day', 'YYYY-MM-DD"T"HH24:MI:SS.0000000"Z"'),
       to_char(timestamp '2026-01-02 06:00' + w * interval '1 day', 'YYYY-MM-DD"T"HH24:MI:SS.0000000"Z"'), 1, '2026-01-01T00:00:00.0000000Z'
FROM generate_series(0, 99) w;
INSERT INTO backlog_items (job, relative_path, size_bytes, modified_at, state, attempts, node, lease_until, window_id, pages, reason, completed_at, created_at)
SELECT 'big', 'carton-' || lpad((i / 1000)::text, 4, '0') || '/scan-' || lpad(i::text, 7, '0') || '.tif', 250000, '2001-01-01T00:00:00.0000000Z',
       CASE WHEN i <= $files * 99 / 100 THEN 'done' ELSE 'pending' END, CASE WHEN i <= $files * 99 / 100 THEN 1 ELSE 0 END, NULL, NULL,
       CASE WHEN i <= $files * 99 / 100 THEN 'w' || (i * 100 / ($files + 1)) END,
       CASE WHEN i <= $files * 99 / 100 THEN 3 ELSE 0 END, NULL,
       CASE WHEN i <= $files * 99 / 100 THEN to_char(timestamp '2026-01-01 20:00' + (i * 100 / ($files + 1)) * interval '1 day' + (i % 36000) * interval '1 second', 'YYYY-MM-DD"T"HH24:MI:SS.0000000"Z"') END,
       '2026-01-01T00:00:00.0000000Z'
FROM generate_series(1, $files) i;
ANALYZE backlog_items;
SQL

# median_ms N SQL: runs SQL N times in one session and prints the median of the statement times (ms).
median_ms() {
  local n=$1 sql=$2
  { echo '\timing on'; for _ in $(seq "$n"); do echo "$sql"; done; } | psql_on cc_backlog -At 2>&1 |
    awk '/^Time: / { print $2 }' | sort -n | awk '{ a[NR] = $1 } END { printf "%.2f", a[int((NR + 1) / 2)] }'
}
claim="BEGIN; UPDATE backlog_items SET state = 'claimed', node = 'bench', attempts = attempts + 1 WHERE id IN (SELECT id FROM backlog_items WHERE job = 'big' AND (state = 'pending' OR (state = 'claimed' AND lease_until < '2000')) ORDER BY id LIMIT 8 FOR UPDATE SKIP LOCKED) RETURNING id; ROLLBACK;"
progress="SELECT state, COUNT(*), COALESCE(SUM(pages), 0) FROM backlog_items WHERE job = 'big' GROUP BY state;"
window="SELECT COUNT(*), COALESCE(SUM(pages), 0), MAX(completed_at) FROM backlog_items WHERE window_id = 'w50' AND state IN ('done', 'rejected');"
page="SELECT id, relative_path, pages, completed_at FROM backlog_items WHERE window_id = 'w50' AND state IN ('done', 'rejected') AND (completed_at, id) > ('2026-02-20T02:00:00.0000000Z', 0) ORDER BY completed_at, id LIMIT 1000;"

echo
echo "backlog: $files files ($(( files / 100 )) pending), 100 windows; PostgreSQL $(psql_on cc_backlog -At -c 'SHOW server_version')"
printf "(a) claim of 8 files            : %8s ms\n" "$(median_ms 50 "$claim")"
printf "(b) backlog counts              : %8s ms\n" "$(median_ms 20 "$progress")"
printf "(c) one window's totals         : %8s ms\n" "$(median_ms 20 "$window")"
printf "(d) a report page of 1000 files : %8s ms\n" "$(median_ms 20 "$page")"
t0=$(now); cc bulk status --store "$store" --job big >/dev/null; t1=$(now)
printf "(e) bulk status, whole command  : %8.0f ms\n" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print (b - a) * 1000 }')"
