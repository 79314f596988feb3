"""Publish a set of files into an output folder: locked, all or nothing, recoverable.

What a reader of the folder is promised
---------------------------------------
- **Per file**: every file is whole, the old bytes or the new ones, never a part
  (each is written to a temporary file, flushed to disk, and renamed).
- **Per folder**: the files of one publication appear together.  They are first
  written to a staging folder (``.geo-stage/``); then a journal
  (``.geo-build.journal``) naming every file is written atomically, and only
  then are the staged files renamed into place.  A process killed before the
  journal exists leaves the folder as it was (the staging folder is swept by
  the next publication); a process killed after it leaves a journal, and the
  next publication into the folder first completes the interrupted one and
  logs that it did.  The renames themselves take microseconds, so a reader
  sees a mix of versions only inside that window.
- **One writer**: a lock file (``.geo-build.lock``, :mod:`geo.locks`) stops a
  second publication into the same folder at the same time, with a clear error.

The manifest (``.geo-build.json``) records, for each output, the key of the
inputs it was made from and the hash of its bytes (so an unchanged output is
not written again), and the input files of the data folder that were used (so
a build that would silently lose one can refuse).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import shutil
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from geo import locks
from geo.errors import BuildLockedError, GeoError
from geo.fileio import atomic_write_bytes, atomic_write_text

__all__ = [
    "JOURNAL",
    "LOCK",
    "MANIFEST",
    "STAGE",
    "Manifest",
    "input_names",
    "is_current",
    "locked",
    "missing_inputs",
    "publish",
    "read_manifest",
    "recover",
]

log = logging.getLogger(__name__)

MANIFEST = ".geo-build.json"
LOCK = ".geo-build.lock"
#: The process id of the build holding the lock, for the message a second build gets.
PID = ".geo-build.pid"
JOURNAL = ".geo-build.journal"
STAGE = ".geo-stage"


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
    """

    outputs: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    data_dir: str | None = None
    inputs: tuple[str, ...] = ()

    def to_json(self) -> str:
        """The manifest file's text: sorted, one key per line."""
        body = {"outputs": self.outputs, "data_dir": self.data_dir, "inputs": list(self.inputs)}
        return json.dumps(body, indent=1, sort_keys=True) + "\n"


@contextlib.contextmanager
def locked(out: Path) -> Iterator[None]:
    """Hold the folder's lock, creating the folder; complete an interrupted publication first.

    Raises
    ------
    BuildLockedError
        When another process holds the lock.
    GeoError
        When the folder cannot be created (a file is in the way, no permission).
    """
    try:
        out.mkdir(parents=True, exist_ok=True)
        handle = (out / PID).open("a+")
    except OSError as err:
        msg = f"cannot write to {out}: {err.strerror or err}"
        raise GeoError(msg) from err
    with handle, contextlib.ExitStack() as held:
        try:
            held.enter_context(locks.holding(out / LOCK, wait=False))
        except locks.Busy as err:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            msg = (
                f"another geo build is writing to {out} (pid {holder}); "
                "wait for it to finish, or stop it, then build again"
            )
            raise BuildLockedError(msg) from err
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        try:
            recover(out)
            _sweep(out)
            yield
        finally:
            handle.seek(0)
            handle.truncate()


def read_manifest(out: Path) -> Manifest:
    """The folder's manifest; an empty one when it is missing or unreadable."""
    try:
        data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Manifest()
    if not isinstance(data, dict) or not isinstance(data.get("outputs"), dict):
        return Manifest()
    inputs = data.get("inputs")
    data_dir = data.get("data_dir")
    return Manifest(
        {k: v for k, v in data["outputs"].items() if isinstance(v, dict)},
        data_dir if isinstance(data_dir, str) else None,
        tuple(i for i in inputs if isinstance(i, str)) if isinstance(inputs, list) else (),
    )


def is_current(out: Path, name: str, key: str, manifest: Manifest) -> bool:
    """Whether output ``name`` was made from inputs of this ``key`` and is intact on disk."""
    entry = manifest.outputs.get(name)
    if entry is None or entry.get("key") != key:
        return False
    try:
        current = (out / name).read_bytes()
    except OSError:
        return False
    return hashlib.sha256(current).hexdigest() == entry.get("sha256")


def publish(out: Path, files: Mapping[str, bytes], manifest: Manifest) -> list[Path]:
    """Replace ``files`` (relative name -> bytes) in ``out`` together, then the manifest.

    Call it while holding :func:`locked`.  Returns the paths written, in order.

    Raises
    ------
    GeoError
        When a target cannot be written (a folder where a file goes, a file
        where a folder goes, no permission); nothing is replaced then.
    """
    names = sorted(files)
    for name in names:
        _check_target(out, name)
    stage = out / STAGE
    try:
        for name in names:
            atomic_write_bytes(stage / name, files[name])
    except OSError as err:
        shutil.rmtree(stage, ignore_errors=True)
        msg = f"cannot write to {out}: {err.strerror or err}"
        raise GeoError(msg) from err
    journal = {"moves": names, "manifest": manifest.to_json()}
    atomic_write_text(out / JOURNAL, json.dumps(journal, sort_keys=True) + "\n")
    _complete(out, journal)
    return [out / name for name in names]


def recover(out: Path) -> list[Path]:
    """Complete a publication that was interrupted after its journal was written.

    Returns the files it moved into place (empty when there was nothing to do).
    """
    try:
        journal = json.loads((out / JOURNAL).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    except (OSError, ValueError):
        journal = None
    if not isinstance(journal, dict) or not isinstance(journal.get("moves"), list):
        # a journal is written atomically, so this is not ours: leave the folder as it is
        log.warning("ignoring an unreadable %s in %s", JOURNAL, out)
        (out / JOURNAL).unlink(missing_ok=True)
        return []
    moved = _complete(out, journal)
    log.warning(
        "completed an interrupted build in %s: %d file(s) moved into place", out, len(moved)
    )
    return moved


def _complete(out: Path, journal: Mapping[str, Any]) -> list[Path]:
    moved = []
    stage = out / STAGE
    for name in journal["moves"]:
        source = stage / name
        if source.exists():
            target = out / name
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, target)
            moved.append(target)
    text = journal.get("manifest")
    if isinstance(text, str):
        atomic_write_text(out / MANIFEST, text)
    _fsync_folder(out)
    (out / JOURNAL).unlink(missing_ok=True)
    shutil.rmtree(stage, ignore_errors=True)
    return moved


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
    """Remove what killed publications left behind: the staging folder, hidden temporaries."""
    shutil.rmtree(out / STAGE, ignore_errors=True)
    for stale in out.rglob(".*.tmp"):
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
