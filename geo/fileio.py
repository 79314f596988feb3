"""Reading and writing files: bounded, strict reads with precise errors, atomic writes.

Nothing here knows what a place is; :mod:`geo.validate` checks contents.

Limits
------
Every file geo reads as data (place files, reference tables) is read whole, so
its size is bounded: :data:`DEFAULT_MAX_FILE_MB` megabytes unless the
environment variable ``GEO_MAX_FILE_MB`` says otherwise.  JSON may nest at most
:data:`MAX_JSON_DEPTH` levels, may not repeat a key in an object, and may only
hold numbers that a double can (no ``NaN``, ``Infinity``, ``1e400`` or
400-digit integers).  Each breach is a :class:`geo.DataError` naming the file
(and the line and column where that helps), never a crash.
"""

from __future__ import annotations

import contextlib
import csv
import errno
import io
import json
import math
import os
import re
import secrets
import stat
from pathlib import Path
from typing import Any

from geo import settings
from geo.errors import DataError, Problem

__all__ = [
    "DEFAULT_MAX_FILE_MB",
    "MAX_JSON_DEPTH",
    "atomic_write_bytes",
    "atomic_write_text",
    "check_structure",
    "excerpt",
    "is_finite_number",
    "max_file_bytes",
    "parse_json",
    "read_csv_rows",
    "read_data_bytes",
    "read_json",
    "temporary_pattern",
]

#: Largest data file read, in MB (10**6 bytes), unless ``$GEO_MAX_FILE_MB`` is set.
DEFAULT_MAX_FILE_MB = int(settings.MAX_FILE_MB.default)
#: Deepest nesting of arrays and objects a JSON data file may have.
MAX_JSON_DEPTH = 32


def max_file_bytes() -> int:
    """The size limit of a data file, bytes: ``$GEO_MAX_FILE_MB`` MB, else the default.

    Raises
    ------
    DataError
        If ``GEO_MAX_FILE_MB`` is set to something that is not a positive number.
    """
    value = settings.MAX_FILE_MB.get()
    return int(value * 1_000_000)


def read_data_bytes(path: Path, *, label: str | None = None) -> bytes:
    """The bytes of a data file, refusing what is not a regular file of bounded size.

    Raises
    ------
    DataError
        If the path is missing, a folder, a device or pipe (``/dev/zero``),
        unreadable, or larger than :func:`max_file_bytes`.
    """
    name = label or path.name
    limit = max_file_bytes()

    def fail(expected: str, value: Any, hint: str | None = None) -> DataError:
        return DataError([Problem(name, "(file)", expected, value, hint=hint)])

    try:
        info = path.stat()
    except FileNotFoundError as err:
        raise fail("an existing file", str(path)) from err
    except OSError as err:
        raise fail("a readable file", f"{path}: {err.strerror}") from err
    if stat.S_ISDIR(info.st_mode):
        raise fail("a file, not a folder", str(path))
    if not stat.S_ISREG(info.st_mode):
        raise fail("a regular file (not a device, pipe or socket)", str(path))
    too_big = (f"a file of at most {limit:,} bytes", "set GEO_MAX_FILE_MB to raise the limit")
    if info.st_size > limit:
        raise fail(too_big[0], f"{info.st_size:,} bytes", too_big[1])
    try:
        with path.open("rb") as handle:
            # read() allocates what it is asked for: the file's size, not the limit
            data = handle.read(min(limit, info.st_size) + 1)
            while len(data) <= limit:  # it grew since stat(): read on, up to the limit
                more = handle.read(min(limit + 1 - len(data), 1 << 20))
                if not more:
                    break
                data += more
    except OSError as err:
        raise fail("a readable file", f"{path}: {err.strerror}") from err
    if len(data) > limit:  # it grew while being read
        raise fail(too_big[0], f"more than {limit:,} bytes", too_big[1])
    return data


def _decode(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        column = err.start - (data.rfind(b"\n", 0, err.start) + 1) + 1
        problem = Problem(
            name,
            "(file)",
            "UTF-8 text",
            f"byte {err.start}: {err.reason}",
            line=line,
            column=column,
            hint="save the file as UTF-8",
        )
        raise DataError([problem]) from err


class _Duplicates:
    """Counts the objects that repeat a key while ``json.loads`` builds them."""

    def __init__(self) -> None:
        self.found = 0

    def __call__(self, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result = dict(pairs)
        if len(result) != len(pairs):
            self.found += 1
        return result


class _BadNumber(ValueError):
    """A number JSON text may hold but geo cannot: what was found and what is expected."""

    def __init__(self, found: str, expected: str) -> None:
        super().__init__(found)
        self.expected = expected


def _reject_constant(name: str) -> Any:
    # json accepts NaN and Infinity by default; RFC 8259 does not.
    raise _BadNumber(f"{name} is not valid JSON", "valid JSON (no NaN or Infinity)")


def _too_large(text: str) -> _BadNumber:
    return _BadNumber(
        f"the number {_clip(text)} is too large for a double", "numbers a double can hold"
    )


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _too_large(text)
    return value


def _bounded_int(text: str) -> int:
    try:
        value = int(text)
        float(value)
    except (OverflowError, ValueError):  # beyond a double, or Python's digit limit
        raise _too_large(text) from None
    return value


def _clip(text: str) -> str:
    return text if len(text) <= 24 else f"{text[:20]}... ({len(text)} characters)"


def read_json(path: Path, *, label: str | None = None, data: bytes | None = None) -> Any:
    """Parse a JSON data file strictly (see the module's limits).

    Parameters
    ----------
    path : Path
        The file to read (UTF-8, an optional BOM is accepted).
    label : str, optional
        Name used in error messages (default: the file name).
    data : bytes, optional
        The file's bytes, when the caller has read them (with
        :func:`read_data_bytes`): the file is not read again.

    Returns
    -------
    Any
        The parsed document.

    Raises
    ------
    DataError
        If the file cannot be read (see :func:`read_data_bytes`), is not UTF-8,
        or is not valid JSON within the limits: a syntax error gives its line
        and column and shows the line with a caret; every repeated key is
        listed with its line and column.
    """
    name = label or path.name
    raw = read_data_bytes(path, label=name) if data is None else data
    return parse_json(_decode(raw, name), name)


def parse_json(text: str, name: str) -> Any:
    """Parse JSON text strictly, as :func:`read_json` does; ``name`` is used in errors."""
    duplicates = _Duplicates()
    try:
        document = json.loads(
            text,
            parse_constant=_reject_constant,
            parse_float=_finite_float,
            parse_int=_bounded_int,
            object_pairs_hook=duplicates,
        )
    except json.JSONDecodeError as err:
        problem = Problem(
            name,
            "(json)",
            "valid JSON",
            err.msg,
            line=err.lineno,
            column=err.colno,
            excerpt=excerpt(text, err.pos),
        )
        raise DataError([problem]) from err
    except RecursionError as err:
        expected = f"JSON nested at most {MAX_JSON_DEPTH} levels deep"
        problem = Problem(name, "(json)", expected, "nesting too deep to parse")
        raise DataError([problem]) from err
    except _BadNumber as err:
        raise DataError([Problem(name, "(json)", err.expected, str(err))]) from err
    problems = check_structure(document, name)
    if duplicates.found:
        problems += _duplicate_key_problems(text, document, name)
    if problems:
        raise DataError(problems)
    return document


def excerpt(text: str, position: int) -> str:
    """The line of ``text`` holding ``position`` and a caret under it (long lines are cut)."""
    start = text.rfind("\n", 0, position) + 1
    end = text.find("\n", position)
    line = text[start : end if end != -1 else len(text)].rstrip("\r")
    column = position - start
    if len(line) > 100:  # keep the neighbourhood of the caret
        left = max(0, min(column - 50, len(line) - 100))
        line = ("..." if left else "") + line[left : left + 100]
        column = column - left + (3 if left else 0)
    pad = "".join(c if c == "\t" else " " for c in line[:column])
    return f"{line}\n{pad}^"


_SURROGATE = re.compile("[\ud800-\udfff]")


def check_structure(document: Any, name: str) -> list[Problem]:
    """Problems of a parsed JSON document that its text cannot show: depth and lone surrogates.

    Arrays and objects may nest at most :data:`MAX_JSON_DEPTH` deep; strings
    and keys must be valid Unicode (a ``\\ud800`` escape with no partner
    decodes to a lone surrogate, which no file or table can store).  A problem
    inside ``features[i]`` of a FeatureCollection names feature ``i`` and its id.
    """
    problems: list[Problem] = []
    todo: list[tuple[Any, tuple[Any, ...]]] = [(document, ())]
    while todo:
        value, path = todo.pop()
        if isinstance(value, str):
            if _SURROGATE.search(value):
                problems.append(_problem_at(path, document, name, value, _UNICODE))
        elif isinstance(value, dict | list):
            if len(path) >= MAX_JSON_DEPTH:
                expected = f"JSON nested at most {MAX_JSON_DEPTH} levels deep"
                problems.append(
                    _problem_at(
                        path, document, name, f"more than {MAX_JSON_DEPTH} levels", expected
                    )
                )
                continue
            if isinstance(value, dict):
                for key, child in value.items():
                    if _SURROGATE.search(key):
                        problems.append(_problem_at((*path, key), document, name, key, _UNICODE))
                    todo.append((child, (*path, key)))
            else:
                todo.extend((child, (*path, i)) for i, child in enumerate(value))
    problems.sort(key=lambda p: (p.index if p.index is not None else -1, p.field))
    return problems


_UNICODE = "valid Unicode text (no lone surrogate such as '\\ud800')"


def _problem_at(
    path: tuple[Any, ...],
    document: Any,
    name: str,
    value: Any,
    expected: str,
    **extra: Any,
) -> Problem:
    """A problem at ``path`` in ``document``, naming the feature when it is inside one."""
    index = feature_id = None
    field = ".".join(str(p) for p in path) or "(json)"
    if len(path) >= 2 and path[0] == "features" and isinstance(path[1], int):
        index = path[1]
        rest = path[3:] if len(path) > 3 and path[2] == "properties" else path[2:]
        field = ".".join(str(p) for p in rest) or "(feature)"
        with contextlib.suppress(LookupError, TypeError, AttributeError):
            found = document["features"][index]["properties"]["id"]
            feature_id = found if isinstance(found, str) else None
    return Problem(name, field, expected, value, index=index, feature_id=feature_id, **extra)


_TOKEN = re.compile(r'["{}\[\],:]')


def _duplicate_key_problems(text: str, document: Any, name: str) -> list[Problem]:
    """Every repeated key of every object, with its line, column and place in the document."""
    problems: list[Problem] = []
    # one frame per open container: [keys seen or None for an array, path, index or key]
    stack: list[list[Any]] = []
    expecting_key = False
    pos = 0
    while (match := _TOKEN.search(text, pos)) is not None:
        char, at = match.group(), match.start()
        pos = match.end()
        if char == '"':
            end = _string_end(text, at)
            pos = end
            if stack and stack[-1][0] is not None and expecting_key:
                key = json.loads(text[at:end])
                frame = stack[-1]
                frame[2] = key
                if key in frame[0]:
                    problems.append(_duplicate(text, at, key, [*frame[1], key], document, name))
                frame[0].add(key)
                expecting_key = False
        elif char in "{[":
            path = [*stack[-1][1], stack[-1][2]] if stack else []
            stack.append([set() if char == "{" else None, path, None if char == "{" else 0])
            expecting_key = char == "{"
        elif char in "}]":
            if stack:
                stack.pop()
        elif char == ",":
            if stack and stack[-1][0] is None:
                stack[-1][2] += 1
            expecting_key = bool(stack) and stack[-1][0] is not None
    return problems


def _string_end(text: str, start: int) -> int:
    """Index just past the closing quote of the JSON string opening at ``start``."""
    at = start + 1
    while True:
        at = text.index('"', at)
        before = at - 1
        while text[before] == "\\":
            before -= 1
        if (at - 1 - before) % 2 == 0:  # an even run of backslashes escapes nothing
            return at + 1
        at += 1


def _duplicate(text: str, at: int, key: str, path: list[Any], document: Any, name: str) -> Problem:
    line = text.count("\n", 0, at) + 1
    column = at - (text.rfind("\n", 0, at) + 1) + 1
    return _problem_at(
        tuple(path),
        document,
        name,
        f"key {key!r} repeated",
        "each key at most once in an object",
        hint="a repeated key silently replaces the earlier value; keep one",
        line=line,
        column=column,
    )


def read_csv_rows(
    path: Path, *, required: tuple[str, ...], data: bytes | None = None
) -> list[tuple[int, dict[str, str]]]:
    """Read a UTF-8 CSV data file with a header row: ``(line, row)`` pairs, a row a dict.

    ``line`` is the 1-based line of the file where the row starts (a quoted
    cell may span lines; blank lines are skipped).  Every row must have as
    many cells as the header.  ``data``, when given, is the file's bytes
    already read (with :func:`read_data_bytes`).

    Raises
    ------
    DataError
        If the file cannot be read (see :func:`read_data_bytes`), is not UTF-8,
        lacks one of the ``required`` columns, or has rows of the wrong length
        (each such row is listed with its line).
    """
    text = _decode(read_data_bytes(path) if data is None else data, path.name)
    try:
        reader = csv.reader(io.StringIO(text, newline=""))
        table = list(reader)
    except csv.Error as err:
        problem = Problem(path.name, "(csv)", "valid CSV", str(err))
        raise DataError([problem]) from err
    columns = table[0] if table else []
    missing = [c for c in required if c not in columns]
    if missing:
        problem = Problem(path.name, "(header)", f"columns {list(required)}", columns)
        raise DataError([problem])
    rows: list[tuple[int, dict[str, str]]] = []
    problems: list[Problem] = []
    end = 1 + sum(cell.count("\n") for cell in columns)  # the line the header ends on
    for cells in table[1:]:
        start = end + 1
        end = start + sum(cell.count("\n") for cell in cells)
        if not cells:
            continue  # a blank line
        if len(cells) != len(columns):
            expected = f"{len(columns)} cells, as in the header"
            problems.append(Problem(f"{path.name}:{start}", "(row)", expected, cells))
            continue
        rows.append((start, dict(zip(columns, cells, strict=True))))
    if problems:
        raise DataError(problems)
    return rows


#: The random part of a temporary's name: as :func:`tempfile.mkstemp` makes it.
_TEMPORARY_LETTERS = "abcdefghijklmnopqrstuvwxyz0123456789_"
_TEMPORARY_RANDOM = 8


def temporary_pattern(name: str) -> re.Pattern[str]:
    """Names of the temporaries :func:`atomic_write_bytes` makes while it writes ``name``.

    A temporary is ``.<name>.<8 random characters>.tmp`` in the folder of the
    file written; match a candidate with ``fullmatch``.  A tool removing what a
    killed write left removes only these, never a ``.notes.tmp`` of the user.

    >>> bool(temporary_pattern("offices.geojson").fullmatch(".offices.geojson.k1ll3d_x.tmp"))
    True
    >>> bool(temporary_pattern("offices.geojson").fullmatch(".notes.tmp"))
    False
    """
    letters = re.escape(_TEMPORARY_LETTERS)
    return re.compile(rf"\.{re.escape(name)}\.[{letters}]{{{_TEMPORARY_RANDOM}}}\.tmp")


def _create_temporary(target: Path, mode: int) -> tuple[int, Path]:
    """Create and open a new temporary beside ``target`` (see :func:`temporary_pattern`).

    ``mode`` is masked by the umask, as for any new file.
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    flags |= getattr(os, "O_BINARY", 0) | getattr(os, "O_NOFOLLOW", 0)
    for _ in range(100):
        random = "".join(secrets.choice(_TEMPORARY_LETTERS) for _ in range(_TEMPORARY_RANDOM))
        tmp = target.with_name(f".{target.name}.{random}.tmp")
        try:
            return os.open(tmp, flags, mode), tmp
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free name for a temporary file", str(target.parent))


def _existing_file(path: Path) -> os.stat_result | None:
    """The status of ``path`` when it is a regular file (not a link, folder...), else ``None``."""
    try:
        info = path.lstat()
    except FileNotFoundError:
        return None
    return info if stat.S_ISREG(info.st_mode) else None


def atomic_write_bytes(path: Path, data: bytes, *, follow_symlinks: bool = False) -> None:
    """Write ``data`` to ``path`` so that readers see the old or the new file, never a part.

    The bytes go to a temporary file in the same folder (named as
    :func:`temporary_pattern` says), are flushed to disk, and the file is
    renamed over ``path``; on any failure the temporary is removed and
    ``path`` is as it was.

    A file that exists keeps its mode (a 0600 file stays 0600) and, where the
    system allows, its owner and group; a file that is not writable (mode
    0444) is refused as :func:`open` would refuse it.  A new file gets the
    mode the umask gives (0644 under the usual umask 022).

    Parameters
    ----------
    path : Path
        The file to write; missing parent folders are made.
    data : bytes
        Its new content.
    follow_symlinks : bool, default False
        When ``path`` is a symbolic link, write the file it points to (the
        link stays a link), as an edit of a linked data file must.  By
        default the link itself is replaced by the new file: a link planted
        where geo writes its own files cannot redirect the write elsewhere.

    Raises
    ------
    OSError
        If the folder is not writable, the disk is full, ``path`` is a
        folder or a read-only file...: nothing is changed.
    """
    target = Path(os.path.realpath(path)) if follow_symlinks and path.is_symlink() else path
    target.parent.mkdir(parents=True, exist_ok=True)
    old = _existing_file(target)
    if old is not None and not os.access(target, os.W_OK):
        code = errno.EROFS if _read_only_file_system(target.parent) else errno.EACCES
        raise OSError(code, os.strerror(code), str(target))
    fd, tmp = _create_temporary(target, 0o600 if old is not None else 0o666)
    try:
        try:
            if old is not None:
                _keep_owner_and_mode(fd, old)
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _read_only_file_system(folder: Path) -> bool:
    """Whether ``folder`` is on a file system mounted read-only (where the system tells)."""
    try:
        return bool(os.statvfs(folder).f_flag & getattr(os, "ST_RDONLY", 0))
    except (OSError, AttributeError):  # no statvfs on Windows
        return False


def _keep_owner_and_mode(fd: int, old: os.stat_result) -> None:
    """Give the open file ``fd`` the owner, group and mode of ``old`` (owner where allowed)."""
    if hasattr(os, "fchown") and (old.st_uid, old.st_gid) != _owner(fd):
        with contextlib.suppress(OSError):  # only root may give a file away
            os.fchown(fd, old.st_uid, old.st_gid)
    if hasattr(os, "fchmod"):
        os.fchmod(fd, stat.S_IMODE(old.st_mode))  # after chown, which may clear set-id bits


def _owner(fd: int) -> tuple[int, int]:
    info = os.fstat(fd)
    return info.st_uid, info.st_gid


def atomic_write_text(path: Path, text: str, *, follow_symlinks: bool = False) -> None:
    """Write UTF-8 ``text`` atomically (see :func:`atomic_write_bytes`)."""
    atomic_write_bytes(path, text.encode("utf-8"), follow_symlinks=follow_symlinks)


def is_finite_number(value: Any) -> bool:
    """True for an int or float that is neither NaN nor infinite (bools excluded)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:  # an int too large for a double
        return False
