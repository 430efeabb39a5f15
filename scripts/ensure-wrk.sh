#!/usr/bin/env bash
# Make sure wrk (Debian's package) is installed: `make bench` drives its HTTP
# load with it (issue 17); bench/run.py falls back to its Python client, and
# says so, if it cannot be installed. Idempotent; called by `make bench` only.
set -u
if command -v wrk >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" != "0" ] && ! command -v sudo >/dev/null 2>&1; then
  echo "wrk is missing and cannot be installed without root: the bench will use its Python client." >&2
  exit 0
fi
SUDO=""; [ "$(id -u)" != "0" ] && SUDO="sudo"
echo "Installing Debian's wrk for the HTTP benchmarks..."
$SUDO apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq wrk >/dev/null
command -v wrk >/dev/null 2>&1 || { echo "wrk could not be installed: the bench will use its Python client." >&2; exit 0; }
