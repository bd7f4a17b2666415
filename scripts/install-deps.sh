#!/usr/bin/env bash
# Installs the Debian packages CaptureChain needs, only those missing. Usage: install-deps.sh [runtime|test|bench]
set -euo pipefail
profile=${1:-runtime}

runtime=(tesseract-ocr tesseract-ocr-fra tesseract-ocr-eng tesseract-ocr-osd libtesseract5 liblept5
         libsane1 sane-utils libzbar0 qpdf poppler-utils libcairo2 libqrencode4
         fonts-dejavu-core fonts-dejavu-extra fonts-liberation2)
# Browser tests (chromium); the PostgreSQL store's tests (a private server started by scripts/test-postgres.sh); zbarimg, the
# barcode tests' independent reader.
test_extra=(chromium postgresql zbar-tools)
bench_extra=(ocrmypdf time img2pdf libtiff-tools postgresql)

want=("${runtime[@]}")
case "$profile" in
  runtime) ;;
  test) want+=("${test_extra[@]+"${test_extra[@]}"}") ;;
  bench) want+=("${bench_extra[@]}") ;;
  *) echo "install-deps: unknown profile '$profile' (runtime|test|bench)" >&2; exit 2 ;;
esac

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing Debian packages: ${missing[*]}" >&2
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

if ! command -v dotnet >/dev/null 2>&1; then
  echo "install-deps: the .NET 10 SDK (dotnet) is required and is not on PATH." >&2
  exit 1
fi
