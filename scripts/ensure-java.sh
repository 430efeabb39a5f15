#!/usr/bin/env bash
# Make sure a Java runtime is installed (Splink on Spark, tests/linkage/test_spark.py). Idempotent.
set -u
if command -v java >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" != "0" ] && ! command -v sudo >/dev/null 2>&1; then
  echo "Java is missing and cannot be installed without root: the Spark test will be skipped." >&2
  exit 0
fi
SUDO=""; [ "$(id -u)" != "0" ] && SUDO="sudo"
echo "Installing Debian's default-jre-headless for the Spark test..."
$SUDO apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq default-jre-headless >/dev/null
command -v java >/dev/null 2>&1 || { echo "Java could not be installed." >&2; exit 1; }
