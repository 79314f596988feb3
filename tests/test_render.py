"""Unit tests of geo.render and geo.assets: no browser."""

from __future__ import annotations

import base64
import difflib
import doctest
import hashlib
import html
import json
import re
import subprocess
import sys
from pathlib import Path

import folium
import folium.plugins
import geopandas as gpd
import pytest
from hostile import HOSTILE, HOSTILE_SOURCES, hostile_frames, sample_frames
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import LineString, Point, box

import geo.render
from geo.assets import load_assets
from geo.errors import GeoError, UsageError
from geo.render import RenderError, compact_bounds, render_map, to_html, write_map

DATA_OPEN = '<script type="application/json" id="atlas-data">\n'
DATA_CLOSE = "\n</script>"


@pytest.fixture(scope="module")
def frames() -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    return sample_frames()


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
    return gpd.GeoDataFrame([{**base, **r} for r in rows], geometry="geometry", crs=crs)


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
    rows = dict(samur["rows"])
    assert rows["Side A"] == "Samur (Khachmaz customs post) \u2014 Azerbaijan, AZE, Europe (EUR)"
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
    result = doctest.testmod(geo.render)
    assert result.failed == 0 and result.attempted >= 3
