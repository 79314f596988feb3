#!/bin/sh
# Build the reference manual (docs/, Sphinx) into build/manual, warnings as errors, then check
# that no page loads anything from the network.  Needs the docs extra (pip install -e '.[docs]',
# which scripts/test.sh installs).  Extra arguments go to sphinx-build.
set -eu
cd "$(dirname "$0")/.."
PY="${PY:-.venv/bin/python}"
OUT="${MANUAL_DIR:-build/manual}"
LANGUAGE=en "$PY" -m sphinx -E -W --keep-going -q -b html -d "$OUT/.doctrees" "$@" docs "$OUT"
"$PY" scripts/offline_check.py "$OUT"
echo "manual: $OUT/index.html"
