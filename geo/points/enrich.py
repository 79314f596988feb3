"""The enrichment itself: country, WCO region and nearest place of arrays of points.

:class:`Enricher` holds what one atlas answers with (the country lookup
tables and a :class:`geo.query.PlaceIndex` of its places) and gives the
:data:`ADDED_COLUMNS` of any number of points; :func:`enrich_points` applies it
to a frame.  Countries follow the rule of :mod:`geo.countries`, as for the
places of the atlas; the nearest place is exactly
:meth:`geo.query.PlaceIndex.nearest`: geodesic on WGS84, equal distances going
to the place that comes first in the atlas.
"""

from __future__ import annotations

import contextlib
import queue
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from geo.atlas import Atlas, load
from geo.countries import CountryIndex
from geo.enrich import ENRICHED_COLUMNS
from geo.errors import GeoError, InvalidPointsError, UsageError
from geo.placeindex import PlaceIndex
from geo.points.rows import Coordinates
from geo.points.sources import FrameSource
from geo.schema import REGIONS

__all__ = [
    "ADDED_COLUMNS",
    "FLOAT_COLUMNS",
    "LOCATED_BY",
    "NEAREST_COLUMNS",
    "ON_INVALID",
    "STRING_COLUMNS",
    "Enricher",
    "Found",
    "OnInvalid",
    "check_choice",
    "enrich_points",
    "nearest_place",
    "typed",
]

#: Columns the nearest-place search adds.
NEAREST_COLUMNS: tuple[str, ...] = ("nearest_id", "nearest_kind", "nearest_name", "nearest_km")
#: Every column enrichment adds (an input column of the same name is replaced).
ADDED_COLUMNS: tuple[str, ...] = (*ENRICHED_COLUMNS, *NEAREST_COLUMNS)
#: Added columns of text, and of floats (km); ``member`` is the one boolean.
STRING_COLUMNS: tuple[str, ...] = (
    "iso3",
    "country",
    "region",
    "region_name",
    "located_by",
    "nearest_id",
    "nearest_kind",
    "nearest_name",
)
FLOAT_COLUMNS: tuple[str, ...] = ("country_distance_km", "nearest_km")
#: pandas dtype of each added column (missing values: NaN for text and floats, NA for member).
_DTYPES: dict[str, str] = {
    **dict.fromkeys(STRING_COLUMNS, "object"),
    "member": "boolean",
    **dict.fromkeys(FLOAT_COLUMNS, "float64"),
}

#: What a row with invalid coordinates does: raise, be dropped, or be kept with empty columns.
OnInvalid = Literal["raise", "skip", "null"]
ON_INVALID: tuple[str, ...] = ("raise", "skip", "null")


@dataclass(frozen=True)
class Found:
    """What :meth:`Enricher.find` answers for a batch of points: positions into its tables.

    Attributes
    ----------
    country : numpy.ndarray
        Row of the country layer, ``-1`` for none (at sea) or an invalid point.
    country_km : numpy.ndarray
        Geodesic km to that country, rounded to the metre (0 inside; ``nan``
        for none).
    place : numpy.ndarray
        Row of the nearest place in the atlas's places, ``-1`` for none.
    place_km : numpy.ndarray
        Geodesic km to it, rounded to the metre (``nan`` for none).
    valid : numpy.ndarray
        Bool: the point was valid (the others have every column empty).
    """

    country: np.ndarray
    country_km: np.ndarray
    place: np.ndarray
    place_km: np.ndarray
    valid: np.ndarray

    def take(self, rows: slice | np.ndarray) -> Found:
        """The answers of some rows (a slice, or a mask of the rows kept)."""
        if isinstance(rows, np.ndarray) and rows.all():
            return self
        return Found(
            self.country[rows],
            self.country_km[rows],
            self.place[rows],
            self.place_km[rows],
            self.valid[rows],
        )

    @property
    def located_by(self) -> np.ndarray:
        """Codes of ``located_by``: 0 inside, 1 nearest, 2 none, 3 an invalid point."""
        code = np.where(self.country < 0, 2, np.where(self.country_km > 0, 1, 0))
        return np.where(self.valid, code, 3).astype(np.int8)


#: ``located_by`` by the codes of :attr:`Found.located_by`.
LOCATED_BY: tuple[str | None, ...] = ("inside", "nearest", "none", None)


class Enricher:
    """The added columns for arrays of points, from one atlas (reused across chunks).

    Safe to call from several threads at once: each call runs on a country
    index of its own (:meth:`geo.countries.CountryIndex.clone`, made when
    a thread first needs one).

    Parameters
    ----------
    atlas : Atlas
    kind : str or None
        Search the nearest place among places of this kind only.
    countries : CountryIndex, optional
        The country index to use (default ``atlas.countries``).

    Raises
    ------
    UsageError
        If ``kind`` is unknown.
    """

    def __init__(
        self, atlas: Atlas, kind: str | None, *, countries: CountryIndex | None = None
    ) -> None:
        self._countries = atlas.countries if countries is None else countries
        self._spare: queue.SimpleQueue[CountryIndex] = queue.SimpleQueue()
        self._spare.put(self._countries)
        frame = self._countries.frame
        # one entry per country row, and a last one for "no country"
        table: dict[str, list[Any]] = {c: [] for c in ("iso3", "country", "region", "region_name")}
        member: list[bool] = []
        for code, name in zip(frame["iso3"], frame["name"], strict=True):
            info = atlas.membership.get(str(code), fallback_name=str(name))
            if info is None:  # pragma: no cover - a fallback name always gives an answer
                raise GeoError(f"no membership answer for {code!r}")
            table["iso3"].append(info.iso3)
            table["country"].append(info.name)
            table["region"].append(info.region)
            table["region_name"].append(REGIONS.get(info.region or ""))
            member.append(bool(info.member))
        #: Text of the country columns by row, then ``None`` (no country).
        self.country_table = {c: np.array([*v, None], dtype=object) for c, v in table.items()}
        #: ``member`` by row, then False (no country).
        self.member_table = np.array([*member, False])
        places = atlas.places
        #: Text of the nearest-place columns by row, then ``None`` (no place).
        self.place_table = {
            c: np.array([*places[c].tolist(), None], dtype=object) for c in ("id", "kind", "name")
        }
        self._places = PlaceIndex(places, kind=kind)

    @contextlib.contextmanager
    def _country_index(self) -> Iterator[CountryIndex]:
        """A country index no other thread is using (a clone when all are busy)."""
        try:
            index = self._spare.get_nowait()
        except queue.Empty:
            index = self._countries.clone()
        try:
            yield index
        finally:
            self._spare.put(index)

    def warm(self, points: int) -> None:
        """Get ready for batches of ``points`` points: build what their nearest-place queries use.

        The tree of a large query (and the import of scipy, a third of a second) is then
        made while the threads locate the first batches, not after.
        """
        self._places.prepare(points)

    def find(self, lon: np.ndarray, lat: np.ndarray, valid: np.ndarray | None = None) -> Found:
        """Country and nearest place of points (degrees, EPSG:4326); ``valid`` ones only.

        Runs in the calling thread (the tree query and the geodesics do not
        start threads of their own): callers parallelise over batches.
        """
        n = len(lon)
        if valid is None or valid.all():
            where = None
            lon_v, lat_v = lon, lat
        else:
            where = np.flatnonzero(valid)
            lon_v, lat_v = lon[where], lat[where]
        with self._country_index() as countries:
            located = countries.locate_many(lon_v, lat_v)
        position, km = nearest_place(self._places, lon_v, lat_v, threads=False)
        found = (located.row, np.round(located.distance_km, 3), position, np.round(km, 3))
        if where is None:
            return Found(*found, np.ones(n, dtype=bool))
        country, country_km, place, place_km = (
            np.full(n, -1, dtype=np.int64),
            np.full(n, np.nan),
            np.full(n, -1, dtype=np.int64),
            np.full(n, np.nan),
        )
        country[where], country_km[where], place[where], place_km[where] = found
        return Found(country, country_km, place, place_km, np.asarray(valid, dtype=bool))

    def frame(self, found: Found) -> pd.DataFrame:
        """:data:`ADDED_COLUMNS` of ``found`` as a frame, index ``0..n-1`` (invalid rows empty)."""
        row = found.country  # -1 (none, invalid) picks the last entry of each table
        out: dict[str, Any] = {c: values[row] for c, values in self.country_table.items()}
        member = pd.array(self.member_table[row], dtype="boolean")
        member[~found.valid] = pd.NA
        out["member"] = member
        out["located_by"] = np.array(LOCATED_BY, dtype=object)[found.located_by]
        out["country_distance_km"] = found.country_km
        for column, source in zip(NEAREST_COLUMNS[:3], ("id", "kind", "name"), strict=True):
            out[column] = self.place_table[source][found.place]
        out["nearest_km"] = found.place_km
        return typed(out)

    def columns(self, lon: np.ndarray, lat: np.ndarray) -> pd.DataFrame:
        """:data:`ADDED_COLUMNS` for valid points (degrees, EPSG:4326), index ``0..n-1``."""
        return self.frame(self.find(lon, lat))

    def columns_with_invalid(
        self, lon: np.ndarray, lat: np.ndarray, valid: np.ndarray
    ) -> pd.DataFrame:
        """Like :meth:`columns`, with empty (null) values where ``valid`` is false."""
        return self.frame(self.find(lon, lat, valid))

    def rows(self, coords: Coordinates, on_invalid: OnInvalid) -> tuple[np.ndarray, pd.DataFrame]:
        """The rows kept under ``on_invalid`` (``'skip'`` drops invalid ones), and their columns."""
        keep = coords.valid if on_invalid == "skip" else np.ones(len(coords.lon), dtype=bool)
        added = self.columns_with_invalid(coords.lon, coords.lat, coords.valid)
        return keep, added[keep]


def nearest_place(
    index: PlaceIndex, lon: np.ndarray, lat: np.ndarray, *, threads: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """Row position and geodesic km of each point's nearest place: ``-1`` and ``nan`` if none.

    The answers of :meth:`geo.query.PlaceIndex.nearest` with ``k=1``, for
    valid points (degrees, EPSG:4326); an index without places (none of the
    kind asked for) gives no place.  ``threads=False`` keeps the work in the
    calling thread.
    """
    found = index.nearest(lon, lat, k=1, threads=threads)
    if not found.position.shape[1]:
        return np.full(len(lon), -1, dtype=np.int64), np.full(len(lon), np.nan)
    return found.position[:, 0], found.distance_km[:, 0]


def typed(columns: dict[str, Any]) -> pd.DataFrame:
    """The added columns as a frame with their dtypes (text as object, ``member`` boolean)."""
    return pd.DataFrame({c: pd.Series(columns[c], dtype=_DTYPES[c]) for c in ADDED_COLUMNS})


def check_choice(name: str, value: Any, choices: tuple[str, ...]) -> None:
    """Raise :class:`UsageError` unless the argument ``name`` is one of ``choices``."""
    if value not in choices:
        text = "{" + ", ".join(repr(c) for c in choices) + "}"
        raise UsageError(f"Got {name}={value!r}; `{name}` must be one of {text}")


def enrich_points(
    points: pd.DataFrame,
    *,
    atlas: Atlas | None = None,
    kind: str | None = None,
    lat_column: str | None = None,
    lon_column: str | None = None,
    on_invalid: OnInvalid = "raise",
) -> pd.DataFrame:
    """Add country, WCO region and nearest place to a table of points.

    Parameters
    ----------
    points : pandas.DataFrame or geopandas.GeoDataFrame
        A frame with latitude and longitude columns (degrees, EPSG:4326), or
        a GeoDataFrame of Points (its geometry is used unless ``lat_column``
        or ``lon_column`` is given; another CRS is reprojected).  Not modified.
    atlas : Atlas, optional
        The atlas to use (default :func:`geo.load`, which reads the data
        folder: pass one when enriching many frames).
    kind : str, optional
        Search the nearest place among places of this kind only (one of
        :data:`geo.schema.KINDS`).
    lat_column, lon_column : str, optional
        Column names; by default the one column named (case-insensitively)
        ``lat``, ``latitude`` or ``y``, and ``lon``, ``lng``, ``long``,
        ``longitude`` or ``x``.
    on_invalid : {'raise', 'skip', 'null'}
        A row whose coordinates are missing, not numbers, or outside
        [-90, 90] x [-180, 180]: raise :class:`InvalidPointsError` listing
        every such row (``'raise'``), drop it (``'skip'``), or keep it with
        empty added columns (``'null'``).

    Returns
    -------
    pandas.DataFrame or geopandas.GeoDataFrame
        A new frame of the same type and index, with the input's columns and
        :data:`ADDED_COLUMNS` (replacing input columns of the same names).
        A point exactly on a border is covered by both countries and goes to
        the ISO3 code that sorts first; a point at sea more than 25 km from
        any country has ``located_by='none'`` and empty country columns.

    Raises
    ------
    InvalidPointsError
        With ``on_invalid='raise'``, if a row is invalid.
    DataError
        If no latitude or longitude column is found.
    UsageError
        If ``kind`` or ``on_invalid`` is unknown.
    """
    check_choice("on_invalid", on_invalid, ON_INVALID)
    source = FrameSource(points, lat_column=lat_column, lon_column=lon_column)
    coords = source.chunk().coords
    if coords.problems and on_invalid == "raise":
        raise InvalidPointsError(source.label, coords.problems, coords.invalid_count)
    enricher = Enricher(atlas if atlas is not None else load(), kind)
    keep, added = enricher.rows(coords, on_invalid)
    base = points.drop(columns=[c for c in ADDED_COLUMNS if c in points.columns])
    base = base[keep] if not keep.all() else base.copy()
    added = added.set_axis(base.index)
    for column in ADDED_COLUMNS:
        base[column] = added[column]  # a Series keeps its dtype (an array of text would not)
    return base
