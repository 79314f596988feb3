"""Places as data for machines: deterministic GeoJSON, JSON records, CSV and GIS files.

GeoJSON has sorted keys, fixed precision and no timestamps, so the same
places give the same bytes; records and CSV rows hold every column but the
geometry, then ``lon`` and ``lat``.

CSV cells are neutralised for spreadsheets (OWASP, "CSV injection"): a cell
whose text starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
gets a leading ``'`` so that Excel, LibreOffice and Google Sheets show it as
text instead of running it as a formula, and NUL characters are removed; a
number stays a number (``-3.5`` is not touched).  ``raw=True`` writes the
text as it is.  A nested value (a list such as ``history``, a mapping) is one
cell of JSON text in CSV and in the GIS formats, never a Python repr.

:func:`write_places` writes the places in any of :data:`FORMATS`: GeoJSON and
CSV by geo itself, GeoPackage, FlatGeobuf and KML through GDAL (pyogrio),
each written aside and renamed, so a reader never sees a part.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from geo.errors import GeoError, UsageError
from geo.fileio import atomic_write_text
from geo.modes import as_made_by_the_user
from geo.targets import writing

__all__ = [
    "COORD_DECIMALS",
    "FORMATS",
    "FORMULA_START",
    "feature_lines",
    "flat_frame",
    "format_of",
    "join_features",
    "json_value",
    "places_csv",
    "places_geojson",
    "records",
    "safe_cell",
    "write_places",
]

#: Decimals kept for coordinates in outputs: 1e-6 degree is about 0.1 m.
COORD_DECIMALS = 6


def json_value(value: Any) -> Any:
    """A value as JSON can hold it: NaN becomes None, numpy scalars Python ones, tuples lists."""
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if isinstance(value, dict):
        return {k: json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_value(v) for v in value]
    if hasattr(value, "item"):  # numpy scalars
        return json_value(value.item())
    return value


def feature_lines(places: gpd.GeoDataFrame) -> list[str]:
    """One deterministic JSON line per place (see :func:`places_geojson`)."""
    columns = [c for c in places.columns if c != places.geometry.name]
    records = places[columns].to_dict("records")
    xs, ys = places.geometry.x.to_numpy(), places.geometry.y.to_numpy()
    lines = []
    for row, x, y in zip(records, xs, ys, strict=True):
        feature = {
            "type": "Feature",
            "properties": {k: json_value(v) for k, v in row.items()},
            "geometry": {
                "type": "Point",
                "coordinates": [round(float(x), COORD_DECIMALS), round(float(y), COORD_DECIMALS)],
            },
        }
        lines.append(json.dumps(feature, sort_keys=True, ensure_ascii=False, allow_nan=False))
    return lines


def join_features(lines: list[str]) -> str:
    """A FeatureCollection document from lines made by :func:`feature_lines`."""
    return '{"type": "FeatureCollection", "features": [\n' + ",\n".join(lines) + "\n]}\n"


def places_geojson(places: gpd.GeoDataFrame) -> str:
    """Serialise places as an RFC 7946 FeatureCollection (EPSG:4326, ``[lon, lat]``).

    The output is byte-identical for the same frame: properties in sorted
    key order, coordinates rounded to :data:`COORD_DECIMALS`, NaN as null,
    one feature per line.
    """
    return join_features(feature_lines(places))


def records(places: gpd.GeoDataFrame) -> list[dict[str, Any]]:
    """Places as plain dicts: every column but the geometry, then ``lon`` and ``lat``.

    Values are made JSON-ready by :func:`json_value` (NaN becomes None);
    ``lon``/``lat`` are EPSG:4326 degrees of the point geometry.
    """
    columns = [c for c in places.columns if c != places.geometry.name]
    rows = []
    for values, geom in zip(places[columns].to_dict("records"), places.geometry, strict=True):
        row = {str(k): json_value(v) for k, v in values.items()}
        row["lon"], row["lat"] = float(geom.x), float(geom.y)
        rows.append(row)
    return rows


#: What a CSV cell's text may not start with, lest a spreadsheet run it as a formula.
FORMULA_START: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")


def _flat(value: Any) -> Any:
    """A nested value (list, mapping) as JSON text; any other value as it is."""
    if isinstance(value, list | tuple | dict):
        return json.dumps(json_value(value), ensure_ascii=False, sort_keys=True)
    return value


def safe_cell(value: Any) -> Any:
    r"""A CSV cell a spreadsheet shows as text: see the module's note on neutralising.

    >>> safe_cell("=1+1"), safe_cell("@SUM(A1)"), safe_cell("plain")
    ("'=1+1", "'@SUM(A1)", 'plain')
    >>> safe_cell(-3.5), safe_cell("-3.5 km"), safe_cell("a\x00b")
    (-3.5, "'-3.5 km", 'ab')
    """
    if not isinstance(value, str):
        return value
    text = value.replace("\x00", "")
    return "'" + text if text.startswith(FORMULA_START) else text


def places_csv(places: gpd.GeoDataFrame, *, raw: bool = False) -> str:
    """Places as CSV text: a header, then one line per place (the columns of :func:`records`).

    Header and text cells are neutralised with :func:`safe_cell` unless ``raw``.
    """
    columns = [str(c) for c in places.columns if c != places.geometry.name] + ["lon", "lat"]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns if raw else [safe_cell(c) for c in columns])
    for row in records(places):
        cells = [_flat(row[c]) for c in columns]
        writer.writerow(cells if raw else [safe_cell(c) for c in cells])
    return out.getvalue()


#: The formats of :func:`write_places`: name -> (file ending, GDAL driver, or None when
#: geo writes the text itself).
FORMATS: dict[str, tuple[str, str | None]] = {
    "geojson": (".geojson", None),
    "csv": (".csv", None),
    "gpkg": (".gpkg", "GPKG"),
    "fgb": (".fgb", "FlatGeobuf"),
    "kml": (".kml", "KML"),
}


def format_of(path: str, fmt: str | None) -> str:
    """The format to write ``path`` in: ``fmt`` if given, else the one its ending names.

    Raises
    ------
    UsageError
        When ``fmt`` is not one of :data:`FORMATS`, or the ending names none.
    """
    if fmt is not None:
        if fmt not in FORMATS:
            msg = f"unknown format {fmt!r}; expected one of {sorted(FORMATS)}"
            raise UsageError(msg)
        return fmt
    for name, (ending, _) in FORMATS.items():
        if path.lower().endswith(ending):
            return name
    endings = ", ".join(ending for ending, _ in FORMATS.values())
    msg = f"{path}: cannot tell the format from its name; use --format or end it with {endings}"
    raise UsageError(msg)


def flat_frame(places: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The places with columns a GIS format holds: nested values as JSON text.

    A column of booleans with gaps becomes a nullable boolean column, one of
    numbers with gaps a float column, any other mixed column text.
    """
    out = places.copy()
    for column in out.columns:
        if column == out.geometry.name or out[column].dtype != object:
            continue
        present = [v for v in out[column] if v is not None and v == v]
        kinds = {type(v) for v in present}
        if kinds <= {bool}:
            out[column] = out[column].astype("boolean")
        elif kinds <= {int, float}:
            out[column] = pd.to_numeric(out[column], errors="coerce").astype(float)
        elif not kinds <= {str}:
            out[column] = [None if v is None else str(_flat(v)) for v in out[column]]
    return out


def write_places(places: gpd.GeoDataFrame, path: Path, fmt: str) -> None:
    """Write ``places`` to ``path`` in ``fmt`` (one of :data:`FORMATS`), all or nothing.

    A GDAL format is read back before it replaces ``path``: GDAL's KML driver,
    for one, says nothing when the disk fills, and would leave a cut file.

    Raises
    ------
    GeoError
        When the file cannot be written (no permission, a full disk...);
        ``path`` is then as it was.
    """
    ending, driver = FORMATS[fmt]
    if driver is None:
        text = places_geojson(places) if fmt == "geojson" else places_csv(places)
        with writing(path):
            atomic_write_text(path, text)
        return
    import pyogrio

    frame = flat_frame(places)
    # KML: each placemark's <name> is the place's name
    options: dict[str, Any] = {"dataset_options": {"NameField": "name"}} if fmt == "kml" else {}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        aside = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"))
    except OSError as err:
        msg = f"cannot write to {path.parent}: {err.strerror or err}"
        raise GeoError(msg) from err
    try:
        staged = aside / f"places{ending}"
        pyogrio.write_dataframe(frame, staged, driver=driver, layer="places", **options)
        _check_written(staged, len(frame))
        as_made_by_the_user(staged, folder=False)
        os.replace(staged, path)
    except (OSError, pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as err:
        msg = f"cannot write {path} as {fmt}: {err}"
        raise GeoError(msg) from err
    finally:
        shutil.rmtree(aside, ignore_errors=True)


def _check_written(staged: Path, count: int) -> None:
    """Raise OSError unless GDAL reads ``count`` places back from ``staged`` (a whole file)."""
    import pyogrio

    try:
        found = pyogrio.read_info(staged, layer="places")["features"]
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as err:
        raise OSError(f"the file written is not whole ({err}); is the disk full?") from err
    if found != count:
        msg = f"{found} of {count} places read back; is the disk full?"
        raise OSError(msg)
