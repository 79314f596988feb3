"""Test corpus for the map renderer: hostile strings, and frames that carry them.

``HOSTILE`` holds strings that break naive HTML/JS generation: markup with
event handlers, closing ``</script>``, HTML comments, template literals,
Jinja syntax, quotes, line and paragraph separators, control characters and
URLs with dangerous schemes.  Each one that could run script tries to set
``window.__pwned`` or call ``alert``; a browser test installs a trap for both.

``hostile_frames()`` puts them in every text column of a places frame (and in
the basemap's names); ``sample_frames()`` gives the project's real data and
``synthetic_frames(n)`` that many places on land made from it (for large maps).
``write_pages`` and ``open_map`` write maps and open them in a browser tab.
``deep_links()`` is a hypothesis strategy of hostile addresses' hashes (``#map=...``).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote

import folium
import geopandas as gpd
import numpy as np
import shapely
from hypothesis import strategies as st
from shapely.geometry import Point, box

import geo
from geo.render import write_map

HOSTILE: tuple[str, ...] = (
    "<img src=x onerror=\"window.__pwned='img'\">",
    "</script><script>window.__pwned='script'</script>",
    "<!--<script>window.__pwned='comment'</script>-->",
    "`${window.__pwned='template'}`",
    "${alert('template')}",
    "\"'><svg onload=\"window.__pwned='svg'\">",
    "'); window.__pwned='quote'; //",
    '\\"); window.__pwned="backslash"; //',
    "{{ 7*7 }}{% raw %}{{ jinja }}",
    "<style>body{display:none}</style>",
    "<a href=\"javascript:window.__pwned='href'\">click</a>",
    "&lt;b&gt;not bold&lt;/b&gt; &amp; &#x3C;",
    "line\u2028separator\u2029paragraph",
    "nul\x00tab\tnew\nline\rreturn",
    "\u202eright-to-left override",
    "]]><![CDATA[<x>]]>",
    "<iframe src=\"javascript:alert('iframe')\"></iframe>",
    "<details open ontoggle=\"window.__pwned='details'\">",
    "__proto__",
    "constructor",
)

#: Sources that must never become links.
HOSTILE_SOURCES: tuple[str, ...] = (
    "javascript:window.__pwned='source'",
    "data:text/html,<script>window.__pwned='data'</script>",
    " javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "vbscript:msgbox(1)",
)


def hostile_frames() -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Places whose every text is hostile, and a small basemap with hostile names."""
    rows = []
    kinds = ("hq", "rocb", "rtc", "rilo", "border_post", "<b>new-kind</b>")
    for i, text in enumerate(HOSTILE):
        rows.append(
            {
                "id": f"h{i:02d}" if text not in {"__proto__", "constructor"} else text,
                "kind": kinds[i % len(kinds)],
                "name": text,
                "status": ("operational", "planned", "closed", text)[i % 4],
                "source": HOSTILE_SOURCES[i % len(HOSTILE_SOURCES)] if i % 2 else text,
                "precision": "city",
                "iso3": "XXX",
                "country": text,
                "region": ("EUR", None, text)[i % 3],
                "member": bool(i % 2),
                "opened": text,
                "notes": text,
                "city": text,
                text[:40]: text,
                "geometry": Point(-170 + 17 * i, -40 + 4 * i),
            }
        )
    places = gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")
    countries = gpd.GeoDataFrame(
        {
            "iso3": ["AAA", "BBB"],
            "name": [HOSTILE[0], HOSTILE[1]],
            "region": ["EUR", HOSTILE[3]],
            "member": [True, False],
            "geometry": [box(-10, 30, 20, 60), box(20, -20, 50, 10)],
        },
        crs="EPSG:4326",
    )
    return places, countries


def sample_frames() -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """``(places, countries)`` of the project's data, as the core passes them to the renderer."""
    atlas = geo.load()
    return atlas.places, atlas.countries_display


def synthetic_frames(
    n: int, *, seed: int = 0, jitter_deg: float = 6.0
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """``n`` places on land with every column of the project's places, and the basemap.

    Rows of the real places are drawn at random (with replacement) and moved by
    a normal random step of ``jitter_deg`` degrees in longitude and latitude
    (EPSG:4326); a point that falls outside every basemap country is drawn
    again.  Ids and names are made unique: ``'samur-000017'``, ``'Samur ... #17'``.
    The same ``n`` and ``seed`` give the same frame.
    """
    atlas = geo.load()
    real, countries = atlas.places, atlas.countries_display
    rng = np.random.default_rng(seed)
    real_lon = shapely.get_x(real.geometry.values)
    real_lat = shapely.get_y(real.geometry.values)
    rows: list[np.ndarray] = []
    points: list[np.ndarray] = []
    have = 0
    while have < n:
        k = int((n - have) * 1.5) + 64
        pick = rng.integers(0, len(real), k)
        lon = (real_lon[pick] + rng.normal(0.0, jitter_deg, k) + 180.0) % 360.0 - 180.0
        lat = np.clip(real_lat[pick] + rng.normal(0.0, jitter_deg, k), -58.0, 78.0)
        candidates = shapely.points(lon, lat)
        on_land = np.zeros(k, dtype=bool)
        on_land[countries.sindex.query(candidates, predicate="intersects")[0]] = True
        take = np.flatnonzero(on_land)[: n - have]
        rows.append(pick[take])
        points.append(candidates[take])
        have += len(take)
    picked = np.concatenate(rows)
    frame = real.iloc[picked].reset_index(drop=True)
    number = np.arange(n)
    frame["id"] = [f"{i}-{j:06d}" for i, j in zip(frame["id"], number, strict=True)]
    frame["name"] = [f"{name} #{j}" for name, j in zip(frame["name"], number, strict=True)]
    frame = frame.set_geometry(gpd.GeoSeries(np.concatenate(points), crs="EPSG:4326"))
    return frame, countries


def write_pages(folder: Path, maps: Mapping[str, folium.Map]) -> dict[str, Path]:
    """Write each map to ``folder / f"{name}.html"``; return the paths by name."""
    paths = {}
    for name, m in maps.items():
        paths[name] = folder / f"{name}.html"
        write_map(m, paths[name])
    return paths


def open_map(page: Any, path: Path) -> None:
    """Open a map from disk in a Playwright page and wait until its script has built it."""
    # Polling with wait_for_function would need eval, which the page's CSP forbids.
    page.goto(path.as_uri())
    page.locator("html[data-atlas-ready=true]").wait_for(state="attached", timeout=15_000)


def regions_of(places: gpd.GeoDataFrame) -> list[set]:
    """The regions each place counts in: its own and its sides' (as geo.build.region_mask)."""
    columns = [c for c in ("region", "side_a_region", "side_b_region") if c in places.columns]
    return [
        {v for v in row if isinstance(v, str)} for row in places[columns].itertuples(index=False)
    ]


def only_in(places: gpd.GeoDataFrame, code: str) -> set[str]:
    """Ids of the places that unticking region ``code`` hides: in it, and in no other region."""
    regions = regions_of(places)
    own = places["region"].tolist()
    return {
        pid
        for pid, mine, every in zip(places["id"], own, regions, strict=True)
        if mine == code and every == {code}
    }


#: Numbers a deep link may hold: in range, out of range, not finite, not decimal, huge.
LINK_NUMBERS: tuple[str, ...] = (
    "0", "-0", "5", "5.25", "18", "18.25", "-1", "45", "-90", "90", "90.0001", "180", "190",
    "-180", "539", "541", "1e308", "-1e308", "1e400", "1e-400", "5e-324", "NaN", "Infinity",
    "-Infinity", "", " ", "0x1F", "1_0", ".", "1e", "\u0665", "\uff15", "9" * 400,
)  # fmt: skip
#: Keys of a deep link, and keys it does not have.
LINK_KEYS: tuple[str, ...] = ("map", "place", "year", "hide", "hideregions", "hidestatus", "x", "")


def _link_number() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(LINK_NUMBERS),
        st.floats().map(repr),  # inf, nan, 1e+308, -0.0...
        st.integers(min_value=-(10**30), max_value=10**30).map(str),
        st.text(max_size=12),
    )


def _link_word() -> st.SearchStrategy[str]:
    """A value as a link carries it: percent-encoded, or raw, or a broken escape."""
    words = st.one_of(
        st.sampled_from(("rocb-europe", "samur", "EUR", "none", "border_post", "unknown")),
        st.sampled_from(HOSTILE),
        st.text(max_size=30),
    )
    return st.one_of(
        words.map(lambda w: quote(w, safe="")),
        words,
        st.sampled_from(("%", "%E0%A4%A", "%ZZ", "%00", "%F0%9F", "x" * 20_000)),
    )


def _link_part() -> st.SearchStrategy[str]:
    number = _link_number()
    view = st.one_of(
        st.tuples(number, number, number).map("/".join),  # zoom/lat/lon
        st.lists(number, max_size=5).map("/".join),
    )
    year = st.one_of(st.integers(min_value=0, max_value=9999).map(str), _link_number())
    words = st.lists(_link_word(), max_size=4).map(",".join)
    return st.one_of(
        view.map(lambda v: "map=" + v),
        year.map(lambda y: "year=" + y),
        _link_word().map(lambda w: "place=" + w),
        st.tuples(st.sampled_from(LINK_KEYS), words).map("=".join),
        _link_word(),
    )


def deep_links() -> st.SearchStrategy[str]:
    """Hashes of hostile addresses: parts (``map=5/45/1e308``, ``year=NaN``...) joined by &."""
    return st.lists(_link_part(), min_size=1, max_size=5).map(lambda parts: "#" + "&".join(parts))
