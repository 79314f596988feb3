#!/bin/sh
# The package works alone: build the sdist and, from it, the wheel; install the wheel into a
# fresh virtual environment; then, in an empty folder with no GEO_DATA, build the maps, answer
# a query, load the atlas in Python and copy the data with `geo init`.  Also checks that the
# wheel's data snapshot is data/ byte for byte.  Prints the wheel's size and the install time.
#   PYTHON=python3.12 sh scripts/wheel_check.sh     # another interpreter
set -eu
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PYTHON="${PYTHON:-python3}"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/geo-wheel-check.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

fail() { echo "wheel check: $*" >&2; exit 1; }

# build: sdist first, then the wheel from the unpacked sdist (so the sdist must carry data/)
if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c "import build" 2>/dev/null; then
    fail "needs .venv with the 'build' package (sh scripts/test.sh sets it up)"
fi
.venv/bin/python -m build --outdir "$WORK/dist" . >"$WORK/build.log" 2>&1 \
    || { cat "$WORK/build.log" >&2; fail "python -m build failed"; }
WHEEL=$(ls "$WORK"/dist/*.whl)
SDIST=$(ls "$WORK"/dist/*.tar.gz)
for needed in data/offices.geojson data/countries.fgb.xz tests/conftest.py tests/data/offices.geojson LICENSE; do
    tar tzf "$SDIST" | grep -q "^[^/]*/$needed\$" || fail "the sdist lacks $needed"
done

# install into a fresh environment
"$PYTHON" -m venv "$WORK/venv"
now() { "$PYTHON" -c 'import time; print(time.time())'; }
START=$(now)
"$WORK/venv/bin/python" -m pip install --quiet --disable-pip-version-check "$WHEEL" \
    >"$WORK/install.log" 2>&1 || { cat "$WORK/install.log" >&2; fail "pip install failed"; }
END=$(now)

# the snapshot shipped is data/, byte for byte
SITE=$(cd "$WORK" && "$WORK/venv/bin/python" -c "import geo, pathlib; print(pathlib.Path(geo.__file__).parent)")
case "$SITE" in "$ROOT"*) fail "geo was imported from the checkout, not the wheel: $SITE" ;; esac
( cd "$ROOT/data" && ls -A ) | grep -v '^\.' | grep -E '\.(geojson|csv|json|xz|toml)$' >"$WORK/want"
ls -A "$SITE/_data" >"$WORK/got"
cmp -s "$WORK/want" "$WORK/got" || { diff "$WORK/want" "$WORK/got" >&2; fail "geo/_data differs from data/"; }
while read -r name; do
    cmp -s "$ROOT/data/$name" "$SITE/_data/$name" || fail "geo/_data/$name differs from data/$name"
done <"$WORK/want"

# use it in an empty folder, as someone who never saw the checkout
mkdir "$WORK/empty"
cd "$WORK/empty"
unset GEO_DATA
export GEO_CACHE_DIR="$WORK/cache"
GEO="$WORK/venv/bin/geo"
"$GEO" build 2>"$WORK/build.err" || { cat "$WORK/build.err" >&2; fail "geo build failed"; }
grep -q "places shipped with geo" "$WORK/build.err" || fail "geo build did not say it used the shipped places"
for page in index.html regions/eur.html places.geojson; do
    [ -s "output/$page" ] || fail "geo build wrote no output/$page"
done
# a first build of the shipped data reads what the wheel ships prepared: it computes nothing
# (geo.cache, "Prepared answers"), so it writes nothing into the empty cache folder
if [ -n "$(ls -A "$WORK/cache" 2>/dev/null)" ]; then
    ls "$WORK/cache" >&2
    fail "the first build computed what the wheel ships prepared (run scripts/prepare_build.py)"
fi
# run COMMAND...: run it with its stderr kept, shown if it fails
run() { "$@" 2>"$WORK/err" || { cat "$WORK/err" >&2; fail "failed: $*"; }; }
run "$GEO" query nearest --lat 40.41 --lon 49.87 --k 1 --format json >"$WORK/query.json"
grep -q '"rocb-europe"' "$WORK/query.json" || fail "geo query nearest did not answer rocb-europe"
run "$GEO" locate --lat 40.41 --lon 49.87 >"$WORK/locate.txt"
grep -q AZE "$WORK/locate.txt" || fail "geo locate did not answer AZE"
run "$WORK/venv/bin/python" -c "import geo; a = geo.load(); assert len(a.places) > 50, a"
run "$GEO" init my-data
run "$GEO" -q build --data my-data --output my-maps
[ -s my-maps/index.html ] || fail "geo build --data my-data wrote nothing"

SIZE=$(wc -c <"$WHEEL")
echo "wheel check: ok: $(basename "$WHEEL") $((SIZE / 1024)) kB," \
    "installed in $("$PYTHON" -c "print(round($END - $START, 1))") s; build, query, load, init work in an empty folder"
