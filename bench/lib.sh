# Shared by the bench scripts: build once, run the built CLI, and lay out an inbox of generated scanned pages.
# shellcheck shell=bash

bench_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export OMP_THREAD_LIMIT=1 LC_ALL=C CAPTURECHAIN_ROOT="$bench_root"

# Builds once, outside any timing; later calls run the built CLI directly (no staleness check inside a timing).
bench_build() {
  "$bench_root/scripts/install-deps.sh" bench
  "$bench_root/capturechain" --help >/dev/null
}
cc() { dotnet "$bench_root/.build/host/CaptureChain.Host.dll" "$@"; }

now() { date +%s.%N; }
seconds_between() { awk -v a="$1" -v b="$2" 'BEGIN { print b - a }'; }
rate() { awk -v p="$1" -v s="$2" 'BEGIN { printf "%.1f", p * 60 / s }'; }

# bench_inbox DIR PAGES SEED [PAGES_DIR]: generates a corpus in DIR/corpus and copies whole scanned files into
# DIR/inbox until at least PAGES pages; with PAGES_DIR, also writes every page there as a single image for tools that
# read one page at a time. Born-digital PDFs (with a text layer, read without OCR by CaptureChain) are left out so
# that every contender sees the same scanned pages. Prints the page count.
bench_inbox() {
  local dir=$1 want=$2 seed=$3 pages_dir=${4:-} count=0 f src n
  cc corpus --out "$dir/corpus" --documents $(( want * 2 / 3 + 10 )) --seed "$seed" >/dev/null || { echo "bench: the corpus could not be generated" >&2; return 1; }
  mkdir -p "$dir/inbox"
  [ -z "$pages_dir" ] || mkdir -p "$pages_dir"
  for f in $(ls "$dir/corpus/inbox" | sort); do
    src="$dir/corpus/inbox/$f"
    case "$f" in
      *.pdf)
        [ -z "$(pdffonts "$src" 2>/dev/null | tail -n +3)" ] || continue
        n=$(pdfinfo "$src" | awk '/^Pages:/ { print $2 }')
        [ -z "$pages_dir" ] || pdftoppm -r 300 -gray -png "$src" "$pages_dir/${f%.pdf}" ;;
      *.tif|*.tiff)
        n=$(tiffinfo "$src" 2>/dev/null | grep -c '^TIFF Directory')
        [ -z "$pages_dir" ] || tiffsplit "$src" "$pages_dir/${f%.*}-" >/dev/null ;;
      *) n=1; [ -z "$pages_dir" ] || cp "$src" "$pages_dir/" ;;
    esac
    cp "$src" "$dir/inbox/"
    count=$(( count + n ))
    [ "$count" -ge "$want" ] && break
  done
  if [ "$count" -lt "$want" ]; then echo "bench: the corpus has only $count scanned pages, $want wanted" >&2; return 1; fi
  if [ -n "$pages_dir" ] && [ "$(ls "$pages_dir" | wc -l)" -ne "$count" ]; then
    echo "bench: extracted $(ls "$pages_dir" | wc -l) pages, expected $count" >&2; return 1
  fi
  echo "$count"
}

# bench_process INBOX ARCHIVE REGISTRY JOBS OUT: runs `process`, writes "user system maxrss_kib" to OUT.
bench_process() {
  /usr/bin/time -f "%U %S %M" -o "$5" dotnet "$bench_root/.build/host/CaptureChain.Host.dll" process --inbox "$1" \
    --archive "$2" --registry "$3" --workers "$4" >"$5.log" 2>&1 || { cat "$5.log" >&2; return 1; }
}
