"""Questions to the atlas: nearest places, places within a distance, by region, country, crossing.

Every function works on a frame of places (``atlas.places``, or any
GeoDataFrame of point places with the same columns); :class:`geo.Atlas` has a
thin method for each.  Every distance is geodesic on the WGS84 ellipsoid
(:func:`geo.sphere.geodesic_km`), in kilometres; coordinates are EPSG:4326
degrees, ``lon`` in [-180, 180] and ``lat`` in [-90, 90].  Results are new
GeoDataFrames (EPSG:4326) with the columns of the places, plus ``distance_km``
where a distance is involved; the places frame itself is never modified.

How the index works
-------------------
Places are stored as unit vectors on a sphere (their geodetic latitude and
longitude taken as spherical coordinates) in a :class:`scipy.spatial.cKDTree`.
The straight-line (chord) distance between two unit vectors grows with the
angle between them, and on WGS84 the geodesic distance ``d`` between two points
lies within fixed bounds of that angle ``theta`` (radians)::

    a * (1 - e**2) * theta  <=  d  <=  a / sqrt(1 - e**2) * theta

(the smallest and largest radii of curvature of the ellipsoid, 6335.4 km at
the equator and 6399.6 km at the poles).  So a query asks the tree for a
candidate set that is sure to hold every answer (about 1 % larger than the
answer), then computes exact geodesic distances for the candidates only.  The
sphere has no edge: the antimeridian and the poles need no special case.

>>> import geo
>>> places = geo.load().places
>>> nearest(places, lat=41.64, lon=48.43, k=1)["id"].tolist()
['samur']
>>> round(distance_km(places, "samur", "samur"), 3)
0.0
"""

from __future__ import annotations

import math
import numbers
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely
from scipy.spatial import cKDTree

from geo.errors import UsageError
from geo.schema import KINDS, REGIONS, check_lat_lon, did_you_mean
from geo.sphere import (
    ABS_SLACK,
    R_MAX_KM,
    R_MIN_KM,
    REL_SLACK,
    chord_to_angle,
    geodesic_km,
    slack,
    unit_vectors,
)

__all__ = [
    "Nearest",
    "PlaceIndex",
    "Within",
    "crossings_between",
    "distance_km",
    "here_or_on_a_side",
    "in_country",
    "in_region",
    "nearest",
    "nearest_many",
    "within",
    "within_many",
]

_WGS84 = pyproj.CRS.from_epsg(4326)
#: Extra neighbours asked of the tree on the first round of a nearest query.
_EXTRA_NEIGHBOURS = 3
_DISTANCE_COLUMN = "distance_km"


# --------------------------------------------------------------------------- bulk API


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
        kind = _resolve_kind(kind)
        lon, lat = _coordinates(places)
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
        self._tree = cKDTree(unit_vectors(self._lon, self._lat)) if len(rows) else None

    def __len__(self) -> int:
        return len(self._rows)

    def __repr__(self) -> str:
        kind = f" kind={self.kind!r}" if self.kind else ""
        return f"<PlaceIndex {len(self)} places{kind}>"

    def nearest(self, lon: Any, lat: Any, *, k: int = 1) -> Nearest:
        """The ``k`` nearest places of each point.

        Parameters
        ----------
        lon, lat : array_like
            1-D, same length: longitudes in [-180, 180] and latitudes in
            [-90, 90], degrees, EPSG:4326.
        k : int
            How many places per point (>= 1); capped at the number of places.

        Returns
        -------
        Nearest

        Raises
        ------
        UsageError
            If a coordinate is not finite or out of range, or ``k`` is not a
            positive integer.
        """
        lon, lat = _check_lon_lat_arrays(lon, lat)
        k = min(_check_k(k), len(self))
        m = len(lon)
        position = np.zeros((m, k), dtype=np.int64)
        dist = np.zeros((m, k), dtype=float)
        tree = self._tree
        if tree is None or k == 0 or m == 0:
            return Nearest(position, dist)
        points = unit_vectors(lon, lat)
        todo = np.arange(m)
        asked = min(len(self), k + _EXTRA_NEIGHBOURS)
        while len(todo):
            chord, cand = tree.query(points[todo], k=asked)
            chord, cand = chord.reshape(len(todo), asked), cand.reshape(len(todo), asked)
            theta = chord_to_angle(chord)
            # Any of the true k nearest is within this angle of the point.
            bound = slack(theta[:, k - 1] * (R_MAX_KM / R_MIN_KM))
            done = (theta[:, -1] > bound) | (asked == len(self))
            rows, cand, theta, bound = todo[done], cand[done], theta[done], bound[done]
            near = theta <= bound[:, None]  # the others cannot be among the k nearest
            d = np.full(cand.shape, np.inf)
            point_of = np.broadcast_to(rows[:, None], cand.shape)[near]
            d[near] = geodesic_km(
                lon[point_of], lat[point_of], self._lon[cand[near]], self._lat[cand[near]]
            )
            order = np.lexsort((cand, d), axis=-1)[:, :k]
            position[rows] = self._rows[np.take_along_axis(cand, order, axis=-1)]
            dist[rows] = np.take_along_axis(d, order, axis=-1)
            todo = todo[~done]
            asked = min(len(self), asked * 2)
        return Nearest(position, dist)

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
        lon, lat = _check_lon_lat_arrays(lon, lat)
        km = _check_km(km)
        empty = np.zeros(0, dtype=np.int64)
        if self._tree is None or len(lon) == 0:
            return Within(empty, empty.copy(), np.zeros(0))
        theta = slack(km / R_MIN_KM)
        radius = 2.0 * math.sin(theta / 2.0) if theta < math.pi else 2.0
        radius = radius * (1 + REL_SLACK) + ABS_SLACK
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
    >>> import geo
    >>> places = geo.load().places
    >>> found = nearest_many(places, [48.43, 4.37], [41.64, 50.85])
    >>> places["id"].to_numpy()[found.position[:, 0]].tolist()
    ['samur', 'wco-hq']
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


# ----------------------------------------------------------------- queries of a frame of places


def nearest(
    places: gpd.GeoDataFrame, *, lat: float, lon: float, k: int = 1, kind: str | None = None
) -> gpd.GeoDataFrame:
    """The ``k`` places nearest to a point.

    Parameters
    ----------
    places : geopandas.GeoDataFrame
        Point places, EPSG:4326, with the columns of ``places``.
    lat, lon : float
        The point: latitude in [-90, 90], longitude in [-180, 180], degrees,
        EPSG:4326.
    k : int
        How many places (>= 1).  Fewer rows come back when fewer places (of
        ``kind``) exist.
    kind : str, optional
        Only places of this kind: one of :data:`geo.schema.KINDS`
        (case-insensitive).

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326, the columns of ``places`` plus ``distance_km``
        (geodesic, WGS84), sorted by distance; equal distances keep the
        order of ``places``.  Index ``0..n-1``.

    Raises
    ------
    UsageError
        If ``lat`` or ``lon`` is out of range, ``k`` is not a positive integer
        or ``kind`` is unknown.

    Examples
    --------
    >>> import geo
    >>> atlas = geo.load()
    >>> atlas.nearest(lat=41.64, lon=48.43, k=2, kind="rocb")["id"].tolist()
    ['rocb-europe', 'rocb-mena']
    """
    lat, lon = check_lat_lon(lat, lon)
    found = PlaceIndex(places, kind=kind).nearest([lon], [lat], k=k)
    return _result(places, found.position[0], found.distance_km[0])


def within(
    places: gpd.GeoDataFrame, *, lat: float, lon: float, km: float, kind: str | None = None
) -> gpd.GeoDataFrame:
    """The places within ``km`` geodesic kilometres of a point.

    Parameters
    ----------
    places : geopandas.GeoDataFrame
        Point places, EPSG:4326, with the columns of ``places``.
    lat, lon : float
        The point: latitude in [-90, 90], longitude in [-180, 180], degrees,
        EPSG:4326.
    km : float
        Radius, kilometres (>= 0).  A place exactly ``km`` away is included.
    kind : str, optional
        Only places of this kind (case-insensitive).

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326, the columns of ``places`` plus ``distance_km``,
        sorted by distance; may be empty.

    Raises
    ------
    UsageError
        If ``lat``, ``lon`` or ``km`` is out of range or ``kind`` is unknown.

    Examples
    --------
    >>> import geo
    >>> atlas = geo.load()
    >>> atlas.within(lat=41.64, lon=48.43, km=50)["id"].tolist()
    ['samur', 'yalama-samur-rail', 'khanoba']
    """
    lat, lon = check_lat_lon(lat, lon)
    found = PlaceIndex(places, kind=kind).within([lon], [lat], km=km)
    return _result(places, found.position, found.distance_km)


def in_region(
    places: gpd.GeoDataFrame, region: str, *, kind: str | None = None
) -> gpd.GeoDataFrame:
    """The places of a WCO region.

    A place belongs to the region its country is in; a border post also
    belongs to the region of each of its two sides (a crossing between Zambia,
    ESA, and the DR Congo, WCA, is in both), as on the built region maps.

    Parameters
    ----------
    places : geopandas.GeoDataFrame
        Point places, EPSG:4326, with the columns of ``places``.
    region : str
        A code of :data:`geo.schema.REGIONS` (``'EUR'``) or a region name
        (``'Europe'``, ``'Asia/Pacific'``), case-insensitive; spaces and
        punctuation are ignored.
    kind : str, optional
        Only places of this kind (case-insensitive).

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326, the columns of ``places``, in the order of ``places``.

    Raises
    ------
    UsageError
        If ``region`` or ``kind`` is unknown; the message lists the regions
        and the closest match.

    Examples
    --------
    >>> import geo
    >>> geo.load().in_region("europe", kind="rocb")["id"].tolist()
    ['rocb-europe']
    """
    code = _resolve_region(region)
    kind = _resolve_kind(kind)
    mask = here_or_on_a_side(places, "region", code)
    return _result(places, _rows(mask & _kind_mask(places, kind)))


def in_country(
    places: gpd.GeoDataFrame,
    country: str,
    *,
    country_names: Iterable[tuple[str, str]] = (),
    kind: str | None = None,
) -> gpd.GeoDataFrame:
    """The places in a country or customs territory.

    A place is in the country it was located in (``iso3``); a border post is
    also in each of the two countries it joins, wherever its point lies.

    Parameters
    ----------
    places : geopandas.GeoDataFrame
        Point places, EPSG:4326, with the columns of ``places``.
    country : str
        ISO 3166-1 alpha-3 code (``'AZE'``) or name (``'Azerbaijan'``, or the
        Natural Earth name), case-insensitive; accents, spaces and punctuation
        are ignored.
    country_names : iterable of (str, str), optional
        Known ``(iso3, name)`` pairs besides the places' own ``iso3``/``country``
        and ``side_*`` columns (``atlas.country_names``: WCO Members, other
        territories and the country layer).
    kind : str, optional
        Only places of this kind (case-insensitive).

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326, the columns of ``places``, in the order of ``places``; empty
        for a known country without places.

    Raises
    ------
    UsageError
        If ``country`` is neither a known code nor a known name (the message
        gives the closest names), or ``kind`` is unknown.

    Examples
    --------
    >>> import geo
    >>> geo.load().in_country("aze", kind="border_post")["id"].tolist()[:4]
    ['samur', 'khanoba', 'red-bridge', 'astara']
    """
    code = _resolve_country(places, country_names, country, "country")
    kind = _resolve_kind(kind)
    mask = here_or_on_a_side(places, "iso3", code)
    return _result(places, _rows(mask & _kind_mask(places, kind)))


def crossings_between(
    places: gpd.GeoDataFrame,
    country_a: str,
    country_b: str,
    *,
    country_names: Iterable[tuple[str, str]] = (),
) -> gpd.GeoDataFrame:
    """The border posts whose two sides are ``country_a`` and ``country_b``, in either order.

    Parameters
    ----------
    places : geopandas.GeoDataFrame
        Point places, EPSG:4326, with the columns of ``places``.
    country_a, country_b : str
        ISO 3166-1 alpha-3 codes or names, case-insensitive (as in
        :func:`in_country`); two different countries.
    country_names : iterable of (str, str), optional
        Known ``(iso3, name)`` pairs, as for :func:`in_country`.

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326, the columns of ``places``, in the order of ``places``; may
        be empty.

    Raises
    ------
    UsageError
        If a country is unknown, or both name the same country.

    Examples
    --------
    >>> import geo
    >>> geo.load().crossings_between("RUS", "Azerbaijan")["id"].tolist()
    ['samur', 'khanoba', 'yalama-samur-rail']
    """
    names = list(country_names)
    code_a = _resolve_country(places, names, country_a, "country_a")
    code_b = _resolve_country(places, names, country_b, "country_b")
    if code_a == code_b:
        msg = (
            f"Got country_a={country_a!r} and country_b={country_b!r}, both {code_a}; "
            "a crossing joins two different countries"
        )
        raise UsageError(msg)
    if "side_a_iso3" not in places.columns:
        return _result(places, np.zeros(0, dtype=np.int64))
    side_a, side_b = places["side_a_iso3"], places["side_b_iso3"]
    mask = ((side_a == code_a) & (side_b == code_b)) | ((side_a == code_b) & (side_b == code_a))
    return _result(places, _rows(mask & (places["kind"] == "border_post")))


def distance_km(places: gpd.GeoDataFrame, id_a: str, id_b: str) -> float:
    """Geodesic distance between two places, on the WGS84 ellipsoid.

    Parameters
    ----------
    places : geopandas.GeoDataFrame
        Point places, EPSG:4326, with the columns of ``places``.
    id_a, id_b : str
        Place ids (exact, as in the data: ``'rocb-europe'``).

    Returns
    -------
    float
        Kilometres; 0.0 for a place and itself.

    Raises
    ------
    UsageError
        If an id is not a place's id; the message gives the closest ids.

    Examples
    --------
    >>> import geo
    >>> round(geo.load().distance_km("samur", "khanoba"), 1)
    20.9
    """
    ids = places["id"]
    row_a = _resolve_id(ids, id_a, "id_a")
    row_b = _resolve_id(ids, id_b, "id_b")
    lon, lat = _coordinates(places)
    a, b = [row_a], [row_b]
    return float(geodesic_km(lon[a], lat[a], lon[b], lat[b])[0])


# --------------------------------------------------------------------------- argument checks


def _check_k(k: Any) -> int:
    if isinstance(k, bool) or not isinstance(k, numbers.Integral) or k < 1:
        msg = f"Got k={k!r}; `k` must be a positive integer"
        raise UsageError(msg)
    return int(k)


def _check_km(km: Any) -> float:
    if isinstance(km, bool) or not isinstance(km, numbers.Real) or not math.isfinite(km) or km < 0:
        msg = f"Got km={km!r}; `km` must be a finite number of kilometres >= 0"
        raise UsageError(msg)
    return float(km)


def _check_lon_lat_arrays(lon: Any, lat: Any) -> tuple[np.ndarray, np.ndarray]:
    try:
        lon_arr = np.asarray(lon, dtype=float)
        lat_arr = np.asarray(lat, dtype=float)
    except (TypeError, ValueError) as err:
        msg = f"Got lon, lat that are not arrays of numbers ({err}); expected 1-D arrays of degrees"
        raise UsageError(msg) from err
    if lon_arr.ndim != 1 or lon_arr.shape != lat_arr.shape:
        msg = (
            f"Got lon of shape {lon_arr.shape} and lat of shape {lat_arr.shape}; "
            "`lon` and `lat` must be 1-D arrays of the same length"
        )
        raise UsageError(msg)
    with np.errstate(invalid="ignore"):
        bad = ~(np.abs(lon_arr) <= 180) | ~(np.abs(lat_arr) <= 90)
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        msg = (
            f"Got {int(bad.sum())} invalid point(s), the first at index {first}: "
            f"lon={float(lon_arr[first])!r}, lat={float(lat_arr[first])!r}; "
            "`lon` must be finite within [-180, 180] and `lat` finite within [-90, 90]"
        )
        raise UsageError(msg)
    return lon_arr, lat_arr


def _resolve_kind(kind: Any) -> str | None:
    if kind is None:
        return None
    if isinstance(kind, str):
        key = kind.strip().lower().replace("-", "_").replace(" ", "_")
        if key in KINDS:
            return key
    choices = "{" + ", ".join(repr(k) for k in KINDS) + "}"
    msg = f"Got kind={kind!r}; `kind` must be one of {choices} or None"
    raise UsageError(msg + _did_you_mean(kind, {k: repr(k) for k in KINDS}))


def _resolve_region(region: Any) -> str:
    lookup: dict[str, str] = {}
    for code, name in REGIONS.items():
        lookup[_key(code)] = code
        lookup[_key(name)] = code
    if isinstance(region, str) and _key(region) in lookup:
        return lookup[_key(region)]
    choices = "{" + ", ".join(f"{c!r} ({n})" for c, n in REGIONS.items()) + "}"
    msg = f"Got region={region!r}; `region` must be one of {choices}, by code or name"
    labels = {c: f"{c!r} ({n})" for c, n in REGIONS.items()}
    labels.update({n: f"{c!r} ({n})" for c, n in REGIONS.items()})
    raise UsageError(msg + _did_you_mean(region, labels))


def _resolve_country(
    places: gpd.GeoDataFrame, country_names: Iterable[tuple[str, str]], country: Any, name: str
) -> str:
    """ISO3 code of a country given by code or name, or raise naming the closest ones."""
    names = _country_names(places, country_names)
    if isinstance(country, str):
        code = country.strip().upper()
        if any(code == known for known, _ in names):
            return code
    by_key: dict[str, str] = {}
    for code, label in names:
        by_key.setdefault(_key(code), code)
        by_key.setdefault(_key(label), code)
    if isinstance(country, str) and _key(country) in by_key:
        return by_key[_key(country)]
    msg = (
        f"Got {name}={country!r}; `{name}` must be an ISO 3166-1 alpha-3 code or a "
        "country name known to the atlas"
    )
    labels: dict[str, str] = {}
    for code, label in names:
        labels.setdefault(label, f"{label!r} ({code})")
    suggestion = _did_you_mean(country, labels)
    raise UsageError(msg + (suggestion or " (e.g. 'AZE' or 'Azerbaijan')"))


def _country_names(
    places: gpd.GeoDataFrame, country_names: Iterable[tuple[str, str]]
) -> list[tuple[str, str]]:
    """(iso3, name) pairs: those given (Members, territories, country layer), then the places'."""
    pairs = list(country_names)
    columns = [
        ("iso3", "country"),
        ("side_a_iso3", "side_a_country"),
        ("side_b_iso3", "side_b_country"),
    ]
    for code_col, name_col in columns:
        if code_col in places.columns and name_col in places.columns:
            for code, label in zip(places[code_col], places[name_col], strict=True):
                if isinstance(code, str):
                    pairs.append((code, label if isinstance(label, str) else code))
    return pairs


def _resolve_id(ids: pd.Series, value: Any, name: str) -> int:
    if isinstance(value, str):
        matches = np.flatnonzero((ids == value).to_numpy())
        if len(matches):
            return int(matches[0])
    msg = f"Got {name}={value!r}; `{name}` must be the id of one of the {len(ids)} places"
    labels = {str(i): repr(str(i)) for i in ids}
    suggestion = _did_you_mean(value, labels)
    example = ", ".join(repr(str(i)) for i in list(ids)[:2])
    raise UsageError(msg + (suggestion or f" (no close match; ids look like {example})"))


def _did_you_mean(value: Any, labels: Mapping[str, str]) -> str:
    """`` (did you mean X?)`` for the labels closest to ``value``, else ``''``."""
    hint = did_you_mean(value, labels)
    return f" ({hint})" if hint else ""


def _key(text: str) -> str:
    """Case-, accent-, space- and punctuation-insensitive form of a name."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if ch.isalnum())


# --------------------------------------------------------------------------- helpers


def _coordinates(places: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray]:
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


def _kind_mask(places: gpd.GeoDataFrame, kind: str | None) -> pd.Series:
    if kind is None:
        return pd.Series(True, index=places.index)
    mask: pd.Series = places["kind"] == kind
    return mask


def here_or_on_a_side(places: gpd.GeoDataFrame, column: str, value: str) -> pd.Series:
    """Rows whose ``column`` is ``value``, or border posts whose ``side_a_``/``side_b_`` one is.

    The one rule for "the places of a region or a country", used by the
    queries and by the region maps of :mod:`geo.build`.
    """
    mask: pd.Series = places[column] == value
    for side in ("side_a", "side_b"):
        side_column = f"{side}_{column}"
        if side_column in places.columns:
            mask |= (places[side_column] == value) & (places["kind"] == "border_post")
    return mask


def _rows(mask: pd.Series) -> np.ndarray:
    return np.flatnonzero(mask.to_numpy(dtype=bool))


def _result(
    places: gpd.GeoDataFrame, positions: np.ndarray, distances: np.ndarray | None = None
) -> gpd.GeoDataFrame:
    """A new frame of the rows ``positions`` of ``places``, with ``distance_km`` if given."""
    frame = places.iloc[np.asarray(positions, dtype=np.int64)].copy()
    frame = frame.reset_index(drop=True)
    if distances is not None:
        frame = frame.drop(columns=[_DISTANCE_COLUMN], errors="ignore")
        at = list(frame.columns).index(frame.geometry.name)
        frame.insert(at, _DISTANCE_COLUMN, np.asarray(distances, dtype=float))
    return frame
