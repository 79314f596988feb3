"""Edit place files in place: add, change or remove a place, touching only its own text.

The data files are written by hand, so an edit changes the text, not a
re-serialisation of the whole document: the key order, the indentation, the
one-line geometries and every property this module does not know about stay
as they are, and a diff shows only the change.  A small position-tracking scan
(:class:`json.JSONDecoder` ``raw_decode`` from each value's start) finds where
each feature, property and coordinate starts and ends; an edit replaces,
inserts or deletes just that span.

Every edit is checked before anything is written: the edited text is parsed,
the whole data folder is validated with the edited document in place of the
file on disk (the same checks as ``geo validate``: ids unique across files,
known kinds and countries, coordinates in range and inside the declared
country), and the file is replaced atomically only when no problem is found.
Otherwise :class:`~geo.errors.DataError` lists every problem and the file is
left byte for byte as it was.  The edited file is checked last, so a
duplicate id is reported on the edited feature, naming the other one in the
hint.

One edit at a time: an edit holds the data folder's lock (``flock`` on the
folder itself, no lock file) from reading the files until its write is done,
so two edits of different files cannot each validate the folder without the
other's change (two places given one id): the second waits, then validates
the folder as the first left it.  A value geo could not read back (a number
beyond a double, lists nested too deep) is refused before anything is
written, and the new text is read back with the loaders' strict reader
(:func:`geo.fileio.parse_json`) before it replaces the file.  A data file
that is a symbolic link stays one (the file it points to is edited) and
keeps its mode, owner and group.  A write that fails (a read-only folder, a
full disk) is a :class:`~geo.errors.GeoError`, the file as it was.  The
only files an edit removes are the temporaries that a killed edit of one of
the folder's place files left, found by their exact name.

Coordinates are degrees, EPSG:4326, GeoJSON axis order ``[lon, lat]``.

>>> from geo.edit import add_place, remove_place, set_fields
>>> path = add_place(folder, {"id": "rtc-x", "kind": "rtc", "name": "RTC X",
...                           "iso3": "AZE", "status": "planned", "source": "https://..."},
...                  lon=49.87, lat=40.41)                          # doctest: +SKIP
>>> set_fields(folder, "rtc-x", {"status": "operational", "lat": 40.4})  # doctest: +SKIP
>>> remove_place(folder, "rtc-x")  # the file is byte for byte as before  # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import json
import os
import re
import stat
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geo import locks
from geo.atlas import default_data_dir, place_files, validate
from geo.errors import DataError, GeoError, Problem, UsageError
from geo.fileio import (
    MAX_JSON_DEPTH,
    atomic_write_text,
    is_finite_number,
    parse_json,
    read_json,
    temporary_pattern,
)
from geo.schema import did_you_mean

__all__ = [
    "BORDER_POSTS_FILE",
    "GEOMETRY_FIELDS",
    "LOCK_TIMEOUT_SECONDS",
    "OFFICES_FILE",
    "add_place",
    "remove_place",
    "set_fields",
]

#: Where :func:`add_place` puts an office (any kind but ``border_post``) by default.
OFFICES_FILE = "offices.geojson"
#: Where :func:`add_place` puts a border post by default.
BORDER_POSTS_FILE = "border_posts.geojson"
#: Fields of :func:`set_fields` that move the point instead of setting a property.
GEOMETRY_FIELDS: tuple[str, ...] = ("lon", "lat")
#: How long an edit waits for another edit of the same data folder to end, seconds.
LOCK_TIMEOUT_SECONDS = 30.0

_BOM = "\ufeff"
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
class _Place:
    """One element of ``features`` and where its parts are."""

    index: int
    span: _Span
    members: list[_Member]
    properties: list[_Member] | None
    properties_span: _Span | None
    place_id: str | None


@dataclass(frozen=True)
class _Style:
    """How a file is written, so new text looks like the old."""

    newline: str
    unit: str | None  # one level of indentation; None for a file on one line
    colon: str  # between a key and its value
    ensure_ascii: bool


@dataclass(frozen=True)
class _PlaceFile:
    path: Path
    raw: bytes
    text: str  # the whole file, with its BOM if it has one
    doc: Any
    top: list[_Member]
    features: _Span | None  # the features array, when it is one
    places: list[_Place]
    style: _Style

    @property
    def name(self) -> str:
        return self.path.name


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _parse(text: str) -> Any:
    return json.loads(text.removeprefix(_BOM), parse_constant=_reject_constant)


def _read(path: Path) -> _PlaceFile:
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8")
        doc = _parse(text)
    except (OSError, ValueError) as err:
        read_json(path)  # raises a DataError that gives the line and column
        msg = f"{path.name} changed while it was being read; try again"
        raise GeoError(msg) from err
    return _layout(path, raw, text, doc)


def _layout(path: Path, raw: bytes, text: str, doc: Any) -> _PlaceFile:
    start = _skip_whitespace(text, len(_BOM) if text.startswith(_BOM) else 0)
    top = _scan_object(text, start) if isinstance(doc, dict) else []
    features_member = _last(top, "features")
    features: _Span | None = None
    places: list[_Place] = []
    if features_member is not None and isinstance(doc["features"], list):
        features = _Span(features_member.value_start, features_member.value_end)
        for index, element in enumerate(_scan_array(text, features.start)):
            places.append(_place(text, index, element, doc["features"][index]))
    return _PlaceFile(path, raw, text, doc, top, features, places, _style(text, top))


def _place(text: str, index: int, span: _Span, feature: Any) -> _Place:
    if not isinstance(feature, dict):
        return _Place(index, span, [], None, None, None)
    members = _scan_object(text, span.start)
    props_member = _last(members, "properties")
    props = feature.get("properties")
    if props_member is None or not isinstance(props, dict):
        return _Place(index, span, members, None, None, None)
    raw_id = props.get("id")
    return _Place(
        index,
        span,
        members,
        _scan_object(text, props_member.value_start),
        _Span(props_member.value_start, props_member.value_end),
        raw_id if isinstance(raw_id, str) else None,
    )


def _style(text: str, top: list[_Member]) -> _Style:
    newline = "\r\n" if "\r\n" in text else "\n"
    unit: str | None = None
    colon = ": "
    if top:
        colon = text[top[0].key_end : top[0].value_start]
        unit = _line_indent(text, top[0].key_start) or None
    if unit is None and "\n" in text.strip(_WHITESPACE + _BOM):
        unit = "  "
    # A file of ASCII only stays ASCII (new text goes in as \u escapes): the rule must
    # not depend on whether an escape happens to be in the file, or setting a value
    # and setting it back would not give the same bytes.
    ensure_ascii = text.removeprefix(_BOM).isascii()
    return _Style(newline, unit, colon, ensure_ascii)


# -- writing values in the file's style ------------------------------------------------


def _dump(value: Any, style: _Style, indent: str, *, inline: bool = False) -> str:
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
            f"Got {_shown(value)}; a value must be JSON: a string, a finite number, true, false, "
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


def _same_json(a: Any, b: Any) -> bool:
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


def _fill_empty(text: str, style: _Style, span: _Span, item: str, item_indent: str) -> str:
    """``text`` with the empty container at ``span`` holding ``item`` alone."""
    if style.unit is None:
        inner = item
    else:
        close_indent = _indent_of_line(text, span.start)
        inner = style.newline + item_indent + item + style.newline + close_indent
    return text[: span.start + 1] + inner + text[span.end - 1 :]


def _item_indent(text: str, style: _Style, container_start: int, first_item: int | None) -> str:
    """The indentation of an item in a container: as its first item, else one level deeper."""
    if first_item is not None:
        found = _line_indent(text, first_item)
        if found is not None:
            return found
    return _indent_of_line(text, container_start) + (style.unit or "")


# -- edits of the text -----------------------------------------------------------------


def _insert_feature(pf: _PlaceFile, properties: dict[str, Any], lon: Any, lat: Any) -> str:
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
    pf: _PlaceFile, properties: dict[str, Any], lon: Any, lat: Any, indent: str
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


def _ordered_like_file(pf: _PlaceFile, properties: Mapping[str, Any]) -> dict[str, Any]:
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


def _delete_feature(pf: _PlaceFile, place: _Place) -> str:
    text, places = pf.text, pf.places
    if pf.features is None:  # pragma: no cover - a place was found, so there are features
        raise GeoError(f"{pf.name}: no features array")
    if len(places) == 1:
        return text[: pf.features.start + 1] + text[pf.features.end - 1 :]
    if place.index == 0:
        return text[: place.span.start] + text[places[1].span.start :]
    return text[: places[place.index - 1].span.end] + text[place.span.end :]


def _set_property(pf: _PlaceFile, place: _Place, key: str, value: Any) -> str:
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


def _set_coordinate(pf: _PlaceFile, place: _Place, axis: str, value: Any) -> str:
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
    target = coords[GEOMETRY_FIELDS.index(axis)]
    new = _dump(value, pf.style, "")
    return pf.text[: target.start] + new + pf.text[target.end :]


# -- finding places, checking and writing ----------------------------------------------


def _folder(data_dir: str | os.PathLike[str] | None) -> Path:
    return Path(data_dir) if data_dir is not None else default_data_dir(to_edit=True)


def _find(folder: Path, place_id: str) -> tuple[_PlaceFile, _Place]:
    found: list[tuple[_PlaceFile, _Place]] = []
    ids: list[str] = []
    for path in place_files(folder):
        pf = _read(path)
        for place in pf.places:
            if place.place_id is not None:
                ids.append(place.place_id)
                if place.place_id == place_id:
                    found.append((pf, place))
    if not found:
        hint = did_you_mean(place_id, ids, cutoff=0.5) or f"{len(ids)} places are in {folder}"
        msg = f"Got id={place_id!r}; no place in {folder} has this id ({hint})"
        raise UsageError(msg)
    if len(found) > 1:
        where = ", ".join(f"{pf.name} feature #{p.index}" for pf, p in found)
        msg = f"Got id={place_id!r}; it is used by {len(found)} places ({where}): fix that by hand"
        raise UsageError(msg)
    return found[0]


def _check_degrees(name: str, value: Any) -> None:
    # The range is checked by validation, which names the file, the feature and the field.
    if not is_finite_number(value):
        msg = f"Got {name}={value!r}; `{name}` must be a finite number of degrees (EPSG:4326)"
        raise UsageError(msg)


def _check_value(field: str, value: Any) -> None:
    """Refuse a value that would be written as JSON geo cannot read back.

    Every number must fit in a double, as :func:`geo.fileio.read_json` asks
    (a 400-digit integer is valid JSON, but no file holding it loads), and
    every key of an object must be text.  Nesting and text are checked on the
    edited document (:func:`geo.fileio.parse_json`), which names the field.
    """
    todo: list[tuple[Any, int]] = [(value, 1)]
    while todo:
        item, depth = todo.pop()
        if isinstance(item, dict | list | tuple) and depth > MAX_JSON_DEPTH:
            msg = (
                f"Got {field}={_shown(value)}; lists and objects nested more than "
                f"{MAX_JSON_DEPTH} levels deep cannot be read back (a data file nests at "
                f"most {MAX_JSON_DEPTH} levels in all)"
            )
            raise UsageError(msg)
        if isinstance(item, dict):
            bad = [k for k in item if not isinstance(k, str)]
            if bad:
                msg = (
                    f"Got {field}={_shown(value)}; the keys of an object must be text, "
                    f"not {_shown(bad[0])}"
                )
                raise UsageError(msg)
            todo.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list | tuple):
            todo.extend((child, depth + 1) for child in item)
        elif isinstance(item, int) and not isinstance(item, bool) and not is_finite_number(item):
            # (NaN and infinities are not JSON at all: _dump refuses them)
            msg = (
                f"Got {field}={_shown(value)}; a number must fit in a double (at most about "
                "1.8e308), or geo cannot read the file back: write it as text instead"
            )
            raise UsageError(msg)


def _shown(value: Any) -> str:
    """``repr(value)``, cut in the middle when long (a 400-digit number)."""
    try:
        text = repr(value)
    except (ValueError, RecursionError):  # an int beyond Python's digit limit, a deep value
        return f"<{type(value).__name__}>"
    return text if len(text) <= 60 else f"{text[:40]}...{text[-10:]} ({len(text)} characters)"


def _check_and_write(folder: Path, pf: _PlaceFile, new_text: str, expected: Any) -> Path:
    """Validate the folder with ``new_text`` in place of ``pf``, then write it atomically.

    The caller holds the folder's lock (:func:`_edit_lock`) from reading the
    files to here, so the folder validated is the folder the edit writes into.
    The new text is read back with the loaders' strict reader first: what
    geo could not load is never written.
    """
    new_doc = parse_json(new_text.removeprefix(_BOM), pf.name)
    if new_doc != expected:  # pragma: no cover - a guard against a wrong span
        raise GeoError(f"{pf.name}: the edit did not give the expected document; nothing written")
    problems = validate(folder, replace={pf.name: new_doc})
    if problems:
        raise DataError(problems)
    if new_text != pf.text:
        try:
            if pf.path.read_bytes() != pf.raw:
                msg = f"{pf.name} changed on disk during the edit; nothing written, try again"
                raise GeoError(msg)
            _sweep_temporaries(folder)
            atomic_write_text(pf.path, new_text, follow_symlinks=True)
        except OSError as err:
            msg = (
                f"could not write {pf.path}: {err.strerror or err}; "
                "nothing written, the file is as it was"
            )
            raise GeoError(msg) from err
    return pf.path


@contextlib.contextmanager
def _edit_lock(folder: Path) -> Iterator[None]:
    """Hold the data folder's lock: one edit at a time reads, checks and writes a folder.

    Edits of different files of one folder wait for each other too: each
    validates the whole folder as it will be, which another edit must not
    change meanwhile.  The lock file stands for the folder but lives outside
    it (:func:`geo.locks.holding_folder`), so no lock file is added to the
    data, and the system releases it when the process ends, killed or not.
    An edit that waits more than :data:`LOCK_TIMEOUT_SECONDS` gives up with a
    :class:`~geo.errors.GeoError`.
    """
    if not folder.is_dir():
        problem = Problem(str(folder), "(folder)", "an existing data folder", str(folder))
        raise DataError([problem])
    held = contextlib.ExitStack()
    try:
        held.enter_context(locks.holding_folder(folder, timeout=LOCK_TIMEOUT_SECONDS))
    except locks.Busy:
        msg = (
            f"another edit of {folder} did not end within "
            f"{LOCK_TIMEOUT_SECONDS:g} s; nothing written, try again"
        )
        raise GeoError(msg) from None
    except OSError as err:
        raise GeoError(f"cannot lock the data folder {folder}: {err.strerror or err}") from err
    with held:
        yield


def _sweep_temporaries(folder: Path) -> None:
    """Remove what an edit killed mid-write left: the temporaries of its place files, by name.

    Only regular files named as :func:`geo.fileio.atomic_write_bytes` names the
    temporaries of a place file of the folder (``.offices.geojson.<8
    characters>.tmp``) are removed; a user's ``.notes.tmp`` stays.  The caller
    holds the folder's lock, so no edit is writing one.
    """
    patterns = [temporary_pattern(path.name) for path in place_files(folder)]
    for candidate in folder.iterdir():
        if not any(p.fullmatch(candidate.name) for p in patterns):
            continue
        with contextlib.suppress(OSError):
            if stat.S_ISREG(candidate.lstat().st_mode):
                candidate.unlink()


# -- public API --------------------------------------------------------------------------


def add_place(
    data_dir: str | os.PathLike[str] | None,
    properties: Mapping[str, Any],
    *,
    lon: float,
    lat: float,
    file: str | None = None,
) -> Path:
    """Add a place as the last feature of a place file, validated before it is written.

    The new feature is written in the file's own style: its indentation, its
    key order (``type``, ``properties``, ``geometry`` as the file has them),
    and the geometry on one line when the file's geometries are.  Its
    properties follow the key order of the file's last place of the same
    kind; properties that place does not have come last, in the given order.
    :func:`remove_place` on the new id gives back the file byte for byte.

    Parameters
    ----------
    data_dir : path or None
        The data folder (``None``: :func:`geo.default_data_dir`).
    properties : mapping of str to Any
        The place's properties: ``id``, ``kind``, ``name``, ``status``,
        ``source``, and ``iso3`` for an office or ``side_a_iso3``,
        ``side_a_name``, ``side_b_iso3``, ``side_b_name`` for a border post
        (see :mod:`geo.schema`); any other JSON value is kept as given.
    lon, lat : float
        The point, degrees, EPSG:4326; ``lon`` in [-180, 180], ``lat`` in [-90, 90].
    file : str, optional
        Name of an existing place file in ``data_dir``.  Default
        ``border_posts.geojson`` for ``kind='border_post'``, else ``offices.geojson``.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    UsageError
        If ``file`` is not a place file of the folder, ``lon`` or ``lat`` is not
        a finite number, or a value is not JSON geo can read back (a number
        beyond a double, nesting too deep); the message names the field.
    DataError
        If the folder would hold any problem with the new place (a duplicate
        id, an unknown kind or country, a point out of range or outside its
        country...) or already holds one; nothing is written.
    GeoError
        If the file cannot be written (a read-only folder, a full disk) or
        another edit of the folder holds it too long; nothing is written.
    """
    folder = _folder(data_dir)
    _check_degrees("lon", lon)
    _check_degrees("lat", lat)
    for key, value in properties.items():
        _check_value(key, value)
    name = file or (BORDER_POSTS_FILE if properties.get("kind") == "border_post" else OFFICES_FILE)
    with _edit_lock(folder):
        return _add(folder, properties, lon, lat, name)


def _add(folder: Path, properties: Mapping[str, Any], lon: Any, lat: Any, name: str) -> Path:
    files = {p.name: p for p in place_files(folder)}
    if name not in files:
        msg = (
            f"Got file={name!r}; `file` must be one of the place files in {folder}: "
            f"{sorted(files)} (to start a new one, write "
            '{"type": "FeatureCollection", "features": []} to it first)'
        )
        raise UsageError(msg)
    pf = _read(files[name])
    ordered = _ordered_like_file(pf, properties)
    new_text = _insert_feature(pf, ordered, lon, lat)
    expected = copy.deepcopy(pf.doc)
    expected["features"].append(
        {
            "type": "Feature",
            "properties": ordered,
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
        }
    )
    return _check_and_write(folder, pf, new_text, expected)


def set_fields(
    data_dir: str | os.PathLike[str] | None, place_id: str, values: Mapping[str, Any]
) -> Path:
    """Set properties of a place, or move it, changing only those values in the file.

    An existing property keeps its position and only its value is rewritten;
    a new property is added as the last one, in the file's style.  Setting a
    property to the value it has leaves its text untouched, so setting the
    old value back after a change gives back the file byte for byte.

    Parameters
    ----------
    data_dir : path or None
        The data folder (``None``: :func:`geo.default_data_dir`).
    place_id : str
        The ``id`` of the place.
    values : mapping of str to Any
        Property name -> new JSON value, applied in order.  The names ``lon``
        and ``lat`` move the point instead (degrees, EPSG:4326): they rewrite
        ``geometry.coordinates[0]`` and ``[1]``, never a property.  Setting
        ``id`` renames the place.  ``None`` writes ``null`` (it does not
        delete the property).

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    UsageError
        If no place (or more than one) has ``place_id`` (the message lists the
        closest ids), ``values`` is empty, ``lon``/``lat`` is not a finite
        number, or a value is not JSON geo can read back (a number beyond a
        double, nesting too deep); the message names the field.
    DataError
        If the folder would hold any problem (an id used twice, an unknown
        kind, a point out of range or outside its country...); nothing is written.
    GeoError
        If the file cannot be written (a read-only folder, a full disk) or
        another edit of the folder holds it too long; nothing is written.
    """
    if not values:
        raise UsageError("Got values={}; give at least one field to set")
    for key, value in values.items():
        if key in GEOMETRY_FIELDS:
            _check_degrees(key, value)
        else:
            _check_value(key, value)
    folder = _folder(data_dir)
    with _edit_lock(folder):
        return _set(folder, place_id, values)


def _set(folder: Path, place_id: str, values: Mapping[str, Any]) -> Path:
    pf, place = _find(folder, place_id)
    original = pf
    expected = copy.deepcopy(pf.doc)
    feature = expected["features"][place.index]
    for key, value in values.items():
        if key in GEOMETRY_FIELDS:
            text = _set_coordinate(pf, place, key, value)
            feature["geometry"]["coordinates"][GEOMETRY_FIELDS.index(key)] = value
        elif key in feature["properties"] and _same_json(feature["properties"][key], value):
            continue
        else:
            text = _set_property(pf, place, key, value)
            feature["properties"][key] = value
        pf = _layout(pf.path, pf.raw, text, _parse(text))
        place = pf.places[place.index]
    return _check_and_write(folder, original, pf.text, expected)


def remove_place(data_dir: str | os.PathLike[str] | None, place_id: str) -> Path:
    """Remove a place: its feature, one separating comma and its line(s), nothing else.

    The file looks as if the place had never been there: removing a place
    that :func:`add_place` added gives back the file byte for byte.

    Parameters
    ----------
    data_dir : path or None
        The data folder (``None``: :func:`geo.default_data_dir`).
    place_id : str
        The ``id`` of the place.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    UsageError
        If no place (or more than one) has ``place_id``; the message lists the closest ids.
    DataError
        If the folder, without the place, would still hold a problem; nothing is written.
    GeoError
        If the file cannot be written (a read-only folder, a full disk) or
        another edit of the folder holds it too long; nothing is written.
    """
    folder = _folder(data_dir)
    with _edit_lock(folder):
        pf, place = _find(folder, place_id)
        expected = copy.deepcopy(pf.doc)
        del expected["features"][place.index]
        return _check_and_write(folder, pf, _delete_feature(pf, place), expected)
