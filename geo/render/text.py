"""What the page says about a place: popup rows, the display text of data values, legends.

All of it is plain text: the page writes it with DOM text APIs, never as HTML.
Every word comes from the map's catalogue (a :class:`geo.i18n.Translator`):
row labels, the data's vocabularies (kinds, statuses, regions, precisions...),
dates with their precision and numbers in the map's language, country names
from CLDR.  Values of the data (names, notes, sources) are shown as they are.
Nested values (a place's ``history``, its ``seats``, any list or mapping) are
written for people, as dated lists and ``Key: value`` lines, never as JSON.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any, TypeGuard
from urllib.parse import urlsplit

import numpy as np
import pandas as pd

from geo.i18n import DATA_LANGUAGE, Translator, city_name, country_name, languages
from geo.render.style import (
    _UNKNOWN_REGION_COLOR,
    CATEGORY_SYMBOLS,
    KIND_SYMBOLS,
    REGION_COLORS,
)
from geo.schema import KINDS, REGIONS, note_translated

__all__ = ["PLACE_DECIMALS"]

#: Decimal places kept for place coordinates (5 decimals: about 1 m).
PLACE_DECIMALS = 5

#: The rows of a popup's summary, in order: what a reader needs first (where the place
#: is, the two sides of a crossing, when it opened).  Each column's label is the
#: catalogue's ``row.<column>``.
_SUMMARY_FIELDS: tuple[str, ...] = (
    "city",
    "country",
    "region",
    "side_a",
    "side_b",
    "opened",
    "closed",
    "planned_opening",
    "distance_km",
)
#: The rows folded under "Details and sources", in order; other data columns follow,
#: sorted by name, labelled by the catalogue (``row.<column>``) or their own names.
_DETAIL_FIELDS: tuple[str, ...] = (
    "host",
    "member",
    "osbp",
    "osbp_note",
    "modes",
    "opened_note",
    "closed_note",
    "history",
    "seats",
    "precision",
    "placed_by",
    "placed_by_source",
    "precision_note",
    "coordinates",
    "coords_source",
    "located_by",
    "country_distance_km",
    "side_a_position",
    "side_a_precision_note",
    "side_a_source",
    "side_b_position",
    "side_b_precision_note",
    "side_b_source",
    "checked_on",
    "notes",
)
#: Popup rows, in order: the summary's, then the details'.
_ROW_FIELDS: tuple[str, ...] = _SUMMARY_FIELDS + _DETAIL_FIELDS
#: Columns never shown as rows (shown elsewhere, or consumed by a combined row).
_HIDDEN_COLUMNS = frozenset(
    {"id", "kind", "name", "status", "source", "iso3", "geometry", "lon", "lat"}
    | {"region_name"}
    | {f"side_{s}_{f}" for s in "ab" for f in ("iso3", "name", "region", "country", "member")}
    | {f"side_{s}_{f}" for s in "ab" for f in ("lon", "lat")}
)
#: Columns whose values are dates of the data (exact, or EDTF bounds).
_DATE_COLUMNS = frozenset({"opened", "closed", "planned_opening", "checked_on"})
#: Columns whose values are codes of a closed vocabulary: the catalogue's ``<prefix>.<code>``.
_CODE_COLUMNS = {
    "precision": "precision",
    "located_by": "located_by",
    "placed_by": "placed_by",
    "modes": "mode",
}
#: Columns of distances in km, and the decimals they are shown with.
_KM_COLUMNS = {"country_distance_km": 1, "distance_km": 1}


def _is_alternate_name(key: str) -> bool:
    """Whether a column is a place's name in a language of the maps (``name_fr``, ``name:fr``)."""
    return key[:5] in ("name_", "name:") and key[5:] in languages()


def _local_name(rec: Mapping[str, Any], lang: str) -> str | None:
    """A place's name in ``lang`` (``name_<lang>`` or ``name:<lang>``), or None."""
    if lang == DATA_LANGUAGE:
        return None
    for key in (f"name_{lang}", f"name:{lang}"):
        value = rec.get(key)
        if isinstance(value, str) and value.strip():
            return value
    return None


#: The place a source names after a GeoNames id: ``"GeoNames 587084 (Baku)"``.
_GEONAMES_CITED = re.compile(r"\bGeoNames\s+\d+\s*\(([^()]+)\)")


def _city_names(text: Mapping[str, str | None], lang: str) -> list[str]:
    """The names CLDR gives a place's city in ``lang`` (Bakou for Baku), for search.

    The city is the first name of the free text of ``city`` (before a
    parenthesis or a comma: ``"Brussels (Saint-Josse-ten-Noode), Rue du
    Marché 30"`` is Brussels) and the place GeoNames is cited for in
    ``coords_source``; each counts when CLDR names a time zone of the place's
    country (``iso3``) for it (see :func:`geo.i18n.city_name`).  Nothing is
    guessed: a city CLDR does not know has no other name.

    >>> _city_names({"city": "Brussels (Saint-Josse-ten-Noode), Rue du Marché 30",
    ...              "iso3": "BEL"}, "fr")
    ['Bruxelles']
    >>> _city_names({"city": "Moscow (Academy)", "iso3": "RUS",
    ...              "coords_source": "GeoNames 524901 (Moscow)"}, "fr")
    ['Moscou']
    """
    if lang == DATA_LANGUAGE:
        return []
    candidates = []
    city = text.get("city")
    if city:
        candidates.append(re.split(r"[(,;]", city, maxsplit=1)[0].strip())
    cited = _GEONAMES_CITED.search(text.get("coords_source") or "")
    if cited:
        candidates.append(cited.group(1).strip())
    names = {city_name(c, text.get("iso3"), lang) for c in candidates}
    return sorted(n for n in names if n)


def _city_text(t: Translator, city: str, iso3: str | None) -> str:
    """A city's text (a ``city`` value, a seat's city) with its name in the map's language.

    The name is the text's first part, before a parenthesis, comma or
    semicolon; where CLDR names that city in the map's language (its time-zone
    exemplar city in the country ``iso3``, see :func:`geo.i18n.city_name`), that
    name replaces it and the rest of the text stays as the data wrote it.  A
    city CLDR does not name keeps the data's name.

    >>> from geo.i18n import translator
    >>> fr = translator("fr")
    >>> _city_text(fr, "Baku", "AZE"), _city_text(fr, "Moscow (Academy)", "RUS")
    ('Bakou', 'Moscou (Academy)')
    >>> _city_text(fr, "Kashiwa (Chiba)", "JPN"), _city_text(translator("en"), "Baku", "AZE")
    ('Kashiwa (Chiba)', 'Baku')
    """
    if t.lang == DATA_LANGUAGE:
        return city
    head = re.split(r"[(,;]", city, maxsplit=1)[0]
    name = head.strip()
    local = city_name(name, iso3, t.lang)
    if not local:
        return city
    start = head.index(name)
    return city[:start] + local + city[start + len(name) :]


def _country(t: Translator, iso3: str | None, name: str | None) -> str | None:
    """A country's name in the map's language.

    In the data's language, the data's own name (the membership table's: the
    WCO's names); in another, CLDR's name for the code (Babel), else the data's.
    """
    if t.lang == DATA_LANGUAGE and name:
        return name
    return country_name(iso3, t.lang, name)


# --------------------------------------------------------------------------- popup rows


#: A popup row's value: text, ``None`` (the page writes the place's position), or
#: a list of items, each text or ``[head, text, detail]`` (detail may be ``None``).
RowValue = str | list[str | list[str | None]] | None


def _rows(
    rec: Mapping[str, Any],
    text: Mapping[str, str | None],
    coordinates: str | None,
    t: Translator,
) -> list[list[Any]]:
    """Popup rows ``[label, value]``: the summary's, then the details' (see :func:`_popup_rows`)."""
    return _popup_rows(rec, text, coordinates, t)[0]


def _popup_rows(
    rec: Mapping[str, Any],
    text: Mapping[str, str | None],
    coordinates: str | None,
    t: Translator,
) -> tuple[list[list[Any]], int]:
    """Popup rows ``[label, value]`` and how many of them the summary shows.

    The summary's rows come first (:data:`_SUMMARY_FIELDS`), then the rows
    folded under "Details and sources": known fields in order, then other
    columns by name, labelled by :func:`_field_label`.  ``rec`` holds the
    place's values, ``text`` their display text (:func:`_text`), ``t`` the
    map's words.  The Coordinates row is always there; its value is
    ``coordinates`` (``None``: the page writes it from the place's position).
    Dates, booleans, numbers, codes of the data's vocabularies and distances
    are written in the map's language; a nested value becomes a list of items
    (see :data:`RowValue`): ``history`` one dated item per event, ``seats`` one
    per seat with its years, any other list or mapping one item per element or
    key.  Noise is left out: a note that only repeats its field's value
    (``opened_note`` equal to ``opened``), the distance to the country a point
    lies inside.  A note written in the map's language (``notes_fr``, see
    :func:`geo.schema.note_translated`) is shown in place of the note it
    translates; a translation is never a row of its own.
    """
    values: dict[str, RowValue] = {
        key: _shown(t, key, rec.get(key), value) for key, value in text.items()
    }
    iso3 = text.get("iso3")
    country = _country(t, iso3, text.get("country"))
    values["country"] = (
        t("row.country_code", country=country, iso3=iso3) if country and iso3 else (country or iso3)
    )
    values["region"] = _region_text(t, text.get("region"))
    city = text.get("city")
    if city:
        values["city"] = _city_text(t, city, iso3)  # Bakou on a French map
    for side in "ab":
        values[f"side_{side}_position"] = _side_position(t, rec, side)
    values["coordinates"] = coordinates
    for key, value in rec.items():
        if key in text and text[key] is not None and key not in _CODE_COLUMNS:
            nested = _items(t, str(key), value)
            if nested is not None:
                values[str(key)] = nested
    for key, translation in _note_translations(text, t.lang).items():
        values[key] = _shown(t, key, rec.get(translation), text[translation])
    for key in _noise(rec, text):
        values[key] = None
    labels = {key: t(f"row.{key}") for key in _SUMMARY_FIELDS}
    for side in "ab":
        labels[f"side_{side}"], values[f"side_{side}"] = _side_row(t, text, side)
    summary: list[list[Any]] = [
        [labels[key], values[key]] for key in _SUMMARY_FIELDS if values.get(key)
    ]
    rows: list[list[Any]] = [
        [t(f"row.{key}"), values[key]]
        for key in _DETAIL_FIELDS
        if values.get(key) or key == "coordinates"
    ]
    known = set(_ROW_FIELDS) | _HIDDEN_COLUMNS
    rows += [
        [_field_label(t, key), values[key]]
        for key, value in sorted(text.items())
        if key not in known
        and values.get(key) is not None
        and not _is_alternate_name(key)
        and note_translated(key, languages()) is None
    ]
    return summary + rows, len(summary)


def _note_translations(text: Mapping[str, str | None], lang: str) -> dict[str, str]:
    """``{note: its translation's column}`` for the notes written in ``lang`` (``notes_fr``).

    Only a note the place has is replaced; the data's own language has none.
    """
    out = {}
    for key, value in text.items():
        translated = note_translated(key, [lang]) if lang != DATA_LANGUAGE else None
        if translated and value is not None and text.get(translated[0]) is not None:
            out[translated[0]] = key
    return out


def _noise(rec: Mapping[str, Any], text: Mapping[str, str | None]) -> list[str]:
    """Columns whose row would tell the reader nothing.

    A note that only repeats the value it is about (``opened_note`` equal to
    ``opened``, ``closed_note`` to ``closed``), and the distance to the country
    a point lies inside (0 km).
    """
    out = []
    for key, note in text.items():
        if note is not None and key.endswith("_note"):
            about = text.get(key[: -len("_note")])
            if about is not None and note.strip() == about.strip():
                out.append(key)
    distance = rec.get("country_distance_km")
    inside = text.get("located_by") == "inside"
    if inside or (isinstance(distance, int | float | np.number) and float(distance) == 0):
        out += ["country_distance_km", "located_by"] if inside else ["country_distance_km"]
    return out


def _shown(t: Translator, key: str, value: Any, text: str | None) -> str | None:
    """The text of one value of column ``key`` in the map's language."""
    if text is None:
        return None
    if isinstance(value, bool | np.bool_):
        return t("value.yes") if value else t("value.no")
    if key in _DATE_COLUMNS:
        day = _ISO_DAY.fullmatch(text.strip())  # a timestamp at midnight is that day
        return _when_text(t, day.group(1) if day else text)
    if key in _KM_COLUMNS and isinstance(value, int | float | np.number):
        return t("units.km", km=t.number(float(value), decimals=_KM_COLUMNS[key]))
    if key in _CODE_COLUMNS:
        codes = value.tolist() if isinstance(value, np.ndarray) else value
        if _is_list(codes):
            return ", ".join(_code_text(t, _CODE_COLUMNS[key], c) for c in codes if c is not None)
        return _code_text(t, _CODE_COLUMNS[key], codes)
    if key.endswith(("note", "notes")):
        return _plain_note(t, text)
    if key in _ROW_FIELDS or key in _HIDDEN_COLUMNS:
        return text
    return _value_text(t, value, text)


#: Codes of the confidence some notes start with, in capitals (``low_confidence``: the tag
#: ``LOW CONFIDENCE``); the catalogue's ``confidence.<code>`` says it in plain words.
_CONFIDENCE_CODES = (
    "proxy",
    "low_confidence",
    "medium_confidence",
    "high_confidence",
    "approximate",
    "unverified",
)
_CONFIDENCE_TAGS = {code.replace("_", " ").upper(): code for code in _CONFIDENCE_CODES}
_CONFIDENCE_NOTE = re.compile(
    r"(?P<pre>[^,:\u2013\u2014\n]{1,30}, )?(?P<tag>"
    + "|".join(map(re.escape, _CONFIDENCE_TAGS))
    + r")\s*[:\u2013\u2014-]\s*(?P<rest>.*)",
    re.DOTALL,
)


def _plain_note(t: Translator, text: str) -> str:
    """A note whose first words shout how sure it is, said in plain words of the map's language.

    ``"PROXY: crossing point not surveyed"``: "A stand-in point — crossing point
    not surveyed"; ``"village, LOW CONFIDENCE: from a dataset"`` (or with a dash):
    "Low confidence — village, from a dataset".  Only the tags of
    :data:`_CONFIDENCE_TAGS`, in capitals, at the start; any other note as it is.

    >>> from geo.i18n import translator
    >>> _plain_note(translator("en"), "village, LOW CONFIDENCE \u2013 from a dataset")
    'Low confidence \u2014 village, from a dataset'
    >>> _plain_note(translator("en"), "CCLEC: the Caribbean council")
    'CCLEC: the Caribbean council'
    """
    found = _CONFIDENCE_NOTE.fullmatch(text)
    if found is None:
        return text
    words = t(f"confidence.{_CONFIDENCE_TAGS[found.group('tag')]}")
    rest = (found.group("pre") or "") + found.group("rest")
    return t("confidence.note", confidence=words, note=rest) if rest.strip() else words


#: A day of the data written as ISO 8601, with a time of midnight at most.
_ISO_DAY = re.compile(r"(\d{4}-\d{2}-\d{2})(?:[T ]00:00(?::00(?:\.0+)?)?(?:Z|[+-]00:?00)?)?")
#: Numbers written with the language's separators; beyond, as the data wrote them.
_MAX_NUMBER = 1e15


def _value_text(t: Translator, value: Any, text: str) -> str:
    """The text of a value of a property geo does not know, in the map's language.

    A day (``"2026-12-07"``, a date or a timestamp at midnight) as people write
    it ("7 décembre 2026" in French), a number with the language's separators
    ("1 234,5"); anything else as it is.

    >>> from geo.i18n import translator
    >>> fr = translator("fr")
    >>> _value_text(fr, "2026-12-07", "2026-12-07"), _value_text(fr, 1234.5, "1234.5")
    ('7 décembre 2026', '1\u202f234,5')
    >>> _value_text(fr, "2026-02-30", "2026-02-30")  # not a day: as it is
    '2026-02-30'
    """
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool):
        return text
    if isinstance(value, int | float) and math.isfinite(value) and abs(value) < _MAX_NUMBER:
        if isinstance(value, int):
            return t.number(value)
        digits = repr(value).partition(".")[2]
        return t.number(value, decimals=len(digits) if digits.isdigit() else 0, trim=True)
    if isinstance(value, str | dt.date | pd.Timestamp | np.datetime64):
        day = _ISO_DAY.fullmatch(text.strip())
        if day is not None:
            return t.date(day.group(1)) or text
    return text


def _code_text(t: Translator, prefix: str, code: Any) -> str:
    """A code of a closed vocabulary in words (the code itself when the catalogue lacks it)."""
    key = f"{prefix}.{code}"
    return t(key) if key in t.message_keys() else (_text(code) or "")


def _when_text(t: Translator, text: str) -> str:
    """A date of the data, exact or bounded (EDTF), as people write it.

    ``"2011-10-17"``: "17 October 2011"; ``"2005/2013-11"``: "between 2005 and
    November 2013"; ``"../2013"``: "by 2013"; ``"2010-09/.."``: "September 2010 or
    later".  Text that is not such a date is shown as it is.
    """
    if "/" not in text:
        return t.date(text) or text
    start, _, end = text.partition("/")
    if start == ".." and end != "..":
        return t.dated("date.by", {"end": end})
    if end == ".." and start != "..":
        return t.dated("date.from", {"start": start})
    if ".." in (start, end):
        return text
    return t.dated("date.between", {"start": start, "end": end})


def _items(t: Translator, key: str, value: Any) -> list[str | list[str | None]] | None:
    """The items of a nested value (None when ``value`` is not a list or mapping)."""
    if isinstance(value, np.ndarray):
        value = value.tolist()
    items: list[str | list[str | None]]
    if key == "history" and _is_list(value):
        items = [_event_item(t, e) for e in value if isinstance(e, Mapping)]
    elif key == "seats" and _is_list(value):
        items = [_seat_item(t, s) for s in value if isinstance(s, Mapping)]
    elif isinstance(value, Mapping):
        items = [
            t("row.field", label=_field_label(t, str(k)), value=s)
            for k, v in value.items()
            if (s := _shown(t, str(k), v, _text(v))) is not None
        ]
    elif _is_list(value):
        items = [s for v in value if (s := _shown(t, key, v, _text(v))) is not None]
    else:
        return None
    return list(items) or None


def _event_item(t: Translator, event: Mapping[str, Any]) -> list[str | None]:
    """``[date, "Under construction, opening planned February 2011", note]`` of a history event."""
    status = _status_label(t, _text(event.get("status")) or "")
    planned = _text(event.get("planned_opening"))
    if planned:
        status += ", " + t("history.planned_opening", date=_when_text(t, planned))
    shown = {"date", "status", "planned_opening"}
    date = _text(event.get("date"))
    return [_when_text(t, date) if date else "", status, _detail(t, event, shown)]


def _seat_item(t: Translator, seat: Mapping[str, Any]) -> list[str | None]:
    """``[years, "Montevideo (URY)", note]`` of an office's seat."""
    start, end = _text(seat.get("from")), _text(seat.get("to"))
    if start and end:
        years = _period(t, "seat.between", {"start": start, "end": end})
    elif start:
        years = _period(t, "seat.from", {"start": start})
    elif end:
        years = _period(t, "seat.until", {"end": end})
    else:
        years = t("seat.undated")
    iso3 = _text(seat.get("iso3"))
    city = _city_text(t, _text(seat.get("city")) or "", iso3)
    where = f"{city} ({iso3})" if city and iso3 else city or iso3 or ""
    if seat.get("status") == "planned":
        where += ", " + t("seat.planned")
    shown = {"from", "to", "city", "iso3", "lon", "lat", "status"}
    return [years, where, _detail(t, seat, shown)]


def _period(t: Translator, key: str, dates: dict[str, str]) -> str:
    """A period's text: its dates in the words their shapes take (:meth:`Translator.dated`).

    A bound that is itself a bounded date (``"2001-06/2013"``) is written as
    :func:`_when_text` writes it, in the text's own context.
    """
    if all("/" not in d for d in dates.values()):
        return t.dated(key, dates)
    return t(key, **{name: _when_text(t, d) for name, d in dates.items()})


def _detail(t: Translator, item: Mapping[str, Any], shown: set[str]) -> str | None:
    """The other fields of an event or seat, a line each: a note as it is, others ``Key: value``."""
    lines = []
    for key, value in item.items():
        if key in shown or (text := _text(value)) is None:
            continue
        note = str(key).endswith(("note", "notes"))
        line = _shown(t, str(key), value, text) or text
        lines.append(line if note else t("row.field", label=_field_label(t, str(key)), value=line))
    return "\n".join(lines) or None


#: Keys of ``row.`` messages that are not the label of a field (templates, placeholders).
_ROW_TEMPLATES = frozenset({"field", "unnamed", "side_place", "country_code"})


def _field_label(t: Translator, key: str) -> str:
    """A field's label: the catalogue's ``row.<key>`` when it has one, else the key, readable.

    So a property a user adds reads well in every language the catalogue knows
    (``checked_on``: "Vérifié le" in French), and otherwise as its own name made
    readable (``contact_email``: "Contact email"); an empty one is "(unnamed)"
    in the map's language.
    """
    if key not in _ROW_TEMPLATES and f"row.{key}" in t.message_keys():
        return t(f"row.{key}")
    return _label(key) or t("row.unnamed")


def _is_list(value: Any) -> TypeGuard[list[Any] | tuple[Any, ...]]:
    return isinstance(value, list | tuple)


def _status_label(t: Translator, code: str) -> str:
    """A status for people: the catalogue's ``status.<code>``, else the code, readable."""
    key = f"status.{code}"
    return t(key) if key in t.message_keys() else _label(code)


def _side_row(t: Translator, values: Mapping[str, str | None], side: str) -> tuple[str, str | None]:
    """A border post's side for the summary: ``(its country, the name of its post)``.

    The post's name is followed by the side's WCO region when it is not the
    place's own, and by "not a WCO Member" for a country that is not; without a
    country the label is "Side A" (or B) and the value :func:`_side_text`'s.

    >>> from geo.i18n import translator
    >>> _side_row(translator("en"), {"region": "EUR", "side_b_name": "Yarag-Kazmalyar",
    ...     "side_b_iso3": "RUS", "side_b_country": "Russia", "side_b_region": "EUR"}, "b")
    ('Russia', 'Yarag-Kazmalyar')
    """
    iso3 = values.get(f"side_{side}_iso3")
    country = _country(t, iso3, values.get(f"side_{side}_country")) or iso3
    name = values.get(f"side_{side}_name")
    if not country or not name:
        return t(f"row.side_{side}"), _side_text(t, values, side)
    region = values.get(f"side_{side}_region")
    other = _region_name(t, region) if region and region != values.get("region") else None
    member = t("member.no") if values.get(f"side_{side}_member") == "No" else None
    return country, ", ".join(x for x in (name, other, member) if x)


def _side_text(t: Translator, values: Mapping[str, str | None], side: str) -> str | None:
    name = values.get(f"side_{side}_name")
    iso3 = values.get(f"side_{side}_iso3")
    country = _country(t, iso3, values.get(f"side_{side}_country"))
    region = _region_text(t, values.get(f"side_{side}_region"))
    member = t("member.no") if values.get(f"side_{side}_member") == "No" else None
    where = ", ".join(x for x in (country, iso3, region, member) if x)
    if not name and not where:
        return None
    if not name:
        return where
    return t("row.side_place", name=name, where=where) if where else name


def _side_position(t: Translator, rec: Mapping[str, Any], side: str) -> str | None:
    """Where a side's own post is (``side_b_lon``/``side_b_lat``), or None."""
    lon, lat = rec.get(f"side_{side}_lon"), rec.get(f"side_{side}_lat")
    numbers = (int, float, np.number)
    if not (isinstance(lon, numbers) and isinstance(lat, numbers)):
        return None
    if isinstance(lon, bool) or isinstance(lat, bool):
        return None
    try:
        x, y = float(lon), float(lat)
    except OverflowError:  # an int too large for a double
        return None
    if not (abs(x) <= 180 and abs(y) <= 90):  # out of range, NaN or infinite: not shown
        return None
    return _coordinates_text(t, x, y)


def _region_name(t: Translator, code: str | None) -> str | None:
    """A WCO region's name in the map's language; an unknown code as it is."""
    if not code:
        return None
    return t(f"region.{code}") if code in REGIONS else code


def _region_text(t: Translator, code: str | None) -> str | None:
    if not code:
        return None
    return t("region.with_code", name=_region_name(t, code), code=code) if code in REGIONS else code


def _coordinates_text(t: Translator, lon: float, lat: float) -> str:
    """``50.85380° N, 4.37280° E`` in the map's language (its hemisphere letters and decimals)."""
    return t(
        "coords.text",
        lat=t.number(abs(lat), decimals=PLACE_DECIMALS),
        ns=t("coords.north" if lat >= 0 else "coords.south"),
        lon=t.number(abs(lon), decimals=PLACE_DECIMALS),
        ew=t("coords.east" if lon >= 0 else "coords.west"),
    )


def _label(key: str) -> str:
    """A data column's own name, readable; "" for none.

    Underscores, hyphens and dots become spaces, a lower-case letter followed by
    a capital is split (camelCase), spaces are collapsed and the first letter is
    a capital; the rest is left as written (acronyms stay).

    >>> _label("opened_note"), _label("contact_email"), _label("checkedOn"), _label("WCO-code")
    ('Opened note', 'Contact email', 'Checked on', 'WCO code')
    """
    words = _CAMEL.sub(lambda m: f"{m.group(1)} {m.group(2).lower()}", str(key))
    words = " ".join(_SEPARATORS.sub(" ", words).split())
    return words[:1].upper() + words[1:]


_CAMEL = re.compile(r"([a-z])([A-Z])(?![A-Z])")
_SEPARATORS = re.compile(r"[_.\-]+")


# --------------------------------------------------------------------------- data values


def _text(value: Any) -> str | None:
    """A data value as display text; None for missing (None, NaN, NaT, empty).

    Lists and mappings read as text for people, never as JSON:

    >>> _text([{"date": "2009-06", "status": "planned"}, {"date": "2011"}])
    'Date: 2009-06; Status: planned | Date: 2011'
    >>> _text(["Buenos Aires", "Montevideo"])
    'Buenos Aires, Montevideo'
    """
    if type(value) is str:  # the most common value first: the checks below never match it
        return value if value.strip() else None
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool):  # canonical text: a popup says it in its language (_shown)
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


def _kind_legend(counts: Counter[str], t: Translator) -> list[dict[str, Any]]:
    others = sorted(k for k in counts if k not in KINDS)
    extra = {k: CATEGORY_SYMBOLS[i % len(CATEGORY_SYMBOLS)] for i, k in enumerate(others)}
    out = []
    for kind in [*KINDS, *others]:
        symbol = KIND_SYMBOLS.get(kind) or extra[kind]
        out.append(
            {
                "code": kind,
                "color": symbol.color,
                "count": counts.get(kind, 0),
                "label": t(f"kind.{kind}") if kind in KINDS else (_label(kind) or kind),
                "shape": symbol.shape,
                "size": symbol.size_px,
            }
        )
    return out


def _region_legend(
    counts: Counter[str | None], country_rows: Sequence[Sequence[Any]], t: Translator
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
            "name": _region_name(t, code) if code else t("region.none"),
        }
        for code in codes
    ]


def _status_legend(counts: Counter[str], *, unknown: bool, t: Translator) -> list[dict[str, Any]]:
    """Status rows of the legend; "possibly open" is one when some life has such a piece."""
    order = ["operational", "under_construction", "planned", "closed", "unknown"]
    order = [s for s in order if s != "unknown" or counts.get(s) or unknown]
    order += sorted(s for s in counts if s not in order)
    return [{"code": s, "count": counts.get(s, 0), "label": _status_label(t, s)} for s in order]
