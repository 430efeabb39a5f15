#!/usr/bin/env bash
# Print the path of a Python >= 3.12 interpreter, or explain what to install.
# Order: $PYTHON if given, python3.13, python3.12, python3 (each only if it
# really runs: pyenv shims answer "command not found" for versions it does
# not select), then pyenv's installed 3.13.x / 3.12.x interpreters.
set -u
ok() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; }
if [ -n "${PYTHON:-}" ]; then
  if ok "$PYTHON"; then command -v "$PYTHON" || echo "$PYTHON"; exit 0; fi
  echo "PYTHON=$PYTHON is not a working Python >= 3.12." >&2; exit 1
fi
for candidate in python3.13 python3.12 python3; do
  if command -v "$candidate" >/dev/null 2>&1 && ok "$candidate"; then command -v "$candidate"; exit 0; fi
done
if command -v pyenv >/dev/null 2>&1; then
  root=$(pyenv root)
  for pattern in "3.13" "3.12"; do
    for interpreter in $(ls -d "$root"/versions/"$pattern".*/bin/python"$pattern" 2>/dev/null | sort -rV); do
      if ok "$interpreter"; then echo "$interpreter"; exit 0; fi
    done
  done
fi
cat >&2 <<'MSG'
Maillage needs Python 3.12 or newer, and none was found.
Install one (for example `apt-get install python3.13 python3.13-venv`, or
`pyenv install 3.13`), or point to it: make run PYTHON=/path/to/python3.13
MSG
exit 1
