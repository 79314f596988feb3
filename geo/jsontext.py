"""A place file as JSON text: where each value starts and ends, and edits of just that span.

The data files are written by hand, so :mod:`geo.edit` changes their text
rather than re-serialising the document.  This module is that text editor,
knowing nothing of validation, locks or the data folder: :func:`read` scans
a GeoJSON FeatureCollection with :class:`json.JSONDecoder` ``raw_decode`` from
each value's start and gives its :class:`PlaceFile` (every feature's span,
its members and properties, and the file's :class:`Style`: newline,
indentation, the text between a key and its value, ASCII or not); the edits
(:func:`insert_feature`, :func:`set_property`, :func:`set_coordinate`,
:func:`delete_feature`) return the whole new text, in which only the span
they touch differs, written in the file's style.

Coordinates are degrees, EPSG:4326, GeoJSON axis order ``[lon, lat]``.

>>> text = '{"features": [{"properties": {"id": "a"}}]}'
>>> pf = layout(Path("x.geojson"), text.encode(), text, parse(text))
>>> set_property(pf, pf.places[0], "id", "b")
'{"features": [{"properties": {"id": "b"}}]}'
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geo.errors import DataError, GeoError, Problem, UsageError
from geo.fileio import read_json

__all__ = [
    "BOM",
    "Place",
    "PlaceFile",
    "Style",
    "delete_feature",
    "insert_feature",
    "layout",
    "ordered_like_file",
    "parse",
    "read",
    "same_json",
    "set_coordinate",
    "set_property",
    "shown",
]

#: The byte order mark a file may start with; kept as it is.
BOM = "\ufeff"
_WHITESPACE = " \t\r\n"
_WHITESPACE_RUN = re.compile(r"[ \t\r\n]*")
_DECODER = json.JSONDecoder()
_FEATURE_KEYS = ("type", "properties", "geometry")


# -- scanning: where values start and end in the text ---------------------------------


@dataclass(frozen=True)
class _Member:
    """One ``"key": value`` of an object; ``value_end`` is the index just after the value."""

    key: str
    key_start: int
    key_end: int
    value_start: int
    value_end: int


@dataclass(frozen=True)
class _Span:
    start: int
    end: int


def _skip_whitespace(text: str, index: int) -> int:
    return _WHITESPACE_RUN.match(text, index).end()  # type: ignore[union-attr]  # always matches


def _scan_value(text: str, index: int) -> int:
    """The index just after the JSON value starting at ``index``."""
    _, end = _DECODER.raw_decode(text, index)
    return end


def _scan_object(text: str, start: int) -> list[_Member]:
    """The members of the object whose ``{`` is at ``start`` (the text is valid JSON)."""
    members: list[_Member] = []
    index = _skip_whitespace(text, start + 1)
    if text[index] == "}":
        return members
    while True:
        key, key_end = _DECODER.raw_decode(text, index)
        value_start = _skip_whitespace(text, _skip_whitespace(text, key_end) + 1)  # past ':'
        value_end = _scan_value(text, value_start)
        members.append(_Member(key, index, key_end, value_start, value_end))
        index = _skip_whitespace(text, value_end)
        if text[index] == "}":
            return members
        index = _skip_whitespace(text, index + 1)  # past ','


def _scan_array(text: str, start: int) -> list[_Span]:
    """The elements of the array whose ``[`` is at ``start`` (the text is valid JSON)."""
    elements: list[_Span] = []
    index = _skip_whitespace(text, start + 1)
    if text[index] == "]":
        return elements
    while True:
        end = _scan_value(text, index)
        elements.append(_Span(index, end))
        index = _skip_whitespace(text, end)
        if text[index] == "]":
            return elements
        index = _skip_whitespace(text, index + 1)  # past ','


def _last(members: list[_Member], key: str) -> _Member | None:
    """The member named ``key`` (the last one, as :func:`json.loads` keeps the last)."""
    found = [m for m in members if m.key == key]
    return found[-1] if found else None


def _indent_of_line(text: str, index: int) -> str:
    """The leading whitespace of the line that holds ``index``."""
    line_start = text.rfind("\n", 0, index) + 1
    line = text[line_start:index]
    return line[: len(line) - len(line.lstrip(" \t"))]


def _line_indent(text: str, index: int) -> str | None:
    """The whitespace from the line's start to ``index``; ``None`` if other text precedes it."""
    newline = text.rfind("\n", 0, index)
    if newline < 0:
        return None
    prefix = text[newline + 1 : index]
    return prefix if prefix.strip(_WHITESPACE) == "" else None


# -- a place file as text and as layout ------------------------------------------------


@dataclass(frozen=True)
class Place:
    """One element of ``features`` and where its parts are."""

    index: int
    span: _Span
    members: list[_Member]
    properties: list[_Member] | None
    properties_span: _Span | None
    place_id: str | None


@dataclass(frozen=True)
class Style:
    """How a file is written, so new text looks like the old."""

    newline: str
    unit: str | None  # one level of indentation; None for a file on one line
    colon: str  # between a key and its value
    ensure_ascii: bool


@dataclass(frozen=True)
class PlaceFile:
    """A place file as read: its bytes and text, its document, and where its places are."""

    path: Path
    raw: bytes
    text: str  # the whole file, with its BOM if it has one
    doc: Any
    top: list[_Member]
    features: _Span | None  # the features array, when it is one
    places: list[Place]
    style: Style

    @property
    def name(self) -> str:
        """The file's name, as problems name it."""
        return self.path.name


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def parse(text: str) -> Any:
    """The document of ``text`` (its BOM ignored); ``NaN`` and ``Infinity`` are refused.

    Raises
    ------
    ValueError
        If ``text`` is not JSON.
    """
    return json.loads(text.removeprefix(BOM), parse_constant=_reject_constant)


def read(path: Path) -> PlaceFile:
    """Read and scan the place file at ``path``.

    Raises
    ------
    DataError
        If the file is not valid JSON (the problem gives the line and column).
    GeoError
        If the file changed while it was being read.
    """
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8")
        doc = parse(text)
    except (OSError, ValueError) as err:
        read_json(path)  # raises a DataError that gives the line and column
        msg = f"{path.name} changed while it was being read; try again"
        raise GeoError(msg) from err
    return layout(path, raw, text, doc)


def layout(path: Path, raw: bytes, text: str, doc: Any) -> PlaceFile:
    """The :class:`PlaceFile` of ``text``, whose document is ``doc`` (``parse(text)``).

    Parameters
    ----------
    path : Path
        Where the file is.
    raw : bytes
        The file's bytes as read (to see later whether it changed on disk).
    text : str
        The text to scan: the file's, or an edit's.
    doc : Any
        ``parse(text)``.
    """
    start = _skip_whitespace(text, len(BOM) if text.startswith(BOM) else 0)
    top = _scan_object(text, start) if isinstance(doc, dict) else []
    features_member = _last(top, "features")
    features: _Span | None = None
    places: list[Place] = []
    if features_member is not None and isinstance(doc["features"], list):
        features = _Span(features_member.value_start, features_member.value_end)
        for index, element in enumerate(_scan_array(text, features.start)):
            places.append(_place(text, index, element, doc["features"][index]))
    return PlaceFile(path, raw, text, doc, top, features, places, _style(text, top))


def _place(text: str, index: int, span: _Span, feature: Any) -> Place:
    if not isinstance(feature, dict):
        return Place(index, span, [], None, None, None)
    members = _scan_object(text, span.start)
    props_member = _last(members, "properties")
    props = feature.get("properties")
    if props_member is None or not isinstance(props, dict):
        return Place(index, span, members, None, None, None)
    raw_id = props.get("id")
    return Place(
        index,
        span,
        members,
        _scan_object(text, props_member.value_start),
        _Span(props_member.value_start, props_member.value_end),
        raw_id if isinstance(raw_id, str) else None,
    )


def _style(text: str, top: list[_Member]) -> Style:
    newline = "\r\n" if "\r\n" in text else "\n"
    unit: str | None = None
    colon = ": "
    if top:
        colon = text[top[0].key_end : top[0].value_start]
        unit = _line_indent(text, top[0].key_start) or None
    if unit is None and "\n" in text.strip(_WHITESPACE + BOM):
        unit = "  "
    # A file of ASCII only stays ASCII (new text goes in as \u escapes): the rule must
    # not depend on whether an escape happens to be in the file, or setting a value
    # and setting it back would not give the same bytes.
    ensure_ascii = text.removeprefix(BOM).isascii()
    return Style(newline, unit, colon, ensure_ascii)


# -- writing values in the file's style ------------------------------------------------


def _dump(value: Any, style: Style, indent: str, *, inline: bool = False) -> str:
    """``value`` as JSON in the file's style, its continuation lines indented by ``indent``."""
    one_line = inline or style.unit is None
    try:
        text = json.dumps(
            value,
            ensure_ascii=style.ensure_ascii,
            allow_nan=False,
            indent=None if one_line else style.unit,
            separators=(", " if one_line else ",", style.colon),
        )
    except (TypeError, ValueError, RecursionError) as err:
        msg = (
            f"Got {shown(value)}; a value must be JSON: a string, a finite number, true, false, "
            "null, or a list or object of those"
        )
        raise UsageError(msg) from err
    if not style.ensure_ascii and not _encodable(text):
        # a lone surrogate cannot be written as UTF-8: escape the whole value
        return _dump(value, dataclasses.replace(style, ensure_ascii=True), indent, inline=inline)
    return text if one_line else text.replace("\n", style.newline + indent)


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def same_json(a: Any, b: Any) -> bool:
    """True when two values write the same JSON (so ``1`` and ``1.0`` or ``True`` differ)."""
    try:
        return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)
    except (TypeError, ValueError, RecursionError):  # not JSON: :func:`_dump` says why
        return False


def _separator(text: str, open_at: int, items: list[tuple[int, int]]) -> str:
    """The text between two items of a container, copied from the file where it can be.

    ``items`` are ``(start, end)`` of the container's items; ``open_at`` is its ``{`` or ``[``.
    """
    if len(items) >= 2:
        return text[items[-2][1] : items[-1][0]]
    lead = text[open_at + 1 : items[0][0]] if items else ""
    return "," + lead if "\n" in lead else ", "


def _fill_empty(text: str, style: Style, span: _Span, item: str, item_indent: str) -> str:
    """``text`` with the empty container at ``span`` holding ``item`` alone."""
    if style.unit is None:
        inner = item
    else:
        close_indent = _indent_of_line(text, span.start)
        inner = style.newline + item_indent + item + style.newline + close_indent
    return text[: span.start + 1] + inner + text[span.end - 1 :]


def _item_indent(text: str, style: Style, container_start: int, first_item: int | None) -> str:
    """The indentation of an item in a container: as its first item, else one level deeper."""
    if first_item is not None:
        found = _line_indent(text, first_item)
        if found is not None:
            return found
    return _indent_of_line(text, container_start) + (style.unit or "")


# -- edits of the text -----------------------------------------------------------------


def insert_feature(pf: PlaceFile, properties: dict[str, Any], lon: Any, lat: Any) -> str:
    """The text of ``pf`` with a new Point feature as the last of ``features``.

    The feature is written like the file's last one: key order, indentation,
    geometry on one line when that one's is.  ``lon``, ``lat``: degrees,
    EPSG:4326.

    Raises
    ------
    DataError
        If the file's ``features`` is not a list.
    """
    text, style = pf.text, pf.style
    if pf.features is None:
        found = pf.doc.get("features") if isinstance(pf.doc, dict) else pf.doc
        expected = "a FeatureCollection's list of features"
        raise DataError([Problem(pf.name, "features", expected, found)])
    first = pf.places[0].span.start if pf.places else None
    indent = _item_indent(text, style, pf.features.start, first)
    feature = _feature_text(pf, properties, lon, lat, indent)
    if not pf.places:
        return _fill_empty(text, style, pf.features, feature, indent)
    spans = [(p.span.start, p.span.end) for p in pf.places]
    separator = _separator(text, pf.features.start, spans)
    end = pf.places[-1].span.end
    return text[:end] + separator + feature + text[end:]


def _feature_text(
    pf: PlaceFile, properties: dict[str, Any], lon: Any, lat: Any, indent: str
) -> str:
    """A new feature written like the file's last one: key order, indentation, geometry style."""
    style = pf.style
    template = pf.places[-1] if pf.places else None
    keys = [m.key for m in template.members if m.key in _FEATURE_KEYS] if template else []
    keys += [k for k in _FEATURE_KEYS if k not in keys]
    geometry_member = _last(template.members, "geometry") if template else None
    one_line_geometry = (
        geometry_member is None
        or "\n" not in pf.text[geometry_member.value_start : geometry_member.value_end]
    )
    values: dict[str, Any] = {
        "type": "Feature",
        "properties": properties,
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
    }
    if style.unit is None:
        return _dump({k: values[k] for k in keys}, style, indent)
    inner = indent + style.unit
    lines = [
        inner
        + _dump(key, style, inner)
        + style.colon
        + _dump(values[key], style, inner, inline=key == "geometry" and one_line_geometry)
        for key in keys
    ]
    return "{" + style.newline + ("," + style.newline).join(lines) + style.newline + indent + "}"


def ordered_like_file(pf: PlaceFile, properties: Mapping[str, Any]) -> dict[str, Any]:
    """``properties`` in the key order of the file's last place of the same kind, extras last."""
    docs = pf.doc["features"] if pf.features is not None else []
    candidates = [
        f["properties"]
        for f in docs
        if isinstance(f, dict) and isinstance(f.get("properties"), dict)
    ]
    same_kind = [p for p in candidates if p.get("kind") == properties.get("kind")]
    template = (same_kind or candidates or [{}])[-1]
    order = [k for k in template if k in properties]
    order += [k for k in properties if k not in template]
    return {k: properties[k] for k in order}


def delete_feature(pf: PlaceFile, place: Place) -> str:
    """The text of ``pf`` without ``place``: its feature, one separating comma and its line(s)."""
    text, places = pf.text, pf.places
    if pf.features is None:  # pragma: no cover - a place was found, so there are features
        raise GeoError(f"{pf.name}: no features array")
    if len(places) == 1:
        return text[: pf.features.start + 1] + text[pf.features.end - 1 :]
    if place.index == 0:
        return text[: place.span.start] + text[places[1].span.start :]
    return text[: places[place.index - 1].span.end] + text[place.span.end :]


def set_property(pf: PlaceFile, place: Place, key: str, value: Any) -> str:
    """The text of ``pf`` with property ``key`` of ``place`` set to ``value``.

    An existing property keeps its position and only its value is rewritten;
    a new one is added as the last, in the file's style.

    Raises
    ------
    UsageError
        If ``value`` is not JSON.
    """
    text, style = pf.text, pf.style
    if place.properties is None or place.properties_span is None:  # pragma: no cover
        raise GeoError(f"{pf.name}: feature #{place.index} has no properties object")
    members = place.properties
    member = _last(members, key)
    if member is not None:
        indent = _line_indent(text, member.key_start) or ""
        new = _dump(value, style, indent)
        return text[: member.value_start] + new + text[member.value_end :]
    span = place.properties_span
    first = members[0].key_start if members else None
    indent = _item_indent(text, style, span.start, first)
    item = _dump(key, style, indent) + style.colon + _dump(value, style, indent)
    if not members:
        return _fill_empty(text, style, span, item, indent)
    items = [(m.key_start, m.value_end) for m in members]
    end = members[-1].value_end
    return text[:end] + _separator(text, span.start, items) + item + text[end:]


def set_coordinate(pf: PlaceFile, place: Place, position: int, value: Any) -> str:
    """The text of ``pf`` with coordinate ``position`` of ``place``'s point set to ``value``.

    Parameters
    ----------
    pf : PlaceFile
        The file, as :func:`read` or :func:`layout` gave it.
    place : Place
        One of ``pf.places``.
    position : int
        ``0`` for the longitude, ``1`` for the latitude (GeoJSON ``[lon, lat]``).
    value : Any
        The new value, written as the file writes JSON.

    Returns
    -------
    str
        The whole new text; only the coordinate's span differs.

    Raises
    ------
    DataError
        If the place has no point with ``[lon, lat]`` coordinates.
    """
    geometry = _last(place.members, "geometry")
    coords_member = None
    if geometry is not None and pf.text[geometry.value_start] == "{":
        coords_member = _last(_scan_object(pf.text, geometry.value_start), "coordinates")
    coords = None
    if coords_member is not None and pf.text[coords_member.value_start] == "[":
        coords = _scan_array(pf.text, coords_member.value_start)
    if coords is None or len(coords) < 2:
        feature = pf.doc["features"][place.index]
        problem = Problem(
            pf.name,
            "geometry",
            "a Point with [lon, lat] coordinates to move",
            feature.get("geometry"),
            index=place.index,
            feature_id=place.place_id,
        )
        raise DataError([problem])
    target = coords[position]
    new = _dump(value, pf.style, "")
    return pf.text[: target.start] + new + pf.text[target.end :]


def shown(value: Any) -> str:
    """``repr(value)``, cut in the middle when long (a 400-digit number)."""
    try:
        text = repr(value)
    except (ValueError, RecursionError):  # an int beyond Python's digit limit, a deep value
        return f"<{type(value).__name__}>"
    return text if len(text) <= 60 else f"{text[:40]}...{text[-10:]} ({len(text)} characters)"
