"""The towns a page writes on its basemap, each with the zoom from which it shows.

Two sets of GeoNames towns (:mod:`geo.towns`) make the layer:

- the world's cities of at least :data:`WORLD_MIN_POPULATION` people, for
  the world and region views (zooms :data:`FIRST_ZOOM` to :data:`WORLD_LAST_ZOOM`);
- every town within :data:`NEAR_KM` of one of the page's places, on both
  sides of any border, for the views of a place (zooms above
  :data:`WORLD_LAST_ZOOM` up to :data:`LAST_ZOOM`), on pages of at most
  :data:`NEAR_PLACES_LIMIT` places.

They are thinned by population, zoom by zoom (:func:`thin`): a town shows
from the first zoom at which no bigger town shown lies within
:data:`SPACING_PX` pixels of it, and stays from then on.  The page still
keeps names off each other and off the places' markers when it draws them
(``labels.js``).  A town's name is CLDR's name of the city in the page's
language where CLDR has one (Bakou, Moscou, Bruxelles: its exemplar city of
a time zone, :func:`geo.i18n.zone_city_name`), else GeoNames' own.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from geo import cache
from geo.i18n import exemplar_city, zone_city_name
from geo.render.basemap import _mercator_px
from geo.render.view import _latlon, _shift_lons
from geo.towns import Towns, source_version, towns

__all__ = [
    "FIRST_ZOOM",
    "LAST_ZOOM",
    "NEAR_KM",
    "NEAR_PLACES_LIMIT",
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
#: A page of more places than this gets the world's cities only (a dense map of
#: thousands of points is read at the scale of regions, and choosing towns around
#: each point would cost seconds).
NEAR_PLACES_LIMIT = 500
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

    Three points on a line, 0.1 and 5 pixels apart at zoom 0: the second is
    still 51 pixels from the first at zoom 9, the third 56 pixels away at zoom 4.

    >>> thin(np.array([0.0, 0.1, 5.0]), np.zeros(3), np.zeros(3), np.full(3, 9),
    ...      zooms=range(0, 10), spacing_px=56.0).tolist()
    [0, -1, 4]
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
        key = cache.entry_key("worldtowns", source_version(), WORLD_MIN_POPULATION, code=__name__)
        found = cache.load("worldtowns", key)
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
        cache.store("worldtowns", key, {"index": index, "zoom": zoom}, keep=2)
        return index, zoom

    return cache.remembered("worldtowns", source_version(), compute, keep=1)


def _near(table: Towns, lon: np.ndarray, lat: np.ndarray, radius_km: float) -> np.ndarray:
    """Indices (sorted) of the towns within ``radius_km`` of any point (EPSG:4326 degrees).

    Great-circle distances (haversine), on the towns of each point's band of
    latitude only.
    """
    by_lat = cache.remembered(
        "towns-by-lat", source_version(), lambda: np.argsort(table.lat, kind="stable"), keep=1
    )
    sorted_lat = table.lat[by_lat]
    band = math.degrees(radius_km / _EARTH_KM)
    found: list[np.ndarray] = []
    for x, y in zip(lon.tolist(), lat.tolist(), strict=True):
        a, b = np.searchsorted(sorted_lat, [y - band, y + band])
        rows = by_lat[a:b]
        phi1, phi2 = math.radians(y), np.radians(table.lat[rows])
        dlon = np.radians(table.lon[rows] - x)
        h = np.sin((phi2 - phi1) / 2) ** 2 + math.cos(phi1) * np.cos(phi2) * np.sin(dlon / 2) ** 2
        found.append(rows[2.0 * _EARTH_KM * np.arcsin(np.sqrt(np.minimum(h, 1.0))) <= radius_km])
    if not found:
        return np.zeros(0, dtype=np.int64)
    return np.unique(np.concatenate(found)).astype(np.int64)


def _shown(
    table: Towns, place_lon: np.ndarray, place_lat: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The towns a page shows and the zoom each shows from: (table indices, zooms), unsorted.

    The world's cities as :func:`_world_zooms` thinned them, and the towns near the
    places, thinned at the deeper zooms around the cities already shown.
    """
    ok = np.isfinite(place_lon) & np.isfinite(place_lat)
    lon, lat = place_lon[ok], place_lat[ok]
    world, world_zoom = _world_zooms(table)
    if len(lon) > NEAR_PLACES_LIMIT:
        return world, world_zoom
    near = np.setdiff1d(_near(table, lon, lat, NEAR_KM), world)
    if not len(near):
        return world, world_zoom
    # the world's cities that may crowd a place's towns: those within a few degrees
    reach = 3.0
    box = np.zeros(len(world), dtype=bool)
    for x, y in zip(lon.tolist(), lat.tolist(), strict=True):
        box |= (np.abs(table.lat[world] - y) < reach) & (np.abs(table.lon[world] - x) < reach)
    seeds = world[box]
    candidates = np.concatenate([seeds, near])
    n_seeds = len(seeds)
    px = _mercator_px(np.column_stack([table.lon[candidates], table.lat[candidates]]))
    first = np.full(len(candidates), WORLD_LAST_ZOOM + 1, dtype=np.int64)
    last = np.full(len(candidates), LAST_ZOOM, dtype=np.int64)
    seed_zoom = np.full(len(candidates), -1, dtype=np.int64)
    seed_zoom[:n_seeds] = world_zoom[box]
    shown = thin(
        px[:, 0],
        px[:, 1],
        first,
        last,
        seeds=range(n_seeds),
        seed_zoom=seed_zoom,
        zooms=range(WORLD_LAST_ZOOM + 1, LAST_ZOOM + 1),
    )
    new = n_seeds + np.flatnonzero(shown[n_seeds:] >= 0)
    return np.concatenate([world, candidates[new]]), np.concatenate([world_zoom, shown[new]])


def town_rows(
    table: Towns | None,
    place_lon: np.ndarray,
    place_lat: np.ndarray,
    center_lon: float,
    lang: str,
) -> list[list[Any]]:
    """The page's towns: ``[lat, lon, name, zoom]`` rows, in the order the page places them.

    ``table`` is GeoNames' towns (``None``: :func:`geo.towns.towns`, read
    only when the rows are not in the cache); ``place_lon``/``place_lat``
    are the page's places (EPSG:4326 degrees);
    ``center_lon`` the page's world centre (longitudes are moved by 360
    degrees into it); ``lang`` the page's language.  ``zoom`` is the first
    zoom at which the town shows.  Rows are sorted by that zoom, then by
    population (largest first), then GeoNames id.  Kept in :mod:`geo.cache`
    for the same places, world and language.
    """
    return [json.loads(line) for line in town_lines(table, place_lon, place_lat, center_lon, lang)]


def town_lines(
    table: Towns | None,
    place_lon: np.ndarray,
    place_lat: np.ndarray,
    center_lon: float,
    lang: str,
) -> list[str]:
    """:func:`town_rows` as the page writes them: each row's compact JSON (``[1.5,2,"A",3]``).

    The text is what :mod:`geo.cache` keeps, so a page reads it as it is
    instead of reading and writing some thousands of rows again.
    """
    places = np.column_stack([place_lon, place_lat]).astype(float)
    key = cache.entry_key(
        "townrows", source_version(), places.tobytes(), center_lon, lang, code=__name__
    )
    found = cache.load("townrows", key)
    if found is not None:
        try:
            text = found["lines"].tobytes().decode("utf-8", "surrogatepass")
        except (KeyError, ValueError) as err:
            cache.log.debug("cache: the town rows are unusable (%s): made again", err)
        else:
            return text.split("\n") if text else []
    table = towns() if table is None else table
    rows = _town_rows(table, places, place_lon, place_lat, center_lon, lang)
    lines = [
        json.dumps(row, ensure_ascii=False, separators=(",", ":"), allow_nan=False) for row in rows
    ]
    data = "\n".join(lines).encode("utf-8", "surrogatepass")
    cache.store("townrows", key, {"lines": np.frombuffer(data, dtype=np.uint8)}, keep=64)
    return lines


def _town_rows(
    table: Towns,
    places: np.ndarray,
    place_lon: np.ndarray,
    place_lat: np.ndarray,
    center_lon: float,
    lang: str,
) -> list[list[Any]]:
    """:func:`town_rows`, made (``places``: the places' ``(lon, lat)`` as one array)."""

    def load_or_thin() -> tuple[np.ndarray, np.ndarray]:
        key = cache.entry_key("pagetowns", source_version(), places.tobytes(), code=__name__)
        found = cache.load("pagetowns", key)
        usable = found is not None and "index" in found and "zoom" in found
        if found is not None and usable and found["index"].shape == found["zoom"].shape:
            return found["index"], found["zoom"]
        index, zoom = _shown(table, place_lon, place_lat)
        cache.store("pagetowns", key, {"index": index, "zoom": zoom}, keep=32)
        return index, zoom

    index, zoom = cache.remembered(
        "pagetowns", (source_version(), places.tobytes()), load_or_thin, keep=16
    )
    order = np.lexsort((index, zoom))  # the table's order is by population, then id
    index, zoom = index[order], zoom[order]
    names: dict[int, str] = cache.remembered("town-names", (source_version(), lang), dict, keep=4)
    lon = np.round(_shift_lons(table.lon[index], center_lon), _DECIMALS).tolist()
    lat = np.round(table.lat[index], _DECIMALS).tolist()
    rows: list[list[Any]] = []
    for k, z, x, y in zip(index.tolist(), zoom.tolist(), lon, lat, strict=True):
        name = names.get(k)
        if name is None:
            name = names[k] = _name(table, k, lang)
        rows.append([*_latlon(x, y), name, z])
    return rows


def _name(table: Towns, k: int, lang: str) -> str:
    """Town ``k``'s name in ``lang``: CLDR's when it is its zone's exemplar city, else GeoNames'."""
    name = table.name(k)
    zone = table.zone_of(k)
    return zone_city_name(zone, name, lang) if name == exemplar_city(zone) else name
