"""geo.points: the same answers as the atlas, by every route (formats, chunks, Dask, CLI)."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import math
import os
import re
import sys
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import pytest
import shapely
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import geo
from geo import countries, locks, placeindex, query, sphere
from geo.cli import cli
from geo.cli.enrich import ProgressBar
from geo.countries import _GRID_MIN_POINTS
from geo.enrich import country_columns
from geo.errors import InvalidPointsError
from geo.points import ADDED_COLUMNS, OnInvalid, Progress, enrich_file, enrich_points
from geo.points.enrich import Enricher, nearest_place
from geo.points.geoparquet import points_wkb, wkb_points_xy
from tests.conftest_data import copy_data
from tests.edge_cases import CASES

GEOD = pyproj.Geod(ellps="WGS84")
COUNTRY_COLUMNS = ["iso3", "country", "region", "region_name", "member", "located_by"]


@pytest.fixture(scope="module")
def atlas() -> geo.Atlas:
    return geo.load()


def catalogue() -> pd.DataFrame:
    """The edge-case catalogue as a table of points, with text columns of its own."""
    return pd.DataFrame(
        {
            "name": [c[0] for c in CASES],
            "lat": [c[1] for c in CASES],
            "lon": [c[2] for c in CASES],
        }
    )


def random_points(n: int, seed: int, atlas: geo.Atlas) -> tuple[np.ndarray, np.ndarray]:
    """Half uniform on the sphere, half within about 20 km of a country boundary."""
    rng = np.random.default_rng(seed)
    half = n // 2
    lon = rng.uniform(-180, 180, half)
    lat = np.degrees(np.arcsin(rng.uniform(-1, 1, half)))
    vertices = atlas.countries._piece_xy.reshape(-1, 2)
    pick = vertices[rng.integers(0, len(vertices), n - half)]
    near_lon = np.clip(pick[:, 0] + rng.normal(0, 0.2, n - half), -180, 180)
    near_lat = np.clip(pick[:, 1] + rng.normal(0, 0.2, n - half), -90, 90)
    return np.r_[lon, near_lon], np.r_[lat, near_lat]


def write_csv(path: Path, frame: pd.DataFrame) -> Path:
    frame.to_csv(path, index=False)
    return path


def read_any(path: Path) -> pd.DataFrame:
    if path.suffix == ".csv":
        return pd.read_csv(path, dtype=str, keep_default_na=False)
    if path.suffix == ".parquet":
        return gpd.read_parquet(path)
    return gpd.read_file(path)


# -- the answers ---------------------------------------------------------------


@pytest.mark.parametrize(("name", "lat", "lon", "iso3", "region", "member"), CASES)
def test_catalogue_agrees_with_locate(
    atlas: geo.Atlas,
    name: str,
    lat: float,
    lon: float,
    iso3: str | None,
    region: str | None,
    member: bool,
) -> None:
    out = enrich_points(pd.DataFrame({"lat": [lat], "lon": [lon]}), atlas=atlas).iloc[0]
    loc = atlas.locate(lat=lat, lon=lon)
    got = (None if pd.isna(out.iso3) else out.iso3, None if pd.isna(out.region) else out.region)
    assert got == (loc.iso3, loc.region) == (iso3, region), name
    assert bool(out.member) is loc.member is member
    assert out.located_by == loc.located_by
    assert out.country_distance_km == pytest.approx(loc.distance_km, nan_ok=True)


def test_border_points_follow_the_rule(atlas: geo.Atlas) -> None:
    points = pd.DataFrame(
        {"lat": [41.6367, -29.31, 0.0], "lon": [48.4303, 27.48, -30.0]},
        index=["samur", "maseru", "sea"],
    )
    out = enrich_points(points, atlas=atlas)
    assert out.loc["samur", "iso3"] == "AZE" and out.loc["samur", "nearest_id"] == "samur"
    assert out.loc["maseru", "iso3"] == "LSO"
    assert pd.isna(out.loc["sea", "iso3"]) and out.loc["sea", "located_by"] == "none"
    assert not out.loc["sea", "member"]


def test_table_of_a_whole_catalogue_agrees_with_locate(atlas: geo.Atlas) -> None:
    out = enrich_points(catalogue(), atlas=atlas)
    for row in out.itertuples():
        loc = atlas.locate(lat=row.lat, lon=row.lon)
        assert (row.iso3 if isinstance(row.iso3, str) else None) == loc.iso3, row.name


def test_country_columns_match_the_core(atlas: geo.Atlas) -> None:
    lon, lat = random_points(4000, 1, atlas)
    lon, lat = np.r_[lon, [c[2] for c in CASES]], np.r_[lat, [c[1] for c in CASES]]
    ours = enrich_points(pd.DataFrame({"lon": lon, "lat": lat}), atlas=atlas)
    core = country_columns(lon, lat, atlas.countries, atlas.membership)
    for column in COUNTRY_COLUMNS:
        a = ours[column].astype(object).where(ours[column].notna(), None).tolist()
        b = core[column].astype(object).where(core[column].notna(), None).tolist()
        assert a == b, column
    np.testing.assert_array_equal(ours["country_distance_km"], core["country_distance_km"])


def grid_test_points(atlas: geo.Atlas) -> tuple[np.ndarray, np.ndarray]:
    """Random points, points near boundaries, and points on raster cell edges and corners."""
    lon, lat = random_points(45_000, 2, atlas)
    rng = np.random.default_rng(3)
    # exactly on cell edges: the US-Canada border at 49 N, Egypt-Libya at 25 E, cell corners
    edge_lon = np.r_[
        rng.uniform(-123, -95, 3000),
        np.full(3000, 25.0),
        np.round(rng.uniform(-180, 180, 3000) * 8) / 8,
    ]
    edge_lat = np.r_[
        np.full(3000, 49.0),
        rng.uniform(22, 31.5, 3000),
        np.round(rng.uniform(-90, 90, 3000) * 8) / 8,
    ]
    special_lon = np.array([180.0, -180.0, 0.0, 179.99, -179.99, 0.0, 0.0])
    special_lat = np.array([0.0, 0.0, 90.0, -16.5, 65.5, -90.0, 89.9])
    case_lon = np.array([c[2] for c in CASES])
    case_lat = np.array([c[1] for c in CASES])
    return np.r_[lon, edge_lon, special_lon, case_lon], np.r_[lat, edge_lat, special_lat, case_lat]


@pytest.mark.parametrize("tolerance_km", [25.0, 5.0, 40.0])
def test_raster_path_gives_the_rules_exact_answer(atlas: geo.Atlas, tolerance_km: float) -> None:
    lon, lat = grid_test_points(atlas)
    assert len(lon) >= _GRID_MIN_POINTS  # large enough to use the raster
    fast = atlas.countries.locate_many(lon, lat, tolerance_km=tolerance_km)
    exact = atlas.countries._locate_exact(lon, lat, tolerance_km)
    np.testing.assert_array_equal(fast.row, exact.row)
    np.testing.assert_array_equal(fast.distance_km, exact.distance_km)


def test_raster_leaves_invalid_points_to_the_rule(atlas: geo.Atlas) -> None:
    grid = atlas.countries._answer_grid()
    codes = grid.lookup(
        np.array([np.nan, 200.0, 10.0, 180.0]), np.array([10.0, 10.0, np.inf, 90.0])
    )
    assert codes[:3].tolist() == [countries._EXACT] * 3
    # the last cell holds 180 E, 90 N (at sea, within reach of a coast: the nearest step's)
    assert codes[3] in (countries._EXACT, countries._SEA, countries._NEAR)


def brute_nearest(
    atlas: geo.Atlas, lon: float, lat: float, kind: str | None
) -> tuple[set[str], float]:
    places = atlas.places if kind is None else atlas.places[atlas.places.kind == kind]
    xy = shapely.get_coordinates(places.geometry.values)
    d = (
        np.asarray(GEOD.inv(np.full(len(xy), lon), np.full(len(xy), lat), xy[:, 0], xy[:, 1])[2])
        / 1000
    )
    best = float(d.min())
    return set(places["id"].to_numpy()[d <= best + 1e-9]), best


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    points=st.lists(st.tuples(st.floats(-180, 180), st.floats(-90, 90)), min_size=1, max_size=20),
    kind=st.sampled_from([None, *geo.KINDS]),
)
def test_nearest_agrees_with_brute_force(
    atlas: geo.Atlas, points: list[tuple[float, float]], kind: str | None
) -> None:
    frame = pd.DataFrame(points, columns=["lon", "lat"])
    out = enrich_points(frame, atlas=atlas, kind=kind)
    for row in out.itertuples():
        ids, best = brute_nearest(atlas, row.lon, row.lat, kind)
        assert row.nearest_id in ids
        assert row.nearest_km == pytest.approx(round(best, 3), abs=1e-9)
        if kind is not None:
            assert row.nearest_kind == kind


def test_nearest_is_exactly_query_nearest_many(atlas: geo.Atlas) -> None:
    lon, lat = random_points(200_000, 4, atlas)
    # a point equidistant from two places goes to the earlier one
    lon, lat = np.r_[lon, [48.43, 0.0, 180.0]], np.r_[lat, [41.64, 90.0, -90.0]]
    position, km = nearest_place(query.PlaceIndex(atlas.places), lon, lat)
    expected = query.nearest_many(atlas.places, lon, lat, k=1)
    np.testing.assert_array_equal(position, expected.position[:, 0])
    np.testing.assert_array_equal(km, expected.distance_km[:, 0])


def test_nearest_in_threads_is_the_same_as_in_one(
    atlas: geo.Atlas, monkeypatch: pytest.MonkeyPatch
) -> None:
    lon, lat = random_points(250_000, 7, atlas)  # enough geodesics for threads
    index = query.PlaceIndex(atlas.places)
    threaded = index.nearest(lon, lat, k=2)
    monkeypatch.setattr(placeindex, "THREAD_MIN_POINTS", 10**9)  # the tree query
    monkeypatch.setattr(sphere, "THREAD_MIN_POINTS", 10**9)  # the geodesics
    single = index.nearest(lon, lat, k=2)
    np.testing.assert_array_equal(threaded.position, single.position)
    np.testing.assert_array_equal(threaded.distance_km, single.distance_km)


def test_no_place_of_a_kind_leaves_nearest_empty(atlas: geo.Atlas) -> None:
    places = atlas.places[atlas.places.kind != "hq"]
    index = query.PlaceIndex(places.reset_index(drop=True), kind="hq")
    position, km = nearest_place(index, np.array([0.0]), np.array([0.0]))
    assert position.tolist() == [-1] and np.isnan(km).all()


def test_geodataframe_input_uses_its_geometry_in_any_crs(atlas: geo.Atlas) -> None:
    frame = gpd.GeoDataFrame(
        {"name": ["samur"]}, geometry=[shapely.Point(48.4303, 41.6367)], crs="EPSG:4326"
    ).to_crs("EPSG:3857")
    out = enrich_points(frame, atlas=atlas)
    assert isinstance(out, gpd.GeoDataFrame) and out.crs == frame.crs
    assert out.iloc[0]["iso3"] == "AZE"


def test_index_is_kept_even_with_duplicate_labels(atlas: geo.Atlas) -> None:
    frame = pd.DataFrame({"lat": [41.6367, -29.31, 0.0], "lon": [48.4303, 27.48, -30.0]})
    frame.index = ["x", "x", "y"]
    out = enrich_points(frame, atlas=atlas)
    assert out.index.tolist() == ["x", "x", "y"]
    assert out["iso3"].iloc[:2].tolist() == ["AZE", "LSO"]
    assert out["iso3"].dtype == object


def test_input_frame_is_not_modified(atlas: geo.Atlas) -> None:
    frame = catalogue()
    before = frame.copy()
    enrich_points(frame, atlas=atlas)
    pd.testing.assert_frame_equal(frame, before)


# -- invalid rows -------------------------------------------------------------


def test_invalid_rows_raise_listing_file_row_and_column(atlas: geo.Atlas, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "p.csv",
        pd.DataFrame(
            {
                "id": ["a", "b", "c", "d", "e"],
                "lat": ["1", "abc", "95.2", "", "inf"],
                "lon": ["1", "2", "48.1", "3", "4"],
            }
        ),
    )
    with pytest.raises(InvalidPointsError) as caught:
        enrich_file(path, tmp_path / "out.csv", atlas=atlas)
    message = str(caught.value)
    assert message.startswith("4 rows with invalid coordinates in p.csv:")
    assert (
        "p.csv: row 2 (line 3): column 'lat': got 'abc'; expected a latitude: a number of degrees"
        in message
    )
    assert (
        "p.csv: row 3 (line 4): column 'lat': got '95.2'; expected a latitude in [-90, 90] degrees "
        "(are lat and lon swapped?)" in message
    )
    assert (
        "row 4 (line 5): column 'lat': got ''; "
        "expected a latitude in degrees (the value is missing)" in message
    )
    assert (
        "row 5 (line 6): column 'lat': got 'inf'; expected a finite latitude in degrees" in message
    )
    assert caught.value.count == 4 and [p.index for p in caught.value.problems] == [1, 2, 3, 4]
    assert isinstance(caught.value, geo.GeoError)


def test_many_invalid_rows_are_counted_and_the_first_shown(
    atlas: geo.Atlas, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "p.csv", pd.DataFrame({"lat": ["x"] * 30, "lon": ["200"] * 30}))
    with pytest.raises(
        InvalidPointsError, match=r"^30 rows with invalid coordinates in p\.csv \(the first 20\):"
    ):
        enrich_file(path, tmp_path / "out.csv", atlas=atlas, chunk_rows=7)


def test_invalid_longitude_is_named(atlas: geo.Atlas) -> None:
    frame = pd.DataFrame({"latitude": [10.0], "Longitude": [181.0]})
    with pytest.raises(
        InvalidPointsError,
        match=r"points: row 1: column 'Longitude': got 181\.0; "
        r"expected a longitude in \[-180, 180\] degrees",
    ):
        enrich_points(frame, atlas=atlas)


@pytest.mark.parametrize(
    ("on_invalid", "rows", "iso3"),
    [("skip", ["a", "c"], ["AZE", "LSO"]), ("null", ["a", "b", "c"], ["AZE", None, "LSO"])],
)
def test_invalid_rows_are_skipped_or_kept_empty(
    atlas: geo.Atlas, on_invalid: OnInvalid, rows: list[str], iso3: list[str | None]
) -> None:
    frame = pd.DataFrame(
        {"id": ["a", "b", "c"], "lat": [41.6367, 99.0, -29.31], "lon": [48.4303, 0, 27.48]}
    )
    out = enrich_points(frame, atlas=atlas, on_invalid=on_invalid)
    assert out["id"].tolist() == rows
    assert [v if isinstance(v, str) else None for v in out["iso3"]] == iso3
    if on_invalid == "null":
        assert out.loc[1, ADDED_COLUMNS].isna().all()


def test_geojson_features_that_are_not_points(atlas: geo.Atlas, tmp_path: Path) -> None:
    doc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"id": "ok"},
                "geometry": {"type": "Point", "coordinates": [48.43, 41.63]},
            },
            {
                "type": "Feature",
                "properties": {"id": "line"},
                "geometry": {"type": "LineString", "coordinates": [[0, 0], [1, 1]]},
            },
            {
                "type": "Feature",
                "properties": {"id": "far"},
                "geometry": {"type": "Point", "coordinates": [10, 95]},
            },
        ],
    }
    path = tmp_path / "p.geojson"
    path.write_text(json.dumps(doc))
    with pytest.raises(InvalidPointsError) as caught:
        enrich_file(path, tmp_path / "out.geojson", atlas=atlas)
    message = str(caught.value)
    assert "p.geojson: feature #1: field 'geometry': got 'LineString'; expected a Point" in message
    assert (
        "p.geojson: feature #2: field 'geometry.coordinates[1]': got 95.0; expected a latitude"
        in message
    )
    summary = enrich_file(path, tmp_path / "out.geojson", atlas=atlas, on_invalid="skip")
    assert (summary.rows_read, summary.rows_written, summary.rows_invalid) == (3, 1, 2)


# -- files ------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".csv", ".geojson", ".parquet"])
def test_csv_round_trips_to_every_format(atlas: geo.Atlas, tmp_path: Path, suffix: str) -> None:
    frame = catalogue()
    frame["code"] = ["007"] * len(frame)  # text stays text
    path = write_csv(tmp_path / "points.csv", frame)
    summary = enrich_file(path, tmp_path / f"out{suffix}", atlas=atlas)
    assert (summary.rows_read, summary.rows_written, summary.rows_invalid) == (
        len(frame),
        len(frame),
        0,
    )
    out = read_any(tmp_path / f"out{suffix}")
    expected = enrich_points(frame, atlas=atlas)
    assert [c for c in out.columns if c != "geometry"] == [*frame.columns, *ADDED_COLUMNS]
    assert out["code"].tolist() == ["007"] * len(frame)
    for column in ("iso3", "country", "region", "located_by", "nearest_id", "nearest_name"):
        got = [v if isinstance(v, str) and v else None for v in out[column]]
        want = [v if isinstance(v, str) else None for v in expected[column]]
        assert got == want, column
    np.testing.assert_allclose(
        pd.to_numeric(out["nearest_km"]), expected["nearest_km"].to_numpy(), rtol=0, atol=1e-9
    )
    if suffix != ".csv":
        assert out.crs.to_epsg() == 4326
        xy = shapely.get_coordinates(out.geometry.values)
        np.testing.assert_array_equal(xy[:, 0], frame["lon"]) and np.testing.assert_array_equal(
            xy[:, 1], frame["lat"]
        )


def test_csv_to_csv_keeps_the_input_text(atlas: geo.Atlas, tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text(
        'Name,Y,X,iso3\nSamur,41.6367,48.4303,XXX\n"Quoted ""a, b""",-29.310,27.48,\n',
        encoding="utf-8",
    )
    enrich_file(path, tmp_path / "out.csv", atlas=atlas)
    lines = (tmp_path / "out.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "Name,Y,X," + ",".join(ADDED_COLUMNS)  # the input's iso3 is replaced
    assert lines[1].startswith(
        "Samur,41.6367,48.4303,AZE,Azerbaijan,EUR,Europe,True,inside,0.0,samur,"
    )
    assert lines[2].startswith('"Quoted ""a, b""",-29.310,27.48,LSO,')


def test_geojson_round_trip(atlas: geo.Atlas, tmp_path: Path) -> None:
    frame = catalogue()
    source = gpd.GeoDataFrame(
        frame[["name"]], geometry=shapely.points(frame["lon"], frame["lat"]), crs="EPSG:4326"
    )
    source.to_file(tmp_path / "p.geojson", driver="GeoJSON")
    for suffix in (".geojson", ".parquet", ".csv"):
        enrich_file(tmp_path / "p.geojson", tmp_path / f"out{suffix}", atlas=atlas)
    doc = json.loads((tmp_path / "out.geojson").read_text(encoding="utf-8"))
    assert doc["type"] == "FeatureCollection" and len(doc["features"]) == len(frame)
    first = doc["features"][1]
    assert first["geometry"] == {"type": "Point", "coordinates": [CASES[1][2], CASES[1][1]]}
    assert first["properties"]["iso3"] == "AZE" and first["properties"]["member"] is True
    assert doc["features"][9]["properties"]["iso3"] is None  # at sea
    parquet = gpd.read_parquet(tmp_path / "out.parquet")
    assert parquet["name"].tolist() == frame["name"].tolist()
    assert list(pd.read_csv(tmp_path / "out.csv").columns) == ["name", *ADDED_COLUMNS]


def test_geoparquet_round_trip_keeps_column_types(atlas: geo.Atlas, tmp_path: Path) -> None:
    frame = catalogue()
    source = gpd.GeoDataFrame(
        {"name": frame["name"], "count": np.arange(len(frame), dtype="int32")},
        geometry=shapely.points(frame["lon"], frame["lat"]),
        crs="EPSG:4326",
    )
    source.to_parquet(tmp_path / "p.parquet")
    enrich_file(tmp_path / "p.parquet", tmp_path / "out.parquet", atlas=atlas, chunk_rows=5)
    out = gpd.read_parquet(tmp_path / "out.parquet")
    assert out["count"].dtype == "int32" and out["count"].tolist() == list(range(len(frame)))
    assert out.geometry.equals(source.geometry)
    expected = enrich_points(source, atlas=atlas)
    assert out["nearest_id"].tolist() == expected["nearest_id"].tolist()


def test_plain_parquet_with_lat_lon_columns(atlas: geo.Atlas, tmp_path: Path) -> None:
    catalogue().to_parquet(tmp_path / "p.parquet")
    enrich_file(tmp_path / "p.parquet", tmp_path / "out.csv", atlas=atlas)
    out = pd.read_csv(tmp_path / "out.csv")
    assert out["iso3"].iloc[1] == "AZE"


def test_chunked_equals_unchunked_and_raster_equals_exact(atlas: geo.Atlas, tmp_path: Path) -> None:
    lon, lat = random_points(_GRID_MIN_POINTS + 2000, 5, atlas)
    frame = pd.DataFrame({"i": np.arange(len(lon)), "lat": lat, "lon": lon})
    path = write_csv(tmp_path / "p.csv", frame)
    # one chunk uses the answer raster; chunks below _GRID_MIN_POINTS do not
    enrich_file(path, tmp_path / "one.csv", atlas=atlas, chunk_rows=10**6)
    enrich_file(path, tmp_path / "many.csv", atlas=atlas, chunk_rows=9_999)
    assert (tmp_path / "one.csv").read_bytes() == (tmp_path / "many.csv").read_bytes()
    enrich_file(path, tmp_path / "one.parquet", atlas=atlas, chunk_rows=10**6)
    enrich_file(path, tmp_path / "many.parquet", atlas=atlas, chunk_rows=9_999)
    pd.testing.assert_frame_equal(
        gpd.read_parquet(tmp_path / "one.parquet"), gpd.read_parquet(tmp_path / "many.parquet")
    )


def test_progress_is_reported_per_chunk(atlas: geo.Atlas, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "p.csv", pd.concat([catalogue()] * 4, ignore_index=True))
    seen: list[Progress] = []
    enrich_file(path, tmp_path / "out.csv", atlas=atlas, chunk_rows=30, progress=seen.append)
    assert [p.rows for p in seen] == [30, 60, 90, 108]
    assert seen[-1].fraction == 1.0
    fractions = [p.fraction for p in seen]
    assert fractions == sorted(fractions)


def test_header_only_csv_gives_header_only_output(atlas: geo.Atlas, tmp_path: Path) -> None:
    (tmp_path / "p.csv").write_text("lat,lon,name\n", encoding="utf-8")
    summary = enrich_file(tmp_path / "p.csv", tmp_path / "out.csv", atlas=atlas)
    assert summary.rows_written == 0
    assert (tmp_path / "out.csv").read_text().strip() == "lat,lon,name," + ",".join(ADDED_COLUMNS)
    enrich_file(tmp_path / "p.csv", tmp_path / "out.parquet", atlas=atlas)
    empty = gpd.read_parquet(tmp_path / "out.parquet")
    assert len(empty) == 0 and list(empty.columns) == [
        "lat",
        "lon",
        "name",
        *ADDED_COLUMNS,
        "geometry",
    ]


# -- failures leave nothing behind --------------------------------------------------


def test_failure_leaves_no_partial_output(atlas: geo.Atlas, tmp_path: Path) -> None:
    frame = catalogue()
    bad = pd.concat([frame] * 5, ignore_index=True)
    bad.loc[len(bad) - 1, "lat"] = 123.0  # in the last chunk: earlier chunks were written
    path = write_csv(tmp_path / "p.csv", bad)
    out = tmp_path / "out.csv"
    out.write_text("old output\n")
    with pytest.raises(
        InvalidPointsError, match=r"row 135 \(line 136\): column 'lat': got '123\.0'"
    ):
        enrich_file(path, out, atlas=atlas, chunk_rows=20)
    assert out.read_text() == "old output\n"
    with pytest.raises(InvalidPointsError):
        enrich_file(path, tmp_path / "new.parquet", atlas=atlas, chunk_rows=20)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv", "p.csv"]


@pytest.mark.parametrize(
    ("setup", "kwargs", "error", "message"),
    [
        (
            "none",
            {},
            geo.DataError,
            r"nope\.csv: field '\(file\)': got '.*nope\.csv'; expected an existing file",
        ),
        (
            "cols",
            {},
            geo.DataError,
            r"p\.csv: field '\(columns\)': got \['a', 'b'\]; "
            r"expected a latitude column named 'lat', "
            r"'latitude' or 'y' \(any case\), or one chosen with --lat-column",
        ),
        (
            "two",
            {},
            geo.DataError,
            r"got \['lat', 'Latitude', 'lon'\]; "
            r"expected one latitude column, not several \(choose with --lat-column\)",
        ),
        (
            "ok",
            {"lat_column": "Y"},
            geo.DataError,
            r"p\.csv: field '\(columns\)': got \['lat', 'lon'\]; "
            r"expected a column 'Y' \(latitude\)",
        ),
        (
            "ok",
            {"on_invalid": "warn"},
            geo.UsageError,
            r"Got on_invalid='warn'; `on_invalid` must be one of \{'raise', 'skip', 'null'\}",
        ),
        (
            "ok",
            {"engine": "spark"},
            geo.UsageError,
            r"Got engine='spark'; `engine` must be one of \{'local', 'dask'\}",
        ),
        (
            "ok",
            {"chunk_rows": 0},
            geo.UsageError,
            r"Got chunk_rows=0; `chunk_rows` must be a positive integer",
        ),
        ("ok", {"kind": "office"}, geo.UsageError, r"Got kind='office'; `kind` must be one of"),
        ("ok", {"engine": "dask"}, geo.UsageError, r"engine='dask' reads and writes GeoParquet"),
        (
            "empty",
            {},
            geo.DataError,
            r"p\.csv: field '\(header\)': got ''; expected a header row of column names",
        ),
    ],
)
def test_errors_name_the_file_and_what_is_wrong(
    atlas: geo.Atlas,
    tmp_path: Path,
    setup: str,
    kwargs: dict[str, object],
    error: type[Exception],
    message: str,
) -> None:
    path = tmp_path / ("nope.csv" if setup == "none" else "p.csv")
    header = {
        "cols": "a,b\n1,2\n",
        "two": "lat,Latitude,lon\n1,2,3\n",
        "ok": "lat,lon\n1,2\n",
        "empty": "",
    }
    if setup != "none":
        path.write_text(header[setup])
    with pytest.raises(error, match=message):
        enrich_file(path, tmp_path / "out.csv", atlas=atlas, **kwargs)  # type: ignore[arg-type]
    assert not (tmp_path / "out.csv").exists()


def test_bad_output_extension_and_same_file(atlas: geo.Atlas, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "p.csv", catalogue())
    with pytest.raises(
        geo.UsageError,
        match=r"Got output='.*out\.txt'; the output file's extension must be one of "
        r"\{'\.csv', '\.geojson', '\.json', '\.parquet'\}",
    ):
        enrich_file(path, tmp_path / "out.txt", atlas=atlas)
    with pytest.raises(
        geo.UsageError, match=r"Got input and output '.*p\.csv'; write the output to another file"
    ):
        enrich_file(path, path, atlas=atlas)
    with pytest.raises(
        geo.UsageError, match=r"Got points of type list; `points` must be a pandas DataFrame"
    ):
        enrich_points([[1, 2]], atlas=atlas)  # type: ignore[arg-type]


# -- Dask -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dask_client() -> object:
    import distributed  # the dask extra; a missing one fails these tests, never skips them

    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0"
    )
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()


def partitioned(tmp_path: Path, atlas: geo.Atlas, n: int = 6000, parts: int = 3) -> Path:
    lon, lat = random_points(n, 6, atlas)
    frame = gpd.GeoDataFrame(
        {"i": np.arange(n), "name": [f"p{i}" for i in range(n)]},
        geometry=shapely.points(lon, lat),
        crs="EPSG:4326",
    )
    folder = tmp_path / "parts"
    folder.mkdir()
    for k, start in enumerate(range(0, n, n // parts)):
        frame.iloc[start : start + n // parts].to_parquet(folder / f"part.{k}.parquet")
    return folder


def test_dask_gives_the_single_machine_result(
    atlas: geo.Atlas, tmp_path: Path, dask_client: object
) -> None:
    folder = partitioned(tmp_path, atlas)
    local = enrich_file(folder, tmp_path / "local.parquet", atlas=atlas)
    summary = enrich_file(folder, tmp_path / "dask.parquet", engine="dask")
    assert (summary.rows_read, summary.rows_written, summary.rows_invalid) == (6000, 6000, 0)
    assert local.rows_written == 6000
    parts = sorted((tmp_path / "dask.parquet").glob("*.parquet"))
    assert len(parts) == 3
    from_dask = pd.concat([gpd.read_parquet(p) for p in parts], ignore_index=True)
    single = gpd.read_parquet(tmp_path / "local.parquet")
    pd.testing.assert_frame_equal(from_dask, single, check_dtype=False)
    # and read back as one partitioned dataset
    assert len(gpd.read_parquet(tmp_path / "dask.parquet")) == 6000


def test_dask_workers_in_another_folder_enrich_file_urls_as_the_local_engine(
    atlas: geo.Atlas, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import distributed

    folder = partitioned(tmp_path, atlas, n=3000, parts=6)
    copy_data(tmp_path / "mine")  # the user's own data folder, named relative to the caller
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # the worker processes start here: no data/, no parts/
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            scheduler_port=0,
            dashboard_address=":0",
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        monkeypatch.chdir(tmp_path)  # the caller's folder
        assert set(client.run(os.getcwd).values()) == {str(elsewhere)}
        from geo.points.dask import bundles_received

        here = bundles_received()
        summary = enrich_file(
            folder.as_uri(), (tmp_path / "out").as_uri(), engine="dask", data_dir="mine/data"
        )
        # the data folder reached each worker process once, not with each of the 6 tasks
        assert list(client.run(bundles_received).values()) == [1, 1]
        assert bundles_received() == here  # the client kept its own
    assert (summary.rows_read, summary.rows_written) == (3000, 3000)
    enrich_file(folder, tmp_path / "local.parquet", atlas=atlas)
    parts = sorted((tmp_path / "out").glob("*.parquet"))
    from_dask = pd.concat([gpd.read_parquet(p) for p in parts], ignore_index=True)
    single = gpd.read_parquet(tmp_path / "local.parquet")
    pd.testing.assert_frame_equal(from_dask, single, check_dtype=False)
    if os.name == "posix":  # the output folder has the user's umask, not mkdtemp's 0700
        mask = os.umask(0o022)
        os.umask(mask)
        assert (tmp_path / "out").stat().st_mode & 0o777 == 0o777 & ~mask


def test_urls_the_engine_cannot_reach_are_refused_clearly(tmp_path: Path) -> None:
    with pytest.raises(
        geo.UsageError,
        match=r"Got 's3://bucket/p\.parquet'; the local engine reads .*not s3:// "
        r"\(use engine='dask'",
    ):
        enrich_file("s3://bucket/p.parquet", tmp_path / "out.parquet")
    # the Dask engine takes any fsspec URL whose file system is installed (s3fs is not here)
    with pytest.raises(geo.UsageError, match=r"Got input 's3://bucket/parts'; .*s3fs"):
        enrich_file("s3://bucket/parts", tmp_path / "out", engine="dask")
    with pytest.raises(geo.UsageError, match=r"Got output 'nosuch://x/out'; .*nosuch"):
        enrich_file(tmp_path, "nosuch://x/out", engine="dask")
    assert not (tmp_path / "out").exists()


def test_dask_reads_each_input_file_once_between_memory_urls(
    atlas: geo.Atlas, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """memory:// in and out on Dask's local scheduler: each file opened and its footer read once."""
    import fsspec
    import pyarrow.parquet as pq
    from fsspec.implementations.memory import MemoryFileSystem

    folder = partitioned(tmp_path, atlas, n=4000, parts=4)
    memory = fsspec.filesystem("memory")
    root = f"/geo-test-{os.getpid()}"
    for path in sorted(folder.iterdir()):
        memory.pipe(f"{root}/in/{path.name}", path.read_bytes())
    opened: list[tuple[str, str]] = []
    footers: list[object] = []
    open_file, parquet_file = MemoryFileSystem._open, pq.ParquetFile.__init__

    def counting_open(self: Any, path: str, mode: str = "rb", **kwargs: Any) -> Any:
        opened.append((path, mode))
        return open_file(self, path, mode, **kwargs)

    def counting_footer(self: Any, source: Any, *args: Any, **kwargs: Any) -> None:
        footers.append(source)
        parquet_file(self, source, *args, **kwargs)

    monkeypatch.setattr(MemoryFileSystem, "_open", counting_open)
    monkeypatch.setattr(pq.ParquetFile, "__init__", counting_footer)
    seen: list[Progress] = []
    try:
        summary = enrich_file(
            f"memory://{root}/in", f"memory://{root}/out", engine="dask", progress=seen.append
        )
        reads = sorted(p for p, mode in opened if mode == "rb")
        assert reads == [f"{root}/in/part.{k}.parquet" for k in range(4)]  # each once
        assert len(footers) == 4
        assert (summary.rows_read, summary.rows_written) == (4000, 4000)
        assert summary.output == f"memory://{root}/out"
        # a progress report per file, by bytes, ending at 1
        assert [p.fraction for p in seen][-1] == 1.0 and len(seen) == 4
        assert sorted(p.rows for p in seen) == [1000, 2000, 3000, 4000]
        outputs = sorted(memory.ls(f"{root}/out", detail=False))
        assert [o.rsplit("/", 1)[1] for o in outputs] == [f"part.{k:06d}.parquet" for k in range(4)]
        assert not [p for p in memory.ls(root, detail=False) if p.endswith(".tmp")]
        from_dask = pd.concat(
            [gpd.read_parquet(io.BytesIO(memory.cat(o))) for o in outputs], ignore_index=True
        )
    finally:
        memory.rm(root, recursive=True)
    enrich_file(folder, tmp_path / "local.parquet", atlas=atlas)
    single = gpd.read_parquet(tmp_path / "local.parquet")
    pd.testing.assert_frame_equal(from_dask, single, check_dtype=False)


def test_dask_invalid_rows_name_the_partition(
    atlas: geo.Atlas, tmp_path: Path, dask_client: object
) -> None:
    frame = gpd.GeoDataFrame(
        {"i": [0, 1]}, geometry=[shapely.Point(0, 0), shapely.Point(0, 100)], crs="EPSG:4326"
    )
    frame.to_parquet(tmp_path / "p.parquet")
    with pytest.raises(
        InvalidPointsError,
        match=r"in p\.parquet:\n  p\.parquet: row 2: column 'geometry\.y': got 100\.0",
    ):
        enrich_file(tmp_path / "p.parquet", tmp_path / "out.parquet", engine="dask")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.parquet"]
    summary = enrich_file(
        tmp_path / "p.parquet", tmp_path / "out.parquet", engine="dask", on_invalid="null"
    )
    assert (summary.rows_written, summary.rows_invalid) == (2, 1)


# -- the command ---------------------------------------------------------------------


def test_cli_enrich(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "p.csv", catalogue())
    runner = CliRunner()
    result = runner.invoke(
        cli, ["enrich", str(path), str(tmp_path / "out.parquet"), "--kind", "rocb"]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert re.search(r"enriched 27 rows into .*out\.parquet in \d+\.\d s", result.stderr)
    out = gpd.read_parquet(tmp_path / "out.parquet")
    assert set(out["nearest_kind"]) == {"rocb"}
    silent = runner.invoke(cli, ["enrich", str(path), str(tmp_path / "out.csv"), "--silent"])
    assert silent.exit_code == 0 and silent.stderr == "" and silent.stdout == ""


def test_cli_errors_exit_non_zero_without_traceback(tmp_path: Path) -> None:
    (tmp_path / "p.csv").write_text("lat,lon\n1,2\n95,3\n")
    result = CliRunner().invoke(cli, ["enrich", str(tmp_path / "p.csv"), str(tmp_path / "out.csv")])
    assert result.exit_code == 1
    assert result.stderr.startswith("error: 1 row with invalid coordinates in p.csv:")
    assert "row 2 (line 3): column 'lat': got '95'" in result.stderr
    assert "Traceback" not in result.output
    assert not (tmp_path / "out.csv").exists()
    skip = CliRunner().invoke(
        cli, ["enrich", str(tmp_path / "p.csv"), str(tmp_path / "out.csv"), "--on-invalid", "skip"]
    )
    assert skip.exit_code == 0 and "1 invalid (1 skipped)" in skip.stderr
    usage = CliRunner().invoke(cli, ["enrich", str(tmp_path / "p.csv"), str(tmp_path / "out.xlsx")])
    assert usage.exit_code == 2 and "extension must be one of" in usage.stderr


class _Terminal(io.StringIO):
    """A stream that says it is a terminal, as stderr in a shell does."""

    def isatty(self) -> bool:
        return True


def test_the_progress_bar_is_tqdms_and_follows_the_input_read() -> None:
    from geo.points import Progress

    terminal = _Terminal()
    bar = ProgressBar(terminal, "enriching")
    bar.update(Progress(rows=250_000, fraction=0.5))
    bar.update(Progress(rows=500_000, fraction=1.0))
    bar.close()
    drawn = terminal.getvalue()
    assert "enriching |" in drawn and " 50%, 250,000 rows (" in drawn
    assert "100%, 500,000 rows" in drawn
    assert drawn.endswith("\n")  # the line is ended: the summary comes on its own
    assert ProgressBar.rows(250_000, 2.0) == "250,000 rows (125,000 rows/s)"
    unknown = _Terminal()
    bar = ProgressBar(unknown, "enriching")
    bar.update(Progress(rows=10, fraction=None))  # a size not known: rows only, no share
    bar.close()
    assert "10 rows" in unknown.getvalue()


def test_no_progress_bar_off_a_terminal_and_no_tqdm_imported() -> None:
    import subprocess

    code = (
        "import io, sys; from geo.cli.enrich import ProgressBar; from geo.points import Progress;"
        "b = ProgressBar(io.StringIO(), 'x'); b.update(Progress(rows=1, fraction=0.5)); b.close();"
        "print('tqdm' in sys.modules, repr(b.stream.getvalue()))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "''"]


def test_cli_help_lists_examples() -> None:
    result = CliRunner().invoke(cli, ["enrich", "--help"])
    assert result.exit_code == 0
    assert "geo enrich shipments.csv shipments_enriched.parquet" in result.output


def test_distances_are_rounded_to_the_metre(atlas: geo.Atlas) -> None:
    out = enrich_points(pd.DataFrame({"lat": [52.0], "lon": [4.0]}), atlas=atlas)
    km = float(out["nearest_km"].iloc[0])
    assert km == round(km, 3) and not math.isnan(km)


def test_geoparquet_null_and_empty_geometries(atlas: geo.Atlas, tmp_path: Path) -> None:
    frame = gpd.GeoDataFrame(
        {"i": [0, 1, 2]},
        geometry=[shapely.Point(48.4303, 41.6367), None, shapely.Point()],
        crs="EPSG:4326",
    )
    frame.to_parquet(tmp_path / "p.parquet")
    with pytest.raises(InvalidPointsError) as caught:
        enrich_file(tmp_path / "p.parquet", tmp_path / "out.parquet", atlas=atlas)
    message = str(caught.value)
    assert "p.parquet: row 2: column 'geometry': got 'null'; expected a Point" in message
    assert "p.parquet: row 3: column 'geometry': got 'an empty point'; expected a Point" in message
    enrich_file(tmp_path / "p.parquet", tmp_path / "out.parquet", atlas=atlas, on_invalid="null")
    out = gpd.read_parquet(tmp_path / "out.parquet")
    assert out.geometry.isna().tolist() == [False, True, True]
    assert out["iso3"].iloc[0] == "AZE" and out["iso3"].iloc[1:].isna().all()


def test_wkb_points_are_read_and_written_without_geometry_objects() -> None:
    import pyarrow as pa

    lon, lat = np.array([48.4303, -180.0, 1e-300]), np.array([41.6367, 90.0, -0.0])
    valid = np.array([True, True, True])
    wkb = points_wkb(lon, lat, valid)
    assert wkb.to_pylist() == [
        shapely.to_wkb(shapely.Point(x, y)) for x, y in zip(lon, lat, strict=True)
    ]
    xy = wkb_points_xy(pa.chunked_array([wkb]))
    assert xy is not None
    np.testing.assert_array_equal(xy[0], lon) and np.testing.assert_array_equal(xy[1], lat)
    big_endian = pa.array([shapely.to_wkb(shapely.Point(1, 2), byte_order=0)])
    assert wkb_points_xy(big_endian) is None  # read by shapely instead


def test_package_docstring_examples_are_current() -> None:
    import doctest

    import geo.points

    failures, _ = doctest.testmod(geo.points)
    assert failures == 0


# -- CSV dialects (issue 12) ---------------------------------------------------------


def old_csv_writer(frame: pd.DataFrame, atlas: geo.Atlas, sep: str = ",", **kwargs: str) -> bytes:
    """What geo enrich wrote before pyarrow (pandas' to_csv of the enriched frame)."""
    out = enrich_points(frame, atlas=atlas, **kwargs)  # type: ignore[arg-type]
    return out.to_csv(index=False, lineterminator="\n", sep=sep).encode("utf-8")


@pytest.mark.parametrize(("delimiter", "name"), [(";", "semicolon"), ("\t", "tab")])
def test_semicolon_and_tab_files_are_sniffed_and_written_back_alike(
    atlas: geo.Atlas, tmp_path: Path, delimiter: str, name: str
) -> None:
    frame = catalogue().rename(columns={"lat": "Y_WGS84", "lon": "X_WGS84"})
    frame["note"] = ["a, b", "c; d", "plain"] * 9  # the other delimiters inside cells
    text = frame.to_csv(sep=delimiter, index=False, lineterminator="\r\n")
    (tmp_path / "p.csv").write_text(text, encoding="utf-8")
    (tmp_path / "comma.csv").write_text(frame.to_csv(index=False), encoding="utf-8")
    kwargs = {"lat_column": "Y_WGS84", "lon_column": "X_WGS84"}
    enrich_file(tmp_path / "p.csv", tmp_path / "out.csv", atlas=atlas, **kwargs)  # type: ignore[arg-type]
    enrich_file(tmp_path / "comma.csv", tmp_path / "out_comma.csv", atlas=atlas, **kwargs)  # type: ignore[arg-type]
    got = pd.read_csv(tmp_path / "out.csv", sep=delimiter, dtype=str, keep_default_na=False)
    want = pd.read_csv(tmp_path / "out_comma.csv", dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(got, want)
    assert (tmp_path / "out.csv").read_bytes() == old_csv_writer(
        pd.read_csv(tmp_path / "p.csv", sep=delimiter, dtype=str, keep_default_na=False),
        atlas,
        delimiter,
        **kwargs,
    )
    # given rather than sniffed: the same; by name on the command line too
    enrich_file(
        tmp_path / "p.csv", tmp_path / "given.csv", atlas=atlas, delimiter=delimiter, **kwargs
    )  # type: ignore[arg-type]
    assert (tmp_path / "given.csv").read_bytes() == (tmp_path / "out.csv").read_bytes()
    result = CliRunner().invoke(
        cli,
        [
            "enrich",
            str(tmp_path / "p.csv"),
            str(tmp_path / "cli.csv"),
            "--delimiter",
            name,
            "--lat-column",
            "Y_WGS84",
            "--lon-column",
            "X_WGS84",
            "--silent",
        ],
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "cli.csv").read_bytes() == (tmp_path / "out.csv").read_bytes()


def test_a_delimiter_that_is_not_the_files_gets_a_hint(atlas: geo.Atlas, tmp_path: Path) -> None:
    (tmp_path / "p.csv").write_text("Y_WGS84;X_WGS84\n41.6367;48.4303\n", encoding="utf-8")
    with pytest.raises(
        geo.DataError,
        match=r"got \['Y_WGS84;X_WGS84'\]; expected a column 'Y_WGS84' \(latitude\) "
        r"\(are the cells separated by ';'\? pass --delimiter ';'\)",
    ):
        enrich_file(
            tmp_path / "p.csv",
            tmp_path / "out.csv",
            atlas=atlas,
            delimiter=",",
            lat_column="Y_WGS84",
            lon_column="X_WGS84",
        )
    enrich_file(  # sniffed, it works
        tmp_path / "p.csv",
        tmp_path / "out.csv",
        atlas=atlas,
        lat_column="Y_WGS84",
        lon_column="X_WGS84",
    )
    assert "AZE" in (tmp_path / "out.csv").read_text(encoding="utf-8")


def test_a_decimal_comma_gets_a_hint(atlas: geo.Atlas, tmp_path: Path) -> None:
    (tmp_path / "p.csv").write_text("lat;lon\n41,6367;48.4303\n", encoding="utf-8")
    with pytest.raises(
        InvalidPointsError,
        match=r"column 'lat': got '41,6367'; expected a latitude: a number of degrees "
        r"\(is ',' the decimal separator\? write 41\.6367\)",
    ):
        enrich_file(tmp_path / "p.csv", tmp_path / "out.csv", atlas=atlas)


@pytest.mark.parametrize("delimiter", ["", ";;", '"', "\n", 3])
def test_a_bad_delimiter_is_refused(atlas: geo.Atlas, tmp_path: Path, delimiter: object) -> None:
    path = write_csv(tmp_path / "p.csv", catalogue())
    with pytest.raises(
        geo.UsageError, match=r"^Got delimiter=.*; `delimiter` must be one character"
    ):
        enrich_file(path, tmp_path / "out.csv", atlas=atlas, delimiter=delimiter)  # type: ignore[arg-type]


def test_csv_output_is_what_pandas_wrote(atlas: geo.Atlas, tmp_path: Path) -> None:
    """Byte for byte the old writer's output, for cells a spreadsheet cannot run."""
    frame = catalogue()
    frame["text"] = ['q"uote', "a,b", "line\nbreak", "", "é ü 名", " lead", "0.50", "x"] * 3 + [
        "y"
    ] * 3
    frame["empty"] = ""
    path = tmp_path / "p.csv"
    path.write_text(frame.to_csv(index=False), encoding="utf-8")
    for chunk_rows, workers in ((10**6, 1), (4, 3)):
        enrich_file(path, tmp_path / "out.csv", atlas=atlas, chunk_rows=chunk_rows, workers=workers)
        read = pd.read_csv(path, dtype=str, keep_default_na=False)
        assert (tmp_path / "out.csv").read_bytes() == old_csv_writer(read, atlas)


@pytest.mark.parametrize("source", ["parquet", "geojson"])
def test_typed_columns_to_csv_are_what_pandas_wrote(
    atlas: geo.Atlas, tmp_path: Path, source: str
) -> None:
    frame = catalogue()
    typed_input = gpd.GeoDataFrame(
        {
            "name": frame["name"],
            "count": np.arange(len(frame), dtype="int64"),
            "ratio": np.r_[np.linspace(0, 2, len(frame) - 3), [np.nan, 1e-7, 3e20]],
            "flag": [True, False, True] * 9,
            "day": pd.to_datetime(["2024-01-02"] * len(frame)),
        },
        geometry=shapely.points(frame["lon"], frame["lat"]),
        crs="EPSG:4326",
    )
    path = tmp_path / f"p.{source}"
    if source == "parquet":
        typed_input.to_parquet(path)
    else:
        typed_input.drop(columns="day").to_file(path, driver="GeoJSON")
    enrich_file(path, tmp_path / "out.csv", atlas=atlas)
    read = gpd.read_parquet(path) if source == "parquet" else gpd.read_file(path)
    want = enrich_points(read, atlas=atlas).drop(columns="geometry")
    assert (tmp_path / "out.csv").read_bytes() == want.to_csv(
        index=False, lineterminator="\n"
    ).encode("utf-8")


def test_rows_pyarrow_reads_otherwise_are_read_as_pandas_did(
    atlas: geo.Atlas, tmp_path: Path
) -> None:
    # a repeated and an empty header name (pandas renames them), a short row (padded)
    text = "name,name,,lat,lon\nSamur,x,y,41.6367,48.4303\nshort,a\n"
    (tmp_path / "p.csv").write_text(text, encoding="utf-8")
    enrich_file(tmp_path / "p.csv", tmp_path / "out.csv", atlas=atlas, on_invalid="null")
    out = pd.read_csv(tmp_path / "out.csv", dtype=str, keep_default_na=False)
    assert list(out.columns[:5]) == ["name", "name.1", "Unnamed: 2", "lat", "lon"]
    assert out["iso3"].tolist() == ["AZE", ""]
    # a short row after many good ones: pyarrow stops there, pandas goes on from that row
    rows = "\n".join(["Samur,41.6367,48.4303"] * 50_000 + ["short"])
    (tmp_path / "q.csv").write_text("name,lat,lon\n" + rows + "\n", encoding="utf-8")
    summary = enrich_file(
        tmp_path / "q.csv", tmp_path / "out.csv", atlas=atlas, on_invalid="skip", chunk_rows=7_000
    )
    assert (summary.rows_read, summary.rows_written, summary.rows_invalid) == (50_001, 50_000, 1)
    # text that is not UTF-8: the error of old, naming the file
    (tmp_path / "r.csv").write_bytes(b"name,lat,lon\n\xff\xfe,1,2\n")
    with pytest.raises(
        geo.DataError, match=r"r\.csv: field '\(csv\)': got .*expected well-formed UTF-8 CSV"
    ):
        enrich_file(tmp_path / "r.csv", tmp_path / "out.csv", atlas=atlas)


# -- CSV cells a spreadsheet would run (issue 14) -------------------------------------


HOSTILE = [
    '=HYPERLINK("http://evil.example","x")',
    "+cmd",
    "-2 km",
    "@SUM(A1)",
    "\tx",
    "\rx",
    "a\x00b",
]


def test_csv_cells_cannot_run_as_formulas(atlas: geo.Atlas, tmp_path: Path) -> None:
    from geo.export import safe_cell

    frame = pd.DataFrame(
        {
            "=name": HOSTILE + ["plain"] * 3,
            "lat": [
                "41.6367",
                "-29.31",
                "+41.6367",
                "41.6367",
                "-29.31",
                "41.6367",
                "1e1",
                "0",
                "-0.5",
                "41.6",
            ],
            "lon": [
                "48.4303",
                "27.48",
                "48.4303",
                "-0.0",
                "27.48",
                "48.4303",
                "48",
                "0",
                "-30",
                "48.4",
            ],
            "amount": ["-5", "+3", "-1e3", "=1", "5", "-", "- 1", "", "-0.5", ".5"],
        }
    )
    path = tmp_path / "p.csv"
    # quoted: Python 3.11's writer leaves a bare \r unquoted, which reads as a line break
    path.write_text(frame.to_csv(index=False, quoting=csv.QUOTE_ALL), encoding="utf-8")
    enrich_file(path, tmp_path / "out.csv", atlas=atlas)
    rows = list(csv.DictReader(io.StringIO((tmp_path / "out.csv").read_bytes().decode())))
    assert list(rows[0])[:4] == ["'=name", "lat", "lon", "amount"]  # header cells too
    assert [r["'=name"] for r in rows] == [safe_cell(v) for v in frame["=name"]]
    assert [r["'=name"] for r in rows][:7] == [
        '\'=HYPERLINK("http://evil.example","x")',
        "'+cmd",
        "'-2 km",
        "'@SUM(A1)",
        "'\tx",
        "'\rx",
        "ab",
    ]
    # a CSV input's cells are text: those that are numbers stay numbers, the rest is text
    assert [r["lat"] for r in rows] == frame["lat"].tolist()
    assert [r["lon"] for r in rows] == frame["lon"].tolist()
    assert [r["amount"] for r in rows] == [
        "-5",
        "+3",
        "-1e3",
        "'=1",
        "5",
        "'-",
        "'- 1",
        "",
        "-0.5",
        ".5",
    ]
    assert rows[0]["iso3"] == "AZE" and rows[1]["nearest_km"].replace(".", "").isdigit()
    # opted out: the cells as they are
    enrich_file(path, tmp_path / "raw.csv", atlas=atlas, raw_csv=True)
    raw = list(csv.DictReader(io.StringIO((tmp_path / "raw.csv").read_bytes().decode())))
    assert [r["=name"] for r in raw] == frame["=name"].tolist()
    assert [r["amount"] for r in raw] == frame["amount"].tolist()
    result = CliRunner().invoke(
        cli, ["enrich", str(path), str(tmp_path / "cli.csv"), "--raw-csv", "--silent"]
    )
    assert result.exit_code == 0
    assert (tmp_path / "cli.csv").read_bytes() == (tmp_path / "raw.csv").read_bytes()


def test_typed_text_is_neutralised_typed_numbers_are_not(atlas: geo.Atlas, tmp_path: Path) -> None:
    frame = gpd.GeoDataFrame(
        {"label": ["-2", "=1", "x"], "value": [-2.0, -1.5, 3.0]},
        geometry=shapely.points([48.4303, 27.48, 0.0], [41.6367, -29.31, 0.0]),
        crs="EPSG:4326",
    )
    frame.to_parquet(tmp_path / "p.parquet")
    enrich_file(tmp_path / "p.parquet", tmp_path / "out.csv", atlas=atlas)
    rows = list(csv.DictReader(io.StringIO((tmp_path / "out.csv").read_text(encoding="utf-8"))))
    assert [r["label"] for r in rows] == ["'-2", "'=1", "x"]  # text, as geo query writes it
    assert [r["value"] for r in rows] == ["-2.0", "-1.5", "3.0"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.text(max_size=8), st.sampled_from(HOSTILE)), min_size=1, max_size=30))
def test_column_rule_is_safe_cell(cells: list[str]) -> None:
    import pyarrow as pa

    from geo.export import safe_cell
    from geo.points.csvio import safe_text

    got = safe_text(pa.array(cells, pa.string()), numbers_as_text=False).to_pylist()
    assert got == [safe_cell(c) for c in cells]
    as_text = safe_text(pa.array(cells, pa.string()), numbers_as_text=True).to_pylist()
    number = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
    assert as_text == [
        c.replace("\x00", "") if number.fullmatch(c.replace("\x00", "")) else safe_cell(c)
        for c in cells
    ]


# -- what a killed run leaves (issue 14) ----------------------------------------------


@pytest.mark.skipif(os.name != "posix", reason="POSIX only: kills the run with signal.SIGKILL")
def test_a_killed_run_leaves_a_folder_the_next_run_removes(tmp_path: Path) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    rng = np.random.default_rng(8)
    n = 400_000
    frame = pd.DataFrame({"lat": rng.uniform(-60, 70, n), "lon": rng.uniform(-180, 180, n)})
    path = write_csv(tmp_path / "p.csv", frame)
    out = tmp_path / "out.csv"
    command = [
        sys.executable,
        "-m",
        "geo",
        "enrich",
        str(path),
        str(out),
        "--silent",
        "--chunk-rows",
        "20000",
    ]
    leftover: list[Path] = []
    with subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) as process:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and process.poll() is None:
            leftover = [p for p in tmp_path.iterdir() if p.name.startswith(".out.csv.")]
            if leftover and any(p.stat().st_size for p in leftover[0].glob("out.csv")):
                break
            time.sleep(0.02)
        running = process.poll() is None
        os.kill(process.pid, signal.SIGKILL)
        errors = process.communicate()[1]
    assert running, errors
    assert leftover and leftover[0].is_dir() and not out.exists()
    # a folder of another output, and one whose run is still writing, are left alone
    other = tmp_path / ".other.csv.abc123.tmp"
    other.mkdir()
    busy = tmp_path / ".out.csv.busy_1.tmp"
    busy.mkdir()
    lock = contextlib.ExitStack()
    lock.enter_context(locks.holding(busy / ".lock"))
    small = write_csv(tmp_path / "small.csv", catalogue())
    enrich_file(small, out)
    assert not leftover[0].exists()
    assert other.exists() and busy.exists()
    assert out.read_text(encoding="utf-8").startswith("name,lat,lon,iso3")
    lock.close()  # its run is over: the next run removes it
    enrich_file(small, out)
    assert not busy.exists()


@pytest.mark.parametrize(
    ("crs", "shown"),
    [
        ("garbage", "'garbage'"),
        ("EPSG:999999", "'EPSG:999999'"),
        ({"id": {"authority": "EPSG", "code": 999999}}, r"\{'id': .*\}"),
        ([1, 2], r"\[1, 2\]"),
    ],
)
@pytest.mark.parametrize("engine", ["local", "dask"])
def test_a_geoparquet_crs_pyproj_cannot_read_is_a_data_error(
    atlas: geo.Atlas, tmp_path: Path, crs: Any, shown: str, engine: str
) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from geo.points.geoparquet import geo_metadata

    meta = json.loads(geo_metadata("geometry"))
    meta["columns"]["geometry"]["crs"] = crs
    wkb = points_wkb(np.array([4.37]), np.array([50.85]), np.array([True]))
    table = pa.table({"id": ["a"], "geometry": wkb})
    pq.write_table(
        table.replace_schema_metadata({b"geo": json.dumps(meta)}), tmp_path / "p.parquet"
    )
    with pytest.raises(
        geo.DataError,
        match=rf"p\.parquet: field 'geometry\.crs': got {shown}; expected EPSG:4326 \(lon, lat "
        r"degrees\) \(not a coordinate reference system pyproj knows: ",
    ):
        if engine == "dask":  # its workers load their own atlas
            enrich_file(tmp_path / "p.parquet", tmp_path / "out.parquet", engine="dask")
        else:
            enrich_file(tmp_path / "p.parquet", tmp_path / "out.parquet", atlas=atlas)
    assert not (tmp_path / "out.parquet").exists()


def test_a_geoparquet_column_that_is_not_an_object_is_a_data_error(
    atlas: geo.Atlas, tmp_path: Path
) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    meta = {"version": "1.0.0", "primary_column": "geometry", "columns": {"geometry": [1]}}
    wkb = points_wkb(np.array([4.37]), np.array([50.85]), np.array([True]))
    table = pa.table({"geometry": wkb}).replace_schema_metadata({b"geo": json.dumps(meta)})
    pq.write_table(table, tmp_path / "p.parquet")
    with pytest.raises(
        geo.DataError,
        match=r"p\.parquet: field 'columns\.geometry': got \[1\]; expected an object describing",
    ):
        enrich_file(tmp_path / "p.parquet", tmp_path / "out.csv", atlas=atlas)


def test_the_dask_engine_draws_the_progress_bar_file_by_file(
    atlas: geo.Atlas, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = partitioned(tmp_path, atlas, n=3000, parts=3)
    updates: list[Progress] = []
    monkeypatch.setattr(ProgressBar, "update", lambda self, progress: updates.append(progress))
    out = (tmp_path / "enriched").as_uri()
    result = CliRunner().invoke(cli, ["enrich", str(folder), out, "--engine", "dask"])
    assert result.exit_code == 0, result.output
    assert f"enriched 3,000 rows into {tmp_path / 'enriched'}" in result.output
    assert sorted(u.rows for u in updates) == [1000, 2000, 3000]
    assert max(u.fraction or 0 for u in updates) == 1.0


def test_dash_reads_csv_from_stdin_and_writes_it_to_stdout_once_complete() -> None:
    points = "id;lat;lon\na;40.41;49.87\nb;50.85;4.37\n"
    result = CliRunner().invoke(cli, ["enrich", "-", "-", "-q"], input=points)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout), delimiter=";"))
    assert [(r["id"], r["iso3"], r["nearest_id"]) for r in rows] == [
        ("a", "AZE", "rocb-europe"),
        ("b", "BEL", "wco-hq"),
    ]
    bad = CliRunner().invoke(cli, ["enrich", "-", "-", "-q"], input="id,lat,lon\na,95,10\n")
    assert bad.exit_code == 1
    assert "iso3" not in bad.stdout  # nothing half-written to stdout
    dask = CliRunner().invoke(cli, ["enrich", "-", "out/", "--engine", "dask"], input=points)
    assert dask.exit_code == 2
    assert "- (stdin or stdout) is CSV; --engine dask reads and writes GeoParquet" in dask.output


def test_csv_progress_follows_the_rows_not_pyarrows_read_ahead(tmp_path: Path) -> None:
    from geo.points.sources import CsvSource

    path = tmp_path / "big.csv"
    rows = 600_000  # about 19 MB: pyarrow reads several 4 MB blocks ahead of its rows
    with path.open("w", encoding="utf-8") as out:
        out.write("id,lat,lon\n")
        out.writelines(
            f"p{i:07d},{i % 170 - 85}.123456,{i % 350 - 175}.654321\n" for i in range(rows)
        )
    source = CsvSource(path, lat_column=None, lon_column=None, chunk_rows=60_000)
    seen = [(chunk.data.num_rows, chunk.fraction) for chunk in source.chunks()]
    done = 0
    for count, fraction in seen[:-1]:
        done += count
        assert fraction == pytest.approx(done / rows, abs=0.02)
    assert seen[-1][1] == 1.0 or seen[-1][1] == pytest.approx(1.0, abs=0.02)


# -- the fast paths (answer raster, owner raster) against the exact ones, near shores ----------


def shore_vertices(atlas: geo.Atlas) -> tuple[np.ndarray, np.ndarray]:
    """Boundary vertices of one country only (coasts), and of two or more (land borders)."""
    index = atlas.countries
    xy, part = shapely.get_coordinates(index._parts, return_index=True)
    frame = pd.DataFrame(
        {"x": xy[:, 0], "y": xy[:, 1], "row": index._part_row[part]}
    ).drop_duplicates()
    shared = frame.groupby(["x", "y"])["row"].transform("nunique")
    return (
        frame.loc[shared == 1, ["x", "y"]].to_numpy(),
        frame.loc[shared >= 2, ["x", "y"]].to_numpy(),
    )


#: The size from which nearest-place queries use the owner raster (read at import: tests
#: change it).
OWNER_MIN_POINTS = placeindex._OWNER_MIN_POINTS


@pytest.fixture(scope="module")
def shores(atlas: geo.Atlas) -> tuple[np.ndarray, np.ndarray]:
    return shore_vertices(atlas)


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    seed=st.integers(0, 2**32 - 1),
    coast_share=st.floats(0.0, 1.0),
    reach_km=st.sampled_from([2.0, 20.0, 30.0]),
)
def test_fast_path_gives_the_exact_answers_near_coasts_and_borders(
    atlas: geo.Atlas,
    shores: tuple[np.ndarray, np.ndarray],
    monkeypatch: pytest.MonkeyPatch,
    seed: int,
    coast_share: float,
    reach_km: float,
) -> None:
    """Points within ``reach_km`` of coasts and land borders, enough for both rasters: the
    same country, region, distance and nearest place as the rule and the search alone."""
    rng = np.random.default_rng(seed)
    n = max(_GRID_MIN_POINTS, OWNER_MIN_POINTS)
    coasts, borders = shores
    n_coast = int(n * coast_share)
    pick = np.r_[
        coasts[rng.integers(0, len(coasts), n_coast)],
        borders[rng.integers(0, len(borders), n - n_coast)],
    ]
    lon, lat, _ = GEOD.fwd(
        pick[:, 0], pick[:, 1], rng.uniform(0, 360, n), rng.uniform(0, reach_km * 1000, n)
    )
    lon, lat = np.asarray(lon), np.asarray(lat)
    enricher = Enricher(atlas, None)
    fast = enricher.find(lon, lat)
    assert enricher._places._owners is not None  # the owner raster answered
    exact = atlas.countries._locate_exact(lon, lat, countries.COAST_TOLERANCE_KM)
    with monkeypatch.context() as patched:
        patched.setattr(placeindex, "_OWNER_MIN_POINTS", 10**12)
        searched = query.PlaceIndex(atlas.places).nearest(lon, lat, k=1, threads=False)
    np.testing.assert_array_equal(fast.country, exact.row)
    np.testing.assert_array_equal(fast.country_km, np.round(exact.distance_km, 3))
    for column in ("iso3", "region"):
        table = enricher.country_table[column]
        np.testing.assert_array_equal(table[fast.country], table[exact.row])
    np.testing.assert_array_equal(fast.place, searched.position[:, 0])
    np.testing.assert_array_equal(fast.place_km, np.round(searched.distance_km[:, 0], 3))
    assert (exact.distance_km > 0).any() and (exact.distance_km == 0).any()
