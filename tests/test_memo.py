"""What a build remembers: geo.render.memo, the prepared basemap, CLDR's texts, the catalogues.

Every remembered answer must be the answer computed: the same pages, byte for
byte, from a warm cache, a cold one and none.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

import geo
from geo import cache, i18n
from geo.render import basemap, memo, view

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cache folder of the test's own."""
    monkeypatch.setenv("GEO_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def pages(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.startswith(".")
    }


def test_the_same_pages_from_a_warm_cache_a_cold_one_and_none(tmp_path: Path) -> None:
    """Each build is a new process, so that only the cache on disk carries answers over.

    Also with the answers geo ships prepared (geo.cache), read into an empty
    cache folder and with the cache off: the same bytes.
    """
    env = {**os.environ, "GEO_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("GEO_NO_CACHE", None)
    prepared = {k: v for k, v in env.items() if k != "GEO_NO_PREPARED"}
    runs = {
        "cold": env,
        "warm": env,
        "none": {**env, "GEO_NO_CACHE": "1"},
        "prepared": {**prepared, "GEO_CACHE_DIR": str(tmp_path / "empty")},
        "prepared, no cache": {**prepared, "GEO_NO_CACHE": "1"},
    }
    built = {}
    for name, run_env in runs.items():
        out = tmp_path / name
        command = [sys.executable, "-m", "geo", "build", "--lang", "en,fr", "--output", str(out)]
        subprocess.run(command, env=run_env, check=True, capture_output=True, cwd=tmp_path)
        built[name] = pages(out)
    kinds = {p.name.split("-")[0] for p in (tmp_path / "cache").glob("*.npz")}
    assert {"basemap", "main_parts", "cldr", "catalogue", "places"} <= kinds
    assert len(built["cold"]) == 15  # 7 maps in each language, and places.geojson
    assert built["warm"] == built["cold"]
    assert built["none"] == built["cold"]
    assert built["prepared"] == built["cold"]
    assert built["prepared, no cache"] == built["cold"]


# -- geo.cache.remembered, geo.render.memo --------------------------------------------------


def test_remembered_computes_once_and_keeps_the_newest() -> None:
    calls: list[int] = []

    def compute(n: int) -> int:
        calls.append(n)
        return n * 10

    for n in [1, 2, 1, 3, 1, 4]:
        assert cache.remembered("test-kind", n, lambda n=n: compute(n), keep=3) == n * 10
    assert calls == [1, 2, 3, 4]
    cache.remembered("test-kind", 2, lambda: compute(2), keep=3)  # 2 was the oldest: dropped
    assert calls == [1, 2, 3, 4, 2]


coordinates = st.floats(-180, 180, allow_nan=False, allow_infinity=False)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(coordinates, coordinates), min_size=1, max_size=6), st.data())
def test_different_geometries_have_different_keys(
    points: list[tuple[float, float]], data: st.DataObject
) -> None:
    geoms = shapely.points(np.array(points))
    i = data.draw(st.integers(0, len(points) - 1))
    other = geoms.copy()
    x, y = points[i]
    other[i] = shapely.Point(x, y + 1.0 if y < 0 else y - 1.0)
    assert memo.content_key(geoms) == memo.content_key(geoms.copy())
    assert memo.content_key(geoms) != memo.content_key(other)
    assert memo.content_key(geoms) != memo.content_key(geoms[:-1])


def test_a_read_only_array_is_known_by_identity_a_writable_one_by_content() -> None:
    geoms = shapely.points(np.array([[0.0, 0.0], [1.0, 1.0]]))
    before = memo.content_key(geoms)
    geoms[0] = shapely.Point(5.0, 5.0)  # writable: changed in place, and known as changed
    assert memo.content_key(geoms) != before
    geoms.flags.writeable = False
    known = memo.content_key(geoms)
    assert memo.content_key(geoms) == known
    with pytest.raises(ValueError, match="read-only"):
        geoms[0] = shapely.Point(0.0, 0.0)


def test_the_display_layer_cannot_be_changed_in_place() -> None:
    layer = geo.load().countries_display
    with pytest.raises(ValueError, match="read-only"):
        np.asarray(layer.geometry.values)[0] = shapely.Point(0.0, 0.0)
    copy = layer.copy()  # a copy is the user's to change
    np.asarray(copy.geometry.values)[0] = shapely.Point(0.0, 0.0)


# -- the prepared basemap and the regions' boxes ------------------------------------------


def test_a_prepared_basemap_from_the_cache_is_the_one_prepared(own_cache: Path) -> None:
    layer = geo.load().countries_display
    geoms = np.asarray(layer.geometry.values, dtype=object)
    prepared = basemap._prepare(geoms)
    again = basemap._Prepared.from_arrays({k: np.asarray(v) for k, v in prepared.arrays().items()})
    assert again.encoded == prepared.encoded
    assert again.labels == prepared.labels
    assert again.parts == prepared.parts
    assert np.array_equal(again.polygon_of_ring, prepared.polygon_of_ring)
    assert np.array_equal(again.middle, prepared.middle)


@pytest.mark.parametrize("damage", ["labels", "encoded_ends", "parts"])
def test_a_damaged_basemap_entry_is_prepared_again(own_cache: Path, damage: str) -> None:
    from geo.i18n import translator

    layer = geo.load().countries_display.copy()  # writable: keyed by content, not identity
    cache._REMEMBERED.pop("basemap", None)  # prepared in this test, kept in its cache folder
    rows = basemap._country_rows(layer, 150.0, translator("en"))
    (entry,) = own_cache.glob("basemap-*.npz")
    with np.load(entry) as archive:
        arrays = {name: archive[name] for name in archive.files}
    arrays[damage] = np.zeros(3, dtype=np.uint8 if damage == "parts" else np.int64)
    np.savez(entry, **arrays)
    cache._REMEMBERED.pop("basemap", None)  # forget the process's own copy: read the entry
    assert basemap._country_rows(layer, 150.0, translator("en")) == rows


def reference_box(geoms: np.ndarray) -> tuple[float, float, float, float] | None:
    """A country's box as the view defines it, from all its rows' geometries at once."""
    parts = shapely.get_parts(geoms[~shapely.is_missing(geoms)])
    parts = parts[~shapely.is_empty(parts)]
    if not len(parts):
        return None
    main = parts[int(np.argmax(shapely.area(parts)))]
    x0, y0, x1, y1 = (float(v) for v in shapely.bounds(main))
    inside = shapely.point_on_surface(main)
    x, y = float(shapely.get_x(inside)), float(shapely.get_y(inside))
    reach = view._FOCUS_REACH_DEG
    return (max(x0, x - reach), max(y0, y - reach), min(x1, x + reach), min(y1, y + reach))


@pytest.mark.parametrize("region", sorted(geo.schema.REGIONS))
def test_member_boxes_are_each_countrys_largest_polygon(region: str) -> None:
    from geo.render.text import _truthy

    layer = geo.load().countries_display
    members = layer[_truthy(layer["member"]) & (layer["region"] == region)]
    want = [
        box
        for _, group in members.groupby("iso3", sort=True)
        if (box := reference_box(np.asarray(group.geometry.values, dtype=object))) is not None
    ]
    assert len(want) >= 5
    assert view._member_boxes(layer, region) == want


# -- what CLDR wrote, and the compiled catalogues -------------------------------------------


def test_cldr_texts_are_kept_and_read_back_as_babel_wrote_them(own_cache: Path) -> None:
    from babel.dates import format_date
    from babel.numbers import format_decimal

    written = i18n._Written("fr")
    t = i18n.translator("fr")
    i18n._WRITTEN["fr"] = written  # this test's own, on its own cache folder
    try:
        got = {"number": t.number(12345.678, decimals=1), "date": t.date("2011-10-17")}
        assert got["number"] == format_decimal(12345.678, format="#,##0.0", locale="fr")
        assert got["date"] == format_date(dt.date(2011, 10, 17), "long", locale="fr")
        assert written.added
        i18n.keep_written()
        assert not written.added and list(own_cache.glob("cldr-*.npz"))
        again = i18n._Written("fr")
        assert again.texts == written.texts
        assert again.text("number", "#,##0.0 12345.678", lambda: "not asked") == got["number"]
    finally:
        i18n._WRITTEN.pop("fr", None)


def test_a_damaged_cldr_entry_is_ignored(own_cache: Path) -> None:
    written = i18n._Written("en_GB")
    written.text("date", "2011", lambda: "2011")
    written.keep()
    (entry,) = own_cache.glob("cldr-*.npz")
    np.savez(entry, __key__=np.frombuffer(written.key.encode(), dtype=np.uint8), texts=np.zeros(3))
    assert i18n._Written("en_GB").texts == {}


@pytest.mark.parametrize("lang", i18n.languages())
def test_a_compiled_catalogue_from_the_cache_is_the_one_compiled(
    own_cache: Path, lang: str
) -> None:
    source = i18n._catalogue_path(lang).read_bytes()
    i18n._compiled.cache_clear()
    try:
        first = i18n._compiled(lang)  # compiled, and kept
        assert list(own_cache.glob("catalogue-*.npz"))
        i18n._compiled.cache_clear()
        assert i18n._compiled(lang) == first == i18n._compile(lang, source)
    finally:
        i18n._compiled.cache_clear()
