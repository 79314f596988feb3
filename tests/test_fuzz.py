"""Fuzz: mutated data folders give a result or a GeoError, never another exception.

Hypothesis mutates one file of a copy of the shipped data folder at a time:
its bytes, its JSON structure, single values, its encoding, or the kind of
file it is (a folder, a device, empty, missing).  Then ``geo.validate``,
``geo.load`` and, when the data loads, a build must either succeed or raise
:class:`geo.GeoError`.  Anything else is a bug.

The budget is small in CI; set ``GEO_FUZZ_EXAMPLES`` (e.g. 2000) for a longer run.
"""

from __future__ import annotations

import codecs
import json
import math
import os
import re
import shutil
from pathlib import Path
from typing import Any

import hypothesis.strategies as st
import pytest
from hypothesis import HealthCheck, given, settings

import geo
from geo.build import build_atlas

DATA = geo.default_data_dir()
EXAMPLES = int(os.environ.get("GEO_FUZZ_EXAMPLES", "60"))
PLACE_FILES = ("offices.geojson", "border_posts.geojson")
TABLES = ("wco_members.csv", "nonmember_territories.csv")
LAYERS = ("countries_display.geojson", "countries.fgb.xz")
ALL_FILES = PLACE_FILES + TABLES + LAYERS
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    derandomize=EXAMPLES <= 60,  # CI runs the same examples every time
)

#: Values that have broken parsers before: extremes, wrong types, odd text.
NASTY: list[Any] = [
    None,
    True,
    0,
    -0.0,
    1e308,
    -1e308,
    5e-324,
    2**63,
    -(2**53) - 1,
    "",
    " ",
    "\u2028",
    "</script><script>alert(1)</script>",
    "2011-02-30",
    "0000",
    "9999-12-31",
    "2011-10/..",
    "A" * 10_000,
    [],
    {},
    [[[[[[[[[[]]]]]]]]]],
    {"after": "2005", "by": "2013"},
    [None, 1, "x"],
    "rocb",
    "border_post",
    "AZE",
    "XKX",
    "zz",
]

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**64), max_value=2**64)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
    | st.sampled_from(NASTY[:20]),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


def paths(doc: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value of a parsed JSON document (depth-first, bounded)."""
    found = [prefix]
    if len(found) > 5000:
        return found
    if isinstance(doc, dict):
        for key, value in doc.items():
            found += paths(value, (*prefix, key))
    elif isinstance(doc, list):
        for i, value in enumerate(doc[:40]):
            found += paths(value, (*prefix, i))
    return found


def set_at(doc: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    node = doc
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value
    return doc


def delete_at(doc: Any, path: tuple[Any, ...]) -> Any:
    if not path:
        return {}
    node = doc
    for step in path[:-1]:
        node = node[step]
    del node[path[-1]]
    return doc


@st.composite
def mutations(draw: st.DrawFn) -> tuple[str, str, Any]:
    """(file, kind of mutation, its parameters)."""
    name = draw(st.sampled_from(ALL_FILES))
    kinds = ["bytes", "truncate", "file-kind"]
    if not name.endswith(".xz"):
        kinds.append("encoding")
    if name.endswith(".geojson"):
        kinds += ["json-value", "json-value", "json-delete", "json-nasty", "json-duplicate"]
    if name.endswith(".csv"):
        kinds += ["csv-cell", "csv-row"]
    kind = draw(st.sampled_from(kinds))
    if kind == "bytes":
        edits = draw(
            st.lists(
                st.tuples(st.floats(0, 1), st.binary(min_size=0, max_size=4), st.integers(0, 3)),
                min_size=1,
                max_size=4,
            )
        )
        return name, kind, edits
    if kind == "truncate":
        return name, kind, draw(st.floats(0, 1))
    if kind == "encoding":
        return name, kind, draw(st.sampled_from(["utf-16", "latin-1", "utf-8-sig", "utf-32"]))
    if kind == "file-kind":
        return (
            name,
            kind,
            draw(st.sampled_from(["folder", "dev-zero", "dev-null", "empty", "gone"])),
        )
    if kind in ("json-value", "json-delete", "json-nasty", "json-duplicate"):
        return name, kind, (draw(st.floats(0, 1)), draw(json_values), draw(st.sampled_from(NASTY)))
    return name, kind, (draw(st.floats(0, 1)), draw(st.floats(0, 1)), draw(st.text(max_size=12)))


def apply(folder: Path, mutation: tuple[str, str, Any]) -> None:
    name, kind, params = mutation
    target = folder / name
    original = (DATA / name).read_bytes()
    target.unlink()
    if kind == "bytes":
        data = bytearray(original)
        for where, insert, remove in params:
            at = int(where * len(data))
            data[at : at + remove] = insert
        target.write_bytes(bytes(data))
    elif kind == "truncate":
        target.write_bytes(original[: int(params * len(original))])
    elif kind == "encoding":
        text = original.decode("utf-8")
        target.write_bytes(codecs.encode(text, params, errors="replace"))
    elif kind == "file-kind":
        if params == "folder":
            target.mkdir()
        elif params == "dev-zero":
            target.symlink_to("/dev/zero")
        elif params == "dev-null":
            target.symlink_to("/dev/null")
        elif params == "empty":
            target.write_bytes(b"")
    elif kind.startswith("json"):
        doc = json.loads(original)
        where, value, nasty = params
        every = paths(doc)
        path = every[int(where * (len(every) - 1))]
        if kind == "json-value":
            doc = set_at(doc, path, value)
        elif kind == "json-nasty":
            doc = set_at(doc, path, nasty)
        elif kind == "json-delete":
            doc = delete_at(doc, path)
        text = json.dumps(doc, ensure_ascii=False, indent=1)
        if kind == "json-duplicate":
            text = text.replace('"kind": ', '"kind": "hq", "kind": ', 1)
        target.write_text(text, encoding="utf-8", errors="surrogatepass")
    else:
        lines = original.decode("utf-8").splitlines()
        row_at, cell_at, value = params
        row = max(1, int(row_at * (len(lines) - 1))) if len(lines) > 1 else 0
        cells = lines[row].split(",")
        if kind == "csv-cell":
            cells[int(cell_at * (len(cells) - 1))] = value
            lines[row] = ",".join(cells)
        else:
            lines.insert(row, value)
        target.write_text("\n".join(lines) + "\n", encoding="utf-8", errors="surrogatepass")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    target.mkdir()
    return target


def fresh(folder: Path) -> Path:
    """Reset ``folder`` to links to the shipped files (cheap: nothing is copied)."""
    shutil.rmtree(folder)
    folder.mkdir()
    for name in ALL_FILES:
        (folder / name).symlink_to(DATA / name)
    return folder


def result_or_geo_error(call: Any) -> Any:
    try:
        return call()
    except geo.GeoError:
        return None


@FUZZ
@given(mutation=mutations())
def test_validate_and_load_give_a_result_or_a_geo_error(
    folder: Path, mutation: tuple[str, str, Any]
) -> None:
    apply(fresh(folder), mutation)
    problems = result_or_geo_error(lambda: geo.validate(folder))
    assert problems is None or all(isinstance(p, geo.Problem) for p in problems)
    atlas = result_or_geo_error(lambda: geo.load(folder))
    if _problems_but_the_display_layer(problems):
        assert atlas is None, "load accepted data that validate rejects"


@settings(FUZZ, max_examples=max(6, EXAMPLES // 6))
@given(mutation=mutations())
def test_a_build_gives_maps_or_a_geo_error(
    folder: Path, tmp_path_factory: pytest.TempPathFactory, mutation: tuple[str, str, Any]
) -> None:
    apply(fresh(folder), mutation)
    atlas = result_or_geo_error(lambda: geo.load(folder))
    if atlas is None:
        return
    valid = result_or_geo_error(lambda: geo.validate(folder)) == []
    out = tmp_path_factory.mktemp("out")
    result = result_or_geo_error(lambda: build_atlas(atlas, out))
    assert result is not None or not valid, "a build refused data that validate accepts"
    if result is not None:
        assert (out / "index.html").is_file() and (out / "places.geojson").is_file()


# -- values of a place: dates, numbers, seats, crs members; and the settings -------------------
#
# The mutations above rarely hit a value a parser must read exactly.  These write one such
# value into one place of a copy of the data: a date (EDTF bounds up to 9999, full-width digits,
# whitespace around it), a number (huge, text, infinite, NaN, an int too large for a double), a
# list of seats, an id, or a file's ``crs`` member; or a ``geo.toml`` (nested deep, odd types).
# ``geo.validate`` and ``geo.load`` give a result or a GeoError; when validate finds no problem,
# the value it let in is exact, and (in a smaller run) a build succeeds.

_SPACES = ["", " ", "\n", "\t", "\r\n", "\u00a0", "\u2028", "\u3000"]


def _full_width(text: str, which: list[bool]) -> str:
    """``text`` with the digits ``which`` marks as full-width (U+FF10...)."""
    marks = iter(which)
    return "".join(
        chr(0xFF10 + int(c)) if c in "0123456789" and next(marks, False) else c for c in text
    )


@st.composite
def date_texts(draw: st.DrawFn) -> str:
    """A date of the data, or a near miss: EDTF bounds, odd digits, whitespace."""

    def one() -> str:
        year = draw(
            st.sampled_from(["0000", "0001", "1952", "2011", "9998", "9999", "10000", "999"])
        )
        month = draw(st.sampled_from(["", "-01", "-02", "-12", "-13", "-00", "-1"]))
        day = draw(st.sampled_from(["", "-01", "-28", "-29", "-30", "-31", "-32"])) if month else ""
        return year + month + day

    shape = draw(st.sampled_from(["exact", "exact", "interval", "by", "from", "open"]))
    if shape == "exact":
        text = one()
    elif shape == "interval":
        text = f"{one()}/{one()}"
    elif shape == "by":
        text = f"../{one()}"
    elif shape == "from":
        text = f"{one()}/.."
    else:
        text = "../.."
    if draw(st.integers(0, 3)) == 0:
        text = _full_width(text, draw(st.lists(st.booleans(), min_size=12, max_size=12)))
    before, after = draw(st.sampled_from(_SPACES)), draw(st.sampled_from(_SPACES))
    return before + text + after


numbers = st.one_of(
    st.floats(),  # NaN and infinities: not JSON, said so
    st.floats(-1e300, 1e300),
    st.sampled_from([1e300, -1e300, 181.0, -90.000001, 0.0, 2**53 + 1, 10**400, -(10**400)]),
    st.floats(-180, 180).map(str),  # a number as text
    st.sampled_from(NASTY),
)

DATE_FIELDS = (
    "opened",
    "closed",
    "history.date",
    "history.planned_opening",
    "seats.from",
    "seats.to",
)
NUMBER_FIELDS = ("side_a_lon", "side_a_lat", "side_b_lon", "side_b_lat", "seats.lon", "seats.lat")
NUMBER_FIELDS += ("geometry.0", "geometry.1")
ISO3 = ["ARG", "URY", "BRA", "UKR", "AZE", "RUS", "arg", "XXX", None, 1]


@st.composite
def seat_lists(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Seats of an office: some members of each, drawn from near-valid values."""
    seats = []
    for _ in range(draw(st.integers(0, 3))):
        members: dict[str, Any] = {}
        for key, values in (
            ("city", st.text(max_size=8)),
            ("iso3", st.sampled_from(ISO3)),
            ("lon", st.one_of(st.floats(-60, -50), numbers)),
            ("lat", st.one_of(st.floats(-36, -30), numbers)),
            ("from", st.one_of(st.none(), date_texts())),
            ("to", st.one_of(st.none(), date_texts())),
            ("status", st.sampled_from(["closed", "operational", "planned", 3])),
        ):
            if draw(st.integers(0, 5)) > 0:
                members[key] = draw(values)
        seats.append(members)
    return seats


crs_members = st.one_of(
    json_values,
    st.builds(lambda name: {"type": "name", "properties": {"name": name}}, json_values),
    st.builds(lambda props: {"type": "name", "properties": props}, json_values),
    st.sampled_from([{"type": "name", "properties": {"name": "EPSG:4326"}}, "EPSG:4326", 4326]),
)

ids = st.one_of(
    st.sampled_from(["rocb-ap\n", " rocb-ap", "rocb-ap ", "ROCB-AP", "rocb--ap", "rocb-ap\u00a0"]),
    st.sampled_from(["r\u043ecb-ap", "rocb-\uff41p", "rocb-ap-2", "-rocb", "\n"]),
    st.text(alphabet="abc-9\n \u0661", max_size=8),
)


@st.composite
def value_mutations(draw: st.DrawFn) -> tuple[str, str, float, Any]:
    """(file, field, which feature, value)."""
    what = draw(st.sampled_from(["date", "number", "seats", "id", "crs"]))
    if what == "date":
        field = draw(st.sampled_from(DATE_FIELDS))
        value: Any = draw(date_texts())
    elif what == "number":
        field = draw(st.sampled_from(NUMBER_FIELDS))
        value = draw(numbers)
    elif what == "seats":
        field, value = "seats", draw(seat_lists())
    elif what == "id":
        field, value = "id", draw(ids)
    else:
        field, value = "crs", draw(crs_members)
    name = "offices.geojson" if field.startswith("seats") else draw(st.sampled_from(PLACE_FILES))
    if field.startswith("side_"):
        name = "border_posts.geojson"
    return name, field, draw(st.floats(0, 1)), value


def apply_value(folder: Path, mutation: tuple[str, str, float, Any]) -> None:
    """Write the value into one feature of a copy of the file (making its list if needed)."""
    name, field, where, value = mutation
    doc = json.loads((DATA / name).read_text(encoding="utf-8"))
    if field == "crs":
        doc["crs"] = value
    else:
        features = doc["features"]
        if field.startswith("seats."):  # an office that moved, when there is one
            moved = [f for f in features if f["properties"].get("seats")]
            features = moved or features
        feature = features[int(where * (len(features) - 1))]
        props = feature["properties"]
        head, _, member = field.partition(".")
        if head == "geometry":
            feature["geometry"]["coordinates"][int(member)] = value
        elif member and head == "history":
            events = props.get("history") or [{"date": "2000", "status": "operational"}]
            props["history"] = events
            events[int(where * (len(events) - 1))][member] = value
        elif member:
            seats = props.get("seats") or [{"city": "X", "iso3": props.get("iso3")}]
            lon, lat = feature["geometry"]["coordinates"][:2]
            seats[0].setdefault("lon", lon)
            seats[0].setdefault("lat", lat)
            props["seats"] = seats
            seats[int(where * (len(seats) - 1))][member] = value
        else:
            props[field] = value
    text = json.dumps(doc, ensure_ascii=False, indent=1)
    (folder / name).unlink()
    (folder / name).write_text(text, encoding="utf-8", errors="surrogatepass")


def exact(field: str, value: Any) -> bool:
    """Whether a value validation let in is exact: an ASCII id or date, a number in range."""
    if field == "id":
        return re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", value, re.ASCII) is not None
    if field in DATE_FIELDS:
        return value is None or re.fullmatch(r"[0-9./-]+", value, re.ASCII) is not None
    if field in NUMBER_FIELDS:
        limit = 90 if field.endswith(("lat", ".1")) else 180
        number = isinstance(value, int | float) and not isinstance(value, bool)
        return number and math.isfinite(value) and abs(value) <= limit
    return True


def _problems_but_the_display_layer(problems: list[geo.Problem] | None) -> bool:
    """Problems ``geo.load`` must refuse too (it does not read the display layer)."""
    return any(p.file != "countries_display.geojson" for p in problems or [])


@FUZZ
@given(mutation=value_mutations())
def test_values_of_a_place_give_a_result_or_a_geo_error(
    folder: Path, mutation: tuple[str, str, float, Any]
) -> None:
    apply_value(fresh(folder), mutation)
    problems = result_or_geo_error(lambda: geo.validate(folder))
    atlas = result_or_geo_error(lambda: geo.load(folder))
    if problems:
        assert atlas is None, "load accepted data that validate rejects"
    elif problems == []:
        assert exact(mutation[1], mutation[3]), f"validate let in {mutation[3]!r}"


@settings(FUZZ, max_examples=max(6, EXAMPLES // 6))
@given(mutation=value_mutations())
def test_values_validate_accepts_build(
    folder: Path, tmp_path_factory: pytest.TempPathFactory, mutation: tuple[str, str, float, Any]
) -> None:
    apply_value(fresh(folder), mutation)
    if result_or_geo_error(lambda: geo.validate(folder)) != []:
        return
    out = tmp_path_factory.mktemp("out")
    build_atlas(geo.load(folder), out)  # valid data: any error here is a bug
    assert (out / "index.html").is_file()


toml_values = st.one_of(
    st.sampled_from(['["en"]', '["en", "fr"]', "[]", '["en", "en"]', '["xx"]', '["en", 1]']),
    st.sampled_from(["1", "-0", "inf", "nan", "true", "1979-05-27", "1979-05-27T07:32:00Z"]),
    st.sampled_from(["07:32:00", '"en"', "{}", "{a = 1}", '[["en"]]', '"\\u0000"', "'''x'''"]),
    st.integers(0, 3000).map(lambda n: "[" * n + "]" * n),
    st.integers(0, 3000).map(lambda n: "{a = " * n + "1" + "}" * n),
    # integers of more digits than Python converts (4300), floats beyond a double
    st.integers(4290, 5000).map(lambda n: "9" * n),
    st.sampled_from(["1e99999", "-1e99999", "0x" + "f" * 5000, "[" + "9" * 4301 + "]"]),
)


@st.composite
def toml_texts(draw: st.DrawFn) -> str:
    """A ``geo.toml``: near-valid settings, odd types, deep nesting, or any text."""
    shape = draw(st.sampled_from(["settings", "key", "dotted", "text"]))
    if shape == "settings":
        table = draw(st.sampled_from(["[maps]", "[[maps]]", "[maps.languages]", "[map]", ""]))
        return f"{table}\nlanguages = {draw(toml_values)}\n"
    if shape == "key":
        return f"{draw(st.sampled_from(['maps', 'a', 'maps.languages']))} = {draw(toml_values)}\n"
    if shape == "dotted":
        depth = draw(st.sampled_from([1, 2, 15, 16, 17, 999, 1000, 1001, 3000]))
        return "[" + ".".join(["maps"] * depth) + "]\nlanguages = " + draw(toml_values) + "\n"
    return draw(st.text(max_size=60))


@FUZZ
@given(text=toml_texts())
def test_settings_give_a_result_or_a_geo_error(folder: Path, text: str) -> None:
    from geo.config import read_config

    fresh(folder)
    (folder / "geo.toml").write_text(text, encoding="utf-8", errors="surrogatepass")
    problems = result_or_geo_error(lambda: geo.validate(folder))
    assert problems is None or all(isinstance(p, geo.Problem) for p in problems)
    config = result_or_geo_error(lambda: read_config(folder))
    assert (config is None) == bool(problems), (problems, config)
    for problem in problems or []:
        assert str(problem)  # every problem can be shown
