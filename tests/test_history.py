"""The network's history: as-of atlases and builds, and validation of history."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import hypothesis.strategies as st
import pytest
from hypothesis import given

import geo
from geo.build import build
from geo.history import network_start, parse_as_of, segments, state_at
from geo.schema import parse_date, parse_when
from tests.conftest_data import copy_data, edit_feature

DAY = dt.timedelta(days=1)


@pytest.fixture(scope="module")
def atlas() -> geo.Atlas:
    return geo.load()


def place(atlas: geo.Atlas, place_id: str, when: str) -> dict | None:
    places = atlas.at(when).places.set_index("id")
    return places.loc[place_id].to_dict() if place_id in places.index else None


def test_baku_as_a_construction_site(atlas: geo.Atlas) -> None:
    assert place(atlas, "rocb-europe", "2009-05-31") is None
    assert place(atlas, "rocb-europe", "2009-06-01")["status"] == "planned"
    baku = place(atlas, "rocb-europe", "2010-09-08")
    assert (baku["status"], baku["planned_opening"]) == ("under_construction", "2011-02")
    assert place(atlas, "rocb-europe", "2011-10-16")["status"] == "under_construction"
    opened = place(atlas, "rocb-europe", "2011-10-17")
    assert (opened["status"], opened["planned_opening"]) == ("operational", None)


def test_americas_office_moves_without_a_new_identity(atlas: geo.Atlas) -> None:
    assert place(atlas, "rocb-americas", "2007-11-08") is None
    ba = place(atlas, "rocb-americas", "2016-12-31")
    assert (ba["city"], ba["iso3"], ba["region"]) == ("Buenos Aires", "ARG", "AC")
    mv = place(atlas, "rocb-americas", "2017-01-01")
    assert (mv["city"], mv["iso3"]) == ("Montevideo", "URY")
    assert mv["geometry"].x == pytest.approx(-56.1882)


def test_rtc_ukraine_seats(atlas: geo.Atlas) -> None:
    assert place(atlas, "rtc-ukraine", "2015-12-31")["city"] == "Dnipropetrovsk (Dnipro)"
    assert place(atlas, "rtc-ukraine", "2016-01-01")["city"] == "Khmelnytskyi"


@pytest.mark.parametrize(
    ("place_id", "opened"),
    [
        ("rtc-korea", "2010-09-08"),
        ("rocb-wca", "2009-01-16"),
        ("chirundu", "2009-12-05"),
        ("busia", "2018-02-24"),
        ("rtc-kyrgyzstan", "2019-04-16"),
    ],
)
def test_opening_days(atlas: geo.Atlas, place_id: str, opened: str) -> None:
    day = dt.date.fromisoformat(opened)
    assert place(atlas, place_id, (day - DAY).isoformat()) is None
    assert place(atlas, place_id, opened)["status"] == "operational"


def test_every_recorded_event_changes_something(atlas: geo.Atlas) -> None:
    """Around every cut of every place's life, the state before and on the day differ."""
    checked = 0
    for row in atlas.places.to_dict("records"):
        props = {k: v for k, v in row.items() if k != "geometry"}
        for piece in segments(props, row["geometry"].x, row["geometry"].y):
            if piece["from"] is None:
                continue
            day = parse_date(piece["from"])  # at its precision: "2011" is its first day
            assert day is not None
            assert state_at(props, day - DAY) != state_at(props, day), (row["id"], day)
            checked += 1
    assert checked >= 40


def test_planned_rtc_is_shown_as_planned(atlas: geo.Atlas) -> None:
    assert place(atlas, "rtc-turkmenistan", "2025-04-30") is None
    assert place(atlas, "rtc-turkmenistan", "2025-05-01")["status"] == "planned"


def test_queries_take_as_of(atlas: geo.Atlas) -> None:
    assert "rocb-europe" not in set(atlas.in_region("EUR", as_of="2009-01-01")["id"])
    assert "rocb-europe" in set(atlas.in_region("EUR", as_of="2012-01-01")["id"])
    then = atlas.nearest(lat=-34.6, lon=-58.4, k=1, kind="rocb", as_of="2010-01-01")
    assert list(then["id"]) == ["rocb-americas"] and then["distance_km"].iloc[0] < 5


def test_load_as_of_and_bad_dates() -> None:
    assert len(geo.load(as_of="2005").places) < len(geo.load().places)
    with pytest.raises(geo.UsageError, match=r"Got as_of='yesterday'; `as_of` must be a date"):
        geo.load(as_of="yesterday")
    assert parse_as_of("2011-10") == dt.date(2011, 10, 1)


def test_build_as_of_writes_maps_of_that_day(tmp_path: Path) -> None:
    result = build(None, tmp_path, as_of="2010-09-08")
    assert result.places == len(geo.load(as_of="2010-09-08").places)
    html = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "<title>WCO capacity-building network and border posts as of 8 September 2010<" in html
    features = json.loads((tmp_path / "places.geojson").read_text(encoding="utf-8"))["features"]
    baku = next(f for f in features if f["properties"]["id"] == "rocb-europe")
    assert baku["properties"]["status"] == "under_construction"
    assert baku["properties"]["planned_opening"] == "2011-02"
    assert not any(f["properties"]["id"] == "rtc-iran" for f in features)


# -- validation of history ---------------------------------------------------


def only_problem(folder: Path) -> str:
    found = [str(p) for p in geo.validate(folder)]
    assert len(found) == 1, found
    return found[0]


def test_future_date_is_an_error(tmp_path: Path) -> None:
    data = copy_data(tmp_path)
    edit_feature(
        data, "offices.geojson", "rtc-iran", lambda f: f["properties"].update(opened="2099-01-01")
    )
    assert only_problem(data).startswith(
        "offices.geojson: feature #15 (id='rtc-iran'): field 'opened': got '2099-01-01'; "
        "expected a date not after today ("
    )


def test_overlapping_seats(tmp_path: Path) -> None:
    data = copy_data(tmp_path)
    edit_feature(
        data,
        "offices.geojson",
        "rocb-americas",
        lambda f: f["properties"]["seats"][1].update({"from": "2015"}),
    )
    assert only_problem(data) == (
        "offices.geojson: feature #3 (id='rocb-americas'): field 'seats[1].from': got '2015'; "
        "expected a seat that does not overlap seats[0] (2007-11-09 to 2017) (an office has one "
        "seat at a time: end the earlier seat ('to') where the next begins)"
    )


def test_seat_that_ends_before_it_starts(tmp_path: Path) -> None:
    data = copy_data(tmp_path)
    edit_feature(
        data,
        "offices.geojson",
        "rtc-ukraine",
        lambda f: f["properties"]["seats"][0].update({"to": "2009"}),
    )
    assert only_problem(data) == (
        "offices.geojson: feature #20 (id='rtc-ukraine'): field 'seats[0].to': got '2009'; "
        "expected a date after from (2010-09-01)"
    )


def test_history_out_of_order(tmp_path: Path) -> None:
    data = copy_data(tmp_path)
    edit_feature(
        data,
        "offices.geojson",
        "rocb-europe",
        lambda f: f["properties"]["history"][2].update({"date": "2010-01-01"}),
    )
    assert only_problem(data) == (
        "offices.geojson: feature #6 (id='rocb-europe'): field 'history[2].date': got "
        "'2010-01-01'; expected a date on or after the previous event (2010-09-08) "
        "(list history events in date order)"
    )


def test_history_bad_status(tmp_path: Path) -> None:
    data = copy_data(tmp_path)
    edit_feature(
        data,
        "offices.geojson",
        "rocb-europe",
        lambda f: f["properties"]["history"][1].update({"status": "building"}),
    )
    assert only_problem(data) == (
        "offices.geojson: feature #6 (id='rocb-europe'): field 'history[1].status': got "
        "'building'; expected one of ['planned', 'under_construction', 'operational', 'closed']"
    )


def test_planned_opening_may_be_in_the_future(tmp_path: Path) -> None:
    data = copy_data(tmp_path)
    edit_feature(
        data,
        "offices.geojson",
        "rocb-europe",
        lambda f: f["properties"]["history"][1].update({"planned_opening": "2099-02"}),
    )
    assert geo.validate(data) == []


# --------------------------------------------------------------------------- bounded dates

D = dt.date
SINCE = D(1952, 11, 4)


@pytest.mark.parametrize(
    ("opened", "day", "status"),
    [
        ("2011-10-17", D(2011, 10, 16), None),
        ("2011-10-17", D(2011, 10, 17), "operational"),
        ("2011", D(2011, 1, 1), "operational"),  # a year counts from its first day
        ("../2013", D(1952, 11, 3), None),  # not before the network's first known day
        ("../2013", D(1952, 11, 4), "unknown"),
        ("../2013", D(2013, 12, 31), "unknown"),  # "by 2013": possibly open all of 2013
        ("../2013", D(2014, 1, 1), "operational"),
        ("2005/2013-11", D(2004, 12, 31), None),
        ("2005/2013-11", D(2005, 1, 1), "unknown"),
        ("2005/2013-11", D(2013, 11, 30), "unknown"),
        ("2005/2013-11", D(2013, 12, 1), "operational"),
        ("2010-09/..", D(2010, 8, 31), None),
        ("2010-09/..", D(2030, 1, 1), "unknown"),  # no later bound: never certain
        (None, D(1900, 1, 1), None),
        (None, D(2020, 1, 1), "unknown"),
    ],
)
def test_state_at_bounded_openings(opened: str | None, day: dt.date, status: str | None) -> None:
    state = state_at({"opened": opened, "status": "operational"}, day, since=SINCE)
    assert (state.status if state else None) == status


@pytest.mark.parametrize(
    ("closed", "day", "status"),
    [
        ("2025-04-24", D(2025, 4, 23), "operational"),
        ("2025-04-24", D(2025, 4, 24), "closed"),
        ("2019/2020", D(2018, 12, 31), "operational"),
        ("2019/2020", D(2019, 6, 1), "unknown"),
        ("2019/2020", D(2021, 1, 1), "closed"),
        ("../2020", D(2000, 1, 1), "unknown"),
    ],
)
def test_state_at_bounded_closings(closed: str, day: dt.date, status: str) -> None:
    props = {"opened": "1990", "closed": closed, "status": "operational"}
    state = state_at(props, day, since=SINCE)
    assert state is not None and state.status == status


def test_segments_cut_at_the_bounds() -> None:
    pieces = segments({"opened": "../2013", "closed": "2025-04-24"}, 1.0, 2.0, since=SINCE)
    assert [(p["from"], p["to"], p["status"]) for p in pieces] == [
        ("1952-11-04", "2014-01-01", "unknown"),
        ("2014-01-01", "2025-04-24", "operational"),
        ("2025-04-24", None, "closed"),
    ]


def test_network_start_is_the_first_known_day() -> None:
    features = [
        {"opened": "../2013"},  # no lower bound: says nothing
        {"opened": "2005/2013"},
        {"opened": None, "history": [{"date": "2001-06", "status": "planned"}]},
        {"seats": [{"from": "1999-03-02"}]},
    ]
    assert network_start(features) == D(1999, 3, 2)
    assert network_start([{"opened": None}]) is None


@given(
    start=st.dates(min_value=D(1950, 1, 1), max_value=D(2030, 12, 31)),
    length=st.integers(min_value=0, max_value=4000),
    day=st.dates(min_value=D(1900, 1, 1), max_value=D(2040, 12, 31)),
)
def test_a_bounded_opening_is_never_certain_before_its_end(
    start: dt.date, length: int, day: dt.date
) -> None:
    """Property: inside the bounds "unknown", after them the place is open, before: not yet.

    Bounds of one day are that day: exact, so certain from it.
    """
    end = start + dt.timedelta(days=length)
    opened = f"{start.isoformat()}/{end.isoformat()}"
    state = state_at({"opened": opened}, day, since=SINCE)
    if day < start or day < SINCE:  # nothing before the network's first known day
        assert state is None
    elif day <= end and start != end:
        assert state is not None and state.status == "unknown"
    else:
        assert state is not None and state.status == "operational"


@given(
    text=st.one_of(
        st.dates().map(lambda d: d.isoformat()),
        st.tuples(st.dates(), st.dates()).map(lambda p: f"{min(p)}/{max(p)}"),
        st.dates().map(lambda d: f"../{d}"),
        st.dates().map(lambda d: f"{d}/.."),
        st.text(max_size=12),
    )
)
def test_parse_when_accepts_exactly_the_documented_forms(text: str) -> None:
    when = parse_when(text)
    if when is None:
        return
    assert when.earliest is not None or when.latest is not None
    if when.earliest is not None and when.latest is not None:
        assert when.earliest <= when.latest


@pytest.mark.parametrize("status", ["planned", "under_construction"])
def test_a_place_not_yet_open_keeps_its_status_on_every_day(status: str) -> None:
    props = {"opened": None, "status": status}
    assert state_at(props, D(2020, 1, 1), since=SINCE) == state_at(props, D(1990, 1, 1))
    assert state_at(props, D(2020, 1, 1), since=SINCE).status == status  # type: ignore[union-attr]
    assert state_at(props, D(1900, 1, 1), since=SINCE) is None


@pytest.mark.parametrize(
    ("props", "cuts"),
    [
        ({"opened": "2005"}, [("2005", None)]),
        ({"opened": "2005-03", "closed": "2010"}, [("2005-03", "2010"), ("2010", None)]),
        ({"opened": "2005-03-17"}, [("2005-03-17", None)]),
        ({"opened": "2005/2013-11"}, [("2005", "2013-12-01"), ("2013-12-01", None)]),
        (
            {
                "history": [
                    {"date": "2009", "status": "planned"},
                    {"date": "2011-10", "status": "operational"},
                ]
            },
            [("2009", "2011-10"), ("2011-10", None)],
        ),
    ],
)
def test_segments_keep_the_precision_of_the_dates(props, cuts) -> None:
    """An opening known to its year is "2005", never "2005-01-01": the page says "in 2005"."""
    pieces = segments(props, 1.0, 2.0)
    assert [(p["from"], p["to"]) for p in pieces] == cuts
