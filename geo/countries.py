"""Country polygons and the rule that puts a point in a country.

The polygons are Natural Earth admin-0 at 1:10m (see
``data/countries.provenance.json``), one row per unit with its ISO 3166-1
alpha-3 code.  Coordinates are EPSG:4326, ``(lon, lat)`` in degrees.

The rule (:meth:`CountryIndex.locate_many`), applied to each point:

1. **Covered by**: the polygons that cover the point (a point on a boundary is
   covered by the polygons on both sides).  When several do, the one with the
   alphabetically first ISO3 code wins, so that the answer is stable; a point
   exactly on a shared border is a tie that no data can break.
2. **Nearest within a tolerance**: otherwise the polygon nearest to the point
   by geodesic distance (WGS84), if it is within ``tolerance_km`` (default
   :data:`COAST_TOLERANCE_KM`, 25 km: territorial waters reach 22 km).  This
   resolves ports, coastal cities and islands drawn a little off by the
   coastline's generalisation.
3. **At sea**: no country.

Calls first look each point up in a raster of 1/8-degree cells, when it pays:
the raster is built once per country layer (about a second) by the first call
of at least ``_GRID_MIN_POINTS`` points and kept in the cache
(:mod:`geo.cache`), from which a call of ``_GRID_LOAD_MIN_POINTS`` reads it
(a few hundredths of a second); once in memory, every call uses it.  A cell
that no polygon boundary comes near is wholly inside one country, or wholly at
sea more than the tolerance from any coast; only points in the other cells
(about 8 % of random points) go through the steps above, and a second level
of 1/64-degree cells in the cells a boundary crosses answers most of those
too, or sends the points outside every polygon to step 2 at once (near a
coast, half the points).  The raster is exact,
not an approximation: it answers only where the rule's answer is provably the
same for every point of the cell (see :func:`_build_answer_grid`).
"""

from __future__ import annotations

import io
import logging
import lzma
import math
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely

from geo import cache
from geo.errors import DataError, Problem
from geo.fileio import read_data_bytes
from geo.sphere import A_KM, R_MAX_KM, R_MIN_KM, geodesic_km, local_radii_km

if TYPE_CHECKING:  # geopandas is imported when a layer is parsed: a cached one needs none
    import geopandas as gpd

__all__ = ["COAST_TOLERANCE_KM", "CountryIndex", "load_country_index"]

log = logging.getLogger(__name__)

#: How far off the coast (geodesic km) a point still belongs to the nearest country.
COAST_TOLERANCE_KM = 25.0
_KM_PER_DEG = 111.32
# rule codes returned by locate_many
INSIDE, NEAREST, NONE = 0, 1, 2
#: Calls with at least this many points use the answer raster (the first one builds it).
_GRID_MIN_POINTS = 50_000
#: Calls with at least this many points read the answer raster from the cache when it is there.
_GRID_LOAD_MIN_POINTS = 5_000
#: Cell size of the answer raster, degrees (a power of two, so cell edges are exact).
_GRID_CELL_DEG = 0.125
#: Cells of the answer raster's second level across one cell of the first (a power of two).
_FINE = 8
# raster codes besides a country row (>= 0): at sea, ask the whole rule, outside every
# polygon (ask the nearest step only)
_SEA, _EXACT, _NEAR = -1, -2, -3


@dataclass(frozen=True)
class Located:
    """Vectorised result of :meth:`CountryIndex.locate_many`.

    Attributes
    ----------
    row : numpy.ndarray
        Row of the country frame for each point, ``-1`` when none.
    distance_km : numpy.ndarray
        Geodesic distance to that country (0 when inside), ``nan`` when none.
    """

    row: np.ndarray
    distance_km: np.ndarray


class CountryIndex:
    """Country polygons with a spatial index.

    Parameters
    ----------
    frame : geopandas.GeoDataFrame
        Columns ``iso3``, ``name`` and a polygon geometry, EPSG:4326.
    """

    def __init__(self, frame: gpd.GeoDataFrame) -> None:
        self._setup(frame.reset_index(drop=True), None, _RasterSlot(None))

    def _setup(
        self,
        frame: gpd.GeoDataFrame,
        pieces: tuple[np.ndarray, np.ndarray, np.ndarray] | None,
        raster: _RasterSlot,
        geoms: np.ndarray | None = None,
        bounds: np.ndarray | None = None,
    ) -> None:
        """Index ``frame`` (or ``geoms``, copies of its geometries).

        ``pieces`` (of :func:`_boundary_pieces`, from a cache entry or another
        index) spare cutting the boundaries again, and their ``bounds``
        measuring them.
        """
        self.frame = frame
        self._geoms = np.asarray(frame.geometry.values) if geoms is None else geoms
        # Index the parts of multipolygons: France's overseas departments would
        # otherwise give it a bounding box as wide as the world.
        self._parts, self._part_row = shapely.get_parts(self._geoms, return_index=True)
        shapely.prepare(self._parts)
        self._tree = shapely.STRtree(self._parts)
        # Boundaries cut into short pieces: the nearest point of a polygon to a
        # point outside it lies on its boundary, and short pieces keep both the
        # index query and the distance computation cheap.
        if pieces is None:
            pieces = _boundary_pieces(self._parts, self._part_row)
        self._piece_xy, self._piece_len, self._edge_row = pieces
        # longitudes and latitudes apart, each row contiguous: what the distances read
        self._piece_x = np.ascontiguousarray(self._piece_xy[:, :, 0])
        self._piece_y = np.ascontiguousarray(self._piece_xy[:, :, 1])
        self._edges = _piece_lines(self._piece_xy, self._piece_len)
        self._edge_tree = shapely.STRtree(self._edges)
        # (min_lon, min_lat, max_lon, max_lat) of each piece
        self._piece_bounds = (
            np.column_stack([self._piece_xy.min(axis=1), self._piece_xy.max(axis=1)])
            if bounds is None
            else bounds
        )
        self._iso3 = self.frame["iso3"].to_numpy()
        # rank of each row's iso3 in alphabetical order, for the tie rule
        order = np.argsort(self._iso3, kind="stable")
        self._rank = np.empty(len(order), dtype=np.int64)
        self._rank[order] = np.arange(len(order))
        self._by_iso3: dict[str, list[int]] = {}
        for i, code in enumerate(self._iso3):
            self._by_iso3.setdefault(str(code), []).append(i)
        self._raster = raster

    def clone(self) -> CountryIndex:
        """The same index with geometries of its own, for another thread.

        GEOS prepares a polygon's point-in-polygon index lazily, on first use,
        and that is not safe from two threads at once: each thread that asks
        this index runs on a clone.  The answer raster and the arrays are shared
        (they are only read).
        """
        twin = object.__new__(CountryIndex)
        pieces = (self._piece_xy, self._piece_len, self._edge_row)
        geoms = shapely.from_wkb(shapely.to_wkb(self._geoms))
        twin._setup(self.frame, pieces, self._raster, geoms, self._piece_bounds)
        return twin

    @property
    def codes(self) -> frozenset[str]:
        """The ISO3 codes that have a polygon."""
        return frozenset(self._by_iso3)

    def locate_many(
        self, lon: np.ndarray, lat: np.ndarray, *, tolerance_km: float = COAST_TOLERANCE_KM
    ) -> Located:
        """Find the country row of many points by the module's rule.

        Parameters
        ----------
        lon, lat : numpy.ndarray
            Longitudes in [-180, 180] and latitudes in [-90, 90], degrees, EPSG:4326.
        tolerance_km : float
            Geodesic distance within which a point outside every polygon goes
            to the nearest one.

        Returns
        -------
        Located
            Row and distance per point.
        """
        lon = np.asarray(lon, dtype=float)
        lat = np.asarray(lat, dtype=float)
        grid = self._raster.get(self, len(lon))
        if grid is None:
            return self._locate_exact(lon, lat, tolerance_km)
        code = grid.lookup(lon, lat)
        row = np.where(code >= 0, code, -1).astype(np.int64)
        dist = np.where(code >= 0, 0.0, np.nan)
        # outside every polygon: only the nearest step can give a country (sea cells are sure
        # to be at sea for the raster's tolerance or any smaller one)
        outside = code == _NEAR
        if tolerance_km > grid.tolerance_km:
            outside |= code == _SEA
        todo = np.flatnonzero(code == _EXACT)
        found = self._locate_exact(lon[todo], lat[todo], tolerance_km)
        row[todo] = found.row
        dist[todo] = found.distance_km
        if tolerance_km > 0 and outside.any():
            self._nearest(lon, lat, np.flatnonzero(outside), tolerance_km, row, dist)
        return Located(row, dist)

    def _answer_grid(self) -> _AnswerGrid:
        """The answer raster: in memory, else read from the cache, else built (thread-safe)."""
        return self._raster.get_or_build(self)

    def _locate_exact(self, lon: np.ndarray, lat: np.ndarray, tolerance_km: float) -> Located:
        """The rule, point by point through the spatial indexes (no raster)."""
        n = len(lon)
        row = np.full(n, -1, dtype=np.int64)
        dist = np.full(n, np.nan)
        if n == 0:
            return Located(row, dist)
        pt_idx, poly_idx = self._covering(lon, lat)
        if len(pt_idx):
            # for each point keep the covering polygon with the lowest iso3 rank
            order = np.lexsort((self._rank[poly_idx], pt_idx))
            pt_sorted, poly_sorted = pt_idx[order], poly_idx[order]
            first = np.ones(len(pt_sorted), dtype=bool)
            first[1:] = pt_sorted[1:] != pt_sorted[:-1]
            row[pt_sorted[first]] = poly_sorted[first]
            dist[pt_sorted[first]] = 0.0
        missing = np.flatnonzero(row < 0)
        if len(missing) and tolerance_km > 0:
            self._nearest(lon, lat, missing, tolerance_km, row, dist)
        return Located(row, dist)

    def _covering(self, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(point, country row) pairs where the country's polygon covers the point."""
        pt_idx, part_idx = self._tree.query(shapely.points(lon, lat))
        if not len(pt_idx):
            return pt_idx, part_idx
        # intersects_xy uses the prepared parts: fast, and true on the boundary; in one call,
        # which leaves the GIL to other threads while GEOS works
        keep = shapely.intersects_xy(self._parts[part_idx], lon[pt_idx], lat[pt_idx])
        return pt_idx[keep], self._part_row[part_idx[keep]]

    def _nearest(
        self,
        lon: np.ndarray,
        lat: np.ndarray,
        which: np.ndarray,
        tolerance_km: float,
        row: np.ndarray,
        dist: np.ndarray,
    ) -> None:
        # Search radius in degrees: wide enough in longitude at this latitude.
        cos_lat = np.maximum(np.cos(np.radians(np.abs(lat[which]))), 1e-6)
        radius = np.minimum(tolerance_km / (_KM_PER_DEG * cos_lat) * 1.01, 360.0)
        best = np.full(len(which), np.inf)
        best_row = np.full(len(which), -1, dtype=np.int64)
        for shift in (0.0, 360.0, -360.0):  # candidates across the antimeridian
            shifted = lon[which] + shift
            if shift:
                near = (shifted - radius <= 180.0) & (shifted + radius >= -180.0)
            else:
                near = np.ones(len(which), dtype=bool)
            if not near.any():
                continue
            local = np.flatnonzero(near)
            pt_i, edge_i, d_km = self._piece_distances(
                shifted[local], lat[which][local], radius[local], shift, tolerance_km
            )
            if not len(pt_i):
                continue
            poly_i = self._edge_row[edge_i]
            # per point, the nearest polygon (ties: lowest iso3 rank)
            order = np.lexsort((self._rank[poly_i], d_km, pt_i))
            first = np.ones(len(order), dtype=bool)
            first[1:] = pt_i[order][1:] != pt_i[order][:-1]
            pick = order[first]
            j = local[pt_i[pick]]
            better = (d_km[pick] < best[j]) | (
                (d_km[pick] == best[j]) & (self._rank[poly_i[pick]] < self._rank[best_row[j]])
            )
            best[j[better]] = d_km[pick][better]
            best_row[j[better]] = poly_i[pick][better]
        ok = best <= tolerance_km
        row[which[ok]] = best_row[ok]
        dist[which[ok]] = best[ok]

    def _piece_distances(
        self,
        lon: np.ndarray,
        lat: np.ndarray,
        radius: np.ndarray,
        shift: float,
        tolerance_km: float,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(point, piece, km) candidates: the rule's nearest boundary piece of each point.

        The rule: the pieces within ``radius`` degrees of the point (planar
        distance in lon/lat, the search circle), each measured by the geodesic
        to its nearest point in a local frame (:func:`_nearest_on_pieces`); the
        caller keeps the smallest (ties: lowest ISO3 rank).  ``lon`` is shifted
        by ``shift`` degrees (to reach across the antimeridian).

        Done without measuring every piece in the circle: a lower bound of the
        distance from a point to a piece comes from the gaps between the point
        and the piece's bounding box (along a geodesic,
        ``ds**2 >= (M_min dphi)**2 + (a cos(phi_max) dlambda)**2``, ``phi_max``
        the largest latitude a geodesic within the tolerance can reach).
        Pieces whose bound exceeds the tolerance, or exceeds the measured
        distance to the piece of smallest bound, cannot be the answer.  Of the
        rest, the nearest is returned if it lies in the search circle (almost
        always); a point whose nearest does not is done the long way.
        """
        reach_lat = _reach_lat_deg(tolerance_km)
        half_height = np.minimum(radius, reach_lat)  # farther in latitude is beyond the tolerance
        boxes = shapely.box(lon - radius, lat - half_height, lon + radius, lat + half_height)
        pt_i, edge_i = self._edge_tree.query(boxes)
        lower = self._lower_km(lon, lat, pt_i, edge_i, reach_lat)
        keep = lower <= tolerance_km
        pt_i, edge_i, lower = pt_i[keep], edge_i[keep], lower[keep]
        if not len(pt_i):
            return pt_i, edge_i, np.zeros(0)
        # per point, the piece of smallest lower bound, measured: an upper bound of the answer
        order = np.lexsort((lower, pt_i))
        seed = np.zeros(len(pt_i), dtype=bool)
        seed[order[np.r_[True, pt_i[order][1:] != pt_i[order][:-1]]]] = True
        km = np.full(len(pt_i), np.inf)
        near = np.zeros((len(pt_i), 2))
        km[seed], near[seed, 0], near[seed, 1] = self._rule_km(
            lon, lat, pt_i[seed], edge_i[seed], shift, tolerance_km
        )
        upper = np.full(len(lon), np.inf)
        upper[pt_i[seed]] = km[seed] * (1 + 1e-9) + 1e-9
        rest = ~seed & (lower <= upper[pt_i])
        km[rest], near[rest, 0], near[rest, 1] = self._rule_km(
            lon, lat, pt_i[rest], edge_i[rest], shift, tolerance_km
        )
        # per point, the nearest measured piece (ties: lowest rank), as the caller picks
        order = np.lexsort((self._rank[self._edge_row[edge_i]], km, pt_i))
        best = order[np.r_[True, pt_i[order][1:] != pt_i[order][:-1]]]
        best = best[km[best] <= tolerance_km]  # farther: no answer, whichever piece it is
        # in the circle if the piece's point found is; else measure the whole piece
        q = pt_i[best]
        inside = np.hypot(near[best, 0] - lon[q], near[best, 1] - lat[q]) <= radius[q]
        if not inside.all():
            check = best[~inside]
            inside[~inside] = _within_degrees(
                self._piece_xy[edge_i[check]],
                lon[pt_i[check]],
                lat[pt_i[check]],
                radius[pt_i[check]],
            )
        if inside.all():
            return pt_i[best], edge_i[best], km[best]
        # outside the search circle: do these points as the rule does, piece by piece
        redo = pt_i[best[~inside]]
        points = shapely.points(lon[redo], lat[redo])
        r_i, r_edge = self._edge_tree.query(points, predicate="dwithin", distance=radius[redo])
        r_pt = redo[r_i]
        r_km = self._rule_km(lon, lat, r_pt, r_edge, shift, tolerance_km)[0]
        ok = best[inside]
        return (np.r_[pt_i[ok], r_pt], np.r_[edge_i[ok], r_edge], np.r_[km[ok], r_km])

    def _lower_km(
        self,
        lon: np.ndarray,
        lat: np.ndarray,
        pt_i: np.ndarray,
        edge_i: np.ndarray,
        reach_lat: float,
    ) -> np.ndarray:
        """Lower bound (km) of the geodesic distance from points to any point of pieces."""
        qlon, qlat = lon[pt_i], lat[pt_i]
        bounds = self._piece_bounds[edge_i]
        gap_lon = np.maximum(np.maximum(bounds[:, 0] - qlon, qlon - bounds[:, 2]), 0.0)
        gap_lat = np.maximum(np.maximum(bounds[:, 1] - qlat, qlat - bounds[:, 3]), 0.0)
        phi_max = np.minimum(np.abs(qlat) + reach_lat, 90.0)
        cos_max = np.maximum(np.cos(np.radians(phi_max)), 0.0)
        lower = np.hypot(R_MIN_KM * np.radians(gap_lat), A_KM * cos_max * np.radians(gap_lon))
        return np.asarray(lower * (1 - 1e-9))

    def _rule_km(
        self,
        lon: np.ndarray,
        lat: np.ndarray,
        pt_i: np.ndarray,
        edge_i: np.ndarray,
        shift: float,
        tolerance_km: float = math.inf,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Geodesic km from points to the local-frame nearest point of pieces, and that point.

        The km is ``inf`` where it cannot be the point's answer; the nearest
        point's lon is in the frame of the shifted ``lon``.
        """
        if not len(pt_i):
            return np.zeros(0), np.zeros(0), np.zeros(0)
        qlon, qlat = lon[pt_i], lat[pt_i]
        near_lon, near_lat = _nearest_on_pieces(self._piece_x, self._piece_y, edge_i, qlon, qlat)
        km = _geodesic_km_if_needed(qlon - shift, qlat, near_lon, near_lat, pt_i, tolerance_km)
        return km, near_lon, near_lat

    def distance_km(self, lon: float, lat: float, iso3: str) -> float:
        """Geodesic distance (km, WGS84) from a point to a country; 0 inside, ``inf`` if unknown.

        The nearest point of the country is found in the ellipsoid's local
        frame at the point (as for the rule: see :func:`_nearest_on_pieces`)
        and the distance to it measured on the ellipsoid; the point is also
        tried shifted by 360 degrees so that countries across the antimeridian
        are near.
        """
        rows = self._by_iso3.get(iso3)
        if not rows:
            return math.inf
        meridional, prime = local_radii_km(np.array([lat]))
        k = float(prime[0] * math.cos(math.radians(lat)) / meridional[0])
        best = math.inf
        for shift in (0.0, 360.0, -360.0):
            x0 = lon + shift

            def local(xy: np.ndarray, x0: float = x0) -> np.ndarray:
                return np.column_stack([(xy[:, 0] - x0) * k, xy[:, 1] - lat])

            origin = shapely.Point(0.0, 0.0)
            for r in rows:
                geom = self._geoms[r]
                if shapely.intersects(geom, shapely.Point(x0, lat)):
                    return 0.0
                line = shapely.shortest_line(origin, shapely.transform(geom, local))
                _, (x1, y1) = shapely.get_coordinates(line)
                near_lon = x1 / k + x0 - shift if k > 0 else lon
                d_km = geodesic_km(
                    np.array([lon]), np.array([lat]), np.array([near_lon]), np.array([y1 + lat])
                )
                best = min(best, float(d_km[0]))
        return best


class _RasterSlot:
    """The answer raster of one country layer, shared by an index and its clones.

    ``cache_key`` is the layer's key in :mod:`geo.cache` (``None``: a layer
    built from a frame, whose raster is kept in memory only).
    """

    def __init__(self, cache_key: str | None) -> None:
        self.cache_key = cache_key
        self.grid: _AnswerGrid | None = None
        self.lock = threading.Lock()
        self.read_tried = False

    def get(self, index: CountryIndex, n: int) -> _AnswerGrid | None:
        """The raster for a call of ``n`` points, or ``None`` when it does not pay."""
        if self.grid is not None:
            return self.grid
        if n >= _GRID_MIN_POINTS:
            return self.get_or_build(index)
        if n < _GRID_LOAD_MIN_POINTS or self.read_tried:
            return None
        with self.lock:
            if self.grid is None and not self.read_tried:
                self.grid = self._read(index)
                self.read_tried = True
            return self.grid

    def get_or_build(self, index: CountryIndex) -> _AnswerGrid:
        """The raster: in memory, else from the cache, else built (and cached)."""
        with self.lock:
            if self.grid is None and not self.read_tried:
                self.grid = self._read(index)
                self.read_tried = True
            if self.grid is None:
                self.grid = _build_answer_grid(index, _GRID_CELL_DEG, COAST_TOLERANCE_KM)
                self._write(self.grid)
            return self.grid

    def _key(self) -> str | None:
        if self.cache_key is None:
            return None
        return cache.entry_key(
            "raster", self.cache_key, _GRID_CELL_DEG, COAST_TOLERANCE_KM, "levels", _FINE
        )

    def _read(self, index: CountryIndex) -> _AnswerGrid | None:
        key = self._key()
        arrays = cache.load("raster", key) if key is not None else None
        if arrays is None:
            return None
        codes, cells, fine = (arrays.get(k) for k in ("codes", "fine_cells", "fine_codes"))
        shape = (round(180.0 / _GRID_CELL_DEG), round(360.0 / _GRID_CELL_DEG))
        if (
            codes is None
            or cells is None
            or fine is None
            or codes.shape != shape
            or codes.dtype.kind != "i"
            or int(codes.min()) < _NEAR
            or int(codes.max()) >= len(index.frame)
            or cells.ndim != 1
            or cells.dtype.kind != "i"
            or fine.shape != (len(cells), _FINE, _FINE)
            or fine.dtype.kind != "i"
            or not _fits_fine_level(codes, cells, fine, len(index.frame))
        ):
            log.debug("cache: the raster entry does not fit this country layer: ignored")
            return None
        return _AnswerGrid(codes, _GRID_CELL_DEG, COAST_TOLERANCE_KM, cells.astype(np.int64), fine)

    def _write(self, grid: _AnswerGrid) -> None:
        key = self._key()
        if key is not None:
            arrays = {"codes": grid.codes, "fine_cells": grid.fine_cells, "fine_codes": grid.fine}
            cache.store("raster", key, arrays, compress=True, keep=2)


def _fits_fine_level(codes: np.ndarray, cells: np.ndarray, fine: np.ndarray, rows: int) -> bool:
    """Whether a cached second level fits its first: blocks of ``_EXACT`` cells, in order."""
    if not len(cells):
        return True
    return bool(
        np.all(np.diff(cells) > 0)
        and cells[0] >= 0
        and cells[-1] < codes.size
        and np.all(codes.ravel()[cells] == _EXACT)
        and int(fine.min()) >= _NEAR
        and int(fine.max()) < rows
    )


@dataclass(frozen=True)
class _AnswerGrid:
    """The rule's answer per raster cell, in two levels.

    A code is a country row, ``_SEA``, ``_NEAR`` (outside every polygon: the
    nearest step decides) or ``_EXACT`` (ask the whole rule).  Cell ``[iy, ix]``
    spans longitudes ``-180 + ix * cell_deg`` to ``-180 + (ix + 1) * cell_deg``
    and latitudes ``-90 + iy * cell_deg`` to ``-90 + (iy + 1) * cell_deg``, edges
    included.  An ``_EXACT`` cell listed in ``fine_cells`` (flat indices
    ``iy * nx + ix``, increasing) has a block of ``fine`` that splits it into
    ``_FINE x _FINE`` cells the same way, with codes of their own.
    """

    codes: np.ndarray
    cell_deg: float
    tolerance_km: float
    fine_cells: np.ndarray
    fine: np.ndarray

    def lookup(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        """The code of each point's cell; ``_EXACT`` for a non-finite or out-of-range point."""
        ny, nx = self.codes.shape
        with np.errstate(invalid="ignore"):
            valid = (np.abs(lon) <= 180.0) & (np.abs(lat) <= 90.0)
        # non-negative, so truncation is floor; 180 and 90 fall in the last cell
        x = np.where(valid, lon, 0.0) + 180.0
        y = np.where(valid, lat, 0.0) + 90.0
        ix = np.minimum((x / self.cell_deg).astype(np.intp), nx - 1)
        iy = np.minimum((y / self.cell_deg).astype(np.intp), ny - 1)
        code = self.codes[iy, ix]
        code[~valid] = _EXACT
        todo = np.flatnonzero(code == _EXACT)
        if len(todo) and len(self.fine_cells):
            flat = iy[todo] * nx + ix[todo]
            block = np.minimum(np.searchsorted(self.fine_cells, flat), len(self.fine_cells) - 1)
            has = (self.fine_cells[block] == flat) & valid[todo]
            todo, block = todo[has], block[has]
            # cell_deg / _FINE is a power of two: the division is cell_deg's times _FINE exactly,
            # so the fine cell lies in the coarse one (180 and 90 in the last one)
            fine_deg = self.cell_deg / _FINE
            sx = (x[todo] / fine_deg).astype(np.intp) - ix[todo] * _FINE
            sy = (y[todo] / fine_deg).astype(np.intp) - iy[todo] * _FINE
            code[todo] = self.fine[block, np.clip(sy, 0, _FINE - 1), np.clip(sx, 0, _FINE - 1)]
        return np.asarray(code)


def _build_answer_grid(index: CountryIndex, cell_deg: float, tolerance_km: float) -> _AnswerGrid:
    """Raster the rule of :meth:`CountryIndex.locate_many` where it is the same for a whole cell.

    1. **Boundary cells** (``_EXACT``): every cell that a polygon boundary
       (any ring of any part, as straight segments in lon/lat) passes within
       ``_EPS_DEG`` of.  Segments are first cut to half a cell, so that each
       one's bounding box spans at most 2 x 2 cells.
    2. **The rest** splits into 4-connected components with no boundary in
       them or on their edges, so covered-by gives the same countries for every
       point of a component: the centre of one of its cells is tested by the
       rule's own covered-by step.  One country: that country's row.  Several
       (overlapping polygons): ``_EXACT``.
    3. **None**: ``_SEA`` if no boundary cell lies within the tolerance, else
       ``_NEAR`` (outside every polygon: the nearest step decides).  A point
       outside every polygon is nearest to a boundary point; a geodesic of
       length ``d`` changes latitude by at most
       ``d / M_min`` (``M_min`` the smallest meridional radius of curvature)
       and longitude by at most ``d / (a cos(phi_max))``, ``phi_max`` being
       the largest latitude the geodesic can reach; cells are dilated by those
       margins (wrapping at the antimeridian; rows near a pole are all
       ``_NEAR``).  The rule's nearest step measures the geodesic distance
       to a boundary point, never less than the true distance, so beyond the
       margins it finds nothing within the tolerance either.
    4. **A second level** splits each boundary cell into ``_FINE x _FINE``
       cells and makes steps 1 and 2 again in it (:func:`_fine_level`): near
       a coast or a border, most points are then answered by their fine cell,
       or go to the nearest step without the covered-by one.

    A lookup maps a point to a cell by a floor whose rounding error (about
    1e-14 degree) is far below ``_EPS_DEG``, so a point near a cell edge gets
    a cell whose answer holds for it too.
    """
    from scipy import ndimage

    nx, ny = round(360.0 / cell_deg), round(180.0 / cell_deg)
    crossed = np.zeros(ny * nx, dtype=bool)
    crossed[_touched_cells(index._piece_xy, cell_deg, nx, ny)] = True
    boundary = crossed.reshape(ny, nx)

    # components free of boundary; labels are numbered in raster order, so each
    # label first appears where the running maximum of the labels steps up
    labels, count = ndimage.label(~boundary)
    flat = labels.ravel()
    rep_y, rep_x = np.divmod(_one_cell_of_each_label(flat, count), nx)
    per_label = _label_answers(
        index, -180.0 + (rep_x + 0.5) * cell_deg, -90.0 + (rep_y + 0.5) * cell_deg, _SEA
    )
    codes = np.where(flat == 0, _EXACT, per_label[flat - 1]).astype(np.int32).reshape(ny, nx)

    # cells within the tolerance of a boundary cell cannot be called at sea
    margin_lat = math.degrees(tolerance_km / R_MIN_KM)
    near = ndimage.maximum_filter1d(
        boundary.view(np.uint8),
        size=2 * (math.ceil(margin_lat / cell_deg) + 1) + 1,
        axis=0,
        mode="constant",
    )
    edges = -90.0 + np.arange(ny + 1) * cell_deg
    phi_max = np.maximum(np.abs(edges[:-1]), np.abs(edges[1:])) + margin_lat
    polar = phi_max >= 89.5
    cos_phi = np.cos(np.radians(np.where(polar, 0.0, phi_max)))
    margin_lon = np.degrees(tolerance_km / (A_KM * cos_phi)) * 1.01
    width = np.where(polar, nx, np.ceil(margin_lon / cell_deg) + 1).astype(np.intp)
    near_lon = np.ones_like(near)
    for w in np.unique(width):
        rows_w = np.flatnonzero(width == w)
        if 2 * w + 1 < nx:
            near_lon[rows_w] = ndimage.maximum_filter1d(
                near[rows_w], size=2 * w + 1, axis=1, mode="wrap"
            )
    codes[(codes == _SEA) & near_lon.astype(bool)] = _NEAR
    cells = np.flatnonzero(boundary.ravel())
    fine = _fine_level(index, cells, cell_deg, nx, ny)
    if len(index.frame) <= np.iinfo(np.int16).max:
        codes = codes.astype(np.int16)  # half the memory, and a smaller cache entry
        fine = fine.astype(np.int16)
    return _AnswerGrid(codes, cell_deg, tolerance_km, cells.astype(np.int64), fine)


def _touched_cells(piece_xy: np.ndarray, cell_deg: float, nx: int, ny: int) -> np.ndarray:
    """Flat indices ``iy * nx + ix`` (repeated) of the cells a boundary passes within
    ``_EPS_DEG`` of, on the world raster of ``cell_deg`` cells.

    Segments are first cut to half a cell, so that each one's bounding box
    (widened by ``_EPS_DEG``) spans at most 2 x 2 cells: the cells it touches
    are those of its corners.
    """
    start = piece_xy[:, :-1, :].reshape(-1, 2)
    stop = piece_xy[:, 1:, :].reshape(-1, 2)
    cuts = np.maximum(np.ceil(np.abs(stop - start).max(axis=1) / (cell_deg / 2)), 1).astype(np.intp)
    seg = np.repeat(np.arange(len(start)), cuts)
    step = np.arange(len(seg)) - np.repeat(np.cumsum(cuts) - cuts, cuts)
    delta = (stop - start)[seg] / np.repeat(cuts, cuts)[:, None]
    a = start[seg] + delta * step[:, None]
    b = a + delta
    lo = np.minimum(a, b) - _EPS_DEG
    hi = np.maximum(a, b) + _EPS_DEG
    ix0, ix1 = (
        np.clip(((v + 180.0) // cell_deg).astype(np.int64), 0, nx - 1) for v in (lo[:, 0], hi[:, 0])
    )
    iy0, iy1 = (
        np.clip(((v + 90.0) // cell_deg).astype(np.int64), 0, ny - 1) for v in (lo[:, 1], hi[:, 1])
    )
    corners = [
        np.minimum(iy0 + dy, iy1) * nx + np.minimum(ix0 + dx, ix1) for dx in (0, 1) for dy in (0, 1)
    ]
    return np.concatenate(corners)


def _fine_level(
    index: CountryIndex, cells: np.ndarray, cell_deg: float, nx: int, ny: int
) -> np.ndarray:
    """The second level of the answer raster: a block of codes for each boundary cell.

    ``cells`` are the flat indices of the first level's boundary cells.  Each
    one is split into ``_FINE x _FINE`` cells, and the first level's argument
    is made again inside each block: a fine cell that a boundary passes within
    ``_EPS_DEG`` of is ``_EXACT``; the others split into 4-connected components
    (within the block) with no boundary in them or on their edges, where the
    covered-by step gives the same countries to every point: the centre of one
    cell of each is tested.  One country: its row; several: ``_EXACT``; none:
    ``_NEAR`` (the point is outside every polygon, and the nearest step alone
    decides, for any tolerance).
    """
    from scipy import ndimage

    fine_deg = cell_deg / _FINE
    if not len(cells):
        return np.zeros((0, _FINE, _FINE), dtype=np.int32)
    touched = _touched_cells(index._piece_xy, fine_deg, nx * _FINE, ny * _FINE)
    fy, fx = np.divmod(touched, nx * _FINE)
    coarse = (fy // _FINE) * nx + fx // _FINE
    block = np.minimum(np.searchsorted(cells, coarse), len(cells) - 1)
    ok = cells[block] == coarse  # a fine cell touched only by the widened box of a segment
    crossed = np.zeros((len(cells), _FINE, _FINE), dtype=bool)
    crossed[block[ok], fy[ok] % _FINE, fx[ok] % _FINE] = True
    within_block = np.zeros((3, 3, 3), dtype=bool)
    within_block[1] = ndimage.generate_binary_structure(2, 1)
    labels, count = ndimage.label(~crossed, structure=within_block)
    flat = labels.ravel()
    rep_block, rest = np.divmod(_one_cell_of_each_label(flat, count), _FINE * _FINE)
    rep_y, rep_x = np.divmod(rest, _FINE)
    base_y, base_x = np.divmod(cells[rep_block], nx)
    per_label = _label_answers(
        index,
        -180.0 + (base_x * _FINE + rep_x + 0.5) * fine_deg,
        -90.0 + (base_y * _FINE + rep_y + 0.5) * fine_deg,
        _NEAR,
    )
    return np.where(flat == 0, _EXACT, per_label[flat - 1]).astype(np.int32).reshape(crossed.shape)


def _one_cell_of_each_label(flat: np.ndarray, count: int) -> np.ndarray:
    """The index in ``flat`` of one cell of each label ``1..count`` (0 is no label).

    ``ndimage.label`` numbers labels in raster order, so each first appears where the
    running maximum steps up; else (never seen) the first cell of each, sorted.
    """
    firsts = np.flatnonzero(np.diff(np.maximum.accumulate(flat), prepend=0) > 0)
    if len(firsts) != count or not np.array_equal(flat[firsts], np.arange(1, count + 1)):
        firsts = np.unique(flat, return_index=True)[1][1:]
    return firsts


def _label_answers(
    index: CountryIndex, lons: np.ndarray, lats: np.ndarray, outside: int
) -> np.ndarray:
    """Each label's answer, from one point of it (``lons``, ``lats``, one per label).

    A region free of boundary lies in one polygon or in none: the row of the one
    polygon covering its point, ``outside`` when none does, ``_EXACT`` when several
    do (overlapping polygons: the exact rule decides).
    """
    count = len(lons)
    pt_idx, rows = index._covering(lons, lats)
    covers = np.bincount(pt_idx, minlength=count)
    low = np.full(count, np.iinfo(np.int64).max)
    high = np.full(count, -1)
    np.minimum.at(low, pt_idx, rows)
    np.maximum.at(high, pt_idx, rows)
    return np.where(covers == 0, outside, np.where(low == high, low, _EXACT))


#: How close (degrees) a boundary may come to a cell for the cell to count as crossed.
_EPS_DEG = 1e-9


def _reach_lat_deg(tolerance_km: float) -> float:
    """Largest change of latitude (degrees) along a geodesic of ``tolerance_km``, with slack."""
    return math.degrees(tolerance_km / R_MIN_KM) * (1 + 1e-9) + 1e-12


def _geodesic_km_if_needed(
    lon1: np.ndarray,
    lat1: np.ndarray,
    lon2: np.ndarray,
    lat2: np.ndarray,
    point: np.ndarray,
    tolerance_km: float,
) -> np.ndarray:
    """Geodesic km (WGS84) of each pair that can be its point's nearest within the tolerance.

    ``point`` groups the pairs.  A pair whose lower bound ``R_min * angle``
    exceeds the tolerance, or the smallest upper bound ``R_max * angle`` of its
    point's pairs, cannot be the nearest: it gets ``inf`` without a geodesic
    computation.  The others get exactly what ``Geod.inv`` gives.
    """
    theta = _angle(lon1, lat1, lon2, lat2)
    lower = R_MIN_KM * theta * (1 - 1e-9) - 1e-9
    upper = R_MAX_KM * theta * (1 + 1e-9) + 1e-9
    best_upper = np.full(int(point.max()) + 1, np.inf)
    np.minimum.at(best_upper, point, upper)
    need = (lower <= best_upper[point]) & (lower <= tolerance_km)
    d_km = np.full(len(point), np.inf)
    if need.any():
        d_km[need] = geodesic_km(lon1[need], lat1[need], lon2[need], lat2[need])
    return d_km


def _angle(lon1: np.ndarray, lat1: np.ndarray, lon2: np.ndarray, lat2: np.ndarray) -> np.ndarray:
    """Angle (radians) between the directions of points given by lon/lat degrees."""
    a = np.radians(np.column_stack([lon1, lat1]))
    b = np.radians(np.column_stack([lon2, lat2]))
    ua = np.column_stack(
        [np.cos(a[:, 1]) * np.cos(a[:, 0]), np.cos(a[:, 1]) * np.sin(a[:, 0]), np.sin(a[:, 1])]
    )
    ub = np.column_stack(
        [np.cos(b[:, 1]) * np.cos(b[:, 0]), np.cos(b[:, 1]) * np.sin(b[:, 0]), np.sin(b[:, 1])]
    )
    chord = np.sqrt(((ua - ub) ** 2).sum(axis=1))
    return np.asarray(2.0 * np.arcsin(np.clip(chord / 2.0, 0.0, 1.0)))


def _within_degrees(
    pieces: np.ndarray, x: np.ndarray, y: np.ndarray, radius: np.ndarray
) -> np.ndarray:
    """Whether each piece (``(n, _PIECE, 2)`` lon/lat) comes within ``radius`` of its point.

    Planar distance in degrees, point to segment, as GEOS computes it.
    """
    ax, ay = pieces[:, :-1, 0], pieces[:, :-1, 1]
    bx, by = pieces[:, 1:, 0], pieces[:, 1:, 1]
    px, py = x[:, None], y[:, None]
    dx, dy = bx - ax, by - ay
    len2 = dx * dx + dy * dy
    with np.errstate(invalid="ignore", divide="ignore"):
        r = ((px - ax) * dx + (py - ay) * dy) / len2
        s = ((ay - py) * dx - (ax - px) * dy) / len2
        middle = np.abs(s) * np.sqrt(len2)
    to_a = np.hypot(px - ax, py - ay)
    to_b = np.hypot(px - bx, py - by)
    d = np.where((len2 == 0) | (r <= 0), to_a, np.where(r >= 1, to_b, middle))
    return np.asarray(d.min(axis=1) <= radius)


_PIECE = 32  # vertices per boundary piece
#: Largest country layer once unpacked (the shipped one is about 20 MB).
_MAX_UNPACKED_BYTES = 200_000_000


#: Pairs of :func:`_nearest_on_pieces` done at a time: their arrays stay in the CPU's cache.
_PAIRS_AT_ONCE = 2048


def _nearest_on_pieces(
    piece_x: np.ndarray, piece_y: np.ndarray, which: np.ndarray, lon: np.ndarray, lat: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Nearest point of the pieces ``which`` to each point (lon/lat, one piece per point).

    ``piece_x`` and ``piece_y`` are the longitudes and latitudes of every piece
    (``(n, _PIECE)``).  Computed in a local frame centred on the point, on the
    ellipsoid's own scales there (a degree of latitude is the meridional radius
    ``M``, one of longitude ``N cos(lat)``: see :func:`geo.sphere.local_radii_km`),
    in which distances of tens of kilometres are isotropic to a few parts in a
    million; with one scale for both, the error would reach the flattening
    (0.67 %).  The pairs are done :data:`_PAIRS_AT_ONCE` at a time, with the same
    operations on each element whatever their number.
    """
    meridional, prime = local_radii_km(lat)
    scale = prime * np.cos(np.radians(lat)) / meridional  # in units of M-degrees
    n = len(which)
    near_lon, near_lat = np.empty(n), np.empty(n)
    for start in range(0, n, _PAIRS_AT_ONCE):
        part = slice(start, min(start + _PAIRS_AT_ONCE, n))
        near_lon[part], near_lat[part] = _nearest_in_frame(
            piece_x[which[part]], piece_y[which[part]], lon[part], lat[part], scale[part]
        )
    return near_lon, near_lat


def _nearest_in_frame(
    x: np.ndarray, y: np.ndarray, lon: np.ndarray, lat: np.ndarray, scale: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_nearest_on_pieces` of some pairs: ``x`` and ``y`` are their pieces (changed)."""
    x -= lon[:, None]
    x *= scale[:, None]
    y -= lat[:, None]
    ax, ay, bx, by = x[:, :-1], y[:, :-1], x[:, 1:], y[:, 1:]
    dx, dy = bx - ax, by - ay
    length2 = dx * dx
    work = dy * dy
    length2 += work
    t = ax * dx  # the parameter of the point of each segment's line nearest the origin
    np.multiply(ay, dy, out=work)
    t += work
    np.negative(t, out=t)
    with np.errstate(invalid="ignore", divide="ignore"):
        t /= length2
    t[~(length2 > 0)] = 0.0
    np.clip(t, 0.0, 1.0, out=t)
    px = t * dx
    px += ax
    py = t * dy
    py += ay
    np.multiply(px, px, out=dx)  # squared distances to the origin, in dx
    np.multiply(py, py, out=dy)
    dx += dy
    best = np.argmin(dx, axis=1)
    pick = np.arange(len(best))
    near_x, near_y = px[pick, best], py[pick, best]
    near_lon = np.where(scale > 0, near_x / np.where(scale > 0, scale, 1.0), 0.0) + lon
    return near_lon, near_y + lat


def _boundary_pieces(
    parts: np.ndarray, part_row: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cut every ring of ``parts`` into pieces of at most ``_PIECE`` vertices.

    Returns the pieces' coordinates as an ``(n, _PIECE, 2)`` array padded by
    repeating the last vertex, the number of vertices of each, and the
    country row of each.
    """
    ring_geoms, ring_part = shapely.get_rings(parts, return_index=True)
    coords, ring_of = shapely.get_coordinates(ring_geoms, return_index=True)
    starts = np.flatnonzero(np.r_[True, ring_of[1:] != ring_of[:-1]])
    stops = np.r_[starts[1:], len(coords)]
    # pieces of each ring start every _PIECE - 1 vertices and share their end vertex
    per_ring = np.maximum(-(-(stops - 1 - starts) // (_PIECE - 1)), 1)
    ring_of_piece = np.repeat(np.arange(len(starts)), per_ring)
    offset = np.arange(len(ring_of_piece)) - np.repeat(np.cumsum(per_ring) - per_ring, per_ring)
    first = starts[ring_of_piece] + offset * (_PIECE - 1)
    last = np.minimum(first + _PIECE, stops[ring_of_piece])
    take = np.minimum(first[:, None] + np.arange(_PIECE)[None, :], last[:, None] - 1)
    padded = coords[take]
    owner = part_row[ring_part[ring_of[starts[ring_of_piece]]]]
    return padded, (last - first).astype(np.int8), np.asarray(owner, dtype=np.int64)


def _piece_lines(piece_xy: np.ndarray, piece_len: np.ndarray) -> np.ndarray:
    """The pieces of :func:`_boundary_pieces` as linestrings (their padding left out)."""
    inside = np.arange(_PIECE)[None, :] < piece_len[:, None]
    return np.asarray(shapely.linestrings(piece_xy[inside], indices=np.nonzero(inside)[0]))


#: Country layers kept in memory (by path, time of change and digest of the bytes read).
_LOADED_MAX = 4


def load_country_index(path: Path, *, data: bytes | None = None) -> CountryIndex:
    """Load the country polygons at ``path``: FlatGeobuf, xz-compressed if it ends in ``.xz``.

    The index is kept in memory while the file is unchanged, and in the cache
    (:mod:`geo.cache`) by the digest of its bytes, so that a new process
    neither unpacks nor prepares the same layer again.

    Parameters
    ----------
    path : Path
        The file (its name is used in errors).
    data : bytes, optional
        Its bytes, when the caller has read them already (the file is then
        not read again).

    Raises
    ------
    DataError
        If the file is missing, unreadable, not a polygon layer, or lacks the
        ``iso3`` and ``name`` columns.
    """
    try:
        mtime = path.stat().st_mtime_ns
    except FileNotFoundError as err:
        raise DataError([Problem(path.name, "(file)", "an existing file", str(path))]) from err
    raw = read_data_bytes(path) if data is None else data
    digest = cache.file_digest(raw)
    return cache.remembered(
        "countries", (path, mtime, digest), lambda: _index_of(path, raw, digest), keep=_LOADED_MAX
    )


def _index_of(path: Path, raw: bytes, digest: str) -> CountryIndex:
    """The index of a layer's bytes: from the cache, else parsed, prepared and cached."""
    key = cache.entry_key("countries", digest, path.suffix == ".xz")
    arrays = cache.load("countries", key)
    if arrays is not None:
        try:
            index = _from_cache(arrays)
        except (KeyError, ValueError, TypeError, IndexError, shapely.errors.ShapelyError) as err:
            log.debug("cache: the country layer entry is unusable (%s): rebuilt", err)
        else:
            index._raster.cache_key = key
            return index
    index = CountryIndex(_parse(path, raw))
    index._raster.cache_key = key
    arrays = _cache_arrays(index)
    if arrays is not None:
        cache.store("countries", key, arrays, keep=2)
    return index


def _parse(path: Path, raw: bytes) -> gpd.GeoDataFrame:
    import geopandas as gpd

    try:
        if path.suffix == ".xz":
            unpacked = lzma.LZMADecompressor()
            data = unpacked.decompress(raw, max_length=_MAX_UNPACKED_BYTES)
            if not unpacked.eof:
                if len(data) >= _MAX_UNPACKED_BYTES:
                    expected = f"an xz file that unpacks to at most {_MAX_UNPACKED_BYTES:,} bytes"
                    found = "more"
                else:
                    expected, found = "a whole xz file", "a file cut short"
                raise DataError([Problem(path.name, "(file)", expected, found)])
            frame = gpd.read_file(io.BytesIO(data))
        else:
            frame = gpd.read_file(io.BytesIO(raw))
    except DataError:
        raise
    except Exception as err:  # lzma and pyogrio raise several types for unreadable files
        problem = Problem(path.name, "(file)", "a readable country polygon file", str(err))
        raise DataError([problem]) from err
    missing = [c for c in ("iso3", "name") if c not in frame.columns]
    if missing:
        problem = Problem(path.name, "(columns)", "columns 'iso3' and 'name'", list(frame.columns))
        raise DataError([problem])
    return frame


def _cache_arrays(index: CountryIndex) -> dict[str, np.ndarray] | None:
    """What the cache keeps of an index: its frame and its boundary pieces, as plain arrays.

    ``None`` when a column is not text without gaps (nothing is cached then).
    """
    frame = index.frame
    geometry = frame.geometry.name
    columns = [str(c) for c in frame.columns if c != geometry]
    arrays: dict[str, np.ndarray] = {}
    for i, column in enumerate(columns):
        values = frame[column]
        if values.isna().any():
            return None  # NumPy text cannot hold gaps
        try:
            arrays[f"column{i}"] = cache.strings_array(values)
        except ValueError:
            return None
    arrays.update(cache.geometry_arrays(index._geoms))
    arrays["piece_xy"] = index._piece_xy
    arrays["piece_len"] = index._piece_len
    arrays["edge_row"] = index._edge_row
    arrays["piece_bounds"] = index._piece_bounds
    meta = {
        "columns": columns,
        "dtypes": [str(frame[c].dtype) for c in columns],
        "geometry": geometry,
        "order": [str(c) for c in frame.columns],
        "crs": frame.crs.to_json() if frame.crs is not None else None,
        "rows": len(frame),
    }
    arrays["meta"] = cache.to_json_array(meta)
    return arrays


def _from_cache(arrays: dict[str, np.ndarray]) -> CountryIndex:
    """An index from :func:`_cache_arrays`, checked so that a bad entry raises, never crashes.

    Raises
    ------
    KeyError, ValueError, TypeError, IndexError
        If an array is missing or does not fit the others.
    """
    import geopandas as gpd
    import pandas as pd

    meta: dict[str, Any] = cache.from_json_array(arrays["meta"])
    rows = int(meta["rows"])
    piece_xy, piece_len, edge_row = arrays["piece_xy"], arrays["piece_len"], arrays["edge_row"]
    bounds = arrays["piece_bounds"]
    n_pieces = len(piece_len)
    if (
        piece_xy.shape != (n_pieces, _PIECE, 2)
        or piece_xy.dtype != np.float64
        or edge_row.shape != (n_pieces,)
        or bounds.shape != (n_pieces, 4)
        or bounds.dtype != np.float64
        or piece_len.dtype.kind != "i"
        or np.any((piece_len < 2) | (piece_len > _PIECE))
        or np.any((edge_row < 0) | (edge_row >= rows))
    ):
        raise ValueError("arrays that do not fit together")
    geoms = cache.geometries(arrays, rows)
    data = {}
    for i, (column, dtype) in enumerate(zip(meta["columns"], meta["dtypes"], strict=True)):
        values = arrays[f"column{i}"]
        if values.shape != (rows,):
            raise ValueError(f"column {column!r} of {values.shape} rows")
        data[column] = pd.Series(values.tolist(), dtype=dtype)
    crs = meta["crs"]
    frame = gpd.GeoDataFrame(data, geometry=gpd.GeoSeries(geoms, crs=crs), crs=crs)
    if meta["geometry"] != "geometry":
        frame = frame.rename_geometry(meta["geometry"])
    frame = frame[list(meta["order"])]
    index = object.__new__(CountryIndex)
    index._setup(frame, (piece_xy, piece_len, edge_row), _RasterSlot(None), bounds=bounds)
    return index
