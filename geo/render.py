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

Coordinates are EPSG:4326 degrees, ``(lon, lat)`` everywhere in Python;
:func:`_latlon` is the one place that turns them into Leaflet's ``[lat, lon]``.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import math
import os
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import Element, Figure, MacroElement
from jinja2 import Template

from geo.assets import load_assets
from geo.errors import GeoError, UsageError
from geo.fileio import atomic_write_text
from geo.schema import KIND_LABELS, REGIONS

__all__ = [
    "BASEMAP_GRID_DEG",
    "DEFAULT_SYMBOL",
    "KIND_SYMBOLS",
    "PLACE_DECIMALS",
    "REGION_COLORS",
    "RenderError",
    "Symbol",
    "compact_bounds",
    "render_map",
    "to_html",
    "write_map",
]


class RenderError(GeoError):
    """A map cannot be turned into a self-contained page."""


@dataclass(frozen=True)
class Symbol:
    """How a kind of place is drawn: a shape and a colour, never colour alone.

    Attributes
    ----------
    shape : str
        One of ``'star'``, ``'square'``, ``'triangle'``, ``'diamond'``,
        ``'circle'``, ``'pentagon'``.
    color : str
        Fill colour, ``#rrggbb``.
    size_px : int
        Width and height of the marker in CSS pixels.
    """

    shape: str
    color: str
    size_px: int


#: Symbol per kind of place; kinds not listed get :data:`DEFAULT_SYMBOL`.
KIND_SYMBOLS: Mapping[str, Symbol] = MappingProxyType(
    {
        "hq": Symbol("star", "#0b2e59", 32),
        "rocb": Symbol("square", "#c0392b", 22),
        "rtc": Symbol("triangle", "#6c3483", 22),
        "rilo": Symbol("diamond", "#0e6655", 22),
        "border_post": Symbol("circle", "#1c2833", 15),
    }
)
#: Symbol of a kind this module does not know.
DEFAULT_SYMBOL = Symbol("pentagon", "#5d6d7e", 18)

#: Fill colour per WCO region (ColorBrewer Set2: distinct, colour-blind aware).
REGION_COLORS: Mapping[str, str] = MappingProxyType(
    {
        "EUR": "#8da0cb",
        "AP": "#66c2a5",
        "AC": "#fc8d62",
        "ESA": "#e78ac3",
        "WCA": "#a6d854",
        "MENA": "#ffd92f",
    }
)
_UNKNOWN_REGION_COLOR = "#b3b3b3"

#: Decimal places kept for place coordinates (5 decimals: about 1 m).
PLACE_DECIMALS = 5
#: Basemap coordinates are stored on this grid (degrees); the display data are on it already.
BASEMAP_GRID_DEG = 0.01
_WORLD = (-180.0, -58.0, 180.0, 78.0)
_LAT_LIMITS = (-62.0, 80.0)
#: How far (degrees) from a point inside it a member country stretches a region's view.
_FOCUS_REACH_DEG = 10.0

_REQUIRED_PLACE_COLUMNS = ("id", "kind", "name", "status", "source")
_REQUIRED_COUNTRY_COLUMNS = ("iso3", "name", "region", "member")

#: Popup rows, in order: (column, label).  Other data columns follow, sorted by name.
_ROW_FIELDS: tuple[tuple[str, str], ...] = (
    ("city", "City"),
    ("host", "Host"),
    ("country", "Country"),
    ("region", "WCO region"),
    ("member", "WCO Member"),
    ("side_a", "Side A"),
    ("side_b", "Side B"),
    ("osbp", "One-stop border post"),
    ("osbp_note", "One-stop border post note"),
    ("opened", "Opened"),
    ("opened_note", "Opened note"),
    ("closed", "Closed"),
    ("closed_note", "Closed note"),
    ("seats", "Seats"),
    ("precision", "Location precision"),
    ("precision_note", "Location precision note"),
    ("coordinates", "Coordinates"),
    ("coords_source", "Coordinates source"),
    ("located_by", "Located by"),
    ("country_distance_km", "Distance to that country (km)"),
    ("notes", "Notes"),
)
#: Columns never shown as rows (shown elsewhere, or consumed by a combined row).
_HIDDEN_COLUMNS = frozenset(
    {"id", "kind", "name", "status", "source", "iso3", "geometry", "lon", "lat"}
    | {"region_name"}
    | {f"side_{s}_{f}" for s in "ab" for f in ("iso3", "name", "region", "country", "member")}
)
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
    places = _to_wgs84(places)
    countries = _to_wgs84(countries)
    lon, lat = _place_coordinates(places)

    bounds = _view_bounds(places, lon, lat, countries, focus_region)
    center_lon = _center_lon(bounds)
    payload = _payload(places, lon, lat, countries, bounds, center_lon, focus_region)

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


def compact_bounds(lon: Iterable[float], lat: Iterable[float]) -> tuple[float, float, float, float]:
    """Smallest box around points, crossing the antimeridian when that is smaller.

    Parameters
    ----------
    lon, lat : iterable of float
        Point coordinates, EPSG:4326 degrees (same length, at least one point).

    Returns
    -------
    tuple of float
        ``(min_lon, min_lat, max_lon, max_lat)`` with ``-180 <= min_lon < 180``;
        ``max_lon`` exceeds 180 when the box crosses the antimeridian.

    Examples
    --------
    Fiji and Samoa are neighbours across the antimeridian:

    >>> compact_bounds([178.44, -171.76], [-18.14, -13.83])
    (178.44, -18.14, 188.24, -13.83)
    >>> compact_bounds([4.37, 100.5], [50.85, 13.75])
    (4.37, 13.75, 100.5, 50.85)
    """
    lons = [float(x) for x in lon]
    lats = [float(y) for y in lat]
    if not lons or len(lons) != len(lats):
        msg = f"Got {len(lons)} longitudes and {len(lats)} latitudes; need the same number, >= 1"
        raise UsageError(msg)
    west, east = _compact_lon_interval((x, x) for x in lons)
    return (west, min(lats), east, max(lats))


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


# --------------------------------------------------------------------------- view


def _latlon(lon: float, lat: float) -> list[float]:
    """Turn ``(lon, lat)`` into Leaflet's ``[lat, lon]``: the only place that swaps."""
    return [lat, lon]


def _wrap180(lon: float) -> float:
    """Longitude in ``[-180, 180)``."""
    return ((lon + 180.0) % 360.0) - 180.0


def _compact_lon_interval(intervals: Iterable[tuple[float, float]]) -> tuple[float, float]:
    """Smallest arc ``(west, east)`` covering longitude intervals; ``-180 <= west < 180``.

    Each interval is ``(west, east)`` with ``east - west`` in ``[0, 360]``.  The arc
    is the circle less its largest uncovered gap; ``east`` exceeds 180 when the arc
    crosses the antimeridian.  Ties keep the arc that does not cross it.
    """
    arcs = sorted((_wrap180(w), _wrap180(w) + min(max(e - w, 0.0), 360.0)) for w, e in intervals)
    merged: list[list[float]] = []
    for w, e in arcs:
        if merged and w <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([w, e])
    wrap_gap = merged[0][0] + 360.0 - merged[-1][1]
    if wrap_gap <= 0:
        return (-180.0, 180.0)
    gaps = [merged[i + 1][0] - merged[i][1] for i in range(len(merged) - 1)]
    if not gaps or wrap_gap >= max(gaps):
        return (round(merged[0][0], 6), round(merged[-1][1], 6))
    i = gaps.index(max(gaps))
    return (round(merged[i + 1][0], 6), round(merged[i][1] + 360.0, 6))


def _view_bounds(
    places: gpd.GeoDataFrame,
    lon: np.ndarray,
    lat: np.ndarray,
    countries: gpd.GeoDataFrame,
    focus_region: str | None,
) -> tuple[float, float, float, float]:
    """The box the map opens on: ``(min_lon, min_lat, max_lon, max_lat)``."""
    keep = np.ones(len(places), dtype=bool)
    boxes: list[tuple[float, float, float, float]] = []
    if focus_region is not None:
        keep = np.zeros(len(places), dtype=bool)
        for column in ("region", "side_a_region", "side_b_region"):
            if column in places.columns:
                keep |= (places[column] == focus_region).to_numpy(dtype=bool, na_value=False)
        if not keep.any():
            keep[:] = True
        members = countries[_truthy(countries["member"]) & (countries["region"] == focus_region)]
        found = (
            _main_part_box(group.geometry.values) for _, group in members.groupby("iso3", sort=True)
        )
        boxes = [b for b in found if b is not None]
    boxes += [(x, y, x, y) for x, y in zip(lon[keep], lat[keep], strict=True)]
    if not boxes:
        return _WORLD
    west, east = _compact_lon_interval((b[0], b[2]) for b in boxes)
    south = max(min(b[1] for b in boxes), _LAT_LIMITS[0])
    north = min(max(b[3] for b in boxes), _LAT_LIMITS[1])
    return (west, round(south, 6), east, round(max(north, south), 6))


def _main_part_box(geoms: np.ndarray) -> tuple[float, float, float, float] | None:
    """Box of a country for fitting a view: its largest polygon, near its centre.

    ``geoms`` are all the basemap's geometries of one country (the basemap has
    one row per territory: France and Clipperton Island are both ``FRA``).  Far
    islands are left out (only the largest polygon counts) and a huge country
    counts only within :data:`_FOCUS_REACH_DEG` of a point inside it, so that
    Russia does not stretch the Europe map to the Bering Strait.
    """
    parts = shapely.get_parts(geoms[~shapely.is_missing(geoms)])
    parts = parts[~shapely.is_empty(parts)]
    if not len(parts):
        return None
    main = parts[int(np.argmax(shapely.area(parts)))]
    x0, y0, x1, y1 = (float(v) for v in shapely.bounds(main))
    inside = shapely.point_on_surface(main)
    x, y = float(shapely.get_x(inside)), float(shapely.get_y(inside))
    reach = _FOCUS_REACH_DEG
    return (max(x0, x - reach), max(y0, y - reach), min(x1, x + reach), min(y1, y + reach))


def _center_lon(bounds: tuple[float, float, float, float]) -> float:
    """Longitude the page's world is centred on: 0 unless the view crosses 180."""
    west, _, east, _ = bounds
    return round((west + east) / 2.0, 6) if east > 180.0 else 0.0


def _shift_lon(lon: float, center_lon: float) -> float:
    """``lon`` moved by a multiple of 360 into ``[center_lon - 180, center_lon + 180)``."""
    if center_lon == 0.0:
        return lon
    return ((lon - center_lon + 180.0) % 360.0) - 180.0 + center_lon


# --------------------------------------------------------------------------- payload


def _payload(
    places: gpd.GeoDataFrame,
    lon: np.ndarray,
    lat: np.ndarray,
    countries: gpd.GeoDataFrame,
    bounds: tuple[float, float, float, float],
    center_lon: float,
    focus_region: str | None,
) -> str:
    """The page's data as one JSON document: one line per place and per country."""
    records = places.drop(columns=places.geometry.name).to_dict("records")
    place_objs = sorted(
        (
            _place_json(rec, float(x), float(y), center_lon)
            for rec, x, y in zip(records, lon, lat, strict=True)
        ),
        key=lambda p: p["id"],
    )
    country_rows = _country_rows(countries, center_lon)
    head = {
        "bounds": [_latlon(bounds[0], bounds[1]), _latlon(bounds[2], bounds[3])],
        "focus": focus_region,
        "kinds": _kind_legend(place_objs),
        "regions": _region_legend(place_objs, country_rows),
        "statuses": _status_legend(place_objs),
        "version": 1,
    }
    lines = [_dumps(head)[:-1] + ',"places":[']
    lines += [_dumps(p) + "," for p in place_objs]
    if place_objs:
        lines[-1] = lines[-1][:-1]
    lines.append('],"countries":[')
    lines += [_dumps(c) + "," for c in country_rows]
    if country_rows:
        lines[-1] = lines[-1][:-1]
    lines.append("]}")
    return "\n".join(lines)


def _place_json(rec: dict[str, Any], lon: float, lat: float, center_lon: float) -> dict[str, Any]:
    text = {str(k): _text(v) for k, v in rec.items()}
    kind = text.get("kind") or ""
    status = text.get("status") or ""
    region = text.get("region")
    source = text.get("source")
    country = text.get("country") or text.get("iso3")
    terms = [t for c in _SEARCH_COLUMNS if (t := text.get(c))]
    name = rec.get("name")
    if not isinstance(name, str):
        name = text.get("name") or text.get("id") or ""
    return {
        "country": country,
        "href": source if source and _is_web_url(source) else None,
        "id": text.get("id") or "",
        "kind": kind,
        "lat": round(lat, PLACE_DECIMALS),
        "lon": round(_shift_lon(lon, center_lon), PLACE_DECIMALS),
        "name": name,
        "region": region,
        "rows": _rows(text, lon, lat),
        "source": source,
        "status": status,
        "terms": " ".join(terms),
    }


def _rows(text: Mapping[str, str | None], lon: float, lat: float) -> list[list[str]]:
    """Popup rows ``[label, value]``: known fields in order, then other columns by name."""
    values: dict[str, str | None] = dict(text)
    iso3 = values.get("iso3")
    if values.get("country") and iso3:
        values["country"] = f"{values['country']} ({iso3})"
    elif not values.get("country"):
        values["country"] = iso3
    values["region"] = _region_text(values.get("region"))
    values["side_a"] = _side_text(values, "a")
    values["side_b"] = _side_text(values, "b")
    values["coordinates"] = _coordinates_text(lon, lat)
    rows = [[label, values[key]] for key, label in _ROW_FIELDS if values.get(key)]
    known = {key for key, _ in _ROW_FIELDS} | _HIDDEN_COLUMNS
    rows += [
        [_label(key), value]
        for key, value in sorted(text.items())
        if key not in known and value is not None
    ]
    return [[str(label), str(value)] for label, value in rows]


def _side_text(values: Mapping[str, str | None], side: str) -> str | None:
    name = values.get(f"side_{side}_name")
    country = values.get(f"side_{side}_country")
    iso3 = values.get(f"side_{side}_iso3")
    region = _region_text(values.get(f"side_{side}_region"))
    member = "not a WCO Member" if values.get(f"side_{side}_member") == "No" else None
    where = ", ".join(x for x in (country, iso3, region, member) if x)
    if not name and not where:
        return None
    if not name:
        return where
    return f"{name} \u2014 {where}" if where else name


def _region_text(code: str | None) -> str | None:
    if not code:
        return None
    return f"{REGIONS[code]} ({code})" if code in REGIONS else code


def _coordinates_text(lon: float, lat: float) -> str:
    ns = "N" if lat >= 0 else "S"
    ew = "E" if lon >= 0 else "W"
    return f"{abs(lat):.{PLACE_DECIMALS}f}° {ns}, {abs(lon):.{PLACE_DECIMALS}f}° {ew}"


def _label(key: str) -> str:
    words = str(key).replace("_", " ").strip()
    return words[:1].upper() + words[1:] if words else "(unnamed)"


def _text(value: Any) -> str | None:
    """A data value as display text; None for missing (None, NaN, NaT, empty)."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, pd.Timestamp | np.datetime64):
        return str(pd.Timestamp(value).isoformat())
    if isinstance(value, list | tuple | dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    if isinstance(value, str):
        return value if value.strip() else None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return str(value)


def _is_web_url(url: str) -> bool:
    parts = urlsplit(url.strip())
    return parts.scheme.lower() in {"http", "https"} and bool(parts.netloc) and url == url.strip()


def _truthy(values: pd.Series) -> pd.Series:
    return values.map(lambda v: bool(v) if isinstance(v, bool | np.bool_) else v is True)


def _kind_legend(place_objs: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    counts = Counter(p["kind"] for p in place_objs)
    kinds = list(KIND_LABELS) + sorted(k for k in counts if k not in KIND_LABELS)
    out = []
    for kind in kinds:
        symbol = KIND_SYMBOLS.get(kind, DEFAULT_SYMBOL)
        out.append(
            {
                "code": kind,
                "color": symbol.color,
                "count": counts.get(kind, 0),
                "label": KIND_LABELS.get(kind) or _label(kind),
                "shape": symbol.shape,
                "size": symbol.size_px,
            }
        )
    return out


def _region_legend(
    place_objs: Sequence[Mapping[str, Any]], country_rows: Sequence[Sequence[Any]]
) -> list[dict[str, Any]]:
    counts = Counter(p["region"] for p in place_objs)
    members = Counter(region for _, region in {(row[0], row[2]) for row in country_rows if row[3]})
    codes: list[str | None] = list(REGIONS)
    codes += sorted(c for c in set(counts) | set(members) if c is not None and c not in REGIONS)
    if counts.get(None):
        codes.append(None)
    return [
        {
            "code": code,
            "color": REGION_COLORS.get(code, _UNKNOWN_REGION_COLOR) if code else None,
            "count": counts.get(code, 0),
            "members": members.get(code, 0) if code else 0,
            "name": (REGIONS.get(code) or code) if code else "Outside WCO regions",
        }
        for code in codes
    ]


def _status_legend(place_objs: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    counts = Counter(p["status"] for p in place_objs)
    order = ["operational", "under_construction", "planned", "closed"]
    order += sorted(s for s in counts if s not in order)
    return [{"code": s, "count": counts.get(s, 0), "label": _label(s)} for s in order]


def _country_rows(countries: gpd.GeoDataFrame, center_lon: float) -> list[list[Any]]:
    """Basemap rows ``[iso3, name, region, member, parts]``, sorted by iso3 and name.

    ``parts`` lists polygons, each a list of rings encoded with the polyline
    algorithm: ``[lat, lon]`` steps on a :data:`BASEMAP_GRID_DEG` grid, the
    closing point left out.  A polygon is moved by 360 degrees as a whole when
    its middle lies outside the page's world (see :func:`_shift_lon`).
    """
    geoms = countries.geometry.values
    polygons, country_of_polygon = shapely.get_parts(geoms, return_index=True)
    keep = shapely.get_type_id(polygons) == 3
    keep &= ~shapely.is_empty(polygons)
    polygons, country_of_polygon = polygons[keep], country_of_polygon[keep]
    bounds = shapely.bounds(polygons).reshape(-1, 4)
    middle = (bounds[:, 0] + bounds[:, 2]) / 2.0
    offset = np.array([_shift_lon(x, center_lon) - x for x in middle])
    rings, polygon_of_ring = shapely.get_rings(polygons, return_index=True)
    encoded = _encode_rings(rings, offset[polygon_of_ring])

    parts: dict[int, list[list[str]]] = {}
    previous = -1
    for text, poly in zip(encoded, polygon_of_ring, strict=True):
        if poly != previous:  # the first ring of a polygon is its exterior
            previous = poly
            if text:
                parts.setdefault(int(country_of_polygon[poly]), []).append([text])
            current = text
        elif text and current:
            parts[int(country_of_polygon[poly])][-1].append(text)

    member = _truthy(countries["member"]).to_numpy()
    rows = [
        [_text(iso3) or "", _text(name) or "", _text(region), bool(member[i]), parts[i]]
        for i, (iso3, name, region) in enumerate(
            zip(countries["iso3"], countries["name"], countries["region"], strict=True)
        )
        if i in parts
    ]
    rows.sort(key=lambda r: (r[0], r[1]))
    return rows


def _encode_rings(rings: np.ndarray, lon_offset: np.ndarray) -> list[str]:
    """Encode rings as polyline strings; "" for a ring of fewer than 3 grid points."""
    coords, ring = shapely.get_coordinates(rings, return_index=True)
    if not len(coords):
        return [""] * len(rings)
    lat_lon = np.column_stack(_latlon(coords[:, 0] + lon_offset[ring], coords[:, 1]))
    grid = np.rint(lat_lon / BASEMAP_GRID_DEG).astype(np.int64)
    # Drop repeated grid points and each ring's closing point.
    new_ring = np.r_[True, ring[1:] != ring[:-1]]
    keep = new_ring | (grid != np.roll(grid, 1, axis=0)).any(axis=1)
    first = np.flatnonzero(new_ring)
    first_of_own_ring = first[np.searchsorted(first, np.arange(len(grid)), side="right") - 1]
    last = np.r_[ring[1:] != ring[:-1], True]
    keep &= ~(last & ~new_ring & (grid == grid[first_of_own_ring]).all(axis=1))
    grid, ring = grid[keep], ring[keep]
    counts = np.bincount(ring, minlength=len(rings))

    new_ring = np.r_[True, ring[1:] != ring[:-1]]
    deltas = np.diff(grid, axis=0, prepend=np.zeros((1, 2), dtype=np.int64))
    deltas[new_ring] = grid[new_ring]
    chars, lengths = _polyline_chars(deltas.ravel())
    per_point = lengths.reshape(-1, 2).sum(axis=1)
    ends = np.cumsum(np.bincount(ring, weights=per_point, minlength=len(rings)).astype(np.int64))
    text = chars.decode("ascii")
    starts = np.r_[0, ends[:-1]]
    return [
        text[a:b] if n >= 3 else ""
        for a, b, n in zip(starts.tolist(), ends.tolist(), counts.tolist(), strict=True)
    ]


def _polyline_chars(values: np.ndarray) -> tuple[bytes, np.ndarray]:
    """Signed integers in the polyline algorithm (ASCII 63-126), and each one's length.

    >>> _polyline_chars(np.array([3850000, -12020000, 0]))[0]  # Google's example
    b'_p~iF~ps|U?'
    """
    zigzag = np.where(values < 0, ~(values << 1), values << 1).astype(np.int64)
    chunks = np.stack([(zigzag >> (5 * k)) & 0x1F for k in range(7)], axis=1)
    lengths = np.maximum(1, (np.floor(np.log2(np.maximum(zigzag, 1))) // 5 + 1).astype(np.int64))
    lengths[zigzag == 0] = 1
    position = np.arange(7)
    used = position < lengths[:, None]
    more = position < (lengths[:, None] - 1)
    codes = (chunks | np.where(more, 0x20, 0)) + 63
    return codes[used].astype(np.uint8).tobytes(), lengths


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
