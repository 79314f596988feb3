"""geo.atlas: load a data folder, the places frame, locate, the atlas of a day, validate.

Behaviour is tested on the hand-made fixture folder ``tests/data`` (see its
README), so that these tests do not move with the shipped data.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import lzma
import math
from pathlib import Path

import geopandas as gpd
import pyproj
import pytest
from geopandas.testing import assert_geodataframe_equal
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import Point, box

import geo
from geo.countries import load_country_index
from geo.regions import load_membership
from geo.schema import REQUIRED_FIELDS
from tests.conftest_data import edit_feature
from tests.edge_cases import CASES

GEOD = pyproj.Geod(ellps="WGS84")  # an oracle independent of geo.sphere

#: Every place of the fixture, in the atlas's order (by kind, then file order), and what the
#: atlas makes of it:
#: (id, kind, iso3, country, region, member, located_by).
FIXTURE_PLACES = [
    ("wco-hq", "hq", "BEL", "Belgium", "EUR", True, "inside"),
    ("rocb-europe", "rocb", "AZE", "Azerbaijan", "EUR", True, "inside"),
    ("rocb-americas", "rocb", "URY", "Uruguay", "AC", True, "inside"),
    ("rtc-fiji", "rtc", "FJI", "Fiji", "AP", True, "nearest"),
    ("rtc-kenya", "rtc", "KEN", "Kenya", "ESA", True, "nearest"),
    ("rilo-fixture-kehl", "rilo", "FRA", "France", "EUR", True, "declared"),
    ("samur", "border_post", "AZE", "Azerbaijan", "EUR", True, "inside"),
    ("beitbridge", "border_post", "ZAF", "South Africa", "ESA", True, "inside"),
    (
        "kasumbalesa",
        "border_post",
        "COD",
        "Congo, Democratic Republic of the",
        "WCA",
        True,
        "inside",
    ),
    ("maseru-bridge", "border_post", "LSO", "Lesotho", "ESA", True, "inside"),
    ("guerguerat", "border_post", "ESH", "Western Sahara", None, False, "inside"),
]
FIXTURE_IDS = [p[0] for p in FIXTURE_PLACES]
#: Properties every place has (README, "The data"), and those of each kind.
EVERY_PLACE_FIELDS = {*REQUIRED_FIELDS, "opened", "closed", "precision", "notes"}
OFFICE_EXTRA_FIELDS = {"iso3"}
BORDER_POST_EXTRA_FIELDS = {"side_a_iso3", "side_a_name", "side_b_iso3", "side_b_name", "osbp"}


def row(atlas: geo.Atlas, place_id: str) -> dict[str, object]:
    return atlas.places.set_index("id").loc[place_id].to_dict()


def features(folder: Path) -> list[dict[str, object]]:
    return [
        f
        for name in ("offices.geojson", "border_posts.geojson")
        for f in json.loads((folder / name).read_text(encoding="utf-8"))["features"]
    ]


# -- the fixture itself ------------------------------------------------------------------


def test_fixture_is_valid(fixture_dir: Path) -> None:
    assert geo.validate(fixture_dir) == []


def test_fixture_places_follow_the_schema(fixture_dir: Path) -> None:
    for feature in features(fixture_dir):
        props = feature["properties"]
        assert isinstance(props, dict)
        kind_fields = (
            BORDER_POST_EXTRA_FIELDS if props["kind"] == "border_post" else OFFICE_EXTRA_FIELDS
        )
        assert EVERY_PLACE_FIELDS | kind_fields <= set(props), props["id"]
        assert isinstance(props["source"], str) and props["source"].strip(), props["id"]
        assert set(feature) == {"type", "properties", "geometry"}


# -- load and the places frame -------------------------------------------------------------


def test_load_gives_every_place_by_kind_then_in_file_order(
    fixture_atlas: geo.Atlas, fixture_dir: Path
) -> None:
    assert list(fixture_atlas.places["id"]) == FIXTURE_IDS  # HQ, ROCBs... border posts last
    assert fixture_atlas.as_of is None
    assert fixture_atlas.data_dir == fixture_dir
    assert repr(fixture_atlas) == f"<Atlas 11 places from {fixture_dir}>"


def test_places_columns_and_crs(fixture_atlas: geo.Atlas) -> None:
    places = fixture_atlas.places
    assert isinstance(places, gpd.GeoDataFrame)
    assert places.crs.to_epsg() == 4326
    assert set(places.geom_type) == {"Point"}
    enriched = ["iso3", "country", "region", "region_name", "member", "located_by"]
    sides = [f"side_{s}_{c}" for s in "ab" for c in ("country", "region", "member")]
    assert {
        *EVERY_PLACE_FIELDS,
        *BORDER_POST_EXTRA_FIELDS,
        *enriched,
        "country_distance_km",
        *sides,
    } <= set(places.columns)
    # the data's own properties are kept
    assert {"city", "host", "history", "seats", "side_b_lon", "fixture_note"} <= set(places.columns)
    assert places["member"].dtype == bool
    assert places["country_distance_km"].dtype == float
    assert places["id"].is_unique


@pytest.mark.parametrize(
    ("place_id", "kind", "iso3", "country", "region", "member", "located_by"), FIXTURE_PLACES
)
def test_every_fixture_place_is_enriched(
    fixture_atlas: geo.Atlas,
    place_id: str,
    kind: str,
    iso3: str,
    country: str,
    region: str | None,
    member: bool,
    located_by: str,
) -> None:
    place = row(fixture_atlas, place_id)
    assert (place["kind"], place["iso3"], place["country"], place["region"]) == (
        kind,
        iso3,
        country,
        region,
    )
    assert (place["member"], place["located_by"]) == (member, located_by)
    assert place["region_name"] == (geo.REGIONS[region] if region else None)
    distance = place["country_distance_km"]
    assert distance == 0.0 if located_by == "inside" else 0.0 < distance < 25.0


def test_border_post_sides(fixture_atlas: geo.Atlas) -> None:
    sides = ["side_a_iso3", "side_a_region", "side_a_member", "side_b_iso3", "side_b_region"]
    posts = fixture_atlas.border_posts.set_index("id")[sides]
    # two sides in different WCO regions
    assert posts.loc["kasumbalesa"].tolist() == ["COD", "WCA", True, "ZMB", "ESA"]
    # a non-member side: no region
    assert posts.loc["guerguerat"].tolist() == ["ESH", None, False, "MRT", "WCA"]
    # on the shared border the point goes to ZAF, side b: not to side a
    assert posts.loc["beitbridge"].tolist() == ["ZWE", "ESA", True, "ZAF", "ESA"]
    assert row(fixture_atlas, "beitbridge")["side_a_country"] == "Zimbabwe"


def test_offices_and_border_posts_split_the_places(fixture_atlas: geo.Atlas) -> None:
    offices, posts = fixture_atlas.offices, fixture_atlas.border_posts
    assert set(offices["kind"]) == {"hq", "rocb", "rtc", "rilo"}
    assert set(posts["kind"]) == {"border_post"}
    assert sorted([*offices["id"], *posts["id"]]) == sorted(FIXTURE_IDS)
    assert list(offices.columns) == list(posts.columns) == list(fixture_atlas.places.columns)


def test_offices_is_a_copy(fixture_atlas: geo.Atlas) -> None:
    offices = fixture_atlas.offices
    offices.loc[:, "name"] = "changed"
    assert "changed" not in set(fixture_atlas.places["name"])


def test_an_extra_place_file_is_read(fixture_copy: Path) -> None:
    doc = json.loads((fixture_copy / "offices.geojson").read_text(encoding="utf-8"))
    doc["features"] = [f for f in doc["features"] if f["properties"]["id"] == "wco-hq"]
    doc["features"][0]["properties"]["id"] = "wco-hq-annex"
    (fixture_copy / "annexes.geojson").write_text(json.dumps(doc), encoding="utf-8")
    places = geo.load(fixture_copy).places
    assert list(places["id"])[:2] == ["wco-hq-annex", "wco-hq"]  # annexes.geojson sorts first
    assert len(places) == len(FIXTURE_IDS) + 1


def test_a_folder_without_places_has_empty_offices(tmp_path: Path) -> None:
    empty = {"type": "FeatureCollection", "features": []}
    (tmp_path / "offices.geojson").write_text(json.dumps(empty), encoding="utf-8")
    atlas = geo.load(tmp_path)
    assert len(atlas.places) == 0
    assert len(atlas.offices) == len(atlas.border_posts) == 0


# -- locate -----------------------------------------------------------------------------------


def test_fixture_tables_answer_the_edge_case_catalogue(fixture_atlas: geo.Atlas) -> None:
    """The fixture lists every Member and territory of ``tests/edge_cases.py``, as shipped."""
    got = [
        (name, loc.iso3, loc.region, loc.member)
        for name, lat, lon, *_ in CASES
        for loc in [fixture_atlas.locate(lat=lat, lon=lon)]
    ]
    assert got == [(name, *expected) for name, _, _, *expected in CASES]


def test_locate_inside(fixture_atlas: geo.Atlas) -> None:
    assert fixture_atlas.locate(lat=40.41, lon=49.87) == geo.Location(
        lat=40.41,
        lon=49.87,
        iso3="AZE",
        country="Azerbaijan",
        region="EUR",
        region_name="Europe",
        member=True,
        located_by="inside",
        distance_km=0.0,
    )


def test_locate_on_a_shared_border_gives_the_first_code(fixture_atlas: geo.Atlas) -> None:
    lon, lat = 30.0053, -22.2223  # beitbridge: a vertex of both ZWE and ZAF
    frame = fixture_atlas.countries.frame
    covering = sorted(frame.iso3[frame.geometry.covers(Point(lon, lat))])
    assert covering == ["ZAF", "ZWE"]
    loc = fixture_atlas.locate(lat=lat, lon=lon)
    assert (loc.iso3, loc.located_by, loc.distance_km) == ("ZAF", "inside", 0.0)


def test_locate_in_an_enclave(fixture_atlas: geo.Atlas) -> None:
    lesotho = fixture_atlas.locate(lat=-29.5, lon=28.25)  # the middle of Lesotho
    south_africa = fixture_atlas.locate(lat=-29.5, lon=25.0)  # west of it
    assert (lesotho.iso3, south_africa.iso3) == ("LSO", "ZAF")


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(km=st.floats(0.5, 60.0))
def test_locate_off_the_coast(fixture_atlas: geo.Atlas, km: float) -> None:
    """Out to sea from the RTC Kenya (2.1 km off the generalised coast), bearing 120 degrees."""
    start = fixture_atlas.locate(lat=-4.0547, lon=39.6636)
    lon, lat, _ = GEOD.fwd(39.6636, -4.0547, 120.0, km * 1000.0)
    loc = fixture_atlas.locate(lat=lat, lon=lon)
    if km <= 20.0:
        assert (loc.iso3, loc.region, loc.located_by) == ("KEN", "ESA", "nearest")
        # the coast is no farther than the start point plus the start's own distance
        assert 0.0 < loc.distance_km <= (km + start.distance_km) * 1.0067 + 0.01
    elif km >= 30.0:
        assert (loc.iso3, loc.located_by, loc.member) == (None, "none", False)


def test_locate_at_sea(fixture_atlas: geo.Atlas) -> None:
    loc = fixture_atlas.locate(lat=0.0, lon=-30.0)
    assert (loc.iso3, loc.country, loc.region, loc.region_name) == (None, None, None, None)
    assert (loc.member, loc.located_by) == (False, "none")
    assert math.isnan(loc.distance_km)


def test_locate_across_the_antimeridian(fixture_atlas: geo.Atlas) -> None:
    # Fiji's easternmost islands lie east of the date line; so does Samoa
    loc = fixture_atlas.locate(lat=-16.75, lon=-179.95)
    assert (loc.iso3, loc.region) == ("FJI", "AP")
    assert fixture_atlas.locate(lat=-13.8333, lon=-171.7667).iso3 == "WSM"


def test_locate_a_listed_non_member(fixture_atlas: geo.Atlas) -> None:
    loc = fixture_atlas.locate(lat=25.03, lon=121.56)
    assert (loc.iso3, loc.country, loc.region, loc.member) == ("TWN", "Taiwan", None, False)


def test_locate_a_country_in_neither_table(fixture_atlas: geo.Atlas) -> None:
    # Chile is a Member, but not in the fixture's table: a non-member under its polygon's name
    loc = fixture_atlas.locate(lat=-33.45, lon=-70.67)
    assert (loc.iso3, loc.country, loc.region, loc.member) == ("CHL", "Chile", None, False)
    assert loc.located_by == "inside"


def test_location_is_frozen(fixture_atlas: geo.Atlas) -> None:
    loc = fixture_atlas.locate(lat=40.41, lon=49.87)
    with pytest.raises(dataclasses.FrozenInstanceError, match="cannot assign to field 'iso3'"):
        loc.iso3 = "RUS"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("lat", "lon", "message"),
    [
        (True, 0.0, r"^Got lat=True; `lat` must be a finite number of degrees$"),
        (0.0, math.inf, r"^Got lon=inf; `lon` must be a finite number of degrees$"),
        (None, 0.0, r"^Got lat=None; `lat` must be a finite number of degrees$"),
        (0.0, -180.5, r"^Got lon=-180\.5; `lon` must be within \[-180, 180\]$"),
        (-91, 100.0, r"^Got lat=-91; `lat` must be within \[-90, 90\]$"),
        (
            120.0,
            -45.0,
            r"^Got lat=120\.0; `lat` must be within \[-90, 90\] \(are lat and lon swapped\?\)$",
        ),
    ],
)
def test_locate_rejects_bad_coordinates(
    fixture_atlas: geo.Atlas, lat: object, lon: object, message: str
) -> None:
    with pytest.raises(geo.UsageError, match=message):
        fixture_atlas.locate(lat=lat, lon=lon)  # type: ignore[arg-type]


@pytest.mark.parametrize("lon", [None, "10"])
def test_locate_bad_lat_and_bad_lon(fixture_atlas: geo.Atlas, lon: object) -> None:
    with pytest.raises(geo.UsageError, match=r"^Got lat=95; `lat` must be within \[-90, 90\]"):
        fixture_atlas.locate(lat=95, lon=lon)  # type: ignore[arg-type]


def test_locate_takes_keywords_only(fixture_atlas: geo.Atlas) -> None:
    with pytest.raises(TypeError, match="takes 1 positional argument but 3 were given"):
        fixture_atlas.locate(40.41, 49.87)  # type: ignore[misc]


# -- the atlas of a day -----------------------------------------------------------------------

#: The places whose opening is not known: there since before any record.
UNDATED = {
    "beitbridge": ("unknown", "ZAF"),
    "kasumbalesa": ("unknown", "COD"),
    "maseru-bridge": ("unknown", "LSO"),
}
#: (day, {id: (status, iso3)}) of every place that existed (or may have) that day: nothing
#: before the network's first known day (WCO HQ, 1952-11-04); from then on, the places of
#: unknown opening are "unknown" (possibly open), never "operational".
DAYS = [
    ("1900", {}),
    ("1952-11-03", {}),
    ("1952-11-04", {**UNDATED, "wco-hq": ("operational", "BEL")}),
    ("2001-02-28", {**UNDATED, "wco-hq": ("operational", "BEL")}),
]


def statuses(atlas: geo.Atlas) -> dict[str, tuple[str, str]]:
    return {r["id"]: (r["status"], r["iso3"]) for r in atlas.places.to_dict("records")}


@pytest.mark.parametrize(("day", "expected"), DAYS)
def test_early_days_show_only_the_places_that_existed(
    fixture_atlas: geo.Atlas, day: str, expected: dict[str, tuple[str, str]]
) -> None:
    assert statuses(fixture_atlas.at(day)) == expected


def test_a_closed_place_and_its_days(fixture_atlas: geo.Atlas) -> None:
    assert "rilo-fixture-kehl" not in statuses(fixture_atlas.at("2001-02-28"))
    assert statuses(fixture_atlas.at("2001-03-01"))["rilo-fixture-kehl"] == ("operational", "FRA")
    assert statuses(fixture_atlas.at("2005-06-29"))["rilo-fixture-kehl"] == ("operational", "FRA")
    assert statuses(fixture_atlas.at("2005-06-30"))["rilo-fixture-kehl"] == ("closed", "FRA")
    assert row(fixture_atlas, "rilo-fixture-kehl")["status"] == "closed"


def test_a_place_with_a_history(fixture_atlas: geo.Atlas) -> None:
    then = row(fixture_atlas.at(dt.date(2010, 9, 8)), "rocb-europe")
    assert (then["status"], then["planned_opening"]) == ("under_construction", "2011-02")
    now = row(fixture_atlas.at("2011-10-17"), "rocb-europe")
    assert (now["status"], now["planned_opening"]) == ("operational", None)
    assert "rocb-europe" not in statuses(fixture_atlas.at("2009-05-31"))


def test_an_office_that_moved_is_at_its_seat_of_the_day(fixture_atlas: geo.Atlas) -> None:
    before = row(fixture_atlas.at("2016-12-31"), "rocb-americas")
    assert (before["city"], before["iso3"], before["country"], before["region"]) == (
        "Buenos Aires",
        "ARG",
        "Argentina",
        "AC",
    )
    assert (before["geometry"].x, before["geometry"].y) == (-58.3772, -34.6131)
    after = row(fixture_atlas.at("2017-01-01"), "rocb-americas")
    assert (after["city"], after["iso3"], after["located_by"]) == ("Montevideo", "URY", "inside")
    assert (after["geometry"].x, after["geometry"].y) == (-56.1882, -34.9033)
    # the planned seat (Brazil) is never where the office is
    assert row(fixture_atlas.at(dt.date.today()), "rocb-americas")["iso3"] == "URY"


def test_load_as_of_is_the_atlas_at_that_day(fixture_dir: Path, fixture_atlas: geo.Atlas) -> None:
    loaded = geo.load(fixture_dir, as_of="2010-09-08")
    viewed = fixture_atlas.at("2010-09-08")
    assert loaded.as_of == viewed.as_of == dt.date(2010, 9, 8)
    assert_geodataframe_equal(loaded.places, viewed.places)
    assert repr(loaded) == f"<Atlas 10 places as of 2010-09-08 from {fixture_dir}>"


def test_an_atlas_of_a_day_keeps_every_place_for_later_days(fixture_atlas: geo.Atlas) -> None:
    early = fixture_atlas.at("1900")
    assert len(early.places) == 0
    assert early.network_start == fixture_atlas.network_start == dt.date(1952, 11, 4)
    assert_geodataframe_equal(early.at("2020").places, fixture_atlas.at("2020").places)


def test_at_leaves_the_atlas_unchanged(fixture_atlas: geo.Atlas) -> None:
    before = fixture_atlas.places.copy()
    fixture_atlas.at("2010")
    assert_geodataframe_equal(fixture_atlas.places, before)
    assert fixture_atlas.as_of is None


def test_queries_take_as_of(fixture_atlas: geo.Atlas) -> None:
    assert fixture_atlas.in_country("ARG").empty
    assert list(fixture_atlas.in_country("ARG", as_of="2012")["id"]) == ["rocb-americas"]


@pytest.mark.parametrize(
    ("as_of", "shown"), [("2011-13-01", "'2011-13-01'"), ("soon", "'soon'"), (20110101, "20110101")]
)
def test_bad_as_of(fixture_dir: Path, fixture_atlas: geo.Atlas, as_of: object, shown: str) -> None:
    message = rf"^Got as_of={shown}; `as_of` must be a date 'YYYY-MM-DD' \(or 'YYYY-MM', 'YYYY'\)$"
    with pytest.raises(geo.UsageError, match=message):
        fixture_atlas.at(as_of)  # type: ignore[arg-type]
    with pytest.raises(geo.UsageError, match=message):
        geo.load(fixture_dir, as_of=as_of)  # type: ignore[arg-type]


def test_as_of_a_datetime(fixture_atlas: geo.Atlas) -> None:
    atlas = fixture_atlas.at(dt.datetime(2012, 1, 1, 12, 0))
    assert statuses(atlas) == statuses(fixture_atlas.at("2012-01-01"))


# -- reference files --------------------------------------------------------------------------


def test_fixture_reads_its_own_tables(fixture_atlas: geo.Atlas) -> None:
    assert len(fixture_atlas.membership.members) == 26  # the fixture's rows, not the 187 shipped
    assert set(fixture_atlas.membership.others) == {"ATA", "ESH", "GRL", "TWN", "TUV", "VAT"}


def test_fixture_falls_back_to_the_project_country_layers(
    fixture_atlas: geo.Atlas, project_data: Path
) -> None:
    shipped = load_country_index(project_data / "countries.fgb.xz")
    # equal, not identical: other tests may push the index out of load_country_index's cache
    assert_geodataframe_equal(fixture_atlas.countries.frame, shipped.frame)
    assert fixture_atlas.display_path == project_data / "countries_display.geojson"
    layer = fixture_atlas.countries_display
    assert list(layer.columns) == ["iso3", "name", "region", "member", "geometry"]
    # membership of the display layer comes from the fixture's tables
    assert set(layer[layer.member].iso3) == set(fixture_atlas.membership.members)


def test_own_country_layers_are_preferred(tmp_path: Path, project_data: Path) -> None:
    squareland = gpd.GeoDataFrame(
        {"iso3": ["AZE"], "name": ["Squareland"]}, geometry=[box(0, 0, 1, 1)], crs="EPSG:4326"
    )
    squareland.to_file(tmp_path / "layer.fgb", driver="FlatGeobuf")
    (tmp_path / "countries.fgb.xz").write_bytes(
        lzma.compress((tmp_path / "layer.fgb").read_bytes())
    )
    (tmp_path / "layer.fgb").unlink()
    squareland.to_file(tmp_path / "countries_display.geojson", driver="GeoJSON")
    office = {
        "type": "Feature",
        "properties": {
            "id": "rtc-square",
            "kind": "rtc",
            "name": "RTC Square",
            "iso3": "AZE",
            "status": "operational",
            "source": "test",
        },
        "geometry": {"type": "Point", "coordinates": [0.5, 0.5]},
    }
    doc = {"type": "FeatureCollection", "features": [office]}
    (tmp_path / "offices.geojson").write_text(json.dumps(doc), encoding="utf-8")

    atlas = geo.load(tmp_path)
    assert list(atlas.places["id"]) == ["rtc-square"]  # the layers are not place files
    assert atlas.countries.codes == frozenset({"AZE"})
    assert atlas.locate(lat=0.5, lon=0.5).iso3 == "AZE"
    assert atlas.locate(lat=40.41, lon=49.87).iso3 is None  # Baku is not in Squareland
    assert atlas.display_path == tmp_path / "countries_display.geojson"
    assert list(atlas.countries_display["name"]) == ["Azerbaijan"]  # the table's name wins
    shipped = load_membership(
        project_data / "wco_members.csv", project_data / "nonmember_territories.csv"
    )
    assert atlas.membership.members == shipped.members  # no own tables: the project's


# -- validate -----------------------------------------------------------------------------------


def at_sea(feature: dict[str, object]) -> None:
    feature["geometry"] = {"type": "Point", "coordinates": [-30.0, 0.0]}


def test_an_office_at_sea_is_a_problem(fixture_copy: Path) -> None:
    edit_feature(fixture_copy, "offices.geojson", "wco-hq", at_sea)
    (problem,) = geo.validate(fixture_copy)
    assert isinstance(problem, geo.Problem)
    assert (problem.file, problem.index, problem.feature_id, problem.field, problem.value) == (
        "offices.geojson",
        0,
        "wco-hq",
        "iso3",
        "BEL",
    )
    assert str(problem).startswith(
        "offices.geojson: feature #0 (id='wco-hq'): field 'iso3': got 'BEL'; expected the "
        "country at [lon, lat] = [-30.0, 0.0], which is at sea, "
    )
    assert str(problem).endswith(" km from BEL (fix the coordinates or the declared country)")


def test_a_border_post_at_sea_is_a_problem(fixture_copy: Path) -> None:
    edit_feature(fixture_copy, "border_posts.geojson", "guerguerat", at_sea)
    (problem,) = geo.validate(fixture_copy)
    message = (
        r"border_posts\.geojson: feature #4 \(id='guerguerat'\): field 'side_a_iso3': got 'ESH'; "
        r"expected a border post within 25 km of both sides; the point \[-30\.0, 0\.0\] is at "
        r"sea, \d+ km from ESH, \d+ km from MRT \(fix the coordinates or the declared sides\)"
    )
    with pytest.raises(geo.DataError, match=rf"^1 problem in the data:\n  {message}$"):
        geo.load(fixture_copy)
    assert problem.field == "side_a_iso3"


def test_an_office_just_offshore_is_valid(fixture_copy: Path) -> None:
    lon, lat, _ = GEOD.fwd(39.6636, -4.0547, 120.0, 15_000.0)  # 15 km out from Mombasa

    def move(feature: dict[str, object]) -> None:
        feature["geometry"] = {"type": "Point", "coordinates": [lon, lat]}

    edit_feature(fixture_copy, "offices.geojson", "rtc-kenya", move)
    assert geo.validate(fixture_copy) == []
    kenya = row(geo.load(fixture_copy), "rtc-kenya")
    assert (kenya["iso3"], kenya["located_by"]) == ("KEN", "nearest")


def test_load_raises_the_problems_validate_returns(fixture_copy: Path) -> None:
    edit_feature(fixture_copy, "offices.geojson", "wco-hq", at_sea)
    edit_feature(
        fixture_copy,
        "border_posts.geojson",
        "samur",
        lambda f: f["properties"].update(status="open"),
    )
    problems = geo.validate(fixture_copy)
    assert [(p.file, p.feature_id, p.field) for p in problems] == [
        ("border_posts.geojson", "samur", "status"),
        ("offices.geojson", "wco-hq", "iso3"),
    ]
    with pytest.raises(geo.DataError, match=r"^2 problems in the data:\n") as info:
        geo.load(fixture_copy)
    assert info.value.problems == problems


def test_validate_replace_checks_a_document_instead_of_its_file(
    fixture_dir: Path, fixture_copy: Path
) -> None:
    doc = json.loads((fixture_dir / "border_posts.geojson").read_text(encoding="utf-8"))
    doc["features"][0]["properties"]["id"] = "wco-hq"
    # replaced documents are checked last: the duplicate is reported on the edit
    (problem,) = geo.validate(fixture_copy, replace={"border_posts.geojson": doc})
    assert str(problem) == (
        "border_posts.geojson: feature #0 (id='wco-hq'): field 'id': got 'wco-hq'; "
        "expected an id used once (also used by offices.geojson feature #0)"
    )
    assert geo.validate(fixture_copy) == []  # the file itself is untouched


def test_validate_a_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(
        geo.DataError,
        match=r"nope: field '\(folder\)': got '.*nope'; expected an existing data folder$",
    ):
        geo.validate(tmp_path / "nope")


def test_validate_reads_no_country_layer_as_a_place_file(
    fixture_copy: Path, project_data: Path
) -> None:
    display = project_data / "countries_display.geojson"
    (fixture_copy / "countries_display.geojson").write_bytes(display.read_bytes())
    assert geo.validate(fixture_copy) == []
    assert list(geo.load(fixture_copy).places["id"]) == FIXTURE_IDS


def test_a_broken_display_layer_is_a_data_error_naming_the_feature(fixture_copy: Path) -> None:
    display = json.loads(
        (geo.default_data_dir() / "countries_display.geojson").read_text(encoding="utf-8")
    )
    del display["features"][3]["properties"]
    display["features"][5]["geometry"]["coordinates"] = "x"
    (fixture_copy / "countries_display.geojson").write_text(json.dumps(display), encoding="utf-8")
    atlas = geo.load(fixture_copy)
    with pytest.raises(geo.DataError) as info:
        _ = atlas.countries_display
    assert [str(p) for p in info.value.problems] == [
        "countries_display.geojson: feature #3: field 'properties': got None; expected an object",
        "countries_display.geojson: feature #5: field 'geometry.coordinates': got \"could not "
        "convert string to float: 'x'\"; expected valid polygon coordinates",
    ]


@pytest.mark.parametrize("value", [1e308, -181.0, 90.5])
def test_a_display_layer_coordinate_off_the_globe_is_a_data_error(
    fixture_copy: Path, value: float
) -> None:
    display = json.loads(
        (geo.default_data_dir() / "countries_display.geojson").read_text(encoding="utf-8")
    )
    ring = display["features"][2]["geometry"]["coordinates"]
    while isinstance(ring[0][0], list):  # down to a ring of a (Multi)Polygon
        ring = ring[0]
    ring[1] = [ring[1][0], value] if abs(value) < 180 else [value, ring[1][1]]
    (fixture_copy / "countries_display.geojson").write_text(json.dumps(display), encoding="utf-8")
    with pytest.raises(geo.DataError) as info:
        _ = geo.load(fixture_copy).countries_display
    (problem,) = info.value.problems
    assert problem.index == 2 and problem.field == "geometry.coordinates"
    assert "within [-180, 180] and [-90, 90]" in str(problem)


def test_a_map_of_a_result_in_either_language(fixture_atlas: geo.Atlas) -> None:
    from geo.render import to_html

    result = fixture_atlas.in_region("EUR")
    english = to_html(fixture_atlas.to_map(result))
    french = to_html(fixture_atlas.to_map(result, lang="fr"))
    # titled by the question the result answers (geo.query.Question), in the map's language
    assert "<title>Places in the Europe region</title>" in english
    assert '<html lang="en">' in english
    assert "<title>Lieux de la région Europe</title>" in french and '<html lang="fr">' in french
    plain = fixture_atlas.places.head(3)  # a frame that answers no query
    assert "<title>Query result</title>" in to_html(fixture_atlas.to_map(plain))
    assert "<title>Résultat de la requête</title>" in to_html(
        fixture_atlas.to_map(plain, lang="fr")
    )
    assert "<title>Mine</title>" in to_html(fixture_atlas.to_map(result, title="Mine", lang="fr"))
    with pytest.raises(geo.UsageError, match=r"Got lang='eng'.*\(did you mean 'en'\?\)"):
        fixture_atlas.to_map(result, lang="eng")


# -- the cache: a cold command reads what a warm one computed, for the same inputs only -----


@pytest.fixture
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cache folder of the test's own."""
    monkeypatch.setenv("GEO_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def assert_same_places(got: gpd.GeoDataFrame, want: gpd.GeoDataFrame) -> None:
    """Equal frames, dtypes, and the same Python type in every cell (the pages see them)."""
    assert_geodataframe_equal(got, want, check_dtype=True, check_like=False)
    for column in want.columns:
        if column == want.geometry.name:
            continue
        got_types = [type(v) for v in got[column].tolist()]
        assert got_types == [type(v) for v in want[column].tolist()], column


def test_places_checked_on_a_day_serve_from_that_day_on(own_cache: Path, fixture_dir: Path) -> None:
    """Validation depends on the day only through "no date after today": places kept on
    one day (as geo ships them prepared, keyed without the day) serve on later days, never
    on an earlier one (a date of the data might then lie in the future)."""
    from geo import atlas as atlas_module
    from geo.enrich import enrich_features

    folder = atlas_module._open_folder(fixture_dir, {})
    day = dt.date(2026, 12, 1)
    key = folder.key(day)
    assert key is not None and key.prepared is not None
    assert key.prepared == folder.key(dt.date(2030, 1, 1)).prepared  # type: ignore[union-attr]
    features, problems, countries = atlas_module._check(folder, {}, day)
    assert not problems
    places = enrich_features(features, countries, folder.membership)
    atlas_module._cache_places(key, features, places, day)
    assert atlas_module._cached_features(key, day) is not None
    assert atlas_module._cached_features(key, dt.date(2027, 6, 1)) is not None
    assert atlas_module._cached_features(key, dt.date(2026, 11, 30)) is None


@pytest.mark.parametrize("folder", ["fixture", "project"])
def test_places_from_the_cache_are_the_places_computed(
    own_cache: Path, fixture_dir: Path, project_data: Path, folder: str
) -> None:
    from geo import atlas as atlas_module

    data = fixture_dir if folder == "fixture" else project_data
    cold = geo.load(data)
    assert list(own_cache.glob("places-*.npz"))
    warm = geo.load(data)
    assert_same_places(warm.places, cold.places)
    assert warm._features == cold._features
    assert warm.network_start == cold.network_start
    assert warm.inputs == cold.inputs
    for day in ("2010-09-08", "2015-01-01"):
        assert_same_places(warm.at(day).places, cold.at(day).places)
        assert_same_places(geo.load(data, as_of=day).places, cold.at(day).places)
    # the warm load neither parsed the place files nor validated them
    assert isinstance(atlas_module.validate, type(geo.validate))


def test_a_cached_load_checks_nothing_again(
    own_cache: Path, fixture_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from geo import atlas as atlas_module

    cold = geo.load(fixture_dir)

    def no_check(*args: object, **kwargs: object) -> None:
        raise AssertionError("the places were checked again")

    monkeypatch.setattr(atlas_module, "_check", no_check)
    warm = geo.load(fixture_dir)
    assert geo.validate(fixture_dir) == []
    assert list(warm.places["id"]) == list(cold.places["id"])
    # the country layer is read only when asked for, and is the same
    assert warm.countries.codes == cold.countries.codes
    assert warm.locate(lat=40.41, lon=49.87).iso3 == "AZE"


def test_a_changed_input_is_checked_again(own_cache: Path, fixture_copy: Path) -> None:
    assert geo.validate(fixture_copy) == []
    geo.load(fixture_copy)
    edit_feature(fixture_copy, "offices.geojson", "wco-hq", at_sea)
    with pytest.raises(geo.DataError, match=r"offices\.geojson: feature #0 \(id='wco-hq'\)"):
        geo.load(fixture_copy)
    assert [p.feature_id for p in geo.validate(fixture_copy)] == ["wco-hq"]
    # a valid change gives the new places, not the cached ones
    edit_feature(
        fixture_copy, "offices.geojson", "wco-hq", lambda f: f["properties"].update(name="HQ")
    )
    shutil_restore_hq(fixture_copy)
    assert row(geo.load(fixture_copy), "wco-hq")["name"] == "HQ"


def shutil_restore_hq(folder: Path) -> None:
    """Put the HQ back on land (its coordinates in the fixture), keeping its new name."""
    fixture = json.loads((Path(__file__).parent / "data" / "offices.geojson").read_text("utf-8"))
    coords = next(
        f["geometry"]["coordinates"]
        for f in fixture["features"]
        if f["properties"]["id"] == "wco-hq"
    )
    edit_feature(
        folder, "offices.geojson", "wco-hq", lambda f: f["geometry"].update(coordinates=coords)
    )


def test_a_new_code_version_or_day_is_checked_again(
    own_cache: Path, fixture_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from geo import atlas as atlas_module
    from geo import cache

    geo.load(fixture_dir)
    checked: list[int] = []
    real_check = atlas_module._check

    def counting(*args: object, **kwargs: object) -> object:
        checked.append(1)
        return real_check(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(atlas_module, "_check", counting)
    geo.load(fixture_dir)
    assert checked == []
    monkeypatch.setattr(cache, "code_version", lambda: "the next version of geo")
    geo.load(fixture_dir)
    assert checked == [1]

    class Tomorrow(dt.date):
        @classmethod
        def today(cls) -> Tomorrow:
            return cls(2999, 1, 1)

    monkeypatch.setattr(atlas_module.dt, "date", Tomorrow)
    geo.validate(fixture_dir)
    assert checked == [1, 1]


def test_a_corrupt_places_entry_is_ignored(own_cache: Path, fixture_dir: Path) -> None:
    cold = geo.load(fixture_dir)
    for entry in own_cache.glob("*.npz"):
        entry.write_bytes(entry.read_bytes()[:100])
    warm = geo.load(fixture_dir)
    assert_same_places(warm.places, cold.places)
    assert_same_places(warm.countries_display, cold.countries_display)


def test_display_layer_from_the_cache_is_the_one_parsed(own_cache: Path, fixture_dir: Path) -> None:
    from geo import cache

    cache._REMEMBERED.pop("display", None)  # as in a new process
    cold = geo.load(fixture_dir).countries_display
    cache._REMEMBERED.pop("display", None)
    assert list(own_cache.glob("display-*.npz"))
    warm = geo.load(fixture_dir).countries_display
    assert_same_places(warm, cold)


def test_a_command_reads_each_data_file_once(
    own_cache: Path,
    fixture_copy: Path,
    project_data: Path,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    """Cold (nothing cached), warm, and a first build without --force (which reads the files
    for its key before it loads them): every file of the data folder is opened at most once."""
    from geo.build import build

    for name in ("countries.fgb.xz", "countries_display.geojson"):
        (fixture_copy / name).write_bytes((project_data / name).read_bytes())
    opened: list[Path] = []
    real_open = Path.open

    def counting_open(self: Path, *args: object, **kwargs: object) -> object:
        if self.parent == fixture_copy:
            opened.append(self)
        return real_open(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "open", counting_open)
    for attempt in ("cold", "warm", "plain"):
        opened.clear()
        build(fixture_copy, tmp_path / attempt, force=attempt != "plain")
        assert sorted(p.name for p in opened) == sorted(p.name for p in set(opened)), attempt
        assert {p.name for p in opened} >= {"offices.geojson", "countries_display.geojson"}


@pytest.mark.parametrize(
    ("command", "never"),
    [
        (["validate"], {"folium", "scipy", "branca", "jinja2"}),
        (["--help"], {"folium", "scipy", "geopandas", "pyogrio", "pandas", "pyarrow", "dask"}),
        (["locate", "--lat", "40.41", "--lon", "49.87"], {"folium", "scipy"}),
    ],
)
def test_a_command_imports_only_what_it_uses(
    fixture_dir: Path, command: list[str], never: set[str]
) -> None:
    import subprocess
    import sys

    args = [*command, "--data", str(fixture_dir)] if command != ["--help"] else command
    for _ in ("cold", "warm"):
        result = subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "geo", *args],
            capture_output=True,
            text=True,
            check=True,
        )
        imported = {
            line.rsplit("|", 1)[1].strip().split(".")[0]
            for line in result.stderr.splitlines()
            if line.startswith("import time:") and "|" in line
        }
        assert not imported & never, sorted(imported & never)


def test_a_map_of_any_points_styled_by_a_column(fixture_atlas: geo.Atlas) -> None:
    from geo.render import to_html
    from tests.test_render import payload, split_page

    hostile = "<script>alert(1)</script>"
    shipments = gpd.GeoDataFrame(
        {
            "shipment": ["s1", "s2", "s3", "s4"],
            "carrier": ["Maersk", hostile, "Maersk", None],
            "weight_t": [12.5, 3.0, 7.25, 1.0],
        },
        geometry=[Point(49.87, 40.41), Point(4.37, 50.85), Point(2.35, 48.86), Point(30, 0)],
        crs="EPSG:4326",
    )
    page = to_html(fixture_atlas.to_map(shipments, column="carrier"))
    data = payload(page)
    legend = {k["code"]: k for k in data["kinds"] if k["count"]}
    assert {code: k["count"] for code, k in legend.items()} == {
        "Maersk": 2,
        hostile: 1,
        "\u2013": 1,
    }
    looks = {(k["shape"], k["color"]) for k in legend.values()}
    assert len(looks) == 3  # a symbol per value, shape and colour
    assert hostile not in split_page(page)[0]  # escaped data, never markup
    assert "<script>alert" not in page
    assert len(data.get("places", [])) == 4 or data.get("table", {}).get("n") == 4
    unstyled = payload(to_html(fixture_atlas.to_map(shipments)))
    assert [k["count"] for k in unstyled["kinds"] if k["count"]] == [4]


def test_to_map_says_what_it_cannot_draw(fixture_atlas: geo.Atlas) -> None:
    points = gpd.GeoDataFrame({"carrier": ["a"]}, geometry=[Point(1, 1)], crs="EPSG:4326")
    with pytest.raises(geo.UsageError, match=r"column='carier'.*did you mean 'carrier'"):
        fixture_atlas.to_map(points, column="carier")
    lines = gpd.GeoDataFrame(geometry=[box(0, 0, 1, 1)], crs="EPSG:4326")
    with pytest.raises(geo.UsageError, match=r"to_map draws points; the frame has Polygon"):
        fixture_atlas.to_map(lines)
    with pytest.raises(geo.UsageError, match=r"Got DataFrame; to_map needs a geopandas"):
        fixture_atlas.to_map(points.drop(columns="geometry"))  # type: ignore[arg-type]
