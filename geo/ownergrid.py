"""The owner raster: for each 1/8-degree cell of the world, its points' one nearest place.

A query of the one nearest place of many points (:class:`geo.placeindex.PlaceIndex`)
first looks each point up here (:func:`lookup`): a cell whose nearest place is
provably the same for every point in it gives that place at once, and the
point needs a single geodesic.  Only points in the other cells (near the edge
between two places' domains, ``-1``) search.  The answers are the same either
way.  Cells are in degrees, EPSG:4326; distances geodesic on WGS84, km.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from geo.sphere import R_MAX_KM, R_MIN_KM, chord_to_angle, geodesic_km, unit_vectors

__all__ = ["build", "lookup"]


def build(tree: Any, lon: np.ndarray, lat: np.ndarray, cell_deg: float) -> np.ndarray:
    """For each cell of a raster, the tree position of its points' nearest place, or ``-1``.

    ``tree`` is a :class:`scipy.spatial.cKDTree` of the places' unit vectors
    (:func:`geo.sphere.unit_vectors`) and ``lon``, ``lat`` their degrees
    (EPSG:4326), in the tree's order; ``cell_deg`` the cell's side, degrees
    (a power of two, so that cell edges are exact).

    Cell ``[iy, ix]`` spans longitudes ``-180 + ix * cell_deg`` to ``-180 + (ix + 1) *
    cell_deg`` and latitudes ``-90 + iy * cell_deg`` to ``-90 + (iy + 1) * cell_deg``, edges
    included.  Let ``c`` be a cell's centre, ``P1`` and ``P2`` its two nearest places by
    chord (the tree's answer), ``theta2`` the angle to ``P2``, ``d1`` the geodesic km to
    ``P1`` and ``r`` a bound of the km from ``c`` to any point ``x`` of the cell.  Every
    place ``Q`` other than ``P1`` is at least ``R_MIN * theta2`` from ``c``, so the triangle
    inequality gives ``d(x, P1) <= d1 + r`` and ``d(x, Q) >= R_MIN * theta2 - r``: when
    the second exceeds the first (with slack for rounding), ``P1`` is strictly the nearest
    place of every point of the cell, and the cell holds it; else ``-1`` (the query
    searches).  ``r`` is ``R_MAX`` times the angle from the centre to a corner: moving
    along the centre's parallel, then along a meridian, that angle is at most
    ``dphi + cos(phi) dlambda``, ``phi`` taken where the cosine is largest in the cell.
    A lookup's floor errs by about 1e-14 degree, far below the slack.

    Cells are first tried much larger, then split where unsure (a sure cell makes its
    parts sure), down to ``cell_deg``.
    """
    nx, ny = round(360.0 / cell_deg), round(180.0 / cell_deg)
    n = len(lon)
    dtype = np.int16 if n <= np.iinfo(np.int16).max else np.int32
    if n <= 1:
        return np.zeros((ny, nx), dtype=dtype)
    # from cells _COARSE**_LEVELS times as large, down: a sure cell's parts are
    # sure, the others are tried part by part
    size = _COARSE**_LEVELS
    iy, ix = np.divmod(np.arange(ny * nx // size**2), nx // size)
    owners = _sure_owner(tree, lon, lat, cell_deg * size, iy, ix).reshape(ny // size, nx // size)
    while size > 1:
        size //= _COARSE
        owners = np.repeat(np.repeat(owners, _COARSE, 0), _COARSE, 1)
        iy, ix = np.nonzero(owners < 0)
        owners[iy, ix] = _sure_owner(tree, lon, lat, cell_deg * size, iy, ix)
    return owners.astype(dtype)


#: :func:`build` first tries cells ``_COARSE**_LEVELS`` times as
#: large (per side), then splits each unsure one into ``_COARSE**2``, and so on.
_COARSE = 4


_LEVELS = 2


def _sure_owner(
    tree: Any, lon: np.ndarray, lat: np.ndarray, cell_deg: float, iy: np.ndarray, ix: np.ndarray
) -> np.ndarray:
    """The sure nearest place (tree position) of the cells ``[iy, ix]``, ``-1`` when unsure.

    See :func:`build`.
    """
    lat_lo = -90.0 + iy * cell_deg
    lat_hi = lat_lo + cell_deg
    c_lon, c_lat = -180.0 + (ix + 0.5) * cell_deg, (lat_lo + lat_hi) / 2.0
    chord, cand = tree.query(unit_vectors(c_lon, c_lat), 2)
    d1 = geodesic_km(c_lon, c_lat, lon[cand[:, 0]], lat[cand[:, 0]])
    others = R_MIN_KM * chord_to_angle(chord[:, 1]) * (1 - 1e-6) - 1e-6
    least_abs = np.where((lat_lo < 0) & (lat_hi > 0), 0.0, np.minimum(abs(lat_lo), abs(lat_hi)))
    half = math.radians(cell_deg / 2.0)
    radius = R_MAX_KM * (half + np.cos(np.radians(least_abs)) * half) * (1 + 1e-6) + 1e-6
    return np.where(others - radius > d1 + radius, cand[:, 0], -1)


def lookup(grid: np.ndarray, cell_deg: float, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """The value of each point's cell of a world raster (:func:`build`), as int64.

    ``lon``, ``lat``: valid degrees, EPSG:4326; 180 and 90 fall in the last cell.
    """
    ny, nx = grid.shape
    ix = np.minimum(((lon + 180.0) / cell_deg).astype(np.intp), nx - 1)
    iy = np.minimum(((lat + 90.0) / cell_deg).astype(np.intp), ny - 1)
    return np.asarray(grid[iy, ix]).astype(np.int64)
