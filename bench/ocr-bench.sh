#!/usr/bin/env bash
# OCR throughput benchmark (issue 3): one set of generated scanned pages, three ways, in one session:
#   (a) plain `tesseract`, one page per core (the physical limit),
#   (b) `ocrmypdf --jobs <cores>` over the same pages as one PDF (what a user would pick instead),
#   (c) `./capturechain process` over the same pages as they come from the scan room (full pipeline: decode, cleanup,
#       orientation, OCR, separation, classification, extraction, matching, filing),
# and prints pages per minute for each, the ratios (c)/(a) and (c)/(b), CPU seconds per page, and the peak memory of (c).
#
# Usage: bench/ocr-bench.sh [--pages N] [--seed S] [--jobs C] [--work DIR] [--no-ocrmypdf] [--keep]
# Run by hand on a quiet machine (nothing else using the cores). CI may run it with --pages 6 as a smoke test.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

pages=60 seed=7001 jobs=$(getconf _NPROCESSORS_ONLN) work="" ocrmypdf=1 keep=0
while [ $# -gt 0 ]; do
  case "$1" in
    --pages) pages=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --no-ocrmypdf) ocrmypdf=0; shift ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n 2,11p "$0"; exit 0 ;;
    *) echo "ocr-bench: unknown argument '$1'" >&2; exit 2 ;;
  esac
done

bench_build
work=${work:-$(mktemp -d /tmp/capturechain-bench.XXXXXX)}
mkdir -p "$work"
[ "$keep" = 1 ] || trap 'rm -rf "$work"' EXIT

echo "== corpus: $pages scanned pages (seed $seed) in $work" >&2
count=$(bench_inbox "$work" "$pages" "$seed" "$work/pages")
echo "== $count pages in $(ls "$work/inbox" | wc -l) files" >&2
# CPU seconds per page (user + system, children included): the work each contender does, whatever else runs.
cpu() { tail -1 "$1" | awk -v p="$count" '{ printf "%.2f", ($1 + $2) / p }'; }

# (a) plain tesseract, one page per core, text and searchable PDF in one pass, same languages as CaptureChain.
mkdir -p "$work/tesseract"
t0=$(now)
ls "$work/pages" | /usr/bin/time -f "%U %S" -o "$work/tesseract.cpu" \
  xargs -P "$jobs" -I{} tesseract "$work/pages/{}" "$work/tesseract/{}" -l fra+eng txt pdf >/dev/null 2>&1
ta=$(seconds_between "$t0" "$(now)")
[ "$(ls "$work/tesseract"/*.pdf | wc -l)" -eq "$count" ] || { echo "ocr-bench: tesseract did not write every page" >&2; exit 1; }

# (b) OCRmyPDF with its defaults (PDF/A output), all pages in one PDF, one job per core.
tb=""
if [ "$ocrmypdf" = 1 ]; then
  (cd "$work/pages" && img2pdf $(ls | sort) -o "$work/all.pdf")
  t0=$(now)
  /usr/bin/time -f "%U %S" -o "$work/ocrmypdf.cpu" ocrmypdf --jobs "$jobs" -l fra+eng --quiet "$work/all.pdf" "$work/ocrmypdf.pdf"
  tb=$(seconds_between "$t0" "$(now)")
fi

# (c) the full CaptureChain pipeline over the original scan files.
t0=$(now)
bench_process "$work/inbox" "$work/archive" "$work/corpus/registry.csv" "$jobs" "$work/process.cpu"
tc=$(seconds_between "$t0" "$(now)")
rss_kib=$(tail -1 "$work/process.cpu" | awk '{ print $3 }')
documents=$(wc -l < "$work/archive/manifest.jsonl")

ra=$(rate "$count" "$ta"); rc=$(rate "$count" "$tc")
echo
echo "pages: $count, cores used: $jobs, CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
printf "(a) tesseract, 1 page per core : %7.1f s  %7s pages/min  %s CPU-s/page\n" "$ta" "$ra" "$(cpu "$work/tesseract.cpu")"
if [ -n "$tb" ]; then
  rb=$(rate "$count" "$tb")
  printf "(b) ocrmypdf --jobs %-2s         : %7.1f s  %7s pages/min  %s CPU-s/page\n" "$jobs" "$tb" "$rb" "$(cpu "$work/ocrmypdf.cpu")"
fi
printf "(c) capturechain process       : %7.1f s  %7s pages/min  %s CPU-s/page  (%s documents, peak RSS %s MiB)\n" \
  "$tc" "$rc" "$(cpu "$work/process.cpu")" "$documents" "$(( rss_kib / 1024 ))"
echo "ratio (c)/(a): $(awk -v c="$rc" -v a="$ra" 'BEGIN { printf "%.2f", c / a }')"
[ -z "$tb" ] || echo "ratio (c)/(b): $(awk -v c="$rc" -v b="$rb" 'BEGIN { printf "%.2f", c / b }')"
