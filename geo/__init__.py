"""geo: an atlas of the WCO capacity-building network and the border posts it serves.

>>> import geo
>>> atlas = geo.load()
>>> atlas.locate(lat=40.41, lon=49.87).region
'EUR'
"""

from __future__ import annotations

from geo.atlas import Atlas, Location, default_data_dir, load, validate
from geo.errors import DataError, GeoError, Problem, UsageError
from geo.schema import KINDS, REGIONS

__all__ = [
    "KINDS",
    "REGIONS",
    "Atlas",
    "DataError",
    "GeoError",
    "Location",
    "Problem",
    "UsageError",
    "default_data_dir",
    "load",
    "validate",
]
__version__ = "0.1.0"
