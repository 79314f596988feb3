"""What a place looks like: kinds, statuses, regions and required properties.

This module holds the vocabulary shared by validation, enrichment, queries
and rendering; it reads no files.
"""

from __future__ import annotations

import re
from types import MappingProxyType

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
