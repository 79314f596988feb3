"""The local engine's loop: read a source chunk by chunk, enrich in threads, write in order.

:func:`stream` is shared by :func:`geo.points.enrich_file` (one input, in
this process) and by the Dask engine (one partition, on a worker).
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from geo.errors import InvalidPointsError, Problem
from geo.points.enrich import Enricher, OnInvalid
from geo.points.rows import Chunk, Coordinates, merge_problems
from geo.points.sources import FileSource
from geo.points.writers import Writer

__all__ = ["BATCH_ROWS", "MAX_WORKERS", "Progress", "stream"]


@dataclass(frozen=True)
class Progress:
    """How far :func:`enrich_file` has got, passed to its ``progress`` callback after each chunk.

    Attributes
    ----------
    rows : int
        Input rows read so far.
    fraction : float or None
        Share of the input read, 0 to 1 (by bytes for CSV, by rows otherwise),
        ``None`` when unknown.
    """

    rows: int
    fraction: float | None


def stream(
    source: FileSource,
    writer: Writer,
    enricher: Enricher,
    on_invalid: OnInvalid,
    progress: Callable[[Progress], None] | None,
    workers: int,
) -> tuple[int, int, int]:
    """Read, enrich and write chunk by chunk; returns rows read, written and invalid.

    Each chunk is cut into batches of at most :data:`BATCH_ROWS` rows that
    ``workers`` threads enrich and render at once (GEOS, the tree query,
    pyproj and pyarrow release the GIL), while this thread reads ahead and
    writes the results in the order of the input; at most ``2 * workers``
    batches wait, so memory does not grow with the input.  With
    ``on_invalid='raise'``, once a row fails the rest is only checked, so that
    the error counts every invalid row.
    """
    read = written = invalid = 0
    problems: list[Problem] = []
    pending: deque[tuple[Future[Any], Progress | None]] = deque()
    warm = False

    def drain(limit: int) -> None:
        while len(pending) > limit:
            future, done = pending.popleft()
            rendered = future.result()
            if rendered is not None:
                writer.put(rendered)
            if done is not None and progress is not None:
                progress(done)

    pool = ThreadPoolExecutor(workers, thread_name_prefix="geo-enrich")
    try:
        for chunk in source.chunks():
            coords = chunk.coords
            read += len(coords.lon)
            invalid += coords.invalid_count
            if coords.problems and on_invalid == "raise":
                if not problems:
                    drain(0)
                problems = merge_problems(problems, coords.problems)
            done = Progress(read, chunk.fraction)
            if problems:
                if progress is not None:
                    progress(done)
                continue
            keep = coords.valid if on_invalid == "skip" else np.ones(len(coords.lon), bool)
            bounds = _batches(len(coords.lon))
            for i, (start, stop) in enumerate(bounds):
                future = pool.submit(_render, writer, enricher, chunk, start, stop, keep)
                pending.append((future, done if i == len(bounds) - 1 else None))
                if not warm:  # while the threads locate the first batches
                    enricher.warm(stop - start)
                    warm = True
                drain(2 * workers)
            if not bounds:  # no rows: nothing to write, still a chunk read
                nothing: Future[Any] = Future()
                nothing.set_result(None)
                pending.append((nothing, done))
            written += int(keep.sum())
        drain(0)
    except BaseException:
        for future, _ in pending:
            future.cancel()
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    if problems:
        raise InvalidPointsError(source.label, problems, invalid)
    return read, written, invalid


#: Most rows a thread enriches at a time.
BATCH_ROWS = 65536
#: Most threads by default.
MAX_WORKERS = 8


def _batches(n: int) -> list[tuple[int, int]]:
    """Row ranges of at most :data:`BATCH_ROWS` rows, of about equal sizes, covering ``0..n``."""
    if n == 0:
        return []
    count = -(-n // BATCH_ROWS)
    edges = np.linspace(0, n, count + 1).round().astype(int).tolist()
    return list(itertools.pairwise(edges))


def _render(
    writer: Writer, enricher: Enricher, chunk: Chunk, start: int, stop: int, keep: np.ndarray
) -> Any:
    """The rows ``start:stop`` of a chunk, enriched and rendered for the writer (in a thread)."""
    coords = chunk.coords
    part = Coordinates(
        coords.lon[start:stop], coords.lat[start:stop], coords.valid[start:stop], [], 0
    )
    found = enricher.find(part.lon, part.lat, part.valid)
    return writer.render(_rows(chunk.data, start, stop), part, found, keep[start:stop])


def _rows(data: Any, start: int, stop: int) -> Any:
    """The rows ``start:stop`` of a frame or a pyarrow Table."""
    if isinstance(data, pd.DataFrame):
        return data.iloc[start:stop]
    return data.slice(start, stop - start)
