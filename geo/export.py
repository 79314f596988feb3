"""Places as data for machines: deterministic GeoJSON, JSON records and CSV.

GeoJSON has sorted keys, fixed precision and no timestamps, so the same
places give the same bytes; records and CSV rows hold every column but the
geometry, then ``lon`` and ``lat``.
"""

from __future__ import annotations

import csv
import io
import json
import math
from typing import Any

import geopandas as gpd

__all__ = [
    "COORD_DECIMALS",
    "feature_lines",
    "join_features",
    "json_value",
    "places_csv",
    "places_geojson",
    "records",
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


def places_csv(places: gpd.GeoDataFrame) -> str:
    """Places as CSV text: a header, then one line per place (the columns of :func:`records`)."""
    columns = [c for c in places.columns if c != places.geometry.name] + ["lon", "lat"]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(records(places))
    return out.getvalue()
