"""What the page says about a place: popup rows, the display text of data values, legends.

All of it is plain text: the page writes it with DOM text APIs, never as HTML.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit

import numpy as np
import pandas as pd

from geo.render.style import _UNKNOWN_REGION_COLOR, DEFAULT_SYMBOL, KIND_SYMBOLS, REGION_COLORS
from geo.schema import KIND_LABELS, REGIONS

__all__ = ["PLACE_DECIMALS"]

#: Decimal places kept for place coordinates (5 decimals: about 1 m).
PLACE_DECIMALS = 5

#: Popup rows, in order: (column, label).  Other data columns follow, sorted by name.
_ROW_FIELDS: tuple[tuple[str, str], ...] = (
    ("city", "City"),
    ("host", "Host"),
    ("country", "Country"),
    ("region", "WCO region"),
    ("member", "WCO Member"),
    ("side_a", "Side A"),
    ("side_b", "Side B"),
    ("osbp", "One-stop border post"),
    ("osbp_note", "One-stop border post note"),
    ("opened", "Opened"),
    ("opened_note", "Opened note"),
    ("closed", "Closed"),
    ("closed_note", "Closed note"),
    ("seats", "Seats"),
    ("precision", "Location precision"),
    ("precision_note", "Location precision note"),
    ("coordinates", "Coordinates"),
    ("coords_source", "Coordinates source"),
    ("located_by", "Located by"),
    ("country_distance_km", "Distance to that country (km)"),
    ("notes", "Notes"),
)
#: Columns never shown as rows (shown elsewhere, or consumed by a combined row).
_HIDDEN_COLUMNS = frozenset(
    {"id", "kind", "name", "status", "source", "iso3", "geometry", "lon", "lat"}
    | {"region_name"}
    | {f"side_{s}_{f}" for s in "ab" for f in ("iso3", "name", "region", "country", "member")}
)


# --------------------------------------------------------------------------- popup rows


def _rows(text: Mapping[str, str | None], coordinates: str | None) -> list[list[str | None]]:
    """Popup rows ``[label, value]``: known fields in order, then other columns by name.

    The Coordinates row is always there; its value is ``coordinates`` (``None``:
    the page writes it from the place's position).
    """
    values: dict[str, str | None] = dict(text)
    iso3 = values.get("iso3")
    if values.get("country") and iso3:
        values["country"] = f"{values['country']} ({iso3})"
    elif not values.get("country"):
        values["country"] = iso3
    values["region"] = _region_text(values.get("region"))
    values["side_a"] = _side_text(values, "a")
    values["side_b"] = _side_text(values, "b")
    values["coordinates"] = coordinates
    rows: list[list[str | None]] = [
        [label, values[key]]
        for key, label in _ROW_FIELDS
        if values.get(key) or key == "coordinates"
    ]
    known = {key for key, _ in _ROW_FIELDS} | _HIDDEN_COLUMNS
    rows += [
        [_label(key), value]
        for key, value in sorted(text.items())
        if key not in known and value is not None
    ]
    return rows


def _side_text(values: Mapping[str, str | None], side: str) -> str | None:
    name = values.get(f"side_{side}_name")
    country = values.get(f"side_{side}_country")
    iso3 = values.get(f"side_{side}_iso3")
    region = _region_text(values.get(f"side_{side}_region"))
    member = "not a WCO Member" if values.get(f"side_{side}_member") == "No" else None
    where = ", ".join(x for x in (country, iso3, region, member) if x)
    if not name and not where:
        return None
    if not name:
        return where
    return f"{name} \u2014 {where}" if where else name


def _region_text(code: str | None) -> str | None:
    if not code:
        return None
    return f"{REGIONS[code]} ({code})" if code in REGIONS else code


def _coordinates_text(lon: float, lat: float) -> str:
    ns = "N" if lat >= 0 else "S"
    ew = "E" if lon >= 0 else "W"
    return f"{abs(lat):.{PLACE_DECIMALS}f}° {ns}, {abs(lon):.{PLACE_DECIMALS}f}° {ew}"


def _label(key: str) -> str:
    words = str(key).replace("_", " ").strip()
    return words[:1].upper() + words[1:] if words else "(unnamed)"


# --------------------------------------------------------------------------- data values


def _text(value: Any) -> str | None:
    """A data value as display text; None for missing (None, NaN, NaT, empty)."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, pd.Timestamp | np.datetime64):
        return str(pd.Timestamp(value).isoformat())
    if isinstance(value, list | tuple | dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    if isinstance(value, str):
        return value if value.strip() else None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return str(value)


def _is_web_url(url: str) -> bool:
    parts = urlsplit(url.strip())
    return parts.scheme.lower() in {"http", "https"} and bool(parts.netloc) and url == url.strip()


def _truthy(values: pd.Series) -> pd.Series:
    return values.map(lambda v: bool(v) if isinstance(v, bool | np.bool_) else v is True)


# --------------------------------------------------------------------------- legends


def _kind_legend(counts: Counter[str]) -> list[dict[str, Any]]:
    kinds = list(KIND_LABELS) + sorted(k for k in counts if k not in KIND_LABELS)
    out = []
    for kind in kinds:
        symbol = KIND_SYMBOLS.get(kind, DEFAULT_SYMBOL)
        out.append(
            {
                "code": kind,
                "color": symbol.color,
                "count": counts.get(kind, 0),
                "label": KIND_LABELS.get(kind) or _label(kind),
                "shape": symbol.shape,
                "size": symbol.size_px,
            }
        )
    return out


def _region_legend(
    counts: Counter[str | None], country_rows: Sequence[Sequence[Any]]
) -> list[dict[str, Any]]:
    members = Counter(region for _, region in {(row[0], row[2]) for row in country_rows if row[3]})
    codes: list[str | None] = list(REGIONS)
    codes += sorted(c for c in set(counts) | set(members) if c is not None and c not in REGIONS)
    if counts.get(None):
        codes.append(None)
    return [
        {
            "code": code,
            "color": REGION_COLORS.get(code, _UNKNOWN_REGION_COLOR) if code else None,
            "count": counts.get(code, 0),
            "members": members.get(code, 0) if code else 0,
            "name": (REGIONS.get(code) or code) if code else "Outside WCO regions",
        }
        for code in codes
    ]


#: Labels of the statuses that are not a status of the data.
_STATUS_LABELS = MappingProxyType({"unknown": "Possibly open (dates not known)"})


def _status_legend(counts: Counter[str]) -> list[dict[str, Any]]:
    order = ["operational", "under_construction", "planned", "closed", "unknown"]
    order = [s for s in order if s != "unknown" or counts.get(s)]
    order += sorted(s for s in counts if s not in order)
    return [
        {"code": s, "count": counts.get(s, 0), "label": _STATUS_LABELS.get(s) or _label(s)}
        for s in order
    ]
