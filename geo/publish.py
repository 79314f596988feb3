"""Publish a set of files into an output folder: locked, all or nothing, recoverable.

What a reader of the folder is promised
---------------------------------------
- **Per file**: every file is whole, the old bytes or the new ones, never a part
  (each is written to a temporary file, flushed to disk, and renamed).
- **Per folder**: the files of one publication appear together.  They are first
  written to a staging folder (``.geo-stage/``); then a journal
  (``.geo-build.journal``) naming every file and the SHA-256 of its bytes is
  written atomically, and only then are the staged files renamed into place.
  A process killed before the journal exists leaves the folder as it was (the
  staging folder is swept by the next publication); a process killed after it
  leaves a journal, and the next publication into the folder first completes
  the interrupted one and logs that it did.  The renames themselves take
  microseconds, so a reader sees a mix of versions only inside that window.
- **Only its own folder**: a journal found in the folder is not trusted.  It is
  followed only when every name in it stays inside the folder (relative, no
  ``..``, no symbolic link on the way), every staged file is a regular file of
  ``.geo-stage/`` with the recorded bytes, and no target is where the build may
  not write (:mod:`geo.targets`); any other journal is removed with a warning.
  Names in the manifest are checked alike.  What is removed is removed by
  name (the staging folder), never by pattern: temporary files of the
  journal and manifest are written inside the staging folder.
- **One writer**: a lock file (``.geo-build.lock``, :mod:`geo.locks`) stops a
  second publication into the same folder at the same time, with a clear error.

A publication may also remove files: only outputs that an earlier publication
wrote, each only while it still has the bytes the journal records (a file
changed by hand is left alone), with the folders they leave empty.

The manifest (``.geo-build.json``) records, for each output, the key of the
inputs it was made from and the hash of its bytes (so an unchanged output is
not written again), the input files of the data folder that were used (so
a build that would silently lose one can refuse), and the languages of the
maps with where they came from (so a later build without ``--lang`` builds
the same ones).  Like the journal, it is not trusted: a name that is not a
:func:`safe_name` or languages geo does not speak are ignored with a warning.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import logging
import os
import re
import shutil
import stat
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from geo import locks
from geo.errors import BuildLockedError, GeoError, UsageError
from geo.fileio import atomic_write_bytes, atomic_write_text
from geo.i18n import check_languages
from geo.targets import WriteRule, cannot_write, writing

__all__ = [
    "JOURNAL",
    "JOURNAL_VERSION",
    "LANGUAGE_SOURCES",
    "LOCK",
    "MANIFEST",
    "STAGE",
    "Manifest",
    "holds",
    "input_names",
    "is_current",
    "locked",
    "missing_inputs",
    "publish",
    "read_manifest",
    "recover",
    "safe_name",
]

log = logging.getLogger(__name__)

MANIFEST = ".geo-build.json"
LOCK = ".geo-build.lock"
#: The process id of the build holding the lock, for the message a second build gets.
PID = ".geo-build.pid"
JOURNAL = ".geo-build.journal"
STAGE = ".geo-stage"
#: The journal's format: it records the SHA-256 of each staged file (and, optionally,
#: of each file to remove).
JOURNAL_VERSION = 2
#: Where a folder's recorded languages came from: ``lang``, chosen on the command line
#: (or the Python ``lang=``) and differing from the data folder's settings; ``settings``,
#: the data folder's ``geo.toml`` or the default.
LANGUAGE_SOURCES = ("lang", "settings")


@dataclass(frozen=True)
class Manifest:
    """What the folder holds and what it was made from.

    Attributes
    ----------
    outputs : mapping of str to dict
        Output name (relative, ``/``-separated) -> ``{"key": ..., "sha256": ...}``.
    data_dir : str or None
        The resolved data folder the outputs were built from.
    inputs : tuple of str
        Names of the files of that data folder that the build read.
    languages : tuple of str
        The languages of the maps, the first at the folder's root; empty when
        not recorded (a folder of an older geo, or an unusable record).
    languages_from : str or None
        Where they came from, one of :data:`LANGUAGE_SOURCES`.
    unrecorded : bool
        Whether the manifest says nothing of languages (an older geo wrote it):
        its outputs then say which languages the folder holds.  Not written.
    source : str or None
        The key of everything the outputs were made from, read before any of
        it was (``geo.build.source_key``: the bytes of every input file, the
        code, the libraries' versions, the languages): a build of the same key
        finds its outputs current without loading the data.  ``None`` when
        not recorded.
    places : int or None
        The number of places in the outputs, recorded with ``source``.
    """

    outputs: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    data_dir: str | None = None
    inputs: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    languages_from: str | None = None
    unrecorded: bool = field(default=False, compare=False)
    source: str | None = None
    places: int | None = None

    def to_json(self) -> str:
        """The manifest file's text: sorted, one key per line."""
        body: dict[str, Any] = {
            "outputs": self.outputs,
            "data_dir": self.data_dir,
            "inputs": list(self.inputs),
            "languages": list(self.languages),
            "languages_from": self.languages_from,
        }
        if self.source is not None:
            body["source"] = {"key": self.source, "places": self.places}
        return json.dumps(body, indent=1, sort_keys=True) + "\n"


@contextlib.contextmanager
def locked(out: Path, rule: WriteRule | None = None) -> Iterator[None]:
    """Hold the folder's lock, creating the folder; complete an interrupted publication first.

    ``rule`` (:mod:`geo.targets`) is where the completion may not write: a
    journal naming a file there is not followed.

    Raises
    ------
    BuildLockedError
        When another process holds the lock.
    GeoError
        When the folder cannot be created (a file is in the way, no
        permission), or its lock or staging folder is not what geo makes (a
        symbolic link, a folder).
    """
    try:
        out.mkdir(parents=True, exist_ok=True)
        for name in (LOCK, PID):  # opened through a link, a lock would truncate its target
            if (out / name).is_symlink():
                raise _not_ours(out / name, "a symbolic link")
        flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
        fd = os.open(out / PID, flags, 0o644)
    except OSError as err:
        if err.errno == errno.ELOOP:
            raise _not_ours(out / PID, "a symbolic link") from err
        msg = f"cannot write to {out}: {err.strerror or err}"
        raise GeoError(msg) from err
    with os.fdopen(fd, "r+", encoding="utf-8") as handle, contextlib.ExitStack() as held:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise _not_ours(out / PID, "not a regular file")
        try:
            held.enter_context(locks.holding(out / LOCK, wait=False))
        except OSError as err:
            raise cannot_write(out / LOCK, err) from err
        except locks.Busy as err:
            handle.seek(0)
            text = handle.read(64).strip()
            holder = text if text.isascii() and text.isdigit() else "unknown"
            msg = (
                f"another geo build is writing to {out} (pid {holder}); "
                "wait for it to finish, or stop it, then build again"
            )
            raise BuildLockedError(msg) from err
        try:
            with writing(out / PID):
                handle.seek(0)
                handle.truncate()
                handle.write(str(os.getpid()))
                handle.flush()
            recover(out, rule)
            _sweep(out)
            yield
        finally:
            with contextlib.suppress(OSError):
                handle.seek(0)
                handle.truncate()


def _not_ours(path: Path, what: str) -> GeoError:
    return GeoError(
        f"cannot write to {path.parent}: {path.name} is {what}, which geo never makes "
        "there; remove it, then build again"
    )


#: The largest journal or manifest read, bytes (they name a few hundred files).
_MAX_RECORD_BYTES = 16 * 1024 * 1024


def _read_record(path: Path) -> Any:
    """The JSON of a journal or manifest: ``None`` when missing; ValueError when not one of ours.

    Only a regular file of bounded size is read (a link to ``/dev/zero`` is not).
    """
    try:
        info = path.stat()
    except FileNotFoundError:
        return None
    except OSError as err:
        raise ValueError(f"unreadable ({err.strerror or err})") from err
    if not stat.S_ISREG(info.st_mode) or info.st_size > _MAX_RECORD_BYTES:
        raise ValueError("not a regular file of a few megabytes")
    try:
        with path.open("rb") as handle:
            data = handle.read(_MAX_RECORD_BYTES + 1)
    except OSError as err:
        raise ValueError(f"unreadable ({err.strerror or err})") from err
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, RecursionError) as err:
        raise ValueError(str(err)) from err


#: An output's name: ``/``-separated parts of letters, digits, ``.``, ``_`` and ``-``, none
#: starting with a dot (so never ``..``, a hidden file, the stage or the journal).
_NAME = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,254}(/[A-Za-z0-9_-][A-Za-z0-9._-]{0,254}){0,15}")


def safe_name(name: object) -> bool:
    """Whether ``name`` may name a file of an output folder in its journal or manifest.

    Relative, ``/``-separated, every part made of ASCII letters, digits,
    ``.``, ``_`` and ``-`` and not starting with a dot: no absolute path, no
    ``..``, no backslash, no drive (``C:``), no hidden file.
    """
    return isinstance(name, str) and _NAME.fullmatch(name) is not None


def read_manifest(out: Path, *, warn: bool = True) -> Manifest:
    """The folder's manifest; an empty one when it is missing or unreadable.

    Entries whose name is not a :func:`safe_name` are dropped, and languages
    that are not a list of languages geo speaks (each once) with a source of
    :data:`LANGUAGE_SOURCES` are not taken: with a warning, unless ``warn`` is
    false (a first look, before the folder's lock is held).
    """
    try:
        data = _read_record(out / MANIFEST)
    except ValueError as err:
        if warn:
            log.warning("ignoring the %s of %s: %s", MANIFEST, out, err)
        return Manifest()
    found = _manifest(data, out, warn=warn)
    if found is None and data is not None and warn:
        log.warning("ignoring the %s of %s: not a manifest of geo", MANIFEST, out)
    return found or Manifest()


def _manifest(data: Any, out: Path, *, warn: bool = True) -> Manifest | None:
    """The manifest in a parsed document, ``None`` when it is not one."""
    if not isinstance(data, dict) or not isinstance(data.get("outputs"), dict):
        return None
    outputs = {k: v for k, v in data["outputs"].items() if isinstance(v, dict)}
    unsafe = [k for k in outputs if not safe_name(k)]
    if unsafe and warn:
        log.warning("ignoring %d entries of the %s of %s", len(unsafe), MANIFEST, out)
    inputs = data.get("inputs")
    data_dir = data.get("data_dir")
    languages, source = _recorded_languages(data, out, warn=warn)
    made_from = data.get("source")
    key = made_from.get("key") if isinstance(made_from, dict) else None
    places = made_from.get("places") if isinstance(made_from, dict) else None
    recorded = isinstance(key, str) and type(places) is int and places >= 0
    return Manifest(
        {k: v for k, v in outputs.items() if k not in unsafe},
        data_dir if isinstance(data_dir, str) else None,
        tuple(i for i in inputs if safe_name(i) and "/" not in i)
        if isinstance(inputs, list)
        else (),
        languages,
        source,
        "languages" not in data,
        key if recorded else None,
        places if recorded else None,
    )


def _recorded_languages(
    data: Mapping[str, Any], out: Path, *, warn: bool
) -> tuple[tuple[str, ...], str | None]:
    """The languages a manifest records and their source; none when they are not usable."""
    languages, source = data.get("languages"), data.get("languages_from")
    if languages is None or languages == []:  # an older geo's manifest, or a fresh folder
        return (), None
    problem = None
    if not isinstance(languages, list) or not all(
        isinstance(code, str) and code == code.strip().lower() for code in languages
    ):
        problem = "not a list of language codes"
    elif source not in LANGUAGE_SOURCES:
        problem = f"their source is not one of {list(LANGUAGE_SOURCES)}"
    else:
        try:
            return check_languages(languages), source
        except UsageError as err:
            problem = str(err)
    if warn:
        log.warning("ignoring the languages recorded in the %s of %s: %s", MANIFEST, out, problem)
    return (), None


def is_current(out: Path, name: str, key: str, manifest: Manifest) -> bool:
    """Whether output ``name`` was made from inputs of this ``key`` and is intact on disk."""
    entry = manifest.outputs.get(name)
    if entry is None or entry.get("key") != key:
        return False
    return holds(out, name, entry.get("sha256"))


def holds(out: Path, name: str, sha256: object) -> bool:
    """Whether ``out / name`` is a regular file whose bytes have this SHA-256."""
    path = out / name
    try:
        if not stat.S_ISREG(path.stat().st_mode):  # a link to /dev/zero is never read
            return False
        current = path.read_bytes()
    except OSError:
        return False
    return isinstance(sha256, str) and hashlib.sha256(current).hexdigest() == sha256


def publish(
    out: Path,
    files: Mapping[str, bytes],
    manifest: Manifest,
    rule: WriteRule | None = None,
    *,
    remove: Mapping[str, str] | None = None,
) -> list[Path]:
    """Replace ``files`` (relative name -> bytes) in ``out`` together, then the manifest.

    Call it while holding :func:`locked`.  Returns the paths written, in order.
    The journal records the SHA-256 of each staged file: a completion moves
    only files whose bytes are those (see :func:`recover`).  ``remove``
    (relative name -> SHA-256) names outputs to delete in the same
    publication: each only while it is a regular file with those bytes (a file
    edited since is kept), then the folders it leaves empty.

    Raises
    ------
    UsageError
        When a file would go where ``rule`` forbids (:mod:`geo.targets`).
    GeoError
        When a target cannot be written (a folder where a file goes, a file
        where a folder goes, no permission, a full disk); nothing is replaced
        then, unless the disk fills while the files are moved into place: the
        journal is kept, and the next build completes the publication.
    """
    names = sorted(files)
    removals = dict(sorted((remove or {}).items()))
    for name in [*names, *removals]:
        if not safe_name(name):
            raise GeoError(f"cannot write {name!r} into {out}: not a name of an output")
        _check_target(out, name)
        if rule is not None:
            rule.check(out / name, what="output file")
    stage = out / STAGE
    journal: dict[str, Any] = {
        "version": JOURNAL_VERSION,
        "files": {name: hashlib.sha256(files[name]).hexdigest() for name in names},
        "manifest": manifest.to_json(),
    }
    if removals:
        journal["remove"] = removals
    try:
        for name in names:
            atomic_write_bytes(stage / name, files[name])
        _place(out, JOURNAL, json.dumps(journal, sort_keys=True) + "\n")
    except OSError as err:
        shutil.rmtree(stage, ignore_errors=True)
        (out / JOURNAL).unlink(missing_ok=True)
        msg = f"cannot write to {out}: {err.strerror or err}; the folder is as it was"
        raise GeoError(msg) from err
    try:
        _complete(out, journal)
    except OSError as err:
        msg = (
            f"cannot finish writing {out}: {err.strerror or err}; "
            "the next build into it completes this one"
        )
        raise GeoError(msg) from err
    return [out / name for name in names]


def _place(out: Path, name: str, text: str) -> None:
    """Write a record of the folder (journal, manifest) whole: staged, then renamed into place.

    Its temporary files are in the staging folder, which is removed by name.
    """
    staged = out / STAGE / name
    atomic_write_text(staged, text)
    os.replace(staged, out / name)
    _fsync_folder(out)


def recover(out: Path, rule: WriteRule | None = None) -> list[Path]:
    """Complete a publication that was interrupted after its journal was written.

    Returns the files it moved into place (empty when there was nothing to do).
    A journal is followed only when every file it names is a :func:`safe_name`
    that stays in ``out`` (no symbolic link on the way), whose staged copy is
    a regular file in ``out/.geo-stage/`` with the bytes the journal records
    (SHA-256), and which ``rule`` allows (:mod:`geo.targets`).  Any other
    journal is removed with a warning, never followed; the staging folder is
    then swept, and the build that holds the lock rewrites what differs.
    """
    path = out / JOURNAL
    if not (path.exists() or path.is_symlink()):
        return []
    try:
        journal = _read_record(path)
        moves = _check_journal(out, journal, rule)
    except ValueError as err:
        log.warning("ignoring the %s in %s, which is not followed: %s", JOURNAL, out, err)
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)
        return []
    with writing(out):
        moved = _complete(out, {**journal, "files": moves[0], "remove": moves[1]})
    log.warning(
        "completed an interrupted build in %s: %d file(s) moved into place", out, len(moved)
    )
    return moved


def _check_journal(
    out: Path, journal: Any, rule: WriteRule | None
) -> tuple[dict[str, str], dict[str, str]]:
    """The moves and removals of a journal that may be followed (see :func:`recover`).

    Raises ValueError when there are none.  A removal is followed only for a
    file the folder's manifest lists with the bytes the journal records.
    """
    if not isinstance(journal, dict) or journal.get("version") != JOURNAL_VERSION:
        raise ValueError("not a journal of this version of geo")
    files = journal.get("files")
    manifest = journal.get("manifest")
    removals = journal.get("remove", {})
    if not (isinstance(files, dict) and isinstance(removals, dict) and isinstance(manifest, str)):
        raise ValueError("not a journal of this version of geo")
    try:
        if _manifest(json.loads(manifest), out, warn=False) is None:
            raise ValueError("its manifest is not one")
    except json.JSONDecodeError as err:
        raise ValueError(f"its manifest is not JSON ({err})") from err
    home = out.resolve()
    stage = home / STAGE
    if (out / STAGE).is_symlink() or ((out / STAGE).exists() and not (out / STAGE).is_dir()):
        raise ValueError(f"{STAGE} is not a folder")
    listed = read_manifest(out, warn=False).outputs
    for name, digest in removals.items():
        _check_journal_target(out, home, name, digest, rule)
        if (out / name).exists() and (listed.get(name) or {}).get("sha256") != digest:
            raise ValueError(f"it removes {name!r}, which the folder's manifest does not list so")
    for name, digest in files.items():
        _check_journal_target(out, home, name, digest, rule)
        source = out / STAGE / name
        if not (source.exists() or source.is_symlink()):
            continue  # moved into place before the interruption
        if source.resolve() != stage / name or not stat.S_ISREG(source.lstat().st_mode):
            raise ValueError(f"the staged {name!r} is not a regular file in {STAGE}")
        try:
            data = source.read_bytes()
        except OSError as err:
            raise ValueError(f"the staged {name!r} is unreadable ({err.strerror})") from err
        if hashlib.sha256(data).hexdigest() != digest:
            raise ValueError(f"the staged {name!r} is not the file the journal records")
    return files, removals


def _check_journal_target(
    out: Path, home: Path, name: object, digest: object, rule: WriteRule | None
) -> None:
    """ValueError unless a journal's ``name`` is a file of ``out`` that may be written."""
    if not isinstance(name, str) or not safe_name(name) or not isinstance(digest, str):
        raise ValueError(f"it names {name!r}, which is not a file of the folder")
    target = out / name
    if target.parent.resolve() != (home / name).parent:
        raise ValueError(f"the folder of {name!r} leads outside {out}")
    if target.is_symlink() and not _inside(target.resolve(), home):
        raise ValueError(f"{name!r} is a symbolic link leading outside {out}")
    if rule is not None:
        try:
            rule.check(target, what="output file")
        except UsageError as err:
            raise ValueError(str(err)) from err


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _complete(out: Path, journal: Mapping[str, Any]) -> list[Path]:
    moved = []
    stage = out / STAGE
    for name in journal["files"]:
        source = stage / name
        if source.exists():
            target = out / name
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, target)
            moved.append(target)
    for name, digest in journal.get("remove", {}).items():
        _remove(out, name, digest)
    text = journal.get("manifest")
    if isinstance(text, str):
        _place(out, MANIFEST, text)
    _fsync_folder(out)
    (out / JOURNAL).unlink(missing_ok=True)
    shutil.rmtree(stage, ignore_errors=True)
    return moved


def _remove(out: Path, name: str, digest: str) -> None:
    """Delete output ``name`` if it is still a regular file with these bytes, then the folders
    between it and ``out`` that it leaves empty."""
    target = out / name
    if target.is_symlink() or not holds(out, name, digest):
        if target.exists():
            log.warning("kept %s: it was changed since geo wrote it", target)
        return
    target.unlink()
    for parent in target.relative_to(out).parents:
        if parent == Path("."):
            break
        try:
            (out / parent).rmdir()  # only an empty folder goes: a user's file keeps it
        except OSError:
            break


def _check_target(out: Path, name: str) -> None:
    target = out / name
    for parent in reversed(target.relative_to(out).parents):
        folder = out / parent
        if folder.exists() and not folder.is_dir():
            msg = f"cannot write {target}: {folder} is a file, not a folder; move it away"
            raise GeoError(msg)
    if target.is_dir():
        msg = f"cannot write {target}: it is a folder; move it away"
        raise GeoError(msg)


def _sweep(out: Path) -> None:
    """Remove what killed publications left behind, each by its name.

    The staging folder, and the temporary files of the journal and manifest
    that earlier versions of geo wrote beside them.  Nothing else: a user's
    ``notes/.draft.tmp`` stays.
    """
    stage = out / STAGE
    if stage.is_symlink():
        raise _not_ours(stage, "a symbolic link")
    shutil.rmtree(stage, ignore_errors=True)
    for record in (JOURNAL, MANIFEST):
        pattern = re.compile(rf"\.{re.escape(record)}\.[a-z0-9_]{{8}}\.tmp")
        for stale in out.glob(f".{record}.*.tmp"):
            if pattern.fullmatch(stale.name) and stale.is_file() and not stale.is_symlink():
                with contextlib.suppress(OSError):
                    stale.unlink()


def _fsync_folder(out: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(out, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def missing_inputs(manifest: Manifest, data_dir: Path, inputs: Sequence[Path]) -> list[str]:
    """Inputs of the data folder that the last build read and this one would not.

    Empty when the last build was from another data folder, or read nothing.
    """
    if manifest.data_dir != str(data_dir.resolve()):
        return []
    now = set(input_names(data_dir, inputs))
    return [name for name in manifest.inputs if name not in now]


def input_names(data_dir: Path, inputs: Sequence[Path]) -> list[str]:
    """Names of the ``inputs`` that are files of ``data_dir`` (the package's copies are not)."""
    folder = data_dir.resolve()
    return sorted(p.name for p in inputs if p.parent.resolve() == folder)
