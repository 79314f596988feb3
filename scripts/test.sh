#!/bin/sh
# Set up everything the tests need and run them:
#   a virtual environment in .venv with the project and its test extras,
#   Debian's chromium for the browser tests (Playwright drives it; it never downloads one),
#   pango, the DejaVu fonts and poppler-utils for the printed atlas and its tests,
#   GDAL's ogrinfo (gdal-bin) to open what geo export writes,
#   Node.js and npm (Debian's, when missing) with the pinned eslint of tests/js (npm ci),
#   then the whole test suite (extra arguments go to pytest), then the reference manual
#   (scripts/manual.sh: Sphinx, warnings as errors, no network request in any page).
set -eu
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test,docs]'

# apt_install PACKAGE...: install Debian packages quietly (refreshing the lists if needed).
apt_install() {
    SUDO=""
    if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get install -y -q "$@" >/dev/null 2>&1 \
        || { $SUDO apt-get update -q >/dev/null && $SUDO apt-get install -y -q "$@" >/dev/null; }
}
if ! command -v chromium >/dev/null 2>&1; then
    apt_install chromium
fi
# The printed atlas (geo print): WeasyPrint needs pango; its tests read pages back with poppler.
if ! ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0.so.0; then
    apt_install libpango-1.0-0 libpangoft2-1.0-0
fi
if ! fc-list 2>/dev/null | grep -q "DejaVu Sans"; then
    apt_install fonts-dejavu-core
fi
if ! command -v pdftoppm >/dev/null 2>&1 || ! command -v pdftotext >/dev/null 2>&1; then
    apt_install poppler-utils
fi
# GDAL's ogrinfo opens each format geo export writes, as QGIS would (tests/test_export.py).
if ! command -v ogrinfo >/dev/null 2>&1; then
    apt_install gdal-bin
fi
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    apt_install nodejs npm
fi
# tests/js/node_modules as package-lock.json pins it; npm ci only when it is missing or stale.
if [ ! -f tests/js/node_modules/.package-lock.json ] \
    || [ tests/js/package-lock.json -nt tests/js/node_modules/.package-lock.json ]; then
    npm ci --prefix tests/js --no-audit --no-fund --loglevel=error >/dev/null
fi
.venv/bin/python -m pytest "$@"
sh scripts/manual.sh
