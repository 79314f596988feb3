"""Editing place files: text-level edits, validated first, undone byte for byte."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import geo
from geo.atlas import validate
from geo.cli import cli
from geo.cli.edit import parse_assignment
from geo.edit import add_place, remove_place, set_fields
from geo.errors import DataError, GeoError, UsageError
from tests.conftest_data import DATA, copy_data, edit_feature

PLACE_FILES = ("border_posts.geojson", "offices.geojson")


def features_of(path: Path) -> list[dict[str, Any]]:
    doc = json.loads(path.read_text(encoding="utf-8-sig"))
    features: list[dict[str, Any]] = doc["features"]
    return features


SHIPPED = {name: features_of(DATA / name) for name in PLACE_FILES}
#: The index a place added to the shipped offices.geojson gets, and the number of places.
NEW = len(SHIPPED["offices.geojson"])
PLACES = sum(len(features) for features in SHIPPED.values())
OFFICES = [f for f in SHIPPED["offices.geojson"] if f["properties"]["kind"] != "border_post"]
BORDER_POSTS = SHIPPED["border_posts.geojson"]
IDS = {f["properties"]["id"] for name in PLACE_FILES for f in SHIPPED[name]}


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def lines(data: bytes) -> list[str]:
    # split on "\n" only: str.splitlines would also split on U+2028 inside a JSON string
    return data.decode("utf-8").split("\n")


def change_of(old: bytes, new: bytes) -> tuple[list[str], list[str]]:
    """The lines removed and the lines added, as one contiguous block."""
    a, b = lines(old), lines(new)
    prefix = 0
    while prefix < min(len(a), len(b)) and a[prefix] == b[prefix]:
        prefix += 1
    suffix = 0
    while suffix < min(len(a), len(b)) - prefix and a[-1 - suffix] == b[-1 - suffix]:
        suffix += 1
    return a[prefix : len(a) - suffix], b[prefix : len(b) - suffix]


def office(place_id: str = "rtc-test", **extra: Any) -> dict[str, Any]:
    return {
        "id": place_id,
        "kind": "rtc",
        "name": "RTC Test",
        "iso3": "AZE",
        "status": "planned",
        "source": "https://example.org/rtc",
        **extra,
    }


#: Baku, Azerbaijan (lon, lat), degrees.
LON, LAT = 49.87, 40.41


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return copy_data(tmp_path)


def unchanged_after(
    folder: Path, action: Callable[[], object], error: type[Exception], match: str
) -> None:
    """``action`` raises ``error`` matching ``match`` and every file stays byte-identical."""
    before = snapshot(folder)
    with pytest.raises(error, match=match):
        action()
    assert snapshot(folder) == before


# -- add ----------------------------------------------------------------------------------


def test_add_office_appends_a_feature_in_the_file_style(data: Path) -> None:
    path = data / "offices.geojson"
    before = path.read_bytes()
    written = add_place(data, office(city="Baku", rooms=2), lon=LON, lat=LAT)
    assert written == path
    removed, added = change_of(before, path.read_bytes())
    assert removed == []
    assert added == [
        "    },",
        "    {",
        '      "type": "Feature",',
        '      "properties": {',
        '        "id": "rtc-test",',
        '        "kind": "rtc",',
        '        "name": "RTC Test",',
        '        "city": "Baku",',
        '        "iso3": "AZE",',
        '        "status": "planned",',
        '        "source": "https://example.org/rtc",',
        '        "rooms": 2',
        "      },",
        '      "geometry": {"type": "Point", "coordinates": [49.87, 40.41]}',
    ]
    place = geo.load(data).places.set_index("id").loc["rtc-test"]
    assert (place["region"], place["country"]) == ("EUR", "Azerbaijan")


def test_add_then_remove_restores_the_bytes(data: Path) -> None:
    before = snapshot(data)
    add_place(data, office(), lon=LON, lat=LAT)
    assert snapshot(data) != before
    assert remove_place(data, "rtc-test") == data / "offices.geojson"
    assert snapshot(data) == before


def test_add_border_post_goes_to_border_posts_by_default(data: Path) -> None:
    samur = BORDER_POSTS[0]
    props = {**samur["properties"], "id": "samur-bis"}
    lon, lat = samur["geometry"]["coordinates"]
    path = add_place(data, props, lon=lon, lat=lat)
    assert path == data / "border_posts.geojson"
    assert features_of(path)[-1]["properties"] == props


def test_add_keeps_the_key_order_of_the_file(data: Path) -> None:
    props = {
        "source": "https://example.org/rtc",
        "zz_extra": True,
        "status": "planned",
        "iso3": "AZE",
        "name": "RTC Test",
        "kind": "rtc",
        "id": "rtc-test",
    }
    add_place(data, props, lon=LON, lat=LAT)
    added = features_of(data / "offices.geojson")[-1]["properties"]
    assert list(added) == ["id", "kind", "name", "iso3", "status", "source", "zz_extra"]


def test_add_to_another_file(data: Path) -> None:
    path = add_place(data, office(), lon=LON, lat=LAT, file="border_posts.geojson")
    assert path == data / "border_posts.geojson"
    assert features_of(path)[-1]["properties"]["id"] == "rtc-test"


def test_add_to_an_empty_file_and_back(data: Path) -> None:
    path = data / "extra.geojson"
    path.write_text('{\n  "type": "FeatureCollection",\n  "features": []\n}\n', encoding="utf-8")
    before = path.read_bytes()
    add_place(data, office(), lon=LON, lat=LAT, file="extra.geojson")
    assert path.read_text(encoding="utf-8") == (
        '{\n  "type": "FeatureCollection",\n  "features": [\n    {\n'
        '      "type": "Feature",\n      "properties": {\n'
        '        "id": "rtc-test",\n        "kind": "rtc",\n        "name": "RTC Test",\n'
        '        "iso3": "AZE",\n        "status": "planned",\n'
        '        "source": "https://example.org/rtc"\n      },\n'
        '      "geometry": {"type": "Point", "coordinates": [49.87, 40.41]}\n'
        "    }\n  ]\n}\n"
    )
    remove_place(data, "rtc-test")
    assert path.read_bytes() == before


def test_add_keeps_bom_crlf_tabs_and_escapes(data: Path) -> None:
    path = data / "tabs.geojson"
    doc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": office("rtc-tab", name="Rétc"),
                "geometry": {"type": "Point", "coordinates": [49.87, 40.41]},
            },
        ],
    }
    text = json.dumps(doc, indent="\t", ensure_ascii=True).replace("\n", "\r\n")
    path.write_bytes(("\ufeff" + text + "\r\n").encode("utf-8"))
    before = path.read_bytes()
    add_place(data, office(name="Ünïcode"), lon=LON, lat=LAT, file="tabs.geojson")
    after = path.read_bytes()
    assert after.startswith(b"\xef\xbb\xbf") and after.isascii() is False
    assert after[3:].isascii() and b"\\u00dcn\\u00efcode" in after
    assert b"\n" not in after.replace(b"\r\n", b"")
    assert (
        b'\r\n\t\t\t"geometry": {\r\n\t\t\t\t"type": "Point",' in after
    )  # multi-line like the file
    assert features_of(path)[-1]["properties"]["name"] == "Ünïcode"
    set_fields(data, "rtc-tab", {"name": "Other", "notes": "new"})
    set_fields(data, "rtc-tab", {"name": "Rétc"})
    remove_place(data, "rtc-test")
    removed, added = change_of(before, path.read_bytes())
    assert removed == ['\t\t\t\t"source": "https://example.org/rtc"\r']
    assert added == ['\t\t\t\t"source": "https://example.org/rtc",\r', '\t\t\t\t"notes": "new"\r']


def test_add_to_a_file_on_one_line_and_back(data: Path) -> None:
    path = data / "compact.geojson"
    doc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": office("rtc-compact"),
                "geometry": {"type": "Point", "coordinates": [49.87, 40.41]},
            },
        ],
    }
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    before = path.read_bytes()
    add_place(data, office(), lon=LON, lat=LAT, file="compact.geojson")
    assert b"\n" not in path.read_bytes()
    assert features_of(path)[-1]["properties"] == office()
    remove_place(data, "rtc-test")
    assert path.read_bytes() == before


def test_add_duplicate_id_names_the_new_feature(data: Path) -> None:
    unchanged_after(
        data,
        lambda: add_place(data, office("samur"), lon=LON, lat=LAT),
        DataError,
        re.escape(
            f"offices.geojson: feature #{NEW} (id='samur'): field 'id': got 'samur'; "
            "expected an id used once (also used by border_posts.geojson feature #0)"
        ),
    )


def test_add_invalid_kind_and_point_out_of_range(data: Path) -> None:
    unchanged_after(
        data,
        lambda: add_place(data, office(kind="rcob"), lon=49.87, lat=140.41),
        DataError,
        r"2 problems in the data:\n"
        rf"  offices.geojson: feature #{NEW} \(id='rtc-test'\): field 'kind': got 'rcob'; .*"
        r"did you mean 'rocb'\?\)\n"
        rf"  offices.geojson: feature #{NEW} \(id='rtc-test'\): field 'geometry.coordinates': "
        r"got \[49.87, 140.41\]; expected \[lon, lat\] with -180 <= lon <= 180",
    )


def test_add_outside_its_country(data: Path) -> None:
    unchanged_after(
        data,
        lambda: add_place(data, office(), lon=4.37, lat=50.85),
        DataError,
        rf"feature #{NEW} \(id='rtc-test'\): field 'iso3': got 'AZE'; expected the country at "
        r"\[lon, lat\] = \[4.37, 50.85\], which is in BEL",
    )


def test_add_to_an_unknown_file(data: Path) -> None:
    unchanged_after(
        data,
        lambda: add_place(data, office(), lon=LON, lat=LAT, file="nope.geojson"),
        UsageError,
        re.escape("Got file='nope.geojson'; `file` must be one of the place files in ")
        + ".*"
        + re.escape("['border_posts.geojson', 'offices.geojson']"),
    )


@pytest.mark.parametrize("lon", [float("nan"), float("inf"), "49.87", None, True])
def test_add_rejects_a_coordinate_that_is_not_a_number(data: Path, lon: Any) -> None:
    unchanged_after(
        data,
        lambda: add_place(data, office(), lon=lon, lat=40.41),
        UsageError,
        re.escape(f"Got lon={lon!r}; `lon` must be a finite number of degrees (EPSG:4326)"),
    )


@pytest.mark.parametrize("value", [float("nan"), {1, 2}, b"bytes"])
def test_add_rejects_a_value_that_is_not_json(data: Path, value: Any) -> None:
    unchanged_after(
        data,
        lambda: add_place(data, office(extra=value), lon=LON, lat=LAT),
        UsageError,
        r"; a value must be JSON: a string, a finite number, true, false, null",
    )


def test_edits_refuse_while_another_file_has_a_problem(data: Path) -> None:
    edit_feature(
        data, "border_posts.geojson", "samur", lambda f: f["properties"].update(status="opn")
    )
    for action in (
        lambda: add_place(data, office(), lon=LON, lat=LAT),
        lambda: set_fields(data, "wco-hq", {"notes": "x"}),
        lambda: remove_place(data, "wco-hq"),
    ):
        unchanged_after(
            data,
            action,
            DataError,
            r"^1 problem in the data:\n  border_posts.geojson: feature #0 \(id='samur'\): "
            r"field 'status': got 'opn'",
        )


def test_a_broken_file_stops_the_edit_with_its_line(data: Path) -> None:
    path = data / "border_posts.geojson"
    path.write_text(
        path.read_text(encoding="utf-8").replace('"kind": ', '"kind" ', 1), encoding="utf-8"
    )
    unchanged_after(
        data,
        lambda: set_fields(data, "wco-hq", {"notes": "x"}),
        DataError,
        r"^1 problem in the data:\n  border_posts.geojson:9:16: field '\(json\)': "
        r"""got "Expecting ':' delimiter"; expected valid JSON\n"""
        r"""      +"kind" "border_post",\n +\^$""",
    )


def test_a_file_changed_during_the_edit_is_not_overwritten(
    data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = data / "offices.geojson"

    def meddle(*args: Any, **kwargs: Any) -> Any:
        path.write_text(path.read_text(encoding="utf-8") + " ", encoding="utf-8")
        return validate(*args, **kwargs)

    monkeypatch.setattr("geo.edit.validate", meddle)
    with pytest.raises(
        GeoError, match=r"offices\.geojson changed on disk during the edit; nothing"
    ):
        set_fields(data, "wco-hq", {"notes": "x"})
    assert path.read_text(encoding="utf-8").endswith("}\n ")


# -- set ----------------------------------------------------------------------------------


def test_set_changes_only_the_value(data: Path) -> None:
    path = data / "offices.geojson"
    before = path.read_bytes()
    set_fields(data, "rocb-europe", {"status": "closed", "closed": "2020"})
    removed, added = change_of(before, path.read_bytes())
    # status and closed are two lines apart; the block between is unchanged
    assert [r for r, a in zip(removed, added, strict=True) if r != a] == [
        '        "status": "operational",',
        '        "closed": null,',
    ]
    assert [a for r, a in zip(removed, added, strict=True) if r != a] == [
        '        "status": "closed",',
        '        "closed": "2020",',
    ]
    set_fields(data, "rocb-europe", {"status": "operational", "closed": None})
    assert path.read_bytes() == before


def test_set_a_new_field_goes_last(data: Path) -> None:
    path = data / "border_posts.geojson"
    before = path.read_bytes()
    set_fields(data, "samur", {"checked": {"by": "me", "on": ["2024", 1]}})
    removed, added = change_of(before, path.read_bytes())
    last = removed[0]  # the old last property, given its comma
    assert last.startswith('        "') and not last.endswith(",")
    assert added == [
        last + ",",
        '        "checked": {',
        '          "by": "me",',
        '          "on": [',
        '            "2024",',
        "            1",
        "          ]",
        "        }",
    ]


def test_set_lon_lat_moves_the_point_and_back(data: Path) -> None:
    path = data / "offices.geojson"
    before = path.read_bytes()
    set_fields(data, "rocb-europe", {"lat": 40.38, "lon": 49.9})
    assert change_of(before, path.read_bytes()) == (
        ['      "geometry": {"type": "Point", "coordinates": [49.892, 40.3777]}'],
        ['      "geometry": {"type": "Point", "coordinates": [49.9, 40.38]}'],
    )
    set_fields(data, "rocb-europe", {"lon": 49.892, "lat": 40.3777})
    assert path.read_bytes() == before


def test_set_the_same_value_writes_nothing(data: Path) -> None:
    path = data / "offices.geojson"
    before = path.stat().st_mtime_ns, path.read_bytes()
    set_fields(data, "rocb-europe", {"kind": "rocb", "closed": None})
    assert (path.stat().st_mtime_ns, path.read_bytes()) == before


def test_set_a_number_where_a_date_belongs(data: Path) -> None:
    unchanged_after(
        data,
        lambda: set_fields(data, "rocb-europe", {"opened": 2011}),
        DataError,
        r"feature #\d+ \(id='rocb-europe'\): field 'opened': got 2011; expected a date",
    )


def test_set_id_to_an_existing_id(data: Path) -> None:
    unchanged_after(
        data,
        lambda: set_fields(data, "samur", {"id": "wco-hq"}),
        DataError,
        re.escape(
            "border_posts.geojson: feature #0 (id='wco-hq'): field 'id': got 'wco-hq'; "
            "expected an id used once (also used by offices.geojson feature #0)"
        ),
    )


def test_set_id_renames(data: Path) -> None:
    set_fields(data, "samur", {"id": "samur-yarag"})
    assert features_of(data / "border_posts.geojson")[0]["properties"]["id"] == "samur-yarag"
    with pytest.raises(
        UsageError, match=r"\(did you mean 'sarp' or 'samur-yarag'( or '[a-z-]+')*\?\)$"
    ):
        set_fields(data, "samur", {"name": "x"})


def test_set_invalid_kind(data: Path) -> None:
    unchanged_after(
        data,
        lambda: set_fields(data, "rocb-europe", {"kind": "rcob"}),
        DataError,
        re.escape("offices.geojson: feature #")
        + r"\d+"
        + re.escape(" (id='rocb-europe'): field 'kind': got 'rcob'; expected one of ")
        + r".*"
        + re.escape("(did you mean 'rocb'?)"),
    )


def test_set_coordinates_out_of_range(data: Path) -> None:
    unchanged_after(
        data,
        lambda: set_fields(data, "rocb-europe", {"lat": 95.0}),
        DataError,
        r"offices.geojson: feature #\d+ \(id='rocb-europe'\): field 'geometry.coordinates': "
        r"got \[49.892, 95.0\]; expected \[lon, lat\] with -180 <= lon <= 180 and -90 <= lat <= 90",
    )


@pytest.mark.parametrize("values", [{"lat": "40"}, {"lon": float("nan")}, {"lat": None}])
def test_set_coordinates_not_numbers(data: Path, values: dict[str, Any]) -> None:
    unchanged_after(
        data,
        lambda: set_fields(data, "rocb-europe", values),
        UsageError,
        r"^Got (lon|lat)=.*; `(lon|lat)` must be a finite number of degrees \(EPSG:4326\)$",
    )


def test_set_nothing(data: Path) -> None:
    unchanged_after(
        data,
        lambda: set_fields(data, "rocb-europe", {}),
        UsageError,
        r"^Got values=\{\}; give at least one field to set$",
    )


@pytest.mark.parametrize(
    "action",
    [
        lambda d: set_fields(d, "rocb-eur", {"status": "closed"}),
        lambda d: remove_place(d, "rocb-eur"),
    ],
)
def test_unknown_id_lists_the_closest(data: Path, action: Callable[[Path], object]) -> None:
    unchanged_after(
        data,
        lambda: action(data),
        UsageError,
        r"^Got id='rocb-eur'; no place in .* has this id \(did you mean 'rocb-europe' or ",
    )


def test_unknown_id_with_nothing_close(data: Path) -> None:
    unchanged_after(
        data,
        lambda: remove_place(data, "zzzzzzzz"),
        UsageError,
        rf"^Got id='zzzzzzzz'; no place in .* has this id \({PLACES} places are in .*\)$",
    )


def test_an_id_used_twice_is_not_guessed(data: Path) -> None:
    edit_feature(
        data, "border_posts.geojson", "samur", lambda f: f["properties"].update(id="wco-hq")
    )
    unchanged_after(
        data,
        lambda: set_fields(data, "wco-hq", {"notes": "x"}),
        UsageError,
        re.escape(
            "Got id='wco-hq'; it is used by 2 places (border_posts.geojson feature #0, "
            "offices.geojson feature #0): fix that by hand"
        ),
    )


def test_set_cannot_move_a_place_without_a_point(data: Path) -> None:
    edit_feature(data, "offices.geojson", "wco-hq", lambda f: f.update(geometry=None))
    unchanged_after(
        data,
        lambda: set_fields(data, "wco-hq", {"lat": 50.0}),
        DataError,
        re.escape(
            "offices.geojson: feature #0 (id='wco-hq'): field 'geometry': got None; "
            "expected a Point with [lon, lat] coordinates to move"
        ),
    )


def test_set_into_empty_properties_of_a_one_line_feature(data: Path) -> None:
    path = data / "extra.geojson"
    doc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": office("rtc-one"),
                "geometry": {"type": "Point", "coordinates": [49.87, 40.41]},
            },
        ],
    }
    path.write_text(json.dumps(doc), encoding="utf-8")
    set_fields(data, "rtc-one", {"notes": "n"})
    assert path.read_text(encoding="utf-8").endswith(
        '"source": "https://example.org/rtc", "notes": "n"}, '
        '"geometry": {"type": "Point", "coordinates": [49.87, 40.41]}}]}'
    )


# -- remove -------------------------------------------------------------------------------


@pytest.mark.parametrize("position", [0, 1, 23, -1])
def test_remove_deletes_exactly_the_feature_lines(data: Path, position: int) -> None:
    path = data / "offices.geojson"
    before = path.read_bytes()
    victim = SHIPPED["offices.geojson"][position]
    remove_place(data, victim["properties"]["id"])
    removed, added = change_of(before, path.read_bytes())
    # {, type, properties {, one line a property (more for a list), }, geometry, }
    lines_of_feature = 6 + sum(
        len(json.dumps(v, indent=2).split("\n")) for v in victim["properties"].values()
    )
    assert added == []
    assert len(removed) == lines_of_feature
    assert features_of(path) == [f for f in SHIPPED["offices.geojson"] if f != victim]


def test_remove_the_only_feature_leaves_an_empty_list(data: Path) -> None:
    path = data / "one.geojson"
    path.write_text(
        '{\n  "type": "FeatureCollection",\n  "features": [\n'
        + json.dumps(
            {
                "type": "Feature",
                "properties": office("rtc-one"),
                "geometry": {"type": "Point", "coordinates": [49.87, 40.41]},
            }
        )
        + "\n  ]\n}\n",
        encoding="utf-8",
    )
    remove_place(data, "rtc-one")
    assert (
        path.read_text(encoding="utf-8")
        == '{\n  "type": "FeatureCollection",\n  "features": []\n}\n'
    )


# -- properties over random values ----------------------------------------------------


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One copy of the data for the hypothesis tests, with files of other styles."""
    folder = copy_data(tmp_path_factory.mktemp("edit"))
    feature = {
        "type": "Feature",
        "properties": office("rtc-styled", name="Ré"),
        "geometry": {"type": "Point", "coordinates": [49.87, 40.41]},
    }
    doc = {"type": "FeatureCollection", "features": [feature]}
    text = json.dumps(doc, indent="\t", ensure_ascii=True).replace("\n", "\r\n")
    (folder / "tabs.geojson").write_bytes(("\ufeff" + text + "\r\n").encode("utf-8"))
    feature["properties"] = office("rtc-compact")
    (folder / "compact.geojson").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    (folder / "empty.geojson").write_text(
        '{\n  "type": "FeatureCollection",\n  "features": []\n}\n', encoding="utf-8"
    )
    yield folder


RESERVED = {
    "id",
    "kind",
    "name",
    "status",
    "source",
    "iso3",
    "opened",
    "closed",
    "side_a_iso3",
    "side_a_name",
    "side_b_iso3",
    "side_b_name",
}
#: Pieces of text that JSON escapes, or that look like JSON.
TRICKY = st.sampled_from(
    ['"', "\\", "/", "\n", "\t", "\x00", "\u2028", "é", "€", "😀", "\\u00e9", "{", "]", ","]
)
TEXT = st.lists(st.one_of(TRICKY, st.characters()), max_size=12).map("".join)
NAME = TEXT.filter(lambda s: s.strip() != "")
JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=6,
)
NEW_IDS = st.lists(
    st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=5), min_size=1, max_size=3
).map(lambda parts: "new-" + "-".join(parts))
EXTRA = st.dictionaries(TEXT.filter(lambda k: k not in RESERVED), JSON_VALUES, max_size=4)


@st.composite
def new_places(draw: st.DrawFn) -> tuple[dict[str, Any], float, float]:
    base = draw(st.sampled_from(OFFICES + BORDER_POSTS))
    props = {k: v for k, v in base["properties"].items() if k in RESERVED}
    props.update(id=draw(NEW_IDS), name=draw(NAME), source=draw(NAME))
    lon, lat = base["geometry"]["coordinates"]
    return {**props, **draw(EXTRA)}, lon, lat


HYPOTHESIS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@HYPOTHESIS
@given(
    place=new_places(),
    file=st.sampled_from(
        [
            "offices.geojson",
            "border_posts.geojson",
            "tabs.geojson",
            "compact.geojson",
            "empty.geojson",
            None,
        ]
    ),
)
def test_add_then_remove_is_byte_identical(
    shared: Path, place: tuple[dict[str, Any], float, float], file: str | None
) -> None:
    props, lon, lat = place
    before = snapshot(shared)
    try:
        if has_lone_surrogate(props):
            with pytest.raises(DataError, match="valid Unicode text"):
                add_place(shared, props, lon=lon, lat=lat, file=file)
            assert snapshot(shared) == before
            return
        path = add_place(shared, props, lon=lon, lat=lat, file=file)
        added = features_of(path)[-1]
        assert added["properties"] == props
        assert added["geometry"] == {"type": "Point", "coordinates": [lon, lat]}
        removed_lines, _ = change_of(before[path.name], path.read_bytes())
        assert removed_lines == [] or path.name == "empty.geojson" or b"\n" not in before[path.name]
        remove_place(shared, props["id"])
        assert snapshot(shared) == before
    finally:
        for name, content in before.items():
            (shared / name).write_bytes(content)


def has_lone_surrogate(value: Any) -> bool:
    """Whether a value holds text that no file can store (refused by validation)."""
    return bool(re.search("[\ud800-\udfff]", json.dumps(value, ensure_ascii=False)))


SHIPPED_PROPERTIES = {
    f["properties"]["id"]: f["properties"] for name in PLACE_FILES for f in SHIPPED[name]
}
EDITABLE = [
    (f["properties"]["id"], key)
    for name in PLACE_FILES
    for f in SHIPPED[name]
    for key, value in f["properties"].items()
    if isinstance(value, str) and key in {"name", "source", "notes", "city", "opened_note", "host"}
] + [("rtc-styled", "name")]


@HYPOTHESIS
@given(
    target=st.sampled_from(EDITABLE),
    value=NAME | JSON_VALUES.filter(lambda v: not isinstance(v, str)),
)
def test_set_then_set_back_is_byte_identical(
    shared: Path, target: tuple[str, str], value: Any
) -> None:
    place_id, key = target
    before = snapshot(shared)
    try:
        if key in {"name", "source"} and not (isinstance(value, str) and value.strip()):
            with pytest.raises(DataError, match=f"field '{key}(\\.[0-9]+)?'"):
                set_fields(shared, place_id, {key: value})
            assert snapshot(shared) == before
            return
        if has_lone_surrogate(value):
            # a lone surrogate cannot be stored as text: refused, the file untouched
            with pytest.raises(DataError, match=f"field '{key}.*valid Unicode text"):
                set_fields(shared, place_id, {key: value})
            assert snapshot(shared) == before
            return
        if f"{key}_fr" in SHIPPED_PROPERTIES.get(place_id, {}) and not (
            isinstance(value, str) and value.strip()
        ):
            # its French translation would translate no note: refused, the file untouched
            with pytest.raises(DataError, match=f"field '{key}_fr'"):
                set_fields(shared, place_id, {key: value})
            assert snapshot(shared) == before
            return
        path = set_fields(shared, place_id, {key: value})
        changed = [n for n in before if before[n] != (shared / n).read_bytes()]
        assert changed in ([], [path.name])
        feature = next(f for f in features_of(path) if f["properties"]["id"] == place_id)
        assert feature["properties"][key] == value
        old = next(
            f
            for n in before
            if n.endswith(".geojson") and not n.startswith("countries")
            for f in json.loads(before[n].decode("utf-8-sig"))["features"]
            if f["properties"]["id"] == place_id
        )["properties"][key]
        set_fields(shared, place_id, {key: old})
        assert snapshot(shared) == before
    finally:
        for name, content in before.items():
            (shared / name).write_bytes(content)


@HYPOTHESIS
@given(
    place=st.sampled_from(OFFICES + BORDER_POSTS),
    dlon=st.integers(-50, 50),
    dlat=st.integers(-50, 50),
)
def test_move_then_move_back_is_byte_identical(
    shared: Path, place: dict[str, Any], dlon: int, dlat: int
) -> None:
    place_id = place["properties"]["id"]
    lon, lat = place["geometry"]["coordinates"]
    before = snapshot(shared)
    try:
        new = {"lon": round(lon + dlon / 10_000, 4), "lat": round(lat + dlat / 10_000, 4)}
        path = set_fields(shared, place_id, new)
        assert len(change_of(before[path.name], path.read_bytes())[1]) <= 1
        set_fields(shared, place_id, {"lon": lon, "lat": lat})
        assert snapshot(shared) == before
    finally:
        for name, content in before.items():
            (shared / name).write_bytes(content)


# -- command line -------------------------------------------------------------------------


def invoke(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args))


def test_cli_add_office_set_and_remove(data: Path) -> None:
    before = snapshot(data)
    result = invoke(
        "add",
        "office",
        "--data",
        str(data),
        "--id",
        "rtc-x",
        "--kind",
        "rtc",
        "--name",
        "RTC X",
        "--iso3",
        "AZE",
        "--city",
        "Baku",
        "--lat",
        "40.41",
        "--lon",
        "49.87",
        "--opened",
        "2024",
        "--precision",
        "city",
        "--source",
        "https://example.org/",
        "--prop",
        "rooms=2",
        "--prop",
        'motto=say "hi" \\o/',
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == "" and result.stderr == f"added 'rtc-x' to {data / 'offices.geojson'}\n"
    props = features_of(data / "offices.geojson")[-1]["properties"]
    assert props == {
        "id": "rtc-x",
        "kind": "rtc",
        "name": "RTC X",
        "city": "Baku",
        "iso3": "AZE",
        "status": "operational",
        "opened": "2024",
        "precision": "city",
        "source": "https://example.org/",
        "rooms": 2,
        "motto": 'say "hi" \\o/',
    }
    result = invoke(
        "set",
        "--data",
        str(data),
        "rtc-x",
        "status=planned",
        "rooms=null",
        'opened="2025"',
        "lat=40.42",
    )
    assert result.exit_code == 0, result.output
    assert (
        result.stderr
        == f"set status, rooms, opened, lat of 'rtc-x' in {data / 'offices.geojson'}\n"
    )
    feature = features_of(data / "offices.geojson")[-1]
    assert (feature["properties"]["status"], feature["properties"]["rooms"]) == ("planned", None)
    assert feature["properties"]["opened"] == "2025"
    assert feature["geometry"]["coordinates"] == [49.87, 40.42]
    result = invoke("set", "--data", str(data), "--string", "rtc-x", "opened=2026", "lon=49.88")
    assert result.exit_code == 0, result.output
    feature = features_of(data / "offices.geojson")[-1]
    assert feature["properties"]["opened"] == "2026"
    assert feature["geometry"]["coordinates"] == [49.88, 40.42]
    result = invoke("remove", "--data", str(data), "rtc-x")
    assert result.exit_code == 0, result.output
    assert result.stderr == f"removed 'rtc-x' from {data / 'offices.geojson'}\n"
    assert snapshot(data) == before


def test_cli_add_border_post_and_remove(data: Path) -> None:
    before = snapshot(data)
    result = invoke(
        "add",
        "border-post",
        "--data",
        str(data),
        "--id",
        "samur-2",
        "--name",
        "Samur 2",
        "--side-a",
        "AZE:Samur",
        "--side-b",
        "RUS:Yarag-Kazmalyar",
        "--osbp",
        "yes",
        "--lat",
        "41.6367",
        "--lon",
        "48.4303",
        "--source",
        "https://example.org/",
    )
    assert result.exit_code == 0, result.output
    feature = features_of(data / "border_posts.geojson")[-1]
    assert feature["properties"] == {
        "id": "samur-2",
        "kind": "border_post",
        "name": "Samur 2",
        "side_a_iso3": "AZE",
        "side_a_name": "Samur",
        "side_b_iso3": "RUS",
        "side_b_name": "Yarag-Kazmalyar",
        "osbp": True,
        "status": "operational",
        "source": "https://example.org/",
    }
    assert invoke("remove", "--data", str(data), "samur-2").exit_code == 0
    assert snapshot(data) == before


def test_cli_data_error_is_a_message_not_a_traceback(data: Path) -> None:
    before = snapshot(data)
    result = invoke("set", "--data", str(data), "rocb-europe", "kind=rcob", "opened=2011")
    assert result.exit_code == 1
    assert result.stdout == "" and "Traceback" not in result.stderr
    assert result.stderr.startswith("error: 2 problems in the data:\n")
    assert "field 'kind': got 'rcob'" in result.stderr
    assert re.search(
        r"field 'opened': got 2011; .*2011 was read as JSON; for the text write "
        r"""opened='"2011"' or use --string\)""",
        result.stderr,
    )
    assert snapshot(data) == before


def test_cli_unknown_id_exits_2(data: Path) -> None:
    result = invoke("remove", "--data", str(data), "rocb-eur")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: Got id='rocb-eur'; no place in ")
    assert "did you mean 'rocb-europe'" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["set", "rocb-europe", "status"], "got 'status'; expected FIELD=VALUE"),
        (["set", "rocb-europe", "=x"], "got '=x'; expected FIELD=VALUE"),
        (
            [
                "add",
                "border-post",
                "--id",
                "x",
                "--name",
                "x",
                "--side-a",
                "AZE",
                "--side-b",
                "RUS:y",
                "--lat",
                "1",
                "--lon",
                "1",
                "--source",
                "s",
            ],
            "got 'AZE'; expected ISO3:NAME",
        ),
        (
            [
                "add",
                "office",
                "--id",
                "x",
                "--kind",
                "rtc",
                "--name",
                "x",
                "--iso3",
                "AZE",
                "--lat",
                "40.41",
                "--lon",
                "49.87",
                "--source",
                "s",
                "--prop",
                "name=y",
            ],
            "got --prop name=...; set 'name' with its own option instead",
        ),
        (
            [
                "add",
                "office",
                "--id",
                "x",
                "--kind",
                "border_post",
                "--name",
                "x",
                "--iso3",
                "AZE",
                "--lat",
                "1",
                "--lon",
                "1",
                "--source",
                "s",
            ],
            "'border_post' is not one of",
        ),
    ],
)
def test_cli_bad_arguments(data: Path, args: list[str], message: str) -> None:
    before = snapshot(data)
    result = (
        invoke(*args[:2], "--data", str(data), *args[2:])
        if args[0] == "add"
        else invoke(args[0], "--data", str(data), *args[1:])
    )
    assert result.exit_code == 2
    assert message in result.stderr and "Traceback" not in result.stderr
    assert snapshot(data) == before


@pytest.mark.parametrize(
    "command", [["add"], ["add", "office"], ["add", "border-post"], ["set"], ["remove"]]
)
def test_every_edit_command_has_an_example(command: list[str]) -> None:
    result = invoke(*command, "--help")
    assert result.exit_code == 0 and "Example:" in result.output


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("rooms=2", ("rooms", 2)),
        ("lat=40.5", ("lat", 40.5)),
        ("osbp=true", ("osbp", True)),
        ("closed=null", ("closed", None)),
        ('opened="2024"', ("opened", "2024")),
        ("rooms=[1, 2]", ("rooms", [1, 2])),
        ("status=operational", ("status", "operational")),
        ("name=a = b", ("name", "a = b")),
        ("note=NaN", ("note", "NaN")),
        ("note=", ("note", "")),
    ],
)
def test_parse_assignment(text: str, expected: tuple[str, Any]) -> None:
    assert parse_assignment(text) == expected


def test_parse_assignment_as_string() -> None:
    assert parse_assignment("opened=2024", as_string=True) == ("opened", "2024")


def test_add_to_a_file_without_features(data: Path) -> None:
    (data / "odd.geojson").write_text('{"type": "FeatureCollection"}\n', encoding="utf-8")
    unchanged_after(
        data,
        lambda: add_place(data, office(), lon=LON, lat=LAT, file="odd.geojson"),
        DataError,
        re.escape(
            "odd.geojson: field 'features': got None; "
            "expected a FeatureCollection's list of features"
        ),
    )


def test_an_edit_sweeps_what_a_killed_edit_left(data: Path) -> None:
    stale = data / ".offices.geojson.k1ll3d_x.tmp"  # as mkstemp names them
    stale.write_text('{"type": "Feat', encoding="utf-8")
    set_fields(data, "rocb-europe", {"notes": "swept"})
    assert not stale.exists()
    assert not [p for p in data.iterdir() if p.name.startswith(".")]  # and no lock file is added
