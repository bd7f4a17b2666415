#!/usr/bin/env bash
# Memory benchmark (issue 3): peak RSS of `./capturechain process` over a small and a large batch of generated scanned
# pages. Pages stream through bounded queues, so the large batch must run in about the same memory as the small one.
#
# Usage: bench/memory-bench.sh [--small 50] [--large 1000] [--seed S] [--jobs C] [--work DIR] [--keep]
# About 15 minutes for 1000 pages on 2 cores. Run by hand; CI may run it with --small 4 --large 12 as a smoke test.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

small=50 large=1000 seed=8101 jobs=$(getconf _NPROCESSORS_ONLN) work="" keep=0
while [ $# -gt 0 ]; do
  case "$1" in
    --small) small=$2; shift 2 ;;
    --large) large=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n 2,6p "$0"; exit 0 ;;
    *) echo "memory-bench: unknown argument '$1'" >&2; exit 2 ;;
  esac
done

bench_build
work=${work:-$(mktemp -d /tmp/capturechain-membench.XXXXXX)}
mkdir -p "$work"
[ "$keep" = 1 ] || trap 'rm -rf "$work"' EXIT

declare -A peak rate_ppm count
for size in small large; do
  want=${!size}
  echo "== $size batch: $want pages (seed $seed)" >&2
  count[$size]=$(bench_inbox "$work/$size" "$want" "$seed")
  t0=$(now)
  bench_process "$work/$size/inbox" "$work/$size/archive" "$work/$size/corpus/registry.csv" "$jobs" "$work/$size/process.cpu"
  rate_ppm[$size]=$(rate "${count[$size]}" "$(seconds_between "$t0" "$(now)")")
  peak[$size]=$(tail -1 "$work/$size/process.cpu" | awk '{ print $3 }')
done

echo
for size in small large; do
  printf "%-5s batch: %5d pages  %7s pages/min  peak RSS %5d MiB\n" "$size" "${count[$size]}" "${rate_ppm[$size]}" "$(( ${peak[$size]} / 1024 ))"
done
echo "peak RSS ratio large/small: $(awk -v l="${peak[large]}" -v s="${peak[small]}" 'BEGIN { printf "%.2f", l / s }') (target: at most 1.20)"
