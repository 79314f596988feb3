"""Validation lets no wrong value in (issue 26, cases 7, 8 and 12): each message pinned.

Ids and dates are matched exactly (no trailing newline, ASCII digits only),
dates out of range are problems, not tracebacks, every number of a place is
typed and checked as a coordinate, a seat lies in its country as an office
does, and the display layer is checked by ``geo validate`` as ``geo build``
reads it.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import geo
from geo.cli import cli
from geo.history import segments
from geo.schema import parse_date, parse_when
from tests.conftest_data import copy_data, edit_feature


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return copy_data(tmp_path)


def problems_of(folder: Path) -> list[str]:
    return [str(p) for p in geo.validate(folder)]


def only_problem(folder: Path) -> str:
    found = problems_of(folder)
    assert len(found) == 1, found
    return found[0]


def set_props(folder: Path, file: str, place_id: str, **values: Any) -> None:
    def change(feature: dict[str, Any]) -> None:
        feature["properties"].update(values)

    edit_feature(folder, file, place_id, change)


def invoke(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args))


# -- ids and dates, matched exactly ----------------------------------------------------------


def test_an_id_with_a_trailing_newline_is_refused(data: Path) -> None:
    set_props(data, "offices.geojson", "rocb-ap", id="rocb-ap\n")
    assert only_problem(data) == (
        "offices.geojson: feature #1 (id='rocb-ap\\n'): field 'id': got 'rocb-ap\\n'; "
        "expected lower-case letters and digits joined by hyphens, e.g. 'rocb-europe'"
    )


def test_geo_add_refuses_an_id_with_a_trailing_newline(data: Path) -> None:
    before = (data / "offices.geojson").read_bytes()
    result = invoke(
        "add", "office", "--data", str(data), "--id", "rtc-x\n", "--kind", "rtc",
        "--name", "RTC X", "--iso3", "AZE", "--city", "Baku", "--lat", "40.41",
        "--lon", "49.87", "--source", "https://example.org/",
    )  # fmt: skip
    assert result.exit_code == 1
    assert re.search(r"field 'id': got 'rtc-x\\n'; expected lower-case", result.output)
    assert (data / "offices.geojson").read_bytes() == before


@pytest.mark.parametrize(
    "text",
    [
        "2011\n",
        "2011-10\n",
        "2011-10-17\n",
        "\uff12\uff10\uff11\uff11",
        "2011-1\uff10",
        "\u0662011",
    ],
)
def test_dates_are_ascii_digits_with_nothing_after(text: str) -> None:
    assert parse_date(text) is None
    assert parse_when(text) is None
    assert parse_when(f"2005/{text}") is None
    assert parse_when(f"{text}/..") is None


@pytest.mark.parametrize(
    ("field", "value"),
    [("opened", "2004-09\n"), ("opened", "\uff12\uff10\uff10\uff14"), ("closed", "../2013\n")],
)
def test_a_date_with_a_trailing_newline_or_full_width_digits_is_refused(
    data: Path, field: str, value: str
) -> None:
    set_props(data, "offices.geojson", "rocb-ap", **{field: value})
    problem = only_problem(data)
    assert problem.startswith(
        f"offices.geojson: feature #1 (id='rocb-ap'): field '{field}': got {value!r}; "
        "expected a date 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD', bounds such as"
    )


def test_an_event_date_with_a_trailing_newline_is_refused(data: Path) -> None:
    set_props(
        data,
        "offices.geojson",
        "rocb-ap",
        history=[{"date": "2004-09\n", "status": "operational"}],
    )
    assert only_problem(data) == (
        "offices.geojson: feature #1 (id='rocb-ap'): field 'history[0].date': got '2004-09\\n'; "
        "expected a date 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD', or null (put free text in 'date_note')"
    )


@pytest.mark.parametrize(
    "value",
    ["2026-01-01\n", "\uff12\uff10\uff12\uff16-01-01", "2026-02-30", "2026-01", 5, "yesterday"],
)
def test_a_checked_on_day_is_checked_exactly(data: Path, value: Any) -> None:
    """``geo validate`` said such a folder was valid; ``geo check-stale`` then refused it."""
    set_props(data, "offices.geojson", "rocb-ap", checked_on=value)
    assert only_problem(data) == (
        f"offices.geojson: feature #1 (id='rocb-ap'): field 'checked_on': got {value!r}; "
        "expected a day 'YYYY-MM-DD' (the day the place's facts were last checked), or null"
    )
    result = invoke("check-stale", "--data", str(data))
    assert result.exit_code == 1 and "field 'checked_on'" in result.output


def test_a_checked_on_day_after_today_is_refused(data: Path) -> None:
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    set_props(data, "offices.geojson", "rocb-ap", checked_on=tomorrow)
    assert only_problem(data) == (
        f"offices.geojson: feature #1 (id='rocb-ap'): field 'checked_on': got {tomorrow!r}; "
        f"expected a day not after today ({dt.date.today().isoformat()})"
    )


# -- dates at the end of the calendar (case 7) -----------------------------------------------


def test_bounds_in_year_9999_end_on_its_last_day() -> None:
    last = dt.date(9999, 12, 31)
    assert parse_when("../9999") == geo.schema.When(None, last)
    assert parse_when("2000/9999-12") == geo.schema.When(dt.date(2000, 1, 1), last)
    assert parse_when("9999-12/9999") == geo.schema.When(dt.date(9999, 12, 1), last)
    life = segments({"opened": "2000", "closed": "2000/9999-12", "status": "operational"}, 0, 0)
    assert life == [{"from": "2000", "to": None, "status": "unknown", "lon": 0, "lat": 0}]


@pytest.mark.parametrize("value", ["../9999", "2000/9999-12", "9999-12-31", "2000/9999"])
def test_a_date_in_year_9999_is_a_date_after_today(data: Path, value: str) -> None:
    set_props(data, "offices.geojson", "rocb-ap", closed=value)
    assert only_problem(data) == (
        f"offices.geojson: feature #1 (id='rocb-ap'): field 'closed': got {value!r}; "
        f"expected a date not after today ({dt.date.today().isoformat()}) "
        "(record plans with status 'planned' and a 'planned_opening' date)"
    )
    with pytest.raises(
        geo.DataError, match=r"field 'closed': got '[0-9/.-]+'; expected a date not"
    ):
        geo.load(data)


def test_the_later_bound_of_an_interval_may_not_be_after_today(data: Path) -> None:
    next_year = str(dt.date.today().year + 1)
    set_props(data, "offices.geojson", "rocb-ap", opened=f"2000/{next_year}")
    assert "field 'opened': got '2000/" + next_year + "'; expected a date not after today" in (
        only_problem(data)
    )


@pytest.mark.parametrize("command", ["validate", "build"])
def test_geo_validate_and_build_report_a_closing_in_9999(
    data: Path, tmp_path: Path, command: str
) -> None:
    set_props(data, "offices.geojson", "rocb-ap", closed="2000/9999-12")
    args = [command, "--data", str(data)]
    if command == "build":
        args += ["--output", str(tmp_path / "out")]
    result = invoke(*args)
    assert result.exit_code == 1, result.output
    assert "field 'closed': got '2000/9999-12'; expected a date not after today" in result.output
    assert not (tmp_path / "out" / "index.html").exists()


def test_geo_set_refuses_a_closing_in_9999(data: Path) -> None:
    before = (data / "offices.geojson").read_bytes()
    result = invoke("set", "--data", str(data), "rocb-ap", "closed=../9999")
    assert result.exit_code == 1, result.output
    assert "field 'closed': got '../9999'; expected a date not after today" in result.output
    assert (data / "offices.geojson").read_bytes() == before


# -- numbers of a place, typed and in range --------------------------------------------------


def test_huge_side_coordinates_are_refused(data: Path, tmp_path: Path) -> None:
    set_props(data, "border_posts.geojson", "samur", side_b_lon=1e300, side_b_lat=-1e300)
    assert only_problem(data) == (
        "border_posts.geojson: feature #0 (id='samur'): field 'side_b_lon/lat': "
        "got [1e+300, -1e+300]; expected finite degrees with -180 <= lon <= 180 and "
        "-90 <= lat <= 90"
    )
    result = invoke("build", "--data", str(data), "--output", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert "field 'side_b_lon/lat': got [1e+300, -1e+300]" in result.output


def test_side_coordinates_as_text_are_refused(data: Path) -> None:
    set_props(data, "border_posts.geojson", "samur", side_b_lon="48.3818", side_b_lat="41.6482")
    assert only_problem(data) == (
        "border_posts.geojson: feature #0 (id='samur'): field 'side_b_lon/lat': "
        "got ['48.3818', '41.6482']; expected finite degrees with -180 <= lon <= 180 and "
        "-90 <= lat <= 90 (numbers, not text)"
    )


def test_half_a_side_position_is_refused(data: Path) -> None:
    set_props(data, "border_posts.geojson", "samur", side_a_lat=41.6)
    assert only_problem(data) == (
        "border_posts.geojson: feature #0 (id='samur'): field 'side_a_lon/lat': "
        "got [None, 41.6]; expected finite degrees with -180 <= lon <= 180 and -90 <= lat <= 90"
    )


def test_a_side_post_lies_in_its_own_country(data: Path) -> None:
    set_props(data, "border_posts.geojson", "samur", side_b_lon=36.82, side_b_lat=-1.29)  # Nairobi
    assert re.fullmatch(
        r"border_posts\.geojson: feature #0 \(id='samur'\): field 'side_b_lon/lat': "
        r"got \[36\.82, -1\.29\]; expected a point within 25 km of side_b_iso3 \(RUS\); "
        r"it is in KEN \(Kenya\), [0-9]+ km from RUS",
        only_problem(data),
    ), only_problem(data)


def test_osbp_and_modes_are_typed(data: Path) -> None:
    set_props(data, "border_posts.geojson", "samur", osbp="yes", modes=["road", "ship"])
    assert problems_of(data) == [
        "border_posts.geojson: feature #0 (id='samur'): field 'osbp': got 'yes'; "
        "expected true, false or null (not known) (JSON true or false, not text)",
        "border_posts.geojson: feature #0 (id='samur'): field 'modes': got ['road', 'ship']; "
        "expected a list of ['road', 'rail'], each once",
    ]


# -- seats, checked like places ---------------------------------------------------------------


def test_a_seat_with_lon_and_lat_swapped_is_refused(data: Path) -> None:
    def swap(feature: dict[str, Any]) -> None:
        seat = feature["properties"]["seats"][0]
        seat["lon"], seat["lat"] = seat["lat"], seat["lon"]

    edit_feature(data, "offices.geojson", "rtc-ukraine", swap)
    problem = only_problem(data)
    assert problem.startswith(
        "offices.geojson: feature #20 (id='rtc-ukraine'): field 'seats[0].iso3': got 'UKR'; "
        "expected the country at [lon, lat] = [48.4666, 35.0407], which is in "
    )
    assert problem.endswith("(are lon and lat swapped? [35.0407, 48.4666] lies there)")


def test_a_seat_at_sea_is_refused(data: Path) -> None:
    def at_sea(feature: dict[str, Any]) -> None:
        feature["properties"]["seats"][0].update(lon=-30.0, lat=-40.0)

    edit_feature(data, "offices.geojson", "rocb-americas", at_sea)
    problem = only_problem(data)
    assert re.fullmatch(
        r"offices\.geojson: feature #3 \(id='rocb-americas'\): field 'seats\[0\]\.iso3': "
        r"got 'ARG'; expected the country at \[lon, lat\] = \[-30\.0, -40\.0\], which is at sea, "
        r"[0-9]+ km from ARG \(fix the coordinates or the declared country\)",
        problem,
    ), problem


def test_a_seat_far_from_its_country_is_refused(data: Path) -> None:
    def in_chile(feature: dict[str, Any]) -> None:
        feature["properties"]["seats"][0].update(lon=-70.65, lat=-33.45)  # Santiago

    edit_feature(data, "offices.geojson", "rocb-americas", in_chile)
    assert re.fullmatch(
        r".*field 'seats\[0\]\.iso3': got 'ARG'; expected the country at \[lon, lat\] = "
        r"\[-70\.65, -33\.45\], which is in CHL \(Chile\), [0-9]+ km from ARG .*",
        only_problem(data),
    )


# -- the crs member, any shape (case 8) -------------------------------------------------------


@pytest.mark.parametrize(
    ("crs", "shown"),
    [
        ({"type": "name", "properties": {"name": ["EPSG:4326"]}}, "['EPSG:4326']"),
        ({"type": "name", "properties": {"name": {"a": 1}}}, "{'a': 1}"),
        ({"type": "name", "properties": ["EPSG:4326"]}, None),
        ({"type": "name", "properties": None}, None),
        ([1, 2], "[1, 2]"),
        (5, "5"),
    ],
)
def test_a_crs_member_of_any_shape_is_a_problem(data: Path, crs: Any, shown: str | None) -> None:
    path = data / "offices.geojson"
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["crs"] = crs
    path.write_text(json.dumps(doc), encoding="utf-8")
    got = shown if shown is not None else repr(crs)
    assert only_problem(data) == (
        f"offices.geojson: field 'crs': got {got}; expected WGS84 longitude/latitude (EPSG:4326) "
        "with no 'crs' member (reproject the file to EPSG:4326, e.g. ogr2ogr -t_srs EPSG:4326)"
    )


# -- the display layer, as a build reads it ---------------------------------------------------


def test_validate_refuses_a_two_point_ring_of_the_display_layer(data: Path, tmp_path: Path) -> None:
    path = data / "countries_display.geojson"
    doc = json.loads(path.read_text(encoding="utf-8"))
    ring = doc["features"][0]["geometry"]["coordinates"][0]
    doc["features"][0]["geometry"]["coordinates"][0] = ring[:2]
    path.write_text(json.dumps(doc), encoding="utf-8")
    expected = (
        "countries_display.geojson: feature #0: field 'geometry.coordinates': "
        "got 'A linearring requires at least 4 coordinates.'; expected valid polygon coordinates"
    )
    assert only_problem(data) == expected
    result = invoke("build", "--data", str(data), "--output", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert expected in result.output  # the same check, the same words


# -- how a border post was placed ------------------------------------------------------------


def test_how_a_post_was_placed_is_a_closed_vocabulary(data: Path) -> None:
    set_props(data, "border_posts.geojson", "samur", placed_by="gps")
    problem = only_problem(data)
    assert "(id='samur'): field 'placed_by': got 'gps'; expected one of ['survey'," in problem


def test_how_a_post_was_placed_cites_where_from(data: Path) -> None:
    set_props(data, "border_posts.geojson", "samur", placed_by="imagery", placed_by_source=" ")
    problem = only_problem(data)
    assert "(id='samur'): field 'placed_by_source': got ' '; expected a non-empty string" in problem


def test_a_place_may_leave_out_how_it_was_placed(data: Path) -> None:
    set_props(data, "border_posts.geojson", "samur", placed_by=None, placed_by_source=None)
    assert problems_of(data) == []
