"""Detail windows: the fine country polygons around a page's places, for zooms 8 to 12.

The offline basemap (:mod:`geo.render.basemap`) is simplified to about 0.1
degree, some 11 km: good for the world and a region, but at zoom 11 on a
border post its coast and border are straight lines kilometres off.  A detail
window is a box of :data:`DETAIL_HALF_KM` around each place of the page
(boxes that touch are merged), holding the fine layer's polygons cut to it,
simplified to :data:`DETAIL_TOLERANCE_DEG` (about one pixel at zoom 12) and
stored on a :data:`DETAIL_GRID_DEG` grid.  From :data:`DETAIL_MIN_ZOOM` on, the
page draws each window as sea over the coarse basemap, then its land in the
style of the same country's coarse polygon, so that a place on a coast or a
border is on the right side of it.

Each ring carries the indices of its segments that lie along the window's
edge: the page strokes every other segment (a coast or a border) and leaves
those unstroked, so that no box edge is drawn.

Coordinates are EPSG:4326 degrees, ``(lon, lat)``, in the page's longitudes
(see :func:`geo.render.view._shift_lon`); a window that crosses the
antimeridian is cut from the fine layer on both sides.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from shapely.errors import GEOSException

from geo import cache
from geo.i18n import Translator
from geo.render.basemap import _encode_rings
from geo.render.memo import content_key
from geo.render.text import _country

__all__ = [
    "DETAIL_GRID_DEG",
    "DETAIL_HALF_KM",
    "DETAIL_MIN_ZOOM",
    "DETAIL_TOLERANCE_DEG",
    "DetailSource",
]

#: Half the side of a place's window (km, north-south; east-west the same on the ground).
DETAIL_HALF_KM = 60.0
#: The windows' coordinates are stored on this grid (degrees): the fine layer's own.
DETAIL_GRID_DEG = 1e-4
#: The fine polygons are simplified by this much (degrees): a pixel at zoom 12 is 0.00034.
DETAIL_TOLERANCE_DEG = 0.0003
#: The page draws the windows from this zoom on (0.1 degree is 18 pixels at zoom 8).
DETAIL_MIN_ZOOM = 8
#: A window's edges lie on this grid (degrees), so that they are exact on the coordinate grid.
_BOX_GRID_DEG = 0.01
_KM_PER_DEG_LAT = 111.32
_MAX_LAT = 85.0

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DetailSource:
    """The fine country layer the windows are cut from, read only when a page needs it.

    Attributes
    ----------
    digest : str
        A digest of the layer's content (e.g. the SHA-256 of its file): the
        windows of a page are cached by it, so a warm build never reads the layer.
    load : callable
        Returns the layer: a GeoDataFrame of (Multi)Polygons in EPSG:4326 with
        ``iso3`` and ``name`` columns.
    """

    digest: str
    load: Callable[[], gpd.GeoDataFrame]


@dataclass(frozen=True)
class DetailLand:
    """One country's land in the windows: its key and its polygons, encoded.

    ``parts`` lists polygons, each a list of rings; a ring is its polyline text
    (``[lat, lon]`` steps on the :data:`DETAIL_GRID_DEG` grid, closing point left
    out) followed by the indices of its segments along a window's edge
    (segment ``i`` joins point ``i`` to point ``i + 1``, the last one back to
    the first).
    """

    iso3: str
    name: str
    parts: list[list[list[Any]]]


@dataclass(frozen=True)
class Detail:
    """The detail windows of one page: the windows (as sea) and the land in them."""

    windows: list[list[str]]  # polygons, each a list of ring texts (exterior first)
    land: list[DetailLand]  # sorted by iso3, name

    def to_json(self) -> dict[str, Any]:
        """A JSON value of plain lists (for the cache)."""
        return {"windows": self.windows, "land": [[d.iso3, d.name, d.parts] for d in self.land]}

    @classmethod
    def from_json(cls, value: Any) -> Detail:
        """The detail of :meth:`to_json`; ``ValueError`` or ``TypeError`` when it does not fit."""
        if not isinstance(value, dict) or set(value) != {"windows", "land"}:
            raise ValueError("not a detail document")
        land = [
            DetailLand(str(iso3), str(name), list(parts)) for iso3, name, parts in value["land"]
        ]
        return cls(list(value["windows"]), land)


def window_of(
    lon: Sequence[float] | np.ndarray,
    lat: Sequence[float] | np.ndarray,
    *,
    half_km: float = DETAIL_HALF_KM,
) -> shapely.Geometry:
    """The union of the places' boxes: a (Multi)Polygon, empty for no place.

    Parameters
    ----------
    lon, lat : array-like of float
        The places (EPSG:4326 degrees, in the page's longitudes).  Non-finite
        positions are left out.
    half_km : float
        Half the box's side, km: ``half_km / 111.32`` degrees of latitude, and as
        many km of longitude at the place's latitude (capped at 85 degrees).

    Returns
    -------
    shapely.Geometry
        The boxes, widened to the 0.01 degree grid and merged where they touch
        or overlap.

    Examples
    --------
    >>> w = window_of([10.0, 10.3], [0.0, 0.0], half_km=20.0)
    >>> w.geom_type, round(w.bounds[0], 2), round(w.bounds[2], 2)
    ('Polygon', 9.82, 10.48)
    """
    x = np.asarray(lon, dtype=float).ravel()
    y = np.asarray(lat, dtype=float).ravel()
    ok = np.isfinite(x) & np.isfinite(y)
    x, y = x[ok], np.clip(y[ok], -_MAX_LAT, _MAX_LAT)
    if not len(x) or not half_km > 0:
        return shapely.Polygon()
    dy = half_km / _KM_PER_DEG_LAT
    dx = dy / np.cos(np.radians(y))
    g = _BOX_GRID_DEG
    x0, x1 = np.floor((x - dx) / g), np.ceil((x + dx) / g)
    y0 = np.floor(np.clip(y - dy, -90.0, 90.0) / g)
    y1 = np.ceil(np.clip(y + dy, -90.0, 90.0) / g)
    x1, y1 = np.maximum(x1, x0 + 1), np.maximum(y1, y0 + 1)  # never a box of no area
    boxes = shapely.box(x0 * g, y0 * g, x1 * g, y1 * g)
    return shapely.union_all(boxes)


def cut(
    layer: gpd.GeoDataFrame,
    window: shapely.Geometry,
    *,
    tolerance_deg: float = DETAIL_TOLERANCE_DEG,
) -> tuple[list[tuple[str, str]], np.ndarray]:
    """The layer's countries cut to ``window`` and simplified: ``(iso3, name)`` and geometries.

    The polygons of ``layer`` (EPSG:4326, longitudes in [-180, 180]) are cut to
    the window and to its copies 360 degrees east and west, so that a window in
    the page's longitudes finds the land across the antimeridian.  The pieces
    are simplified together (:func:`shapely.coverage_simplify`, which keeps
    shared borders shared), or one by one if the layer is not a clean coverage,
    and put on the :data:`DETAIL_GRID_DEG` grid.  Countries with no land in the
    window are left out; the order is the layer's.
    """
    geoms = np.asarray(layer.geometry.values, dtype=object)
    if shapely.is_empty(window) or not len(geoms):
        return [], np.empty(0, dtype=object)
    parts, row = shapely.get_parts(geoms, return_index=True)
    polygonal = (shapely.get_type_id(parts) == 3) & ~shapely.is_empty(parts)
    parts, row = parts[polygonal], row[polygonal]
    tree = shapely.STRtree(parts)
    pieces: list[list[shapely.Geometry]] = [[] for _ in range(len(geoms))]
    for shift in (-360.0, 0.0, 360.0):
        for box in shapely.get_parts(_moved(window, -shift)):
            found = tree.query(box, predicate="intersects")
            if not len(found):
                continue
            x0, y0, x1, y1 = box.bounds
            clipped = shapely.clip_by_rect(parts[found], x0, y0, x1, y1)
            clipped = shapely.intersection(shapely.make_valid(clipped), box)
            clipped = _moved(clipped, shift)
            for k, piece in zip(row[found].tolist(), clipped.tolist(), strict=True):
                pieces[k].append(piece)
    keys, joined = [], []
    for k, found_pieces in enumerate(pieces):
        found_parts = [shapely.get_parts(p) for p in found_pieces if not shapely.is_empty(p)]
        if not found_parts:
            continue
        land = _polygonal(shapely.union_all(np.concatenate(found_parts)))
        if shapely.is_empty(land):
            continue
        keys.append((_text(layer["iso3"].iloc[k]), _text(layer["name"].iloc[k])))
        joined.append(land)
    shapes = _simplified(np.asarray(joined, dtype=object), tolerance_deg)
    shapes = shapely.set_precision(shapes, DETAIL_GRID_DEG)
    shapes = np.asarray([_polygonal(s) for s in shapes], dtype=object)
    keep = ~shapely.is_empty(shapes) if len(shapes) else np.zeros(0, dtype=bool)
    return [key for key, k in zip(keys, keep.tolist(), strict=True) if k], shapes[keep]


def _moved(geoms: Any, lon: float) -> Any:
    """``geoms`` moved ``lon`` degrees east."""
    step = np.array([lon, 0.0])
    return shapely.transform(geoms, lambda c: c + step)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _polygonal(geom: shapely.Geometry) -> shapely.Geometry:
    """The polygons of ``geom`` (lines and points of a cut left out), as one geometry."""
    polygons = [p for p in shapely.get_parts(geom).tolist() if p.geom_type == "Polygon"]
    if not polygons:
        return shapely.Polygon()
    return polygons[0] if len(polygons) == 1 else shapely.MultiPolygon(polygons)


def _simplified(shapes: np.ndarray, tolerance_deg: float) -> np.ndarray:
    """``shapes`` simplified as a coverage, or one by one when they do not form one."""
    if not len(shapes) or tolerance_deg <= 0:
        return shapes
    try:
        out = np.asarray(shapely.coverage_simplify(shapes, tolerance_deg), dtype=object)
    except GEOSException:
        out = np.asarray([], dtype=object)
    if len(out) != len(shapes) or not shapely.is_valid(out).all():
        out = np.asarray(shapely.simplify(shapes, tolerance_deg, preserve_topology=True))
    return out


def encode(
    window: shapely.Geometry,
    keys: list[tuple[str, str]],
    shapes: np.ndarray,
    *,
    coarse: gpd.GeoDataFrame | None = None,
) -> Detail:
    """The windows and their land, encoded (see :class:`Detail`), sorted by ``(iso3, name)``.

    A polygon whose exterior has fewer than 3 grid points is left out, with its
    holes; so is such a hole.  With ``coarse`` (the basemap: ``iso3`` and
    (Multi)Polygons, EPSG:4326), a segment along the window's edge is left
    unstroked only where the basemap just outside it is the same country: where
    it is another country or sea, the page strokes it, so that a border or a
    coast that the two layers draw apart stays one line.
    """
    edge = shapely.boundary(window)
    shapely.prepare(edge)
    land: dict[tuple[str, str], list[list[list[Any]]]] = {}
    polygons, of_shape = shapely.get_parts(shapes, return_index=True)
    beyond = _country_at(coarse) if coarse is not None else None
    owners = np.array([keys[k][0] for k in of_shape.tolist()], dtype=object)
    found = _rings(polygons, edge, window=window, beyond=beyond, owners=owners)
    for k, rings in zip(of_shape.tolist(), found, strict=True):
        if rings:
            land.setdefault(keys[k], []).append(rings)
    windows = _rings(shapely.get_parts(window), None)
    return Detail(
        windows=[[r[0] for r in rings] for rings in windows if rings],
        land=[DetailLand(iso3, name, parts) for (iso3, name), parts in sorted(land.items())],
    )


def _country_at(coarse: gpd.GeoDataFrame) -> Callable[[np.ndarray], np.ndarray]:
    """The ``iso3`` of the basemap at ``(lon, lat)`` points (any longitude), ``""`` at sea."""
    parts, row = shapely.get_parts(np.asarray(coarse.geometry.values), return_index=True)
    tree = shapely.STRtree(parts)
    codes = np.array([_text(c) for c in coarse["iso3"]] + [""], dtype=object)

    def at(lon_lat: np.ndarray) -> np.ndarray:
        lon = np.mod(lon_lat[:, 0] + 180.0, 360.0) - 180.0
        found = np.full(len(lon_lat), len(codes) - 1)
        points, hits = tree.query(shapely.points(lon, lon_lat[:, 1]), predicate="intersects")
        found[points[::-1]] = row[hits[::-1]]  # the first hit of each point
        return np.asarray(codes[found], dtype=object)

    return at


def _rings(
    polygons: np.ndarray,
    edge: shapely.Geometry | None,
    *,
    window: shapely.Geometry | None = None,
    beyond: Callable[[np.ndarray], np.ndarray] | None = None,
    owners: np.ndarray | None = None,
) -> list[list[list[Any]]]:
    """Each polygon's rings ``[text, *segments along edge]``, exterior first; ``[]`` for none.

    The segment indices count the points :func:`geo.render.basemap._encode_rings`
    keeps (on the grid, repeated points and the closing point dropped): segment
    ``i`` joins point ``i`` to the next, the last back to the first.
    """
    rings, of_polygon = shapely.get_rings(polygons, return_index=True)
    texts = _encode_rings(rings, np.zeros(len(rings)), grid_deg=DETAIL_GRID_DEG)
    if edge is None:
        cuts: list[list[int]] = [[] for _ in texts]
    elif beyond is None or owners is None or window is None:
        cuts = _on_edge(rings, edge)
    else:
        cuts = _on_edge(rings, edge, window=window, beyond=beyond, owner=owners[of_polygon])
    out: list[list[list[Any]]] = [[] for _ in range(len(polygons))]
    previous = -1
    for k, text, segments in zip(of_polygon.tolist(), texts, cuts, strict=True):
        exterior = k != previous
        previous = k
        if text and (exterior or out[k]):
            out[k].append([text, *segments])
    return out


def _on_edge(
    rings: np.ndarray,
    edge: shapely.Geometry,
    *,
    window: shapely.Geometry | None = None,
    beyond: Callable[[np.ndarray], np.ndarray] | None = None,
    owner: np.ndarray | None = None,
) -> list[list[int]]:
    """For each ring, the indices of its segments that lie along ``edge`` (a window's boundary).

    The window's edges are parallels and meridians on the 0.01 degree grid: only
    such segments are measured against ``edge``.  With ``beyond`` (the basemap's
    country at points) and ``owner`` (each ring's country), only the segments
    whose outside, just beyond the ``window``, is the ring's own country.
    """
    coords, ring = shapely.get_coordinates(rings, return_index=True)
    out: list[list[int]] = [[] for _ in range(len(rings))]
    if not len(coords):
        return out
    grid = np.rint(coords / DETAIL_GRID_DEG).astype(np.int64)
    new_ring = np.r_[True, ring[1:] != ring[:-1]]
    keep = new_ring | (grid != np.roll(grid, 1, axis=0)).any(axis=1)
    grid, ring = grid[keep], ring[keep]
    new_ring = np.r_[True, ring[1:] != ring[:-1]]
    first = np.flatnonzero(new_ring)
    first_of = first[np.searchsorted(first, np.arange(len(grid)), side="right") - 1]
    last = np.r_[ring[1:] != ring[:-1], True]
    keep = ~(last & ~new_ring & (grid == grid[first_of]).all(axis=1))
    grid, ring = grid[keep], ring[keep]
    new_ring = np.r_[True, ring[1:] != ring[:-1]]
    first = np.flatnonzero(new_ring)
    start = first[np.searchsorted(first, np.arange(len(grid)), side="right") - 1]
    index = np.arange(len(grid)) - start
    last = np.r_[ring[1:] != ring[:-1], True]
    following = np.where(last, start, np.arange(len(grid)) + 1)
    a, b = grid, grid[following]
    step = round(_BOX_GRID_DEG / DETAIL_GRID_DEG)
    candidate = ((a[:, 0] == b[:, 0]) & (a[:, 0] % step == 0)) | (
        (a[:, 1] == b[:, 1]) & (a[:, 1] % step == 0)
    )
    found = np.flatnonzero(candidate)
    if len(found):
        near = DETAIL_GRID_DEG / 4.0
        ends = [a[found], b[found], (a[found] + b[found]) / 2.0]
        on = np.ones(len(found), dtype=bool)
        for points in ends:
            on &= shapely.dwithin(shapely.points(points * DETAIL_GRID_DEG), edge, near)
        found = found[on]
        if beyond is not None and owner is not None and window is not None and len(found):
            found = found[_same_beyond(a[found], b[found], window, beyond, owner[ring[found]])]
        for r, i in zip(ring[found].tolist(), index[found].tolist(), strict=True):
            out[r].append(i)
    return out


def _same_beyond(
    a: np.ndarray,
    b: np.ndarray,
    window: shapely.Geometry,
    beyond: Callable[[np.ndarray], np.ndarray],
    owner: np.ndarray,
) -> np.ndarray:
    """Whether the basemap just outside each segment ``a``-``b`` (grid units) is ``owner``."""
    middle = (a + b) / 2.0 * DETAIL_GRID_DEG
    step = (b - a).astype(float)
    normal = np.column_stack([-step[:, 1], step[:, 0]])
    normal *= (
        DETAIL_GRID_DEG / 2.0 / np.maximum(np.hypot(normal[:, 0], normal[:, 1]), 1e-12)[:, None]
    )
    inside = shapely.contains_xy(window, middle[:, 0] + normal[:, 0], middle[:, 1] + normal[:, 1])
    outside = middle + np.where(inside[:, None], -normal, normal)
    return np.asarray(beyond(outside) == owner, dtype=bool)


def page_detail(
    source: DetailSource,
    lon: np.ndarray,
    lat: np.ndarray,
    *,
    coarse: gpd.GeoDataFrame | None = None,
    half_km: float = DETAIL_HALF_KM,
) -> Detail:
    """The detail windows of a page's places (page longitudes): computed once, then cached.

    ``coarse`` is the page's basemap (see :func:`encode`).  Kept for the process
    and in :mod:`geo.cache`, keyed by the layers' digests, the window and the
    settings: a warm build neither reads the fine layer nor cuts it again.
    """
    window = window_of(lon, lat, half_km=half_km)
    wkb = shapely.to_wkb(shapely.normalize(window))
    settings = [DETAIL_GRID_DEG, DETAIL_TOLERANCE_DEG, _BOX_GRID_DEG]
    digest = hashlib.sha256(wkb + repr(settings).encode())
    if coarse is not None:
        digest.update(content_key(np.asarray(coarse.geometry.values, dtype=object)))
        digest.update("\0".join(_text(c) for c in coarse["iso3"]).encode())
    key_of_page = digest.hexdigest()

    def load_or_compute() -> Detail:
        key = cache.entry_key("detail", source.digest, key_of_page, code=__name__)
        found = cache.load("detail", key)
        if found is not None:
            try:
                return Detail.from_json(cache.from_json_array(found["detail"]))
            except (KeyError, ValueError, TypeError) as err:
                log.debug("cache: the detail entry is unusable (%s): cut again", err)
        keys, shapes = cut(source.load(), window)
        detail = encode(window, keys, shapes, coarse=coarse)
        cache.store("detail", key, {"detail": cache.to_json_array(detail.to_json())}, keep=32)
        return detail

    return cache.remembered("detail", (source.digest, key_of_page), load_or_compute, keep=32)


def frame_source(layer: gpd.GeoDataFrame) -> DetailSource:
    """A :class:`DetailSource` of a layer in memory, keyed by its content."""
    geoms = np.asarray(layer.geometry.values, dtype=object)
    pairs = zip(layer["iso3"], layer["name"], strict=True)
    names = "\0".join(f"{_text(a)}\t{_text(b)}" for a, b in pairs)
    digest = hashlib.sha256(content_key(geoms) + names.encode()).hexdigest()
    return DetailSource(digest, lambda: layer)


def detail_json(detail: Detail, rows: Sequence[Sequence[Any]], t: Translator) -> dict[str, Any]:
    """The page's ``detail``: its windows and their land, each country by its basemap row.

    ``rows`` are the page's basemap rows (:func:`geo.render.basemap._country_rows`,
    ``[iso3, name, ...]``): each country of the windows is drawn in the style
    of the row of its code and name in the map's language (``t``), else of the
    first row of its code; a country of no row is left out (the coarse layer
    does not draw it either).

    Returns ``{"minZoom", "scale", "sea", "land"}``: the zoom the page draws the
    windows from, the grid (points per degree), the windows' polygons and
    ``[row, parts]`` per country (see :class:`DetailLand`), by row.
    """
    by_name: dict[tuple[str, str], int] = {}
    by_code: dict[str, int] = {}
    for i, row in enumerate(rows):
        by_name.setdefault((str(row[0]), str(row[1])), i)
        by_code.setdefault(str(row[0]), i)
    land: dict[int, list[list[list[Any]]]] = {}
    for country in detail.land:
        name = _country(t, country.iso3 or None, country.name or None) or ""
        k = by_name.get((country.iso3, name))
        if k is None and country.iso3:
            k = by_code.get(country.iso3)
        if k is not None:
            land.setdefault(k, []).extend(country.parts)
    return {
        "land": [[k, parts] for k, parts in sorted(land.items())],
        "minZoom": DETAIL_MIN_ZOOM,
        "scale": round(1.0 / DETAIL_GRID_DEG),
        "sea": detail.windows,
    }
