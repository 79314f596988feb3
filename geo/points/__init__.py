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
  comes first in the atlas (:meth:`geo.query.PlaceIndex.nearest`).

Coordinates are EPSG:4326 degrees, ``lon`` in [-180, 180] and ``lat`` in
[-90, 90] (:func:`geo.schema.valid_lon_lat`).  Distances are rounded to the
metre (3 decimals of a km).

Files are read and written in chunks, so memory stays bounded however large
the input, except for GeoJSON input, which is read whole (use CSV or
GeoParquet for inputs larger than memory); batches are enriched on several
threads at once.  The output goes to a temporary file renamed into place at
the end: a failure leaves no partial output, and what a killed run leaves is
removed by the next one.  CSV is read and written with pyarrow; its dialect
is sniffed, and its cells are neutralised for spreadsheets
(:mod:`~geo.points.csvio`).

Modules, in the order the data flows:

* :mod:`~geo.points.rows`: coordinates of input rows, checked, with a
  problem naming the file, row, column and value of each invalid one;
* :mod:`~geo.points.csvio`: CSV dialects, and CSV cells written a column at
  a time (quoted, neutralised, numbers as pandas writes them);
* :mod:`~geo.points.sources`: input sources (a frame, CSV, GeoJSON,
  (Geo)Parquet) as chunks of rows;
* :mod:`~geo.points.enrich`: the enrichment itself, and :func:`enrich_points`;
* :mod:`~geo.points.writers`: output writers (CSV, GeoJSON, GeoParquet) and
  the atomic output;
* :mod:`~geo.points.geoparquet`: pyarrow on demand, WKB point codecs and
  GeoParquet metadata;
* :mod:`~geo.points.files`: :func:`enrich_file`, the chunked pipeline;
* :mod:`~geo.points.dask`: the Dask engine (``engine='dask'``).

>>> import geo
>>> from geo.points import enrich_points
>>> import pandas as pd
>>> atlas = geo.load()
>>> points = pd.DataFrame(
...     {"name": ["Samur", "at sea"], "lat": [41.6367, 0.0], "lon": [48.4303, -30.0]}
... )
>>> out = enrich_points(points, atlas=atlas)
>>> out[["name", "iso3", "located_by"]].fillna("-").to_numpy().tolist()
[['Samur', 'AZE', 'inside'], ['at sea', '-', 'none']]
"""

from __future__ import annotations

from geo.points.enrich import ADDED_COLUMNS, NEAREST_COLUMNS, OnInvalid, enrich_points
from geo.points.files import EnrichSummary, Progress, enrich_file
from geo.points.sources import FORMATS

__all__ = [
    "ADDED_COLUMNS",
    "FORMATS",
    "NEAREST_COLUMNS",
    "EnrichSummary",
    "OnInvalid",
    "Progress",
    "enrich_file",
    "enrich_points",
]
