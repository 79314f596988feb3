"""Where the map looks: the box it opens on, and longitudes across the antimeridian.

Boxes are ``(min_lon, min_lat, max_lon, max_lat)`` in EPSG:4326 degrees;
``max_lon`` exceeds 180 when a box crosses the antimeridian, and the page's
world is then centred on the box (see :func:`_center_lon` and :func:`_shift_lon`).
:func:`_latlon` is the one place that turns ``(lon, lat)`` into Leaflet's
``[lat, lon]``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import TypeVar

import geopandas as gpd
import numpy as np
import shapely

from geo.errors import UsageError
from geo.render.memo import kept
from geo.render.text import _truthy

__all__ = ["compact_bounds"]

_WORLD = (-180.0, -58.0, 180.0, 78.0)
_LAT_LIMITS = (-62.0, 80.0)
#: How far (degrees) from a point inside it a member country stretches a region's view.
_FOCUS_REACH_DEG = 10.0

_T = TypeVar("_T")


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


def _latlon(lon: _T, lat: _T) -> list[_T]:
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
    pairs = np.asarray(list(intervals), dtype=float).reshape(-1, 2)
    return _compact_lon_arc(pairs[:, 0], pairs[:, 1])


def _compact_lon_arc(west: np.ndarray, east: np.ndarray) -> tuple[float, float]:
    """:func:`_compact_lon_interval` of intervals given as two arrays (at least one)."""
    w = np.mod(west + 180.0, 360.0) - 180.0
    e = w + np.clip(east - west, 0.0, 360.0)
    order = np.lexsort((e, w))
    w, e = w[order], e[order]
    reach = np.maximum.accumulate(e)
    # An interval starting past every east end so far starts a new merged arc.
    starts = np.flatnonzero(np.r_[True, w[1:] > reach[:-1]])
    ends = np.r_[starts[1:] - 1, len(w) - 1]
    arc_west, arc_east = w[starts], reach[ends]
    wrap_gap = float(arc_west[0] + 360.0 - arc_east[-1])
    if wrap_gap <= 0:
        return (-180.0, 180.0)
    gaps = arc_west[1:] - arc_east[:-1]
    if not len(gaps) or wrap_gap >= float(gaps.max()):
        return (round(float(arc_west[0]), 6), round(float(arc_east[-1]), 6))
    i = int(np.argmax(gaps))
    return (round(float(arc_west[i + 1]), 6), round(float(arc_east[i]) + 360.0, 6))


def _view_bounds(
    places: gpd.GeoDataFrame,
    lon: np.ndarray,
    lat: np.ndarray,
    countries: gpd.GeoDataFrame,
    focus_region: str | None,
    extra: tuple[np.ndarray, np.ndarray] | None = None,
) -> tuple[float, float, float, float]:
    """The box the map opens on: ``(min_lon, min_lat, max_lon, max_lat)``.

    ``extra`` holds more points (longitudes, latitudes) the box must hold: a
    query's point and circle.
    """
    keep = np.ones(len(places), dtype=bool)
    boxes: list[tuple[float, float, float, float]] = []
    if focus_region is not None:
        keep = np.zeros(len(places), dtype=bool)
        for column in ("region", "side_a_region", "side_b_region"):
            if column in places.columns:
                keep |= (places[column] == focus_region).to_numpy(dtype=bool, na_value=False)
        if not keep.any():
            keep[:] = True
        boxes = _member_boxes(countries, focus_region)
    box = np.asarray(boxes, dtype=float).reshape(-1, 4)
    west, south = np.r_[box[:, 0], lon[keep]], np.r_[box[:, 1], lat[keep]]
    east, north = np.r_[box[:, 2], lon[keep]], np.r_[box[:, 3], lat[keep]]
    if extra is not None:
        west, south = np.r_[west, extra[0]], np.r_[south, extra[1]]
        east, north = np.r_[east, extra[0]], np.r_[north, extra[1]]
    if not len(west):
        return _WORLD
    arc_west, arc_east = _compact_lon_arc(west, east)
    low = max(float(south.min()), _LAT_LIMITS[0])
    high = min(float(north.max()), _LAT_LIMITS[1])
    return (arc_west, round(low, 6), arc_east, round(max(high, low), 6))


def _member_boxes(
    countries: gpd.GeoDataFrame, region: str
) -> list[tuple[float, float, float, float]]:
    """The box of each member country of ``region``, by iso3: what a region's view fits.

    A country's box is its largest polygon, near its centre.  The basemap has
    one row per territory (France and Clipperton Island are both ``FRA``): the
    largest of their largest polygons counts.  Far islands are so left out, and
    a huge country counts only within :data:`_FOCUS_REACH_DEG` of a point inside
    it, so that Russia does not stretch the Europe map to the Bering Strait.
    """
    geoms = np.asarray(countries.geometry.values, dtype=object)
    table = _main_parts(geoms)
    members = (_truthy(countries["member"]) & (countries["region"] == region)).to_numpy(bool)
    iso3 = countries["iso3"].to_numpy(dtype=object)
    rows_of: dict[str, list[int]] = {}  # each member's rows, in order
    for i in np.flatnonzero(members).tolist():
        if isinstance(iso3[i], str):
            rows_of.setdefault(iso3[i], []).append(i)
    listed = table.tolist()
    boxes = []
    for code in sorted(rows_of):
        # the row of the largest area (the first of equals, as np.nanargmax); NaN: none
        rows = [listed[i] for i in rows_of[code] if not math.isnan(listed[i][0])]
        if not rows:
            continue
        _, x0, y0, x1, y1, x, y = max(rows, key=lambda row: row[0])
        reach = _FOCUS_REACH_DEG
        boxes.append(
            (max(x0, x - reach), max(y0, y - reach), min(x1, x + reach), min(y1, y + reach))
        )
    return boxes


def _main_parts(geoms: np.ndarray) -> np.ndarray:
    """Each row's largest polygon: ``[area, x0, y0, x1, y1, x, y]`` (NaN for a row of none).

    ``(x, y)`` is a point inside it (:func:`shapely.point_on_surface`).  Found
    once per layer and process, and kept in :mod:`geo.cache`.
    """
    return kept(
        "main_parts",
        geoms,
        lambda: _main_parts_of(geoms),
        arrays=lambda table: {"table": table},
        restore=lambda found: _fitting_table(found["table"], len(geoms)),
        code=__name__,
    )


def _main_parts_of(geoms: np.ndarray) -> np.ndarray:
    table = np.full((len(geoms), 7), np.nan)
    for i, geom in enumerate(geoms):
        box = _main_part(np.asarray([geom], dtype=object))
        if box is not None:
            table[i] = box
    return table


def _fitting_table(table: np.ndarray, rows: int) -> np.ndarray:
    """A kept table of :func:`_main_parts`, checked; ``ValueError`` when it does not fit."""
    if table.shape != (rows, 7) or table.dtype != float:
        raise ValueError(f"a table of shape {table.shape} and type {table.dtype}")
    return table


def _main_part(geoms: np.ndarray) -> tuple[float, ...] | None:
    """The largest polygon of ``geoms`` as a row of :func:`_main_parts`."""
    parts = shapely.get_parts(geoms[~shapely.is_missing(geoms)])
    parts = parts[~shapely.is_empty(parts)]
    if not len(parts):
        return None
    areas = shapely.area(parts)
    k = int(np.argmax(areas))
    main = parts[k]
    inside = shapely.point_on_surface(main)
    x, y = float(shapely.get_x(inside)), float(shapely.get_y(inside))
    return (float(areas[k]), *(float(v) for v in shapely.bounds(main)), x, y)


def _center_lon(bounds: tuple[float, float, float, float]) -> float:
    """Longitude the page's world is centred on: 0 unless the view crosses 180."""
    west, _, east, _ = bounds
    return round((west + east) / 2.0, 6) if east > 180.0 else 0.0


def _shift_lon(lon: float, center_lon: float) -> float:
    """``lon`` moved by a multiple of 360 into ``[center_lon - 180, center_lon + 180)``."""
    if center_lon == 0.0:
        return lon
    return ((lon - center_lon + 180.0) % 360.0) - 180.0 + center_lon


def _shift_lons(lon: np.ndarray, center_lon: float) -> np.ndarray:
    """:func:`_shift_lon` of an array of longitudes."""
    if center_lon == 0.0:
        return lon
    return np.mod(lon - center_lon + 180.0, 360.0) - 180.0 + center_lon
