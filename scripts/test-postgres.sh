#!/usr/bin/env bash
# A private, throw-away PostgreSQL for the tests (Debian's postgresql package; nothing of the system's own cluster is
# touched): initdb into a fresh temporary folder, the unix socket in that folder, a free TCP port on 127.0.0.1 only,
# trust authentication, fsync off (test data need not survive a crash). As root, the server runs as the "postgres" user.
#
#   scripts/test-postgres.sh start            prints the connection string: Host=<dir>;Port=<port>;Username=postgres;Database=postgres
#   scripts/test-postgres.sh stop CONNECTION  stops that server and deletes its folder (CONNECTION: the string, or the folder)
set -euo pipefail

pg_bin() {
  local d
  for d in "$(pg_config --bindir 2>/dev/null || true)" $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -n "$d" ] && [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then echo "$d"; return 0; fi
  done
  echo "test-postgres: initdb/pg_ctl not found (install the postgresql package)" >&2
  return 1
}

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

start() {
  local bin dir port try
  bin=$(pg_bin)
  dir=$(mktemp -d "${TMPDIR:-/tmp}/cc-pg-XXXXXX")
  chmod 700 "$dir"
  if [ "$(id -u)" -eq 0 ]; then chown postgres: "$dir"; fi
  as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 || {
    cat "$dir/initdb.log" >&2; rm -rf "$dir"; return 1; }
  for try in 1 2 3 4 5 6 7 8; do
    port=$((20000 + RANDOM % 40000))
    port_free "$port" || continue
    if as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 -o \
        "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
        start >/dev/null 2>&1; then
      echo "Host=$dir;Port=$port;Username=postgres;Database=postgres"
      return 0
    fi
  done
  echo "test-postgres: the server did not start:" >&2
  tail -n 20 "$dir/server.log" >&2 || true
  rm -rf "$dir"
  return 1
}

stop() {
  local arg=${1:?"usage: test-postgres.sh stop CONNECTION_STRING|DIR"} dir bin
  dir=$arg
  if [[ $arg == *Host=* ]]; then dir=$(sed -E 's/.*Host=([^;]+).*/\1/' <<<"$arg"); fi
  # Only a folder this script made: never delete anything else.
  if [[ $(basename "$dir") != cc-pg-* ]] || [ ! -f "$dir/data/PG_VERSION" ]; then
    echo "test-postgres: $dir is not a test server's folder" >&2; return 1
  fi
  bin=$(pg_bin)
  as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}

case "${1:-}" in
  start) start ;;
  stop) stop "${2:-}" ;;
  *) echo "usage: test-postgres.sh start|stop CONNECTION" >&2; exit 2 ;;
esac
