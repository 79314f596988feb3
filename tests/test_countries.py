"""geo.countries: the country index and its rule (covered by / nearest within 25 km / at sea).

Hand-made squares pin the rule where the answer is known exactly; the shipped
Natural Earth polygons check that the raster fast path of large calls gives the
rule's answers, and the rule a brute-force oracle's (an azimuthal equidistant
projection centred on each point, where distance from the centre is geodesic).
"""

from __future__ import annotations

import lzma
import math
import os
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyproj
import pytest
import shapely
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from shapely.geometry import Point, box

from geo import countries

# The size from which locate_many answers from its raster: private, imported so that a
# rename fails here instead of silently testing the exact path twice.
from geo.countries import _GRID_MIN_POINTS, COAST_TOLERANCE_KM, CountryIndex, load_country_index
from geo.errors import DataError
from geo.sphere import geodesic_km, local_radii_km

#: Country pairs with a shared border, and an enclave (VAT in ITA, LSO in ZAF).
BORDER_PAIRS = [
    ("AZE", "RUS"),
    ("ZWE", "ZAF"),
    ("LSO", "ZAF"),
    ("FRA", "DEU"),
    ("COD", "ZMB"),
    ("ESH", "MRT"),
    ("ESH", "MAR"),
    ("TUR", "BGR"),
    ("VAT", "ITA"),
    ("USA", "CAN"),
]
#: Points near coasts and borders, (lon, lat), to draw nearby points from.
NEAR_EDGES = [
    (39.67, -4.05),  # Mombasa
    (178.43, -18.14),  # Suva, Fiji
    (-179.9, -16.8),  # Fiji across the antimeridian
    (-171.77, -13.83),  # Apia, Samoa
    (4.14, 51.95),  # Rotterdam
    (-56.19, -34.90),  # Montevideo
    (114.17, 22.28),  # Hong Kong
    (12.45, 41.90),  # Vatican City
    (27.48, -29.31),  # Maseru
    (-16.95, 21.37),  # Guerguerat
    (-179.9, 65.5),  # Chukotka
    (-168.95, 65.75),  # Little Diomede
    (-20.0, 83.5),  # north Greenland
    (0.0, -70.0),  # Antarctic coast
]
GRID_CELL_DEG = 0.125  # the raster's cell: its edges are where rounding could go wrong
#: How much the rule may overestimate a distance: it picks the nearest point of a boundary
#: piece in the ellipsoid's local frame (M and N cos(lat)), exact to second order.
ELLIPSOID_SLACK = 1e-4
#: Deep inside Russia: pads a call to the raster's size without work for the exact rule.
INLAND = (100.0, 62.0)


def squares(*cells: tuple[str, shapely.Geometry]) -> CountryIndex:
    """A country index of hand-made polygons ``(iso3, geometry)``, in the given row order."""
    frame = gpd.GeoDataFrame(
        {"iso3": [c for c, _ in cells], "name": [f"Land {c}" for c, _ in cells]},
        geometry=[g for _, g in cells],
        crs="EPSG:4326",
    )
    return CountryIndex(frame)


def codes_of(index: CountryIndex, rows: np.ndarray) -> list[str | None]:
    iso3 = index.frame["iso3"].to_numpy()
    return [str(iso3[r]) if r >= 0 else None for r in rows]


def locate(
    index: CountryIndex, points: list[tuple[float, float]], **kw: float
) -> tuple[list[str | None], np.ndarray]:
    lon = np.array([p[0] for p in points], dtype=float)
    lat = np.array([p[1] for p in points], dtype=float)
    found = index.locate_many(lon, lat, **kw)
    return codes_of(index, found.row), found.distance_km


@pytest.fixture(scope="module")
def world(project_data: Path) -> CountryIndex:
    return load_country_index(project_data / "countries.fgb.xz")


# -- the rule on hand-made polygons ---------------------------------------------------------------

#: BBB and AAA share the meridian 1; AAA is listed second, but sorts first.
SIDE_BY_SIDE = (("BBB", box(0, 0, 1, 1)), ("AAA", box(1, 0, 2, 1)))


@pytest.mark.parametrize("cells", [SIDE_BY_SIDE, SIDE_BY_SIDE[::-1]], ids=["b-first", "a-first"])
@pytest.mark.parametrize(
    ("lon", "lat", "expected"),
    [
        (0.5, 0.5, "BBB"),
        (1.5, 0.5, "AAA"),
        (1.0, 0.5, "AAA"),  # on the shared edge: covered by both, AAA sorts first
        (1.0, 1.0, "AAA"),  # on a shared corner
        (1.0, 0.0, "AAA"),
        (0.0, 0.0, "BBB"),  # on the outer boundary of one: covered
    ],
)
def test_covered_by_and_the_alphabetical_tie(
    cells: tuple[tuple[str, shapely.Geometry], ...], lon: float, lat: float, expected: str
) -> None:
    codes, km = locate(squares(*cells), [(lon, lat)])
    assert codes == [expected] and km[0] == 0.0


def test_overlapping_polygons_go_to_the_first_code() -> None:
    index = squares(("ZZZ", box(0, 0, 2, 2)), ("MMM", box(1, 1, 3, 3)), ("QQQ", box(0, 0, 3, 3)))
    codes, _ = locate(index, [(1.5, 1.5), (0.5, 0.5), (2.5, 2.5), (2.5, 0.5)])
    assert codes == ["MMM", "QQQ", "MMM", "QQQ"]


def test_enclave_is_a_hole_filled_by_another_country() -> None:
    outer = box(0, 0, 3, 3).difference(box(1, 1, 2, 2))
    index = squares(("ZAF", outer), ("LSO", box(1, 1, 2, 2)))
    codes, km = locate(index, [(1.5, 1.5), (0.5, 0.5), (1.0, 1.5), (2.0, 2.0)])
    # inside the enclave; around it; on its border (both cover it: LSO sorts first)
    assert codes == ["LSO", "ZAF", "LSO", "LSO"]
    assert list(km) == [0.0, 0.0, 0.0, 0.0]


def test_a_hole_with_no_country_is_not_land() -> None:
    index = squares(("ZAF", box(0, 0, 3, 3).difference(box(1, 1, 2, 2))))
    codes, km = locate(index, [(1.5, 1.5)], tolerance_km=0.0)
    assert codes == [None] and math.isnan(km[0])
    codes, km = locate(index, [(1.5, 1.5)])  # 55 km from the hole's edge
    assert codes == [None]
    codes, km = locate(index, [(1.5, 1.5)], tolerance_km=60.0)
    shore_km = float(geodesic_km(1.5, 1.5, 1.5, 1.0))  # the nearest edges are south and north
    assert codes == ["ZAF"] and shore_km <= km[0] <= shore_km * (1 + ELLIPSOID_SLACK)


@pytest.mark.parametrize("offset_deg", [0.01, 0.1, 0.2])
def test_nearest_within_the_tolerance(offset_deg: float) -> None:
    lon = 2.0 + offset_deg  # east of AAA's edge, on the parallel 0.5
    expected_km = float(geodesic_km(2.0, 0.5, lon, 0.5))
    assert expected_km < COAST_TOLERANCE_KM
    codes, km = locate(squares(*SIDE_BY_SIDE), [(lon, 0.5)])
    assert codes == ["AAA"]
    assert km[0] == pytest.approx(expected_km, rel=1e-6)


def test_at_sea_beyond_the_tolerance() -> None:
    lon = 2.0 + 0.23  # 25.6 km east of AAA
    assert float(geodesic_km(2.0, 0.5, lon, 0.5)) > COAST_TOLERANCE_KM
    codes, km = locate(squares(*SIDE_BY_SIDE), [(lon, 0.5)])
    assert codes == [None] and math.isnan(km[0])


@pytest.mark.parametrize(
    ("tolerance_km", "expected"), [(0.0, None), (11.0, None), (11.2, "AAA"), (1000.0, "AAA")]
)
def test_tolerance_is_a_parameter(tolerance_km: float, expected: str | None) -> None:
    codes, _ = locate(squares(*SIDE_BY_SIDE), [(2.1, 0.5)], tolerance_km=tolerance_km)  # 11.13 km
    assert codes == [expected]


def test_equally_near_goes_to_the_first_code() -> None:
    # mirror images across the equator: the point on it is equally near both
    north, south = box(0, 0.1, 1, 1), box(0, -1, 1, -0.1)
    for cells in ((("ZZZ", north), ("YYY", south)), (("YYY", south), ("ZZZ", north))):
        codes, km = locate(squares(*cells), [(0.5, 0.0)])
        assert codes == ["YYY"] and km[0] == pytest.approx(11.06, abs=0.01)


@pytest.mark.parametrize(
    ("land", "lon", "expected_km"),
    [
        (box(179.5, -1, 180, 1), -179.9, 11.1319),  # land west of the date line, point east
        (box(-180, -1, -179.5, 1), 179.9, 11.1319),  # and the other way round
        (box(179.5, -1, 180, 1), -179.8, 22.2639),
    ],
)
def test_nearest_across_the_antimeridian(
    land: shapely.Geometry, lon: float, expected_km: float
) -> None:
    index = squares(("FJI", land))
    codes, km = locate(index, [(lon, 0.0)])
    assert codes == ["FJI"] and km[0] == pytest.approx(expected_km, abs=1e-3)
    assert index.distance_km(lon, 0.0, "FJI") == pytest.approx(expected_km, abs=1e-3)


def test_parts_of_a_multipolygon_far_apart() -> None:
    france = shapely.MultiPolygon([box(0, 45, 1, 46), box(-53, 4, -52, 5)])  # and Guiana
    index = squares(("FRA", france), ("BRA", box(-60, -10, -52.2, 4)))
    codes, km = locate(index, [(-52.5, 4.5), (0.5, 45.5), (-52.1, 3.95), (-52.5, 3.9)])
    assert codes == ["FRA", "FRA", "FRA", "BRA"]
    assert km[2] == pytest.approx(float(geodesic_km(-52.1, 4.0, -52.1, 3.95)), rel=1e-3)


def test_nearest_is_the_geodesically_nearest_shore() -> None:
    bay = box(0, 0, 2, 2).difference(box(0.775, 0.775, 1.225, 2.1))  # open to the north
    south_km, east_km = (float(geodesic_km(1.0, 1.0, *p)) for p in [(1.0, 0.775), (1.225, 1.0)])
    assert south_km < COAST_TOLERANCE_KM < east_km
    index = squares(("AAA", bay))
    assert index.distance_km(1.0, 1.0, "AAA") == pytest.approx(south_km, abs=0.01)
    codes, km = locate(index, [(1.0, 1.0)])
    assert codes == ["AAA"] and km[0] == pytest.approx(south_km, abs=0.01)


def test_empty_call() -> None:
    found = squares(*SIDE_BY_SIDE).locate_many(np.zeros(0), np.zeros(0))
    assert found.row.shape == (0,) and found.distance_km.shape == (0,)


def test_codes_and_frame() -> None:
    index = squares(("FRA", box(0, 0, 1, 1)), ("FRA", box(5, 5, 6, 6)), ("BEL", box(1, 1, 2, 2)))
    assert index.codes == frozenset({"FRA", "BEL"})
    assert list(index.frame["iso3"]) == ["FRA", "FRA", "BEL"]
    codes, _ = locate(index, [(5.5, 5.5)])
    assert codes == ["FRA"]


def test_distance_km_to_a_country() -> None:
    index = squares(*SIDE_BY_SIDE)
    assert index.distance_km(1.5, 0.5, "AAA") == 0.0
    assert index.distance_km(1.0, 0.5, "BBB") == 0.0  # on its boundary
    assert index.distance_km(2.1, 0.5, "AAA") == pytest.approx(11.1315, abs=1e-3)
    assert index.distance_km(2.1, 0.5, "BBB") == pytest.approx(122.45, abs=0.01)
    assert index.distance_km(1.5, 0.5, "XXX") == math.inf


# -- loading ------------------------------------------------------------------------------------


def test_shipped_index(world: CountryIndex) -> None:
    assert world.frame.crs.to_epsg() == 4326
    assert {"iso3", "name", "geometry"} <= set(world.frame.columns)
    assert all(len(c) == 3 and c.isalpha() and c.isupper() for c in world.codes)
    # Natural Earth's -99 codes are mapped (README, "How a point gets its country")
    assert {"FRA", "NOR", "XKX"} <= world.codes


def test_cached_while_the_file_is_unchanged(tmp_path: Path, project_data: Path) -> None:
    path = tmp_path / "countries.fgb.xz"
    path.write_bytes((project_data / "countries.fgb.xz").read_bytes())
    first = load_country_index(path)
    assert load_country_index(path) is first
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert load_country_index(path) is not first


def write_layer(path: Path, frame: gpd.GeoDataFrame) -> Path:
    """Write ``frame`` as FlatGeobuf at ``path``, xz-compressed if the name ends in ``.xz``."""
    if path.suffix != ".xz":
        frame.to_file(path)
        return path
    plain = path.with_suffix("")
    frame.to_file(plain, driver="FlatGeobuf")
    path.write_bytes(lzma.compress(plain.read_bytes()))
    plain.unlink()
    return path


@pytest.mark.parametrize("name", ["countries.fgb.xz", "countries.fgb", "countries.geojson"])
def test_reads_compressed_or_plain_files(tmp_path: Path, name: str) -> None:
    frame = gpd.GeoDataFrame(
        {"iso3": ["AAA"], "name": ["Land A"]}, geometry=[box(0, 0, 1, 1)], crs="EPSG:4326"
    )
    index = load_country_index(write_layer(tmp_path / name, frame))
    codes, _ = locate(index, [(0.5, 0.5)])
    assert codes == ["AAA"]


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(
        DataError,
        match=r"^1 problem in the data:\n  countries\.fgb\.xz: field '\(file\)': "
        r"got '.*countries\.fgb\.xz'; expected an existing file$",
    ):
        load_country_index(tmp_path / "countries.fgb.xz")


@pytest.mark.parametrize("content", [b"not xz at all", lzma.compress(b"not a layer")])
def test_unreadable_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "countries.fgb.xz"
    path.write_bytes(content)
    with pytest.raises(
        DataError,
        match=r"^1 problem in the data:\n  countries\.fgb\.xz: field '\(file\)': got .+; "
        r"expected a readable country polygon file$",
    ):
        load_country_index(path)


def test_missing_columns(tmp_path: Path) -> None:
    frame = gpd.GeoDataFrame(
        {"ISO_A3": ["AAA"], "name": ["Land A"]}, geometry=[box(0, 0, 1, 1)], crs="EPSG:4326"
    )
    path = write_layer(tmp_path / "countries.fgb.xz", frame)
    with pytest.raises(
        DataError,
        match=r"countries\.fgb\.xz: field '\(columns\)': got \['ISO_A3', 'name', 'geometry'\]; "
        r"expected columns 'iso3' and 'name'$",
    ):
        load_country_index(path)


# -- shipped polygons: shared borders against a brute-force covered-by -----------------------


def shared_vertices(
    world: CountryIndex, a: str, b: str, limit: int = 25
) -> list[tuple[float, float]]:
    frame = world.frame
    geom_a = frame.geometry[frame.iso3 == a].union_all()
    geom_b = frame.geometry[frame.iso3 == b].union_all()
    xy = shapely.get_coordinates(
        shapely.intersection(shapely.boundary(geom_a), shapely.boundary(geom_b))
    )
    step = max(1, len(xy) // limit)
    return [(float(x), float(y)) for x, y in xy[::step]]


@pytest.fixture(scope="module")
def border_vertices(world: CountryIndex) -> list[tuple[float, float]]:
    points = [p for a, b in BORDER_PAIRS for p in shared_vertices(world, a, b)]
    assert len(points) > 10 * len(BORDER_PAIRS)
    return points


def covering_codes(world: CountryIndex, lon: float, lat: float) -> list[str]:
    """Codes of every polygon that covers the point, testing each one (no index)."""
    covers = shapely.covers(world.frame.geometry.to_numpy(), Point(lon, lat))
    return sorted(world.frame.iso3.to_numpy()[covers])


def test_shared_border_vertices_go_to_the_first_covering_code(
    world: CountryIndex, border_vertices: list[tuple[float, float]]
) -> None:
    codes, km = locate(world, border_vertices)
    for (lon, lat), code in zip(border_vertices, codes, strict=True):
        covering = covering_codes(world, lon, lat)
        assert len(covering) >= 2, (lon, lat, covering)
        assert code == covering[0], (lon, lat, covering)
    assert set(km) == {0.0}


# -- the raster of large calls gives the rule's answers -------------------------------------------


def exact(
    index: CountryIndex, lon: np.ndarray, lat: np.ndarray, tolerance_km: float
) -> tuple[np.ndarray, np.ndarray]:
    """The rule without the raster (once in memory, calls of any size use the raster)."""
    half = _GRID_MIN_POINTS // 2
    parts = [
        index._locate_exact(lon[i : i + half], lat[i : i + half], tolerance_km)
        for i in range(0, len(lon), half)
    ]
    return np.concatenate([p.row for p in parts]), np.concatenate([p.distance_km for p in parts])


def assert_same(got_row: np.ndarray, got_km: np.ndarray, row: np.ndarray, km: np.ndarray) -> None:
    np.testing.assert_array_equal(got_row, row)
    np.testing.assert_array_equal(got_km, km)  # nan where nan, else equal to the bit


@pytest.mark.parametrize("tolerance_km", [COAST_TOLERANCE_KM, 0.0, 40.0])
def test_raster_agrees_with_the_rule_on_random_points(
    world: CountryIndex, tolerance_km: float
) -> None:
    rng = np.random.default_rng(20240607)
    n = _GRID_MIN_POINTS
    lon = rng.uniform(-180, 180, n)
    lat = np.degrees(np.arcsin(rng.uniform(-1, 1, n)))  # uniform on the sphere
    fast = world.locate_many(lon, lat, tolerance_km=tolerance_km)
    assert_same(fast.row, fast.distance_km, *exact(world, lon, lat, tolerance_km))
    # not a vacuous agreement: land, coasts and sea are all there
    assert (fast.row >= 0).mean() > 0.2 and (fast.row < 0).mean() > 0.5
    if tolerance_km:
        assert (fast.distance_km > 0).sum() > 10


cell_edges = st.builds(
    lambda i, j, di, dj: (-180 + i * GRID_CELL_DEG + di, -90 + j * GRID_CELL_DEG + dj),
    st.integers(0, 2880),
    st.integers(0, 1440),
    st.sampled_from([0.0, 1e-12, -1e-12, 1e-9, -1e-9]),
    st.sampled_from([0.0, 1e-12, -1e-12, 1e-9, -1e-9]),
).filter(lambda p: -180 <= p[0] <= 180 and -90 <= p[1] <= 90)


def near(reach_deg: float) -> st.SearchStrategy[tuple[float, float]]:
    """Points within ``reach_deg`` of one of :data:`NEAR_EDGES`, wrapped into range."""
    return st.builds(
        lambda base, dx, dy: (
            (base[0] + dx + 180) % 360 - 180,
            max(-90.0, min(90.0, base[1] + dy)),
        ),
        st.sampled_from(NEAR_EDGES),
        st.floats(-reach_deg, reach_deg),
        st.floats(-reach_deg, reach_deg),
    )


near_edges = near(0.4)
anywhere = st.tuples(st.floats(-180, 180), st.floats(-90, 90))
extremes = st.tuples(
    st.sampled_from([-180.0, 180.0, -179.99, 179.99, 0.0]),
    st.sampled_from([-90.0, 90.0, -89.99, 89.99, 0.0, -16.8]),
)
points = st.one_of(near_edges, cell_edges, anywhere, extremes)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    drawn=st.lists(points, min_size=1, max_size=8),
    around=st.sampled_from(NEAR_EDGES),
    seed=st.integers(0, 2**32 - 1),
    tolerance_km=st.sampled_from([COAST_TOLERANCE_KM, 0.0, 10.0, 40.0]),
)
def test_raster_agrees_with_the_rule_where_it_is_hard(
    world: CountryIndex,
    drawn: list[tuple[float, float]],
    around: tuple[float, float],
    seed: int,
    tolerance_km: float,
) -> None:
    """Drawn points, and a cloud of 2000 around a coast or border, padded to the raster's size."""
    rng = np.random.default_rng(seed)
    cloud_lon = (around[0] + rng.uniform(-1, 1, 2000) + 180) % 360 - 180
    cloud_lat = np.clip(around[1] + rng.uniform(-1, 1, 2000), -90, 90)
    lon = np.r_[[p[0] for p in drawn], cloud_lon]
    lat = np.r_[[p[1] for p in drawn], cloud_lat]
    pad = _GRID_MIN_POINTS - len(lon)
    fast = world.locate_many(
        np.r_[lon, np.full(pad, INLAND[0])],
        np.r_[lat, np.full(pad, INLAND[1])],
        tolerance_km=tolerance_km,
    )
    rule = world._locate_exact(lon, lat, tolerance_km)
    assert_same(fast.row[: len(lon)], fast.distance_km[: len(lon)], rule.row, rule.distance_km)


FINE_CELL_DEG = GRID_CELL_DEG / countries._FINE  # the second level's cell


def on_fine_edges(
    base: tuple[float, float], i: int, j: int, di: float, dj: float
) -> tuple[float, float]:
    """A corner of the second level's cells near ``base``, nudged by ``di``, ``dj``."""
    x = math.floor((base[0] + 180) / FINE_CELL_DEG + i) * FINE_CELL_DEG - 180 + di
    y = math.floor((base[1] + 90) / FINE_CELL_DEG + j) * FINE_CELL_DEG - 90 + dj
    return (x + 180) % 360 - 180, max(-90.0, min(90.0, y))


nudges = st.sampled_from([0.0, 1e-12, -1e-12, 1e-9, -1e-9, FINE_CELL_DEG / 2])
fine_edges = st.builds(
    on_fine_edges,
    st.sampled_from(NEAR_EDGES),
    st.integers(-64, 64),
    st.integers(-64, 64),
    nudges,
    nudges,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    drawn=st.lists(st.one_of(fine_edges, near(0.05)), min_size=1, max_size=16),
    around=st.sampled_from(NEAR_EDGES),
    spread=st.sampled_from([0.01, 0.05, 0.2]),
    seed=st.integers(0, 2**32 - 1),
    tolerance_km=st.sampled_from([COAST_TOLERANCE_KM, 0.0, 10.0, 40.0]),
)
def test_the_fine_level_agrees_with_the_rule(
    world: CountryIndex,
    drawn: list[tuple[float, float]],
    around: tuple[float, float],
    spread: float,
    seed: int,
    tolerance_km: float,
) -> None:
    """Corners of the second level's cells, and clouds a few fine cells wide at coasts and
    borders: the two-level raster gives the rule's answers, bit for bit."""
    rng = np.random.default_rng(seed)
    cloud_lon = (around[0] + rng.uniform(-spread, spread, 2000) + 180) % 360 - 180
    cloud_lat = np.clip(around[1] + rng.uniform(-spread, spread, 2000), -90, 90)
    lon = np.r_[[p[0] for p in drawn], cloud_lon]
    lat = np.r_[[p[1] for p in drawn], cloud_lat]
    pad = _GRID_MIN_POINTS - len(lon)
    fast = world.locate_many(
        np.r_[lon, np.full(pad, INLAND[0])],
        np.r_[lat, np.full(pad, INLAND[1])],
        tolerance_km=tolerance_km,
    )
    code = world._answer_grid().lookup(lon, lat)
    event(f"not left to the whole rule: {np.mean(code != countries._EXACT):.0%}".replace("%", " %"))
    rule = world._locate_exact(lon, lat, tolerance_km)
    assert_same(fast.row[: len(lon)], fast.distance_km[: len(lon)], rule.row, rule.distance_km)


def boundary_clouds(world: CountryIndex, n: int, km: float, seed: int) -> tuple[np.ndarray, ...]:
    """``n`` points within ``km`` (geodesic) of vertices of the country boundaries."""
    rng = np.random.default_rng(seed)
    vertices = world._piece_xy[rng.integers(0, len(world._piece_xy), n), 0]
    lon, lat, _ = pyproj.Geod(ellps="WGS84").fwd(
        vertices[:, 0], vertices[:, 1], rng.uniform(0, 360, n), rng.uniform(0, km * 1000, n)
    )
    return np.asarray(lon), np.asarray(lat)


def test_the_fine_level_answers_most_points_near_boundaries(world: CountryIndex) -> None:
    """Near coasts and borders (where the first level asks the rule for every point), the
    second level answers most points, or sends them to the nearest step alone, and gives the
    rule's answers."""
    lon, lat = boundary_clouds(world, _GRID_MIN_POINTS, 20.0, 7)
    code = world._answer_grid().lookup(lon, lat)
    first = world._answer_grid().codes
    coarse = first[
        ((lat + 90) // GRID_CELL_DEG).astype(int), ((lon + 180) // GRID_CELL_DEG).astype(int)
    ]
    assert np.mean(coarse < 0) > 0.8  # what the first level left to the rule
    assert np.mean(code == countries._EXACT) < 0.3
    assert np.mean(code >= 0) > 0.3 and np.mean(code == countries._NEAR) > 0.2
    fast = world.locate_many(lon, lat)
    assert_same(fast.row, fast.distance_km, *exact(world, lon, lat, COAST_TOLERANCE_KM))


def test_land_points_get_the_country_sjoin_gives(world: CountryIndex) -> None:
    """Points that ``geopandas.sjoin(predicate="within")`` puts in a country get that country
    (with overlapping polygons, the one whose ISO3 sorts first), near boundaries and anywhere."""
    near_lon, near_lat = boundary_clouds(world, _GRID_MIN_POINTS // 2, 5.0, 8)
    rng = np.random.default_rng(9)
    lon = np.r_[near_lon, rng.uniform(-180, 180, _GRID_MIN_POINTS // 2)]
    lat = np.r_[near_lat, np.degrees(np.arcsin(rng.uniform(-1, 1, _GRID_MIN_POINTS // 2)))]
    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326")
    joined = gpd.sjoin(points, world.frame[["iso3", "geometry"]], predicate="within")
    want = joined.groupby(level=0)["iso3"].min()
    found = world.locate_many(lon, lat)
    assert len(want) > 20_000
    got = world.frame["iso3"].to_numpy()[found.row[want.index.to_numpy()]]
    np.testing.assert_array_equal(got, want.to_numpy())
    assert np.all(found.distance_km[want.index.to_numpy()] == 0.0)


# -- the rule against a brute-force oracle -------------------------------------------------------


def boundary_km(
    world: CountryIndex, boundaries: np.ndarray, lon: float, lat: float, reach_deg: float = 0.6
) -> list[tuple[float, str]]:
    """Geodesic km from the point to each country whose boundary comes within ``reach_deg``.

    Every polygon is tested (no index); boundaries near the point are densified
    and projected to an azimuthal equidistant projection centred on the point,
    where the distance from the centre is the geodesic distance on WGS84.
    """
    aeqd = pyproj.Transformer.from_crs(
        "EPSG:4326",
        f"+proj=aeqd +lat_0={lat} +lon_0={lon} +ellps=WGS84 +units=km",
        always_xy=True,
    )
    reach_lon = min(reach_deg / max(math.cos(math.radians(lat)), 1e-3), 180.0)
    found: dict[str, float] = {}
    for shift in (0.0, 360.0, -360.0):
        window = box(
            lon + shift - reach_lon, lat - reach_deg, lon + shift + reach_lon, lat + reach_deg
        )
        near = shapely.intersection(boundaries, window)
        for code, line in zip(world.frame.iso3, near, strict=True):
            if line.is_empty:
                continue
            dense = shapely.segmentize(line, 0.01)
            xy = shapely.get_coordinates(dense)
            x, y = aeqd.transform(xy[:, 0] - shift, xy[:, 1])
            projected = shapely.set_coordinates(dense, np.column_stack([x, y]))
            km = float(shapely.distance(Point(0, 0), projected))
            found[code] = min(found.get(code, math.inf), km)
    return sorted((km, code) for code, km in found.items())


@pytest.fixture(scope="module")
def boundaries(world: CountryIndex) -> np.ndarray:
    """The boundary of every row of the shipped index."""
    return np.asarray(shapely.boundary(world.frame.geometry.to_numpy()))


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(point=st.one_of(near(0.2), near(0.2), anywhere))
def test_rule_agrees_with_brute_force(
    world: CountryIndex, boundaries: np.ndarray, point: tuple[float, float]
) -> None:
    lon, lat = point
    (code,), km = locate(world, [point])
    covering = covering_codes(world, lon, lat)
    if covering:
        event("covered")
        assert (code, km[0]) == (covering[0], 0.0)
        return
    distances = boundary_km(world, boundaries, lon, lat)
    if not distances or distances[0][0] > COAST_TOLERANCE_KM + 0.5:
        event("at sea")
        assert code is None and math.isnan(km[0])
        return
    (d0, c0), d1 = distances[0], (distances[1][0] if len(distances) > 1 else math.inf)
    if abs(d0 - COAST_TOLERANCE_KM) < 0.5:
        return  # too near the tolerance for two methods to agree to the metre
    event("nearest")
    assert code is not None
    assert km[0] == pytest.approx(d0, abs=0.3)
    assert dict((c, d) for d, c in distances)[code] == pytest.approx(km[0], abs=0.3)
    if d1 - d0 > 0.6:
        assert code == c0


# -- the cache of prepared layers, and clones for threads --------------------------------------


@pytest.fixture
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("GEO_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def fresh_load(path: Path) -> CountryIndex:
    """load_country_index as a new process calls it (nothing in memory)."""
    from geo import cache

    cache._REMEMBERED.pop("countries", None)
    return load_country_index(path)


def assert_same_index(got: CountryIndex, want: CountryIndex) -> None:
    from geopandas.testing import assert_geodataframe_equal

    assert_geodataframe_equal(got.frame, want.frame, check_dtype=True)
    assert got.frame.crs == want.frame.crs
    for name in ("_piece_xy", "_piece_len", "_edge_row", "_piece_bounds", "_part_row", "_rank"):
        np.testing.assert_array_equal(getattr(got, name), getattr(want, name), err_msg=name)
    assert shapely.equals_exact(got._parts, want._parts, tolerance=0).all()


def test_a_cached_layer_is_the_layer_parsed(own_cache: Path, project_data: Path) -> None:
    path = project_data / "countries.fgb.xz"
    cold = fresh_load(path)
    assert len(list(own_cache.glob("countries-*.npz"))) == 1
    warm = fresh_load(path)
    assert warm is not cold
    assert_same_index(warm, cold)
    rng = np.random.default_rng(3)
    lon, lat = rng.uniform(-180, 180, 20_000), rng.uniform(-90, 90, 20_000)
    a, b = cold._locate_exact(lon, lat, 25.0), warm._locate_exact(lon, lat, 25.0)
    np.testing.assert_array_equal(a.row, b.row)
    np.testing.assert_array_equal(a.distance_km, b.distance_km)
    assert warm.distance_km(49.87, 40.41, "AZE") == cold.distance_km(49.87, 40.41, "AZE")


def test_a_layer_read_twice_from_its_bytes_is_kept_in_memory(project_data: Path) -> None:
    path = project_data / "countries.fgb.xz"
    first = load_country_index(path)
    assert load_country_index(path, data=path.read_bytes()) is first


@pytest.mark.parametrize("damage", ["truncate", "shapes"])
def test_a_bad_layer_entry_is_rebuilt(own_cache: Path, project_data: Path, damage: str) -> None:
    from geo import cache

    path = project_data / "countries.fgb.xz"
    cold = fresh_load(path)
    (entry,) = own_cache.glob("countries-*.npz")
    if damage == "truncate":
        entry.write_bytes(entry.read_bytes()[:1000])
    else:  # a whole entry whose arrays do not fit together: refused before GEOS sees them
        key = cache.entry_key("countries", cache.file_digest(path.read_bytes()), True)
        arrays = cache.load("countries", key)
        assert arrays is not None
        arrays["edge_row"] = arrays["edge_row"] + 10_000
        cache.store("countries", key, arrays)
    assert_same_index(fresh_load(path), cold)


def test_the_raster_is_cached_and_a_bad_one_is_rebuilt(own_cache: Path, project_data: Path) -> None:
    from geo import cache, countries

    path = project_data / "countries.fgb.xz"
    built = fresh_load(path)._answer_grid()
    (entry,) = own_cache.glob("raster-*.npz")
    read = fresh_load(path)._answer_grid()
    np.testing.assert_array_equal(read.codes, built.codes)
    # small calls read it from the cache when it is there, and never build it
    small = fresh_load(path)
    lon, lat = np.zeros(countries._GRID_LOAD_MIN_POINTS), np.zeros(countries._GRID_LOAD_MIN_POINTS)
    small.locate_many(lon, lat)
    assert small._raster.grid is not None
    entry.unlink()
    smaller = fresh_load(path)
    smaller.locate_many(lon[:100], lat[:100])
    assert smaller._raster.grid is None and not list(own_cache.glob("raster-*.npz"))
    # an entry with codes that are no rows of this layer is refused
    key = small._raster._key()
    assert key is not None
    cache.store("raster", key, {"codes": np.full_like(built.codes, 10_000)})
    again = fresh_load(path)
    np.testing.assert_array_equal(again._answer_grid().codes, built.codes)
    np.testing.assert_array_equal(again._answer_grid().fine, built.fine)
    # and so is a second level that does not fit the first: a block for a cell the first
    # level answers, a code that is no row, blocks out of order
    whole = {"codes": built.codes, "fine_cells": built.fine_cells, "fine_codes": built.fine}
    answered = built.codes.copy()
    answered.ravel()[built.fine_cells[0]] = 0
    not_a_row = built.fine.copy()
    not_a_row[0, 0, 0] = 10_000
    for wrong in (
        {"codes": answered},
        {"fine_codes": not_a_row},
        {"fine_cells": built.fine_cells[::-1].copy()},
        {"fine_codes": built.fine[:, :4]},
    ):
        cache.store("raster", key, {**whole, **wrong})
        index = fresh_load(path)
        assert index._raster._read(index) is None, list(wrong)
    cache.store("raster", key, whole)
    index = fresh_load(path)
    assert index._raster._read(index) is not None


def test_a_clone_answers_alike_from_other_threads(world: CountryIndex) -> None:
    from concurrent.futures import ThreadPoolExecutor

    rng = np.random.default_rng(11)
    lon, lat = rng.uniform(-180, 180, 40_000), np.degrees(np.arcsin(rng.uniform(-1, 1, 40_000)))
    want = world._locate_exact(lon, lat, COAST_TOLERANCE_KM)
    clones = [world.clone() for _ in range(3)]
    assert all(c._raster is world._raster and c.frame is world.frame for c in clones)
    assert not any(np.shares_memory(c._parts, world._parts) for c in clones)

    def run(index: CountryIndex) -> tuple[np.ndarray, np.ndarray]:
        found = index._locate_exact(lon, lat, COAST_TOLERANCE_KM)
        return found.row, found.distance_km

    with ThreadPoolExecutor(3) as pool:
        for row, km in pool.map(run, clones):
            np.testing.assert_array_equal(row, want.row)
            np.testing.assert_array_equal(km, want.distance_km)


# -- the nearest point of pieces, by blocks, is the one-pass formula's, bit for bit -------------


def nearest_on_pieces_in_one_pass(
    pieces: np.ndarray, lon: np.ndarray, lat: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The local-frame nearest point of each piece, as the rule first computed it."""
    meridional, prime = local_radii_km(lat)
    scale = (prime * np.cos(np.radians(lat)) / meridional)[:, None]
    x = (pieces[:, :, 0] - lon[:, None]) * scale
    y = pieces[:, :, 1] - lat[:, None]
    ax, ay, bx, by = x[:, :-1], y[:, :-1], x[:, 1:], y[:, 1:]
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy
    with np.errstate(invalid="ignore", divide="ignore"):
        t = np.where(length2 > 0, -(ax * dx + ay * dy) / length2, 0.0)
    t = np.clip(t, 0.0, 1.0)
    px, py = ax + t * dx, ay + t * dy
    best = np.argmin(px * px + py * py, axis=1)
    pick = np.arange(len(best))
    near_x, near_y = px[pick, best], py[pick, best]
    scale1 = scale[:, 0]
    near_lon = np.where(scale1 > 0, near_x / np.where(scale1 > 0, scale1, 1.0), 0.0) + lon
    return near_lon, near_y + lat


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.sampled_from([1, 7, countries._PAIRS_AT_ONCE, countries._PAIRS_AT_ONCE + 1, 9000]),
    spread=st.sampled_from([0.0, 1e-7, 0.05, 0.3]),
)
def test_nearest_on_pieces_by_blocks_is_the_one_pass_formula(
    world: CountryIndex, seed: int, n: int, spread: float
) -> None:
    """On vertices, a hair off them and farther, near the poles too: the same floats."""
    rng = np.random.default_rng(seed)
    which = rng.integers(0, len(world._piece_xy), n)
    vertex = world._piece_xy[which, rng.integers(0, countries._PIECE, n)]
    lon = np.clip(vertex[:, 0] + rng.normal(0, spread, n), -180, 180)
    lat = np.clip(vertex[:, 1] + rng.normal(0, spread, n), -90, 90)
    lat[:1] = 90.0  # a zero scale
    got = countries._nearest_on_pieces(world._piece_x, world._piece_y, which, lon, lat)
    expected = nearest_on_pieces_in_one_pass(world._piece_xy[which], lon, lat)
    np.testing.assert_array_equal(got[0], expected[0])
    np.testing.assert_array_equal(got[1], expected[1])
