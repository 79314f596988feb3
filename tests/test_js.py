"""The atlas's page scripts (``geo/assets/js``) under node: eslint, the node unit tests
(``tests/js/*.test.mjs``), and checks of the scripts against the Python side.

Needs ``node`` and ``npm`` (``scripts/test.sh`` installs them and runs ``npm ci``;
these tests run ``npm ci`` themselves when ``tests/js/node_modules`` is missing or
older than the lock file).  Without node they fail, never skip.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hostile import HOSTILE, deep_links, hostile_frames
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Geod

from geo.render import render_map, to_html
from geo.render.assets import ATLAS_SCRIPTS, load_assets

ROOT = Path(__file__).resolve().parents[1]
JS_TESTS = ROOT / "tests" / "js"


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(
            f"`{name}` is not installed: the JavaScript tests need Node.js and npm; "
            "run `sh scripts/test.sh` (it installs Debian's nodejs and npm) or install them"
        )
    return path


@pytest.fixture(scope="module")
def node() -> str:
    return _tool("node")


@pytest.fixture(scope="module")
def npm_installed(node: str) -> Path:
    """``tests/js/node_modules`` as ``package-lock.json`` pins it (``npm ci`` when stale)."""
    installed = JS_TESTS / "node_modules" / ".package-lock.json"
    lock = JS_TESTS / "package-lock.json"
    if not installed.exists() or installed.stat().st_mtime < lock.stat().st_mtime:
        _run(
            [_tool("npm"), "ci", "--prefix", str(JS_TESTS), "--no-audit", "--no-fund"],
            cwd=ROOT,
        )
    return JS_TESTS / "node_modules"


def _run(args: list[str], *, cwd: Path, stdin: str | None = None) -> str:
    result = subprocess.run(
        args, cwd=cwd, input=stdin, capture_output=True, text=True, timeout=300, check=False
    )
    if result.returncode != 0:
        pytest.fail(
            f"{' '.join(args[:3])}... exited {result.returncode}:\n{result.stdout}\n{result.stderr}"
        )
    return result.stdout


def _node_json(node: str, script: str, data: Any) -> Any:
    """Run the ES module ``script`` in ``tests/js``, ``data`` as JSON on stdin; parse its stdout."""
    out = _run(
        [node, "--input-type=module", "-e", script],
        cwd=JS_TESTS,
        stdin=json.dumps(data),
    )
    return json.loads(out)


def test_eslint_finds_nothing(npm_installed: Path, node: str) -> None:
    eslint = npm_installed / "eslint" / "bin" / "eslint.js"
    args = [node, str(eslint), "--config", "tests/js/eslint.config.mjs", "--max-warnings", "0"]
    _run([*args, "geo/assets/js", "tests/js"], cwd=ROOT)


def test_node_unit_tests_pass(npm_installed: Path, node: str) -> None:
    out = _run([node, "--test"], cwd=JS_TESTS)
    counts = dict(re.findall(r"^# (tests|pass|fail) (\d+)$", out, re.M))
    assert counts["fail"] == "0" and int(counts["pass"]) >= 50, out


def test_the_joined_script_defines_every_part_and_runs_nothing(node: str) -> None:
    """The script the page inlines loads with no DOM and no Leaflet: it only defines."""
    script = """
import vm from 'node:vm';
import { readFileSync } from 'node:fs';
const sandbox = vm.createContext({});
sandbox.window = sandbox;
vm.runInContext(readFileSync(0, 'utf8'), sandbox, { filename: 'atlas.js' });
console.log(JSON.stringify({
  parts: Object.keys(sandbox.geoAtlasLib),
  api: Object.keys(sandbox.geoAtlas),
  init: typeof sandbox.geoAtlas.init,
}));
"""
    result = subprocess.run(
        [node, "--input-type=module", "-e", script],
        input=load_assets().scripts[-1].text,
        capture_output=True,
        text=True,
        cwd=JS_TESTS,
        timeout=60,
        check=True,
    )
    loaded = json.loads(result.stdout)
    # util.js adds geoAtlasLib.util, ..., and app.js the page's API.
    assert loaded["parts"] == [name.removesuffix(".js") for name in ATLAS_SCRIPTS[:-1]]
    assert loaded["api"] == ["init", "ready"] and loaded["init"] == "function"


_DATA = re.compile(r'<script type="application/json" id="atlas-data">\n(.*?)\n</script>', re.S)

_READ_PLACES = """
import { readFileSync } from 'node:fs';
import { load } from './load.mjs';
const { decode } = load('decode.js');
console.log(JSON.stringify(decode.readPlaces(JSON.parse(readFileSync(0, 'utf8')))));
"""


def _document(page: str) -> dict[str, Any]:
    match = _DATA.search(page)
    assert match is not None
    return json.loads(match.group(1))


def test_the_page_reads_the_compact_table_as_the_lines_say(frames, node: str) -> None:
    """geo.render's compact table, decoded by the page's own decode.js, holds the lines' places."""
    places, countries = frames
    lines = _document(to_html(render_map(places, countries, title="t")))["places"]
    table = _document(to_html(render_map(places, countries, title="t", compact=True)))
    decoded = _node_json(node, _READ_PLACES, {"table": table["table"]})
    assert len(decoded) == len(lines) == len(places)
    for got, line in zip(decoded, lines, strict=True):
        assert got["lat"] == pytest.approx(line["lat"], abs=1e-9), line["id"]
        assert got["lon"] == pytest.approx(line["lon"], abs=1e-9), line["id"]
        rows = [row for row in got.pop("rows") if row[0] != "Coordinates"]
        assert rows == [row for row in line["rows"] if row[0] != "Coordinates"], line["id"]
        others = {k: v for k, v in line.items() if k not in ("lat", "lon", "rows")}
        assert {k: v for k, v in got.items() if k not in ("lat", "lon")} == others


def test_hostile_names_survive_the_compact_table_in_javascript(node: str) -> None:
    places, countries = hostile_frames()
    table = _document(to_html(render_map(places, countries, title="t", compact=True)))
    decoded = _node_json(node, _READ_PLACES, {"table": table["table"]})
    assert {p["name"] for p in decoded} == set(HOSTILE)
    assert sorted(p["id"] for p in decoded) == sorted(places["id"])


def test_the_measure_tools_distance_agrees_with_pyproj(node: str) -> None:
    """Vincenty in geodesy.js against pyproj's Geod (Karney), WGS84: within a millimetre,
    or 0.5 % where Vincenty does not converge (nearly antipodal points)."""
    rng = np.random.default_rng(20240917)
    lat = np.degrees(np.arcsin(rng.uniform(-1, 1, (400, 2))))  # uniform on the sphere
    lon = rng.uniform(-180, 180, (400, 2))
    special = [
        [[0, 0], [0, 0]],
        [[0, 179.9], [0, -179.9]],  # across the antimeridian
        [[89.99, 0], [89.99, 180]],  # over the pole
        [[-18.14, 178.44], [-13.83, 188.24]],  # a shifted longitude, as the page has them
        [[0, 0], [0.5, 179.5]],  # nearly antipodal
        [[10, 20], [-10, -160]],  # antipodal
    ]
    pairs = [
        [[a_lat, a_lon], [b_lat, b_lon]]
        for (a_lat, b_lat), (a_lon, b_lon) in zip(lat, lon, strict=True)
    ]
    pairs = [*special, *pairs]
    script = """
import { readFileSync } from 'node:fs';
import { load } from './load.mjs';
const { geodesy } = load('geodesy.js');
const pairs = JSON.parse(readFileSync(0, 'utf8'));
const at = ([lat, lng]) => ({ lat, lng });
console.log(JSON.stringify(pairs.map(([a, b]) => geodesy.geodesicKm(at(a), at(b)))));
"""
    got = np.array(_node_json(node, script, pairs))
    a, b = np.array([p[0] for p in pairs]), np.array([p[1] for p in pairs])
    expected = Geod(ellps="WGS84").inv(a[:, 1], a[:, 0], b[:, 1], b[:, 0])[2] / 1000
    error = np.abs(got - expected)
    close = error <= 1e-6
    assert np.all(close | (error <= 0.005 * expected)), list(zip(pairs, got, expected, strict=True))
    assert close.mean() > 0.99  # the sphere is a fallback, not the rule


_CHECK_LINKS = """
import { readFileSync } from 'node:fs';
import { load } from './load.mjs';
const { links } = load('util.js', 'links.js');
const codes = {
  place: new Set(['rocb-europe', 'samur']), kind: new Set(['rocb', 'border_post']),
  region: new Set(['EUR', 'AP', null]), status: new Set(['operational', 'unknown']),
};
const limits = { minZoom: 0, maxZoom: 18, first: 1952, last: 2025, centreLon: 178.9,
  has: (k, c) => codes[k].has(c) };
const out = JSON.parse(readFileSync(0, 'utf8')).map((hash) => {
  try {
    const s = links.parse(hash, limits);
    const link = links.format(s);
    return { s, link, again: links.format(links.parse(link, limits)) };
  } catch (err) {
    return { error: String(err) };
  }
});
console.log(JSON.stringify(out));
"""


@settings(max_examples=25, deadline=None)
@given(st.lists(deep_links(), min_size=40, max_size=40))
def test_hostile_deep_links_give_only_values_the_page_has(hashes: list[str]) -> None:
    """Case 9 of issue 26: links.parse with the page's limits, on hypothesis' hostile hashes
    (1000 per run, in batches of 40 per node process)."""
    node = _tool("node")
    for hash_, got in zip(hashes, _node_json(node, _CHECK_LINKS, hashes), strict=True):
        assert "error" not in got, (hash_, got)
        s, view = got["s"], got["s"]["view"]
        if view is not None:
            assert 0 <= view["zoom"] <= 18 and -90 <= view["lat"] <= 90, hash_
            assert 178.9 - 180 <= view["lon"] < 178.9 + 180, hash_
        assert s["year"] is None or 1952 <= s["year"] <= 2025, hash_
        assert s["place"] in (None, "rocb-europe", "samur"), hash_
        assert set(s["hide"]) <= {"rocb", "border_post"}, hash_
        assert set(s["hideRegions"]) <= {"EUR", "AP", None}, hash_
        assert set(s["hideStatus"]) <= {"operational", "unknown"}, hash_
        assert got["again"] == got["link"], hash_
