"""Validation: one test per kind of error, each message pinned."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import geo
from geo.schema import parse_date
from tests.conftest_data import copy_data, edit_feature


def problems_of(folder: Path) -> list[str]:
    return [str(p) for p in geo.validate(folder)]


def only_problem(folder: Path) -> str:
    found = problems_of(folder)
    assert len(found) == 1, found
    return found[0]


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return copy_data(tmp_path)


def test_shipped_data_is_valid() -> None:
    assert geo.validate() == []


def test_invalid_json_gives_line_and_column(data: Path) -> None:
    path = data / "offices.geojson"
    text = path.read_text(encoding="utf-8").replace('"kind": "hq",', '"kind": "hq"', 1)
    path.write_text(text, encoding="utf-8")
    line = (
        text.splitlines().index(
            '        "name": "World Customs Organization (WCO) Secretariat / Headquarters",'
        )
        + 1
    )
    assert only_problem(data) == (
        f"offices.geojson:{line}:9: field '(json)': got \"Expecting ',' delimiter\"; "
        "expected valid JSON\n"
        '              "name": "World Customs Organization (WCO) Secretariat / Headquarters",\n'
        "              ^"
    )


def test_nan_is_rejected_as_invalid_json(data: Path) -> None:
    path = data / "border_posts.geojson"
    text = path.read_text(encoding="utf-8").replace("[48.4303, 41.6367]", "[NaN, 41.6367]")
    path.write_text(text, encoding="utf-8")
    assert only_problem(data) == (
        "border_posts.geojson: field '(json)': got 'NaN is not valid JSON'; "
        "expected valid JSON (no NaN or Infinity)"
    )


def test_not_a_feature_collection(data: Path) -> None:
    (data / "extra.geojson").write_text('{"type": "Feature"}', encoding="utf-8")
    assert only_problem(data) == (
        "extra.geojson: field 'type': got 'Feature'; expected a GeoJSON FeatureCollection"
    )


def test_non_point_geometry(data: Path) -> None:
    def change(f: dict) -> None:
        f["geometry"] = {"type": "LineString", "coordinates": [[49.8, 40.3], [49.9, 40.4]]}

    edit_feature(data, "offices.geojson", "rocb-europe", change)
    assert only_problem(data) == (
        "offices.geojson: feature #6 (id='rocb-europe'): field 'geometry.type': "
        "got 'LineString'; expected 'Point'"
    )


def test_null_geometry(data: Path) -> None:
    edit_feature(data, "offices.geojson", "rocb-europe", lambda f: f.update(geometry=None))
    assert only_problem(data) == (
        "offices.geojson: feature #6 (id='rocb-europe'): field 'geometry': got None; "
        "expected a Point geometry (the geometry is null)"
    )


def test_empty_point(data: Path) -> None:
    edit_feature(
        data, "offices.geojson", "rocb-europe", lambda f: f["geometry"].update(coordinates=[])
    )
    assert only_problem(data) == (
        "offices.geojson: feature #6 (id='rocb-europe'): field 'geometry.coordinates': "
        "got []; expected [lon, lat] (the point is empty)"
    )


def test_null_coordinate(data: Path) -> None:
    edit_feature(
        data,
        "offices.geojson",
        "rocb-europe",
        lambda f: f["geometry"].update(coordinates=[None, 40.3]),
    )
    assert only_problem(data) == (
        "offices.geojson: feature #6 (id='rocb-europe'): field 'geometry.coordinates': "
        "got [None, 40.3]; expected [lon, lat] as finite numbers"
    )


def test_out_of_range_with_swap_hint(data: Path) -> None:
    edit_feature(
        data,
        "border_posts.geojson",
        "samur",
        lambda f: f["geometry"].update(coordinates=[41.6367, 148.4303]),
    )
    assert only_problem(data) == (
        "border_posts.geojson: feature #0 (id='samur'): field 'geometry.coordinates': "
        "got [41.6367, 148.4303]; expected [lon, lat] with -180 <= lon <= 180 and "
        "-90 <= lat <= 90 (are lon and lat swapped?)"
    )


def test_swapped_inside_range_detected_by_country(data: Path) -> None:
    # Baku written as [lat, lon]: [40.3777, 49.892] is in Kazakhstan, far from AZE.
    edit_feature(
        data,
        "offices.geojson",
        "rocb-europe",
        lambda f: f["geometry"].update(coordinates=[40.3777, 49.892]),
    )
    message = only_problem(data)
    assert message.startswith(
        "offices.geojson: feature #6 (id='rocb-europe'): field 'iso3': got 'AZE'; "
        "expected the country at [lon, lat] = [40.3777, 49.892], which is in RUS"
    )
    assert message.endswith("(are lon and lat swapped? [49.892, 40.3777] lies there)")


def test_declared_country_disagrees(data: Path) -> None:
    edit_feature(
        data, "offices.geojson", "rocb-europe", lambda f: f["properties"].update(iso3="GEO")
    )
    message = only_problem(data)
    assert re.fullmatch(
        r"offices\.geojson: feature #6 \(id='rocb-europe'\): field 'iso3': got 'GEO'; "
        r"expected the country at \[lon, lat\] = \[49\.892, 40\.3777\], which is in AZE "
        r"\(Azerbaijan\), \d+ km from GEO \(fix the coordinates or the declared country\)",
        message,
    ), message


def test_border_post_far_from_a_side(data: Path) -> None:
    edit_feature(
        data, "border_posts.geojson", "samur", lambda f: f["properties"].update(side_b_iso3="ARM")
    )
    message = only_problem(data)
    assert message.startswith(
        "border_posts.geojson: feature #0 (id='samur'): field 'side_b_iso3': got 'ARM'; "
        "expected a border post within 25 km of both sides; the point [48.4303, 41.6367] "
        "is in AZE (Azerbaijan), "
    )


def test_duplicate_ids_across_files(data: Path) -> None:
    edit_feature(
        data, "offices.geojson", "rocb-europe", lambda f: f["properties"].update(id="samur")
    )
    assert only_problem(data) == (
        "offices.geojson: feature #6 (id='samur'): field 'id': got 'samur'; expected an id "
        "used once (also used by border_posts.geojson feature #0)"
    )


def test_bad_id_shape(data: Path) -> None:
    edit_feature(
        data, "offices.geojson", "rocb-europe", lambda f: f["properties"].update(id="ROCB Europe")
    )
    assert only_problem(data) == (
        "offices.geojson: feature #6 (id='ROCB Europe'): field 'id': got 'ROCB Europe'; "
        "expected lower-case letters and digits joined by hyphens, e.g. 'rocb-europe'"
    )


def test_missing_required_property(data: Path) -> None:
    edit_feature(data, "offices.geojson", "rocb-europe", lambda f: f["properties"].pop("source"))
    assert only_problem(data) == (
        "offices.geojson: feature #6 (id='rocb-europe'): field 'source': got None; "
        "expected a non-empty string (required property)"
    )


def test_unknown_kind_suggests_closest(data: Path) -> None:
    edit_feature(
        data, "offices.geojson", "rocb-europe", lambda f: f["properties"].update(kind="rcob")
    )
    assert only_problem(data) == (
        "offices.geojson: feature #6 (id='rocb-europe'): field 'kind': got 'rcob'; expected "
        "one of ['hq', 'rocb', 'rtc', 'rilo', 'border_post'] (did you mean 'rocb'?)"
    )


def test_unknown_status(data: Path) -> None:
    edit_feature(
        data, "offices.geojson", "rocb-europe", lambda f: f["properties"].update(status="open")
    )
    assert only_problem(data) == (
        "offices.geojson: feature #6 (id='rocb-europe'): field 'status': got 'open'; expected "
        "one of ['planned', 'under_construction', 'operational', 'closed']"
    )


def test_unknown_iso3(data: Path) -> None:
    edit_feature(
        data, "offices.geojson", "rocb-europe", lambda f: f["properties"].update(iso3="AZR")
    )
    assert only_problem(data) == (
        "offices.geojson: feature #6 (id='rocb-europe'): field 'iso3': got 'AZR'; expected "
        "a known ISO 3166-1 alpha-3 code (did you mean 'MAR' or 'KAZ' or 'AZE'?)"
    )


def test_lower_case_iso3(data: Path) -> None:
    edit_feature(
        data, "offices.geojson", "rocb-europe", lambda f: f["properties"].update(iso3="aze")
    )
    assert only_problem(data).endswith("(codes are upper case: 'AZE')")


def test_unparseable_date(data: Path) -> None:
    edit_feature(
        data,
        "offices.geojson",
        "rocb-europe",
        lambda f: f["properties"].update(opened="17 Oct 2011"),
    )
    assert only_problem(data) == (
        "offices.geojson: feature #6 (id='rocb-europe'): field 'opened': got '17 Oct 2011'; "
        "expected a date 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD', bounds such as '2005/2013-11', "
        "'../2013' (by 2013) or '2010/..' (from 2010), or null "
        "(put free text in 'opened_note')"
    )


@pytest.mark.parametrize("value", ["2005/2013-11", "../2013", "2010-09/..", "2010/2010"])
def test_bounded_dates_are_valid(data: Path, value: str) -> None:
    edit_feature(
        data, "offices.geojson", "rtc-india", lambda f: f["properties"].update(opened=value)
    )
    assert geo.validate(data) == []


@pytest.mark.parametrize(
    ("opened", "closed", "problem"),
    [
        ("2014/2013", None, "field 'opened': got '2014/2013'; expected a date"),
        ("../..", None, "field 'opened': got '../..'; expected a date"),
        ("2011-02-30/2012", None, "field 'opened': got '2011-02-30/2012'; expected a date"),
        ("2099/..", None, "field 'opened': got '2099/..'; expected a date not after today"),
        ("2010/2013", "../2009", "field 'closed': got '../2009'; expected a date after opened"),
    ],
)
def test_bad_bounds_are_reported(data: Path, opened: str, closed: str | None, problem: str) -> None:
    edit_feature(
        data,
        "offices.geojson",
        "rtc-india",
        lambda f: f["properties"].update(opened=opened, closed=closed),
    )
    assert problem in only_problem(data)


def test_closed_before_opened(data: Path) -> None:
    edit_feature(
        data, "offices.geojson", "rocb-europe", lambda f: f["properties"].update(closed="2010-02")
    )
    assert only_problem(data) == (
        "offices.geojson: feature #6 (id='rocb-europe'): field 'closed': got '2010-02'; "
        "expected a date after opened (2011-10-17)"
    )


def test_crs_member_wgs84(data: Path) -> None:
    path = data / "offices.geojson"
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["crs"] = {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}}
    path.write_text(json.dumps(doc), encoding="utf-8")
    assert only_problem(data) == (
        "offices.geojson: field 'crs': got 'urn:ogc:def:crs:OGC:1.3:CRS84'; expected no 'crs' "
        "member (RFC 7946 GeoJSON is always WGS84 [lon, lat]: delete the 'crs' member)"
    )


def test_crs_member_not_wgs84(data: Path) -> None:
    path = data / "offices.geojson"
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["crs"] = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3857"}}
    path.write_text(json.dumps(doc), encoding="utf-8")
    assert only_problem(data) == (
        "offices.geojson: field 'crs': got 'urn:ogc:def:crs:EPSG::3857'; expected WGS84 "
        "longitude/latitude (EPSG:4326) with no 'crs' member (reproject the file to "
        "EPSG:4326, e.g. ogr2ogr -t_srs EPSG:4326)"
    )


def test_every_problem_reported_at_once(data: Path) -> None:
    edit_feature(data, "offices.geojson", "rocb-europe", lambda f: f["properties"].update(kind="x"))
    edit_feature(
        data, "offices.geojson", "rocb-ap", lambda f: f["properties"].update(opened="soon")
    )
    edit_feature(data, "border_posts.geojson", "samur", lambda f: f.update(geometry=None))
    found = problems_of(data)
    assert len(found) == 3
    assert [m.split(":")[0] for m in found] == [
        "border_posts.geojson",
        "offices.geojson",
        "offices.geojson",
    ]


def test_load_raises_data_error_listing_all(data: Path) -> None:
    edit_feature(data, "offices.geojson", "rocb-europe", lambda f: f["properties"].update(kind="x"))
    edit_feature(
        data, "offices.geojson", "rocb-ap", lambda f: f["properties"].update(opened="soon")
    )
    with pytest.raises(
        geo.DataError, match=r"^2 problems in the data:\n  offices\.geojson"
    ) as info:
        geo.load(data)
    assert len(info.value.problems) == 2


def test_missing_data_folder(tmp_path: Path) -> None:
    with pytest.raises(geo.DataError, match="expected an existing data folder"):
        geo.load(tmp_path / "nope")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2011", (2011, 1, 1)), ("2011-10", (2011, 10, 1)), ("2011-10-17", (2011, 10, 17))],
)
def test_parse_date_precisions(text: str, expected: tuple[int, int, int]) -> None:
    date = parse_date(text)
    assert date is not None and (date.year, date.month, date.day) == expected


@pytest.mark.parametrize("text", ["2011-02-30", "2011-13", "11-10-2011", "2011-1", ""])
def test_parse_date_rejects(text: str) -> None:
    assert parse_date(text) is None


@pytest.mark.parametrize(
    ("name", "value"),
    [("geometry", "POINT (1 2)"), ("lat", "forty"), ("region", "EUR"), ("distance_km", 3)],
)
def test_a_property_geo_computes_is_refused(data: Path, name: str, value: object) -> None:
    edit_feature(
        data, "offices.geojson", "rtc-india", lambda f: f["properties"].update({name: value})
    )
    assert f"field '{name}': got {value!r}; expected no such property: geo computes it" in (
        only_problem(data)
    )


def test_a_repeated_key_in_a_place_file_is_reported(data: Path) -> None:
    path = data / "offices.geojson"
    text = path.read_text(encoding="utf-8").replace(
        '"kind": "rocb",', '"kind": "rocb", "kind": "hq",', 1
    )
    path.write_text(text, encoding="utf-8")
    assert "field 'kind': got \"key 'kind' repeated\"; expected each key at most once" in (
        only_problem(data)
    )


def test_a_name_in_a_language_of_the_maps_is_a_property_like_another(data: Path) -> None:
    edit_feature(
        data,
        "offices.geojson",
        "rocb-europe",
        lambda f: f["properties"].update({"name_fr": "BRRC Europe", "name:fr": "BRRC Europe"}),
    )
    assert problems_of(data) == []
    edit_feature(
        data, "offices.geojson", "rocb-europe", lambda f: f["properties"].update(name_fr=7)
    )
    assert only_problem(data) == (
        "offices.geojson: feature #6 (id='rocb-europe'): field 'name_fr': got 7; expected a "
        "non-empty string (the place's name in that language, used by its maps)"
    )


def test_a_note_in_a_language_of_the_maps_translates_a_note(data: Path) -> None:
    edit_feature(
        data,
        "offices.geojson",
        "rocb-europe",
        lambda f: f["properties"].update(notes="Opened in 2011.", notes_fr="Ouvert en 2011."),
    )
    assert problems_of(data) == []
    edit_feature(
        data, "offices.geojson", "rocb-europe", lambda f: f["properties"].update(notes_fr=" ")
    )
    assert only_problem(data) == (
        "offices.geojson: feature #6 (id='rocb-europe'): field 'notes_fr': got ' '; expected a "
        "non-empty string (the place's note in that language, shown by its maps in that language)"
    )
    edit_feature(
        data,
        "offices.geojson",
        "rocb-europe",
        lambda f: f["properties"].update(notes_fr="Ouvert en 2011.", notes=None),
    )
    assert only_problem(data) == (
        "offices.geojson: feature #6 (id='rocb-europe'): field 'notes_fr': got 'Ouvert en "
        "2011.'; expected a translation of 'notes' (write 'notes' too: a translation of no note "
        "is a mistake)"
    )
    edit_feature(  # another language's suffix is a property like another
        data, "offices.geojson", "rocb-europe", lambda f: f["properties"].update(notes_de=" ")
    )
    assert "notes_de" not in only_problem(data)
