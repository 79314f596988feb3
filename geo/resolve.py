"""What a user asks a query with, checked and resolved: a kind, a point, a radius, a region...

Names are matched case-, accent-, space- and punctuation-insensitively
(``'asia/pacific'`` is ``'AP'``, ``'cote d ivoire'`` is Côte d'Ivoire); a name
that matches nothing is a :class:`~geo.errors.UsageError` that lists the
choices or gives the closest ones, in the shape
"Got region='Eurpe'; `region` must be one of {...} (did you mean 'EUR'?)".

>>> resolve_region("asia/pacific")
'AP'
"""

from __future__ import annotations

import math
import numbers
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.errors import UsageError
from geo.schema import KINDS, REGIONS, did_you_mean, valid_lon_lat
from geo.sphere import MAX_KM

__all__ = [
    "check_k",
    "check_km",
    "check_lon_lat_arrays",
    "resolve_country",
    "resolve_id",
    "resolve_kind",
    "resolve_region",
]


def resolve_region(region: Any) -> str:
    """The code of :data:`geo.schema.REGIONS` that ``region`` names, by code or by name.

    Raises
    ------
    UsageError
        If ``region`` names no region; the message lists them and the closest.
    """
    lookup: dict[str, str] = {}
    for code, name in REGIONS.items():
        lookup[_key(code)] = code
        lookup[_key(name)] = code
    if isinstance(region, str) and _key(region) in lookup:
        return lookup[_key(region)]
    choices = "{" + ", ".join(f"{c!r} ({n})" for c, n in REGIONS.items()) + "}"
    msg = f"Got region={region!r}; `region` must be one of {choices}, by code or name"
    labels = {c: f"{c!r} ({n})" for c, n in REGIONS.items()}
    labels.update({n: f"{c!r} ({n})" for c, n in REGIONS.items()})
    raise UsageError(msg + _did_you_mean(region, labels))


def resolve_country(
    places: gpd.GeoDataFrame, country_names: Iterable[tuple[str, str]], country: Any, name: str
) -> str:
    """ISO3 code of a country given by code or name.

    Parameters
    ----------
    places : geopandas.GeoDataFrame
        Places whose ``iso3``/``country`` and ``side_*`` columns name countries too.
    country_names : iterable of (str, str)
        Known ``(iso3, name)`` pairs (``atlas.country_names``).
    country : Any
        What the user typed.
    name : str
        The argument's name, for the message (``'country_a'``).

    Raises
    ------
    UsageError
        If ``country`` is neither a known code nor a known name; the message
        gives the closest names.
    """
    names = _country_names(places, country_names)
    if isinstance(country, str):
        code = country.strip().upper()
        if any(code == known for known, _ in names):
            return code
    by_key: dict[str, str] = {}
    for code, label in names:
        by_key.setdefault(_key(code), code)
        by_key.setdefault(_key(label), code)
    if isinstance(country, str) and _key(country) in by_key:
        return by_key[_key(country)]
    msg = (
        f"Got {name}={country!r}; `{name}` must be an ISO 3166-1 alpha-3 code or a "
        "country name known to the atlas"
    )
    labels: dict[str, str] = {}
    for code, label in names:
        labels.setdefault(label, f"{label!r} ({code})")
    suggestion = _did_you_mean(country, labels)
    raise UsageError(msg + (suggestion or " (e.g. 'AZE' or 'Azerbaijan')"))


def _country_names(
    places: gpd.GeoDataFrame, country_names: Iterable[tuple[str, str]]
) -> list[tuple[str, str]]:
    """(iso3, name) pairs: those given (Members, territories, country layer), then the places'."""
    pairs = list(country_names)
    columns = [
        ("iso3", "country"),
        ("side_a_iso3", "side_a_country"),
        ("side_b_iso3", "side_b_country"),
    ]
    for code_col, name_col in columns:
        if code_col in places.columns and name_col in places.columns:
            for code, label in zip(places[code_col], places[name_col], strict=True):
                if isinstance(code, str):
                    pairs.append((code, label if isinstance(label, str) else code))
    return pairs


def resolve_id(ids: pd.Series, value: Any, name: str) -> int:
    """The position in ``ids`` of the place whose id is ``value`` (exact), its first if several.

    Raises
    ------
    UsageError
        If no place has that id, named ``name`` in the message with the closest ids.
    """
    if isinstance(value, str):
        matches = np.flatnonzero((ids == value).to_numpy())
        if len(matches):
            return int(matches[0])
    msg = f"Got {name}={value!r}; `{name}` must be the id of one of the {len(ids)} places"
    labels = {str(i): repr(str(i)) for i in ids}
    suggestion = _did_you_mean(value, labels)
    example = ", ".join(repr(str(i)) for i in list(ids)[:2])
    raise UsageError(msg + (suggestion or f" (no close match; ids look like {example})"))


def _did_you_mean(value: Any, labels: Mapping[str, str]) -> str:
    """`` (did you mean X?)`` for the labels closest to ``value``, else ``''``."""
    hint = did_you_mean(value, labels)
    return f" ({hint})" if hint else ""


def _key(text: str) -> str:
    """Case-, accent-, space- and punctuation-insensitive form of a name."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if ch.isalnum())


def check_k(k: Any) -> int:
    """A query's ``k`` (how many nearest places): a positive integer.

    Raises
    ------
    UsageError
        If ``k`` is not a positive integer (``True`` is not one).
    """
    if isinstance(k, bool) or not isinstance(k, numbers.Integral) or k < 1:
        msg = f"Got k={k!r}; `k` must be a positive integer"
        raise UsageError(msg)
    return int(k)


def check_km(km: Any) -> float:
    """A query's radius, km: a finite number from 0 to :data:`geo.sphere.MAX_KM` (20037.5).

    A larger radius would say nothing more (every place is closer) and cannot
    be drawn or written as a number on a map.
    """
    try:
        value = float(km) if isinstance(km, numbers.Real) and not isinstance(km, bool) else None
    except OverflowError:  # an int too large for a double
        value = None
    if value is None or not math.isfinite(value) or value < 0:
        msg = f"Got km={km!r}; `km` must be a finite number of kilometres >= 0"
        raise UsageError(msg)
    if value > MAX_KM:
        msg = (
            f"Got km={km!r}; `km` must be at most {MAX_KM} "
            "(half the Earth's circumference: every place is closer)"
        )
        raise UsageError(msg)
    return value


def check_lon_lat_arrays(lon: Any, lat: Any) -> tuple[np.ndarray, np.ndarray]:
    """``lon``, ``lat`` as 1-D float arrays of valid degrees (EPSG:4326) of the same length.

    Raises
    ------
    UsageError
        If they are not arrays of numbers of one shape, or a point is out of
        range (the message gives the count and the first, by index).
    """
    try:
        lon_arr = np.asarray(lon, dtype=float)
        lat_arr = np.asarray(lat, dtype=float)
    except (TypeError, ValueError) as err:
        msg = f"Got lon, lat that are not arrays of numbers ({err}); expected 1-D arrays of degrees"
        raise UsageError(msg) from err
    if lon_arr.ndim != 1 or lon_arr.shape != lat_arr.shape:
        msg = (
            f"Got lon of shape {lon_arr.shape} and lat of shape {lat_arr.shape}; "
            "`lon` and `lat` must be 1-D arrays of the same length"
        )
        raise UsageError(msg)
    lon_ok, lat_ok = valid_lon_lat(lon_arr, lat_arr)
    bad = ~(lon_ok & lat_ok)
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        msg = (
            f"Got {int(bad.sum())} invalid point(s), the first at index {first}: "
            f"lon={float(lon_arr[first])!r}, lat={float(lat_arr[first])!r}; "
            "`lon` must be finite within [-180, 180] and `lat` finite within [-90, 90]"
        )
        raise UsageError(msg)
    return lon_arr, lat_arr


def resolve_kind(kind: Any) -> str | None:
    """The place kind of :data:`geo.schema.KINDS` that ``kind`` names (``'Border-post'``:
    ``'border_post'``), or ``None`` for ``None`` (every kind).

    Raises
    ------
    UsageError
        If ``kind`` names no kind; the message lists them and the closest.
    """
    if kind is None:
        return None
    if isinstance(kind, str):
        key = kind.strip().lower().replace("-", "_").replace(" ", "_")
        if key in KINDS:
            return key
    choices = "{" + ", ".join(repr(k) for k in KINDS) + "}"
    msg = f"Got kind={kind!r}; `kind` must be one of {choices} or None"
    hint = did_you_mean(kind, KINDS)
    raise UsageError(msg + (f" ({hint})" if hint else ""))
