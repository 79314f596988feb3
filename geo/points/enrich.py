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
    "NEAREST_COLUMNS",
    "ON_INVALID",
    "STRING_COLUMNS",
    "Enricher",
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


class Enricher:
    """The added columns for arrays of points, from one atlas (reused across chunks).

    Parameters
    ----------
    atlas : Atlas
    kind : str or None
        Search the nearest place among places of this kind only.
    countries : CountryIndex, optional
        The country index to use (default ``atlas.countries``; a thread
        needs its own).

    Raises
    ------
    UsageError
        If ``kind`` is unknown.
    """

    def __init__(
        self, atlas: Atlas, kind: str | None, *, countries: CountryIndex | None = None
    ) -> None:
        self._countries = atlas.countries if countries is None else countries
        frame = atlas.countries.frame
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
        self._country = {c: np.array([*v, None], dtype=object) for c, v in table.items()}
        self._member = np.array([*member, False])
        places = atlas.places
        # one entry per place, and a last one for "no place"
        self._place = {
            c: np.array([*places[c].tolist(), None], dtype=object) for c in ("id", "kind", "name")
        }
        self._places = PlaceIndex(places, kind=kind)

    def columns(self, lon: np.ndarray, lat: np.ndarray) -> pd.DataFrame:
        """:data:`ADDED_COLUMNS` for valid points (degrees, EPSG:4326), index ``0..n-1``."""
        located = self._countries.locate_many(lon, lat)
        row = located.row  # -1 (none) picks the last entry of each table
        out: dict[str, Any] = {c: values[row] for c, values in self._country.items()}
        out["member"] = pd.array(self._member[row], dtype="boolean")
        out["located_by"] = np.where(
            row < 0, "none", np.where(located.distance_km > 0, "nearest", "inside")
        ).astype(object)
        out["country_distance_km"] = np.round(located.distance_km, 3)
        position, km = nearest_place(self._places, lon, lat)
        for column, source in zip(NEAREST_COLUMNS[:3], ("id", "kind", "name"), strict=True):
            out[column] = self._place[source][position]
        out["nearest_km"] = np.round(km, 3)
        return typed(out)

    def columns_with_invalid(
        self, lon: np.ndarray, lat: np.ndarray, valid: np.ndarray
    ) -> pd.DataFrame:
        """Like :meth:`columns`, with empty (null) values where ``valid`` is false."""
        if valid.all():
            return self.columns(lon, lat)
        found = self.columns(lon[valid], lat[valid])
        where = np.flatnonzero(valid)
        out: dict[str, Any] = {}
        for column in ADDED_COLUMNS:
            if column == "member":
                values: Any = pd.array([pd.NA] * len(lon), dtype="boolean")
                values[where] = found[column].array
            else:
                values = np.full(
                    len(lon), None if column in STRING_COLUMNS else np.nan, dtype=object
                )
                values[where] = found[column].to_numpy(dtype=object)
            out[column] = values
        return typed(out)

    def rows(self, coords: Coordinates, on_invalid: OnInvalid) -> tuple[np.ndarray, pd.DataFrame]:
        """The rows kept under ``on_invalid`` (``'skip'`` drops invalid ones), and their columns."""
        keep = coords.valid if on_invalid == "skip" else np.ones(len(coords.lon), dtype=bool)
        added = self.columns_with_invalid(coords.lon, coords.lat, coords.valid)
        return keep, added[keep]


def nearest_place(
    index: PlaceIndex, lon: np.ndarray, lat: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Row position and geodesic km of each point's nearest place: ``-1`` and ``nan`` if none.

    The answers of :meth:`geo.query.PlaceIndex.nearest` with ``k=1``, for
    valid points (degrees, EPSG:4326); an index without places (none of the
    kind asked for) gives no place.
    """
    found = index.nearest(lon, lat, k=1)
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
