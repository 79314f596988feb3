#!/bin/sh
# The declared floors hold: install the lowest versions pyproject.toml allows for every direct
# dependency (uv's --resolution lowest-direct) into a fresh virtual environment and run a
# stated subset of the tests there.  The subset: the tests of the data, the country join,
# the queries, the build and the command line; not the browser tests, the code checks
# (pinned linters), Dask or geo snapshot (extras).  Extra arguments go to pytest.
set -eu
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
UV=".venv/bin/uv"
[ -x "$UV" ] || { echo "lowest check: needs .venv with uv (sh scripts/test.sh sets it up)" >&2; exit 1; }
WORK=$(mktemp -d "${TMPDIR:-/tmp}/geo-lowest-check.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

"$UV" venv --quiet --python "$PYTHON" "$WORK/venv"
# pytest and hypothesis at the floors of the test extra
"$UV" pip install --quiet --python "$WORK/venv/bin/python" --resolution lowest-direct \
    -e . "pytest>=8" "hypothesis>=6.100"
"$UV" pip list --python "$WORK/venv/bin/python" 2>/dev/null \
    | grep -iE '^(geopandas|shapely|pyproj|pyogrio|folium|click|scipy|pyarrow|babel|numpy|pandas) '
GEO_CACHE_DIR="$WORK/cache" "$WORK/venv/bin/python" -m pytest -q -p no:cacheprovider \
    tests/test_package.py tests/test_countries.py tests/test_validate.py tests/test_query.py \
    tests/test_cli.py --deselect tests/test_cli.py::test_snapshot_writes_a_png "$@"
