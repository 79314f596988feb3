"""Unit tests of geo.render and geo.render.assets: no browser."""

from __future__ import annotations

import base64
import datetime as dt
import difflib
import doctest
import hashlib
import html
import importlib
import itertools
import json
import math
import pkgutil
import re
import subprocess
import sys
import time
from pathlib import Path

import folium
import folium.plugins
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from hostile import HOSTILE, HOSTILE_SOURCES, hostile_frames, synthetic_frames
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import LineString, Point, box

import geo
import geo.render
import geo.render.payload
from geo.errors import GeoError, RenderError, UsageError
from geo.i18n import translator
from geo.render import compact_bounds, render_map, to_html, write_map
from geo.render.assets import load_assets

DATA_OPEN = '<script type="application/json" id="atlas-data">\n'
DATA_CLOSE = "\n</script>"


@pytest.fixture(scope="module")
def index_html(frames: tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]) -> str:
    places, countries = frames
    return to_html(
        render_map(places, countries, title="Atlas", links=[("Europe", "regions/eur.html")])
    )


def split_page(page: str) -> tuple[str, str]:
    """The page without its data document, and the data document."""
    head, rest = page.split(DATA_OPEN, 1)
    blob, tail = rest.split(DATA_CLOSE, 1)
    return head + tail, blob


def payload(page: str) -> dict:
    return json.loads(split_page(page)[1])


def tiny_countries() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"iso3": ["AAA"], "name": ["A"], "region": ["EUR"], "member": [True]},
        geometry=[box(0, 0, 10, 10)],
        crs="EPSG:4326",
    )


def places_frame(rows: list[dict], crs: str = "EPSG:4326") -> gpd.GeoDataFrame:
    base = {
        "kind": "rtc",
        "status": "operational",
        "source": "https://example.org/",
        "region": "EUR",
    }
    if not rows:
        columns = ["id", "name", *base]
        return gpd.GeoDataFrame({c: [] for c in columns}, geometry=[], crs=crs)
    # object columns: text of any kind (lone surrogates too) reaches the renderer as it is
    frame = pd.DataFrame([{**base, **r} for r in rows], dtype=object)
    return gpd.GeoDataFrame(frame, geometry="geometry", crs=crs)


# ------------------------------------------------------------------ self-contained


def test_page_loads_nothing_from_the_network(index_html: str) -> None:
    assert not re.search(r"<script\b[^>]*\bsrc\s*=", index_html, re.I)
    assert not re.search(r"<link\b", index_html, re.I)
    assert "@import" not in index_html
    assert "cdn.jsdelivr" not in index_html and "cdnjs" not in index_html
    for url in re.findall(r"url\(([^)]*)\)", index_html):
        assert url.startswith(("data:", "#")), url
    assert "sourceMappingURL" not in index_html


def test_assets_come_from_xstatic_packages() -> None:
    assets = load_assets()
    names = [a.name for a in assets.scripts + assets.styles]
    assert names[0].startswith("leaflet 1.9") and "leaflet.markercluster 1.4" in names[1]
    for asset in assets.scripts:
        assert "</script" not in asset.text.lower() and "<!--" not in asset.text
    assert "images/layers.png" not in assets.styles[0].text


def test_folium_class_defaults_do_not_leak(frames) -> None:
    before_js, before_css = list(folium.Map.default_js), list(folium.Map.default_css)
    places, countries = frames
    ours = render_map(places, countries, title="x")
    plain = folium.Map()
    plain_html = plain.get_root().render()
    assert folium.Map.default_js == before_js and folium.Map.default_css == before_css
    assert "cdn.jsdelivr.net/npm/leaflet" in plain_html  # folium untouched for others
    assert "cdn.jsdelivr" not in to_html(ours)


def test_cdn_elements_added_later_are_refused(frames) -> None:
    places, countries = frames
    m = render_map(places.head(2), countries, title="x")
    folium.plugins.Fullscreen().add_to(m)
    with pytest.raises(RenderError, match="CDN assets"):
        to_html(m)


def test_page_is_accessible_html(index_html: str) -> None:
    assert index_html.startswith('<!DOCTYPE html>\n<html lang="en">')
    assert "<title>Atlas</title>" in index_html
    viewport = re.search(r'<meta name="viewport" content="([^"]*)"', index_html).group(1)
    assert "user-scalable" not in viewport and "maximum-scale" not in viewport
    assert '<nav class="atlas-nav" aria-label="Maps">' in index_html
    assert '<a href="regions/eur.html">Europe</a>' in index_html


def test_csp_allows_exactly_the_inline_scripts_and_styles(index_html: str) -> None:
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', index_html).group(
        1
    )
    assert "default-src 'none'" in policy and "unsafe-inline" not in policy
    assert index_html.index("Content-Security-Policy") < index_html.index("<script")
    for kind, body in re.findall(r"<(script|style)>(.*?)</\1>", index_html, re.S):
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        directive = re.search(rf"{kind}-src ([^;]*)", policy).group(1)
        assert f"'sha256-{digest}'" in directive


def test_size_of_the_world_map(index_html: str) -> None:
    assert len(index_html.encode()) < 1_000_000


# ------------------------------------------------------------------ safety


def test_hostile_strings_never_appear_unescaped_outside_the_data() -> None:
    places, countries = hostile_frames()
    title = HOSTILE[1]
    page = to_html(render_map(places, countries, title=title, links=[(HOSTILE[0], "a.html")]))
    outside, blob = split_page(page)
    for text in HOSTILE + HOSTILE_SOURCES:
        if re.search(r"[<>&\"'`]|\$\{", text):
            assert text not in outside, text
    assert f"<title>{html.escape(title)}</title>" in outside
    for char in "<>&\u2028\u2029":
        assert char not in blob
    data = json.loads(blob)
    assert {p["name"] for p in data["places"]} == set(HOSTILE)
    assert all(p["href"] is None for p in data["places"])  # no source is http(s)
    page.encode("utf-8")


def test_sources_are_links_only_when_http(frames) -> None:
    rows = [
        {"id": "a", "name": "A", "source": "https://wcoomd.org/x", "geometry": Point(1, 1)},
        {"id": "b", "name": "B", "source": "javascript:alert(1)", "geometry": Point(2, 2)},
        {"id": "c", "name": "C", "source": "ftp://example.org/", "geometry": Point(3, 3)},
        {"id": "d", "name": "D", "source": "http:/broken", "geometry": Point(4, 4)},
    ]
    data = payload(to_html(render_map(places_frame(rows), tiny_countries(), title="t")))
    hrefs = {p["id"]: p["href"] for p in data["places"]}
    assert hrefs == {"a": "https://wcoomd.org/x", "b": None, "c": None, "d": None}


def test_jinja_syntax_in_data_is_not_evaluated() -> None:
    rows = [
        {"id": "a", "name": "{{ 7*7 }} {% if 1 %}x{% endif %} {# c #}", "geometry": Point(1, 1)}
    ]
    page = to_html(render_map(places_frame(rows), tiny_countries(), title="{{ 6*7 }}"))
    assert payload(page)["places"][0]["name"] == rows[0]["name"]
    assert "<title>{{ 6*7 }}</title>" in page


def test_links_must_be_relative_or_http() -> None:
    with pytest.raises(UsageError, match=r"href='javascript:alert\(1\)'.*relative path or an http"):
        render_map(
            places_frame([]), tiny_countries(), title="t", links=[("x", "javascript:alert(1)")]
        )


text_with_surrogates = st.text(
    alphabet=st.one_of(st.characters(), st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF))
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=text_with_surrogates, notes=text_with_surrogates)
def test_any_text_round_trips_through_the_data(name: str, notes: str) -> None:
    rows = [{"id": "p", "name": name, "notes": notes, "geometry": Point(5, 5)}]
    page = to_html(
        render_map(places_frame(rows), tiny_countries(), title=name, links=[(notes, "x")])
    )
    page.encode("utf-8")
    _, blob = split_page(page)
    assert not re.search("[<>&\u2028\u2029]", blob)
    place = json.loads(blob)["places"][0]
    assert place["name"] == name
    notes_rows = [value for label, value in place["rows"] if label == "Notes"]
    assert notes_rows == ([notes] if notes.strip() else [])


# ------------------------------------------------------------------ reproducible


def test_two_renders_are_byte_identical(frames, index_html: str) -> None:
    places, countries = frames
    again = to_html(
        render_map(places, countries, title="Atlas", links=[("Europe", "regions/eur.html")])
    )
    assert again == index_html
    assert not re.search(r"[0-9a-f]{32}", split_page(index_html)[0])  # no folium uuids


def test_row_order_does_not_matter(frames, index_html: str) -> None:
    places, countries = frames
    shuffled = places.sample(frac=1, random_state=7)
    again = to_html(
        render_map(shuffled, countries, title="Atlas", links=[("Europe", "regions/eur.html")])
    )
    assert again == index_html


def test_same_page_in_another_process(tmp_path: Path, index_html: str) -> None:
    script = (
        "import sys; sys.path.insert(0, 'tests')\n"
        "from hostile import sample_frames\n"
        "from geo.render import render_map, write_map\n"
        "p, c = sample_frames()\n"
        "m = render_map(p, c, title='Atlas', links=[('Europe', 'regions/eur.html')])\n"
        "write_map(m, sys.argv[1])\n"
    )
    out = tmp_path / "index.html"
    root = Path(__file__).resolve().parents[1]
    env = {"PYTHONHASHSEED": "12345", "PATH": "/usr/bin:/bin"}
    subprocess.run([sys.executable, "-c", script, str(out)], cwd=root, env=env, check=True)
    assert out.read_bytes() == index_html.encode("utf-8")


def test_a_data_edit_changes_one_line(frames, index_html: str) -> None:
    places, countries = frames
    edited = places.copy()
    edited.loc[edited["id"] == "samur", "name"] = "Samur (renamed)"
    page = to_html(
        render_map(edited, countries, title="Atlas", links=[("Europe", "regions/eur.html")])
    )
    diff = [
        line
        for line in difflib.unified_diff(
            index_html.splitlines(), page.splitlines(), n=0, lineterm=""
        )
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    assert len(diff) == 2 and "Samur (renamed)" in diff[1] and len(diff[1]) < 5000


def test_write_map_writes_to_html(frames, tmp_path: Path) -> None:
    places, countries = frames
    m = render_map(places.head(3), countries, title="t")
    write_map(m, tmp_path / "sub" / "map.html")
    assert (tmp_path / "sub" / "map.html").read_text(encoding="utf-8") == to_html(m)


# ------------------------------------------------------------------ content


def test_payload_describes_every_place(frames, index_html: str) -> None:
    places, _ = frames
    data = payload(index_html)
    assert len(data["places"]) == len(places)
    assert [p["id"] for p in data["places"]] == sorted(places["id"])
    assert {k["code"]: k["count"] for k in data["kinds"]} == places["kind"].value_counts().to_dict()
    assert [r["code"] for r in data["regions"][:6]] == ["EUR", "AP", "AC", "ESA", "WCA", "MENA"]
    samur = next(p for p in data["places"] if p["id"] == "samur")
    rows = dict(samur["rows"][: samur["fold"]])  # the summary: each side under its country
    assert rows["Azerbaijan"] == (
        "Samur (customs post of the Khachmaz Customs Office; later of the Northern Territorial "
        "Main Customs Office)"
    )
    assert rows["Russian Federation"].startswith("Yarag-Kazmalyar")
    assert samur["href"].startswith("https://www.wcoomd.org/")
    baku = next(p for p in data["places"] if p["id"] == "rocb-europe")
    assert "Baku" in baku["terms"] and baku["region"] == "EUR"
    assert len(data["countries"]) == 245


def test_coordinates_have_fixed_precision() -> None:
    rows = [{"id": "a", "name": "A", "geometry": Point(4.123456789, 50.987654321)}]
    place = payload(to_html(render_map(places_frame(rows), tiny_countries(), title="t")))["places"][
        0
    ]
    assert (place["lon"], place["lat"]) == (4.12346, 50.98765)
    assert dict(place["rows"])["Coordinates"] == "50.98765° N, 4.12346° E"


def test_unknown_kinds_get_the_default_symbol() -> None:
    rows = [{"id": "a", "name": "A", "kind": "attache", "geometry": Point(1, 1)}]
    kinds = payload(to_html(render_map(places_frame(rows), tiny_countries(), title="t")))["kinds"]
    assert kinds[-1] == {
        "code": "attache",
        "color": "#5d6d7e",
        "count": 1,
        "label": "Attache",
        "shape": "pentagon",
        "size": 18,
    }
    shapes = [k["shape"] for k in kinds[:5]]
    assert len(set(shapes)) == 5  # every known kind has its own shape


@pytest.mark.parametrize("n", [0, 1])
def test_empty_and_single_place_maps(frames, n: int) -> None:
    places, countries = frames
    data = payload(to_html(render_map(places.head(n), countries, title="t")))
    assert len(data["places"]) == n
    (south, west), (north, east) = data["bounds"]
    assert south <= north and west <= east


def test_places_in_another_crs_are_reprojected() -> None:
    rows = [{"id": "a", "name": "A", "geometry": Point(4.37, 50.85)}]
    mercator = places_frame(rows).to_crs(3857)
    place = payload(to_html(render_map(mercator, tiny_countries(), title="t")))["places"][0]
    assert (place["lon"], place["lat"]) == (4.37, 50.85)


def test_the_caller_frame_is_not_modified(frames) -> None:
    places, countries = frames
    before = places.copy()
    render_map(places, countries, title="t", focus_region="AP")
    assert places.equals(before)


# ------------------------------------------------------------------ antimeridian


def test_compact_bounds_across_the_antimeridian() -> None:
    # Fiji (Suva) and Samoa (Apia)
    assert compact_bounds([178.44, -171.76], [-18.14, -13.83]) == (178.44, -18.14, 188.24, -13.83)
    assert compact_bounds([-171.76, 178.44], [-13.83, -18.14]) == (178.44, -18.14, 188.24, -13.83)
    assert compact_bounds([4.37], [50.85]) == (4.37, 50.85, 4.37, 50.85)
    assert compact_bounds([-170.0, 0.0, 170.0], [0, 0, 0]) == (0.0, 0.0, 190.0, 0.0)  # 190 < 340
    assert compact_bounds([-100.0, 0.0, 100.0], [0, 0, 0]) == (-100.0, 0.0, 100.0, 0.0)
    assert compact_bounds([180.0, -180.0], [1, 2]) == (-180.0, 1.0, -180.0, 2.0)


def test_compact_bounds_needs_points() -> None:
    with pytest.raises(UsageError, match="need the same number, >= 1"):
        compact_bounds([], [])


@given(st.lists(st.floats(-180, 180, allow_nan=False), min_size=1, max_size=8))
def test_compact_bounds_is_the_narrowest_box(lons: list[float]) -> None:
    west, _, east, _ = compact_bounds(lons, [0.0] * len(lons))
    assert -180 <= west < 180 and west <= east
    for x in lons:  # every point is inside, modulo 360
        assert (x - west) % 360 <= east - west + 1e-6 or abs((x - west) % 360 - 360) < 1e-6
    # brute force: the narrowest arc starts at one of the points
    best = min(max((x - w) % 360 for x in lons) for w in lons)
    assert east - west == pytest.approx(best, abs=1e-5)


def test_a_map_across_the_antimeridian_is_compact() -> None:
    rows = [
        {"id": "fiji", "name": "Suva", "region": "AP", "geometry": Point(178.44, -18.14)},
        {"id": "samoa", "name": "Apia", "region": "AP", "geometry": Point(-171.76, -13.83)},
    ]
    countries = gpd.GeoDataFrame(
        {
            "iso3": ["FJI", "WSM", "USA"],
            "name": ["Fiji", "Samoa", "US"],
            "region": ["AP", "AP", "AC"],
            "member": [True, True, True],
        },
        geometry=[
            box(177, -19, 180, -16).union(box(-180, -17, -179.5, -16)),
            box(-172.8, -14.1, -171.4, -13.4),
            box(-125, 25, -66, 49),
        ],
        crs="EPSG:4326",
    )
    data = payload(to_html(render_map(places_frame(rows), countries, title="t", focus_region="AP")))
    (_, west), (_, east) = data["bounds"]
    assert 176 <= west <= 178.44 and 188 <= east < 190
    lons = {p["id"]: p["lon"] for p in data["places"]}
    assert lons == {"fiji": 178.44, "samoa": 188.24}
    assert dict(data["places"][1]["rows"])["Coordinates"].endswith("171.76000° W")  # original


def test_focus_region_fits_its_places_and_members(frames) -> None:
    places, countries = frames
    data = payload(to_html(render_map(places, countries, title="t", focus_region="ESA")))
    (south, west), (north, east) = data["bounds"]
    assert data["focus"] == "ESA"
    assert -40 < south < -30 and 5 < west < 25 and 10 < north < 20 and 50 < east < 65


# ------------------------------------------------------------------ errors


def test_missing_columns_are_named() -> None:
    frame = gpd.GeoDataFrame({"id": ["a"]}, geometry=[Point(0, 0)], crs="EPSG:4326")
    with pytest.raises(
        UsageError, match=r"`places` must have columns .* \(missing \['kind', 'name'"
    ):
        render_map(frame, tiny_countries(), title="t")


def test_bad_places_are_reported_together() -> None:
    rows = [
        {"id": "a", "name": "A", "geometry": Point(0, 0)},
        {"id": "a", "name": "B", "geometry": LineString([(0, 0), (1, 1)])},
    ]
    with pytest.raises(UsageError, match=r"ids repeat: \['a'\]; geometry is not a non-empty Point"):
        render_map(places_frame(rows), tiny_countries(), title="t")


def test_unknown_focus_region() -> None:
    with pytest.raises(UsageError, match=r"Got focus_region='EU'; `focus_region` must be one of"):
        render_map(places_frame([]), tiny_countries(), title="t", focus_region="EU")


def test_to_html_needs_an_atlas_map() -> None:
    with pytest.raises(UsageError, match=r"needs a map made by geo\.render\.render_map"):
        to_html(folium.Map())
    assert issubclass(RenderError, GeoError)


def test_docstring_examples() -> None:
    # geo.render is a package: the examples live in its modules.
    names = ["geo.render"] + [
        f"geo.render.{m.name}" for m in pkgutil.iter_modules(geo.render.__path__)
    ]
    runs = [doctest.testmod(importlib.import_module(name)) for name in names]
    result = doctest.TestResults(sum(r.failed for r in runs), sum(r.attempted for r in runs))
    assert result.failed == 0 and result.attempted >= 3


# ------------------------------------------------------------------ timeline


def place_of(data: dict, place_id: str) -> dict:
    return next(p for p in data["places"] if p["id"] == place_id)


def test_lives_of_offices_with_history_and_seats(index_html: str) -> None:
    data = payload(index_html)
    # a date keeps its precision: "2009-06" is 20090600, "2017" 20170000 (util.dayText)
    assert place_of(data, "rocb-europe")["life"] == [
        [20090600, 20100908, "planned"],
        [20100908, 20111017, "under_construction"],
        [20111017],
    ]
    assert place_of(data, "rocb-americas")["life"] == [
        [20071109, 20170000, "operational", -34.6131, -58.3772],
        [20170000, None, "operational", -34.9033, -56.1882],
    ]
    assert place_of(data, "rtc-ukraine")["life"][0][-2:] == [48.4666, 35.0407]  # Dnipro, [lat, lon]
    # opened "1991-12/2010-09": possibly open from Dec 1991, open from the day after Sept 2010
    assert place_of(data, "samur")["life"] == [[19911200, 20101001, "unknown"], [20101001]]
    # no known opening: possibly open from the network's first known day (WCO HQ, 1952-11-04)
    assert place_of(data, "kapikule")["life"] == [[19521104, None, "unknown"]]


def test_timeline_head_gives_the_range_and_the_undated(frames, index_html: str) -> None:
    places, _ = frames
    assert payload(index_html)["timeline"] == {
        "asOf": None,
        "first": 1952,
        "last": 2026,
        "unknown": 62,
    }
    # a fact of the data (the undated ones include every place opened between bounds)
    assert int(places["opened"].isna().sum()) == 15


def test_a_map_as_of_a_day_clips_the_lives() -> None:
    then = geo.load(as_of="2010-09-08")
    page = to_html(render_map(then.places, then.countries_display, title="t", as_of=then.as_of))
    data = payload(page)
    assert data["timeline"]["asOf"] == 20100908 and data["timeline"]["last"] == 2010
    # that day ROCB Europe is under construction, its status in the as-of atlas
    assert place_of(data, "rocb-europe")["life"] == [[20090600, 20100908, "planned"], [20100908]]
    assert place_of(data, "rocb-americas")["life"] == [
        [20071109, None, "operational", -34.6131, -58.3772]
    ]
    assert all(d <= 20100908 for p in data["places"] for s in p["life"] or [] for d in s[:2] if d)


def test_unreadable_seats_are_reported() -> None:
    rows = [
        {"id": "a", "name": "A", "seats": [{"from": "2001", "lat": 1.0}], "geometry": Point(1, 1)}
    ]
    with pytest.raises(UsageError, match=r"place id='a' whose `seats` cannot be read"):
        render_map(places_frame(rows), tiny_countries(), title="t")


def test_hostile_history_values_are_ignored_not_fatal() -> None:
    rows = [
        {
            "id": "a",
            "name": "A",
            "history": HOSTILE[0],
            "opened": HOSTILE[1],
            "geometry": Point(1, 1),
        },
        {
            "id": "b",
            "name": "B",
            "history": [HOSTILE[2], {"date": HOSTILE[3]}],
            "geometry": Point(2, 2),
        },
    ]
    data = payload(to_html(render_map(places_frame(rows), tiny_countries(), title="t")))
    assert place_of(data, "a")["life"] == [[None, None, "unknown"]]  # no date: possibly open
    assert place_of(data, "b")["life"] == []  # a history with no dated event: never on the timeline


# ------------------------------------------------------------------ the compact table


def decode_ints(text: str) -> list[int]:
    """The polyline algorithm, as the page reads it."""
    out, value, shift = [], 0, 0
    for char in text:
        b = ord(char) - 63
        value |= (b & 0x1F) << shift
        shift += 5
        if b < 0x20:
            out.append(~(value >> 1) if value & 1 else value >> 1)
            value, shift = 0, 0
    return out


def decode_strings(column: dict) -> list[str]:
    """A table column as the page reads it: prefixes counted in UTF-16 code units."""
    if "dict" in column:
        return [column["dict"][i] for i in column["index"]]
    out, previous = [], b""
    for front, rest in zip(column["front"], column["rest"], strict=True):
        previous = previous[: 2 * front] + rest.encode("utf-16-le", "surrogatepass")
        out.append(previous.decode("utf-16-le", "surrogatepass"))
    return out


def table_places(data: dict) -> list[dict]:
    """The places of a compact page as the page's script makes them."""
    table = data["table"]
    steps = decode_ints(table["coords"])
    lat = list(itertools.accumulate(steps[0::2]))
    lon = list(itertools.accumulate(steps[1::2]))
    return [
        {
            **table["profiles"][k],
            "id": pid,
            "name": name,
            "lat": y / table["scale"],
            "lon": x / table["scale"],
        }
        for pid, name, k, y, x in zip(
            decode_strings(table["id"]),
            decode_strings(table["name"]),
            table["profile"],
            lat,
            lon,
            strict=True,
        )
    ]


@pytest.mark.parametrize("focus", [None, "AP"])
def test_the_compact_table_holds_what_the_lines_hold(frames, focus: str | None) -> None:
    places, countries = frames
    lines = payload(to_html(render_map(places, countries, title="t", focus_region=focus)))
    table = payload(
        to_html(render_map(places, countries, title="t", focus_region=focus, compact=True))
    )
    assert "places" not in table and table["table"]["n"] == len(places)
    for key in ("bounds", "kinds", "regions", "statuses", "timeline"):
        assert table[key] == lines[key], key
    for compact, line in zip(table_places(table), lines["places"], strict=True):
        rows = [[label, value] for label, value in line["rows"] if label != "Coordinates"]
        assert [r for r in compact.pop("rows") if r[0] != "Coordinates"] == rows
        assert ["Coordinates", None] in table_places(table)[0]["rows"]
        assert compact["lat"] == pytest.approx(line["lat"], abs=1e-9)
        assert compact["lon"] == pytest.approx(line["lon"], abs=1e-9)
        assert {k: v for k, v in compact.items() if k not in ("lat", "lon")} == {
            k: v for k, v in line.items() if k not in ("lat", "lon", "rows")
        }
    assert len(table["table"]["profiles"]) == len(places)  # every real place is different


def test_hostile_strings_survive_the_compact_table() -> None:
    places, countries = hostile_frames()
    page = to_html(render_map(places, countries, title="t", compact=True))
    _, blob = split_page(page)
    assert not re.search("[<>&\u2028\u2029]", blob)
    data = json.loads(blob)
    assert {p["name"] for p in table_places(data)} == set(HOSTILE)
    assert sorted(p["id"] for p in table_places(data)) == sorted(places["id"])


names = st.text(
    alphabet=st.one_of(
        st.sampled_from("ab-#1é\U0001f600\u2028<&"),
        st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF),
    ),
    max_size=80,
)


@given(st.lists(names, max_size=40))
def test_string_columns_round_trip(values: list[str]) -> None:
    values = sorted(values) if len(values) % 2 else values
    column = geo.render.payload._encode_strings(values)
    decoded = decode_strings(json.loads(geo.render.payload._dumps(column)))
    assert list(map(utf16, decoded)) == list(map(utf16, values))  # what JavaScript compares


def utf16(text: str) -> bytes:
    return text.encode("utf-16-le", "surrogatepass")


def test_the_table_and_the_grid_are_used_above_their_thresholds() -> None:
    assert (geo.render.COMPACT_THRESHOLD, geo.render.GRID_THRESHOLD) == (500, 2000)
    places, countries = synthetic_frames(2001)
    for n, layout in [(500, (False, False)), (501, (True, False)), (2001, (True, True))]:
        data = payload(to_html(render_map(places.head(n), countries, title="t")))
        assert ("table" in data, data["grid"]) == layout, n
        assert ("places" in data) is not layout[0]
    lines = payload(to_html(render_map(places.head(2001), countries, title="t", compact=False)))
    assert "places" in lines and lines["grid"] is True


@pytest.fixture(scope="module")
def big_page() -> tuple[str, int, float]:
    places, countries = synthetic_frames(100_000)
    start = time.perf_counter()
    page = to_html(render_map(places, countries, title="100k"))
    return page, len(places), time.perf_counter() - start


def test_a_page_of_100k_places_takes_at_most_60_bytes_per_place(big_page) -> None:
    page, n, seconds = big_page
    data = payload(page)
    assert "table" in data and data["table"]["n"] == n
    per_place = len(page.encode("utf-8")) / n
    assert per_place <= 60, per_place
    assert seconds < 20  # about 1.5 s on the development machine
    decoded = table_places(data)
    assert len({p["id"] for p in decoded}) == n
    assert all(-90 <= p["lat"] <= 90 for p in decoded)


@pytest.mark.parametrize(
    "text",
    [
        "see the @import rules",
        "<script src='https://evil.example/x.js'></script>",
        "<link href='https://evil.example/x.css' rel=stylesheet>",
        "url(https://evil.example/x.png) <iframe src=x>",
    ],
)
def test_text_that_mentions_imports_is_data_not_a_request(text: str) -> None:
    """The self-containment check reads the page's code, not the text it carries."""
    rows = [{"id": "p", "name": text, "notes": text, "geometry": Point(5, 5)}]
    page = to_html(
        render_map(places_frame(rows), tiny_countries(), title=text, links=[(text, "x")])
    )
    assert not re.search(r"<script\b[^>]*\bsrc\s*=|<link\b|<iframe\b", page, re.I)


def test_a_style_that_imports_is_refused(frames) -> None:
    from branca.element import Element

    places, countries = frames
    m = render_map(places.head(2), countries, title="x")
    m.get_root().header.add_child(Element("<style>@import 'https://evil.example/x.css';</style>"))
    with pytest.raises(RenderError, match="CDN assets"):
        to_html(m)


# ------------------------------------------------------------------ words for people


def rows_of(data: dict, place_id: str) -> dict:
    return {label: value for label, value in place_of(data, place_id)["rows"]}


JSON_LIKE = re.compile(r'[\[{]\s*"|"\s*:\s*["\[{\d]')


def test_history_and_seats_read_as_dated_lists_not_json() -> None:
    rows = [
        {
            "id": "office",
            "name": "Office",
            "history": [
                {"date": "2009-06", "status": "planned", "note": "Proposed."},
                {
                    "date": "2010-09-08",
                    "status": "under_construction",
                    "planned_opening": "2011-02",
                    "source": "https://example.org/news",
                },
                {"date": "2011-10-17", "status": "operational"},
            ],
            "seats": [
                {
                    "city": "Buenos Aires",
                    "iso3": "ARG",
                    "lon": 1.0,
                    "lat": 1.0,
                    "from": "2007-11-09",
                    "to": "2017",
                    "status": "closed",
                    "to_note": "by 2017",
                },
                {"city": "Montevideo", "iso3": "URY", "lon": 2.0, "lat": 2.0, "from": "2017"},
                {"city": "Brasília", "iso3": "BRA", "lon": 3.0, "lat": 3.0, "status": "planned"},
            ],
            "contacts": {"phone": "+1 555", "hours": ["Mon", "Tue"]},
            "languages": ["English", "French"],
            "geometry": Point(2, 2),
        }
    ]
    data = payload(to_html(render_map(places_frame(rows), tiny_countries(), title="t")))
    shown = rows_of(data, "office")
    assert shown["History"] == [
        ["June 2009", "Planned", "Proposed."],
        [
            "8 September 2010",
            "Under construction, opening planned February 2011",
            "Source: https://example.org/news",
        ],
        ["17 October 2011", "Operational", None],
    ]
    assert shown["Seats"] == [
        ["9 November 2007 to 2017", "Buenos Aires (ARG)", "by 2017"],
        ["from 2017", "Montevideo (URY)", None],
        ["dates not known", "Brasília (BRA), planned", None],
    ]
    assert shown["Contacts"] == ["Phone: +1 555", "Hours: Mon, Tue"]
    assert shown["Languages"] == ["English", "French"]
    assert not [v for v in shown.values() if isinstance(v, str) and JSON_LIKE.search(v)]
    # the same in French: the catalogue's words, dates as French writes them
    data = payload(to_html(render_map(places_frame(rows), tiny_countries(), title="t", lang="fr")))
    shown = rows_of(data, "office")
    colon = "\u00a0:"
    assert shown["Historique"] == [
        ["juin 2009", "Prévu", "Proposed."],
        [
            "8 septembre 2010",
            "En construction, ouverture prévue" + colon + " février 2011",
            "Source" + colon + " https://example.org/news",
        ],
        ["17 octobre 2011", "En activité", None],
    ]
    assert shown["Sièges"] == [
        ["du 9 novembre 2007 à 2017", "Buenos Aires (ARG)", "by 2017"],
        ["depuis 2017", "Montevideo (URY)", None],
        ["dates inconnues", "Brasília (BRA), prévu", None],
    ]
    # a key the catalogue knows takes its label (row.phone); another, its own name readable
    assert shown["Contacts"] == ["Téléphone" + colon + " +1 555", "Hours" + colon + " Mon, Tue"]


def test_no_popup_of_the_project_shows_json(index_html: str) -> None:
    for place in payload(index_html)["places"]:
        for label, value in place["rows"]:
            texts = (
                [value]
                if isinstance(value, str)
                else [
                    t
                    for item in value or []
                    for t in (item if isinstance(item, list) else [item])
                    if t
                ]
            )
            for text in texts:
                assert not JSON_LIKE.search(text), (place["id"], label, text)


def test_the_page_carries_its_words(index_html: str) -> None:
    from geo.i18n import translator
    from geo.render.words import PAGE_KEYS, page_words

    data = payload(index_html)
    english = translator("en")
    words = page_words(english)
    assert data["words"] == words
    # the keys' own texts, and beside them the texts of a date's shape ("search.opens|year")
    assert {k: v for k, v in words.items() if "|" not in k} == english.words(PAGE_KEYS)
    assert {k.split("|")[1] for k in words if "|" in k} <= {"year", "month", "day"}
    assert data["lang"] == "en" and data["locale"] == "en-GB"
    assert data["words"]["count.places"] == {"one": "{n} place", "other": "{n} places"}
    assert {s["label"] for s in data["statuses"]} <= {
        english(f"status.{s}") for s in STATUSES_SHOWN
    }
    assert "title.world" not in data["words"]  # the build's words stay in Python


STATUSES_SHOWN = ("planned", "under_construction", "operational", "closed", "unknown")


def test_the_status_legend_names_possibly_open_when_a_life_has_it() -> None:
    rows = [
        {"id": "a", "name": "A", "opened": None, "geometry": Point(1, 1)},
        {"id": "b", "name": "B", "opened": "2001", "geometry": Point(2, 2)},
    ]
    data = payload(
        to_html(render_map(places_frame(rows), tiny_countries(), title="t", since="1990"))
    )
    codes = [s["code"] for s in data["statuses"]]
    assert codes[-1] == "unknown" and data["timeline"]["unknown"] == 1
    label = next(s["label"] for s in data["statuses"] if s["code"] == "unknown")
    assert label == "Possibly open (dates not known)"
    rows[0]["opened"] = "1995"
    data = payload(to_html(render_map(places_frame(rows), tiny_countries(), title="t")))
    assert "unknown" not in [s["code"] for s in data["statuses"]]


def test_an_as_of_map_counts_its_possibly_open_places() -> None:
    rows = [{"id": "a", "name": "A", "status": "unknown", "opened": None, "geometry": Point(1, 1)}]
    page = to_html(
        render_map(
            places_frame(rows), tiny_countries(), title="t", as_of="2010-09-08", since="1990"
        )
    )
    assert payload(page)["timeline"]["unknown"] == 1


# ------------------------------------------------------------------ one count per region


def test_a_border_post_counts_in_the_region_of_each_side() -> None:
    rows = [
        {
            "id": "post",
            "name": "Post",
            "kind": "border_post",
            "region": "EUR",
            "side_a_region": "EUR",
            "side_b_region": "AP",
            "geometry": Point(1, 1),
        },
        {
            "id": "inland",
            "name": "Inland",
            "kind": "border_post",
            "region": "EUR",
            "side_a_region": "EUR",
            "side_b_region": "EUR",
            "geometry": Point(2, 2),
        },
        {"id": "office", "name": "Office", "region": "AP", "geometry": Point(3, 3)},
    ]
    data = payload(to_html(render_map(places_frame(rows), tiny_countries(), title="t")))
    counts = {r["code"]: r["count"] for r in data["regions"]}
    assert counts["EUR"] == 2 and counts["AP"] == 2  # as geo.build.region_mask counts them
    assert data["shared"] == 1
    assert place_of(data, "post")["also"] == ["AP"]
    assert "also" not in place_of(data, "inland") and "also" not in place_of(data, "office")


def test_the_world_legend_agrees_with_the_region_maps(frames, index_html: str) -> None:
    from geo.build import region_mask

    places, _ = frames
    counts = {r["code"]: r["count"] for r in payload(index_html)["regions"]}
    for code in geo.schema.REGIONS:
        assert counts[code] == int(region_mask(places, code).sum()), code


# ------------------------------------------------------------------ country labels


def test_every_country_row_carries_where_its_name_goes(frames) -> None:
    import shapely

    from geo.render.basemap import _country_rows

    _, countries = frames
    rows = _country_rows(countries, 0.0, translator("en"))
    labelled = [row for row in rows if row[5] is not None]
    assert len(labelled) >= 0.9 * len(rows)
    by_name = {}
    for iso3, name, geom in zip(
        countries["iso3"], countries["name"], countries.geometry, strict=True
    ):
        by_name.setdefault((iso3, name), []).append(geom)
    for iso3, name, _, _, _, label, *_ in labelled:
        lat, lon, radius, width = label
        assert radius > 0 and width >= 2 * radius * 0.99
        inside = shapely.union_all(by_name[(iso3, name)]).buffer(0.02)
        assert inside.contains(Point(lon, lat)), (iso3, label)
    france = next(row for row in rows if row[0] == "FRA" and row[5][2] > 1)
    assert 44 < france[5][0] < 49 and 0 < france[5][1] < 5  # mainland France, not Clipperton


def test_neighbouring_countries_never_share_a_fill(frames) -> None:
    import shapely

    from geo.render.basemap import COLOURS, _country_rows

    _, countries = frames
    rows = _country_rows(countries, 0.0, translator("en"))
    colour = {(row[0], row[1]): row[6] for row in rows}
    assert set(colour.values()) <= set(range(COLOURS))
    of = {iso3: c for (iso3, _), c in colour.items()}
    assert len({of["AZE"], of["RUS"], of["GEO"], of["ARM"]}) == 4
    geoms = list(countries.geometry)
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="dwithin", distance=0.02)
    keys = list(zip(countries["iso3"], countries["name"], strict=True))
    clashes = [
        (keys[a], keys[b])
        for a, b in zip(left.tolist(), right.tolist(), strict=True)
        if keys[a] < keys[b] and keys[a] in colour and colour[keys[a]] == colour.get(keys[b])
    ]
    assert clashes == []
    assert _country_rows(countries, 0.0, translator("fr"))[0][6] == rows[0][6]  # every page alike


def test_countries_near_a_place_get_a_label_point_inside_near_it(frames) -> None:
    from geo.render.basemap import ANCHOR_KM, _country_rows

    _, countries = frames
    lon, lat = np.array([48.4303]), np.array([41.6367])  # the Samur crossing
    rows = _country_rows(countries, 0.0, translator("en"), lon, lat)
    by_iso3 = {row[0]: row for row in rows}
    shapes = dict(zip(countries["iso3"], countries.geometry, strict=False))
    for code in ("AZE", "RUS"):
        near = [a for a in by_iso3[code][7] if abs(a[0] - 41.64) < 1.0 and abs(a[1] - 48.43) < 1.3]
        assert len(near) >= 2, by_iso3[code][7]  # one per distance of ANCHOR_KM
        for a_lat, a_lon, radius, width in near:
            assert shapes[code].buffer(0.01).contains(Point(a_lon, a_lat))
            km = math.dist(
                (a_lat, a_lon * math.cos(math.radians(41.6))), (41.6367, 48.4303 * 0.747)
            )
            assert km * 111.2 < max(ANCHOR_KM) and 0 < radius <= width
    assert all(abs(a[0] - 41.6) > 2 or abs(a[1] - 48.4) > 2 for a in by_iso3["GBR"][7])


def test_labels_follow_a_world_centred_across_the_antimeridian() -> None:
    from geo.render.basemap import _country_rows

    fiji = gpd.GeoDataFrame(
        {"iso3": ["FJI"], "name": ["Fiji"], "region": ["AP"], "member": [True]},
        geometry=[box(177.0, -19.0, 179.5, -16.0)],
        crs="EPSG:4326",
    )
    (row,) = _country_rows(fiji, 180.0, translator("en"))
    assert 177.0 < row[5][1] < 179.5  # inside the polygon, in the page's longitudes
    (row,) = _country_rows(
        fiji.set_geometry([box(-179.9, -19.0, -178.0, -16.0)]), 180.0, translator("en")
    )
    assert 180.1 < row[5][1] < 182.0  # moved by 360 degrees with its polygon


# ------------------------------------------------------------------ query maps


def test_a_within_query_draws_its_point_and_geodesic_circle() -> None:
    from pyproj import Geod

    from geo.render import QueryMark

    rows = [{"id": "a", "name": "A", "geometry": Point(49.0, 40.0)}]
    mark = QueryMark(lon=49.87, lat=40.41, radius_km=300)
    data = payload(to_html(render_map(places_frame(rows), tiny_countries(), title="t", query=mark)))
    query = data["query"]
    assert query["at"] == [40.41, 49.87] and query["km"] == 300 and query["lines"] == []
    assert query["where"] == "Query point: 40.41000° N, 49.87000° E"
    ring = decode_pairs(query["circle"], 1e5)
    assert len(ring) == 180
    _, _, metres = Geod(ellps="WGS84").inv(
        [49.87] * len(ring), [40.41] * len(ring), [p[1] for p in ring], [p[0] for p in ring]
    )
    assert max(abs(m / 1000 - 300) for m in metres) < 0.01
    south, west = data["bounds"][0]
    north, east = data["bounds"][1]
    assert south <= min(p[0] for p in ring) + 1e-5 and north >= max(p[0] for p in ring) - 1e-5
    assert west <= min(p[1] for p in ring) + 1e-5 and east >= max(p[1] for p in ring) - 1e-5


def test_a_nearest_query_draws_a_line_to_each_answer_with_its_distance() -> None:
    from pyproj import Geod

    from geo.render import QueryMark

    rows = [
        {"id": "far", "name": "Far", "geometry": Point(-171.76, -13.83)},  # Apia, across 180
        {"id": "near", "name": "Near", "geometry": Point(179.0, -17.0)},
    ]
    mark = QueryMark(lon=178.44, lat=-18.14, lines=True)
    data = payload(to_html(render_map(places_frame(rows), tiny_countries(), title="t", query=mark)))
    lines = data["query"]["lines"]
    assert [line[0] for line in lines] == ["near", "far"]  # nearest first
    _, _, metres = Geod(ellps="WGS84").inv(178.44, -18.14, -171.76, -13.83)
    assert lines[1][3] == pytest.approx(metres / 1000, abs=0.001)
    path = decode_pairs(lines[1][2], 1e5)
    assert path[0] == pytest.approx([-18.14, 178.44]) and path[-1][1] == pytest.approx(188.24)
    steps = [abs(b[1] - a[1]) for a, b in itertools.pairwise(path)]
    assert max(steps) < 1.0  # continuous across the antimeridian


def decode_pairs(text: str, scale: float) -> list[list[float]]:
    values = decode_ints(text)
    lat = lon = 0
    out = []
    for i in range(0, len(values), 2):
        lat += values[i]
        lon += values[i + 1]
        out.append([lat / scale, lon / scale])
    return out


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"lon": 200.0, "lat": 0.0}, r"lon=200.0 \(expected -180 <= lon <= 180\)"),
        ({"lon": 0.0, "lat": float("nan")}, r"lat=nan"),
        (
            {"lon": 0.0, "lat": 0.0, "radius_km": -1.0},
            r"radius_km=-1.0 \(expected a number from 0 to 20037\.5, or None\)",
        ),
        (  # past half the Earth's circumference: no circle to draw, no number to write
            {"lon": 0.0, "lat": 0.0, "radius_km": 1e300},
            r"radius_km=1e\+300 \(expected a number from 0 to 20037\.5, or None\)",
        ),
    ],
)
def test_a_bad_query_mark_is_refused(kwargs: dict, message: str) -> None:
    from geo.render import QueryMark

    with pytest.raises(UsageError, match=message):
        QueryMark(**kwargs)


def test_a_query_must_be_a_query_mark() -> None:
    rows = [{"id": "a", "name": "A", "geometry": Point(1, 1)}]
    with pytest.raises(UsageError, match=r"`query` must be a geo.render.QueryMark or None"):
        render_map(places_frame(rows), tiny_countries(), title="t", query=(1, 2))  # type: ignore[arg-type]


def test_the_same_query_map_gives_the_same_bytes() -> None:
    from geo.render import QueryMark

    rows = [{"id": "a", "name": "A", "geometry": Point(1, 1)}]
    mark = QueryMark(lon=1.5, lat=1.5, radius_km=120.5, lines=True)
    pages = {
        to_html(render_map(places_frame(rows), tiny_countries(), title="t", query=mark))
        for _ in "ab"
    }
    assert len(pages) == 1


# ------------------------------------------------------------------ languages


def test_a_french_map_speaks_french_and_names_countries_from_cldr(frames) -> None:
    places, countries = frames
    page = to_html(
        render_map(places, countries, title="t", lang="fr", alternates=[("en", "../index.html")])
    )
    assert page.startswith('<!DOCTYPE html>\n<html lang="fr">')
    assert '<nav class="atlas-langs" aria-label="Langues">' in page
    assert '<a href="../index.html" hreflang="en" lang="en">English</a>' in page
    assert ">Liste des lieux</button>" in page
    data = payload(page)
    assert data["lang"] == "fr" and data["locale"] == "fr"
    assert data["words"]["legend.title"] == "Légende et filtres"
    names = {row[0]: row[1] for row in data["countries"]}
    assert names["CIV"] == "Côte d\u2019Ivoire" and names["DEU"] == "Allemagne"
    assert names["KOR"] == "Corée du Sud"  # CLDR's, not the membership table's "Korea, Republic of"
    baku = rows_of(data, "rocb-europe")
    assert baku["Pays"] == "Azerbaïdjan (AZE)" and baku["Région de l\u2019OMD"] == "Europe (EUR)"
    assert baku["Coordonnées"] == "40,37770° N, 49,89200° E"
    assert place_of(data, "rocb-europe")["country"] == "Azerbaïdjan"
    assert "Azerbaijan" in place_of(data, "rocb-europe")["terms"]  # found by the data's name
    english = payload(to_html(render_map(places, countries, title="t")))
    assert {row[0]: row[1] for row in english["countries"]}["KOR"] == "Korea, Republic of"


def test_a_name_in_the_maps_language_is_its_name_there() -> None:
    rows = [
        {
            "id": "a",
            "name": "Training Centre",
            "name_fr": "Centre de formation",
            "geometry": Point(1, 1),
        },
        {"id": "b", "name": "Crossing", "name:fr": "Passage", "geometry": Point(2, 2)},
        {"id": "c", "name": "Office", "name_fr": "  ", "geometry": Point(3, 3)},
    ]
    for compact in (False, True):
        french = to_html(
            render_map(places_frame(rows), tiny_countries(), title="t", lang="fr", compact=compact)
        )
        english = to_html(
            render_map(places_frame(rows), tiny_countries(), title="t", compact=compact)
        )
        if not compact:
            data = payload(french)
            assert [p["name"] for p in data["places"]] == [
                "Centre de formation",
                "Passage",
                "Office",
            ]
            assert "Training Centre" in place_of(data, "a")["terms"]
            assert all(
                not label.startswith("Name") for p in data["places"] for label, _ in p["rows"]
            )
            assert [p["name"] for p in payload(english)["places"]] == [
                "Training Centre",
                "Crossing",
                "Office",
            ]
        else:
            assert "Centre de formation" in payload(french)["table"]["name"]["rest"] + payload(
                french
            )["table"]["name"].get("dict", [])


def test_an_unknown_language_is_refused() -> None:
    with pytest.raises(UsageError, match=r"Got lang='de'; `lang` must be one of \['en', 'fr'\]"):
        render_map(places_frame([]), tiny_countries(), title="t", lang="de")
    with pytest.raises(UsageError, match=r"Got lang='xx'"):
        render_map(places_frame([]), tiny_countries(), title="t", alternates=[("xx", "x.html")])
    with pytest.raises(UsageError, match=r"href='javascript:x'"):
        render_map(
            places_frame([]), tiny_countries(), title="t", alternates=[("fr", "javascript:x")]
        )


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_hostile_data_stays_escaped_in_every_language(lang: str) -> None:
    places, countries = hostile_frames()
    page = to_html(
        render_map(
            places,
            countries,
            title=HOSTILE[1],
            links=[(HOSTILE[0], "a.html")],
            lang=lang,
            alternates=[("fr" if lang == "en" else "en", "x.html")],
        )
    )
    outside, blob = split_page(page)
    for text in HOSTILE + HOSTILE_SOURCES:
        if re.search(r"[<>&\"'`]|\$\{", text):
            assert text not in outside, text
    for char in "<>&\u2028\u2029":
        assert char not in blob


def test_a_french_map_finds_places_by_the_cldr_names_of_their_cities() -> None:
    rows = [
        {
            "id": "hq",
            "name": "Headquarters",
            "city": "Brussels (Saint-Josse-ten-Noode), Rue du Marché 30, B-1210",
            "iso3": "BEL",
            "coords_source": "GeoNames 2787387 (Saint-Josse-ten-Noode)",
            "geometry": Point(4.37, 50.85),
        },
        {
            "id": "baku",
            "name": "ROCB Europe",
            "city": "Baku",
            "iso3": "AZE",
            "geometry": Point(49.89, 40.38),
        },
        {  # the city's name in the text is not CLDR's: the GeoNames citation is
            "id": "moscow",
            "name": "RTC Russia",
            "city": "Russian Customs Academy campus",
            "iso3": "RUS",
            "coords_source": "GeoNames 524901 (Moscow)",
            "geometry": Point(37.6, 55.75),
        },
        {  # a Vienna outside Austria is not Vienne; a city CLDR does not know gets no name
            "id": "elsewhere",
            "name": "Elsewhere",
            "city": "Vienna",
            "iso3": "USA",
            "geometry": Point(-77.2, 38.9),
        },
    ]
    french = payload(
        to_html(render_map(places_frame(rows), tiny_countries(), title="t", lang="fr"))
    )
    terms = {p["id"]: p["terms"].split(" ") for p in french["places"]}
    assert "Bruxelles" in terms["hq"] and "Brussels" in " ".join(terms["hq"])
    assert "Bakou" in terms["baku"] and "Baku" in terms["baku"]
    assert "Moscou" in terms["moscow"]
    assert "Vienne" not in terms["elsewhere"]
    english = payload(to_html(render_map(places_frame(rows), tiny_countries(), title="t")))
    assert not any("Bakou" in p["terms"] for p in english["places"])


def test_french_popups_write_periods_as_french_does() -> None:
    rows = [
        {
            "id": "office",
            "name": "Office",
            "opened": "2001-06/2012-10-09",
            "closed": "../2019-08-01",
            "seats": [
                {"city": "A", "lon": 1.0, "lat": 1.0, "from": "2007-11-09", "to": "2017-03-03"},
                {"city": "B", "lon": 2.0, "lat": 2.0, "from": "2017-03-03", "to": "2019"},
                {"city": "C", "lon": 3.0, "lat": 3.0, "from": "2019-06-01"},
                {"city": "D", "lon": 3.0, "lat": 3.0, "to": "2004-02-01", "status": "planned"},
            ],
            "geometry": Point(2, 2),
        }
    ]
    french = rows_of(
        payload(to_html(render_map(places_frame(rows), tiny_countries(), title="t", lang="fr"))),
        "office",
    )
    assert french["Sièges"] == [
        ["du 9 novembre 2007 au 3 mars 2017", "A", None],
        ["du 3 mars 2017 à 2019", "B", None],
        ["depuis le 1er juin 2019", "C", None],
        ["jusqu\u2019au 1er février 2004", "D, prévu", None],
    ]
    assert "entre juin 2001 et le 9 octobre 2012" in french.values()
    assert "le 1er août 2019 au plus tard" in french.values()
    english = rows_of(
        payload(to_html(render_map(places_frame(rows), tiny_countries(), title="t"))), "office"
    )
    assert english["Seats"][0] == ["9 November 2007 to 3 March 2017", "A", None]
    assert english["Seats"][2] == ["from 1 June 2019", "C", None]
    assert "between June 2001 and 9 October 2012" in english.values()
    assert "by 1 August 2019" in english.values()


@st.composite
def _data_date(draw: st.DrawFn) -> str:
    """A date of the data: a year, a month or a day."""
    day = draw(st.dates(min_value=dt.date(1000, 1, 1), max_value=dt.date(9999, 12, 31)))
    return day.isoformat()[: draw(st.sampled_from([4, 7, 10]))]


@settings(max_examples=200, deadline=None)
@given(start=st.none() | _data_date(), end=st.none() | _data_date())
def test_a_seats_period_reads_as_each_language_writes_it(
    start: str | None, end: str | None
) -> None:
    from geo.render.text import _seat_item, _when_text

    seat = {"city": "X", "from": start, "to": end}
    en, fr = translator("en"), translator("fr")
    english, french = _seat_item(en, seat)[0], _seat_item(fr, seat)[0]
    e, f = (lambda d: en.date(d)), (lambda d: fr.date(d))
    day = {d: d is not None and len(d) == 10 for d in (start, end)}
    if start and end:
        assert english == f"{e(start)} to {e(end)}"
        assert (
            french
            == f"{'du' if day[start] else 'de'} {f(start)} {'au' if day[end] else 'à'} {f(end)}"
        )
    elif start:
        assert english == f"from {e(start)}"
        assert french == f"depuis {'le ' if day[start] else ''}{f(start)}"
    elif end:
        assert english == f"until {e(end)}"
        assert french == f"jusqu\u2019{'au' if day[end] else 'en'} {f(end)}"
    else:
        assert (english, french) == ("dates not known", "dates inconnues")
    # a bound known only as a range (EDTF): open at one end or closed
    if start and end and start <= end:
        assert _when_text(en, f"{start}/{end}") == f"between {e(start)} and {e(end)}"
        le = {d: "le " if day[d] else "" for d in (start, end)}
        assert (
            _when_text(fr, f"{start}/{end}") == f"entre {le[start]}{f(start)} et {le[end]}{f(end)}"
        )
        assert _when_text(fr, f"../{end}") == f"{le[end]}{f(end)} au plus tard"
        assert _when_text(fr, f"{start}/..") == f"{le[start]}{f(start)} ou plus tard"
        assert _when_text(en, f"../{end}") == f"by {e(end)}"
        assert _when_text(en, f"{start}/..") == f"{e(start)} or later"


@given(
    st.lists(
        st.sampled_from(["<script>", "</script>", "<style>", "</style>", "<", ">", "/", "a", "\n"]),
        max_size=30,
    )
)
def test_inline_blocks_are_what_the_regular_expression_finds(tokens: list[str]) -> None:
    """The page's policy hashes the blocks the lazy expression would find, read faster."""
    from geo.render.page import _inline_blocks

    page = "".join(tokens)
    expected = re.findall(r"<(script|style)>(.*?)</\1>", page, re.DOTALL)
    assert _inline_blocks(page) == expected


def test_only_rows_of_plain_values_key_the_kept_place_lines() -> None:
    """A row's ``repr`` keys its kept popup: exact for Python values, not for arrays
    (NumPy abbreviates them) or other objects."""
    import numpy as np

    from geo.render.payload import _plain

    assert _plain({"id": "a", "n": 1, "x": 1.5, "ok": True, "none": None, "l": [{"d": "x"}]})
    assert not _plain({"id": "a", "a": np.arange(2000)})
    assert not _plain({"id": "a", "nested": [{"when": dt.date(2020, 1, 1)}]})
    assert not _plain({1: "a key that is not text"})


def test_records_are_those_of_pandas() -> None:
    """The page's rows, read without pandas' per-value boxing: the same values and types."""
    import numpy as np
    import pandas as pd

    from geo.render.payload import _records

    atlas = geo.load()
    frame = pd.DataFrame(atlas.places.drop(columns=atlas.places.geometry.name))
    others = [
        frame,
        pd.DataFrame({"a": [1, 2], "b": ["x", None]}),  # int64: pandas reads it
        pd.DataFrame({"a": [np.int64(1), "x"], "b": [1.5, float("nan")]}),  # a NumPy value
        pd.DataFrame({"a": [True, False], "b": [None, {"k": [1]}]}),
        pd.DataFrame(columns=["a"]),
    ]
    for case in others:
        want = case.to_dict("records")
        got = _records(case)
        assert repr(got) == repr(want)
        assert [[type(v) for v in r.values()] for r in got] == [
            [type(v) for v in r.values()] for r in want
        ]
