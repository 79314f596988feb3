"""What the page says about a place: popup rows, the display text of data values, legends.

All of it is plain text: the page writes it with DOM text APIs, never as HTML.
Nested values (a place's ``history``, its ``seats``, any list or mapping) are
written for people, as dated lists and ``Key: value`` lines, never as JSON.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any, TypeGuard
from urllib.parse import urlsplit

import numpy as np
import pandas as pd

from geo.render.style import _UNKNOWN_REGION_COLOR, DEFAULT_SYMBOL, KIND_SYMBOLS, REGION_COLORS
from geo.render.words import WORDS, word
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
    ("history", "History"),
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


#: A popup row's value: text, ``None`` (the page writes the place's position), or
#: a list of items, each text or ``[head, text, detail]`` (detail may be ``None``).
RowValue = str | list[str | list[str | None]] | None


def _rows(
    rec: Mapping[str, Any], text: Mapping[str, str | None], coordinates: str | None
) -> list[list[Any]]:
    """Popup rows ``[label, value]``: known fields in order, then other columns by name.

    ``rec`` holds the place's values, ``text`` their display text (:func:`_text`).
    The Coordinates row is always there; its value is ``coordinates`` (``None``:
    the page writes it from the place's position).  A nested value becomes a
    list of items (see :data:`RowValue`): ``history`` one dated item per event,
    ``seats`` one per seat with its years, any other list or mapping one item
    per element or key.
    """
    values: dict[str, RowValue] = dict(text)
    iso3 = text.get("iso3")
    if text.get("country") and iso3:
        values["country"] = f"{text['country']} ({iso3})"
    elif not text.get("country"):
        values["country"] = iso3
    values["region"] = _region_text(text.get("region"))
    values["side_a"] = _side_text(text, "a")
    values["side_b"] = _side_text(text, "b")
    values["coordinates"] = coordinates
    for key, value in rec.items():
        if key in text and text[key] is not None:
            nested = _items(str(key), value)
            if nested is not None:
                values[str(key)] = nested
    rows: list[list[Any]] = [
        [label, values[key]]
        for key, label in _ROW_FIELDS
        if values.get(key) or key == "coordinates"
    ]
    known = {key for key, _ in _ROW_FIELDS} | _HIDDEN_COLUMNS
    rows += [
        [_label(key), values[key]]
        for key, value in sorted(text.items())
        if key not in known and value is not None
    ]
    return rows


def _items(key: str, value: Any) -> list[str | list[str | None]] | None:
    """The items of a nested value (None when ``value`` is not a list or mapping)."""
    if isinstance(value, np.ndarray):
        value = value.tolist()
    items: list[str | list[str | None]]
    if key == "history" and _is_list(value):
        items = [_event_item(e) for e in value if isinstance(e, Mapping)]
    elif key == "seats" and _is_list(value):
        items = [_seat_item(s) for s in value if isinstance(s, Mapping)]
    elif isinstance(value, Mapping):
        items = [f"{_label(k)}: {t}" for k, v in value.items() if (t := _text(v)) is not None]
    elif _is_list(value):
        items = [t for v in value if (t := _text(v)) is not None]
    else:
        return None
    return list(items) or None


def _event_item(event: Mapping[str, Any]) -> list[str | None]:
    """``[date, "Under construction, opening planned 2011-02", note]`` of a history event."""
    status = _status_label(_text(event.get("status")) or "")
    planned = _text(event.get("planned_opening"))
    if planned:
        status += ", " + word("history.planned_opening", date=planned)
    shown = {"date", "status", "planned_opening"}
    return [_text(event.get("date")) or "", status, _detail(event, shown)]


def _seat_item(seat: Mapping[str, Any]) -> list[str | None]:
    """``[years, "Montevideo (URY)", note]`` of an office's seat."""
    start, end = _text(seat.get("from")), _text(seat.get("to"))
    if start and end:
        years = word("seat.between", start=start, end=end)
    elif start:
        years = word("seat.from", start=start)
    elif end:
        years = word("seat.until", end=end)
    else:
        years = word("seat.undated")
    city = _text(seat.get("city")) or ""
    iso3 = _text(seat.get("iso3"))
    where = f"{city} ({iso3})" if city and iso3 else city or iso3 or ""
    if seat.get("status") == "planned":
        where += ", " + word("seat.planned")
    shown = {"from", "to", "city", "iso3", "lon", "lat", "status"}
    return [years, where, _detail(seat, shown)]


def _detail(item: Mapping[str, Any], shown: set[str]) -> str | None:
    """The other fields of an event or seat, a line each: a note as it is, others ``Key: value``."""
    lines = []
    for key, value in item.items():
        if key in shown or (text := _text(value)) is None:
            continue
        note = str(key).endswith(("note", "notes"))
        lines.append(text if note else f"{_label(str(key))}: {text}")
    return "\n".join(lines) or None


def _is_list(value: Any) -> TypeGuard[list[Any] | tuple[Any, ...]]:
    return isinstance(value, list | tuple)


def _status_label(code: str) -> str:
    """A status for people: its word in :data:`geo.render.words.WORDS`, else the code, readable."""
    return WORDS.get(f"status.{code}") or _label(code)


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
    """A data value as display text; None for missing (None, NaN, NaT, empty).

    Lists and mappings read as text for people, never as JSON:

    >>> _text([{"date": "2009-06", "status": "planned"}, {"date": "2011"}])
    'Date: 2009-06; Status: planned | Date: 2011'
    >>> _text(["Buenos Aires", "Montevideo"])
    'Buenos Aires, Montevideo'
    """
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
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, Mapping):
        parts = [f"{_label(str(k))}: {t}" for k, v in value.items() if (t := _text(v)) is not None]
        return "; ".join(parts) or None
    if isinstance(value, list | tuple):
        parts = [t for v in value if (t := _text(v)) is not None]
        return (" | " if any(isinstance(v, Mapping) for v in value) else ", ").join(parts) or None
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


def _status_legend(counts: Counter[str], *, unknown: bool) -> list[dict[str, Any]]:
    """Status rows of the legend; "possibly open" is one when some life has such a piece."""
    order = ["operational", "under_construction", "planned", "closed", "unknown"]
    order = [s for s in order if s != "unknown" or counts.get(s) or unknown]
    order += sorted(s for s in counts if s not in order)
    return [{"code": s, "count": counts.get(s, 0), "label": _status_label(s)} for s in order]
