#!/usr/bin/env bash
# Make sure the system libraries WeasyPrint needs for the tagged PDF documents
# (plan progress, consultation synthesis, minutes) are installed: Pango and
# HarfBuzz's subsetting library (fonts are embedded as subsets; without it
# WeasyPrint warns on import, which the test suite treats as an error).
# Debian's Chromium happened to pull them in; they are named here so that
# `make run` and `make test` do not depend on that. Idempotent.
set -u
missing=()
for lib in libpango-1.0.so.0 libpangoft2-1.0.so.0 libharfbuzz-subset.so.0; do
  ldconfig -p 2>/dev/null | grep -q "$lib" || missing+=("$lib")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != "0" ] && ! command -v sudo >/dev/null 2>&1; then
  echo "Missing ${missing[*]} and no root to install them: PDF documents will not be produced." >&2
  exit 0
fi
SUDO=""; [ "$(id -u)" != "0" ] && SUDO="sudo"
echo "Installing the PDF libraries (Pango, HarfBuzz subset) from Debian..."
$SUDO apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq \
  libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 >/dev/null
