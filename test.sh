#!/usr/bin/env bash
# Runs every test of CaptureChain and ends with one line: "N passed, N failed, N skipped".
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"
scripts/install-deps.sh test || { echo "0 passed, 1 failed, 0 skipped"; exit 1; }
export OMP_THREAD_LIMIT=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
export CAPTURECHAIN_ROOT="$root"

# One private PostgreSQL for the whole run (the store tests on PostgreSQL, the cluster tests), stopped on exit, on
# failure and on interrupt. A server given in CAPTURECHAIN_TEST_POSTGRES is used as it is.
if [ -z "${CAPTURECHAIN_TEST_POSTGRES:-}" ]; then
  CAPTURECHAIN_TEST_POSTGRES=$(scripts/test-postgres.sh start) || { echo "PostgreSQL did not start"; echo "0 passed, 1 failed, 0 skipped"; exit 1; }
  export CAPTURECHAIN_TEST_POSTGRES
  trap 'scripts/test-postgres.sh stop "$CAPTURECHAIN_TEST_POSTGRES"' EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
fi

log=$(mktemp)
if ! dotnet build CaptureChain.sln -c Release -nologo -clp:ErrorsOnly -v:q; then
  echo "build failed"; echo "0 passed, 1 failed, 0 skipped"; exit 1
fi

dotnet test CaptureChain.sln -c Release --no-build -nologo --logger "console;verbosity=minimal" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

passed=0; failed=0; skipped=0
while read -r f p s; do passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s)); done < <(
  grep -E "(Passed|Failed)! +- +Failed: +[0-9]+, Passed: +[0-9]+, Skipped: +[0-9]+" "$log" |
  sed -E 's/.*Failed: +([0-9]+), Passed: +([0-9]+), Skipped: +([0-9]+).*/\1 \2 \3/')
rm -f "$log"
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
