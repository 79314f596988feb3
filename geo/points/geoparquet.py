"""GeoParquet encoding: pyarrow on demand, WKB point codecs and the ``geo`` metadata.

pyarrow is optional (``pip install 'wco-atlas[parquet]'``): it is imported on first
use, and its absence is a :class:`geo.errors.UsageError` naming the install
command.  Points are little-endian 2-D WKB, read and written as whole arrays
without geometry objects; the CRS is EPSG:4326 (GeoParquet 1.0 metadata).
"""

from __future__ import annotations

import functools
import json
from typing import Any

import numpy as np
import pyproj

from geo.errors import DataError, Problem, UsageError
from geo.points.rows import WGS84

__all__ = ["arrow", "geo_column", "geo_metadata", "parquet", "points_wkb", "wkb_points_xy"]

#: Little-endian WKB of a 2-D point: byte order 1, type 1, then x and y as float64.
_WKB_POINT_HEAD = np.array([1, 1, 0, 0, 0], dtype=np.uint8)
_WKB_POINT_SIZE = 21


@functools.cache
def arrow() -> Any:
    """The ``pyarrow`` module, or a :class:`UsageError` saying how to install it."""
    try:
        import pyarrow
    except ModuleNotFoundError as err:
        msg = "Parquet needs pyarrow: pip install 'wco-atlas[parquet]' (or pip install pyarrow)"
        raise UsageError(msg) from err
    return pyarrow


def parquet() -> Any:
    """The ``pyarrow.parquet`` module (see :func:`arrow`)."""
    arrow()
    import pyarrow.parquet as pq

    return pq


def wkb_points_xy(column: Any) -> tuple[np.ndarray, np.ndarray] | None:
    """lon, lat of a WKB column that holds only non-empty little-endian 2-D points, else None.

    ``None`` tells the caller to decode the column with shapely, which
    handles (and names) everything else: nulls, empty points, other types,
    big-endian or 3-D WKB.
    """
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


def points_wkb(lon: np.ndarray, lat: np.ndarray, valid: np.ndarray) -> Any:
    """A pyarrow binary array of little-endian WKB points, null where ``valid`` is false."""
    pa = arrow()
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


def geo_column(label: str, parquet_file: Any) -> str | None:
    """The primary geometry column of a GeoParquet file (``None`` for plain Parquet).

    Raises
    ------
    DataError
        If the ``geo`` metadata is malformed, the geometries are not WKB, or
        the CRS is not EPSG:4326.
    """
    metadata = parquet_file.schema_arrow.metadata or {}
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
    if not isinstance(info, dict):
        expected = "an object describing the column in the 'geo' metadata"
        raise DataError([Problem(label, f"columns.{column}", expected, info)])
    if info.get("encoding", "WKB") != "WKB":
        problem = Problem(label, f"{column}.encoding", "WKB geometries", info.get("encoding"))
        raise DataError([problem])
    crs = info.get("crs", "OGC:CRS84")
    if crs is None:
        return column
    expected = "EPSG:4326 (lon, lat degrees)"
    try:
        found = pyproj.CRS.from_user_input(crs)
    except (pyproj.exceptions.CRSError, TypeError, ValueError) as err:
        hint = f"not a coordinate reference system pyproj knows: {err}"
        raise DataError([Problem(label, f"{column}.crs", expected, crs, hint=hint)]) from err
    if not found.equals(WGS84, ignore_axis_order=True):
        raise DataError([Problem(label, f"{column}.crs", expected, found.to_string())])
    return column


def geo_metadata(column: str) -> bytes:
    """GeoParquet 1.0 ``geo`` metadata: one WKB Point column, EPSG:4326."""
    meta = {
        "version": "1.0.0",
        "primary_column": column,
        "columns": {
            column: {"encoding": "WKB", "geometry_types": ["Point"], "crs": WGS84.to_json_dict()}
        },
    }
    return json.dumps(meta).encode("utf-8")
