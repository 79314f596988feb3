"""Coordinates of input rows, and a problem for each invalid one.

A chunk of rows becomes arrays of longitudes and latitudes (EPSG:4326
degrees), a mask of the valid points by :func:`geo.schema.valid_lon_lat`, and
a :class:`geo.errors.RowProblem` for each of the first :data:`MAX_PROBLEMS`
invalid rows, naming the file, the row (and line of a CSV file), the column,
the value and what was expected.  Whether an invalid row raises, is dropped or
is kept empty is the caller's policy (``on_invalid``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyproj
import shapely

from geo.errors import DataError, Problem, RowProblem
from geo.schema import valid_lon_lat

__all__ = [
    "LAT_NAMES",
    "LON_NAMES",
    "MAX_PROBLEMS",
    "WGS84",
    "Chunk",
    "Coordinates",
    "check_coordinates",
    "find_column",
    "geometry_coordinates",
    "merge_problems",
]

#: The CRS of every coordinate read and written: EPSG:4326, degrees.
WGS84 = pyproj.CRS.from_epsg(4326)
#: Column names tried, case-insensitively, when none is given.
LAT_NAMES: tuple[str, ...] = ("lat", "latitude", "y")
LON_NAMES: tuple[str, ...] = ("lon", "lng", "long", "longitude", "x")
#: Problems kept (and shown) when invalid points are found.
MAX_PROBLEMS = 20
#: A number written with a decimal comma, as spreadsheets in much of Europe write it.
_DECIMAL_COMMA = re.compile(r"\s*[+-]?[0-9]+,[0-9]+\s*")


@dataclass(frozen=True)
class Coordinates:
    """The coordinates of rows, checked.

    Attributes
    ----------
    lon, lat : numpy.ndarray
        Degrees, EPSG:4326 (``nan`` where missing or not a number).
    valid : numpy.ndarray
        Bool: the row is a valid point.
    problems : list of Problem
        The first :data:`MAX_PROBLEMS` problems, in row order.
    invalid_count : int
        How many rows are invalid in all.
    """

    lon: np.ndarray
    lat: np.ndarray
    valid: np.ndarray
    problems: list[Problem]
    invalid_count: int


@dataclass(frozen=True)
class Chunk:
    """Rows of the input: their own columns, their checked coordinates, how far in the input.

    Attributes
    ----------
    data : pandas.DataFrame or pyarrow.Table
        The input's own columns (without a geometry column).
    coords : Coordinates
    fraction : float or None
        Share of the input read once this chunk is, 0 to 1, if known.
    """

    data: Any
    coords: Coordinates
    fraction: float | None = None


def check_coordinates(
    file: str,
    start: int,
    lon_raw: Any,
    lat_raw: Any,
    *,
    lon_field: str,
    lat_field: str,
    line_offset: int | None = None,
    unit: str = "row",
    skip: np.ndarray | None = None,
) -> Coordinates:
    """Parse and check the coordinates of rows ``start``, ``start + 1``, ...

    ``lon_raw``/``lat_raw`` are array-likes of numbers or text; empty text,
    ``None`` and ``NaN`` are missing values.  ``line_offset`` turns a row
    index into a line of the file (2 for a CSV file with a header).  Rows
    flagged in ``skip`` were reported already: they are invalid but neither
    counted nor reported.
    """
    lon, lon_text = _numbers(lon_raw)
    lat, lat_text = _numbers(lat_raw)
    lon_ok, lat_ok = valid_lon_lat(lon, lat)
    valid = lon_ok & lat_ok
    report = ~valid if skip is None else ~valid & ~skip
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
                if isinstance(raw, str) and _DECIMAL_COMMA.fullmatch(raw):
                    hint = f"is ',' the decimal separator? write {raw.strip().replace(',', '.')}"
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
    return Coordinates(lon, lat, valid, problems[:MAX_PROBLEMS], int(report.sum()))


def geometry_coordinates(
    file: str, start: int, geoms: np.ndarray, *, unit: str, lon_field: str, lat_field: str
) -> Coordinates:
    """The checked coordinates of an array of Point geometries (see :func:`check_coordinates`).

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
    found = check_coordinates(
        file, start, lon, lat, lon_field=lon_field, lat_field=lat_field, unit=unit, skip=~point
    )
    return Coordinates(
        found.lon,
        found.lat,
        found.valid & point,
        merge_problems(problems, found.problems),
        found.invalid_count + int((~point).sum()),
    )


def merge_problems(first: list[Problem], second: list[Problem]) -> list[Problem]:
    """The first :data:`MAX_PROBLEMS` of two lists of row problems, in row order."""
    merged = sorted([*first, *second], key=lambda p: p.index if p.index is not None else -1)
    return merged[:MAX_PROBLEMS]


def find_column(
    file: str,
    columns: Sequence[str],
    given: str | None,
    names: tuple[str, ...],
    what: str,
    option: str,
    *,
    hint: str | None = None,
) -> str:
    """The latitude or longitude column: the one given, else the one known name present.

    Raises
    ------
    DataError
        If the column given is missing, or none or several of ``names`` are
        present (``option`` names the argument that chooses one); ``hint``
        goes with the problem.
    """
    if given is not None:
        if given in columns:
            return given
        expected = f"a column {given!r} ({what})"
        raise DataError([Problem(file, "(columns)", expected, list(columns), hint=hint)])
    found = [c for c in columns if str(c).strip().lower() in names]
    if len(found) == 1:
        return found[0]
    names_text = ", ".join(repr(n) for n in names[:-1]) + f" or {names[-1]!r}"
    if found:
        expected = f"one {what} column, not several (choose with {option})"
    else:
        expected = f"a {what} column named {names_text} (any case), or one chosen with {option}"
    raise DataError([Problem(file, "(columns)", expected, list(columns), hint=hint)])


class _ArrowText:
    """The cells of a pyarrow string column, as Python text, one at a time (for problems)."""

    def __init__(self, column: Any) -> None:
        self.column = column

    def __getitem__(self, i: int) -> Any:
        return self.column[int(i)].as_py()


def _arrow_numbers(raw: Any) -> tuple[np.ndarray, Any] | None:
    """Floats of a pyarrow column (text parsed as pandas would), or ``None`` to ask pandas.

    pyarrow parses plain numbers exactly as Python and pandas do; a column
    with anything else (spaces, commas...) is left to pandas, and a missing
    (empty) cell is ``nan``.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    if not (pa.types.is_string(raw.type) or pa.types.is_large_string(raw.type)):
        if pa.types.is_integer(raw.type) or pa.types.is_floating(raw.type):
            values = pc.cast(raw, pa.float64()).to_numpy(zero_copy_only=False)
            return np.asarray(values, dtype=float), None
        return None
    for column in (raw, pc.if_else(pc.equal(raw, ""), pa.scalar(None, raw.type), raw)):
        try:
            values = pc.cast(column, pa.float64()).to_numpy(zero_copy_only=False)
        except pa.ArrowInvalid:
            continue
        return np.asarray(values, dtype=float), _ArrowText(raw)
    return None


def _numbers(raw: Any) -> tuple[np.ndarray, Any]:
    """Floats (``nan`` where missing or not a number) and the raw values if they were text."""
    if isinstance(raw, np.ndarray) and raw.dtype.kind in "fiu":
        return raw.astype(float), None
    if type(raw).__module__.startswith("pyarrow"):
        found = _arrow_numbers(raw)
        if found is not None:
            return found
        raw = raw.to_numpy(zero_copy_only=False)
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
