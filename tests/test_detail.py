"""The detail windows (geo.render.detail): which places, merged boxes, the fine land, the seams."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import Point, box

from geo import cache
from geo.countries import load_country_index
from geo.errors import UsageError
from geo.i18n import translator
from geo.render import DetailSource, render_map, to_html
from geo.render.detail import (
    DETAIL_GRID_DEG,
    DETAIL_HALF_KM,
    DETAIL_MIN_ZOOM,
    cut,
    detail_json,
    encode,
    page_detail,
    window_of,
)

SAMUR = (48.4303, 41.6367)  # lon, lat: the border post, on the Azerbaijani side
CASPIAN = (48.9, 41.7)  # lon, lat: at sea, 40 km east of it, inside its window


@pytest.fixture(scope="module")
def fine(project_data: Path) -> gpd.GeoDataFrame:
    """The project's fine country layer (as the spatial join reads it)."""
    return load_country_index(project_data / "countries.fgb.xz").frame


@pytest.fixture
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cache folder of the test's own, and nothing remembered in this process."""
    monkeypatch.setenv("GEO_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setitem(cache._REMEMBERED, "detail", cache.OrderedDict())
    return tmp_path / "cache"


def decode(text: str, scale: float) -> list[tuple[float, float]]:
    """A polyline text as ``(lon, lat)`` points (the algorithm, written again as an oracle)."""
    values, shift, result = [], 0, 0
    for ch in text:
        b = ord(ch) - 63
        result |= (b & 0x1F) << shift
        shift += 5
        if b < 0x20:
            values.append(~(result >> 1) if result & 1 else result >> 1)
            shift = result = 0
    lat_lon = np.cumsum(np.array(values).reshape(-1, 2), axis=0) / scale
    return [(float(lon), float(lat)) for lat, lon in lat_lon]


def polygons(parts: list[list[Any]], scale: float) -> shapely.Geometry:
    """The land of one country of a page's ``detail`` as a MultiPolygon."""
    return shapely.MultiPolygon(
        [
            shapely.Polygon(decode(rings[0][0], scale), [decode(r[0], scale) for r in rings[1:]])
            for rings in parts
        ]
    )


def segments(detail: Any, window: shapely.Geometry) -> Iterator[tuple[str, bool, bool, Any]]:
    """Each segment of the land's rings: ``(iso3, marked, along the window's edge, (a, b))``."""
    edge = window.boundary
    scale = round(1 / DETAIL_GRID_DEG)
    for country in detail.land:
        for rings in country.parts:
            for text, *cuts in rings:
                points = decode(text, scale)
                for i, a in enumerate(points):
                    b = points[(i + 1) % len(points)]
                    middle = Point((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)
                    along = edge.distance(middle) < 1e-6 and edge.distance(Point(a)) < 1e-6
                    yield country.iso3, i in cuts, along, (a, b)


def rows_of(frame: gpd.GeoDataFrame) -> list[list[Any]]:
    """Basemap-like rows ``[iso3, name]`` of a layer, sorted as the page's."""
    return sorted([str(i), str(n)] for i, n in zip(frame["iso3"], frame["name"], strict=True))


# -- windows ----------------------------------------------------------------------------


def test_a_window_is_a_box_of_half_km_around_each_place() -> None:
    w = window_of([SAMUR[0]], [SAMUR[1]])
    x0, y0, x1, y1 = w.bounds
    assert w.geom_type == "Polygon"
    half_lat = DETAIL_HALF_KM / 111.32
    assert y0 <= SAMUR[1] - half_lat < y0 + 0.01 and y1 - 0.01 < SAMUR[1] + half_lat <= y1
    # as many km east-west as north-south, at the place's latitude
    assert (x1 - x0) * np.cos(np.radians(SAMUR[1])) == pytest.approx(y1 - y0, abs=0.03)
    assert w.contains(Point(SAMUR))


def test_boxes_that_overlap_are_merged_and_far_ones_are_not() -> None:
    near = window_of([10.0, 10.5], [0.0, 0.2])  # 60 km apart: one window
    assert near.geom_type == "Polygon"
    far = window_of([10.0, 20.0], [0.0, 0.0])
    assert far.geom_type == "MultiPolygon" and len(far.geoms) == 2
    assert window_of([], []).is_empty
    assert window_of([np.nan, 10.0], [0.0, np.inf]).is_empty


# -- the land in the windows -----------------------------------------------------------


def test_samur_is_inside_azerbaijan_and_the_caspian_is_sea(fine: gpd.GeoDataFrame) -> None:
    window = window_of([SAMUR[0]], [SAMUR[1]])
    keys, shapes = cut(fine, window)
    detail = detail_json(encode(window, keys, shapes), rows_of(fine), translator("en"))
    scale = detail["scale"]
    rows = rows_of(fine)
    land = {rows[k][0]: polygons(parts, scale) for k, parts in detail["land"]}
    assert set(land) == {"AZE", "RUS"}
    assert land["AZE"].contains(Point(SAMUR))
    assert not land["RUS"].contains(Point(SAMUR))
    sea = shapely.MultiPolygon([shapely.Polygon(decode(w[0], scale)) for w in detail["sea"]])
    assert sea.contains(Point(CASPIAN))
    assert not any(g.intersects(Point(CASPIAN)) for g in land.values())
    # the coarse layer (0.1 degree) has the coast about 10 km off; the fine one within 1 km
    coast = fine.set_index("iso3").geometry["AZE"].boundary
    assert (
        land["AZE"].boundary.hausdorff_distance(
            land["AZE"].boundary.intersection(coast.buffer(0.01))
        )
        < 0.3
    )
    assert detail["minZoom"] == DETAIL_MIN_ZOOM and scale == round(1 / DETAIL_GRID_DEG)


def test_the_land_is_simplified_to_about_a_pixel_at_zoom_12(
    frames: tuple[gpd.GeoDataFrame, gpd.GeoDataFrame], fine: gpd.GeoDataFrame
) -> None:
    """The vertex budget: the shipped places' windows stay a few hundred bytes each."""
    places = frames[0]
    lon, lat = places.geometry.x.to_numpy(), places.geometry.y.to_numpy()
    window = window_of(lon, lat)
    keys, shapes = cut(fine, window)
    vertices = int(shapely.get_num_coordinates(shapes).sum())
    raw = int(shapely.get_num_coordinates(shapely.intersection(fine.geometry.values, window)).sum())
    assert 0 < vertices <= raw  # simplified, never more
    text = json.dumps(detail_json(encode(window, keys, shapes), rows_of(fine), translator("en")))
    assert len(text) / len(places) < 1500  # bytes per place (the aim: at most ~5 KB)
    # every point within a pixel and a half at zoom 12 of the layer's own outline
    px12 = 360.0 / (256 * 2**12)
    by_key = {
        (str(i), str(n)): g for i, n, g in zip(fine.iso3, fine.name, fine.geometry, strict=True)
    }
    for key, shape in zip(keys, shapes, strict=True):
        outline = shapely.union(by_key[key].boundary, window.boundary)
        points = shapely.points(shapely.get_coordinates(shape))
        assert shapely.distance(points, outline).max() < 1.5 * px12, key


def test_segments_along_the_window_edge_are_marked_and_no_others(
    fine: gpd.GeoDataFrame,
) -> None:
    """The page strokes every segment but these: no box edge is drawn, every coast is."""
    window = window_of([SAMUR[0], 4.3728], [SAMUR[1], 50.8538])  # Samur and Brussels
    keys, shapes = cut(fine, window)
    marked = unmarked = 0
    for iso3, cut_here, along, ends in segments(encode(window, keys, shapes), window):
        assert cut_here == along, (iso3, ends)
        marked += cut_here
        unmarked += not cut_here
    assert marked >= 4 and unmarked > 50


def test_a_window_across_the_antimeridian_finds_the_land_on_both_sides() -> None:
    layer = gpd.GeoDataFrame(
        {"iso3": ["FJI", "XXX"], "name": ["Fiji", "East"]},
        geometry=[box(179.5, -17.0, 180.0, -16.0), box(-180.0, -17.0, -179.5, -16.0)],
        crs=4326,
    )
    window = window_of([179.9], [-16.5])  # a page centred on the Pacific: 180.3 is -179.7
    keys, shapes = cut(layer, window)
    assert [k[0] for k in keys] == ["FJI", "XXX"]
    assert shapes[1].bounds[0] == pytest.approx(180.0) and shapes[1].bounds[2] > 180.0


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    places=st.lists(
        st.tuples(
            st.floats(-200, 200) | st.sampled_from([np.nan, np.inf]),
            st.floats(-95, 95) | st.sampled_from([np.nan, -np.inf]),
        ),
        max_size=6,
    ),
    half_km=st.floats(-10, 400),
    boxes=st.lists(
        st.tuples(
            st.floats(-180, 179), st.floats(-89, 88), st.floats(0.001, 5), st.floats(0.001, 5)
        ),
        max_size=4,
    ),
)
def test_any_places_and_layer_give_valid_land_and_never_raise(
    places: list[tuple[float, float]], half_km: float, boxes: list[tuple[float, ...]]
) -> None:
    layer = gpd.GeoDataFrame(
        {"iso3": [f"C{i}" for i in range(len(boxes))], "name": ["x"] * len(boxes)},
        geometry=[box(x, y, min(x + w, 180), min(y + h, 90)) for x, y, w, h in boxes],
        crs=4326,
    )
    window = window_of([p[0] for p in places], [p[1] for p in places], half_km=half_km)
    assert window.is_valid
    keys, shapes = cut(layer, window)
    assert len(keys) == len(shapes)
    assert all(s.is_valid and not s.is_empty for s in shapes)
    assert all(window.buffer(1e-6).contains(s) for s in shapes)
    detail = encode(window, keys, shapes)
    json.dumps(detail.to_json())


# -- the page ---------------------------------------------------------------------------


def page_data(html: str) -> dict[str, Any]:
    found = re.search(r'<script type="application/json"[^>]*>(.*?)</script>', html, re.S)
    assert found
    return json.loads(found.group(1))  # type: ignore[no-any-return]


def test_a_page_carries_the_windows_of_its_own_places_only(
    frames: tuple[gpd.GeoDataFrame, gpd.GeoDataFrame], fine: gpd.GeoDataFrame
) -> None:
    places, countries = frames
    samur = places[places["id"] == "samur"]
    data = page_data(to_html(render_map(samur, countries, title="t", detail=fine)))
    scale = data["detail"]["scale"]
    sea = shapely.MultiPolygon(
        [shapely.Polygon(decode(w[0], scale)) for w in data["detail"]["sea"]]
    )
    assert sea.contains(Point(SAMUR)) and len(data["detail"]["sea"]) == 1
    assert sea.area < 2.0  # one box of 120 km, no other place's
    names = {data["countries"][k][0] for k, _ in data["detail"]["land"]}
    assert names == {"AZE", "RUS"}
    assert "detail" not in page_data(to_html(render_map(samur, countries, title="t")))
    empty = render_map(places.iloc[:0], countries, title="t", detail=fine)
    assert "detail" not in page_data(to_html(empty))


def test_the_same_page_twice_from_a_cold_cache_and_a_warm_one(
    frames: tuple[gpd.GeoDataFrame, gpd.GeoDataFrame], fine: gpd.GeoDataFrame, own_cache: Path
) -> None:
    places, countries = frames
    calls = []

    def load() -> gpd.GeoDataFrame:
        calls.append(1)
        return fine

    source = DetailSource("test-layer", load)
    first = to_html(render_map(places, countries, title="t", detail=source))
    assert calls == [1] and list(own_cache.glob("detail-*.npz"))
    cache._REMEMBERED["detail"].clear()  # as a new process: only the cache on disk
    second = to_html(render_map(places, countries, title="t", detail=source))
    assert calls == [1]  # the warm page never read the fine layer
    assert second == first
    direct = to_html(render_map(places, countries, title="t", detail=fine))
    assert direct == first


def test_a_detail_layer_without_its_columns_is_refused(
    frames: tuple[gpd.GeoDataFrame, gpd.GeoDataFrame], fine: gpd.GeoDataFrame
) -> None:
    places, countries = frames
    with pytest.raises(UsageError, match=r"`detail` must have columns \['iso3', 'name'\]"):
        render_map(places, countries, title="t", detail=fine.drop(columns="iso3"))


def test_page_detail_keys_by_the_layer_digest(own_cache: Path, fine: gpd.GeoDataFrame) -> None:
    a = page_detail(DetailSource("a", lambda: fine), np.array([SAMUR[0]]), np.array([SAMUR[1]]))
    empty = gpd.GeoDataFrame({"iso3": [], "name": []}, geometry=[], crs=4326)
    b = page_detail(DetailSource("b", lambda: empty), np.array([SAMUR[0]]), np.array([SAMUR[1]]))
    assert a.land and not b.land and a.windows == b.windows


def test_an_edge_segment_is_stroked_where_the_basemap_beyond_is_another_country(
    frames: tuple[gpd.GeoDataFrame, gpd.GeoDataFrame], fine: gpd.GeoDataFrame
) -> None:
    """A border or coast the two layers draw apart stays one line across the window's edge."""
    coarse = frames[1]
    window = window_of([SAMUR[0], 4.3728], [SAMUR[1], 50.8538])  # Samur and Brussels
    keys, shapes = cut(fine, window)
    seen = {True: 0, False: 0}
    for iso3, cut_here, along, (a, b) in segments(
        encode(window, keys, shapes, coarse=coarse), window
    ):
        if not along:
            assert not cut_here
            continue
        # just outside the window, across this segment
        dx, dy = b[0] - a[0], b[1] - a[1]
        n = (-dy / np.hypot(dx, dy) * 1e-4, dx / np.hypot(dx, dy) * 1e-4)
        middle = ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)
        out = Point(middle[0] + n[0], middle[1] + n[1])
        if window.contains(out):
            out = Point(middle[0] - n[0], middle[1] - n[1])
        there = coarse[coarse.intersects(out)]["iso3"].tolist()
        assert cut_here == (iso3 in there), (iso3, there, a, b)
        seen[iso3 in there] += 1
    assert seen[True] > 4 and seen[False] > 0  # both cases happen around these two places
