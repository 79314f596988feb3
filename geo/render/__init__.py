"""Render places and the offline basemap as one self-contained, safe, reproducible HTML map.

The page is a :class:`folium.Map` whose every asset is inlined (Leaflet and
Leaflet.markercluster from the installed XStatic packages, plus the atlas's
own script and styles from ``geo/assets``), so it works opened from disk with
no network at all.  All data reach the page as one JSON document inside
``<script type="application/json">``, with ``<``, ``>``, ``&``, U+2028 and
U+2029 escaped, and the page's script builds popups, tooltips, the legend and
the list view with DOM text APIs, never with ``innerHTML``.  Element ids are
derived from the tree's order, keys are sorted, coordinates rounded and no
time is recorded, so the same data give byte-identical HTML.

Each place carries its life (from :func:`geo.history.segments`) for the page's
timeline, which shows the network at the end of a chosen year.  Small maps carry
one JSON line per place; large ones (above :data:`COMPACT_THRESHOLD` places) one
columnar table, about 35 bytes per place, whose popups the page builds when they
open; above :data:`GRID_THRESHOLD` places the page groups them on a screen grid
and draws only what is in view.

Coordinates are EPSG:4326 degrees, ``(lon, lat)`` everywhere in Python;
:func:`_latlon` is the one place that turns them into Leaflet's ``[lat, lon]``.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import html
import json
import math
import os
import re
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeGuard
from urllib.parse import urlsplit

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import Element, Figure, MacroElement
from jinja2 import Template

from geo.assets import load_assets
from geo.errors import RenderError, UsageError
from geo.fileio import atomic_write_text
from geo.history import parse_as_of, segments
from geo.render.basemap import BASEMAP_GRID_DEG, _country_rows, _polyline_chars
from geo.render.style import (
    DEFAULT_SYMBOL,
    KIND_SYMBOLS,
    REGION_COLORS,
    Symbol,
)
from geo.render.text import (
    PLACE_DECIMALS,
    _coordinates_text,
    _is_web_url,
    _kind_legend,
    _region_legend,
    _rows,
    _status_legend,
    _text,
)
from geo.render.view import (
    _center_lon,
    _latlon,
    _shift_lon,
    _shift_lons,
    _view_bounds,
    compact_bounds,
)
from geo.schema import REGIONS

__all__ = [
    "BASEMAP_GRID_DEG",
    "COMPACT_THRESHOLD",
    "DEFAULT_SYMBOL",
    "GRID_THRESHOLD",
    "KIND_SYMBOLS",
    "PLACE_DECIMALS",
    "REGION_COLORS",
    "Symbol",
    "compact_bounds",
    "render_map",
    "to_html",
    "write_map",
]


#: Above this many places, a map's places travel as one columnar table, not one line each.
COMPACT_THRESHOLD = 500
#: Above this many places, the page groups them on a screen grid, not with Leaflet.markercluster.
GRID_THRESHOLD = 2000

_REQUIRED_PLACE_COLUMNS = ("id", "kind", "name", "status", "source")
_REQUIRED_COUNTRY_COLUMNS = ("iso3", "name", "region", "member")

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


# --------------------------------------------------------------------------- public API


def render_map(
    places: gpd.GeoDataFrame,
    countries: gpd.GeoDataFrame,
    *,
    title: str,
    links: Sequence[tuple[str, str]] = (),
    focus_region: str | None = None,
    compact: bool | None = None,
    as_of: str | dt.date | None = None,
) -> folium.Map:
    """Build the interactive map of ``places`` over an offline basemap of ``countries``.

    Parameters
    ----------
    places : geopandas.GeoDataFrame
        One row per place, Point geometry in EPSG:4326 (a frame without a CRS is
        taken as EPSG:4326, another CRS is reprojected).  Columns ``id`` (unique),
        ``kind``, ``name``, ``status`` and ``source`` are required; ``region``,
        ``country``, ``iso3``, ``member`` and any other data columns are shown when
        present.  May have zero rows.  The frame is not modified.
    countries : geopandas.GeoDataFrame
        The basemap: (Multi)Polygons in EPSG:4326 with ``iso3``, ``name``,
        ``region`` (WCO region code or None) and ``member`` (bool).
    title : str
        Page title and heading (plain text; it is escaped).
    links : sequence of (str, str)
        ``(label, href)`` navigation links shown in the page header, e.g.
        ``("Europe", "regions/eur.html")``.  ``href`` must be relative or http(s).
    focus_region : str or None
        A code of :data:`geo.schema.REGIONS`: the view fits that region's places
        and member countries, and the region is emphasised.
    compact : bool or None
        How the places travel in the page.  ``False``: one JSON line per place,
        popup rows included (a data edit changes one line of the page).  ``True``:
        one columnar table (ids and names front-coded or dictionary-coded,
        coordinates as polyline-encoded integer steps of 1e-5 degree, every
        other column folded into a dictionary of distinct "profiles"), and the
        about 35 bytes per place when places share their attributes.  ``None``
        (default): compact above :data:`COMPACT_THRESHOLD` places.  Above
        :data:`GRID_THRESHOLD` places, either way, the page groups the places on
        a screen grid (drawing only what is in view) instead of with
        Leaflet.markercluster, which builds a marker per place.
    as_of : str, datetime.date or None
        The day the data stand at (an atlas from ``geo.load(as_of=...)``): the
        timeline ends that year and ignores later changes.  ``None``: the
        timeline runs to the current year of the reader's clock.

    Returns
    -------
    folium.Map
        The map; turn it into a page with :func:`to_html`.

    Raises
    ------
    UsageError
        When a required column is missing, ids repeat, a geometry is not a
        point, ``focus_region`` is unknown or a link is not relative or http(s).

    Notes
    -----
    When the places (or the focused region) lie across the antimeridian (Fiji and
    Samoa), longitudes are shifted by 360 degrees so that the view is compact;
    popups always show the original coordinates.

    The timeline reads each place's ``opened``, ``closed``, ``history`` and
    ``seats`` (see :func:`geo.history.segments`).  A year on the timeline means
    the **end** of that year (31 December): a place opened on 17 October 2011
    shows from 2011 on, and an office that moved in 2017 shows at its new seat
    from 2017.  Places with no known opening date show in every year, and the
    timeline says how many there are.
    """
    _check_columns(places, _REQUIRED_PLACE_COLUMNS, "places")
    _check_columns(countries, _REQUIRED_COUNTRY_COLUMNS, "countries")
    if focus_region is not None and focus_region not in REGIONS:
        msg = (
            f"Got focus_region={focus_region!r}; `focus_region` must be one of "
            f"{sorted(REGIONS)} or None"
        )
        raise UsageError(msg)
    nav = _check_links(links)
    day = parse_as_of(as_of)
    places = _to_wgs84(places)
    countries = _to_wgs84(countries)
    lon, lat = _place_coordinates(places)

    bounds = _view_bounds(places, lon, lat, countries, focus_region)
    center_lon = _center_lon(bounds)
    if compact is None:
        compact = len(places) > COMPACT_THRESHOLD
    view = _View(bounds, center_lon, focus_region, day)
    payload = _payload(places, lon, lat, countries, view, compact=bool(compact))

    m = _AtlasMap(bounds)
    figure = _AtlasFigure(title=str(title), links=nav)
    figure.add_child(m)
    _AtlasApp(payload).add_to(m)
    return m


def to_html(m: folium.Map) -> str:
    """Render a map made by :func:`render_map` as one complete, self-contained page.

    The same map gives the same string, byte for byte: element ids are replaced
    by ids derived from the element tree's order.  A Content-Security-Policy
    allows exactly the inline scripts and styles of the page (by hash), images
    from ``data:`` URIs and the optional online tile servers.

    Parameters
    ----------
    m : folium.Map
        A map returned by :func:`render_map` (elements may have been added to it).

    Returns
    -------
    str
        The HTML page.

    Raises
    ------
    UsageError
        When ``m`` was not made by :func:`render_map`.
    RenderError
        When an element added to the map would load a script or style sheet
        from the network.
    """
    root = m.get_root()
    if not isinstance(m, _AtlasMap) or not isinstance(root, _AtlasFigure):
        msg = f"Got {type(m).__name__}; `to_html` needs a map made by geo.render.render_map"
        raise UsageError(msg)
    _stabilise_ids(root)
    page = root.render()
    _check_self_contained(page)
    return page.replace(_CSP_SLOT, _csp_meta(page), 1)


def write_map(m: folium.Map, path: str | os.PathLike[str]) -> None:
    """Write the page of ``m`` to ``path`` atomically (UTF-8, ``\\n`` line ends).

    Parameters
    ----------
    m : folium.Map
        A map returned by :func:`render_map`.
    path : str or path-like
        Destination file (its folder is created).  An existing file is replaced
        only once the new one is complete.
    """
    atomic_write_text(Path(path), to_html(m))


# --------------------------------------------------------------------------- checks


def _check_columns(frame: gpd.GeoDataFrame, required: Sequence[str], name: str) -> None:
    if not isinstance(frame, gpd.GeoDataFrame):
        msg = f"Got {type(frame).__name__}; `{name}` must be a geopandas.GeoDataFrame"
        raise UsageError(msg)
    missing = [c for c in required if c not in frame.columns]
    if missing:
        msg = (
            f"Got columns {sorted(map(str, frame.columns))}; `{name}` must have columns "
            f"{list(required)} (missing {missing})"
        )
        raise UsageError(msg)


def _check_links(links: Sequence[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    checked = []
    for label, href in links:
        scheme = urlsplit(str(href)).scheme.lower()
        if scheme not in {"", "http", "https"}:
            msg = f"Got link href={href!r}; a link must be a relative path or an http(s) URL"
            raise UsageError(msg)
        checked.append((str(label), str(href)))
    return tuple(checked)


def _to_wgs84(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    if frame.crs is None or frame.crs.to_epsg() == 4326:
        return frame
    return frame.to_crs(4326)


def _place_coordinates(places: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Check ids and geometries; return longitudes and latitudes (EPSG:4326)."""
    problems = []
    ids = places["id"].astype(str)
    repeated = sorted(ids[ids.duplicated()].unique())
    if repeated:
        problems.append(f"ids repeat: {repeated}")
    geoms = places.geometry.values
    bad = ~(shapely.get_type_id(geoms) == 0) | shapely.is_empty(geoms)
    if bad.any():
        problems.append(f"geometry is not a non-empty Point for ids {sorted(ids[bad])}")
    if problems:
        msg = "Got bad `places`: " + "; ".join(problems) + " (expected one Point per unique id)"
        raise UsageError(msg)
    lon = shapely.get_x(geoms) if len(geoms) else np.empty(0)
    lat = shapely.get_y(geoms) if len(geoms) else np.empty(0)
    if len(lon) and not (np.isfinite(lon).all() and np.isfinite(lat).all()):
        msg = "Got non-finite place coordinates; expected EPSG:4326 degrees"
        raise UsageError(msg)
    return np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)


# --------------------------------------------------------------------------- payload


@dataclass(frozen=True)
class _View:
    """What the data document needs to know about its page."""

    bounds: tuple[float, float, float, float]  # (min_lon, min_lat, max_lon, max_lat)
    center_lon: float  # the page's world is [center_lon - 180, center_lon + 180)
    focus_region: str | None
    as_of: dt.date | None  # the day the data stand at; the timeline stops there


@dataclass(frozen=True)
class _Summary:
    """Counts for the legend and the timeline's range."""

    kinds: Counter[str]
    regions: Counter[str | None]
    statuses: Counter[str]
    first_year: int | None  # earliest year of any date in the places' lives
    last_year: int | None  # latest such year
    unknown: int  # places with no known opening date (shown in every year)


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
    (``places``) or a columnar ``table`` (see :func:`_table_lines`), then one
    line per basemap country.
    """
    if compact:
        body, summary = _table_lines(places, lon, lat, view)
    else:
        body, summary = _place_lines(places, lon, lat, view)
    country_rows = _country_rows(countries, view.center_lon)
    bounds = view.bounds
    head = {
        "bounds": [_latlon(bounds[0], bounds[1]), _latlon(bounds[2], bounds[3])],
        "focus": view.focus_region,
        "grid": sum(summary.kinds.values()) > GRID_THRESHOLD,
        "kinds": _kind_legend(summary.kinds),
        "regions": _region_legend(summary.regions, country_rows),
        "statuses": _status_legend(summary.statuses),
        "timeline": {
            "asOf": _day_number(view.as_of),
            "first": summary.first_year,
            "last": view.as_of.year if view.as_of else summary.last_year,
            "unknown": summary.unknown,
        },
        "version": 1,
    }
    lines = [_dumps(head)[:-1] + ",", *body, '"countries":[', *_json_lines(country_rows), "]}"]
    return "\n".join(lines)


def _json_lines(items: Sequence[Any]) -> list[str]:
    """One JSON value per line, comma-separated: the body of an array."""
    lines = [_dumps(item) + "," for item in items]
    if lines:
        lines[-1] = lines[-1][:-1]
    return lines


def _place_lines(
    places: gpd.GeoDataFrame, lon: np.ndarray, lat: np.ndarray, view: _View
) -> tuple[list[str], _Summary]:
    """``"places": [...]``: one line per place, sorted by id."""
    records = places.drop(columns=places.geometry.name).to_dict("records")
    place_objs = sorted(
        (
            _place_json(rec, float(x), float(y), view)
            for rec, x, y in zip(records, lon, lat, strict=True)
        ),
        key=lambda p: p["id"],
    )
    lines = ['"places":[', *_json_lines(place_objs), "],"]
    return lines, _summarise(place_objs, [1] * len(place_objs))


def _place_json(rec: dict[str, Any], lon: float, lat: float, view: _View) -> dict[str, Any]:
    text = {str(k): _text(v) for k, v in rec.items()}
    place = _profile(rec, text, _coordinates_text(lon, lat), view)
    place["id"] = text.get("id") or ""
    place["lat"] = round(lat, PLACE_DECIMALS)
    place["lon"] = round(_shift_lon(lon, view.center_lon), PLACE_DECIMALS)
    place["name"] = _name(rec.get("name"), text.get("name"), place["id"])
    return place


def _name(value: Any, text: str | None, place_id: str) -> str:
    """A place's name: the name as it is when it is a string, else its text, else the id."""
    return value if isinstance(value, str) else (text or place_id)


def _profile(
    rec: Mapping[str, Any], text: Mapping[str, str | None], coordinates: str | None, view: _View
) -> dict[str, Any]:
    """What a place shows besides its id, name and position.

    ``coordinates`` is the text of the Coordinates popup row; ``None`` leaves the
    row's value ``null``, for the page to write from the place's position.
    """
    kind = text.get("kind") or ""
    status = text.get("status") or ""
    source = text.get("source")
    return {
        "country": text.get("country") or text.get("iso3"),
        "href": source if source and _is_web_url(source) else None,
        "kind": kind,
        "life": _life(rec, status, view),
        "region": text.get("region"),
        "rows": _rows(text, coordinates),
        "source": source,
        "status": status,
        "terms": " ".join(t for c in _SEARCH_COLUMNS if (t := text.get(c))),
    }


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
        pieces = segments(props, math.nan, math.nan)
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


def _is_list(value: Any) -> TypeGuard[list[Any] | tuple[Any, ...]]:
    return isinstance(value, list | tuple)


def _clip_pieces(pieces: list[dict[str, Any]], day: dt.date) -> list[dict[str, Any]]:
    """The pieces as known on ``day``: later ones dropped, the last one left open."""
    kept = [p for p in pieces if p["from"] is None or dt.date.fromisoformat(p["from"]) <= day]
    if kept and kept[-1]["to"] is not None and dt.date.fromisoformat(kept[-1]["to"]) > day:
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


def _day_number(day: str | dt.date | None) -> int | None:
    """``YYYY-MM-DD`` (or a date) as the integer ``YYYYMMDD``; None stays None.

    >>> _day_number("2011-10-17")
    20111017
    """
    if day is None:
        return None
    text = day.isoformat() if isinstance(day, dt.date) else day
    return int(text.replace("-", ""))


def _summarise(profiles: Sequence[Mapping[str, Any]], weights: Sequence[int]) -> _Summary:
    """Legend counts and timeline range of places, ``weights[i]`` of them like ``profiles[i]``."""
    kinds: Counter[str] = Counter()
    regions: Counter[str | None] = Counter()
    statuses: Counter[str] = Counter()
    years: set[int] = set()
    unknown = 0
    for profile, weight in zip(profiles, weights, strict=True):
        kinds[profile["kind"]] += weight
        regions[profile["region"]] += weight
        statuses[profile["status"]] += weight
        life: list[list[Any]] = profile["life"] or []
        if profile["life"] is None or (life and (not life[0] or life[0][0] is None)):
            unknown += weight
        years.update(day // 10000 for piece in life for day in piece[:2] if day is not None)
    return _Summary(
        kinds, regions, statuses, min(years, default=None), max(years, default=None), unknown
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
    names = frame["name"].tolist()
    name_texts = [
        _name(value, None if isinstance(value, str) else _text(value), place_id)
        for value, place_id in zip(names, sorted_ids, strict=True)
    ]
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
    text = json.dumps(
        value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
    )
    return _SCRIPT_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


# --------------------------------------------------------------------------- page


_CSP_SLOT = "<!--geo:csp-->"
_TILE_HOSTS = ("https://tile.openstreetmap.org", "https://*.basemaps.cartocdn.com")


def _html_text(text: str) -> str:
    """``text`` escaped for HTML text and attributes; lone surrogates become U+FFFD."""
    return html.escape(re.sub("[\ud800-\udfff]", "\ufffd", text), quote=True)


class _AtlasFigure(Figure):
    """The page: ``lang``, charset, CSP slot, a viewport that allows zooming, title, nav."""

    _template = Template(
        "<!DOCTYPE html>\n"
        '<html lang="en">\n'
        "<head>\n"
        '<meta charset="utf-8">\n'
        f"{_CSP_SLOT}\n"
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        "<title>{{ this.title_html }}</title>\n"
        "{{ this.header.render(**kwargs) }}\n"
        "</head>\n"
        "<body>\n"
        '<div class="atlas-app" id="atlas-app">\n'
        '<header class="atlas-bar">\n'
        "<h1>{{ this.title_html }}</h1>\n"
        "{% if this.links_html %}"
        '<nav class="atlas-nav" aria-label="Maps">\n'
        "{% for href, label in this.links_html %}"
        '<a href="{{ href }}">{{ label }}</a>\n'
        "{% endfor %}"
        "</nav>\n"
        "{% endif %}"
        '<button type="button" class="atlas-list-toggle" id="atlas-list-toggle" '
        'aria-controls="atlas-list" aria-expanded="false">List of places</button>\n'
        "</header>\n"
        '<main class="atlas-main" id="atlas-main">\n'
        "{{ this.html.render(**kwargs) }}\n"
        "</main>\n"
        "</div>\n"
        "<script>\n"
        "{{ this.script.render(**kwargs) }}\n"
        "</script>\n"
        "</body>\n"
        "</html>\n"
    )

    def __init__(self, *, title: str, links: Sequence[tuple[str, str]]) -> None:
        super().__init__(title=title)
        self._name = "Figure"
        self.header._children.clear()
        self.title_html = _html_text(title)
        self.links_html = [(_html_text(href), _html_text(label)) for label, href in links]


class _Raw(Element):
    """Text put into the page as it is.

    branca wraps each rendered macro in ``Element(text)``, which compiles the
    text as a Jinja template again: data or library code containing ``{{``,
    ``{%`` or ``{#`` would be evaluated or break the page.  This element is
    never templated.
    """

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "Raw"
        self.text = text

    def render(self, **kwargs: Any) -> str:
        return self.text


def _render_macros(element: MacroElement, kwargs: dict[str, Any]) -> None:
    """Render ``element``'s header/html/script macros into the figure, untemplated."""
    figure = element.get_root()
    module = element._template.module.__dict__
    for part in ("header", "html", "script"):
        macro = module.get(part)
        if macro is not None:
            getattr(figure, part).add_child(
                _Raw(str(macro(element, kwargs))), name=element.get_name()
            )
    for child in element._children.values():
        child.render(**kwargs)


class _AtlasMap(folium.Map):
    """A folium map with no CDN assets and no fixed viewport: the page inlines everything."""

    _template = Template(
        "{% macro html(this, kwargs) %}"
        '<div class="folium-map atlas-map" id={{ this.get_name()|tojson }}></div>\n'
        "{% endmacro %}"
        "{% macro script(this, kwargs) %}"
        "var {{ this.get_name() }} = L.map({{ this.get_name()|tojson }}, "
        "{{ this.leaflet_options|tojson }});\n"
        "{% endmacro %}"
    )

    def __init__(self, bounds: tuple[float, float, float, float]) -> None:
        west, south, east, north = bounds
        super().__init__(
            location=_latlon((west + east) / 2.0, (south + north) / 2.0),
            tiles=None,
            zoom_start=2,
        )
        # Per instance, so that nothing leaks into folium's class-level lists.
        self.default_js: list[tuple[str, str]] = []
        self.default_css: list[tuple[str, str]] = []
        self.leaflet_options = {
            "center": [round(v, 6) for v in self.location],
            "zoom": 2,
            "minZoom": 1,
            "maxZoom": 18,
            "zoomSnap": 0.25,
            "worldCopyJump": False,
            "keyboard": True,
        }

    def render(self, **kwargs: Any) -> str:
        _render_macros(self, kwargs)
        return ""


class _AtlasApp(MacroElement):
    """Inlined assets, the data document, and the call that builds the page."""

    _template = Template(
        "{% macro header(this, kwargs) %}"
        "{% for style in this.assets.styles %}<style>\n{{ style.text }}</style>\n{% endfor %}"
        "{% for script in this.assets.scripts %}<script>\n{{ script.text }}</script>\n{% endfor %}"
        "{% endmacro %}"
        "{% macro html(this, kwargs) %}"
        '<script type="application/json" id="atlas-data">\n{{ this.payload }}\n</script>\n'
        "{% endmacro %}"
        "{% macro script(this, kwargs) %}"
        "geoAtlas.init({{ this._parent.get_name() }}, document.getElementById('atlas-data'));\n"
        "{% endmacro %}"
    )

    def __init__(self, payload: str) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "AtlasApp"
        self.payload = payload
        self.assets = load_assets()

    def render(self, **kwargs: Any) -> str:
        _render_macros(self, kwargs)
        return ""


def _walk(element: Element) -> Iterator[Element]:
    yield element
    for child in element._children.values():
        yield from _walk(child)


def _stabilise_ids(root: Figure) -> None:
    """Replace folium's random element ids with ids from the tree's order."""
    for n, element in enumerate(_walk(root)):
        element._id = "atlas" if isinstance(element, _AtlasMap) else f"e{n}"


_EXTERNAL = re.compile(
    r"<script\b[^>]*\bsrc\s*=|<link\b[^>]*\bhref\s*=|@import\b|<iframe\b", re.IGNORECASE
)


def _check_self_contained(page: str) -> None:
    match = _EXTERNAL.search(page)
    if match:
        msg = (
            f"the page would load {match.group()!r} from outside the file; elements added to "
            "the map must not bring CDN assets (the page must work offline)"
        )
        raise RenderError(msg)


_INLINE = re.compile(r"<(script|style)>(.*?)</\1>", re.DOTALL)


def _csp_meta(page: str) -> str:
    """A Content-Security-Policy allowing exactly the page's inline scripts and styles."""
    hashes: dict[str, list[str]] = {"script": [], "style": []}
    for kind, body in _INLINE.findall(page):
        digest = base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode()
        token = f"'sha256-{digest}'"
        if token not in hashes[kind]:
            hashes[kind].append(token)
    policy = "; ".join(
        [
            "default-src 'none'",
            "script-src " + " ".join(hashes["script"]),
            "style-src " + " ".join(hashes["style"]),
            "img-src data: " + " ".join(_TILE_HOSTS),
            "base-uri 'none'",
            "form-action 'none'",
        ]
    )
    return f'<meta http-equiv="Content-Security-Policy" content="{policy}">'
