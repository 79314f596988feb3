"""What a place looks like: kinds, statuses, regions, required properties, and their parsers.

This module holds the vocabulary shared by validation, enrichment, history,
queries and rendering, and the small parsers of its values (dates,
coordinates, and the one rule for valid lon/lat arrays); it reads no files and
imports nothing else of geo but its errors.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from types import MappingProxyType
from typing import Any

import numpy as np
import numpy.typing as npt

from geo.errors import UsageError

__all__ = [
    "BORDER_POST_FIELDS",
    "DATE_PATTERN",
    "ID_PATTERN",
    "KINDS",
    "KIND_LABELS",
    "OFFICE_FIELDS",
    "REGIONS",
    "REQUIRED_FIELDS",
    "STATUSES",
    "check_lat_lon",
    "parse_date",
    "valid_lon_lat",
]

#: Kinds of place, in display order, with their labels.
KIND_LABELS = MappingProxyType(
    {
        "hq": "WCO Headquarters",
        "rocb": "Regional Office for Capacity Building",
        "rtc": "Regional Training Centre",
        "rilo": "Regional Intelligence Liaison Office",
        "border_post": "Border post",
    }
)
KINDS: tuple[str, ...] = tuple(KIND_LABELS)

#: WCO regions: code -> name.
REGIONS = MappingProxyType(
    {
        "EUR": "Europe",
        "AP": "Asia/Pacific",
        "AC": "Americas and Caribbean",
        "ESA": "East and Southern Africa",
        "WCA": "West and Central Africa",
        "MENA": "North of Africa, Near and Middle East",
    }
)

#: Life-cycle of a place.
STATUSES: tuple[str, ...] = ("planned", "under_construction", "operational", "closed")

#: A place id: lower-case ASCII words joined by hyphens, e.g. ``rocb-europe``.
ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

#: A date with its precision: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``.
DATE_PATTERN = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")

#: Properties every place has.
REQUIRED_FIELDS: tuple[str, ...] = ("id", "kind", "name", "status", "source")
#: Extra properties an office (any kind but ``border_post``) must have.
OFFICE_FIELDS: tuple[str, ...] = ("iso3",)
#: Extra properties a border post must have: its two sides.
BORDER_POST_FIELDS: tuple[str, ...] = (
    "side_a_iso3",
    "side_a_name",
    "side_b_iso3",
    "side_b_name",
)


def parse_date(text: str) -> dt.date | None:
    """Parse ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` to the first day it covers.

    Returns ``None`` when the text is not such a date (including ``2011-02-30``).

    >>> parse_date("2011-10")
    datetime.date(2011, 10, 1)
    >>> parse_date("2011-13") is None
    True
    """
    match = DATE_PATTERN.match(text)
    if not match:
        return None
    year, month, day = (int(g) if g else 1 for g in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def check_lat_lon(lat: Any, lon: Any) -> tuple[float, float]:
    """Return ``(lat, lon)`` as floats, or raise :class:`UsageError` naming the bad argument."""
    for name, value, limit in (("lat", lat, 90), ("lon", lon, 180)):
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            msg = f"Got {name}={value!r}; `{name}` must be a finite number of degrees"
            raise UsageError(msg)
        if not -limit <= value <= limit:
            msg = f"Got {name}={value!r}; `{name}` must be within [-{limit}, {limit}]"
            if name == "lat" and -90 <= lon <= 90:
                msg += " (are lat and lon swapped?)"
            raise UsageError(msg)
    return float(lat), float(lon)


def valid_lon_lat(
    lon: npt.ArrayLike, lat: npt.ArrayLike
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """Which longitudes and which latitudes are valid: the rule for arrays of points.

    A longitude is valid when it is a finite number within [-180, 180], a
    latitude when it is a finite number within [-90, 90] (degrees, EPSG:4326,
    bounds included); ``NaN`` and infinities are not.  A point is valid when
    both are.

    Parameters
    ----------
    lon, lat : array_like
        Numbers (any shape; ``NaN`` for a missing value).

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        Boolean masks of the shapes of ``lon`` and ``lat``.

    Examples
    --------
    >>> lon_ok, lat_ok = valid_lon_lat([180.0, -181.0, float("nan")], [-90.0, 90.5, 0.0])
    >>> lon_ok.tolist(), lat_ok.tolist()
    ([True, False, False], [True, False, True])
    """
    lon_arr, lat_arr = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    with np.errstate(invalid="ignore"):  # NaN compares false: not valid
        return np.abs(lon_arr) <= 180.0, np.abs(lat_arr) <= 90.0
