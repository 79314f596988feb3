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
import os
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
    if problems:
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
    out = tmp_path_factory.mktemp("out")
    result = result_or_geo_error(lambda: build_atlas(atlas, out))
    if result is not None:
        assert (out / "index.html").is_file() and (out / "places.geojson").is_file()
