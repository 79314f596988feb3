"""Edit place files in place: add, change or remove a place, touching only its own text.

The data files are written by hand, so an edit changes the text, not a
re-serialisation of the whole document: the key order, the indentation, the
one-line geometries and every property this module does not know about stay
as they are, and a diff shows only the change.  :mod:`geo.jsontext` finds
where each feature, property and coordinate starts and ends; an edit replaces,
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
import os
import stat
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from geo import jsontext, locks
from geo.atlas import default_data_dir, place_files, validate
from geo.errors import DataError, GeoError, Problem, UsageError
from geo.fileio import (
    MAX_JSON_DEPTH,
    atomic_write_text,
    is_finite_number,
    parse_json,
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

# -- finding places, checking and writing ----------------------------------------------


def _folder(data_dir: str | os.PathLike[str] | None) -> Path:
    return Path(data_dir) if data_dir is not None else default_data_dir(to_edit=True)


def _find(folder: Path, place_id: str) -> tuple[jsontext.PlaceFile, jsontext.Place]:
    found: list[tuple[jsontext.PlaceFile, jsontext.Place]] = []
    ids: list[str] = []
    for path in place_files(folder):
        pf = jsontext.read(path)
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
                f"Got {field}={jsontext.shown(value)}; lists and objects nested more than "
                f"{MAX_JSON_DEPTH} levels deep cannot be read back (a data file nests at "
                f"most {MAX_JSON_DEPTH} levels in all)"
            )
            raise UsageError(msg)
        if isinstance(item, dict):
            bad = [k for k in item if not isinstance(k, str)]
            if bad:
                msg = (
                    f"Got {field}={jsontext.shown(value)}; the keys of an object must be text, "
                    f"not {jsontext.shown(bad[0])}"
                )
                raise UsageError(msg)
            todo.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list | tuple):
            todo.extend((child, depth + 1) for child in item)
        elif isinstance(item, int) and not isinstance(item, bool) and not is_finite_number(item):
            # (NaN and infinities are not JSON at all: geo.jsontext refuses them)
            msg = (
                f"Got {field}={jsontext.shown(value)}; a number must fit in a double "
                "(at most about 1.8e308), or geo cannot read the file back: "
                "write it as text instead"
            )
            raise UsageError(msg)


def _check_and_write(folder: Path, pf: jsontext.PlaceFile, new_text: str, expected: Any) -> Path:
    """Validate the folder with ``new_text`` in place of ``pf``, then write it atomically.

    The caller holds the folder's lock (:func:`_edit_lock`) from reading the
    files to here, so the folder validated is the folder the edit writes into.
    The new text is read back with the loaders' strict reader first: what
    geo could not load is never written.
    """
    new_doc = parse_json(new_text.removeprefix(jsontext.BOM), pf.name)
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
    pf = jsontext.read(files[name])
    ordered = jsontext.ordered_like_file(pf, properties)
    new_text = jsontext.insert_feature(pf, ordered, lon, lat)
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
            text = jsontext.set_coordinate(pf, place, GEOMETRY_FIELDS.index(key), value)
            feature["geometry"]["coordinates"][GEOMETRY_FIELDS.index(key)] = value
        elif key in feature["properties"] and jsontext.same_json(feature["properties"][key], value):
            continue
        else:
            text = jsontext.set_property(pf, place, key, value)
            feature["properties"][key] = value
        pf = jsontext.layout(pf.path, pf.raw, text, jsontext.parse(text))
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
        return _check_and_write(folder, pf, jsontext.delete_feature(pf, place), expected)
