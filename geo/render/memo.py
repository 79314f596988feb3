"""Answers about geometries, kept for the process and in the cache.

The pages of one build draw the same basemap: its encoded rings, label points
and country boxes are computed for the first page and found again for the
others (:func:`geo.cache.remembered`), and by the next process in
:mod:`geo.cache`.  Answers are keyed by the geometries' content (a hash of
their WKB), never by object identity alone, so that a changed layer is never
answered from an old entry.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import weakref
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np
import shapely

from geo import cache

__all__ = ["content_key", "kept"]

log = logging.getLogger(__name__)

T = TypeVar("T")

_lock = threading.Lock()


def content_key(geoms: np.ndarray | Any) -> bytes:
    """A digest of ``geoms`` (an array of shapely geometries, missing ones included).

    The digest of a read-only NumPy array (which cannot change) is computed
    once per array object, for as long as it lives.
    """
    array = np.asarray(geoms, dtype=object)
    if array.flags.writeable:
        return _digest(array)
    with _lock:
        found = _digests.get(id(array))
    if found is not None and found[0]() is array:
        return found[1]
    digest = _digest(array)
    with _lock:
        _digests[id(array)] = (weakref.ref(array, lambda _: _forget(id(array))), digest)
    return digest


_digests: dict[int, tuple[weakref.ref[np.ndarray], bytes]] = {}


def _forget(key: int) -> None:
    with _lock:
        _digests.pop(key, None)


def _digest(array: np.ndarray) -> bytes:
    digest = hashlib.sha256()
    for wkb in shapely.to_wkb(array):
        digest.update(b"\0" if wkb is None else len(wkb).to_bytes(8, "little") + wkb)
    return digest.digest()


def kept(
    kind: str,
    geoms: np.ndarray,
    compute: Callable[[], T],
    *,
    arrays: Callable[[T], dict[str, np.ndarray]],
    restore: Callable[[dict[str, np.ndarray]], T],
    keep: int = 4,
    code: str | None = None,
) -> T:
    """What ``compute`` finds about ``geoms``: once per process, and kept in :mod:`geo.cache`.

    The entry is keyed by the geometries' content (:func:`content_key`) and
    the code; ``arrays`` writes a value as an entry's arrays and ``restore``
    reads it back, raising ``KeyError``, ``ValueError`` or ``TypeError`` for
    an entry that does not fit (it is then computed again).  ``code``, the
    module that computes the value, also looks for it among the answers geo
    ships prepared (:func:`geo.cache.prepared_key`).
    """
    digest = content_key(geoms)

    def load_or_compute() -> T:
        key = cache.entry_key(kind, digest, code=code)
        found = cache.load(kind, key)
        if found is not None:
            try:
                return restore(found)
            except (KeyError, ValueError, TypeError) as err:
                log.debug("cache: the %s entry is unusable (%s): computed again", kind, err)
        value = compute()
        cache.store(kind, key, arrays(value), keep=keep)
        return value

    return cache.remembered(kind, digest, load_or_compute)
