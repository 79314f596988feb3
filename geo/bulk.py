"""Enrich many points at once: country, WCO region and the nearest office or border post.

Input is a table of points: a CSV file with latitude and longitude columns, a
GeoJSON FeatureCollection of Points, or a (Geo)Parquet file or folder.  Every
point gets the columns of :data:`ADDED_COLUMNS`:

* ``iso3``, ``country``, ``region``, ``region_name``, ``member``,
  ``located_by``, ``country_distance_km``: the country by the rule of
  :mod:`geo.countries` (covered by a polygon, a point on a border going to
  the ISO3 code that sorts first; else the nearest polygon within 25 km
  geodesic; else none), as for the places of the atlas;
* ``nearest_id``, ``nearest_kind``, ``nearest_name``, ``nearest_km``: the
  nearest place of the atlas (optionally of one kind) by geodesic distance on
  the WGS84 ellipsoid, in kilometres, equal distances going to the place that
  comes first in the atlas.

Coordinates are EPSG:4326 degrees, ``lon`` in [-180, 180] and ``lat`` in
[-90, 90].  Distances are rounded to the metre (3 decimals of a km).

Files are read and written in chunks, so memory stays bounded however large
the input, except for GeoJSON input, which is read whole (use CSV or
GeoParquet for inputs larger than memory).  The output goes to a temporary file
renamed into place at the end: a failure leaves no partial output.

>>> import geo
>>> from geo.bulk import enrich_points
>>> import pandas as pd
>>> atlas = geo.load()
>>> points = pd.DataFrame(
...     {"name": ["Samur", "at sea"], "lat": [41.6367, 0.0], "lon": [48.4303, -30.0]}
... )
>>> out = enrich_points(points, atlas=atlas)
>>> out[["name", "iso3", "located_by", "nearest_id"]].fillna("-").to_numpy().tolist()
[['Samur', 'AZE', 'inside', 'samur'], ['at sea', '-', 'none', 'rtc-brazil']]
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import json
import logging
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely
from scipy.spatial import cKDTree

from geo.atlas import Atlas, load
from geo.countries import CountryIndex
from geo.enrich import ENRICHED_COLUMNS
from geo.errors import DataError, GeoError, InvalidPointsError, Problem, RowProblem, UsageError
from geo.query import PlaceIndex
from geo.schema import REGIONS
from geo.sphere import R_MAX_KM, R_MIN_KM, chord_to_angle, geodesic_km, slack, unit_vectors

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = [
    "ADDED_COLUMNS",
    "FORMATS",
    "NEAREST_COLUMNS",
    "EnrichSummary",
    "Progress",
    "enrich_file",
    "enrich_points",
]

log = logging.getLogger(__name__)

#: Columns the nearest-place search adds.
NEAREST_COLUMNS: tuple[str, ...] = ("nearest_id", "nearest_kind", "nearest_name", "nearest_km")
#: Every column enrichment adds (an input column of the same name is replaced).
ADDED_COLUMNS: tuple[str, ...] = (*ENRICHED_COLUMNS, *NEAREST_COLUMNS)
#: File formats, by extension.
FORMATS = {".csv": "csv", ".geojson": "geojson", ".json": "geojson", ".parquet": "parquet"}
#: Column names tried, case-insensitively, when none is given.
LAT_NAMES: tuple[str, ...] = ("lat", "latitude", "y")
LON_NAMES: tuple[str, ...] = ("lon", "lng", "long", "longitude", "x")
#: Default number of rows read, enriched and written at a time.
CHUNK_ROWS = 250_000
#: Problems kept (and shown) when invalid points are found.
MAX_PROBLEMS = 20

OnInvalid = Literal["raise", "skip", "null"]
_ON_INVALID = ("raise", "skip", "null")
_ENGINES = ("local", "dask")
_STRING_COLUMNS = (
    "iso3",
    "country",
    "region",
    "region_name",
    "located_by",
    "nearest_id",
    "nearest_kind",
    "nearest_name",
)
_FLOAT_COLUMNS = ("country_distance_km", "nearest_km")
#: pandas dtype of each added column (missing values: NaN for text and floats, NA for member).
_DTYPES: dict[str, str] = {
    **dict.fromkeys(_STRING_COLUMNS, "object"),
    "member": "boolean",
    **dict.fromkeys(_FLOAT_COLUMNS, "float64"),
}
_GEOMETRY = "geometry"
_CRS = pyproj.CRS.from_epsg(4326)


# --------------------------------------------------------------------------- results and errors


@dataclass(frozen=True)
class Progress:
    """How far :func:`enrich_file` has got, passed to its ``progress`` callback after each chunk.

    Attributes
    ----------
    rows : int
        Input rows read so far.
    fraction : float or None
        Share of the input read, 0 to 1 (by bytes for CSV, by rows otherwise),
        ``None`` when unknown.
    """

    rows: int
    fraction: float | None


@dataclass(frozen=True)
class EnrichSummary:
    """What :func:`enrich_file` did.

    Attributes
    ----------
    output : pathlib.Path
        The file (or, for ``engine='dask'``, the folder) written.
    rows_read, rows_written : int
        Input rows, and rows in the output.
    rows_invalid : int
        Rows with invalid coordinates (skipped with ``on_invalid='skip'``,
        kept with empty enrichment columns with ``on_invalid='null'``).
    seconds : float
        Wall-clock time.
    """

    output: Path
    rows_read: int
    rows_written: int
    rows_invalid: int
    seconds: float


# --------------------------------------------------------------------------- the enrichment itself


class _NearestPlaces:
    """Nearest place of many points: exact geodesic, same answers as :func:`geo.query.nearest_many`.

    Most points have one place clearly nearest: the angle bounds of
    :mod:`geo.query` (geodesic km per radian between the smallest and largest
    radius of curvature) rule the second-nearest out, and one geodesic per
    point is computed.  The few others go to :class:`geo.query.PlaceIndex`.
    """

    def __init__(self, places: gpd.GeoDataFrame, kind: str | None) -> None:
        self._index = PlaceIndex(places, kind=kind)  # checks the kind and the geometries
        rows = np.arange(len(places))
        if self._index.kind is not None:
            rows = rows[(places["kind"] == self._index.kind).to_numpy()]
        xy = shapely.get_coordinates(np.asarray(places.geometry.values))
        self._rows = rows
        self._lon = xy[rows, 0].copy()
        self._lat = xy[rows, 1].copy()
        self._tree = cKDTree(unit_vectors(self._lon, self._lat)) if len(rows) else None

    def find(self, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Row position (``-1`` when no place) and geodesic km (``nan``) of each point's nearest."""
        position = np.full(len(lon), -1, dtype=np.int64)
        km = np.full(len(lon), np.nan)
        if self._tree is None or not len(lon):
            return position, km
        k = min(2, len(self._rows))
        chord, cand = self._tree.query(unit_vectors(lon, lat), k=k, workers=-1)
        chord, cand = chord.reshape(len(lon), k), cand.reshape(len(lon), k)
        theta = chord_to_angle(chord)
        if k == 2:
            # as in PlaceIndex.nearest: a place beyond this angle cannot be the nearest
            clear = theta[:, 1] > slack(theta[:, 0] * (R_MAX_KM / R_MIN_KM))
        else:
            clear = np.ones(len(lon), dtype=bool)
        first = cand[clear, 0]
        position[clear] = self._rows[first]
        km[clear] = geodesic_km_threads(lon[clear], lat[clear], self._lon[first], self._lat[first])
        unclear = np.flatnonzero(~clear)
        if len(unclear):
            found = self._index.nearest(lon[unclear], lat[unclear], k=1)
            position[unclear] = found.position[:, 0]
            km[unclear] = found.distance_km[:, 0]
        return position, km


def geodesic_km_threads(
    lon1: np.ndarray, lat1: np.ndarray, lon2: np.ndarray, lat2: np.ndarray
) -> np.ndarray:
    """:func:`geo.sphere.geodesic_km` over slices in threads (pyproj releases the GIL)."""
    workers = min(os.cpu_count() or 1, _MAX_THREADS, len(lon1) // _THREAD_MIN_POINTS)
    if workers <= 1:
        return geodesic_km(lon1, lat1, lon2, lat2)
    bounds = np.linspace(0, len(lon1), workers + 1).astype(int)
    slices = [slice(a, b) for a, b in itertools.pairwise(bounds)]
    with ThreadPoolExecutor(workers) as pool:
        parts = pool.map(lambda s: geodesic_km(lon1[s], lat1[s], lon2[s], lat2[s]), slices)
        return np.concatenate(list(parts))


#: Geodesics are computed in threads for at least this many points per thread.
_THREAD_MIN_POINTS = 100_000
_MAX_THREADS = 4


class _Enricher:
    """The added columns for arrays of valid points, from one atlas (reused across chunks)."""

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
        self._place = {
            c: np.array([*places[c].tolist(), None], dtype=object) for c in ("id", "kind", "name")
        }
        self._nearest = _NearestPlaces(places, kind)

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
        position, km = self._nearest.find(lon, lat)
        for column, source in zip(NEAREST_COLUMNS[:3], ("id", "kind", "name"), strict=True):
            out[column] = self._place[source][position]
        out["nearest_km"] = np.round(km, 3)
        return _typed(out)

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
                    len(lon), None if column in _STRING_COLUMNS else np.nan, dtype=object
                )
                values[where] = found[column].to_numpy(dtype=object)
            out[column] = values
        return _typed(out)


def _typed(columns: dict[str, Any]) -> pd.DataFrame:
    """The added columns as a frame with the dtypes of :data:`_DTYPES`."""
    return pd.DataFrame({c: pd.Series(columns[c], dtype=_DTYPES[c]) for c in ADDED_COLUMNS})


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
    _check_choice("on_invalid", on_invalid, _ON_INVALID)
    source = _FrameSource(points, lat_column=lat_column, lon_column=lon_column)
    chunk = source.chunk()
    if chunk.problems and on_invalid == "raise":
        raise InvalidPointsError(source.label, chunk.problems[:MAX_PROBLEMS], chunk.invalid_count)
    enricher = _Enricher(atlas if atlas is not None else load(), kind)
    added = enricher.columns_with_invalid(chunk.lon, chunk.lat, chunk.valid)
    keep = chunk.valid if on_invalid == "skip" else np.ones(len(chunk.lon), dtype=bool)
    base = points.drop(columns=[c for c in ADDED_COLUMNS if c in points.columns])
    base = base[keep] if not keep.all() else base.copy()
    added = added[keep].set_axis(base.index)
    for column in ADDED_COLUMNS:
        base[column] = added[column]  # a Series keeps its dtype (an array of text would not)
    return base


# --------------------------------------------------------------------------- reading


@dataclass
class _Chunk:
    """Rows of the input: their own columns and their coordinates."""

    data: Any  # pandas.DataFrame or pyarrow.Table: the input's columns
    lon: np.ndarray
    lat: np.ndarray
    valid: np.ndarray
    problems: list[Problem]
    invalid_count: int
    fraction: float | None = None


def _check_coordinates(
    file: str,
    start: int,
    lon_raw: Any,
    lat_raw: Any,
    *,
    lon_field: str,
    lat_field: str,
    line_offset: int | None,
    unit: str = "row",
    skip: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[Problem], int]:
    """Parse coordinates; returns lon, lat, valid, the first problems and the invalid count.

    ``lon_raw``/``lat_raw`` are array-likes of numbers or text; empty text,
    ``None`` and ``NaN`` are missing values.  Rows flagged in ``skip`` were
    reported already: they are invalid but neither counted nor reported.
    """
    lon, lon_text = _numbers(lon_raw)
    lat, lat_text = _numbers(lat_raw)
    with np.errstate(invalid="ignore"):
        lon_ok = np.abs(lon) <= 180.0
        lat_ok = np.abs(lat) <= 90.0
    valid = lon_ok & lat_ok
    report = ~valid if skip is None else ~valid & ~skip
    count = int(report.sum())
    problems: list[Problem] = []
    for i in np.flatnonzero(report)[:MAX_PROBLEMS]:
        line = None if line_offset is None else int(start + i + line_offset)
        for field, ok, values, text, limit in (
            (lat_field, lat_ok, lat, lat_text, 90),
            (lon_field, lon_ok, lon, lon_text, 180),
        ):
            if ok[i]:
                continue
            raw = text[i] if text is not None else float(values[i])
            what = "latitude" if limit == 90 else "longitude"
            hint = None
            if _is_missing(raw):
                expected = f"a {what} in degrees (the value is missing)"
            elif np.isnan(values[i]):
                expected = f"a {what}: a number of degrees"
            elif np.isinf(values[i]):
                expected = f"a finite {what} in degrees"
            else:
                expected = f"a {what} in [-{limit}, {limit}] degrees"
                if limit == 90 and lon_ok[i] and abs(lon[i]) <= 90:
                    hint = "are lat and lon swapped?"
            problems.append(
                RowProblem(
                    file,
                    field,
                    expected,
                    raw,
                    index=int(start + i),
                    line=line,
                    hint=hint,
                    unit=unit,
                )
            )
    return lon, lat, valid, problems[:MAX_PROBLEMS], count


def _numbers(raw: Any) -> tuple[np.ndarray, np.ndarray | None]:
    """Floats (``nan`` where missing or not a number) and the raw values if they were text."""
    if isinstance(raw, np.ndarray) and raw.dtype.kind in "fiu":
        return raw.astype(float), None
    series = pd.Series(raw, copy=False)
    if series.dtype.kind in "fiu":
        return series.to_numpy(dtype=float, na_value=np.nan), None
    values = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    return values, series.to_numpy(dtype=object)


def _is_missing(value: Any) -> bool:
    if value is None or value is pd.NA:
        return True
    if isinstance(value, str):
        return not value.strip()
    return isinstance(value, float) and bool(np.isnan(value))


def _find_column(
    file: str,
    columns: Sequence[str],
    given: str | None,
    names: tuple[str, ...],
    what: str,
    option: str,
) -> str:
    """The latitude or longitude column: the one given, else the one known name present."""
    if given is not None:
        if given in columns:
            return given
        problem = Problem(file, "(columns)", f"a column {given!r} ({what})", list(columns))
        raise DataError([problem])
    found = [c for c in columns if str(c).strip().lower() in names]
    if len(found) == 1:
        return found[0]
    names_text = ", ".join(repr(n) for n in names[:-1]) + f" or {names[-1]!r}"
    if found:
        expected = f"one {what} column, not several (choose with {option})"
    else:
        expected = f"a {what} column named {names_text} (any case), or one chosen with {option}"
    raise DataError([Problem(file, "(columns)", expected, list(columns))])


class _FrameSource:
    """An in-memory frame as one chunk."""

    def __init__(
        self, points: pd.DataFrame, *, lat_column: str | None, lon_column: str | None
    ) -> None:
        if not isinstance(points, pd.DataFrame):
            msg = f"Got points of type {type(points).__name__}; `points` must be a pandas DataFrame"
            raise UsageError(msg)
        self.points = points
        self.label = "points"
        self.lat_column = lat_column
        self.lon_column = lon_column

    def chunk(self) -> _Chunk:
        frame = self.points
        use_geometry = (
            isinstance(frame, gpd.GeoDataFrame)
            and self.lat_column is None
            and self.lon_column is None
            and frame._geometry_column_name in frame.columns
        )
        if use_geometry:
            geoms = frame.geometry
            if geoms.crs is not None and not geoms.crs.equals(_CRS):
                geoms = geoms.to_crs(_CRS)
            name = frame.geometry.name
            lon, lat, valid, problems, count = _geometry_coordinates(
                self.label,
                0,
                np.asarray(geoms.values),
                unit="row",
                lon_field=f"{name}.x",
                lat_field=f"{name}.y",
            )
            return _Chunk(frame, lon, lat, valid, problems, count)
        columns = [str(c) for c in frame.columns]
        lat_col = _find_column(
            self.label, columns, self.lat_column, LAT_NAMES, "latitude", "lat_column"
        )
        lon_col = _find_column(
            self.label, columns, self.lon_column, LON_NAMES, "longitude", "lon_column"
        )
        lon, lat, valid, problems, count = _check_coordinates(
            self.label,
            0,
            frame[lon_col].to_numpy(),
            frame[lat_col].to_numpy(),
            lon_field=lon_col,
            lat_field=lat_col,
            line_offset=None,
        )
        return _Chunk(frame, lon, lat, valid, problems, count)


def _merge(first: list[Problem], second: list[Problem]) -> list[Problem]:
    merged = sorted([*first, *second], key=lambda p: p.index if p.index is not None else -1)
    return merged[:MAX_PROBLEMS]


def _geometry_coordinates(
    file: str, start: int, geoms: np.ndarray, *, unit: str, lon_field: str, lat_field: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[Problem], int]:
    """lon, lat, valid, first problems and invalid count of an array of Point geometries.

    Anything but a non-empty Point (including a missing geometry) is invalid,
    and so is a point out of range.
    """
    n = len(geoms)
    lon = np.full(n, np.nan)
    lat = np.full(n, np.nan)
    kinds = shapely.get_type_id(geoms)
    point = (kinds == shapely.GeometryType.POINT) & ~shapely.is_empty(geoms)
    xy = shapely.get_coordinates(geoms[point])
    lon[point], lat[point] = xy[:, 0], xy[:, 1]
    problems: list[Problem] = []
    for i in np.flatnonzero(~point)[:MAX_PROBLEMS]:
        geom = geoms[i]
        got = "null" if geom is None else ("an empty point" if kinds[i] == 0 else geom.geom_type)
        problems.append(
            RowProblem(file, "geometry", "a Point", got, index=int(start + i), unit=unit)
        )
    lon, lat, valid, more, count = _check_coordinates(
        file,
        start,
        lon,
        lat,
        lon_field=lon_field,
        lat_field=lat_field,
        line_offset=None,
        unit=unit,
        skip=~point,
    )
    return lon, lat, valid & point, _merge(problems, more), count + int((~point).sum())


class _FileSource:
    """An input file read in chunks of ``chunk_rows`` rows (see the subclasses).

    ``columns`` (the input's own columns, geometry excluded) is known once
    :meth:`chunks` has started.
    """

    format = ""

    def __init__(
        self, path: Path, *, lat_column: str | None, lon_column: str | None, chunk_rows: int
    ) -> None:
        self.path = path
        self.label = path.name
        self.lat_column = lat_column
        self.lon_column = lon_column
        self.chunk_rows = chunk_rows
        self.columns: list[str] = []

    def chunks(self) -> Iterator[_Chunk]:
        """The chunks of the file, in order."""
        raise NotImplementedError


class _CsvSource(_FileSource):
    """A CSV file read in chunks; every column is kept as text."""

    format = "csv"

    def chunks(self) -> Iterator[_Chunk]:
        size = self.path.stat().st_size
        options: dict[str, Any] = {
            "dtype": str,
            "keep_default_na": False,
            "na_filter": False,
            "encoding": "utf-8-sig",
        }
        with self.path.open("rb") as handle:
            try:
                header = pd.read_csv(handle, nrows=0, **options)
            except pd.errors.EmptyDataError as err:
                problem = Problem(self.label, "(header)", "a header row of column names", "")
                raise DataError([problem]) from err
            except (pd.errors.ParserError, UnicodeDecodeError) as err:
                raise DataError(
                    [Problem(self.label, "(csv)", "well-formed UTF-8 CSV", str(err))]
                ) from err
            self.columns = [str(c) for c in header.columns]
            lat_col = _find_column(
                self.label, self.columns, self.lat_column, LAT_NAMES, "latitude", "--lat-column"
            )
            lon_col = _find_column(
                self.label, self.columns, self.lon_column, LON_NAMES, "longitude", "--lon-column"
            )
            handle.seek(0)
            start = 0
            with pd.read_csv(handle, chunksize=self.chunk_rows, **options) as reader:
                for frame in _csv_frames(reader, self.label):
                    lon, lat, valid, problems, count = _check_coordinates(
                        self.label,
                        start,
                        frame[lon_col],
                        frame[lat_col],
                        lon_field=lon_col,
                        lat_field=lat_col,
                        line_offset=2,
                    )
                    fraction = min(handle.tell() / size, 1.0) if size else 1.0
                    yield _Chunk(frame, lon, lat, valid, problems, count, fraction)
                    start += len(frame)


def _csv_frames(reader: Any, label: str) -> Iterator[pd.DataFrame]:
    while True:
        try:
            frame = next(reader)
        except StopIteration:
            return
        except (pd.errors.ParserError, UnicodeDecodeError) as err:
            raise DataError([Problem(label, "(csv)", "well-formed UTF-8 CSV", str(err))]) from err
        yield frame


class _GeoJsonSource(_FileSource):
    """A GeoJSON file of Points, read whole (GeoJSON cannot be streamed here)."""

    format = "geojson"

    def chunks(self) -> Iterator[_Chunk]:
        try:
            frame = gpd.read_file(self.path, engine="pyogrio")
        except Exception as err:  # pyogrio raises several types for unreadable files
            raise DataError(
                [Problem(self.label, "(file)", "a readable GeoJSON file", str(err))]
            ) from err
        self.columns = [str(c) for c in frame.columns if c != frame.geometry.name]
        if frame.crs is not None and not frame.crs.equals(_CRS):
            problem = Problem(
                self.label, "crs", "EPSG:4326 (lon, lat degrees)", frame.crs.to_string()
            )
            raise DataError([problem])
        if self.lat_column is not None or self.lon_column is not None:
            source = _FrameSource(
                pd.DataFrame(frame.drop(columns=frame.geometry.name)),
                lat_column=self.lat_column,
                lon_column=self.lon_column,
            )
            source.label = self.label
            chunk = source.chunk()
        else:
            lon, lat, valid, problems, count = _geometry_coordinates(
                self.label,
                0,
                np.asarray(frame.geometry.values),
                unit="feature",
                lon_field="geometry.coordinates[0]",
                lat_field="geometry.coordinates[1]",
            )
            chunk = _Chunk(frame, lon, lat, valid, problems, count)
        chunk.data = pd.DataFrame(frame.drop(columns=frame.geometry.name))
        chunk.fraction = 1.0
        yield chunk


class _ParquetSource(_FileSource):
    """A Parquet or GeoParquet file, or a folder of them, read by row groups."""

    format = "parquet"

    def files(self) -> list[Path]:
        if self.path.is_dir():
            files = sorted(p for p in self.path.rglob("*.parquet") if p.is_file())
            if not files:
                problem = Problem(
                    self.label, "(folder)", "a folder of *.parquet files", str(self.path)
                )
                raise DataError([problem])
            return files
        return [self.path]

    def chunks(self) -> Iterator[_Chunk]:
        pq = _require_pyarrow()
        files = self.files()
        try:
            opened = [pq.ParquetFile(p) for p in files]
        except Exception as err:  # pyarrow raises ArrowInvalid, OSError...
            raise DataError(
                [Problem(self.label, "(file)", "a readable Parquet file", str(err))]
            ) from err
        total = sum(f.metadata.num_rows for f in opened)
        geometry = (
            _geo_column(self.label, opened[0])
            if self.lat_column is None and self.lon_column is None
            else None
        )
        self.columns = [n for n in opened[0].schema_arrow.names if n != geometry]
        start = 0
        for path, parquet in zip(files, opened, strict=True):
            label = self.label if len(files) == 1 else f"{self.label}/{path.relative_to(self.path)}"
            if geometry is None:
                names = parquet.schema_arrow.names
                lat_col = _find_column(
                    label, names, self.lat_column, LAT_NAMES, "latitude", "--lat-column"
                )
                lon_col = _find_column(
                    label, names, self.lon_column, LON_NAMES, "longitude", "--lon-column"
                )
            for batch in parquet.iter_batches(batch_size=self.chunk_rows):
                table = _arrow().Table.from_batches([batch])
                if geometry is not None:
                    chunk = self._geometry_chunk(label, start, table, geometry)
                else:
                    lon, lat, valid, problems, count = _check_coordinates(
                        label,
                        start,
                        table.column(lon_col).to_numpy(zero_copy_only=False),
                        table.column(lat_col).to_numpy(zero_copy_only=False),
                        lon_field=lon_col,
                        lat_field=lat_col,
                        line_offset=None,
                    )
                    chunk = _Chunk(table, lon, lat, valid, problems, count)
                start += table.num_rows
                chunk.fraction = start / total if total else 1.0
                yield chunk

    def _geometry_chunk(self, label: str, start: int, table: pa.Table, geometry: str) -> _Chunk:
        column = table.column(geometry)
        xy = _wkb_points_xy(column)
        if xy is not None:  # all plain 2-D points: no geometry objects needed
            lon, lat, valid, problems, count = _check_coordinates(
                label,
                start,
                xy[0],
                xy[1],
                lon_field=f"{geometry}.x",
                lat_field=f"{geometry}.y",
                line_offset=None,
            )
            return _Chunk(table.drop_columns([geometry]), lon, lat, valid, problems, count)
        try:
            geoms = shapely.from_wkb(column.to_numpy(zero_copy_only=False))
        except shapely.errors.GEOSException as err:
            problem = Problem(label, geometry, "WKB geometries", str(err))
            raise DataError([problem]) from err
        lon, lat, valid, problems, count = _geometry_coordinates(
            label, start, geoms, unit="row", lon_field=f"{geometry}.x", lat_field=f"{geometry}.y"
        )
        return _Chunk(table.drop_columns([geometry]), lon, lat, valid, problems, count)


#: Little-endian WKB of a 2-D point: byte order 1, type 1, then x and y as float64.
_WKB_POINT_HEAD = np.array([1, 1, 0, 0, 0], dtype=np.uint8)
_WKB_POINT_SIZE = 21


def _wkb_points_xy(column: Any) -> tuple[np.ndarray, np.ndarray] | None:
    """lon, lat of a WKB column that holds only non-empty little-endian 2-D points, else None."""
    array = column.combine_chunks() if hasattr(column, "combine_chunks") else column
    if array.null_count or not len(array):
        return None
    _, offsets_buffer, data_buffer = array.buffers()
    wide = str(array.type) in ("large_binary", "large_string")
    offsets = np.frombuffer(offsets_buffer, dtype=np.int64 if wide else np.int32)
    offsets = offsets[array.offset : array.offset + len(array) + 1]
    if not np.all(np.diff(offsets) == _WKB_POINT_SIZE):
        return None
    data = np.frombuffer(data_buffer, dtype=np.uint8)[offsets[0] : offsets[-1]]
    records = data.reshape(len(array), _WKB_POINT_SIZE)
    if not np.array_equal(records[:, :5], np.broadcast_to(_WKB_POINT_HEAD, (len(array), 5))):
        return None
    lon = records[:, 5:13].copy().view("<f8").ravel()
    lat = records[:, 13:21].copy().view("<f8").ravel()
    if np.isnan(lon).any() or np.isnan(lat).any():  # an empty point: say so, the slow way
        return None
    return lon, lat


def _points_wkb(lon: np.ndarray, lat: np.ndarray, valid: np.ndarray) -> Any:
    """A pyarrow binary array of little-endian WKB points, null where ``valid`` is false."""
    pa = _arrow()
    n = len(lon)
    records = np.empty((n, _WKB_POINT_SIZE), dtype=np.uint8)
    records[:, :5] = _WKB_POINT_HEAD
    records[:, 5:13] = np.ascontiguousarray(lon, dtype="<f8").view(np.uint8).reshape(n, 8)
    records[:, 13:21] = np.ascontiguousarray(lat, dtype="<f8").view(np.uint8).reshape(n, 8)
    sizes = np.where(valid, _WKB_POINT_SIZE, 0)
    offsets = np.zeros(n + 1, dtype=np.int32)
    np.cumsum(sizes, out=offsets[1:])
    data = records[valid].tobytes()
    validity = None
    if not valid.all():
        validity = pa.py_buffer(np.packbits(valid, bitorder="little").tobytes())
    buffers = [validity, pa.py_buffer(offsets.tobytes()), pa.py_buffer(data)]
    return pa.Array.from_buffers(pa.binary(), n, buffers, null_count=int((~valid).sum()))


def _geo_column(label: str, parquet: Any) -> str | None:
    """The primary geometry column of a GeoParquet file (``None`` for plain Parquet)."""
    metadata = parquet.schema_arrow.metadata or {}
    raw = metadata.get(b"geo")
    if raw is None:
        return None
    try:
        geo = json.loads(raw)
        column = str(geo["primary_column"])
        info = geo["columns"][column]
    except (ValueError, KeyError, TypeError) as err:
        problem = Problem(label, "(metadata)", "valid GeoParquet 'geo' metadata", str(err))
        raise DataError([problem]) from err
    if info.get("encoding", "WKB") != "WKB":
        problem = Problem(label, f"{column}.encoding", "WKB geometries", info.get("encoding"))
        raise DataError([problem])
    crs = info.get("crs", "OGC:CRS84")
    if crs is not None and not pyproj.CRS.from_user_input(crs).equals(_CRS, ignore_axis_order=True):
        problem = Problem(
            label,
            f"{column}.crs",
            "EPSG:4326 (lon, lat degrees)",
            pyproj.CRS.from_user_input(crs).to_string(),
        )
        raise DataError([problem])
    return column


_SOURCES: dict[str, Any] = {"csv": _CsvSource, "geojson": _GeoJsonSource, "parquet": _ParquetSource}


def _format_of(path: Path, name: str) -> str:
    if name == "input" and path.is_dir():
        return "parquet"
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        choices = "{" + ", ".join(repr(e) for e in FORMATS) + "}"
        msg = f"Got {name}={str(path)!r}; the {name} file's extension must be one of {choices}"
        raise UsageError(msg)
    return fmt


# --------------------------------------------------------------------------- writing


class _CsvWriter:
    def __init__(self, handle: Any, source: Any) -> None:
        self.handle = handle
        self.source = source
        self.header = True

    def write(
        self, chunk: _Chunk, data: pd.DataFrame, added: pd.DataFrame, keep: np.ndarray
    ) -> None:
        frame = _joined(data, added)
        frame.to_csv(self.handle, header=self.header, index=False, lineterminator="\n")
        self.header = False

    def close(self) -> None:
        if self.header:  # no rows: still write the header
            pd.DataFrame(columns=[*_without_added(self.source.columns), *ADDED_COLUMNS]).to_csv(
                self.handle, index=False, lineterminator="\n"
            )

    def discard(self) -> None:
        """Give up after a failure (the temporary file is removed by the caller)."""


class _GeoJsonWriter:
    def __init__(self, handle: Any, source: Any) -> None:
        self.handle = handle
        self.first = True
        handle.write(b'{"type": "FeatureCollection", "features": [\n')

    def write(
        self, chunk: _Chunk, data: pd.DataFrame, added: pd.DataFrame, keep: np.ndarray
    ) -> None:
        frame = _joined(data, added)
        if not len(frame):
            return
        props = frame.to_json(orient="records", lines=True, double_precision=15, force_ascii=False)
        lon, lat, valid = chunk.lon[keep], chunk.lat[keep], chunk.valid[keep]
        parts = []
        for p, x, y, ok in zip(
            props.splitlines(), lon.tolist(), lat.tolist(), valid.tolist(), strict=True
        ):
            geometry = f'{{"type": "Point", "coordinates": [{x!r}, {y!r}]}}' if ok else "null"
            parts.append(f'{{"type": "Feature", "geometry": {geometry}, "properties": {p}}}')
        text = ",\n".join(parts)
        self.handle.write((text if self.first else ",\n" + text).encode("utf-8"))
        self.first = False

    def close(self) -> None:
        self.handle.write(b"\n]}\n")

    def discard(self) -> None:
        """Give up after a failure (the temporary file is removed by the caller)."""


class _ParquetWriter:
    def __init__(self, handle: Any, source: Any) -> None:
        self.handle = handle
        self.source = source
        self.writer: Any = None
        self.schema: Any = None

    def write(self, chunk: _Chunk, data: Any, added: pd.DataFrame, keep: np.ndarray) -> None:
        pa = _arrow()
        table = (
            data if isinstance(data, pa.Table) else pa.Table.from_pandas(data, preserve_index=False)
        )
        table = table.drop_columns(
            [c for c in [*ADDED_COLUMNS, _GEOMETRY] if c in table.column_names]
        )
        for column in ADDED_COLUMNS:
            table = table.append_column(column, _arrow_column(added[column], column))
        wkb = _points_wkb(chunk.lon[keep], chunk.lat[keep], chunk.valid[keep])
        table = table.append_column(_GEOMETRY, wkb)
        if self.writer is None:
            self.schema = table.schema.with_metadata({b"geo": _geo_metadata()})
            self.writer = _require_pyarrow().ParquetWriter(self.handle, self.schema)
        self.writer.write_table(table.cast(self.schema))

    def close(self) -> None:
        if self.writer is None:  # no rows: an empty table with the input's columns
            schema = _arrow().schema(
                [(c, _arrow().string()) for c in _without_added(self.source.columns)]
            )
            empty = _typed({c: [] for c in ADDED_COLUMNS})
            chunk = _Chunk(None, np.zeros(0), np.zeros(0), np.zeros(0, dtype=bool), [], 0)
            self.write(chunk, schema.empty_table(), empty, np.zeros(0, dtype=bool))
        self.writer.close()

    def discard(self) -> None:
        """Give up after a failure: close the Parquet writer, whose file is then removed."""
        if self.writer is not None:
            with contextlib.suppress(Exception):
                self.writer.close()


def _arrow_column(values: pd.Series, column: str) -> Any:
    pa = _arrow()
    if column in _FLOAT_COLUMNS:
        return pa.array(values.to_numpy(dtype=float), type=pa.float64(), from_pandas=True)
    if column == "member":
        return pa.array(values.array, type=pa.bool_(), from_pandas=True)
    return pa.array(values.to_numpy(dtype=object), type=pa.string(), from_pandas=True)


def _geo_metadata() -> bytes:
    meta = {
        "version": "1.0.0",
        "primary_column": _GEOMETRY,
        "columns": {
            _GEOMETRY: {"encoding": "WKB", "geometry_types": ["Point"], "crs": _CRS.to_json_dict()}
        },
    }
    return json.dumps(meta).encode("utf-8")


def _without_added(columns: Sequence[str]) -> list[str]:
    return [c for c in columns if c not in ADDED_COLUMNS]


def _joined(data: Any, added: pd.DataFrame) -> pd.DataFrame:
    frame = data if isinstance(data, pd.DataFrame) else data.to_pandas()
    frame = frame.drop(columns=[c for c in ADDED_COLUMNS if c in frame.columns]).reset_index(
        drop=True
    )
    return pd.concat([frame, added.reset_index(drop=True)], axis=1)


_WRITERS: dict[str, Any] = {"csv": _CsvWriter, "geojson": _GeoJsonWriter, "parquet": _ParquetWriter}


@contextlib.contextmanager
def _atomic_output(path: Path, *, folder: bool = False) -> Iterator[Path]:
    """A temporary path beside ``path``, renamed over it on success and removed on failure."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"))
    target = tmp if folder else tmp / path.name
    try:
        yield target
        if folder:
            if path.is_dir():
                old = path.with_name(f".{path.name}.old")
                os.replace(path, old)
                os.replace(tmp, path)
                shutil.rmtree(old, ignore_errors=True)
            else:
                os.replace(tmp, path)
        else:
            os.chmod(target, 0o644)
            os.replace(target, path)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


# --------------------------------------------------------------------------- the file pipeline


def enrich_file(
    input: str | os.PathLike[str],
    output: str | os.PathLike[str],
    *,
    atlas: Atlas | None = None,
    kind: str | None = None,
    lat_column: str | None = None,
    lon_column: str | None = None,
    on_invalid: OnInvalid = "raise",
    chunk_rows: int = CHUNK_ROWS,
    engine: Literal["local", "dask"] = "local",
    progress: Callable[[Progress], None] | None = None,
    data_dir: str | os.PathLike[str] | None = None,
) -> EnrichSummary:
    """Enrich a file of points and write the result, chunk by chunk.

    Parameters
    ----------
    input : path
        ``.csv`` (a header row; columns kept as text), ``.geojson`` (a
        FeatureCollection of Points; read whole), ``.parquet`` (GeoParquet
        with a Point geometry, or Parquet with latitude and longitude
        columns) or a folder of ``.parquet`` files (partitioned GeoParquet).
        Coordinates are EPSG:4326 degrees.
    output : path
        Format from the extension: ``.csv``, ``.geojson`` or ``.parquet``
        (GeoParquet 1.0, WKB points, EPSG:4326).  With ``engine='dask'``, a
        folder of partitioned GeoParquet.  Written to a temporary file and
        renamed at the end; a failure leaves no partial output.
    atlas : Atlas, optional
        Default: :func:`geo.load` of ``data_dir``.
    kind : str, optional
        Search the nearest place among places of this kind only.
    lat_column, lon_column : str, optional
        Column names (default: detected, see :func:`enrich_points`).  For
        GeoParquet or GeoJSON input, giving one uses the columns instead of
        the geometry.
    on_invalid : {'raise', 'skip', 'null'}
        See :func:`enrich_points`.  With ``'raise'`` the whole input is
        checked and every invalid row counted before the error is raised.
    chunk_rows : int
        Rows per chunk: memory grows with it; results do not depend on it.
    engine : {'local', 'dask'}
        ``'dask'`` reads GeoParquet with dask-geopandas and enriches the
        partitions on the current Dask scheduler (a ``distributed.Client``
        if one is active), writing one output file per partition.  Install
        with ``pip install 'geo[dask]'``.
    progress : callable, optional
        Called with a :class:`Progress` after each chunk (local engine).
    data_dir : path, optional
        Data folder for :func:`geo.load` when ``atlas`` is not given.

    Returns
    -------
    EnrichSummary

    Raises
    ------
    DataError
        If the input is missing, unreadable, or lacks coordinate columns.
    InvalidPointsError
        With ``on_invalid='raise'``, listing the first invalid rows (file,
        row, column, value) and how many there are.
    UsageError
        For an unknown extension, engine, ``on_invalid`` or ``kind``, or
        when input and output are the same file.
    """
    started = time.perf_counter()
    source_path, target = Path(input), Path(output)
    _check_choice("on_invalid", on_invalid, _ON_INVALID)
    _check_choice("engine", engine, _ENGINES)
    if isinstance(chunk_rows, bool) or not isinstance(chunk_rows, int) or chunk_rows < 1:
        raise UsageError(f"Got chunk_rows={chunk_rows!r}; `chunk_rows` must be a positive integer")
    in_format = _format_of(source_path, "input")
    out_format = _format_of(target, "output")
    if not source_path.exists():
        raise DataError([Problem(source_path.name, "(file)", "an existing file", str(source_path))])
    if source_path.resolve() == target.resolve():
        raise UsageError(f"Got input and output {str(target)!r}; write the output to another file")
    if engine == "dask":
        if in_format != "parquet" or out_format != "parquet":
            msg = (
                f"Got engine='dask' with input {source_path.name!r} and output {target.name!r}; "
                "engine='dask' reads and writes GeoParquet (.parquet files or folders)"
            )
            raise UsageError(msg)
        if atlas is not None:
            msg = "Got engine='dask' and an atlas; workers load their own: pass data_dir instead"
            raise UsageError(msg)
        return _enrich_dask(
            source_path,
            target,
            kind=kind,
            lat_column=lat_column,
            lon_column=lon_column,
            on_invalid=on_invalid,
            data_dir=data_dir,
            started=started,
        )
    if out_format == "parquet" or in_format == "parquet":
        _require_pyarrow()
    source = _SOURCES[in_format](
        source_path, lat_column=lat_column, lon_column=lon_column, chunk_rows=chunk_rows
    )
    enricher = _Enricher(atlas if atlas is not None else load(data_dir), kind)
    with _atomic_output(target) as tmp, tmp.open("wb") as handle:
        writer = _WRITERS[out_format](handle, source)
        try:
            read, written, invalid = _stream(source, writer, enricher, on_invalid, progress)
            writer.close()
        except BaseException:
            writer.discard()
            raise
    seconds = time.perf_counter() - started
    log.debug("enriched %d rows of %s into %s in %.1f s", read, source_path, target, seconds)
    return EnrichSummary(target, read, written, invalid, seconds)


def _stream(
    source: Any,
    writer: Any,
    enricher: _Enricher,
    on_invalid: OnInvalid,
    progress: Callable[[Progress], None] | None,
) -> tuple[int, int, int]:
    """Read, enrich and write chunk by chunk; returns rows read, written and invalid.

    With ``on_invalid='raise'``, once a row fails the rest is only checked, so
    that the error counts every invalid row.
    """
    read = written = invalid = 0
    problems: list[Problem] = []
    for chunk in source.chunks():
        read += len(chunk.lon)
        invalid += chunk.invalid_count
        if chunk.problems and on_invalid == "raise":
            problems = _merge(problems, chunk.problems)
        if not problems:
            keep = chunk.valid if on_invalid == "skip" else np.ones(len(chunk.lon), dtype=bool)
            added = enricher.columns_with_invalid(chunk.lon, chunk.lat, chunk.valid)[keep]
            writer.write(chunk, _take(chunk.data, keep), added, keep)
            written += int(keep.sum())
        if progress is not None:
            progress(Progress(read, chunk.fraction))
    if problems:
        raise InvalidPointsError(source.label, problems, invalid)
    return read, written, invalid


def _take(data: Any, keep: np.ndarray) -> Any:
    if keep.all():
        return data
    if isinstance(data, pd.DataFrame):
        return data[keep]
    return data.filter(_arrow().array(keep))


def _check_choice(name: str, value: Any, choices: tuple[str, ...]) -> None:
    if value not in choices:
        text = "{" + ", ".join(repr(c) for c in choices) + "}"
        raise UsageError(f"Got {name}={value!r}; `{name}` must be one of {text}")


@functools.cache
def _arrow() -> Any:
    try:
        import pyarrow
    except ModuleNotFoundError as err:
        msg = "Parquet needs pyarrow: pip install 'geo[parquet]' (or pip install pyarrow)"
        raise UsageError(msg) from err
    return pyarrow


def _require_pyarrow() -> Any:
    _arrow()
    import pyarrow.parquet as pq

    return pq


@functools.lru_cache(maxsize=4)
def _cached_atlas(data_dir: str | None) -> Atlas:
    """One atlas per data folder per process (for workers enriching many partitions)."""
    return load(data_dir)


_THREAD_STATE = threading.local()


def _cached_enricher(data_dir: str | None, kind: str | None) -> _Enricher:
    """One enricher per data folder, kind and thread (for workers enriching many partitions).

    Each thread gets its own country index: GEOS prepared geometries build
    their indexes lazily, so they are not shared between threads.
    """
    cache = _THREAD_STATE.__dict__.setdefault("enrichers", {})
    countries = _THREAD_STATE.__dict__.setdefault("countries", {})
    if (data_dir, kind) not in cache:
        atlas = _cached_atlas(data_dir)
        if data_dir not in countries:
            countries[data_dir] = CountryIndex(atlas.countries.frame)
        cache[data_dir, kind] = _Enricher(atlas, kind, countries=countries[data_dir])
    enricher: _Enricher = cache[data_dir, kind]
    return enricher


# --------------------------------------------------------------------------- Dask


def _enrich_dask(
    source: Path,
    target: Path,
    *,
    kind: str | None,
    lat_column: str | None,
    lon_column: str | None,
    on_invalid: OnInvalid,
    data_dir: str | os.PathLike[str] | None,
    started: float,
) -> EnrichSummary:
    """The partitions of a (Geo)Parquet input enriched on the current Dask scheduler."""
    try:
        import dask.dataframe as dd
        import dask_geopandas
    except ModuleNotFoundError as err:
        msg = "engine='dask' needs dask-geopandas: pip install 'geo[dask]'"
        raise UsageError(msg) from err
    pq = _require_pyarrow()
    folder = None if data_dir is None else str(data_dir)
    PlaceIndex(_cached_atlas(folder).places, kind=kind)  # fail here on a bad data folder or kind
    files = _ParquetSource(source, lat_column=None, lon_column=None, chunk_rows=1).files()
    geometry = _geo_column(source.name, pq.ParquetFile(files[0]))
    if lat_column is not None or lon_column is not None:
        geometry = None
    paths = [str(p) for p in files]
    frame = dask_geopandas.read_parquet(paths) if geometry else dd.read_parquet(paths)
    options: dict[str, Any] = {
        "data_dir": folder,
        "kind": kind,
        "lat_column": lat_column,
        "lon_column": lon_column,
        "on_invalid": on_invalid,
        "label": source.name,
    }
    meta = _enrich_partition(frame._meta, **options)
    enriched = frame.map_partitions(_enrich_partition, **options, meta=meta)
    with _atomic_output(target, folder=True) as tmp:
        enriched = dask_geopandas.from_dask_dataframe(enriched, geometry=_GEOMETRY)
        # zero-padded names: the files sort in the order of the partitions
        enriched.to_parquet(
            str(tmp), write_index=False, name_function=lambda i: f"part.{i:06d}.parquet"
        )
        read = sum(pq.ParquetFile(p).metadata.num_rows for p in files)
        outputs = sorted(tmp.glob("*.parquet"))
        written = sum(pq.ParquetFile(p).metadata.num_rows for p in outputs)
        # with on_invalid='null' an invalid row is the one row without located_by
        invalid = read - written
        if on_invalid == "null":
            invalid = sum(
                pq.read_table(p, columns=["located_by"]).column(0).null_count for p in outputs
            )
    seconds = time.perf_counter() - started
    log.debug("enriched %d rows of %s into %s with dask in %.1f s", read, source, target, seconds)
    return EnrichSummary(target, read, written, invalid, seconds)


def _enrich_partition(
    part: pd.DataFrame,
    *,
    data_dir: str | None,
    kind: str | None,
    lat_column: str | None,
    lon_column: str | None,
    on_invalid: OnInvalid,
    label: str,
    partition_info: dict[str, Any] | None = None,
) -> gpd.GeoDataFrame:
    """One partition, enriched exactly as the local engine enriches a chunk."""
    enricher = _cached_enricher(data_dir, kind)
    name = label if partition_info is None else f"{label} (partition {partition_info['number']})"
    source = _FrameSource(part, lat_column=lat_column, lon_column=lon_column)
    source.label = name
    chunk = source.chunk()
    if chunk.problems and on_invalid == "raise":
        raise InvalidPointsError(name, chunk.problems, chunk.invalid_count)
    keep = chunk.valid if on_invalid == "skip" else np.ones(len(chunk.lon), dtype=bool)
    added = enricher.columns_with_invalid(chunk.lon, chunk.lat, chunk.valid)[keep]
    drop = [*ADDED_COLUMNS, _GEOMETRY]
    if isinstance(part, gpd.GeoDataFrame) and part._geometry_column_name in part.columns:
        drop.append(part._geometry_column_name)
    data = pd.DataFrame(part).drop(columns=[c for c in dict.fromkeys(drop) if c in part.columns])
    # text as pandas' "str" dtype: Dask infers the Parquet schema from a sample
    # partition, in which object columns hold placeholders arrow cannot type
    added = added.astype(dict.fromkeys(_STRING_COLUMNS, "str"))
    frame = _joined(data[keep], added)
    points = shapely.points(chunk.lon[keep], chunk.lat[keep])
    points[~chunk.valid[keep]] = None
    return gpd.GeoDataFrame(frame, geometry=points, crs=_CRS)
