#!/usr/bin/env bash
# End-to-end evaluation of classification, separation and filing on data never used in development:
#   1. training samples (whole documents, all 12 types) from a fresh seed,
#   2. train a model on them (held-out report printed),
#   3. a labelled test corpus from another fresh seed: single files, envelopes with sheets, and multi-document files
#      WITHOUT separator sheets (automatic separation),
#   4. process it with that model and measure against the ground truth.
# Usage: eval/eval.sh [--seed N] [--per-type N] [--documents N] [--unseparated SHARE] [--out DIR] [--workers N]
# CPU-heavy (OCR, about 1-2 CPU-seconds per page): the defaults OCR about 2000 pages. OCR text of the training samples
# is cached under OUT/samples/.ocr-cache, so a second run with the same seed only re-trains and re-processes.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cli="${CAPTURECHAIN_CLI:-$root/capturechain}"
seed=8128; per_type=60; documents=320; unseparated=0.15; out=""; workers=""
while [ $# -gt 0 ]; do
  case "$1" in
    --seed) seed="$2"; shift 2 ;;
    --per-type) per_type="$2"; shift 2 ;;
    --documents) documents="$2"; shift 2 ;;
    --unseparated) unseparated="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --workers) workers="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
out="${out:-${TMPDIR:-/tmp}/capturechain-eval-$seed}"
mkdir -p "$out"
worker_args=(); [ -n "$workers" ] && worker_args=(--workers "$workers")
export CAPTURECHAIN_DATA="$out/data"   # a private model registry: the evaluation never changes the deployment's active model

echo "== 1. training samples: $per_type per type, seed $seed"
[ -d "$out/samples" ] || $cli corpus --samples --out "$out/samples" --per-type "$per_type" --seed "$seed"

echo "== 2. training (held-out report below)"
rm -f "$out/model.zip"
$cli train --samples "$out/samples" --model "$out/model.zip" --version "eval-$seed" --no-registry "${worker_args[@]}"

echo "== 3. test corpus: $documents documents, seed $((seed + 1)), share of unseparated multi-document files $unseparated"
rm -rf "$out/corpus" "$out/archive"
$cli corpus --out "$out/corpus" --documents "$documents" --seed "$((seed + 1))" --unseparated "$unseparated"

echo "== 4. processing and measuring"
$cli process --inbox "$out/corpus/inbox" --archive "$out/archive" --registry "$out/corpus/registry.csv" --model "$out/model.zip" "${worker_args[@]}" > "$out/process.log"
tail -n 25 "$out/process.log"
$cli evaluate --truth "$out/corpus/truth.jsonl" --manifest "$out/archive/manifest.jsonl" --inbox "$out/corpus/inbox" --details > "$out/evaluation.txt"
head -n 12 "$out/evaluation.txt"
echo "(every issue: $out/evaluation.txt)"
