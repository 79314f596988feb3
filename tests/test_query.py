"""Tests of geo.query: each query, each error, and agreement with a brute-force oracle.

The oracle computes the geodesic distance (pyproj ``Geod(ellps="WGS84").inv``)
from the query point to every place; the index must give the same answers,
including near the antimeridian and the poles.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import geopandas as gpd
import hypothesis.strategies as st
import numpy as np
import pandas as pd
import pyproj
import pytest
import shapely
from hypothesis import given, settings

import geo
from geo import query
from geo.atlas import Atlas
from geo.schema import KINDS
from geo.sphere import MAX_KM
from tests.edge_cases import CASES

GEOD = pyproj.Geod(ellps="WGS84")
SETTINGS = settings(max_examples=150, deadline=None)


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def atlas() -> Atlas:
    return geo.load()


def synthetic_atlas(base: Atlas, points: list[tuple[str, str, float, float]]) -> Atlas:
    """An atlas whose places are ``(id, kind, lon, lat)`` with the columns of ``base.places``."""
    columns = [c for c in base.places.columns if c != "geometry"]
    rows = []
    for place_id, kind, _, _ in points:
        row: dict[str, object] = dict.fromkeys(columns)
        row.update(
            id=place_id,
            kind=kind,
            name=place_id.title(),
            status="operational",
            source="https://example.org",
            member=False,
        )
        rows.append(row)
    lon = [p[2] for p in points]
    lat = [p[3] for p in points]
    frame = gpd.GeoDataFrame(
        pd.DataFrame(rows, columns=columns), geometry=shapely.points(lon, lat), crs="EPSG:4326"
    )
    atlas = copy.copy(base)  # same countries and membership, other places
    atlas.places = frame
    return atlas


#: Places on both sides of the antimeridian, on and near both poles, and two at one spot.
EDGE_POINTS: list[tuple[str, str, float, float]] = [
    ("suva", "rtc", 178.4419, -18.1416),
    ("lakeba", "rtc", -178.80, -18.21),
    ("apia", "rocb", -171.7514, -13.8333),
    ("nukualofa", "rtc", -175.2018, -21.1394),
    ("taveuni", "border_post", 179.99, -16.80),
    ("date-line-east", "rilo", -180.0, 0.0),
    ("date-line-west", "rilo", 180.0, 10.0),
    ("anadyr", "hq", 177.5, 64.73),
    ("little-diomede", "rtc", -168.95, 65.75),
    ("north-pole", "rocb", 0.0, 90.0),
    ("near-north-a", "rtc", 45.0, 89.5),
    ("near-north-b", "rtc", -135.0, 89.9),
    ("south-pole", "hq", 123.0, -90.0),
    ("near-south", "rilo", 179.95, -89.7),
    ("twin-a", "rtc", 10.0, 10.0),
    ("twin-b", "rtc", 10.0, 10.0),
]


@pytest.fixture(scope="module")
def edge_atlas(atlas: Atlas) -> Atlas:
    return synthetic_atlas(atlas, EDGE_POINTS)


@pytest.fixture(scope="module")
def pacific_atlas(tmp_path_factory: pytest.TempPathFactory) -> Atlas:
    """An atlas loaded from a data folder of offices around the antimeridian."""
    offices = [
        ("rtc-suva", "rtc", "FJI", 178.4419, -18.1416),
        ("rtc-lakeba", "rtc", "FJI", -178.80, -18.21),
        ("rocb-apia", "rocb", "WSM", -171.7514, -13.8333),
        ("rilo-nukualofa", "rilo", "TON", -175.2018, -21.1394),
    ]
    features = [
        {
            "type": "Feature",
            "properties": {
                "id": pid,
                "kind": kind,
                "name": f"Office {pid}",
                "iso3": iso3,
                "status": "operational",
                "source": "https://example.org/" + pid,
            },
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
        }
        for pid, kind, iso3, lon, lat in offices
    ]
    folder = tmp_path_factory.mktemp("pacific")
    doc = {"type": "FeatureCollection", "features": features}
    (folder / "offices.geojson").write_text(json.dumps(doc), encoding="utf-8")
    return geo.load(folder)


# --------------------------------------------------------------------------- the oracle


def oracle_km(places: gpd.GeoDataFrame, lon: float, lat: float) -> np.ndarray:
    """Geodesic km from one point to every place, by brute force."""
    n = len(places)
    # lists, not arrays: pyproj < 3.7.2 takes one-element arrays through its scalar path,
    # which numpy >= 1.25 warns is deprecated (the lowest-versions job)
    xs, ys = places.geometry.x.tolist(), places.geometry.y.tolist()
    _, _, metres = GEOD.inv([lon] * n, [lat] * n, xs, ys)
    return np.asarray(metres) / 1000.0


def of_kind(places: gpd.GeoDataFrame, kind: str | None) -> gpd.GeoDataFrame:
    return places if kind is None else places[places["kind"] == kind]


def check_nearest(atlas: Atlas, lon: float, lat: float, k: int, kind: str | None) -> None:
    places = of_kind(atlas.places, kind)
    expected = oracle_km(places, lon, lat)
    result = query.nearest(atlas.places, lat=lat, lon=lon, k=k, kind=kind)
    assert len(result) == min(k, len(places))
    got = result["distance_km"].to_numpy()
    np.testing.assert_allclose(got, np.sort(expected)[: len(result)], rtol=0, atol=1e-9)
    by_id = dict(zip(places["id"], expected, strict=True))
    for place_id, km in zip(result["id"], got, strict=True):
        assert by_id[place_id] == pytest.approx(km, abs=1e-9)
    assert result["id"].is_unique
    if len(result):
        closer = {i for i, d in by_id.items() if d < got[-1]}
        assert closer <= set(result["id"])


def check_within(atlas: Atlas, lon: float, lat: float, km: float, kind: str | None) -> None:
    places = of_kind(atlas.places, kind)
    expected = oracle_km(places, lon, lat)
    result = query.within(atlas.places, lat=lat, lon=lon, km=km, kind=kind)
    assert set(result["id"]) == set(places["id"][expected <= km])
    assert result["distance_km"].is_monotonic_increasing
    by_id = dict(zip(places["id"], expected, strict=True))
    for place_id, d in zip(result["id"], result["distance_km"], strict=True):
        assert by_id[place_id] == pytest.approx(d, abs=1e-9)


# --------------------------------------------------------------------------- strategies

lons = st.floats(-180, 180)
lats = st.floats(-90, 90)
antimeridian_lons = st.one_of(st.floats(179.9, 180), st.floats(-180, -179.9))
polar_lats = st.one_of(st.floats(89, 90), st.floats(-90, -89))
points = st.one_of(
    st.tuples(lons, lats),
    st.tuples(antimeridian_lons, lats),
    st.tuples(lons, polar_lats),
    st.tuples(antimeridian_lons, polar_lats),
    st.tuples(antimeridian_lons, st.floats(-25, 70)),
)
kinds = st.one_of(st.none(), st.sampled_from(KINDS))
radii = st.one_of(st.floats(0, 500), st.floats(0, MAX_KM), st.sampled_from([0.0, MAX_KM]))


# --------------------------------------------------------------------------- property tests


#: The shipped data, and synthetic places at the antimeridian and the poles.
ATLASES = pytest.mark.parametrize("which", ["atlas", "edge_atlas"])


@ATLASES
@SETTINGS
@given(point=points, k=st.integers(1, 20), kind=kinds)
def test_nearest_matches_oracle(
    request: pytest.FixtureRequest,
    which: str,
    point: tuple[float, float],
    k: int,
    kind: str | None,
) -> None:
    check_nearest(request.getfixturevalue(which), point[0], point[1], k, kind)


@ATLASES
@SETTINGS
@given(point=points, km=radii, kind=kinds)
def test_within_matches_oracle(
    request: pytest.FixtureRequest,
    which: str,
    point: tuple[float, float],
    km: float,
    kind: str | None,
) -> None:
    check_within(request.getfixturevalue(which), point[0], point[1], km, kind)


@SETTINGS
@given(point=points, k=st.integers(1, 5), km=st.floats(0, 3000))
def test_loaded_pacific_atlas_matches_oracle(
    pacific_atlas: Atlas, point: tuple[float, float], k: int, km: float
) -> None:
    check_nearest(pacific_atlas, point[0], point[1], k, None)
    check_within(pacific_atlas, point[0], point[1], km, None)


@SETTINGS
@given(
    pts=st.lists(points, min_size=0, max_size=30),
    k=st.integers(1, 20),
    km=radii,
    kind=kinds,
)
def test_bulk_forms_match_oracle(
    edge_atlas: Atlas, pts: list[tuple[float, float]], k: int, km: float, kind: str | None
) -> None:
    lon = np.array([p[0] for p in pts], dtype=float)
    lat = np.array([p[1] for p in pts], dtype=float)
    places = edge_atlas.places
    rows = np.arange(len(places))
    if kind is not None:
        rows = np.flatnonzero((places["kind"] == kind).to_numpy())
    near = query.nearest_many(edge_atlas.places, lon, lat, k=k, kind=kind)
    found = query.within_many(places, lon, lat, km=km, kind=kind)
    assert near.position.shape == near.distance_km.shape == (len(pts), min(k, len(rows)))
    for i, (x, y) in enumerate(pts):
        expected = oracle_km(places, x, y)
        np.testing.assert_allclose(
            near.distance_km[i], np.sort(expected[rows])[: near.position.shape[1]], atol=1e-9
        )
        np.testing.assert_allclose(expected[near.position[i]], near.distance_km[i], atol=1e-9)
        mine = found.position[found.point == i]
        assert sorted(mine) == sorted(rows[expected[rows] <= km])
    assert np.all(np.diff(found.point) >= 0)


@pytest.mark.parametrize(("name", "lat", "lon"), [(c[0], c[1], c[2]) for c in CASES])
@pytest.mark.parametrize("kind", [None, "rtc", "border_post"])
def test_edge_case_catalogue_matches_oracle(
    atlas: Atlas, edge_atlas: Atlas, name: str, lat: float, lon: float, kind: str | None
) -> None:
    for where in (atlas, edge_atlas):
        check_nearest(where, lon, lat, 5, kind)
        check_within(where, lon, lat, 2500.0, kind)


# --------------------------------------------------------------------------- nearest / within


def test_nearest_is_sorted_with_the_columns_of_places(atlas: Atlas) -> None:
    result = query.nearest(atlas.places, lat=41.64, lon=48.43, k=3, kind="rocb")
    assert result["id"].tolist() == ["rocb-europe", "rocb-mena", "rocb-esa"]
    assert list(result.columns) == [
        *[c for c in atlas.places.columns if c != "geometry"],
        "distance_km",
        "geometry",
    ]
    assert result.crs == "EPSG:4326"
    assert result["distance_km"].is_monotonic_increasing
    assert list(result.index) == [0, 1, 2]


def test_nearest_returns_fewer_rows_when_fewer_places(atlas: Atlas) -> None:
    assert len(query.nearest(atlas.places, lat=0, lon=0, k=50, kind="hq")) == 1
    assert len(query.nearest(atlas.places, lat=0, lon=0, k=10_000)) == len(atlas.places)


def test_nearest_breaks_ties_by_atlas_order(edge_atlas: Atlas) -> None:
    result = query.nearest(edge_atlas.places, lat=10.0, lon=10.0, k=2)
    assert result["id"].tolist() == ["twin-a", "twin-b"]
    assert result["distance_km"].tolist() == [0.0, 0.0]


def test_nearest_uses_the_ellipsoid_not_the_sphere(atlas: Atlas) -> None:
    # On a sphere "east" (0.995 deg of longitude) is nearer than "north" (1 deg of
    # latitude); on WGS84 a degree of latitude at the equator is shorter (110.57 km).
    flat = synthetic_atlas(atlas, [("east", "rtc", 0.995, 0.0), ("north", "rtc", 0.0, 1.0)])
    result = query.nearest(flat.places, lat=0.0, lon=0.0, k=2)
    assert result["id"].tolist() == ["north", "east"]
    assert result["distance_km"].tolist() == pytest.approx([110.574, 110.763], abs=1e-3)
    assert query.within(flat.places, lat=0.0, lon=0.0, km=110.6)["id"].tolist() == ["north"]


def test_nearest_across_the_antimeridian(edge_atlas: Atlas) -> None:
    # Just east of the date line, Taveuni (179.99) is 2 km away, Lakeba (-178.8) farther.
    result = query.nearest(edge_atlas.places, lat=-16.8, lon=-179.99, k=2)
    assert result["id"].tolist() == ["taveuni", "lakeba"]
    assert result["distance_km"].iloc[0] == pytest.approx(2.13, abs=0.01)


def test_both_ends_of_the_date_line_are_one_meridian(edge_atlas: Atlas) -> None:
    east = query.nearest(edge_atlas.places, lat=0.0, lon=180.0, k=3)
    west = query.nearest(edge_atlas.places, lat=0.0, lon=-180.0, k=3)
    assert east["id"].tolist() == west["id"].tolist()
    assert east["id"].iloc[0] == "date-line-east"
    assert east["distance_km"].iloc[0] == 0.0


def test_at_the_pole_longitude_does_not_matter(edge_atlas: Atlas) -> None:
    answers = {
        tuple(query.nearest(edge_atlas.places, lat=90.0, lon=lon, k=4)["id"])
        for lon in (-180, -37, 0, 99, 180)
    }
    assert answers == {("north-pole", "near-north-b", "near-north-a", "little-diomede")}
    south = query.within(edge_atlas.places, lat=-90.0, lon=-60.0, km=50)
    assert south["id"].tolist() == ["south-pole", "near-south"]


def test_within_includes_its_boundary(atlas: Atlas) -> None:
    exact = query.distance_km(atlas.places, "samur", "khanoba")
    samur = atlas.places.set_index("id").geometry["samur"]
    result = query.within(atlas.places, lat=samur.y, lon=samur.x, km=exact)
    assert result["id"].tolist() == ["samur", "yalama-samur-rail", "khanoba"]
    assert query.within(atlas.places, lat=samur.y, lon=samur.x, km=exact - 1e-6)["id"].tolist() == [
        "samur",
        "yalama-samur-rail",
    ]


def test_within_can_be_empty(atlas: Atlas) -> None:
    result = query.within(atlas.places, lat=-60.0, lon=-140.0, km=100, kind="rtc")
    assert len(result) == 0
    assert "distance_km" in result.columns
    assert result.crs == "EPSG:4326"


def test_within_half_the_earth_gives_everything(atlas: Atlas) -> None:
    assert len(query.within(atlas.places, lat=12.0, lon=-40.0, km=MAX_KM)) == len(atlas.places)


def test_queries_never_modify_places(atlas: Atlas) -> None:
    before = atlas.places.copy()
    result = query.nearest(atlas.places, lat=41.64, lon=48.43, k=3)
    result.loc[0, "name"] = "changed"
    query.within(atlas.places, lat=0, lon=0, km=5000, kind="rtc")
    query.in_region(atlas.places, "EUR")
    query.in_country(atlas.places, "AZE", country_names=atlas.country_names)
    query.crossings_between(atlas.places, "AZE", "RUS", country_names=atlas.country_names)
    pd.testing.assert_frame_equal(atlas.places, before)
    assert "distance_km" not in atlas.places.columns


def test_atlas_methods_delegate(atlas: Atlas) -> None:
    assert atlas.nearest(lat=41.64, lon=48.43)["id"].tolist() == ["samur"]
    assert atlas.within(lat=41.64, lon=48.43, km=1)["id"].tolist() == ["samur"]


# --------------------------------------------------------------------------- region, country


@pytest.mark.parametrize("region", ["EUR", "eur", "Europe", "europe", " EUROPE "])
def test_in_region_accepts_code_or_name(atlas: Atlas, region: str) -> None:
    result = query.in_region(atlas.places, region, kind="rocb")
    assert result["id"].tolist() == ["rocb-europe"]


@pytest.mark.parametrize("region", ["AP", "Asia/Pacific", "asia/pacific", "asia pacific"])
def test_in_region_asia_pacific(atlas: Atlas, region: str) -> None:
    result = query.in_region(atlas.places, region)
    assert "rtc-fiji" in set(result["id"])
    assert "rocb-ap" in set(result["id"])


def test_in_region_counts_a_border_post_in_both_regions(atlas: Atlas) -> None:
    # Kasumbalesa joins the DR Congo (WCA) and Zambia (ESA).
    assert "kasumbalesa" in set(query.in_region(atlas.places, "WCA")["id"])
    assert "kasumbalesa" in set(query.in_region(atlas.places, "ESA")["id"])
    # Astara (AZE-IRN) lies in Azerbaijan (EUR); Iran is in Asia/Pacific.
    assert "astara" in set(query.in_region(atlas.places, "AP", kind="border_post")["id"])


def test_in_region_keeps_atlas_order_and_columns(atlas: Atlas) -> None:
    result = query.in_region(atlas.places, "MENA", kind="rtc")
    expected = atlas.places[(atlas.places["region"] == "MENA") & (atlas.places["kind"] == "rtc")]
    assert result["id"].tolist() == expected["id"].tolist()
    assert list(result.columns) == list(atlas.places.columns)
    assert result.crs == "EPSG:4326"


@pytest.mark.parametrize("country", ["AZE", "aze", "Azerbaijan", "AZERBAIJAN"])
def test_in_country_accepts_code_or_name(atlas: Atlas, country: str) -> None:
    result = query.in_country(atlas.places, country, country_names=atlas.country_names)
    # in the atlas's documented order: offices by kind (HQ, ROCB, RTC...), then border posts
    assert result["id"].tolist() == [
        "rocb-europe",
        "rtc-azerbaijan",
        "samur",
        "khanoba",
        "red-bridge",
        "astara",
        "yalama-samur-rail",
        "mazimqara-lagodekhi",
        "boyuk-kasik-gardabani-rail",
        "bilasuvar-bileh-savar",
        "culfa-jolfa",
        "sahtaxti-poldasht",
        "astara-rail",
        "aghband-kalaleh",
        "sadarak-dilucu",
        "sadarak-yeraskh",
        "muganli-samtatskaro",
        "ipek-yolu-abreshumis-gza",
    ]


def test_in_country_accepts_either_name_of_a_country(atlas: Atlas) -> None:
    wco = query.in_country(
        atlas.places, "Russian Federation", kind="rtc", country_names=atlas.country_names
    )["id"].tolist()
    natural_earth = query.in_country(
        atlas.places, "russia", kind="rtc", country_names=atlas.country_names
    )["id"].tolist()
    assert wco == natural_earth == ["rtc-russia"]
    assert query.in_country(atlas.places, "cote d'ivoire", country_names=atlas.country_names)[
        "id"
    ].tolist() == ["rocb-wca"]


def test_in_country_known_without_places_is_empty(atlas: Atlas) -> None:
    result = query.in_country(atlas.places, "ISL", country_names=atlas.country_names)
    assert len(result) == 0
    assert list(result.columns) == list(atlas.places.columns)


def test_crossings_between_either_order(atlas: Atlas) -> None:
    forward = query.crossings_between(
        atlas.places, "AZE", "RUS", country_names=atlas.country_names
    )["id"].tolist()
    backward = query.crossings_between(
        atlas.places, "russia", "azerbaijan", country_names=atlas.country_names
    )["id"].tolist()
    assert forward == backward == ["samur", "khanoba", "yalama-samur-rail"]
    assert (
        len(query.crossings_between(atlas.places, "AZE", "BEL", country_names=atlas.country_names))
        == 0
    )


def test_distance_km_is_geodesic(atlas: Atlas) -> None:
    places = atlas.places.set_index("id").geometry
    a, b = places["rocb-europe"], places["samur"]
    _, _, metres = GEOD.inv(a.x, a.y, b.x, b.y)
    assert query.distance_km(atlas.places, "rocb-europe", "samur") == pytest.approx(
        metres / 1000, abs=1e-9
    )
    assert query.distance_km(atlas.places, "samur", "samur") == 0.0


def test_distance_km_across_the_antimeridian(pacific_atlas: Atlas) -> None:
    # Suva (178.44 E) to Lakeba (178.80 W): about 292 km across the date line, not 39,700.
    assert pacific_atlas.distance_km("rtc-suva", "rtc-lakeba") == pytest.approx(291.9, abs=0.05)
    assert pacific_atlas.nearest(lat=-18.2, lon=179.99)["id"].tolist() == ["rtc-lakeba"]


# --------------------------------------------------------------------------- errors


#: (call, message regex): every error a user can cause, with its message pinned.
ERRORS = [
    (
        lambda a: query.in_region(a.places, "Eurpoe"),
        r"Got region='Eurpoe'; `region` must be one of \{'EUR' \(Europe\), 'AP' \(Asia/Pacific\)"
        r".*\(did you mean 'EUR' \(Europe\)\?\)",
    ),
    (
        lambda a: query.in_region(a.places, "Mars"),
        r"^Got region='Mars'; `region` must be one of \{'EUR' \(Europe\).*"
        r"'MENA' \(North of Africa, Near and Middle East\)\}, by code or name$",
    ),
    (
        lambda a: query.in_region(a.places, None),  # type: ignore[arg-type]
        r"Got region=None; `region` must be one of",
    ),
    (
        lambda a: query.in_country(a.places, "Azerbajan", country_names=a.country_names),
        r"Got country='Azerbajan'; `country` must be an ISO 3166-1 alpha-3 code or a country "
        r"name known to the atlas \(did you mean 'Azerbaijan' \(AZE\)\?\)",
    ),
    (
        lambda a: query.in_country(a.places, "XYZ", country_names=a.country_names),
        r"Got country='XYZ'; .* \(e\.g\. 'AZE' or 'Azerbaijan'\)$",
    ),
    (
        lambda a: query.crossings_between(a.places, "AZE", "Rusia", country_names=a.country_names),
        r"Got country_b='Rusia'; `country_b` must be .*did you mean 'Russia' \(RUS\)",
    ),
    (
        lambda a: query.crossings_between(
            a.places, "AZE", "azerbaijan", country_names=a.country_names
        ),
        r"Got country_a='AZE' and country_b='azerbaijan', both AZE; "
        r"a crossing joins two different countries",
    ),
    (
        lambda a: query.nearest(a.places, lat=0, lon=0, kind="rtcc"),
        r"Got kind='rtcc'; `kind` must be one of \{'hq', 'rocb', 'rtc', 'rilo', 'border_post'\} "
        r"or None \(did you mean 'rtc'\?\)",
    ),
    (
        lambda a: query.in_country(a.places, "AZE", kind="office", country_names=a.country_names),
        r"Got kind='office'; `kind` must be one of \{'hq'",
    ),
    (
        lambda a: query.nearest(a.places, lat=0, lon=0, k=0),
        r"Got k=0; `k` must be a positive integer",
    ),
    (
        lambda a: query.nearest(a.places, lat=0, lon=0, k=2.5),  # type: ignore[arg-type]
        r"Got k=2.5; `k` must be a positive",
    ),
    (
        lambda a: query.nearest(a.places, lat=0, lon=0, k=True),
        r"Got k=True; `k` must be a positive",
    ),
    (
        lambda a: query.nearest(a.places, lat=91, lon=0),
        r"Got lat=91; `lat` must be within \[-90, 90\] \(are lat and lon swapped\?\)",
    ),
    (
        lambda a: query.within(a.places, lat=0, lon=float("nan"), km=1),
        r"Got lon=nan; `lon` must be a finite number of degrees",
    ),
    (
        lambda a: query.within(a.places, lat=0, lon=0, km=-1),
        r"Got km=-1; `km` must be a finite number of kilometres >= 0",
    ),
    (
        lambda a: query.within(a.places, lat=0, lon=0, km=float("inf")),
        r"Got km=inf; `km` must be a finite number",
    ),
    (
        lambda a: query.distance_km(a.places, "samurr", "samur"),
        r"Got id_a='samurr'; `id_a` must be the id of one of the 113 places "
        r"\(did you mean 'samur' or 'sarp'\?\)",
    ),
    (
        lambda a: query.distance_km(a.places, "samur", "zzz"),
        r"Got id_b='zzz'; `id_b` must be the id of one of the 113 places "
        r"\(no close match; ids look like 'wco-hq', 'rocb-ap'\)",
    ),
]


@pytest.mark.parametrize(("call", "message"), ERRORS)
def test_errors_name_the_argument_and_the_valid_values(
    atlas: Atlas, call: Callable[[Atlas], object], message: str
) -> None:
    with pytest.raises(geo.UsageError, match=message):
        call(atlas)


def test_usage_error_is_a_geo_error() -> None:
    assert issubclass(geo.UsageError, geo.GeoError)


@pytest.mark.parametrize(
    ("lon", "lat", "message"),
    [
        ([0, 200], [0, 0], r"Got 1 invalid point\(s\), the first at index 1: lon=200.0, lat=0.0"),
        ([0, 0], [0, float("nan")], r"the first at index 1: lon=0.0, lat=nan"),
        ([0], [0, 1], r"Got lon of shape \(1,\) and lat of shape \(2,\); `lon` and `lat` must"),
        (["a"], [0], r"Got lon, lat that are not arrays of numbers"),
    ],
)
def test_bulk_errors(atlas: Atlas, lon: list[object], lat: list[object], message: str) -> None:
    with pytest.raises(geo.UsageError, match=message):
        query.nearest_many(atlas.places, lon, lat)


@pytest.mark.parametrize("call", [query.nearest_many, query.within_many])
def test_bulk_source_must_be_places(call: Any) -> None:
    message = r"Got places of type str; `places` must be a GeoDataFrame of point places"
    with pytest.raises(geo.UsageError, match=message):
        call("atlas", [0], [0], **({"km": 1} if call is query.within_many else {}))


def test_index_needs_a_kind_column_to_filter_by_kind() -> None:
    frame = gpd.GeoDataFrame(geometry=[shapely.Point(0, 0)], crs="EPSG:4326")
    assert len(query.PlaceIndex(frame)) == 1
    message = r"Got kind='rtc' for places without a 'kind' column; pass kind=None"
    with pytest.raises(geo.UsageError, match=message):
        query.PlaceIndex(frame, kind="rtc")


def test_index_rejects_non_points(atlas: Atlas) -> None:
    frame = gpd.GeoDataFrame({"kind": ["rtc"]}, geometry=[shapely.box(0, 0, 1, 1)], crs="EPSG:4326")
    message = r"Got 1 place\(s\) without a point geometry, the first at row 0"
    with pytest.raises(geo.UsageError, match=message):
        query.PlaceIndex(frame)


# --------------------------------------------------------------------------- bulk API


def test_nearest_many_shapes_and_ids(atlas: Atlas) -> None:
    found = query.nearest_many(atlas.places, [48.43, 4.37], [41.64, 50.85], k=2)
    ids = atlas.places["id"].to_numpy()[found.position]
    assert ids.tolist() == [["samur", "yalama-samur-rail"], ["wco-hq", "rilo-we"]]
    assert found.distance_km.shape == (2, 2)
    assert np.all(np.diff(found.distance_km, axis=1) >= 0)


def test_nearest_many_with_kind_gives_rows_of_the_whole_frame(atlas: Atlas) -> None:
    found = query.nearest_many(atlas.places, [48.43], [41.64], k=1, kind="rtc")
    assert atlas.places["id"].iloc[found.position[0, 0]] == "rtc-azerbaijan"


def test_empty_inputs(atlas: Atlas) -> None:
    found = query.nearest_many(atlas.places, [], [], k=3)
    assert found.position.shape == (0, 3)
    pairs = query.within_many(atlas.places, np.array([]), np.array([]), km=10)
    assert len(pairs.point) == len(pairs.position) == len(pairs.distance_km) == 0
    empty = query.PlaceIndex(atlas.places.iloc[:0])
    assert empty.nearest([1.0], [2.0], k=3).position.shape == (1, 0)
    assert len(empty.within([1.0], [2.0], km=1e4).point) == 0


def test_place_index_is_reusable_and_reprojects(atlas: Atlas) -> None:
    index = query.PlaceIndex(atlas.places.to_crs("EPSG:3857"), kind="RTC")
    assert len(index) == int((atlas.places["kind"] == "rtc").sum())
    assert repr(index) == f"<PlaceIndex {len(index)} places kind='rtc'>"
    found = index.nearest([49.9], [40.4])
    assert atlas.places["id"].iloc[found.position[0, 0]] == "rtc-azerbaijan"


def test_module_docstrings_examples_are_current() -> None:
    import doctest

    failures, _ = doctest.testmod(query)
    assert failures == 0


def test_data_folder_fixture_exists() -> None:
    assert (Path(geo.default_data_dir()) / "offices.geojson").exists()


# ------------------------------------------------- the product and the tree give the same answers

near_places = st.tuples(
    st.integers(0, 10_000), st.sampled_from([0.0, 1e-13, 1e-10, 1e-7, 1e-4, 0.5, 30.0])
)


@settings(max_examples=60, deadline=None)
@given(
    seeds=st.lists(near_places, min_size=1, max_size=40),
    k=st.sampled_from([1, 2, 3, 7, 12]),
    duplicates=st.booleans(),
)
def test_nearest_by_product_is_nearest_by_tree(
    atlas: Atlas, seeds: list[tuple[int, float]], k: int, duplicates: bool
) -> None:
    """Small queries rank places by a matrix product, large ones ask a tree: same answers,
    also for points on, or a hair from, places that share their coordinates."""
    from geo import placeindex

    places = atlas.places
    if duplicates:  # places on the same spot, and a hair apart
        extra = places.iloc[:3].copy()
        extra.geometry = shapely.points([0.0, 0.0, 1e-12], [0.0, 0.0, 0.0])
        places = pd.concat([places, extra], ignore_index=True)
    xy = shapely.get_coordinates(places.geometry.values)
    rng = np.random.default_rng(len(seeds))
    lon, lat = [], []
    for i, spread in seeds:
        x, y = xy[i % len(xy)]
        lon.append(float(np.clip(x + rng.normal(0, spread) if spread else x, -180, 180)))
        lat.append(float(np.clip(y + rng.normal(0, spread) if spread else y, -90, 90)))
    lon_a, lat_a = np.array([*lon, 0.0, 180.0, 0.0]), np.array([*lat, 0.0, 90.0, -90.0])
    by_product = query.PlaceIndex(places).nearest(lon_a, lat_a, k=k)
    entries = placeindex._PRODUCT_MAX_ENTRIES
    placeindex._PRODUCT_MAX_ENTRIES = 0  # every query asks the tree
    try:
        by_tree = query.PlaceIndex(places).nearest(lon_a, lat_a, k=k)
    finally:
        placeindex._PRODUCT_MAX_ENTRIES = entries
    np.testing.assert_array_equal(by_product.position, by_tree.position)
    np.testing.assert_array_equal(by_product.distance_km, by_tree.distance_km)


def test_a_query_of_a_few_points_needs_no_scipy() -> None:
    import subprocess
    import sys

    code = (
        "import sys, geo; a = geo.load(); a.nearest(lat=41.64, lon=48.43, k=3); "
        "print('scipy' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize("km", [1e300, MAX_KM + 0.1, 10**400])
def test_a_radius_beyond_half_the_earth_is_refused(atlas: Atlas, km: float) -> None:
    with pytest.raises(
        geo.UsageError,
        match=r"^Got km=[0-9e+.]+; `km` must be (at most 20037\.5 \(half the Earth's "
        r"circumference: every place is closer\)|a finite number of kilometres >= 0)$",
    ):
        query.within(atlas.places, lat=40.41, lon=49.87, km=km)


def test_geo_query_within_a_huge_radius_is_a_usage_error_and_writes_no_map(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from geo.cli import cli

    page = tmp_path / "m.html"
    args = ["query", "within", "--lat", "40.41", "--lon", "49.87", "--km", "1e300"]
    result = CliRunner().invoke(cli, [*args, "--map", str(page)])
    assert result.exit_code == 2, result.output
    assert result.output == (
        "error: Got km=1e+300; `km` must be at most 20037.5 "
        "(half the Earth's circumference: every place is closer)\n"
    )
    assert not page.exists()
    args[-1] = str(MAX_KM)
    result = CliRunner().invoke(cli, [*args, "--map", str(page), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert page.is_file()


# --------------------------------------------------------------------------- stale checks


def _with_checks(atlas: Atlas, checks: dict[str, Any]) -> gpd.GeoDataFrame:
    places = atlas.places.copy()
    places["checked_on"] = [checks.get(i) for i in places["id"]]
    return places


def test_stale_lists_places_never_checked_or_checked_too_long_ago(atlas: Atlas) -> None:
    places = _with_checks(
        atlas, {"rocb-europe": "2026-12-06", "rocb-ap": "2025-12-07", "rocb-esa": "2025-12-06"}
    )
    due = query.stale(places, "12m", today=dt.date(2026, 12, 7), kind="rocb")
    # a check exactly 12 months ago is not yet due; a day earlier is
    assert due["id"].tolist() == ["rocb-esa", "rocb-americas", "rocb-mena", "rocb-wca"]
    assert list(due.columns) == list(places.columns)


def test_stale_without_any_checked_on_lists_every_place(atlas: Atlas) -> None:
    places = atlas.places.drop(columns=["checked_on"], errors="ignore")
    assert len(query.stale(places, "1y", today=dt.date(2026, 12, 7))) == len(places)


@pytest.mark.parametrize(
    ("age", "cutoff"),
    [
        ("90d", "2026-09-08"),
        ("2w", "2026-11-23"),
        ("1m", "2026-11-07"),
        ("1Y", "2025-12-07"),
        (" 0d ", "2026-12-07"),
    ],
)
def test_stale_counts_back_the_age(atlas: Atlas, age: str, cutoff: str) -> None:
    day = dt.date.fromisoformat(cutoff)
    before, on = str(day - dt.timedelta(days=1)), str(day)
    places = _with_checks(atlas, {"rocb-europe": before, "rocb-ap": on})
    due = set(query.stale(places, age, today=dt.date(2026, 12, 7), kind="rocb")["id"])
    assert "rocb-europe" in due and "rocb-ap" not in due


def test_a_month_back_from_the_31st_is_the_end_of_the_shorter_month(atlas: Atlas) -> None:
    places = _with_checks(atlas, {"rocb-europe": "2026-02-27", "rocb-ap": "2026-02-28"})
    due = set(query.stale(places, "1m", today=dt.date(2026, 3, 31), kind="rocb")["id"])
    assert "rocb-europe" in due and "rocb-ap" not in due


@pytest.mark.parametrize("age", ["12", "m", "12x", "-1m", "1.5y", ""])
def test_stale_refuses_an_age_that_is_not_one(atlas: Atlas, age: str) -> None:
    with pytest.raises(geo.UsageError, match=r"^Got an age of .*; expected a whole number"):
        query.stale(atlas.places, age)


@pytest.mark.parametrize("value", ["2026-13-01", "7 Dec 2026", "2026-12", 20261207])
def test_stale_names_a_place_whose_checked_on_is_not_a_date(atlas: Atlas, value: Any) -> None:
    places = _with_checks(atlas, {"rocb-europe": value})
    with pytest.raises(geo.UsageError, match=r"^Place 'rocb-europe': checked_on .* is not a date"):
        query.stale(places, "12m", today=dt.date(2026, 12, 7))


def test_the_shipped_checks_are_dated(atlas: Atlas) -> None:
    checked = atlas.places.dropna(subset=["checked_on"])
    assert len(checked) > 0
    assert query.stale(checked, "0d", today=dt.date(2026, 12, 7)).empty


# ------------------------------------------- the owner raster gives the search's answers


@settings(max_examples=30, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    spread=st.sampled_from([0.0, 1e-9, 0.01, 1.0, 20.0]),
    kind=st.sampled_from([None, *KINDS]),
)
def test_owner_raster_gives_the_searchs_answers(
    atlas: Atlas, seed: int, spread: float, kind: str | None
) -> None:
    """Points between two places (where the raster must leave the search to decide), near
    places, anywhere, and on cell edges: the same place and km with the raster as without."""
    from geo import placeindex

    rng = np.random.default_rng(seed)
    xy = shapely.get_coordinates(atlas.places.geometry.values)
    a, b = xy[rng.integers(0, len(xy), 3000)], xy[rng.integers(0, len(xy), 3000)]
    middle = (a + b) / 2 + rng.normal(0, spread, (3000, 2))
    near = a + rng.normal(0, spread, (3000, 2))
    cell = placeindex._OWNER_CELL_DEG
    edges = np.round(rng.uniform(-1, 1, (3000, 2)) * [180, 90] / cell) * cell
    lon = np.clip(
        np.r_[middle[:, 0], near[:, 0], rng.uniform(-180, 180, 3000), edges[:, 0]], -180, 180
    )
    lat = np.clip(np.r_[middle[:, 1], near[:, 1], rng.uniform(-90, 90, 3000), edges[:, 1]], -90, 90)
    fast = query.PlaceIndex(atlas.places, kind=kind)
    owners = fast._owner_grid()  # in memory: every k=1 query uses it
    if kind is None:  # one place (hq) owns every cell
        assert (owners >= 0).mean() > 0.5 and (owners < 0).any()
    searched = query.PlaceIndex(atlas.places, kind=kind)
    entries = placeindex._OWNER_MIN_POINTS
    placeindex._OWNER_MIN_POINTS = 10**12
    try:
        expected = searched.nearest(lon, lat, k=1)
    finally:
        placeindex._OWNER_MIN_POINTS = entries
    assert searched._owners is None
    got = fast.nearest(lon, lat, k=1)
    np.testing.assert_array_equal(got.position, expected.position)
    np.testing.assert_array_equal(got.distance_km, expected.distance_km)


def test_owner_raster_cells_hold_their_points_nearest_place(atlas: Atlas) -> None:
    """Every sure cell's place is the brute-force nearest of random points in the cell."""
    from geo import placeindex

    index = query.PlaceIndex(atlas.places)
    owners = index._owner_grid()
    rng = np.random.default_rng(5)
    iy, ix = np.nonzero(owners >= 0)
    pick = rng.integers(0, len(iy), 2000)
    cell = placeindex._OWNER_CELL_DEG
    lon = -180 + (ix[pick] + rng.uniform(0, 1, 2000)) * cell
    lat = -90 + (iy[pick] + rng.uniform(0, 1, 2000)) * cell
    xy = shapely.get_coordinates(atlas.places.geometry.values)
    geod = pyproj.Geod(ellps="WGS84")
    for x, y, owner in zip(lon, lat, owners[iy[pick], ix[pick]], strict=True):
        d = geod.inv(np.full(len(xy), x), np.full(len(xy), y), xy[:, 0], xy[:, 1])[2]
        assert int(np.argmin(d)) == index._rows[owner]
