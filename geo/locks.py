"""File locks that work on every system, through the maintained ``filelock`` library.

A lock is held on a lock file and released when its holder ends, killed or
not (``flock`` on POSIX, ``LockFileEx`` on Windows: the system releases it),
so no stale lock outlives a crashed run.  Three uses:

- :func:`holding` a lock file, waiting for it (``wait=True``) or not
  (:class:`Busy` when another process holds it);
- :func:`holding_folder`: a lock on a folder that adds no file to it (the data
  folder of an edit): the lock file lives in a per-user folder of the system's
  temporary folder, named by a digest of the folder's resolved path, so two
  edits of the same folder, through any path to it, exclude each other.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

import filelock

__all__ = ["Busy", "folder_lock_file", "holding", "holding_folder"]


class Busy(Exception):
    """Another process holds the lock (``wait=False``)."""


@contextlib.contextmanager
def holding(path: Path, *, wait: bool = True, timeout: float | None = None) -> Iterator[None]:
    """Hold an exclusive lock on the file ``path`` (created if missing) for the block.

    Parameters
    ----------
    path : Path
        The lock file; its content is not used, so it may hold anything.
    wait : bool
        Wait for the lock (the default) or raise :class:`Busy` at once.
    timeout : float, optional
        With ``wait``, seconds to wait at most before raising :class:`Busy`
        (default: no limit).

    Raises
    ------
    Busy
        When another process holds the lock and ``wait`` is false, or
        ``timeout`` seconds have passed.
    OSError
        When the lock file cannot be opened or created.
    """
    limit = (-1 if timeout is None else timeout) if wait else 0
    lock = filelock.FileLock(str(path), timeout=limit, thread_local=False)
    try:
        lock.acquire()
    except filelock.Timeout as err:
        raise Busy(str(path)) from err
    try:
        yield
    finally:
        lock.release()


def folder_lock_file(folder: Path) -> Path:
    """The lock file standing for ``folder``: outside it, named by its resolved path."""
    key = hashlib.sha256(os.fsencode(folder.resolve())).hexdigest()[:32]
    user = f"-{os.getuid()}" if hasattr(os, "getuid") else ""
    locks = Path(tempfile.gettempdir()) / f"geo-locks{user}"
    locks.mkdir(mode=0o700, exist_ok=True)
    if hasattr(os, "getuid"):  # a folder someone else made could hold their links
        info = locks.lstat()
        if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o077:
            msg = f"{locks} is not a private folder of this user; remove it and try again"
            raise PermissionError(msg)
    return locks / f"{key}.lock"


@contextlib.contextmanager
def holding_folder(
    folder: Path, *, wait: bool = True, timeout: float | None = None
) -> Iterator[None]:
    """Hold an exclusive lock standing for ``folder`` without adding a file to it.

    Raises
    ------
    Busy
        When ``wait`` is false and another process holds the lock.
    OSError
        When the lock file cannot be created.
    """
    with holding(folder_lock_file(folder), wait=wait, timeout=timeout):
        yield
