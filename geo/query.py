"""Questions to the atlas: nearest places, places within a distance, by region, country, crossing.

Every function works on a frame of places (``atlas.places``, or any
GeoDataFrame of point places with the same columns); :class:`geo.Atlas` has a
thin method for each.  Every distance is geodesic on the WGS84 ellipsoid
(:func:`geo.sphere.geodesic_km`), in kilometres; coordinates are EPSG:4326
degrees, ``lon`` in [-180, 180] and ``lat`` in [-90, 90].  Results are new
GeoDataFrames (EPSG:4326) with the columns of the places, plus ``distance_km``
where a distance is involved; the places frame itself is never modified.
The geodesic index they use, for one point or millions, is
:class:`geo.placeindex.PlaceIndex` (re-exported here with its bulk functions).
Each answer carries its question (:mod:`geo.question`), so that a map of it
is titled and marked as the CLI's; what the user typed for a region, a country
or a place id is resolved by :mod:`geo.resolve`.

>>> import geopandas as gpd
>>> places = gpd.GeoDataFrame(
...     {"id": ["north", "south", "hq"], "kind": ["border_post", "border_post", "rocb"]},
...     geometry=gpd.points_from_xy([48.47, 48.29, 49.87], [41.86, 41.70, 40.41]),
...     crs="EPSG:4326",
... )
>>> nearest(places, lat=41.64, lon=48.43, k=1)["id"].tolist()
['south']
>>> round(distance_km(places, "north", "north"), 3)
0.0

With the atlas's own places, ``geo.load().nearest(lat=41.64, lon=48.43)``.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable

import geopandas as gpd
import numpy as np
import pandas as pd

from geo import resolve
from geo.errors import UsageError
from geo.placeindex import (
    Nearest,
    PlaceIndex,
    Within,
    nearest_many,
    place_coordinates,
    within_many,
)
from geo.question import QUESTION, Question, question_of, with_question
from geo.schema import check_lat_lon, parse_day
from geo.sphere import geodesic_km

__all__ = [
    "QUESTION",
    "Nearest",
    "PlaceIndex",
    "Question",
    "Within",
    "crossings_between",
    "distance_km",
    "here_or_on_a_side",
    "in_country",
    "in_region",
    "nearest",
    "nearest_many",
    "parse_age",
    "question_of",
    "stale",
    "within",
    "within_many",
]

_DISTANCE_COLUMN = "distance_km"

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
    >>> import geopandas as gpd
    >>> places = gpd.GeoDataFrame(
    ...     {"id": ["north", "south", "hq"], "kind": ["border_post", "border_post", "rocb"]},
    ...     geometry=gpd.points_from_xy([48.47, 48.29, 49.87], [41.86, 41.70, 40.41]),
    ...     crs="EPSG:4326",
    ... )
    >>> found = nearest(places, lat=41.64, lon=48.43, k=2, kind="border_post")
    >>> found["id"].tolist(), found["distance_km"].round(1).tolist()
    (['south', 'north'], [13.4, 24.7])
    """
    lat, lon = check_lat_lon(lat, lon)
    found = PlaceIndex(places, kind=kind).nearest([lon], [lat], k=k)
    return with_question(
        _result(places, found.position[0], found.distance_km[0]),
        Question("nearest", lon=lon, lat=lat, lines=True),
    )


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
    >>> import geopandas as gpd
    >>> places = gpd.GeoDataFrame(
    ...     {"id": ["north", "south", "hq"], "kind": ["border_post", "border_post", "rocb"]},
    ...     geometry=gpd.points_from_xy([48.47, 48.29, 49.87], [41.86, 41.70, 40.41]),
    ...     crs="EPSG:4326",
    ... )
    >>> within(places, lat=41.64, lon=48.43, km=50)["id"].tolist()
    ['south', 'north']
    """
    lat, lon = check_lat_lon(lat, lon)
    found = PlaceIndex(places, kind=kind).within([lon], [lat], km=km)
    return with_question(
        _result(places, found.position, found.distance_km),
        Question("within", lon=lon, lat=lat, radius_km=float(km)),
    )


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
    >>> import geopandas as gpd
    >>> places = gpd.GeoDataFrame(
    ...     {"id": ["a", "b", "c"], "kind": ["rocb", "border_post", "rtc"],
    ...      "region": ["EUR", "ESA", "ESA"], "side_a_region": [None, "ESA", None],
    ...      "side_b_region": [None, "WCA", None]},
    ...     geometry=gpd.points_from_xy([4.4, 28.3, 36.8], [50.8, -12.5, -1.3]), crs="EPSG:4326")
    >>> in_region(places, "West and Central Africa")["id"].tolist()
    ['b']
    >>> in_region(places, "esa", kind="rtc")["id"].tolist()
    ['c']
    """
    code = resolve.resolve_region(region)
    kind = resolve.resolve_kind(kind)
    mask = here_or_on_a_side(places, "region", code)
    return with_question(
        _result(places, _rows(mask & _kind_mask(places, kind))),
        Question("region", subjects=(str(region),)),
    )


#: An age: a whole number of days, weeks, months or years, such as ``12m`` or ``90d``.
_AGE_PATTERN = re.compile(r"^\s*(\d+)\s*([dwmy])\s*$", re.IGNORECASE)
_AGE_UNITS = {"d": "days", "w": "weeks", "m": "months", "y": "years"}


def parse_age(text: str) -> tuple[int, str]:
    """Parse an age such as ``12m``: ``(12, 'months')``.

    Parameters
    ----------
    text : str
        A whole number and a unit: ``d`` (days), ``w`` (weeks), ``m``
        (months) or ``y`` (years), case-insensitive.

    Returns
    -------
    (int, str)
        The number and the unit's name (``'days'``, ``'weeks'``, ``'months'``, ``'years'``).

    Raises
    ------
    UsageError
        If ``text`` is not such an age.

    Examples
    --------
    >>> parse_age("12m"), parse_age("90D")
    ((12, 'months'), (90, 'days'))
    """
    match = _AGE_PATTERN.match(text) if isinstance(text, str) else None
    if match is None:
        msg = (
            f"Got an age of {text!r}; expected a whole number and a unit "
            "d, w, m or y (days, weeks, months, years), e.g. '12m' or '90d'"
        )
        raise UsageError(msg)
    return int(match.group(1)), _AGE_UNITS[match.group(2).lower()]


def _before(day: dt.date, count: int, unit: str) -> dt.date:
    """The day ``count`` units before ``day`` (a month back from 31 March is 28 or 29 February)."""
    if unit in ("days", "weeks"):
        return day - dt.timedelta(**{unit: count})
    months = day.year * 12 + day.month - 1 - (count * 12 if unit == "years" else count)
    year, month = divmod(months, 12)
    if year < dt.MINYEAR:
        return dt.date.min
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def stale(
    places: gpd.GeoDataFrame,
    older_than: str,
    *,
    today: dt.date | None = None,
    kind: str | None = None,
) -> gpd.GeoDataFrame:
    """The places due a new check: ``checked_on`` missing or older than ``older_than``.

    ``checked_on`` is the day a place's facts were last checked against its
    source (``YYYY-MM-DD``).  A place is due when it has none, or when that
    day is before ``today`` minus the age.

    Parameters
    ----------
    places : geopandas.GeoDataFrame
        Point places with the columns of ``places`` (``checked_on`` if any has it).
    older_than : str
        An age (:func:`parse_age`): ``'12m'``, ``'1y'``, ``'90d'``, ``'6w'``.
    today : datetime.date, optional
        The day to count from (default: today).
    kind : str, optional
        Only places of this kind (case-insensitive).

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326, the columns of ``places``, in the order of ``places``.

    Raises
    ------
    UsageError
        If the age or ``kind`` is not valid, or a place's ``checked_on`` is
        not a date ``YYYY-MM-DD`` (the message names the place and the value).

    Examples
    --------
    >>> import datetime as dt, geopandas as gpd
    >>> places = gpd.GeoDataFrame({"id": ["a", "b", "c"], "kind": ["rocb", "rocb", "rtc"],
    ...                            "checked_on": ["2026-12-01", "2025-06-30", None]})
    >>> list(stale(places, "12m", today=dt.date(2026, 12, 7))["id"])
    ['b', 'c']
    >>> list(stale(places, "12m", today=dt.date(2026, 12, 7), kind="rocb")["id"])
    ['b']
    """
    count, unit = parse_age(older_than)
    kind = resolve.resolve_kind(kind)
    cutoff = _before(today or dt.date.today(), count, unit)
    column = places["checked_on"] if "checked_on" in places.columns else None
    due = []
    for position, place_id in enumerate(places["id"]):
        value = column.iloc[position] if column is not None else None
        if not isinstance(value, str) and pd.isna(value):
            due.append(True)
            continue
        day = parse_day(value)
        if day is None:
            msg = f"Place {place_id!r}: checked_on {value!r} is not a date YYYY-MM-DD"
            raise UsageError(msg)
        due.append(day < cutoff)
    mask = pd.Series(due, index=places.index, dtype=bool)
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
    >>> import geopandas as gpd
    >>> places = gpd.GeoDataFrame(
    ...     {"id": ["a", "b"], "kind": ["border_post", "rtc"], "iso3": ["RUS", "AZE"],
    ...      "country": ["Russia", "Azerbaijan"], "side_a_iso3": ["AZE", None],
    ...      "side_b_iso3": ["RUS", None]},
    ...     geometry=gpd.points_from_xy([48.47, 49.87], [41.86, 40.41]), crs="EPSG:4326")
    >>> in_country(places, "azerbaijan")["id"].tolist()
    ['a', 'b']
    >>> in_country(places, "aze", kind="border_post")["id"].tolist()
    ['a']
    """
    code = resolve.resolve_country(places, country_names, country, "country")
    kind = resolve.resolve_kind(kind)
    mask = here_or_on_a_side(places, "iso3", code)
    return with_question(
        _result(places, _rows(mask & _kind_mask(places, kind))),
        Question("country", subjects=(str(country),)),
    )


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
    >>> import geopandas as gpd
    >>> places = gpd.GeoDataFrame(
    ...     {"id": ["a", "b"], "kind": ["border_post", "border_post"],
    ...      "iso3": ["AZE", "AZE"], "country": ["Azerbaijan", "Azerbaijan"],
    ...      "side_a_iso3": ["AZE", "AZE"], "side_a_country": ["Azerbaijan", "Azerbaijan"],
    ...      "side_b_iso3": ["RUS", "IRN"], "side_b_country": ["Russia", "Iran"]},
    ...     geometry=gpd.points_from_xy([48.47, 48.87], [41.86, 38.43]), crs="EPSG:4326")
    >>> crossings_between(places, "RUS", "Azerbaijan")["id"].tolist()
    ['a']
    """
    names = list(country_names)
    code_a = resolve.resolve_country(places, names, country_a, "country_a")
    code_b = resolve.resolve_country(places, names, country_b, "country_b")
    if code_a == code_b:
        msg = (
            f"Got country_a={country_a!r} and country_b={country_b!r}, both {code_a}; "
            "a crossing joins two different countries"
        )
        raise UsageError(msg)
    asked = Question("between", subjects=(str(country_a), str(country_b)))
    if "side_a_iso3" not in places.columns:
        return with_question(_result(places, np.zeros(0, dtype=np.int64)), asked)
    side_a, side_b = places["side_a_iso3"], places["side_b_iso3"]
    mask = ((side_a == code_a) & (side_b == code_b)) | ((side_a == code_b) & (side_b == code_a))
    return with_question(_result(places, _rows(mask & (places["kind"] == "border_post"))), asked)


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
    >>> import geopandas as gpd
    >>> places = gpd.GeoDataFrame(
    ...     {"id": ["north", "south", "hq"], "kind": ["border_post", "border_post", "rocb"]},
    ...     geometry=gpd.points_from_xy([48.47, 48.29, 49.87], [41.86, 41.70, 40.41]),
    ...     crs="EPSG:4326",
    ... )
    >>> round(distance_km(places, "north", "south"), 1)
    23.2
    """
    ids = places["id"]
    row_a = resolve.resolve_id(ids, id_a, "id_a")
    row_b = resolve.resolve_id(ids, id_b, "id_b")
    lon, lat = place_coordinates(places)
    a, b = [row_a], [row_b]
    return float(geodesic_km(lon[a], lat[a], lon[b], lat[b])[0])


# --------------------------------------------------------------------------- helpers


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
