"""What a place looks like: kinds, statuses, regions, required properties, and their parsers.

This module holds the vocabulary shared by validation, enrichment, history,
queries and rendering, and the small parsers of its values (dates,
coordinates, and the one rule for valid lon/lat arrays); it reads no files and
imports nothing else of geo but its errors.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np
import numpy.typing as npt

from geo.errors import UsageError

__all__ = [
    "BORDER_POST_FIELDS",
    "DATE_PATTERN",
    "ENRICHED_COLUMNS",
    "ID_PATTERN",
    "KINDS",
    "KIND_LABELS",
    "MODES",
    "OFFICE_FIELDS",
    "PLACED_BY",
    "PRECISIONS",
    "REGIONS",
    "REQUIRED_FIELDS",
    "RESERVED_FIELDS",
    "STATUSES",
    "When",
    "check_lat_lon",
    "did_you_mean",
    "is_note",
    "note_translated",
    "parse_date",
    "parse_day",
    "parse_when",
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

#: What crosses at a border post (its ``modes``).
MODES: tuple[str, ...] = ("road", "rail")

#: Life-cycle of a place.
STATUSES: tuple[str, ...] = ("planned", "under_construction", "operational", "closed")

#: How exact a place's point is, from the most to the least exact.
PRECISIONS: tuple[str, ...] = ("crossing", "village", "town", "city", "proxy", "approximate")

#: How a border post's point was placed (its ``placed_by``, cited by ``placed_by_source``):
#: surveyed on the ground, read off imagery, given by a source, the town's point, or the
#: nearest point of the boundary line.
PLACED_BY: tuple[str, ...] = ("survey", "imagery", "source_coordinates", "town", "border_line")

#: A place id: lower-case ASCII words joined by hyphens, e.g. ``rocb-europe``.  The
#: patterns end with ``\Z``, not ``$`` (which also matches before a final newline),
#: and name ASCII digits, not ``\d`` (which matches any Unicode digit, such as the full-width ones).
ID_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")

#: A date with its precision: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``, ASCII digits only.
DATE_PATTERN = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?\Z")

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


#: Columns enrichment adds (or, for ``iso3``, checks) on every place.
ENRICHED_COLUMNS: tuple[str, ...] = (
    "iso3",
    "country",
    "region",
    "region_name",
    "member",
    "located_by",
    "country_distance_km",
)

#: Property names geo computes or uses itself: a data file may not set them.
#: ``geometry``, ``lon`` and ``lat`` name the point in every output; the others
#: are added by enrichment (country, region...), by a query or by an as-of view.
RESERVED_FIELDS: tuple[str, ...] = (
    "geometry",
    "lon",
    "lat",
    *(c for c in ENRICHED_COLUMNS if c != "iso3"),
    "distance_km",
    "planned_opening",
    *(f"side_{s}_{c}" for s in "ab" for c in ("country", "region", "member")),
)


def is_note(name: str) -> bool:
    """Whether a property is a note of the data (``notes``, ``osbp_note``, ``my_note``).

    >>> is_note("notes"), is_note("precision_note"), is_note("notes_fr"), is_note("name")
    (True, True, False, False)
    """
    return name.endswith(("note", "notes"))


def note_translated(name: str, languages: Iterable[str]) -> tuple[str, str] | None:
    """The note a property translates and its language: ``notes_fr`` is ``notes`` in French.

    A note's translation is the note's own name, an underscore and the code of
    a language of the maps (``osbp_note_fr``); ``None`` when ``name`` is not one.

    Parameters
    ----------
    name : str
        A property's name.
    languages : iterable of str
        The codes of the languages a note may be written in (not the data's own).

    Returns
    -------
    tuple of (str, str) or None
        ``(note, language)``, e.g. ``("notes", "fr")``.

    >>> note_translated("notes_fr", ["fr"]), note_translated("closed_note_fr", ["fr"])
    (('notes', 'fr'), ('closed_note', 'fr'))
    >>> note_translated("notes_de", ["fr"]), note_translated("name_fr", ["fr"])
    (None, None)
    """
    note, sep, lang = name.rpartition("_")
    if sep and lang in set(languages) and is_note(note):
        return note, lang
    return None


def parse_date(text: str) -> dt.date | None:
    """Parse ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` to the first day it covers.

    Returns ``None`` when the text is not exactly such a date (including
    ``2011-02-30``, ``0000``, a trailing newline or non-ASCII digits).

    >>> parse_date("2011-10")
    datetime.date(2011, 10, 1)
    >>> parse_date("2011-13") is None, parse_date("2011\\n") is None
    (True, True)
    >>> parse_date("\\uff12\\uff10\\uff11\\uff11") is None  # full-width digits
    True
    """
    match = DATE_PATTERN.fullmatch(text)
    if not match:
        return None
    year, month, day = (int(g) if g else 1 for g in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def parse_day(value: object) -> dt.date | None:
    """A value that is exactly one day, ``YYYY-MM-DD`` (a ``checked_on``), else ``None``.

    >>> parse_day("2026-12-07"), parse_day("2026-12"), parse_day("2026-02-30"), parse_day(5)
    (datetime.date(2026, 12, 7), None, None, None)
    """
    return parse_date(value) if isinstance(value, str) and len(value) == 10 else None


@dataclass(frozen=True)
class When:
    """When something happened: on some day from ``earliest`` to ``latest``, both included.

    A date of the data is either exact (``"2011"``, ``"2011-10"``,
    ``"2011-10-17"``: it counts from its first day, so ``earliest == latest``)
    or bounded, as an EDTF interval (ISO 8601-2): ``"2005/2013-11"`` (after the
    start of 2005 and by the end of November 2013), ``"../2013"`` (by the end
    of 2013, no earlier bound known), ``"2010-09/.."`` (from September 2010,
    no later bound known).  ``None`` marks an open end.
    """

    earliest: dt.date | None
    latest: dt.date | None

    @property
    def exact(self) -> bool:
        """Whether the day is known (to the precision of the date)."""
        return self.earliest is not None and self.earliest == self.latest


def parse_when(text: str) -> When | None:
    """Parse a date of the data: exact or an EDTF interval (see :class:`When`).

    Returns ``None`` when the text is neither (including ``2011-02-30``,
    ``../..`` and an interval that ends before it starts).

    >>> parse_when("2011-10")
    When(earliest=datetime.date(2011, 10, 1), latest=datetime.date(2011, 10, 1))
    >>> parse_when("2005/2013-11")
    When(earliest=datetime.date(2005, 1, 1), latest=datetime.date(2013, 11, 30))
    >>> parse_when("../2013").latest, parse_when("2013/..").latest
    (datetime.date(2013, 12, 31), None)
    >>> parse_when("2014/2013") is None
    True
    """
    if "/" not in text:
        day = parse_date(text)
        return None if day is None else When(day, day)
    start_text, _, end_text = text.partition("/")
    start = None if start_text == ".." else parse_date(start_text)
    end = None if end_text == ".." else _last_day(end_text)
    if (start is None and start_text != "..") or (end is None and end_text != ".."):
        return None
    if start is None and end is None:
        return None
    if start is not None and end is not None and end < start:
        return None
    return When(start, end)


def _last_day(text: str) -> dt.date | None:
    """The last day a date of year, month or day precision covers (``9999`` ends on 9999-12-31).

    >>> _last_day("2011-02"), _last_day("9999")
    (datetime.date(2011, 2, 28), datetime.date(9999, 12, 31))
    """
    first = parse_date(text)
    match = DATE_PATTERN.fullmatch(text)
    if first is None or match is None:
        return None
    if match.group(3):
        return first
    if not match.group(2) or first.month == 12:
        return first.replace(month=12, day=31)  # no day after it needed: 9999 has its end
    return first.replace(month=first.month + 1) - dt.timedelta(days=1)


def check_lat_lon(lat: Any, lon: Any) -> tuple[float, float]:
    """Return ``(lat, lon)`` as floats, or raise :class:`UsageError` naming the bad argument."""
    for name, value, limit in (("lat", lat, 90), ("lon", lon, 180)):
        if not _is_number(value):
            msg = f"Got {name}={value!r}; `{name}` must be a finite number of degrees"
            raise UsageError(msg)
        if not -limit <= value <= limit:
            msg = f"Got {name}={value!r}; `{name}` must be within [-{limit}, {limit}]"
            if name == "lat" and _is_number(lon) and -90 <= lon <= 90:
                msg += " (are lat and lon swapped?)"
            raise UsageError(msg)
    return float(lat), float(lon)


def _is_number(value: Any) -> bool:
    """A finite int or float, not a bool (an int too large for a double is not finite)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:
        return False


def did_you_mean(
    value: Any,
    choices: Iterable[str] | Mapping[str, str],
    *,
    n: int = 3,
    cutoff: float = 0.6,
) -> str | None:
    """``"did you mean 'x' or 'y'?"`` for the choices closest to ``value``, else ``None``.

    Matching ignores case.  ``choices`` are the valid values, or a mapping of
    each value to how to show it.

    >>> did_you_mean("rcob", ("hq", "rocb", "rtc"))
    "did you mean 'rocb'?"
    >>> did_you_mean("Eurpoe", {"EUR": "'EUR' (Europe)", "Europe": "'EUR' (Europe)"})
    "did you mean 'EUR' (Europe)?"
    >>> did_you_mean(12, ("a",)) is None
    True
    """
    if not isinstance(value, str):
        return None
    shown = choices if isinstance(choices, Mapping) else {c: repr(c) for c in choices}
    by_folded: dict[str, str] = {}
    for label, text in shown.items():
        by_folded.setdefault(label.casefold(), text)
    close = difflib.get_close_matches(value.casefold(), list(by_folded), n=n, cutoff=cutoff)
    found = list(dict.fromkeys(by_folded[c] for c in close))
    return f"did you mean {' or '.join(found)}?" if found else None


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
