"""The page's data as one JSON document, safe inside ``<script>``.

A head line (view, legend, timeline), then the places, then the detail
windows around them when the page has a fine layer (one line, see
:mod:`geo.render.detail`), then one line per basemap country (see
:mod:`geo.render.basemap`).  Small maps carry one JSON
line per place, popup rows included (a data edit changes one line of the
page); above :data:`COMPACT_THRESHOLD` places they travel as one columnar
table (ids and names front-coded or dictionary-coded, coordinates
polyline-encoded, every other column folded into distinct "profiles"), whose
popups the page builds when they open.  Each place carries its life (from
:func:`geo.history.segments`) for the page's timeline.  Keys are sorted and
``<``, ``>``, ``&``, U+2028 and U+2029 escaped (see :func:`_dumps`).
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib.metadata
import json
import logging
import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import geopandas as gpd
import numpy as np
import pandas as pd

from geo import cache
from geo.errors import UsageError
from geo.history import UNKNOWN, segments
from geo.i18n import DEFAULT_LANGUAGE, Translator, catalogue_files, translator
from geo.render.basemap import _country_rows, _polyline_chars
from geo.render.detail import DetailSource, detail_json, page_detail
from geo.render.overlay import QueryMark, _query_json
from geo.render.text import (
    PLACE_DECIMALS,
    _city_names,
    _coordinates_text,
    _country,
    _is_list,
    _is_web_url,
    _kind_legend,
    _local_name,
    _popup_rows,
    _region_legend,
    _status_legend,
    _text,
)
from geo.render.towns import town_lines as _town_lines
from geo.render.view import _latlon, _shift_lon, _shift_lons
from geo.render.words import page_words
from geo.schema import parse_date

__all__ = ["COMPACT_THRESHOLD", "GRID_THRESHOLD"]

log = logging.getLogger(__name__)

#: Above this many places, a map's places travel as one columnar table, not one line each.
COMPACT_THRESHOLD = 500
#: Above this many places, the page groups them on a screen grid, not with Leaflet.markercluster.
GRID_THRESHOLD = 2000
#: Columns whose text the search box looks through, besides name, id and country.
_SEARCH_COLUMNS = (
    "city",
    "host",
    "iso3",
    "side_a_name",
    "side_b_name",
    "side_a_iso3",
    "side_b_iso3",
)


#: Columns of the regions a border post's sides lie in: it counts in each of them.
_SIDE_REGIONS = ("side_a_region", "side_b_region")


@dataclass(frozen=True)
class _View:
    """What the data document needs to know about its page."""

    bounds: tuple[float, float, float, float]  # (min_lon, min_lat, max_lon, max_lat)
    center_lon: float  # the page's world is [center_lon - 180, center_lon + 180)
    focus_region: str | None
    as_of: dt.date | None  # the day the data stand at; the timeline stops there
    since: dt.date | None = None  # the network's first known day: nothing before it
    query: QueryMark | None = None  # what a query map draws besides its places
    t: Translator = field(default_factory=lambda: translator(DEFAULT_LANGUAGE))  # its words
    detail: DetailSource | None = None  # the fine layer of the detail windows, or none


@dataclass(frozen=True)
class _Summary:
    """Counts for the legend and the timeline's range."""

    kinds: Counter[str]
    regions: Counter[str | None]  # a place counts in its region and its sides' (``also``)
    shared: int  # places that count in more than one region
    statuses: Counter[str]
    first_year: int | None  # earliest year of any date in the places' lives
    last_year: int | None  # latest such year
    unknown: int  # places possibly open at some time (an opening not known to the day)


def _payload(
    places: gpd.GeoDataFrame,
    lon: np.ndarray,
    lat: np.ndarray,
    countries: gpd.GeoDataFrame,
    view: _View,
    *,
    compact: bool,
) -> str:
    """The page's data as one JSON document.

    A head line (view, legend, timeline), then the places: one line per place
    (``places``) or a columnar ``table`` (see :func:`_table_lines`), then the
    detail windows (:func:`geo.render.detail.detail_json`) when ``view.detail``
    is set and there are places, then one line per basemap country.
    """
    if compact:
        body, summary = _table_lines(places, lon, lat, view)
    else:
        body, summary = _place_lines(places, lon, lat, view)
    t = view.t
    country_rows = _country_rows(countries, view.center_lon, t, lon, lat)
    town_lines = _town_lines(None, lon, lat, view.center_lon, t.lang)
    bounds = view.bounds
    ids = [_text(v) or "" for v in places["id"]]
    names = _names(places, ids, t.lang)
    head = {
        "bounds": [_latlon(bounds[0], bounds[1]), _latlon(bounds[2], bounds[3])],
        "focus": view.focus_region,
        "grid": sum(summary.kinds.values()) > GRID_THRESHOLD,
        "kinds": _kind_legend(summary.kinds, t),
        "lang": t.lang,
        "locale": t.bcp47,
        "query": _query_json(view.query, ids, names, lon, lat, view.center_lon, t),
        "regions": _region_legend(summary.regions, country_rows, t),
        "shared": summary.shared,
        "statuses": _status_legend(summary.statuses, unknown=summary.unknown > 0, t=t),
        "timeline": {
            "asOf": _day_number(view.as_of),
            "first": summary.first_year,
            "last": view.as_of.year if view.as_of else summary.last_year,
            "unknown": summary.unknown,
        },
        "version": 1,
        "words": page_words(t),
    }
    lines = [_dumps(head)[:-1] + ",", *body]
    if view.detail is not None and len(lon):
        page_lon = _shift_lons(lon, view.center_lon)
        detail = page_detail(view.detail, page_lon, lat, coarse=countries)
        lines.append('"detail":' + _dumps(detail_json(detail, country_rows, t)) + ",")
    lines += ['"towns":[', *_joined_lines(town_lines), "],"]
    lines += ['"countries":[', *_json_lines(country_rows), "]}"]
    return "\n".join(lines)


def _json_lines(items: Sequence[Any]) -> list[str]:
    """One JSON value per line, comma-separated: the body of an array."""
    lines = [_dumps(item) + "," for item in items]
    if lines:
        lines[-1] = lines[-1][:-1]
    return lines


def _joined_lines(texts: Sequence[str]) -> list[str]:
    """:func:`_json_lines` of values already written as compact JSON (arrays, no objects)."""
    return [_script_safe(",\n".join(texts))] if texts else []


def _place_lines(
    places: gpd.GeoDataFrame, lon: np.ndarray, lat: np.ndarray, view: _View
) -> tuple[list[str], _Summary]:
    """``"places": [...]``: one line per place, sorted by id.

    Kept in :mod:`geo.cache` for the same rows (their text), positions, words
    and view, when every value is a plain Python value (text, number, boolean,
    None, lists and mappings of them), whose ``repr`` is exact.
    """
    records = _records(pd.DataFrame(places).drop(columns=places.geometry.name))
    texts = [repr(rec) for rec in records]
    key = None
    if all(_plain(rec) for rec in records):
        key = cache.entry_key(
            "placelines",
            view.t.lang,
            _words_digest(view.t.lang),
            _babel_version(),
            str(view.as_of),
            str(view.since),
            view.center_lon,
            texts,
            np.column_stack([lon, lat]).astype(float).tobytes(),
            code=__name__,
        )
        found = _kept_place_lines(cache.load("placelines", key))
        if found is not None:
            place_objs, body = found
            return ['"places":[', *body, "],"], _summarise(place_objs, [1] * len(place_objs))
    place_objs = sorted(
        (
            _place_json(rec, float(x), float(y), view)
            for rec, x, y in zip(records, lon, lat, strict=True)
        ),
        key=lambda p: p["id"],
    )
    body = _json_lines(place_objs)
    if key is not None:
        try:
            text = "\n".join(body).encode("utf-8", "surrogatepass")
            arrays = {
                "places": cache.to_json_array(place_objs),
                "lines": np.frombuffer(text, dtype=np.uint8),
            }
        except (TypeError, ValueError) as err:  # a value JSON cannot hold: not kept
            log.debug("cache: the place lines are not kept (%s)", err)
        else:
            cache.store("placelines", key, arrays, keep=64)
    return ['"places":[', *body, "],"], _summarise(place_objs, [1] * len(place_objs))


#: Column types whose values :func:`_records` reads as they are.
_PLAIN_DTYPES = frozenset({"object", "float64", "bool"})


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """``frame.to_dict("records")``: the same values of the same types, sooner for columns
    of Python objects, floats and booleans (the places of an atlas), else by pandas."""
    columns = list(frame.columns)
    simple = frame.columns.is_unique and all(isinstance(c, str) for c in columns)
    if simple and all(str(dtype) in _PLAIN_DTYPES for dtype in frame.dtypes):
        rows = frame.to_numpy(dtype=object).tolist()
        kinds = {type(v) for row in rows for v in row}  # each type once, not each value
        if not any(issubclass(kind, np.generic) for kind in kinds):
            return [dict(zip(columns, row, strict=True)) for row in rows]
    return cast(list[dict[str, Any]], frame.to_dict("records"))


def _plain(value: Any) -> bool:
    """Whether ``value`` is made of text, numbers, booleans, None, lists and mappings only."""
    if type(value) in _PLAIN_TYPES:  # the common values, answered before the checks below
        return True
    if value is None or isinstance(value, str | int | float):  # bool is an int
        return True
    if isinstance(value, list | tuple):
        return all(type(v) in _PLAIN_TYPES or _plain(v) for v in value)
    if isinstance(value, dict):
        return all(type(k) is str or isinstance(k, str) for k in value) and all(
            type(v) in _PLAIN_TYPES or _plain(v) for v in value.values()
        )
    return False


#: The exact types :func:`_plain` answers at once.
_PLAIN_TYPES = frozenset({str, int, float, bool, type(None)})


def _kept_place_lines(
    arrays: dict[str, np.ndarray] | None,
) -> tuple[list[dict[str, Any]], list[str]] | None:
    """The places and their lines of a ``placelines`` entry; ``None`` if none or unusable."""
    if arrays is None:
        return None
    try:
        place_objs = cache.from_json_array(arrays["places"])
        text = arrays["lines"].tobytes().decode("utf-8", "surrogatepass")
    except (KeyError, ValueError) as err:
        log.debug("cache: the place lines are unusable (%s): made again", err)
        return None
    body = text.split("\n") if text else []
    if not isinstance(place_objs, list) or len(body) != len(place_objs):
        return None
    if not all(isinstance(p, dict) for p in place_objs):
        return None
    return place_objs, body


@functools.cache
def _babel_version() -> str:
    """Babel's version (its CLDR data shapes the place lines): read once per process."""
    return importlib.metadata.version("babel")


@functools.cache
def _words_digest(lang: str) -> str:
    """A digest of the catalogue of ``lang``: the words of a page."""
    (path,) = [p for p in catalogue_files() if p.parent.parent.name == lang]
    return cache.file_digest(path.read_bytes())


def _place_json(rec: dict[str, Any], lon: float, lat: float, view: _View) -> dict[str, Any]:
    """A place's line; the same row on the same kind of page is written once per process.

    (A place is on the world map and on its regions' maps: one build writes it
    two or three times.)  The key is the row's text (``repr``), unless NumPy
    abbreviated it.
    """
    text = repr(rec)
    if "..." in text:
        return _place_json_of(rec, lon, lat, view)
    key = (view.t.lang, view.as_of, view.since, view.center_lon, lon, lat, text)
    found = cache.remembered("place", key, lambda: _place_json_of(rec, lon, lat, view), keep=4096)
    return dict(found)


def _place_json_of(rec: dict[str, Any], lon: float, lat: float, view: _View) -> dict[str, Any]:
    text = {str(k): _text(v) for k, v in rec.items()}
    place = _profile(rec, text, _coordinates_text(view.t, lon, lat), view)
    place["id"] = text.get("id") or ""
    place["lat"] = round(lat, PLACE_DECIMALS)
    place["lon"] = round(_shift_lon(lon, view.center_lon), PLACE_DECIMALS)
    place["name"] = _local_name(rec, view.t.lang) or _name(
        rec.get("name"), text.get("name"), place["id"]
    )
    return place


def _name(value: Any, text: str | None, place_id: str) -> str:
    """A place's name: the name as it is when it is a string, else its text, else the id."""
    return value if isinstance(value, str) else (text or place_id)


def place_names(places: gpd.GeoDataFrame, lang: str) -> list[str]:
    """Each place's name as the maps show it in ``lang``.

    Its ``name_<lang>`` (or ``name:<lang>``) when it has one, else its name,
    else its id.

    >>> import geopandas as gpd
    >>> rows = gpd.GeoDataFrame({"id": ["a", "b"], "name": ["Brussels", None],
    ...                          "name_fr": ["Bruxelles", None]})
    >>> place_names(rows, "fr"), place_names(rows, "en")
    (['Bruxelles', 'b'], ['Brussels', 'b'])
    """
    return _names(places, [_text(v) or "" for v in places["id"]], lang)


def _names(places: gpd.GeoDataFrame, ids: Sequence[str], lang: str) -> list[str]:
    """Each place's name in the map's language (``name_<lang>``, else its name, else its id)."""
    alternates = [c for c in (f"name_{lang}", f"name:{lang}") if c in places.columns]
    records = _records(pd.DataFrame(places)[["name", *alternates]])
    return [
        _local_name(rec, lang) or _name(rec["name"], _text(rec["name"]), place_id)
        for rec, place_id in zip(records, ids, strict=True)
    ]


def _profile(
    rec: Mapping[str, Any], text: Mapping[str, str | None], coordinates: str | None, view: _View
) -> dict[str, Any]:
    """What a place shows besides its id, name and position.

    Its popup's ``rows``: the first ``fold`` of them its summary, the others
    folded under "Details and sources".

    ``coordinates`` is the text of the Coordinates popup row; ``None`` leaves the
    row's value ``null``, for the page to write from the place's position.
    """
    kind = text.get("kind") or ""
    status = text.get("status") or ""
    source = text.get("source")
    region = text.get("region")
    country = _country(view.t, text.get("iso3"), text.get("country"))
    # the data's own names are found too, when the map shows others
    also_found = [text.get("country")]
    if _local_name(rec, view.t.lang):
        also_found.append(text.get("name"))
    terms = [text.get(c) for c in _SEARCH_COLUMNS] + [n for n in also_found if n != country]
    terms += _city_names(text, view.t.lang)  # Bakou finds what is in Baku
    rows, fold = _popup_rows(rec, text, coordinates, view.t)
    profile: dict[str, Any] = {
        "country": country or text.get("iso3"),
        "href": source if source and _is_web_url(source) else None,
        "kind": kind,
        "life": _life(rec, status, view),
        "region": region,
        "fold": fold,
        "rows": rows,
        "source": source,
        "status": status,
        "terms": " ".join(term for term in terms if term),
    }
    also = sorted({r for c in _SIDE_REGIONS if (r := text.get(c)) and r != region})
    if also:  # a border post counts in the region of each side too (geo.query.in_region)
        profile["also"] = also
    return profile


# ----------------------------------------------------------------- the timeline's data


def _life(rec: Mapping[str, Any], status: str, view: _View) -> list[list[Any]] | None:
    """A place's life for the timeline, compactly; ``None`` when it is always as it is now.

    Each piece is ``[from, to, status, lat, lon]`` (see :func:`geo.history.segments`):
    days as integers ``YYYYMMDD`` (``from`` inclusive, ``to`` exclusive, ``null``
    unbounded); trailing items equal to their defaults are left out: ``null``
    days, the place's own status, the place's own position (a position is
    written only for an office's seat, in the page's longitudes, rounded to
    :data:`PLACE_DECIMALS`).  With ``view.as_of``, pieces after that day are
    dropped and the last one is left open.  ``[]``: never on the timeline.
    """
    props: dict[str, Any] = {name: rec.get(name) for name in ("opened", "closed", "status")}
    for name in ("history", "seats"):
        value = rec.get(name)
        props[name] = [v for v in value if isinstance(v, Mapping)] if _is_list(value) else None
    try:
        pieces = segments(props, math.nan, math.nan, since=view.since)
    except (KeyError, TypeError, ValueError) as err:
        msg = (
            f"Got place id={rec.get('id')!r} whose `seats` cannot be read ({err!r}); "
            "expected seats with numeric 'lon' and 'lat' (EPSG:4326 degrees)"
        )
        raise UsageError(msg) from err
    if view.as_of is not None:
        pieces = _clip_pieces(pieces, view.as_of)
    life = [_life_piece(piece, status, view.center_lon) for piece in pieces]
    return None if life == [[]] else life


def _clip_pieces(pieces: list[dict[str, Any]], day: dt.date) -> list[dict[str, Any]]:
    """The pieces as known on ``day``: later ones dropped, the last one left open."""
    kept = [p for p in pieces if p["from"] is None or _first_day(p["from"]) <= day]
    if kept and kept[-1]["to"] is not None and _first_day(kept[-1]["to"]) > day:
        kept[-1] = {**kept[-1], "to": None}
    return kept


def _life_piece(piece: Mapping[str, Any], status: str, center_lon: float) -> list[Any]:
    out: list[Any] = [_day_number(piece["from"]), _day_number(piece["to"]), piece["status"]]
    if not (math.isnan(piece["lon"]) or math.isnan(piece["lat"])):
        lon = round(_shift_lon(float(piece["lon"]), center_lon), PLACE_DECIMALS)
        out += _latlon(lon, round(float(piece["lat"]), PLACE_DECIMALS))
    elif out[2] == status:
        out.pop()
        while out and out[-1] is None:
            out.pop()
    return out


def _first_day(text: str) -> dt.date:
    """The first day of a date of a piece (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``)."""
    day = parse_date(text)
    if day is None:  # segments() writes only such dates
        msg = f"Got a timeline date {text!r}; expected YYYY, YYYY-MM or YYYY-MM-DD"
        raise UsageError(msg)
    return day


def _day_number(day: str | dt.date | None) -> int | None:
    """A date as the integer ``YYYYMMDD``, its precision kept; None stays None.

    A date known to its month is ``YYYYMM00``, to its year ``YYYY0000``: the
    page writes them "in March 2005", "in 2005" (``util.dayText``), and as
    numbers they compare with every real day as their first day does
    (``20050000 <= d`` exactly when ``20050101 <= d``).

    >>> _day_number("2011-10-17"), _day_number("2011-10"), _day_number("2011")
    (20111017, 20111000, 20110000)
    """
    if day is None:
        return None
    text = day.isoformat() if isinstance(day, dt.date) else day
    year, month, mday = [*text.split("-"), "00", "00"][:3]
    return int(year + month + mday)


def _summarise(profiles: Sequence[Mapping[str, Any]], weights: Sequence[int]) -> _Summary:
    """Legend counts and timeline range of places, ``weights[i]`` of them like ``profiles[i]``."""
    kinds: Counter[str] = Counter()
    regions: Counter[str | None] = Counter()
    statuses: Counter[str] = Counter()
    years: set[int] = set()
    unknown = shared = 0
    for profile, weight in zip(profiles, weights, strict=True):
        kinds[profile["kind"]] += weight
        regions[profile["region"]] += weight
        for code in profile.get("also", ()):
            regions[code] += weight
        shared += weight if profile.get("also") else 0
        statuses[profile["status"]] += weight
        life: list[list[Any]] = profile["life"] or []
        own = profile["status"]
        if any((piece[2] if len(piece) > 2 else own) == UNKNOWN for piece in life):
            unknown += weight
        years.update(day // 10000 for piece in life for day in piece[:2] if day is not None)
    return _Summary(
        kinds,
        regions,
        shared,
        statuses,
        min(years, default=None),
        max(years, default=None),
        unknown,
    )


# ----------------------------------------------------------------- the compact table


def _table_lines(
    places: gpd.GeoDataFrame, lon: np.ndarray, lat: np.ndarray, view: _View
) -> tuple[list[str], _Summary]:
    """``"table": {...}``: the places as columns, in the order of their ids.

    ``n`` places; ``id`` and ``name`` encoded by :func:`_encode_strings`;
    ``coords``: ``[lat, lon]`` of each place in steps of ``1 / scale`` degree,
    each pair the step from the place before it, in the polyline algorithm;
    ``profile``: each place's index into ``profiles``, the distinct values of
    every other column (one line each, as :func:`_profile` makes them, with the
    Coordinates row left for the page to write).
    """
    n = len(places)
    ids = np.array([_text(value) or "" for value in places["id"]], dtype=str)
    order = np.argsort(ids, kind="stable")
    frame = places.drop(columns=places.geometry.name).iloc[order]
    others = [c for c in frame.columns if c not in ("id", "name")]
    inverse = np.zeros(n, dtype=np.int64)
    for column in others:  # the profile of each place, numbered in order of first appearance
        codes = _codes(frame[column]) + 1
        inverse = pd.factorize(inverse * (int(codes.max(initial=0)) + 1) + codes)[0]
    _, first = np.unique(inverse, return_index=True)
    profiles = []
    for rec in frame.iloc[first].to_dict("records"):
        profiles.append(_profile(rec, {str(k): _text(v) for k, v in rec.items()}, None, view))

    sorted_ids = ids[order].tolist()
    name_texts = _names(frame, sorted_ids, view.t.lang)
    scale = 10**PLACE_DECIMALS
    shifted = _shift_lons(lon[order], view.center_lon)
    grid = np.rint(np.column_stack(_latlon(shifted, lat[order])) * scale).astype(np.int64)
    steps = np.diff(grid, axis=0, prepend=np.zeros((1, 2), dtype=np.int64))
    coords = _polyline_chars(steps.ravel())[0].decode("ascii") if n else ""
    lines = [
        '"table":{"coords":' + _dumps(coords) + ",",
        '"id":' + _dumps(_encode_strings(sorted_ids)) + ",",
        '"n":' + str(n) + ',"name":' + _dumps(_encode_strings(name_texts)) + ",",
        '"profile":' + _dumps(inverse.tolist()) + ",",
        '"profiles":[',
        *_json_lines(profiles),
        '],"scale":' + str(scale) + "},",
    ]
    weights = np.bincount(inverse, minlength=len(profiles)).tolist()
    return lines, _summarise(profiles, weights)


def _codes(values: pd.Series) -> np.ndarray:
    """Integer codes of a column: equal values get equal codes, missing values -1."""
    try:
        codes, _ = pd.factorize(values, use_na_sentinel=True)
    except TypeError:  # unhashable values (lists, dicts): compare their display text
        codes, _ = pd.factorize(pd.Series([_text(v) for v in values], dtype=object))
    return np.asarray(codes, dtype=np.int64)


def _encode_strings(values: Sequence[str]) -> dict[str, list[Any]]:
    """Strings as ``{"dict", "index"}`` or front-coded ``{"front", "rest"}``, the shorter.

    Front coding keeps, for each string, how many UTF-16 code units (what
    JavaScript's ``slice`` counts) it shares with the string before it, and the
    rest.  A dictionary is tried when at most half the strings are distinct.

    >>> _encode_strings(["rtc-1", "rtc-2", "rtc-20"])
    {'front': [0, 4, 5], 'rest': ['rtc-1', '2', '0']}
    >>> _encode_strings(["a", "b", "a", "a"])
    {'dict': ['a', 'b'], 'index': [0, 1, 0, 0]}
    """
    shared = _shared_prefix_lens(values)
    rest = [value[k:] for value, k in zip(values, shared.tolist(), strict=True)]
    front = shared.tolist()
    for i, value in enumerate(values):
        if front[i] and not value.isascii():
            front[i] = _utf16_len(value[: front[i]])
    candidates: list[dict[str, list[Any]]] = [{"front": front, "rest": rest}]
    codes, uniques = pd.factorize(pd.Series(list(values), dtype=object))
    if 2 * len(uniques) <= len(values):
        candidates.append({"dict": list(uniques), "index": codes.tolist()})
    return min(candidates, key=lambda c: len(_dumps(c)))


def _shared_prefix_lens(values: Sequence[str], width: int = 64) -> np.ndarray:
    """How many characters each string shares with the one before it (0 for the first).

    Compared as arrays of ``width`` code points; the few pairs that agree on all
    of them are finished by bisection.
    """
    n = len(values)
    if n < 2:
        return np.zeros(n, dtype=np.int64)
    points = np.array(values, dtype=f"<U{width}").view(np.uint32).reshape(n, width)
    differ = points[1:] != points[:-1]
    first = np.where(differ.any(axis=1), differ.argmax(axis=1), width)
    lengths = np.fromiter(map(len, values), dtype=np.int64, count=n)
    shared = np.minimum(first, np.minimum(lengths[1:], lengths[:-1]))
    for i in np.flatnonzero(shared == width).tolist():
        a, b = values[i], values[i + 1]
        low, high = width, min(len(a), len(b))
        while low < high:
            mid = (low + high + 1) // 2
            low, high = (mid, high) if a[:mid] == b[:mid] else (low, mid - 1)
        shared[i] = low
    return np.concatenate((np.zeros(1, dtype=np.int64), shared))


def _utf16_len(text: str) -> int:
    return len(text) if text.isascii() else len(text.encode("utf-16-le", "surrogatepass")) // 2


_SCRIPT_UNSAFE = re.compile("[<>&\u2028\u2029\ud800-\udfff]")


def _dumps(value: Any) -> str:
    """JSON safe inside ``<script>``: ``<``, ``>``, ``&``, U+2028/9, lone surrogates escaped."""
    return _script_safe(_ENCODER.encode(value))


#: :func:`_dumps`'s encoder, made once (``json.dumps`` with options makes one per call).
_ENCODER = json.JSONEncoder(
    ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
)


def _script_safe(text: str) -> str:
    """JSON text with the characters unsafe inside ``<script>`` escaped (see :func:`_dumps`)."""
    return _SCRIPT_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
