"""Geodesy on WGS84: geodesic distances, and unit vectors, angles and bounds for indexes.

This module holds the package's only ``pyproj.Geod``; every distance goes through
:func:`geodesic_km`.

Places and points become unit vectors of their (geodetic) lon/lat taken as
spherical coordinates; a chord between two of them gives the angle on the
sphere, and the geodesic distance on the WGS84 ellipsoid lies between
:data:`R_MIN_KM` and :data:`R_MAX_KM` times that angle.  Indexes search on the
sphere with those bounds, then measure exactly with :func:`geodesic_km`.
"""

from __future__ import annotations

import itertools
import math
import os
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import pyproj

__all__ = [
    "ABS_SLACK",
    "A_KM",
    "E2",
    "MAX_KM",
    "REL_SLACK",
    "R_MAX_KM",
    "R_MIN_KM",
    "chord_to_angle",
    "geodesic_circle",
    "geodesic_km",
    "geodesic_km_threads",
    "geodesic_path",
    "local_radii_km",
    "slack",
    "unit_vectors",
]

_GEOD = pyproj.Geod(ellps="WGS84")  # the one Geod of the package
#: Equatorial radius of WGS84, km.
A_KM = _GEOD.a / 1000.0
#: The largest radius a query takes, km: half the Earth's circumference at the equator
#: (20037.5 km), more than any geodesic distance on WGS84 (at most about 20003.9 km), so
#: a circle of this radius holds every place.
MAX_KM = round(math.pi * A_KM, 1)
#: First eccentricity squared of WGS84.
E2 = float(_GEOD.es)
#: Smallest and largest radius of curvature of WGS84, km: bounds of geodesic km per radian.
R_MIN_KM = _GEOD.a * (1.0 - _GEOD.es) / 1000.0
R_MAX_KM = _GEOD.a / math.sqrt(1.0 - _GEOD.es) / 1000.0
#: Relative and absolute (radians, ~6 mm) slack for rounding in the unit vectors.
REL_SLACK = 1e-6
ABS_SLACK = 1e-9


def unit_vectors(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """``(n, 3)`` unit vectors of (geodetic) lon/lat degrees taken as spherical coordinates."""
    lon_r, lat_r = np.radians(lon), np.radians(lat)
    cos_lat = np.cos(lat_r)
    return np.column_stack([cos_lat * np.cos(lon_r), cos_lat * np.sin(lon_r), np.sin(lat_r)])


def chord_to_angle(chord: np.ndarray) -> np.ndarray:
    """Angle on the unit sphere (radians) subtended by a chord of that length."""
    return 2.0 * np.arcsin(np.clip(chord / 2.0, 0.0, 1.0))


def slack(theta: Any) -> Any:
    """An angle widened by the rounding slack, so that no neighbour is missed."""
    return theta * (1 + REL_SLACK) + ABS_SLACK


def geodesic_km(
    lon1: np.ndarray, lat1: np.ndarray, lon2: np.ndarray, lat2: np.ndarray
) -> np.ndarray:
    """Element-wise geodesic distance on WGS84, km (same-shape arrays, degrees)."""
    shape = np.shape(lon2)
    x1, y1, x2, y2 = (
        np.ascontiguousarray(a, dtype=float).ravel() for a in (lon1, lat1, lon2, lat2)
    )
    if not x1.size:
        return np.zeros(shape)
    if x1.size == 1:
        # one point as numbers: pyproj < 3.7.2 takes one-element arrays through its
        # scalar path, which numpy >= 1.25 warns is deprecated
        metres = _GEOD.inv(float(x1[0]), float(y1[0]), float(x2[0]), float(y2[0]))[2]
    else:
        _, _, metres = _GEOD.inv(x1, y1, x2, y2)
    return np.asarray(metres, dtype=float).reshape(shape) / 1000.0


def local_radii_km(lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Meridional and prime-vertical radii of curvature of WGS84 at ``lat`` degrees, km.

    Near a point, a degree of latitude is ``M`` km per radian and a degree of
    longitude ``N cos(lat)``: the frame in which short distances are isotropic.
    """
    sin2 = np.sin(np.radians(lat)) ** 2
    w = np.sqrt(1.0 - E2 * sin2)
    return A_KM * (1.0 - E2) / w**3, A_KM / w


#: Fewest pairs per thread worth a thread of :func:`geodesic_km_threads`; most threads.
THREAD_MIN_POINTS = 100_000
MAX_THREADS = 4


def geodesic_km_threads(
    lon1: np.ndarray, lat1: np.ndarray, lon2: np.ndarray, lat2: np.ndarray
) -> np.ndarray:
    """:func:`geo.sphere.geodesic_km` over slices in threads: the same values, sooner."""
    workers = min(len(lon1) // THREAD_MIN_POINTS, MAX_THREADS)
    if workers > 1:
        workers = min(workers, os.cpu_count() or 1)
    if workers <= 1:
        return geodesic_km(lon1, lat1, lon2, lat2)
    bounds = np.linspace(0, len(lon1), workers + 1).astype(int)
    slices = [slice(a, b) for a, b in itertools.pairwise(bounds)]
    with ThreadPoolExecutor(workers) as pool:
        parts = pool.map(lambda s: geodesic_km(lon1[s], lat1[s], lon2[s], lat2[s]), slices)
        return np.concatenate(list(parts))


def geodesic_circle(
    lon: float, lat: float, radius_km: float, n: int = 180
) -> tuple[np.ndarray, np.ndarray]:
    """``n`` points at ``radius_km`` (geodesic, WGS84) from ``(lon, lat)``, by azimuth 0..360.

    Degrees, EPSG:4326.  Longitudes are unwrapped around ``lon`` (each within
    180 degrees of it), so that the ring is continuous across the antimeridian.
    """
    azimuths = np.linspace(0.0, 360.0, n, endpoint=False)
    lons, lats, _ = _GEOD.fwd(
        np.full(n, float(lon)), np.full(n, float(lat)), azimuths, np.full(n, radius_km * 1000.0)
    )
    lons = float(lon) + (np.asarray(lons, dtype=float) - float(lon) + 180.0) % 360.0 - 180.0
    return lons, np.asarray(lats, dtype=float)


def geodesic_path(
    lon1: float, lat1: float, lon2: float, lat2: float, n: int = 32
) -> tuple[np.ndarray, np.ndarray]:
    """``n + 2`` points on the geodesic (WGS84) from the first point to the second, ends included.

    Degrees, EPSG:4326; longitudes unwrapped from ``lon1`` (each step under 180
    degrees), so that a path across the antimeridian stays continuous.
    """
    inner = _GEOD.npts(lon1, lat1, lon2, lat2, n) if n else []
    lons = np.array([lon1, *(x for x, _ in inner), lon2], dtype=float)
    lats = np.array([lat1, *(y for _, y in inner), lat2], dtype=float)
    return np.degrees(np.unwrap(np.radians(lons))), lats
