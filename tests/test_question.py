"""Tests of :mod:`geo.question`: a query's answer carries its question through a user's frame
operations, or drops it cleanly, and its map is titled and marked by it either way."""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from typing import Any

import geopandas as gpd
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import geo
from geo.i18n import translator
from geo.question import Question, question_of
from geo.render import to_html

#: The queries of the fixture atlas, each asking something with answers.
ASKS: dict[str, Callable[[geo.Atlas], gpd.GeoDataFrame]] = {
    "nearest": lambda atlas: atlas.nearest(lat=41.64, lon=48.43, k=4),
    "within": lambda atlas: atlas.within(lat=-26.2, lon=28.04, km=900),
    "region": lambda atlas: atlas.in_region("ESA"),
    "country": lambda atlas: atlas.in_country("AZE"),
    "between": lambda atlas: atlas.crossings_between("ZAF", "ZWE"),
}

#: What a user does to a frame: those that keep every row's question (a subset of an
#: answer still answers it), then those that mix in frames asking something else.
KEEPING: dict[str, Callable[[gpd.GeoDataFrame, list[bool]], gpd.GeoDataFrame]] = {
    "filter": lambda f, mask: f[pd.Series(mask, index=f.index)],
    "head": lambda f, mask: f.head(sum(mask)),
    "sort": lambda f, mask: f.sort_values("id", ascending=mask[0]),
    "copy": lambda f, mask: f.copy(),
    "drop a column": lambda f, mask: f.drop(columns=["kind"]),
    "add a column": lambda f, mask: f.assign(flag=mask),
    "reset the index": lambda f, mask: f[pd.Series(mask, index=f.index)].reset_index(drop=True),
    "concat with itself": lambda f, mask: pd.concat([f, f[pd.Series(mask, index=f.index)]]),
}
DROPPING: dict[str, Callable[[gpd.GeoDataFrame, gpd.GeoDataFrame], Any]] = {
    "concat with another answer": lambda f, other: pd.concat([f, other]),
    "concat with plain places": lambda f, other: pd.concat([f, other.iloc[:1].copy()]),
}
#: What pandas may keep or drop the question through (its rules change between versions):
#: either way, the map is consistent with what the frame carries.
EITHER: dict[str, Callable[[gpd.GeoDataFrame, list[bool]], gpd.GeoDataFrame]] = {
    "merge": lambda f, mask: f.merge(pd.DataFrame({"id": list(f["id"])}), on="id"),
    "to_crs and back": lambda f, mask: f.to_crs(3857).to_crs(4326),
}


@pytest.fixture(scope="module")
def answers(fixture_atlas: geo.Atlas) -> dict[str, gpd.GeoDataFrame]:
    found = {name: ask(fixture_atlas) for name, ask in ASKS.items()}
    assert all(len(frame) >= 1 for frame in found.values()), {k: len(v) for k, v in found.items()}
    return found


def _title_and_marks(page: str) -> tuple[str, Any]:
    title = html.unescape(page.split("<title>", 1)[1].split("</title>", 1)[0])
    blob = page.split('<script type="application/json" id="atlas-data">\n', 1)[1]
    return title, json.loads(blob.split("\n</script>", 1)[0]).get("query")


def _check_map(atlas: geo.Atlas, frame: gpd.GeoDataFrame, asked: Question | None) -> None:
    """The map of ``frame`` is titled by ``asked`` and marks it (lines to its rows only);
    with no question, the plain title and no mark."""
    for lang in ("en", "fr"):
        t = translator(lang)
        title, marks = _title_and_marks(to_html(atlas.to_map(frame, lang=lang)))
        assert title == (asked.title(t) if asked is not None else t("title.query"))
        assert (marks is not None) == (asked is not None and asked.has_mark)
        if marks is not None and asked is not None:
            assert marks["at"] == [asked.lat, asked.lon]
            assert len(marks["lines"]) == (len(frame) if asked.lines else 0)
            if frame["id"].is_unique:  # (repeated ids are replaced by row numbers on a map)
                assert {line[0] for line in marks["lines"]} <= set(frame["id"])


def test_every_query_answers_with_its_question(answers: dict[str, gpd.GeoDataFrame]) -> None:
    for name, frame in answers.items():
        asked = question_of(frame)
        assert asked is not None and asked.kind == name


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    name=st.sampled_from(sorted(ASKS)),
    operation=st.sampled_from(sorted(KEEPING) + sorted(EITHER)),
    mask=st.lists(st.booleans(), min_size=8, max_size=8),
)
def test_a_users_subset_of_an_answer_keeps_its_question_and_title(
    fixture_atlas: geo.Atlas,
    answers: dict[str, gpd.GeoDataFrame],
    name: str,
    operation: str,
    mask: list[bool],
) -> None:
    answer = answers[name]
    asked = question_of(answer)
    frame = {**KEEPING, **EITHER}[operation](answer, mask[: len(answer)])
    assert question_of(answer) is asked  # the answer itself is unchanged
    carried = question_of(frame)
    assert carried == asked or (operation in EITHER and carried is None)
    _check_map(fixture_atlas, frame, carried)


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    name=st.sampled_from(sorted(ASKS)),
    other=st.sampled_from(sorted(ASKS)),
    operation=st.sampled_from(sorted(DROPPING)),
)
def test_a_frame_mixing_questions_drops_them_cleanly(
    fixture_atlas: geo.Atlas,
    answers: dict[str, gpd.GeoDataFrame],
    name: str,
    other: str,
    operation: str,
) -> None:
    """A frame that no longer answers one question carries none: a plain map, no stale marks."""
    mixed_with = answers[other] if operation != "concat with plain places" else fixture_atlas.places
    if other == name and operation == "concat with another answer":
        mixed_with = fixture_atlas.places.head(2)  # not the same question
    frame = DROPPING[operation](answers[name], mixed_with)
    assert question_of(frame) is None
    _check_map(fixture_atlas, frame, None)


@pytest.mark.parametrize(
    "name", ["geo.question", "geo.resolve", "geo.jsontext", "geo.ownergrid", "geo.pdf.places"]
)
def test_the_docstring_examples_of_the_rooms_split_off_run(name: str) -> None:
    """The examples moved with their code out of geo.query, geo.edit, geo.placeindex and
    geo.pdf.document still run (geo.query's ran by hand in tests/test_query.py)."""
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(name))
    assert result.failed == 0
    assert result.attempted >= (0 if name == "geo.ownergrid" else 1)
