"""The towns a page writes on its basemap, each with the zoom from which it shows.

Two sets of GeoNames towns (:mod:`geo.towns`) make the layer:

- the world's cities of at least :data:`WORLD_MIN_POPULATION` people, for
  the world and region views (zooms :data:`FIRST_ZOOM` to :data:`WORLD_LAST_ZOOM`);
- every town within :data:`NEAR_KM` of one of the page's places, on both
  sides of any border, for the views of a place (zooms above
  :data:`WORLD_LAST_ZOOM` up to :data:`LAST_ZOOM`).

They are thinned by population, zoom by zoom (:func:`thin`): a town shows
from the first zoom at which no bigger town shown lies within
:data:`SPACING_PX` pixels of it, and stays from then on.  The page still
keeps names off each other and off the places' markers when it draws them
(``labels.js``).  A town's name is CLDR's name of the city in the page's
language where CLDR has one (Bakou, Moscou, Bruxelles: its exemplar city of
a time zone, :func:`geo.i18n.city_name`), else GeoNames' own.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from geo import cache
from geo.i18n import city_name
from geo.render.basemap import _mercator_px
from geo.render.view import _latlon, _shift_lon
from geo.towns import Towns, source_version

__all__ = [
    "FIRST_ZOOM",
    "LAST_ZOOM",
    "NEAR_KM",
    "SPACING_PX",
    "WORLD_LAST_ZOOM",
    "WORLD_MIN_POPULATION",
    "thin",
]

#: The world's cities of at least this many people are candidates for every view.
WORLD_MIN_POPULATION = 50_000
#: The first zoom at which towns show.
FIRST_ZOOM = 3
#: The world's cities compete for room up to this zoom; above it, only the places' towns.
WORLD_LAST_ZOOM = 6
#: The deepest zoom the layer is thinned for (a border crossing's view).
LAST_ZOOM = 12
#: Towns this close to a place (km, great circle) are written around it.
NEAR_KM = 30.0
#: Two towns shown at a zoom are at least this far apart (pixels at that zoom, Web Mercator).
SPACING_PX = 56.0
#: Coordinates of a town on the page: 3 decimals (about 1.5 px at zoom 12).
_DECIMALS = 3
_EARTH_KM = 6371.0088


def thin(
    x: np.ndarray,
    y: np.ndarray,
    first: np.ndarray,
    last: np.ndarray,
    *,
    seeds: Sequence[int] = (),
    seed_zoom: np.ndarray | None = None,
    zooms: range = range(FIRST_ZOOM, LAST_ZOOM + 1),
    spacing_px: float = SPACING_PX,
) -> np.ndarray:
    """The zoom from which each point shows, or -1: greedy thinning, zoom by zoom.

    Points are in priority order (the first is kept first); ``x``, ``y`` are
    Web Mercator pixels at zoom 0 (a 256-pixel world).  At each zoom of
    ``zooms``, the points shown at the zoom before stay, then each point in
    order whose zooms ``first[i] <= zoom <= last[i]`` include this one is
    shown when no shown point lies within ``spacing_px`` pixels of it.  A
    point shown stays shown at deeper zooms, so at every zoom the shown points
    are at least ``spacing_px`` apart (pixels double from one zoom to the next).
    ``seeds`` (indices) show from ``seed_zoom[i]`` whatever their neighbours
    (points already thinned at shallower zooms).

    >>> thin(np.array([0.0, 0.1, 5.0]), np.zeros(3), np.zeros(3), np.full(3, 9),
    ...      zooms=range(0, 10), spacing_px=56.0).tolist()
    [0, 9, 4]
    """
    n = len(x)
    shown = np.full(n, -1, dtype=np.int64)
    seeded = list(seeds)
    if seed_zoom is not None:
        for i in seeded:
            shown[i] = int(seed_zoom[i])
    for zoom in zooms:
        scale = 2.0**zoom
        cell = spacing_px
        grid: dict[tuple[int, int], list[int]] = {}
        px, py = x * scale, y * scale
        kept = np.flatnonzero((shown >= 0) & (shown <= zoom)).tolist()
        for i in kept:
            grid.setdefault((int(px[i] // cell), int(py[i] // cell)), []).append(i)
        eligible = np.flatnonzero((first <= zoom) & (last >= zoom) & (shown < 0)).tolist()
        limit = spacing_px * spacing_px
        for i in eligible:
            gx, gy = int(px[i] // cell), int(py[i] // cell)
            xi, yi = px[i], py[i]
            near = False
            for dx in (-1, 0, 1):
                for dy in (-1, 0, 1):
                    for j in grid.get((gx + dx, gy + dy), ()):
                        if (px[j] - xi) ** 2 + (py[j] - yi) ** 2 < limit:
                            near = True
                            break
                    if near:
                        break
                if near:
                    break
            if not near:
                shown[i] = zoom
                grid.setdefault((gx, gy), []).append(i)
    return shown


def _world_zooms(table: Towns) -> tuple[np.ndarray, np.ndarray]:
    """The world's cities shown at zooms up to :data:`WORLD_LAST_ZOOM`: (indices, zooms).

    They depend on the table alone: computed once per process and kept in
    :mod:`geo.cache` with the table's version.
    """

    def compute() -> tuple[np.ndarray, np.ndarray]:
        key = cache.entry_key("towns-world", source_version(), WORLD_MIN_POPULATION)
        found = cache.load("towns-world", key)
        if found is not None:
            try:
                return found["index"], found["zoom"]
            except KeyError:
                pass
        big = np.flatnonzero(table.population >= WORLD_MIN_POPULATION)
        px = _mercator_px(np.column_stack([table.lon[big], table.lat[big]]))
        shown = thin(
            px[:, 0],
            px[:, 1],
            np.full(len(big), FIRST_ZOOM),
            np.full(len(big), WORLD_LAST_ZOOM),
            zooms=range(FIRST_ZOOM, WORLD_LAST_ZOOM + 1),
        )
        keep = shown >= 0
        index, zoom = big[keep].astype(np.int64), shown[keep].astype(np.int64)
        cache.store("towns-world", key, {"index": index, "zoom": zoom}, keep=2)
        return index, zoom

    return cache.remembered("towns-world", source_version(), compute, keep=1)


def _near(table: Towns, lon: np.ndarray, lat: np.ndarray, radius_km: float) -> np.ndarray:
    """Indices (sorted) of the towns within ``radius_km`` of any point (EPSG:4326 degrees)."""
    if not len(lon):
        return np.zeros(0, dtype=np.int64)
    from scipy.spatial import cKDTree

    def unit(lo: np.ndarray, la: np.ndarray) -> np.ndarray:
        lo, la = np.radians(lo), np.radians(la)
        return np.column_stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)])

    tree = cache.remembered(
        "towns-tree",
        source_version(),
        lambda: cKDTree(unit(table.lon, table.lat)),
        keep=1,
    )
    chord = 2.0 * math.sin(radius_km / _EARTH_KM / 2.0)
    found: set[int] = set()
    for hits in tree.query_ball_point(unit(lon, lat), chord):
        found.update(hits)
    return np.array(sorted(found), dtype=np.int64)


def town_rows(
    table: Towns, place_lon: np.ndarray, place_lat: np.ndarray, center_lon: float, lang: str
) -> list[list[Any]]:
    """The page's towns: ``[lat, lon, name, zoom]`` rows, in the order the page places them.

    ``place_lon``/``place_lat`` are the page's places (EPSG:4326 degrees);
    ``center_lon`` the page's world centre (longitudes are moved by 360
    degrees into it); ``lang`` the page's language.  ``zoom`` is the first
    zoom at which the town shows.  Rows are sorted by that zoom, then by
    population (largest first), then GeoNames id.
    """
    ok = np.isfinite(place_lon) & np.isfinite(place_lat)
    world, world_zoom = _world_zooms(table)
    near = _near(table, place_lon[ok], place_lat[ok], NEAR_KM)
    candidates = np.union1d(world, near)  # sorted: the table's order (population first)
    position = {int(k): i for i, k in enumerate(candidates.tolist())}
    px = _mercator_px(np.column_stack([table.lon[candidates], table.lat[candidates]]))
    n = len(candidates)
    first = np.full(n, 99, dtype=np.int64)
    last = np.full(n, -1, dtype=np.int64)
    near_at = np.array([position[int(k)] for k in near.tolist()], dtype=np.int64)
    first[near_at] = WORLD_LAST_ZOOM + 1
    last[near_at] = LAST_ZOOM
    seed_zoom = np.full(n, -1, dtype=np.int64)
    seeds = [position[int(k)] for k in world.tolist()]
    seed_zoom[seeds] = world_zoom
    shown = thin(
        px[:, 0],
        px[:, 1],
        first,
        last,
        seeds=seeds,
        seed_zoom=seed_zoom,
        zooms=range(WORLD_LAST_ZOOM + 1, LAST_ZOOM + 1),
    )
    chosen = np.flatnonzero(shown >= 0)
    chosen = chosen[np.lexsort((chosen, shown[chosen]))]
    rows: list[list[Any]] = []
    for i in chosen.tolist():
        k = int(candidates[i])
        name = table.name(k)
        lon = _shift_lon(float(table.lon[k]), center_lon)
        lat_lon = _latlon(round(lon, _DECIMALS), round(float(table.lat[k]), _DECIMALS))
        rows.append([*lat_lon, city_name(table.zone_of(k), name, lang), int(shown[i])])
    return rows
