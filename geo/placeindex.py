"""A geodesic index of point places: the nearest ones, and those within a distance, vectorised.

:class:`PlaceIndex` answers for many points at once; :mod:`geo.query` asks it
for one point, and :mod:`geo.points` for millions.  Coordinates are EPSG:4326
degrees, ``lon`` in [-180, 180] and ``lat`` in [-90, 90]; distances are
geodesic on WGS84 (:mod:`geo.sphere`), in km.

How the index works
-------------------
Places are stored as unit vectors on a sphere (their geodetic latitude and
longitude taken as spherical coordinates).  The straight-line (chord) distance
between two unit vectors grows with the angle between them, and on WGS84 the
geodesic distance ``d`` between two points lies within fixed bounds of that
angle ``theta`` (radians)::

    a * (1 - e**2) * theta  <=  d  <=  a / sqrt(1 - e**2) * theta

(the smallest and largest radii of curvature of the ellipsoid, 6335.4 km at
the equator and 6399.6 km at the poles).  So a query asks for a candidate set
that is sure to hold every answer (about 1 % larger than the answer), then
computes exact geodesic distances for the candidates only.  The sphere has no
edge: the antimeridian and the poles need no special case.

The nearest candidates of a query of a few points come from one matrix product
of the points' and the places' vectors (at most :data:`_PRODUCT_MAX_ENTRIES`
entries: a query of one point, or a small file, needs no tree, and no scipy,
which takes a third of a second to import); larger queries ask a
:class:`scipy.spatial.cKDTree`, built on first use.  Either gives the same
answers.  The product ranks places by ``p . v``, whose rounding is
bounded: a place it leaves out is known to be no nearer than a margin below
the farthest one it keeps, and the rounds ask for more candidates until that
margin is beyond the bound above.  Candidates' chords are then computed as
the tree computes them.  Queries within a distance use the tree.

A query of the one nearest place of many points first looks each point up in
a raster of 1/8-degree cells (:mod:`geo.ownergrid`): a cell whose
nearest place is provably the same for every point in it gives that place at
once, and the point needs a single geodesic, the one the search above would
end with.  Only points in the other cells (near the edge between two places'
domains) search.  The answers are the same either way.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pyproj
import shapely

from geo import cache, ownergrid
from geo.errors import UsageError
from geo.resolve import check_k, check_km, check_lon_lat_arrays, resolve_kind
from geo.sphere import (
    ABS_SLACK,
    R_MAX_KM,
    R_MIN_KM,
    REL_SLACK,
    THREAD_MIN_POINTS,
    chord_to_angle,
    geodesic_km,
    geodesic_km_threads,
    slack,
    unit_vectors,
)

__all__ = [
    "Nearest",
    "PlaceIndex",
    "Within",
    "nearest_many",
    "place_coordinates",
    "within_many",
]

_WGS84 = pyproj.CRS.from_epsg(4326)
#: Extra neighbours asked of the tree on the first round of a nearest query; the points not
#: settled by them ask twice as many, round after round.
_EXTRA_NEIGHBOURS = 3
_MANY_POINTS = 10_000
#: Most entries (points x places) of a query answered by a matrix product (more: a tree,
#: which is faster on many points; the product's memory stays under 32 MB).
_PRODUCT_MAX_ENTRIES = 4_000_000
#: Queries of the one nearest place of at least this many points use the owner raster (the
#: first one reads it from the cache or builds it); once in memory, every such query does.
_OWNER_MIN_POINTS = 50_000
#: Cell size of the owner raster, degrees (a power of two, so cell edges are exact).
_OWNER_CELL_DEG = 0.125
#: Bound of the rounding of ``|p - v|**2 = |p|**2 + |v|**2 - 2 p . v`` for computed unit
#: vectors (a few units in the last place of 1, with a wide margin).
_PRODUCT_SLACK = 1e-14


@dataclass(frozen=True)
class Nearest:
    """The ``k`` nearest places of many points (see :func:`nearest_many`).

    Attributes
    ----------
    position : numpy.ndarray
        Shape ``(n_points, k)``, int: row positions (``iloc``) in the places
        frame, nearest first; ties in distance go to the earlier row.  ``k`` is
        capped at the number of places that can answer.
    distance_km : numpy.ndarray
        Shape ``(n_points, k)``: geodesic distances (WGS84), km.
    """

    position: np.ndarray
    distance_km: np.ndarray


@dataclass(frozen=True)
class Within:
    """The places within a distance of many points (see :func:`within_many`).

    One entry per (point, place) pair, sorted by point, then distance, then row.

    Attributes
    ----------
    point : numpy.ndarray
        Int: index of the query point.
    position : numpy.ndarray
        Int: row position (``iloc``) of the place in the places frame.
    distance_km : numpy.ndarray
        Geodesic distance (WGS84), km, at most the radius asked for.
    """

    point: np.ndarray
    position: np.ndarray
    distance_km: np.ndarray


class PlaceIndex:
    """A spatial index of point places for exact geodesic queries.

    Build one to ask many bulk questions of the same places; the functions of
    this module build one per call.

    Parameters
    ----------
    places : geopandas.GeoDataFrame
        Point geometries, EPSG:4326 (a frame without a CRS is taken as
        EPSG:4326; another CRS is reprojected).  Not modified; the index keeps
        a snapshot of the coordinates.
    kind : str, optional
        Index only the places of this kind (one of :data:`geo.schema.KINDS`,
        case-insensitive); positions still refer to rows of ``places``.

    Raises
    ------
    UsageError
        If ``kind`` is unknown, or a geometry is missing or not a point.
    """

    def __init__(self, places: gpd.GeoDataFrame, *, kind: str | None = None) -> None:
        kind = resolve_kind(kind)
        lon, lat = place_coordinates(places)
        rows = np.arange(len(places))
        if kind is not None:
            if "kind" not in places.columns:
                msg = f"Got kind={kind!r} for places without a 'kind' column; pass kind=None"
                raise UsageError(msg)
            rows = rows[(places["kind"] == kind).to_numpy()]
        self.kind = kind
        self._rows = rows
        self._lon = lon[rows]
        self._lat = lat[rows]
        self._vectors = unit_vectors(self._lon, self._lat)
        self._tree_built: Any = None
        self._tree_lock = threading.Lock()
        self._owners: np.ndarray | None = None
        self._owners_lock = threading.Lock()

    @property
    def _tree(self) -> Any:
        """A :class:`scipy.spatial.cKDTree` of the places, built when first asked for."""
        with self._tree_lock:
            if self._tree_built is None and len(self):
                from scipy.spatial import cKDTree  # here: scipy takes 0.3 s to import

                self._tree_built = cKDTree(self._vectors)
            return self._tree_built

    def prepare(self, points: int) -> None:
        """Build now what queries of ``points`` points will use (the tree of large ones).

        With at least :data:`_OWNER_MIN_POINTS` points, also the owner raster (read from the
        cache, or built and cached), which queries of one nearest place then use.
        """
        if points * len(self) > _PRODUCT_MAX_ENTRIES:
            self._tree  # noqa: B018 - built on first use
        if points >= _OWNER_MIN_POINTS:
            self._owner_grid()

    def _owner_grid(self) -> np.ndarray:
        """The owner raster (see :func:`geo.ownergrid.build`): in memory, cached, or built."""
        with self._owners_lock:
            if self._owners is None:
                self._owners = self._read_or_build_owners()
            return self._owners

    def _read_or_build_owners(self) -> np.ndarray:
        coordinates = np.ascontiguousarray(np.column_stack([self._lon, self._lat]))
        key = cache.entry_key(
            "owners", cache.file_digest(coordinates.tobytes()), len(self), _OWNER_CELL_DEG
        )
        shape = (round(180.0 / _OWNER_CELL_DEG), round(360.0 / _OWNER_CELL_DEG))
        arrays = cache.load("owners", key)
        if arrays is not None:
            owners = arrays.get("owners")
            if (
                owners is not None
                and owners.shape == shape
                and owners.dtype.kind == "i"
                and int(owners.min()) >= -1
                and int(owners.max()) < len(self)
            ):
                return owners
        owners = ownergrid.build(self._tree, self._lon, self._lat, _OWNER_CELL_DEG)
        cache.store("owners", key, {"owners": owners}, compress=True, keep=4)
        return owners

    def _candidates(
        self, points: np.ndarray, asked: int, workers: int
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The ``asked`` nearest places of each point by chord, and a bound for the others.

        Returns the chords ``(m, asked)``, nearest first (equal ones by position), the
        tree positions of those places, and for each point a chord that no place left
        out is nearer than.
        """
        m, n = len(points), len(self)
        if m * n > _PRODUCT_MAX_ENTRIES:
            chord, cand = self._tree.query(points, asked, workers=workers)
            chord, cand = chord.reshape(m, asked), cand.reshape(m, asked)
            return chord, cand, chord[:, -1]
        if asked < n:
            dot = points @ self._vectors.T
            pick, least = _largest(dot, asked)
            # a place left out has p . v <= the least kept: its squared chord is at least
            # 2 - 2 * that, less the rounding of the product
            lower = np.sqrt(np.maximum(2.0 - 2.0 * least - _PRODUCT_SLACK, 0.0))
        else:
            pick = np.broadcast_to(np.arange(n), (m, n))
            lower = np.full(m, np.inf)
        # the chords of the kept places as the tree computes them
        diff = points[:, None, :] - self._vectors[pick]
        exact = np.sqrt(diff[:, :, 0] ** 2 + diff[:, :, 1] ** 2 + diff[:, :, 2] ** 2)
        order = np.lexsort((pick, exact), axis=1)
        return (
            np.take_along_axis(exact, order, axis=1),
            np.take_along_axis(pick, order, axis=1),
            lower,
        )

    def __len__(self) -> int:
        return len(self._rows)

    def __repr__(self) -> str:
        kind = f" kind={self.kind!r}" if self.kind else ""
        return f"<PlaceIndex {len(self)} places{kind}>"

    def nearest(self, lon: Any, lat: Any, *, k: int = 1, threads: bool = True) -> Nearest:
        """The ``k`` nearest places of each point.

        Parameters
        ----------
        lon, lat : array_like
            1-D, same length: longitudes in [-180, 180] and latitudes in
            [-90, 90], degrees, EPSG:4326.
        k : int
            How many places per point (>= 1); capped at the number of places.
        threads : bool
            Let a large query use several threads (``False``: only the
            calling thread, for callers that run queries in threads).

        Returns
        -------
        Nearest

        Raises
        ------
        UsageError
            If a coordinate is not finite or out of range, or ``k`` is not a
            positive integer.
        """
        lon, lat = check_lon_lat_arrays(lon, lat)
        k = min(check_k(k), len(self))
        m = len(lon)
        position = np.zeros((m, k), dtype=np.int64)
        dist = np.zeros((m, k), dtype=float)
        if not len(self) or k == 0 or m == 0:
            return Nearest(position, dist)
        todo = np.arange(m)
        if k == 1 and (self._owners is not None or m >= _OWNER_MIN_POINTS):
            owner = ownergrid.lookup(self._owner_grid(), _OWNER_CELL_DEG, lon, lat)
            known = np.flatnonzero(owner >= 0)
            if len(known):
                cand = owner[known]
                position[known, 0] = self._rows[cand]
                dist[known, 0] = geodesic_km(
                    lon[known], lat[known], self._lon[cand], self._lat[cand]
                )
                todo = np.flatnonzero(owner < 0)
                if not len(todo):
                    return Nearest(position, dist)
        points = unit_vectors(lon, lat)
        # many points asking for their nearest: one extra neighbour settles about 90 % of them
        asked = min(len(self), k + (1 if k == 1 and m >= _MANY_POINTS else _EXTRA_NEIGHBOURS))
        while len(todo):
            # threads cost for a few points
            workers = -1 if threads and len(todo) >= THREAD_MIN_POINTS else 1
            chord, cand, others = self._candidates(
                points[todo] if len(todo) < m else points, asked, workers
            )
            theta = chord_to_angle(chord)
            # Any of the true k nearest is within this angle of the point: the candidates
            # beyond it (the end of each row, nearest first) cannot be among them, nor can
            # the places not asked for when they are beyond it too.
            bound = slack(theta[:, k - 1] * (R_MAX_KM / R_MIN_KM))
            done = (chord_to_angle(others) > bound) | (asked == len(self))
            only_k = (theta[:, k] > bound if asked > k else done) & done  # most, at first
            rest = done & ~only_k
            for rows, c, near in (
                (todo[only_k], cand[only_k, :k], None),
                (todo[rest], cand[rest], theta[rest] <= bound[rest, None]),
            ):
                if len(rows):
                    position[rows], dist[rows] = self._nearest_candidates(
                        lon, lat, rows, c, near, k, threads
                    )
            todo = todo[~done]
            asked = min(len(self), asked * 2)
        return Nearest(position, dist)

    def _nearest_candidates(
        self,
        lon: np.ndarray,
        lat: np.ndarray,
        rows: np.ndarray,
        cand: np.ndarray,
        near: np.ndarray | None,
        k: int,
        threads: bool = True,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Rows and km of the ``k`` nearest of each point's candidates (tree positions).

        Only the candidates ``near`` (all when ``None``) are measured; equal
        distances go to the earlier row.
        """
        measure = geodesic_km_threads if threads else geodesic_km
        if near is None:  # no mask: every candidate is measured
            point_of = np.repeat(rows, cand.shape[1])
            d = measure(
                lon[point_of], lat[point_of], self._lon[cand.ravel()], self._lat[cand.ravel()]
            ).reshape(cand.shape)
        else:
            d = np.full(cand.shape, np.inf)
            point_of = np.broadcast_to(rows[:, None], cand.shape)[near]
            d[near] = measure(
                lon[point_of], lat[point_of], self._lon[cand[near]], self._lat[cand[near]]
            )
        if cand.shape[1] > 1:
            order = np.lexsort((cand, d), axis=-1)[:, :k]
            cand, d = np.take_along_axis(cand, order, -1), np.take_along_axis(d, order, -1)
        return self._rows[cand], d

    def within(self, lon: Any, lat: Any, *, km: float) -> Within:
        """The places within ``km`` of each point.

        Parameters
        ----------
        lon, lat : array_like
            1-D, same length: longitudes in [-180, 180] and latitudes in
            [-90, 90], degrees, EPSG:4326.
        km : float
            Radius, geodesic kilometres (>= 0).  A place exactly ``km`` away
            is included (the disk is closed).

        Returns
        -------
        Within

        Raises
        ------
        UsageError
            If a coordinate is not finite or out of range, or ``km`` is
            negative or not finite.
        """
        lon, lat = check_lon_lat_arrays(lon, lat)
        km = check_km(km)
        empty = np.zeros(0, dtype=np.int64)
        if not len(self) or len(lon) == 0:
            return Within(empty, empty.copy(), np.zeros(0))
        theta = slack(km / R_MIN_KM)
        radius = 2.0 * math.sin(theta / 2.0) if theta < math.pi else 2.0
        radius = radius * (1 + REL_SLACK) + ABS_SLACK
        from scipy.spatial import cKDTree

        pairs = cKDTree(unit_vectors(lon, lat)).sparse_distance_matrix(
            self._tree, radius, output_type="ndarray"
        )
        point = pairs["i"].astype(np.int64)
        cand = pairs["j"].astype(np.int64)
        d = geodesic_km(lon[point], lat[point], self._lon[cand], self._lat[cand])
        keep = d <= km
        point, cand, d = point[keep], cand[keep], d[keep]
        order = np.lexsort((cand, d, point))
        return Within(point[order], self._rows[cand[order]], d[order])


def _largest(values: np.ndarray, count: int) -> tuple[np.ndarray, np.ndarray]:
    """Columns of the ``count`` largest values of each row (in no order), and the least of them.

    ``values`` is changed (the picked entries become ``-inf``).
    """
    if count > 8:
        pick = np.argpartition(-values, count - 1, axis=1)[:, :count]
        return pick, np.take_along_axis(values, pick, axis=1).min(axis=1)
    rows = np.arange(len(values))
    pick = np.empty((len(values), count), dtype=np.intp)
    least = np.empty(len(values))
    for i in range(count):  # a few passes of argmax beat a partition of every row
        pick[:, i] = values.argmax(axis=1)
        least = values[rows, pick[:, i]]
        values[rows, pick[:, i]] = -np.inf
    return pick, least


def nearest_many(
    places: gpd.GeoDataFrame,
    lon: Any,
    lat: Any,
    *,
    k: int = 1,
    kind: str | None = None,
) -> Nearest:
    """The ``k`` places nearest to each of many points, vectorised.

    Parameters
    ----------
    places : geopandas.GeoDataFrame
        Point places, EPSG:4326 (``atlas.places``).
    lon, lat : array_like
        1-D, same length: degrees, EPSG:4326, ``lon`` in [-180, 180], ``lat``
        in [-90, 90].
    k : int
        Places per point (>= 1), capped at the number of places.
    kind : str, optional
        Only places of this kind.

    Returns
    -------
    Nearest
        Row positions in the places frame and geodesic distances (WGS84, km).

    Examples
    --------
    >>> import geopandas as gpd
    >>> places = gpd.GeoDataFrame(
    ...     {"id": ["samur", "wco-hq"], "kind": ["border_post", "hq"]},
    ...     geometry=gpd.points_from_xy([48.47, 4.37], [41.86, 50.85]), crs="EPSG:4326")
    >>> found = nearest_many(places, [48.43, 4.40, 10.0], [41.64, 50.80, 45.0])
    >>> places["id"].to_numpy()[found.position[:, 0]].tolist()
    ['samur', 'wco-hq', 'wco-hq']
    >>> found.distance_km[:, 0].round(1).tolist()
    [24.7, 6.0, 774.2]
    """
    return PlaceIndex(places, kind=kind).nearest(lon, lat, k=k)


def within_many(
    places: gpd.GeoDataFrame,
    lon: Any,
    lat: Any,
    *,
    km: float,
    kind: str | None = None,
) -> Within:
    """The places within ``km`` geodesic kilometres of each of many points, vectorised.

    Parameters
    ----------
    places : geopandas.GeoDataFrame
        Point places, EPSG:4326 (``atlas.places``).
    lon, lat : array_like
        1-D, same length: degrees, EPSG:4326.
    km : float
        Radius (>= 0); a place exactly ``km`` away is included.
    kind : str, optional
        Only places of this kind.

    Returns
    -------
    Within
        (point, row position, distance) triples sorted by point then distance.
    """
    return PlaceIndex(places, kind=kind).within(lon, lat, km=km)


def place_coordinates(places: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray]:
    """``(lon, lat)`` arrays of point places, EPSG:4326 degrees."""
    if not isinstance(places, gpd.GeoDataFrame):
        msg = (
            f"Got places of type {type(places).__name__}; `places` must be a GeoDataFrame "
            "of point places (such as atlas.places)"
        )
        raise UsageError(msg)
    if places.crs is not None and places.crs != _WGS84:
        places = places.to_crs("EPSG:4326")
    geoms = np.asarray(places.geometry.values)
    kinds = shapely.get_type_id(geoms)
    bad = np.flatnonzero((kinds != shapely.GeometryType.POINT) | shapely.is_empty(geoms))
    if len(bad):
        row = int(bad[0])
        msg = (
            f"Got {len(bad)} place(s) without a point geometry, the first at row {row} "
            f"({geoms[row]!r}); places must be points"
        )
        raise UsageError(msg)
    xy = shapely.get_coordinates(geoms)
    return xy[:, 0].copy(), xy[:, 1].copy()
